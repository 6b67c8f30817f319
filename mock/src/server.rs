//! The fake's HTTP/1.1 server: requests read one after another on each
//! connection (keep-alive), bodies by `Content-Length`, every answer JSON.
//!
//! Hand-rolled on tokio's sockets and httparse rather than taken from axum or
//! hyper's server, for partners' build times: those need hyper's `server`
//! feature (and axum turns on serde_json's `raw_value`), which changes the
//! features of crates the SDK is built from, so a partner's `cargo build
//! --tests`, with this crate in `[dev-dependencies]`, compiled imprint-types,
//! imprint-webhooks and imprint-sdk a second time (34 s after an 88 s build;
//! `tests/footprint/measure.sh partner`). This server builds only on crates
//! the SDK already builds, with the features it builds them with.

use std::future::Future;
use std::pin::pin;

use futures_util::future::{Either, select};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// The longest request head (request line and headers) read.
pub(crate) const MAX_HEAD: usize = 64 * 1024;

/// The most headers a request may carry.
const MAX_HEADERS: usize = 100;

/// The longest request body read; Imprint's requests are a few kilobytes.
pub(crate) const MAX_BODY: usize = 1024 * 1024;

/// One request, read whole.
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) uri: Uri,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

/// One answer: a status, headers of its own (`Allow`, say) and, unless it
/// has none, a JSON body.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) json: Option<Vec<u8>>,
}

/// Serves `listener` with `handler` until `stop` turns true; connections
/// open then end after the request they are reading or answering.
pub(crate) async fn serve<F, Fut>(listener: TcpListener, stop: watch::Receiver<bool>, handler: F)
where
    F: Fn(Request) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Response> + Send,
{
    loop {
        let accepted = {
            let mut stop = stop.clone();
            match select(pin!(listener.accept()), pin!(stop.wait_for(|stop| *stop))).await {
                Either::Left((accepted, _)) => accepted,
                Either::Right(_) => return,
            }
        };
        // A failed accept (the peer gave up, or descriptors ran out for a
        // moment) concerns that connection only.
        let Ok((stream, _)) = accepted else { continue };
        let (handler, mut stop) = (handler.clone(), stop.clone());
        tokio::spawn(async move {
            let connection = pin!(connection(stream, handler));
            let _ = select(connection, pin!(stop.wait_for(|stop| *stop))).await;
        });
    }
}

/// Reads and answers requests on `stream` until the client closes it, asks
/// for `Connection: close`, or sends what cannot be read.
async fn connection<F, Fut>(mut stream: TcpStream, handler: F)
where
    F: Fn(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    let mut buffer = Vec::with_capacity(8 * 1024);
    loop {
        let request = match read_request(&mut stream, &mut buffer).await {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(refusal) => {
                let _ = write(&mut stream, &refusal, true).await;
                return;
            }
        };
        let close = wants_close(&request.headers);
        let response = handler(request).await;
        if write(&mut stream, &response, close).await.is_err() || close {
            return;
        }
    }
}

/// The next request on `stream` (`None` when the client closed it between
/// requests), or the answer refusing what was sent. `buffer` keeps what was
/// read past the request.
async fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
) -> Result<Option<Request>, Response> {
    let head_length = loop {
        if let Some(end) = find_head_end(buffer) {
            if end > MAX_HEAD {
                return Err(refusal(431, "the request head is over 64 KiB"));
            }
            break end;
        }
        if buffer.len() > MAX_HEAD {
            return Err(refusal(431, "the request head is over 64 KiB"));
        }
        if read_more(stream, buffer).await == 0 {
            return if buffer.is_empty() {
                Ok(None)
            } else {
                Err(refusal(400, "the connection closed inside a request head"))
            };
        }
    };
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&buffer[..head_length]) {
        Ok(httparse::Status::Complete(_)) => {}
        Err(httparse::Error::TooManyHeaders) => {
            return Err(refusal(431, "the request has over 100 headers"));
        }
        _ => return Err(refusal(400, "the request head is not HTTP/1.1")),
    }
    let (Some(method), Some(target)) = (parsed.method, parsed.path) else {
        return Err(refusal(400, "the request line is incomplete"));
    };
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| refusal(400, "the request method is not a token"))?;
    let uri: Uri = target
        .parse()
        .map_err(|_| refusal(400, "the request target is not a URI"))?;
    let mut header_map = HeaderMap::new();
    for header in parsed.headers.iter() {
        let name = HeaderName::from_bytes(header.name.as_bytes())
            .map_err(|_| refusal(400, "a header name is not a token"))?;
        let value = HeaderValue::from_bytes(header.value)
            .map_err(|_| refusal(400, "a header value holds a control character"))?;
        header_map.append(name, value);
    }
    if header_map.contains_key(http::header::TRANSFER_ENCODING) {
        return Err(refusal(
            411,
            "the fake server reads bodies by Content-Length only",
        ));
    }
    let length = match header_map.get(http::header::CONTENT_LENGTH) {
        None => 0,
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|text| text.parse::<usize>().ok())
            .ok_or_else(|| refusal(400, "Content-Length is not a number"))?,
    };
    if length > MAX_BODY {
        return Err(refusal(413, "the request body is over 1 MiB"));
    }
    while buffer.len() < head_length + length {
        if read_more(stream, buffer).await == 0 {
            return Err(refusal(400, "the connection closed inside a request body"));
        }
    }
    let body = buffer[head_length..head_length + length].to_vec();
    buffer.drain(..head_length + length);
    Ok(Some(Request {
        method,
        uri,
        headers: header_map,
        body,
    }))
}

