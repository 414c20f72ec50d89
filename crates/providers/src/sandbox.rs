//! A sandbox server that speaks the five provider protocols on loopback, for tests, the demo and
//! the widget's browser tests (native only).
//!
//! It follows the seed documents and `WIRE.md`: CloudSponge under `/cloudsponge`, Convio under
//! `/convio`, Popsell under `/popsell`, Constant Contact v1 under `/constantcontact`, the XML
//! `contact.*` API at `/xmlapi`, and test controls under `/sandbox` (`GET /sandbox/stats`,
//! `POST|GET|DELETE /sandbox/faults`, `POST|GET|DELETE /sandbox/faults/random`,
//! `GET /sandbox/constantcontact/{user}/lists/{n}`).
//!
//! Address books come from [`book`], deterministic in `(seed, size)`. Pending phases advance per
//! poll, not per second, so tests are fast and repeatable; status polls of one job (CloudSponge
//! events, Convio job status) closer together than [`SandboxConfig::min_poll_interval`] are
//! counted in [`Stats::too_fast_polls`] (wall clock, on arrival, faulted polls included).
//! The sandbox is strict where the documents are strict, so it catches client mistakes.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use providers::sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! println!("{}", sandbox.base_url());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

pub mod book;
mod cloudsponge;
mod constantcontact;
mod convio;
mod faults;
mod popsell;
mod tree;
mod util;
mod xmlapi;

#[cfg(test)]
pub(crate) use popsell::raw_contact as popsell_raw_contact;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use tokio::sync::watch;

pub use faults::{Fault, FaultKind, RandomFaults};
pub use popsell::{PopsellEdit, PopsellTouched};

/// Everything the sandbox can be told at start. `Default` gives the values documented on each field.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 (default) picks a free one.
    pub port: u16,
    /// Seed of every generated book (default 1).
    pub seed: u64,
    /// Contacts per generated book, per provider (default 250; up to 100_000 is fine).
    pub book_size: usize,
    /// CloudSponge domain key (default "sandbox-domain-key").
    pub domain_key: String,
    /// CloudSponge domain password (default "sandbox-domain-password").
    pub domain_password: String,
    /// The visitor password CloudSponge's username/password import accepts, any username
    /// (default "sandbox").
    pub user_password: String,
    /// Convio `api_key` (default "sandbox-api-key").
    pub api_key: String,
    /// Popsell static key: token = lowercase hex MD5(static key + customer id)
    /// (default "sandbox-static-key").
    pub popsell_static_key: String,
    /// Constant Contact password for HTTP Basic, any username (default "sandbox").
    pub cc_password: String,
    /// When set, the XML API requires HTTP Basic with this token as user name (FreshBooks style,
    /// any password). Default: none, no authentication.
    pub xmlapi_token: Option<String>,
    /// Polls a pending phase lasts: CloudSponge GATHERING, Convio PENDING after authorization,
    /// Constant Contact PENDING/RUNNING (default 3).
    pub phase_polls: u32,
    /// CloudSponge asks for at most one events poll per second; closer polls of one import count
    /// in [`Stats::too_fast_polls`] (default 1 s; lower it in tests that poll faster on purpose).
    pub min_poll_interval: Duration,
    /// How long a `timeout` fault holds the request before dropping the connection (default 30 s;
    /// it must exceed the client's timeout).
    pub timeout_fault_delay: Duration,
    /// Faults active from the start.
    pub faults: Vec<Fault>,
    /// Random faults active from the start (default none).
    pub random_faults: Option<RandomFaults>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            seed: 1,
            book_size: 250,
            domain_key: "sandbox-domain-key".into(),
            domain_password: "sandbox-domain-password".into(),
            user_password: "sandbox".into(),
            api_key: "sandbox-api-key".into(),
            popsell_static_key: "sandbox-static-key".into(),
            cc_password: "sandbox".into(),
            xmlapi_token: None,
            phase_polls: 3,
            min_poll_interval: Duration::from_secs(1),
            timeout_fault_delay: Duration::from_secs(30),
            faults: Vec::new(),
            random_faults: None,
        }
    }
}

