//! A bound on response bodies, enforced while they are read.

use reqwest::ResponseBuilderExt;

/// `response` with a body that fails once it exceeds `max` bytes, so that no
/// reader (progenitor's decoding, the error mapping, read-ahead) can buffer
/// more. The failure is `http_body_util::LengthLimitError`, which the error
/// mapping recognises.
pub(super) fn limit(response: reqwest::Response, max: u64) -> reqwest::Response {
    // An exact length within the limit is a bound already: hyper ends an
    // HTTP/1 body at its Content-Length and h2 refuses data beyond it (a body
    // reqwest decompresses has no exact length). Wrapping costs a measured
    // 1.5 k instructions a response.
    if response
        .content_length()
        .is_some_and(|length| length <= max)
    {
        return response;
    }
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    // The way back from `http::Response` reads the URL from the extensions,
    // where the way there does not put it: without this, every response would
    // report a placeholder URL, parsed anew each time (a measured 2 k
    // instructions a request).
    let url = response.url().clone();
    let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let (carried, ()) = http::Response::builder()
        .url(url)
        .body(())
        .expect("a builder holding only a URL builds")
        .into_parts();
    parts.extensions.extend(carried.extensions);
    let body = reqwest::Body::wrap(http_body_util::Limited::new(body, max));
    reqwest::Response::from(http::Response::from_parts(parts, body))
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

    #[test]
    fn the_response_keeps_its_url() {
        let url = reqwest::Url::parse("http://127.0.0.1:9/v2/customers").unwrap();
        let response = http::Response::builder()
            .url(url.clone())
            .body("longer than 10")
            .unwrap();
        assert_eq!(limit(reqwest::Response::from(response), 10).url(), &url);
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
