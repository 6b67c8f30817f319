//! A bound on response bodies, enforced while they are read.

/// `response` with a body that fails once it exceeds `max` bytes, so that no
/// reader (progenitor's decoding, the error mapping, read-ahead) can buffer
/// more. The failure is `http_body_util::LengthLimitError`, which the error
/// mapping recognises.
pub(super) fn limit(response: reqwest::Response, max: u64) -> reqwest::Response {
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    let response: http::Response<reqwest::Body> = response.into();
    reqwest::Response::from(
        response.map(|body| reqwest::Body::wrap(http_body_util::Limited::new(body, max))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &'static str) -> reqwest::Response {
        reqwest::Response::from(http::Response::new(body))
    }

    #[tokio::test]
    async fn bodies_up_to_the_limit_pass_whole() {
        let body = limit(response("0123456789"), 10).bytes().await.unwrap();
        assert_eq!(&body[..], b"0123456789");
    }

    #[tokio::test]
    async fn a_longer_body_fails_with_the_limit_error() {
        let error = limit(response("0123456789!"), 10)
            .bytes()
            .await
            .unwrap_err();
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        let mut found = false;
        while let Some(cause) = source {
            found |= cause.is::<http_body_util::LengthLimitError>();
            source = cause.source();
        }
        assert!(found, "{error:?}");
    }
}
