//! The small transport the protocol clients speak through: one HTTP exchange, a clock and a
//! sleep. Three implementations: [`native::ReqwestTransport`] (reqwest + tokio, outside the
//! browser), `browser::FetchTransport` (gloo-net + gloo-timers, in wasm32), and
//! [`memory::MemoryTransport`] (scripted answers and a virtual clock, for tests).
//!
//! The trait is generic, not `dyn`: async fn in traits, and futures need not be `Send` (in the
//! browser nothing is).
//!
//! A non-2xx status is not a transport error: it is a [`Response`] like any other, and the
//! protocol decides what it means (CloudSponge's 404 means "not ready yet").

use std::time::Duration;

use crate::error::Result;

#[cfg(target_arch = "wasm32")]
pub mod browser;
pub mod memory;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;

/// The HTTP methods the protocols use. Whether a request may be sent again is not the
/// method's to say but what the request does ([`crate::job::Effect`]): the XML API reads with
/// POST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// GET or POST.
    pub method: Method,
    /// The full URL, query included.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty for GET).
    pub body: Vec<u8>,
    /// How long to wait for the whole answer.
    pub timeout: Duration,
}

impl Request {
    /// A GET of `url` with the default timeout.
    pub fn get(url: impl Into<String>) -> Request {
        Request {
            method: Method::Get,
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// A POST of `body` to `url`, with its content type, and the default timeout.
    pub fn post(url: impl Into<String>, content_type: &str, body: Vec<u8>) -> Request {
        Request {
            method: Method::Post,
            url: url.into(),
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Adds HTTP Basic authentication, when credentials are given (absent when a proxy adds
    /// them: the browser never holds a provider secret).
    pub fn basic_auth(self, credentials: Option<&BasicAuth>) -> Request {
        match credentials {
            Some(c) => {
                let value = c.header_value();
                self.header("Authorization", value)
            }
            None => self,
        }
    }

    /// The value of header `name` (case-insensitive), if present.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as text (lossy), for tests and messages.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// How long one request may take unless the caller says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// HTTP Basic credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicAuth {
    /// The user name (CloudSponge domain key, Constant Contact user name).
    pub username: String,
    /// The password. Never printed: `Debug` hides it.
    pub password: String,
}

impl std::fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicAuth")
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .finish()
    }
}

impl BasicAuth {
    /// Credentials from a user name and password.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> BasicAuth {
        BasicAuth {
            username: username.into(),
            password: password.into(),
        }
    }

    /// The `Authorization` header value.
    pub fn header_value(&self) -> String {
        use base64::Engine;
        let raw = format!("{}:{}", self.username, self.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}

/// One HTTP answer, whatever its status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status code.
    pub status: u16,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// An answer with `status` and a text body.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// True for 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The value of header `name` (case-insensitive), if present.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The body as UTF-8 text (invalid sequences replaced; a leading BOM dropped).
    pub fn text(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        text.trim_start_matches('\u{feff}').to_string()
    }

    /// `Retry-After` in seconds (the HTTP-date form is not used by these providers and is
    /// ignored), capped at ten minutes so a hostile server cannot park the job forever.
    pub fn retry_after(&self) -> Option<Duration> {
        let seconds: u64 = self.header_value("Retry-After")?.trim().parse().ok()?;
        Some(Duration::from_secs(seconds.min(600)))
    }
}

fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// Time, for polling intervals, back-off and deadlines. Virtual in tests.
#[allow(async_fn_in_trait)]
pub trait Clock {
    /// Milliseconds since some fixed point (only differences matter).
    fn now_millis(&self) -> u64;
    /// Waits for `duration`.
    async fn sleep(&self, duration: Duration);
}

/// Sends one request and returns the answer, whatever its status. Errors are for exchanges
/// that did not complete: [`crate::Error::Transport`] or [`crate::Error::Timeout`].
#[allow(async_fn_in_trait)]
pub trait Transport: Clock {
    /// Sends `request`.
    async fn send(&self, request: Request) -> Result<Response>;
}

impl<T: Clock> Clock for &T {
    fn now_millis(&self) -> u64 {
        (**self).now_millis()
    }
    async fn sleep(&self, duration: Duration) {
        (**self).sleep(duration).await
    }
}

impl<T: Transport> Transport for &T {
    async fn send(&self, request: Request) -> Result<Response> {
        (**self).send(request).await
    }
}

/// Joins a base URL and a path with exactly one `/` between them.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// Percent-encodes a query or form value (`application/x-www-form-urlencoded`: space as `+`).
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Encodes name/value pairs as `application/x-www-form-urlencoded`.
pub fn form<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

/// Appends `query` (already encoded) to `url`, with `?` or `&` as needed.
pub fn with_query(url: &str, query: &str) -> String {
    if query.is_empty() {
        url.to_string()
    } else if url.contains('?') {
        let sep = if url.ends_with('?') || url.ends_with('&') {
            ""
        } else {
            "&"
        };
        format!("{url}{sep}{query}")
    } else {
        format!("{url}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_header_and_hidden_password() {
        let auth = BasicAuth::new("Aladdin", "open sesame");
        assert_eq!(auth.header_value(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(!format!("{auth:?}").contains("sesame"));
    }

    #[test]
    fn urls_and_forms() {
        assert_eq!(join("http://h/x/", "/a"), "http://h/x/a");
        assert_eq!(with_query("http://h/a", "b=1"), "http://h/a?b=1");
        assert_eq!(with_query("http://h/a?x=1", "b=1"), "http://h/a?x=1&b=1");
        assert_eq!(
            form([("a", "Boston, MA"), ("b", "x@y")]),
            "a=Boston%2C+MA&b=x%40y"
        );
    }

    #[test]
    fn retry_after_is_capped_and_lenient() {
        let r = Response::new(429, "").with_header("retry-after", " 3 ");
        assert_eq!(r.retry_after(), Some(Duration::from_secs(3)));
        let r = Response::new(429, "").with_header("Retry-After", "99999");
        assert_eq!(r.retry_after(), Some(Duration::from_secs(600)));
        let r = Response::new(429, "").with_header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(r.retry_after(), None);
    }
}
