//! Injectable faults: a list of `{path_prefix, kind, times}` checked before every protocol
//! request. Set through [`SandboxConfig::faults`](super::SandboxConfig::faults),
//! [`set_faults`](super::SandboxControls::set_faults) or `POST /sandbox/faults` with a JSON array.
//!
//! In JSON a kind is `"timeout"`, `"malformed"`, `"truncated"`, `{"status":503}`,
//! `{"rate_limit":2}`, or the short strings `"status(503)"` / `"rate_limit(2)"`.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::{lock, Shared};

/// One fault: requests whose path starts with `path_prefix` get `kind`, `times` times (then the
/// fault is used up), or every time when `times` is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    /// Path prefix after the base URL, e.g. `/cloudsponge/events` or `/convio`.
    pub path_prefix: String,
    /// What happens.
    pub kind: FaultKind,
    /// How many matching requests it hits; `None` = all of them.
    #[serde(default)]
    pub times: Option<u32>,
}

impl Fault {
    /// A fault for the next `times` matching requests.
    pub fn times(path_prefix: impl Into<String>, kind: FaultKind, times: u32) -> Self {
        Fault {
            path_prefix: path_prefix.into(),
            kind,
            times: Some(times),
        }
    }

    /// A fault for the next matching request only.
    pub fn once(path_prefix: impl Into<String>, kind: FaultKind) -> Self {
        Fault::times(path_prefix, kind, 1)
    }

    /// A fault for every matching request until cleared.
    pub fn always(path_prefix: impl Into<String>, kind: FaultKind) -> Self {
        Fault {
            path_prefix: path_prefix.into(),
            kind,
            times: None,
        }
    }
}

/// The kinds of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this HTTP status (500..=599 is the intent; any status is accepted) and a short
    /// text body; the request is not served.
    Status(u16),
    /// Hold the request for `timeout_fault_delay`, then drop the connection without an answer.
    Timeout,
    /// Serve the request, then replace the body with garbage (status 200, the handler's
    /// content type).
    Malformed,
    /// Serve the request, then send only the first half of the body (with a matching
    /// Content-Length, so the client sees a complete response whose body does not parse).
    Truncated,
    /// Answer 429 Too Many Requests with `Retry-After: secs`; the request is not served.
    RateLimit(u32),
}

/// Accepts the tagged JSON forms and the `status(503)` / `rate_limit(2)` strings.
impl<'de> Deserialize<'de> for FaultKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Tagged {
            Status(u16),
            RateLimit(u32),
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any {
            Text(String),
            Tagged(Tagged),
        }
        let parse = |text: &str| -> Option<FaultKind> {
            let text = text.trim();
            let arg = |name: &str| {
                text.strip_prefix(name)?
                    .strip_prefix('(')?
                    .strip_suffix(')')
                    .map(str::trim)
            };
            match text {
                "timeout" => Some(FaultKind::Timeout),
                "malformed" => Some(FaultKind::Malformed),
                "truncated" => Some(FaultKind::Truncated),
                _ => arg("status")
                    .and_then(|n| n.parse().ok())
                    .map(FaultKind::Status)
                    .or_else(|| {
                        arg("rate_limit")
                            .and_then(|n| n.parse().ok())
                            .map(FaultKind::RateLimit)
                    }),
            }
        };
        match Any::deserialize(deserializer)? {
            Any::Text(text) => parse(&text)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown fault kind {text:?}"))),
            Any::Tagged(Tagged::Status(code)) => Ok(FaultKind::Status(code)),
            Any::Tagged(Tagged::RateLimit(secs)) => Ok(FaultKind::RateLimit(secs)),
        }
    }
}

/// Takes one use of the first fault matching `path`, if any.
fn take(shared: &Shared, path: &str) -> Option<FaultKind> {
    let mut faults = lock(&shared.faults);
    let position = faults
        .iter()
        .position(|f| path.starts_with(&f.path_prefix) && f.times != Some(0))?;
    let fault = faults.get_mut(position)?;
    let kind = fault.kind;
    if let Some(times) = fault.times.as_mut() {
        *times -= 1;
        if *times == 0 {
            faults.remove(position);
        }
    }
    Some(kind)
}