/// Request counts, for tests that assert how a client behaved. Serialized as `GET /sandbox/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Every request that reached a route (faulted ones included).
    pub total: u64,
    /// Per route, keyed `"METHOD /route/{param}"`, e.g. `"GET /cloudsponge/events/{import_id}"`.
    pub routes: BTreeMap<String, u64>,
    /// Per protocol operation that a handler served, e.g. `"cloudsponge.events"`,
    /// `"convio.getAddressBookImportJobStatus"`, `"popsell.contacts"`, `"cc.activities.create"`,
    /// `"xmlapi.contact.list"` (faulted requests never reach a handler, so are not here).
    pub operations: BTreeMap<String, u64>,
    /// Status polls of one job (CloudSponge `events`, Convio `getAddressBookImportJobStatus`)
    /// that arrived closer than `min_poll_interval` after the previous one, faulted ones
    /// included.
    pub too_fast_polls: u64,
    /// Requests answered by an injected fault.
    pub faults_injected: u64,
}

/// Which protocol's generated book [`SandboxControls::book`] returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookOf {
    /// The book every CloudSponge import returns.
    CloudSponge,
    /// The book Convio jobs return (only contacts with an e-mail are served).
    Convio,
    /// A Popsell customer's (sales rep's) book.
    Popsell(String),
    /// The XML API's initial store.
    XmlApi,
}

/// Entry point: see [`Sandbox::start`] and [`Sandbox::start_blocking`].
pub struct Sandbox;

