//! Injectable faults: a list of `{path_prefix, kind, times}` checked before every protocol
//! request. Set through [`SandboxConfig::faults`](super::SandboxConfig::faults),
//! [`set_faults`](super::SandboxControls::set_faults) or `POST /sandbox/faults` with a JSON array.
//!
//! Beside the list, [`RandomFaults`] give a share of the requests a fault drawn at random from a
//! seed: a flaky provider, the same one on every run with the same requests. Set through
//! [`SandboxConfig::random_faults`](super::SandboxConfig::random_faults),
//! [`set_random_faults`](super::SandboxControls::set_random_faults) or
//! `POST /sandbox/faults/random`. A fault from the list comes first.
//!
//! In JSON a kind is `"timeout"`, `"malformed"`, `"truncated"`, `{"status":503}`,
//! `{"rate_limit":2}`, `{"delay":3000}`, or the short strings `"status(503)"` /
//! `"rate_limit(2)"` / `"delay(3000)"`.

use std::collections::BTreeMap;
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
    /// Hold the request this many milliseconds, then serve it (a slow provider).
    Delay(u32),
}

/// Faults for a share of the requests, drawn from a seed: a number mixed from the seed, the
/// request's path and how many requests that path had before says whether this one fails and
/// with which kind. The same seed and the same requests to each path give the same faults,
/// whatever the order between paths, so a test over them is repeatable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RandomFaults {
    /// How many requests in a hundred get a fault (0 to 100).
    pub percent: u32,
    /// Seed of the draw (default 1).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The kinds drawn from, each as likely (default: [`RandomFaults::flaky_kinds`]).
    #[serde(default = "RandomFaults::flaky_kinds")]
    pub kinds: Vec<FaultKind>,
    /// Only requests whose path starts with this (default `/`: every protocol route). The
    /// visitor's own pages (CloudSponge's consent page, Convio's OAuth page) never get one:
    /// they stand for the provider's site in the visitor's browser, not for its API.
    #[serde(default = "default_prefix")]
    pub path_prefix: String,
}

fn default_seed() -> u64 {
    1
}

fn default_prefix() -> String {
    "/".into()
}

impl RandomFaults {
    /// `percent` requests in a hundred get one of [`RandomFaults::flaky_kinds`], drawn from
    /// `seed`.
    pub fn new(percent: u32, seed: u64) -> RandomFaults {
        RandomFaults {
            percent,
            seed,
            kinds: RandomFaults::flaky_kinds(),
            path_prefix: default_prefix(),
        }
    }

    /// What a flaky provider was seen doing: 503, 500, 429 with `Retry-After: 1`, a body cut
    /// short, and an answer three seconds late.
    pub fn flaky_kinds() -> Vec<FaultKind> {
        vec![
            FaultKind::Status(503),
            FaultKind::Status(500),
            FaultKind::RateLimit(1),
            FaultKind::Truncated,
            FaultKind::Delay(3000),
        ]
    }

    /// The same faults with every delay set to `millis` (tests keep them short).
    pub fn with_delay(mut self, millis: u32) -> RandomFaults {
        for kind in &mut self.kinds {
            if let FaultKind::Delay(delay) = kind {
                *delay = millis;
            }
        }
        self
    }
}

/// Random faults with the draw's state: how many requests each path has had.
pub(crate) struct RandomDraw {
    faults: RandomFaults,
    requests: BTreeMap<String, u64>,
}

impl RandomDraw {
    pub(crate) fn new(faults: RandomFaults) -> RandomDraw {
        RandomDraw {
            faults,
            requests: BTreeMap::new(),
        }
    }

    pub(crate) fn faults(&self) -> &RandomFaults {
        &self.faults
    }

    /// The fault for a request to `path`, if it gets one. The number drawn depends on the seed,
    /// the path and how many requests the path had before, not on the order of requests to
    /// other paths: a client that polls once more, or requests in parallel, changes nothing
    /// for the other paths.
    fn draw(&mut self, path: &str) -> Option<FaultKind> {
        if !path.starts_with(&self.faults.path_prefix) || is_visitor_page(path) {
            return None;
        }
        let count = self.requests.entry(path.to_string()).or_default();
        let nth = *count;
        *count += 1;
        // FNV-1a of the path, then SplitMix64 of (seed, path, n): well spread for nearby inputs.
        let path_hash = path.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        let number = split_mix(split_mix(self.faults.seed ^ path_hash).wrapping_add(nth));
        if number % 100 >= u64::from(self.faults.percent) || self.faults.kinds.is_empty() {
            return None;
        }
        let kinds = self.faults.kinds.len() as u64;
        let index = usize::try_from((number / 100) % kinds).unwrap_or(0);
        self.faults.kinds.get(index).copied()
    }
}