/// Middleware over the protocol routes.
pub(crate) async fn inject(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(kind) = take(&shared, request.uri().path()) else {
        return next.run(request).await;
    };
    lock(&shared.stats).faults_injected += 1;
    match kind {
        FaultKind::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, format!("sandbox: injected fault {code}\n")).into_response()
        }
        FaultKind::RateLimit(secs) => (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, secs.to_string())],
            "sandbox: rate limited\n",
        )
            .into_response(),
        FaultKind::Timeout => {
            let mut stopped = shared.shutdown.clone();
            tokio::select! {
                _ = tokio::time::sleep(shared.config.timeout_fault_delay) => {}
                _ = stopped.wait_for(|stopped| *stopped) => {}
            }
            // A body that fails makes hyper abort the connection: the client sees no answer.
            let failing = futures_stream_error();
            Response::builder()
                .status(StatusCode::OK)
                .body(failing)
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        FaultKind::Malformed => {
            let served = next.run(request).await;
            let (mut parts, _) = served.into_parts();
            parts.status = StatusCode::OK;
            parts.headers.remove(header::CONTENT_LENGTH);
            let garbage: &[u8] = b"<<!garbage{\"IsSuccessfull\":tru\x00\xff\xfe]]>}}";
            Response::from_parts(parts, Body::from(Bytes::from_static(garbage)))
        }
        FaultKind::Truncated => {
            let served = next.run(request).await;
            let (mut parts, body) = served.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(half.len()));
            Response::from_parts(parts, Body::from(half))
        }
    }
}

/// A body whose first read fails.
fn futures_stream_error() -> Body {
    struct Failing;
    impl http_body::Body for Failing {
        type Data = Bytes;
        type Error = std::io::Error;
        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
            std::task::Poll::Ready(Some(Err(std::io::Error::other("sandbox: timeout fault"))))
        }
    }
    Body::new(Failing)
}

/// `GET /sandbox/faults`: the active faults.
pub(crate) async fn list_route(State(shared): State<Arc<Shared>>) -> Json<Vec<Fault>> {
    Json(lock(&shared.faults).clone())
}

/// `POST /sandbox/faults`: replaces the faults with a JSON array (or `{"faults":[…]}`).
pub(crate) async fn set_route(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Body {
        List(Vec<Fault>),
        Wrapped { faults: Vec<Fault> },
    }
    match serde_json::from_slice::<Body>(&body) {
        Ok(Body::List(faults)) | Ok(Body::Wrapped { faults }) => {
            *lock(&shared.faults) = faults;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => (StatusCode::BAD_REQUEST, format!("bad faults: {error}\n")).into_response(),
    }
}

/// `DELETE /sandbox/faults`: clears every fault.
pub(crate) async fn clear_route(State(shared): State<Arc<Shared>>) -> StatusCode {
    lock(&shared.faults).clear();
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_from_both_json_forms() {
        let faults: Vec<Fault> = serde_json::from_str(
            r#"[{"path_prefix":"/a","kind":"status(503)","times":2},
                {"path_prefix":"/b","kind":{"status":500}},
                {"path_prefix":"/c","kind":{"rate_limit":3}},
                {"path_prefix":"/d","kind":"rate_limit(1)"},
                {"path_prefix":"/e","kind":"timeout"},
                {"path_prefix":"/f","kind":"truncated"},
                {"path_prefix":"/g","kind":"malformed"}]"#,
        )
        .unwrap_or_default();
        let kinds: Vec<FaultKind> = faults.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                FaultKind::Status(503),
                FaultKind::Status(500),
                FaultKind::RateLimit(3),
                FaultKind::RateLimit(1),
                FaultKind::Timeout,
                FaultKind::Truncated,
                FaultKind::Malformed
            ]
        );
        assert_eq!(faults.first().and_then(|f| f.times), Some(2));
        assert!(serde_json::from_str::<FaultKind>("\"explode\"").is_err());
    }
}