/// State shared by every handler.
pub(crate) struct Shared {
    pub(crate) config: SandboxConfig,
    pub(crate) base_url: String,
    pub(crate) stats: Mutex<Stats>,
    pub(crate) faults: Mutex<Vec<Fault>>,
    pub(crate) random: Mutex<Option<faults::RandomDraw>>,
    /// Wall-clock time of the previous status poll per job (`cloudsponge:<id>`,
    /// `convio:<id>`).
    pub(crate) last_poll: Mutex<BTreeMap<String, Instant>>,
    pub(crate) cloudsponge: Mutex<cloudsponge::CsState>,
    pub(crate) convio: Mutex<convio::ConvioState>,
    pub(crate) popsell: Mutex<popsell::PopsellState>,
    pub(crate) cc: Mutex<constantcontact::CcState>,
    pub(crate) xmlapi: Mutex<xmlapi::XmlApiState>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

impl Shared {
    /// Counts one served protocol operation.
    pub(crate) fn count(&self, operation: &str) {
        *lock(&self.stats)
            .operations
            .entry(operation.to_string())
            .or_default() += 1;
    }
}

/// Locks a mutex, recovering from poisoning (a panicked handler must not wedge the sandbox).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A running sandbox on the caller's runtime. Dropping it does not stop the server: call
/// [`SandboxHandle::shutdown`]. The controls ([`SandboxControls`]) are reached through `Deref`.
pub struct SandboxHandle {
    controls: SandboxControls,
    stop: watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
}

impl Sandbox {
    /// Binds 127.0.0.1 (`config.port`, 0 = any free port) and serves on the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> std::io::Result<SandboxHandle> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let address = listener.local_addr()?;
        let base_url = format!("http://{address}");
        let (stop, stop_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            faults: Mutex::new(config.faults.clone()),
            random: Mutex::new(config.random_faults.clone().map(faults::RandomDraw::new)),
            config,
            base_url,
            stats: Mutex::new(Stats::default()),
            last_poll: Mutex::new(BTreeMap::new()),
            cloudsponge: Mutex::default(),
            convio: Mutex::default(),
            popsell: Mutex::default(),
            cc: Mutex::default(),
            xmlapi: Mutex::default(),
            shutdown: stop_rx.clone(),
        });
        let app = router(shared.clone());
        let mut graceful = stop_rx;
        let server = tokio::spawn(async move {
            let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = graceful.wait_for(|stopped| *stopped).await;
            });
            let _ = serving.await;
        });
        Ok(SandboxHandle {
            controls: SandboxControls { shared },
            stop,
            server,
        })
    }

    /// Starts the sandbox on a runtime of its own, in a background thread, for synchronous tests
    /// and tools. The server stops when the returned value is dropped or shut down.
    pub fn start_blocking(config: SandboxConfig) -> std::io::Result<BlockingSandbox> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("sandbox".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = ready_tx.send(Err(error));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Sandbox::start(config).await {
                        Ok(handle) => {
                            let _ = ready_tx.send(Ok(handle.controls.clone()));
                            let _ = stop_rx.await;
                            handle.shutdown().await;
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(error));
                        }
                    }
                });
            })?;
        let controls = ready_rx
            .recv()
            .map_err(|_| std::io::Error::other("sandbox thread ended before starting"))??;
        Ok(BlockingSandbox {
            controls,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

impl SandboxHandle {
    /// Stops accepting, lets requests in flight finish (timeout faults end at once), and waits.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        // A client may keep an idle keep-alive connection open; do not wait for it forever.
        let _ = tokio::time::timeout(Duration::from_secs(5), self.server).await;
    }
}

impl std::ops::Deref for SandboxHandle {
    type Target = SandboxControls;
    fn deref(&self) -> &SandboxControls {
        &self.controls
    }
}

/// A sandbox running on its own thread; see [`Sandbox::start_blocking`].
pub struct BlockingSandbox {
    controls: SandboxControls,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BlockingSandbox {
    /// Stops the server and joins its thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    /// The controls, cloneable, for other threads.
    pub fn controls(&self) -> SandboxControls {
        self.controls.clone()
    }
}

impl Drop for BlockingSandbox {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

impl std::ops::Deref for BlockingSandbox {
    type Target = SandboxControls;
    fn deref(&self) -> &SandboxControls {
        &self.controls
    }
}

/// The controls every kind of handle offers (reached through `Deref`); cheap to clone.
#[derive(Clone)]
pub struct SandboxControls {
    shared: Arc<Shared>,
}

impl SandboxControls {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The configuration the sandbox runs with (credentials included).
    pub fn config(&self) -> &SandboxConfig {
        &self.shared.config
    }

    /// A snapshot of the request counts.
    pub fn stats(&self) -> Stats {
        lock(&self.shared.stats).clone()
    }

    /// Clears the request counts.
    pub fn reset_stats(&self) {
        *lock(&self.shared.stats) = Stats::default();
        lock(&self.shared.last_poll).clear();
    }

    /// Replaces the active faults (an empty list clears them).
    pub fn set_faults(&self, faults: Vec<Fault>) {
        *lock(&self.shared.faults) = faults;
    }

    /// Sets the random faults (`None` stops them); the draw starts again from their seed.
    pub fn set_random_faults(&self, faults: Option<RandomFaults>) {
        *lock(&self.shared.random) = faults.map(faults::RandomDraw::new);
    }

    /// The faults still active (with their remaining counts).
    pub fn faults(&self) -> Vec<Fault> {
        lock(&self.shared.faults).clone()
    }

    /// The Popsell token for a customer: lowercase hex MD5(static key + customer id).
    pub fn popsell_token(&self, customer_id: &str) -> String {
        popsell::token(&self.shared.config.popsell_static_key, customer_id)
    }

    /// Changes one Popsell contact of `customer_id` (or adds one) and stamps it with the
    /// sandbox's Popsell clock, which starts at 2025-01-01 00:00:00 and moves one second per
    /// change (after every generated date). Returns the new `LastModificationDate`, or `None` when
    /// the contact id is unknown.
    ///
    /// Popsell ids are `P` + the 6-digit book index (`P000012`); added ones are `N000001`, ….
    pub fn popsell_touch(&self, customer_id: &str, edit: PopsellEdit) -> Option<PopsellTouched> {
        popsell::touch(&self.shared, customer_id, edit)
    }

    /// The e-mail addresses Constant Contact received for `username`'s list `list` (the number
    /// at the end of the list URI), in order, repeats kept.
    pub fn cc_received(&self, username: &str, list: u64) -> Vec<String> {
        constantcontact::received(&self.shared, username, list)
            .into_iter()
            .map(|row| row.get("EMAIL ADDRESS").cloned().unwrap_or_default())
            .collect()
    }

    /// The full rows (upper-cased column name → value) Constant Contact received for a list.
    pub fn cc_received_rows(&self, username: &str, list: u64) -> Vec<BTreeMap<String, String>> {
        constantcontact::received(&self.shared, username, list)
    }

    /// The contacts the XML `contact.*` API holds now, by contact_id, as (field → value).
    pub fn xmlapi_contacts(&self) -> BTreeMap<u64, BTreeMap<String, String>> {
        xmlapi::snapshot(&self.shared)
    }

    /// The generated book a protocol serves, for tests to compare against: CloudSponge's (every
    /// import returns it), Convio's (only its contacts with an e-mail are served), a Popsell
    /// customer's (before any [`popsell_touch`](Self::popsell_touch)), or the XML API's initial
    /// store (contact_id = index + 1).
    pub fn book(&self, protocol: BookOf) -> Vec<book::GeneratedContact> {
        let shared = &self.shared;
        let seed = match protocol {
            BookOf::CloudSponge => cloudsponge::book_seed(shared),
            BookOf::Convio => convio::book_seed(shared),
            BookOf::Popsell(customer) => popsell::book_seed(shared, &customer),
            BookOf::XmlApi => xmlapi::book_seed(shared),
        };
        book::generate(seed, shared.config.book_size)
    }

    /// A text block with the base URL and the credentials of every protocol, for the CLI.
    pub fn summary(&self) -> String {
        let c = &self.shared.config;
        let base = &self.shared.base_url;
        format!(
            "sandbox listening on {base}\n\
             CloudSponge      {base}/cloudsponge  domain_key={} domain_password={} visitor password={}\n\
             Convio           {base}/convio/CRAddressBookAPI  api_key={} v=1.0 auth=<any>\n\
             Popsell          {base}/popsell/api/{{customer}}/contacts?token=md5(\"{}\"+customer)  e.g. customer 42 token={}\n\
             Constant Contact {base}/constantcontact/ws/customers/{{user}}/activities  Basic <any user>:{}\n\
             XML contact.*    {base}/xmlapi  token={}\n\
             book: seed={} size={}  stats: {base}/sandbox/stats  faults: POST {base}/sandbox/faults, {base}/sandbox/faults/random\n{}",
            c.domain_key,
            c.domain_password,
            c.user_password,
            c.api_key,
            c.popsell_static_key,
            popsell::token(&c.popsell_static_key, "42"),
            c.cc_password,
            c.xmlapi_token.as_deref().unwrap_or("<none>"),
            c.seed,
            c.book_size,
            match &*lock(&self.shared.random) {
                Some(draw) => format!(
                    "random faults: {} % of API requests, seed {}, kinds {:?}\n",
                    draw.faults().percent,
                    draw.faults().seed,
                    draw.faults().kinds
                ),
                None => String::new(),
            },
        )
    }
}

/// Runs a sandbox until Ctrl-C, printing the base URL and credentials first (for the
/// `contact-picker sandbox` subcommand). Builds its own runtime; call it from a plain thread.
pub fn run_until_ctrl_c(config: SandboxConfig) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let handle = Sandbox::start(config).await?;
        println!("{}", handle.summary());
        tokio::signal::ctrl_c().await?;
        handle.shutdown().await;
        Ok(())
    })
}