fn split_mix(value: u64) -> u64 {
    let mut z = value.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The pages the visitor's browser opens at the provider (consent, OAuth), as opposed to the API.
fn is_visitor_page(path: &str) -> bool {
    path.starts_with("/cloudsponge/consent/") || path.starts_with("/convio/oauth/")
}

/// Accepts the tagged JSON forms and the `status(503)` / `rate_limit(2)` strings.
impl<'de> Deserialize<'de> for FaultKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Tagged {
            Status(u16),
            RateLimit(u32),
            Delay(u32),
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
                    })
                    .or_else(|| {
                        arg("delay")
                            .and_then(|n| n.parse().ok())
                            .map(FaultKind::Delay)
                    }),
            }
        };
        match Any::deserialize(deserializer)? {
            Any::Text(text) => parse(&text)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown fault kind {text:?}"))),
            Any::Tagged(Tagged::Status(code)) => Ok(FaultKind::Status(code)),
            Any::Tagged(Tagged::RateLimit(secs)) => Ok(FaultKind::RateLimit(secs)),
            Any::Tagged(Tagged::Delay(millis)) => Ok(FaultKind::Delay(millis)),
        }
    }
}

/// The fault for a request to `path`: one use of the first listed fault matching it, else a
/// random one, if any.
fn take(shared: &Shared, path: &str) -> Option<FaultKind> {
    take_listed(shared, path).or_else(|| lock(&shared.random).as_mut()?.draw(path))
}

/// Takes one use of the first listed fault matching `path`, if any.
fn take_listed(shared: &Shared, path: &str) -> Option<FaultKind> {
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
        FaultKind::Delay(millis) => {
            let mut stopped = shared.shutdown.clone();
            tokio::select! {
                _ = tokio::time::sleep(std::time::Duration::from_millis(millis.into())) => {}
                _ = stopped.wait_for(|stopped| *stopped) => {}
            }
            next.run(request).await
        }
        FaultKind::Status(code) => {
            drain(request).await;
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, format!("sandbox: injected fault {code}\n")).into_response()
        }
        FaultKind::RateLimit(secs) => {
            drain(request).await;
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, secs.to_string())],
                "sandbox: rate limited\n",
            )
                .into_response()
        }
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

/// Reads the request's body to its end before a refusal is sent, as a real server does: an
/// answer sent while the client is still uploading makes the server close the connection, and
/// the client then sees a reset rather than the status (a 2 MB Constant Contact upload did).
async fn drain(request: Request) {
    let _ = axum::body::to_bytes(request.into_body(), usize::MAX).await;
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

/// `GET /sandbox/faults/random`: the random faults, or `null`.
pub(crate) async fn random_route(State(shared): State<Arc<Shared>>) -> Json<Option<RandomFaults>> {
    Json(lock(&shared.random).as_ref().map(|d| d.faults().clone()))
}

/// `POST /sandbox/faults/random`: sets the random faults (a [`RandomFaults`] in JSON; the draw
/// starts again from its seed).
pub(crate) async fn set_random_route(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match serde_json::from_slice::<RandomFaults>(&body) {
        Ok(faults) if faults.percent <= 100 => {
            *lock(&shared.random) = Some(RandomDraw::new(faults));
            StatusCode::NO_CONTENT.into_response()
        }
        Ok(_) => (StatusCode::BAD_REQUEST, "bad faults: percent over 100\n").into_response(),
        Err(error) => (StatusCode::BAD_REQUEST, format!("bad faults: {error}\n")).into_response(),
    }
}

/// `DELETE /sandbox/faults` (or `/sandbox/faults/random`): clears every fault, the random
/// ones included.
pub(crate) async fn clear_route(State(shared): State<Arc<Shared>>) -> StatusCode {
    lock(&shared.faults).clear();
    *lock(&shared.random) = None;
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

    #[test]
    fn random_faults_hit_their_share_the_same_whatever_the_order_and_spare_visitor_pages() {
        let faults = RandomFaults::new(40, 9);
        let draws = |paths: &[&str]| {
            let mut draw = RandomDraw::new(faults.clone());
            let mut by_path: BTreeMap<String, Vec<Option<FaultKind>>> = BTreeMap::new();
            for path in paths {
                let kind = draw.draw(path);
                by_path.entry(path.to_string()).or_default().push(kind);
            }
            by_path
        };
        let mut paths = Vec::new();
        for _ in 0..1000 {
            paths.extend(["/xmlapi", "/popsell/api/1/contacts"]);
        }
        let in_order = draws(&paths);
        paths.sort();
        assert_eq!(
            draws(&paths),
            in_order,
            "the order between paths changes nothing"
        );

        let hits: Vec<FaultKind> = in_order.values().flatten().flatten().copied().collect();
        assert!((700..=900).contains(&hits.len()), "{} of 2000", hits.len());
        for kind in RandomFaults::flaky_kinds() {
            let share = hits.iter().filter(|k| **k == kind).count();
            assert!(share > hits.len() / 10, "{kind:?}: {share}");
        }

        let mut draw = RandomDraw::new(RandomFaults::new(100, 1));
        assert_eq!(draw.draw("/convio/oauth/1"), None);
        assert_eq!(draw.draw("/cloudsponge/consent/1"), None);
        assert!(draw.draw("/convio/CRAddressBookAPI").is_some());
        let mut draw = RandomDraw::new(RandomFaults {
            path_prefix: "/popsell".into(),
            ..RandomFaults::new(100, 1)
        });
        assert_eq!(draw.draw("/xmlapi"), None);
        assert_eq!(
            serde_json::from_str::<RandomFaults>(r#"{"percent":10}"#).ok(),
            Some(RandomFaults::new(10, 1))
        );
        assert_eq!(
            serde_json::from_str::<FaultKind>(r#""delay(250)""#).ok(),
            Some(FaultKind::Delay(250))
        );
    }
}