/// Appends what `stream` has to `buffer`: how many bytes (0 at its end or on
/// an error, which end the connection alike).
async fn read_more(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> usize {
    // Straight into the buffer's spare room, at least 8 KiB of it.
    buffer.reserve(8 * 1024);
    stream.read_buf(buffer).await.unwrap_or(0)
}

/// Where the head ends (just past its blank line), if `buffer` holds it all.
fn find_head_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| at + 4)
}

fn wants_close(headers: &HeaderMap) -> bool {
    headers
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case("close"))
}

/// The fake's refusal of a request it cannot read, in Imprint's error
/// envelope.
fn refusal(status: u16, message: &str) -> Response {
    let body = serde_json::json!({ "error": { "type": "BAD_REQUEST_ERROR", "message": message } });
    Response {
        status,
        headers: HeaderMap::new(),
        json: Some(body.to_string().into_bytes()),
    }
}

async fn write(stream: &mut TcpStream, response: &Response, close: bool) -> std::io::Result<()> {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.json.as_deref().unwrap_or_default();
    let mut bytes = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    let mut line = |name: &[u8], value: &[u8]| {
        for part in [name, b": ", value, b"\r\n"] {
            bytes.extend_from_slice(part);
        }
    };
    if response.json.is_some() && !response.headers.contains_key(http::header::CONTENT_TYPE) {
        line(b"content-type", b"application/json");
    }
    // A `HeaderValue` holds no CR or LF, so no value can add a header.
    for (name, value) in &response.headers {
        line(name.as_str().as_bytes(), value.as_bytes());
    }
    line(b"content-length", body.len().to_string().as_bytes());
    if close {
        line(b"connection", b"close");
    }
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await?;
    stream.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server answering every request with its method, path and body
    /// length, and what a raw client reads back from `sent`.
    async fn exchange(sent: &[u8]) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = watch::channel(false);
        let server = tokio::spawn(serve(listener, stopped, |request: Request| async move {
            let echo = format!(
                r#"{{"seen":"{} {} {}"}}"#,
                request.method,
                request.uri,
                request.body.len()
            );
            let mut headers = HeaderMap::new();
            headers.insert("x-echo", HeaderValue::from_static("1"));
            Response {
                status: 200,
                headers,
                json: Some(echo.into_bytes()),
            }
        }));
        let mut client = TcpStream::connect(address).await.unwrap();
        client.write_all(sent).await.unwrap();
        client.shutdown().await.unwrap();
        let mut received = String::new();
        client.read_to_string(&mut received).await.unwrap();
        stop.send(true).unwrap();
        server.await.unwrap();
        received
    }

    #[tokio::test]
    async fn answers_requests_one_after_another_on_one_connection() {
        let received = exchange(
            b"POST /v2/customers HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhelloGET /v2/keys?a=1 HTTP/1.1\r\nhost: x\r\n\r\n",
        )
        .await;
        assert_eq!(
            received,
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-echo: 1\r\ncontent-length: 31\r\n\r\n{\"seen\":\"POST /v2/customers 5\"}\
             HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-echo: 1\r\ncontent-length: 29\r\n\r\n{\"seen\":\"GET /v2/keys?a=1 0\"}"
        );
    }

    #[tokio::test]
    async fn connection_close_is_honoured() {
        let received = exchange(
            b"GET /a HTTP/1.1\r\nconnection: keep-alive, close\r\n\r\nGET /b HTTP/1.1\r\n\r\n",
        )
        .await;
        assert!(received.contains("connection: close\r\n"), "{received}");
        assert!(
            received.contains("GET /a 0") && !received.contains("GET /b"),
            "{received}"
        );
    }

    #[tokio::test]
    async fn refuses_what_it_will_not_read_with_the_status_that_says_why() {
        for (sent, status) in [
            (
                b"GET / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n".to_vec(),
                "411",
            ),
            (
                format!(
                    "POST / HTTP/1.1\r\ncontent-length: {}\r\n\r\n",
                    MAX_BODY + 1
                )
                .into_bytes(),
                "413",
            ),
            (
                b"POST / HTTP/1.1\r\ncontent-length: ten\r\n\r\n".to_vec(),
                "400",
            ),
            (b"NOT HTTP\r\n\r\n".to_vec(), "400"),
            (
                format!("GET / HTTP/1.1\r\nx: {}\r\n\r\n", "a".repeat(MAX_HEAD)).into_bytes(),
                "431",
            ),
            (
                b"POST / HTTP/1.1\r\ncontent-length: 10\r\n\r\nshort".to_vec(),
                "400",
            ),
        ] {
            let received = exchange(&sent).await;
            assert!(
                received.starts_with(&format!("HTTP/1.1 {status} ")),
                "{status}: {received}"
            );
            assert!(received.contains("BAD_REQUEST_ERROR"), "{received}");
        }
    }
}