fn router(shared: Arc<Shared>) -> Router {
    let protocols = Router::new()
        .route(
            "/cloudsponge/begin_import/{action}",
            post(cloudsponge::begin_import),
        )
        .route("/cloudsponge/events/{import_id}", get(cloudsponge::events))
        .route(
            "/cloudsponge/contacts/{import_id}",
            get(cloudsponge::contacts),
        )
        .route(
            "/cloudsponge/consent/{import_id}",
            get(cloudsponge::consent_page).post(cloudsponge::consent_decision),
        )
        .route(
            "/convio/CRAddressBookAPI",
            get(convio::api).post(convio::api),
        )
        .route(
            "/convio/oauth/{job_id}",
            get(convio::oauth_page).post(convio::oauth_decision),
        )
        .route("/convio/oauth/{job_id}/done", get(convio::oauth_done))
        .route("/popsell/contactimport", get(popsell::contactimport))
        .route(
            "/popsell/api/{customer_id}/contacts",
            get(popsell::api_contacts),
        )
        .route(
            "/constantcontact/ws/customers/{username}/activities",
            post(constantcontact::create_activity).get(constantcontact::list_activities),
        )
        .route(
            "/constantcontact/ws/customers/{username}/activities/{id}",
            get(constantcontact::get_activity),
        )
        .route(
            "/constantcontact/ws/customers/{username}/lists",
            get(constantcontact::lists),
        )
        .route("/xmlapi", post(xmlapi::api))
        // Faults apply to protocol routes only, never to the controls below.
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            faults::inject,
        ));
    let controls = Router::new()
        .route("/sandbox/stats", get(stats_route).delete(reset_stats_route))
        .route(
            "/sandbox/faults",
            get(faults::list_route)
                .post(faults::set_route)
                .delete(faults::clear_route),
        )
        .route(
            "/sandbox/faults/random",
            get(faults::random_route)
                .post(faults::set_random_route)
                .delete(faults::clear_route),
        )
        .route(
            "/sandbox/constantcontact/{username}/lists/{list}",
            get(constantcontact::inspect_route),
        );
    protocols
        .merge(controls)
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            count_route,
        ))
        // Constant Contact bodies may be near 2 MB plus the other fields; the 1.9 MB rule is
        // checked by the handler so that it can answer with the right status.
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(shared)
}

/// Counts every routed request, and the status polls that come too fast.
async fn count_route(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    {
        let mut stats = lock(&shared.stats);
        stats.total += 1;
        *stats
            .routes
            .entry(format!("{} {route}", request.method()))
            .or_default() += 1;
    }
    let (job, request) = polled_job(&route, request).await;
    if let Some(job) = job {
        let now = Instant::now();
        let previous = lock(&shared.last_poll).insert(job, now);
        if let Some(previous) = previous {
            if now.duration_since(previous) < shared.config.min_poll_interval {
                lock(&shared.stats).too_fast_polls += 1;
            }
        }
    }
    next.run(request).await
}

/// The job a request polls the status of (`cloudsponge:<import_id>`, `convio:<import_job_id>`),
/// if it is a status poll, and the request to pass on (a Convio POST's body is read to know).
async fn polled_job(route: &str, request: Request) -> (Option<String>, Request) {
    match route {
        "/cloudsponge/events/{import_id}" => {
            let import = request
                .uri()
                .path()
                .rsplit('/')
                .next()
                .map(|s| util::split_format(s).0.to_string())
                .unwrap_or_default();
            (Some(format!("cloudsponge:{import}")), request)
        }
        "/convio/CRAddressBookAPI" => {
            let (parts, body) = request.into_parts();
            let body = axum::body::to_bytes(body, 1024 * 1024)
                .await
                .unwrap_or_default();
            let params = util::Params::from_request(parts.uri.query(), &parts.headers, &body);
            let job = (params.get("method") == Some("getAddressBookImportJobStatus"))
                .then(|| format!("convio:{}", params.get("import_job_id").unwrap_or_default()));
            (
                job,
                Request::from_parts(parts, axum::body::Body::from(body)),
            )
        }
        _ => (None, request),
    }
}

async fn stats_route(State(shared): State<Arc<Shared>>) -> Json<Stats> {
    Json(lock(&shared.stats).clone())
}

async fn reset_stats_route(State(shared): State<Arc<Shared>>) -> StatusCode {
    *lock(&shared.stats) = Stats::default();
    lock(&shared.last_poll).clear();
    StatusCode::NO_CONTENT
}

/// A plain-text error response.
pub(crate) fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (
        status,
        [("content-type", "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

/// An XML response.
pub(crate) fn xml(status: StatusCode, body: String) -> Response {
    (
        status,
        [("content-type", "application/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A JSON response.
pub(crate) fn json(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [("content-type", "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// A JSON response from text already rendered.
pub(crate) fn json_text(status: StatusCode, body: String) -> Response {
    (
        status,
        [("content-type", "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

/// An HTML page.
pub(crate) fn html(body: String) -> Response {
    (
        StatusCode::OK,
        [("content-type", "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}
