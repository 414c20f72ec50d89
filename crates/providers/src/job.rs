//! The import job machine every protocol runs on: start → (consent) → poll → fetch every page →
//! normalized contacts, with progress reports, a polling floor, an overall deadline,
//! cancellation, and retries that never double a write.
//!
//! Rules it enforces, whatever the protocol does:
//! - nothing is sent once the job is cancelled or past its deadline (checked before every
//!   request and during every wait);
//! - status polls are at least [`JobOptions::poll_interval`] apart, never under one second
//!   (CloudSponge asks for that, and nobody else needs more), retries of a poll included;
//! - every request says what it does ([`Effect`]), and that alone decides what happens when it
//!   fails in a way that may pass (network error, timeout, 408, 429, 5xx, an answer cut short):
//!   reads, polls and writes that cannot double their effect are sent again with jittered
//!   exponential back-off, or after `Retry-After` when the server gave it; starting a job is
//!   sent again too, since a duplicate job is abandoned and harms nothing; any other write is
//!   sent again only after 408 or 429, which say the server refused it without processing it
//!   (RFC 9110, RFC 6585), and otherwise fails with [`Error::InDoubt`], for the caller to look
//!   up what happened or report it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use contacts::{Contact, NormalizeOptions, Problem};

use crate::gather::ImportedContacts;

use crate::error::{Error, Result};
use crate::transport::{Request, Response, Transport};

/// The smallest interval between two status polls.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Added to the poll interval: polls sent exactly a second apart can arrive a few
/// milliseconds closer (connection set-up, a busy server), which the provider counts as too
/// fast (seen against the sandbox with 100k-contact imports).
const POLL_MARGIN: Duration = Duration::from_millis(50);

/// What a request does to the provider, which decides whether it may be sent again after a
/// failure that may have passed (see the module documentation). The method does not decide:
/// the XML API reads with POST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Changes nothing (a page of contacts, a look-up).
    Read,
    /// Asks a job how it is doing: a read, and never under the poll interval after the
    /// previous poll's answer, a retried poll included.
    Poll,
    /// Starts a job. Sent again after any passing failure: the job a lost answer started is
    /// never polled, and an abandoned job harms nothing.
    Start,
    /// A write whose repetition leaves the provider as one copy would (an update by id with
    /// the same fields, a delete by id).
    Idempotent,
    /// A write that a second copy could double (a create, an upload). Sent again only when the
    /// server said it did not process it (408, 429).
    Write,
}

/// Job settings. `Default` suits an interactive import.
#[derive(Debug, Clone)]
pub struct JobOptions {
    /// The whole job must end within this time (`None`: no limit).
    pub deadline: Option<Duration>,
    /// Time between status polls; raised to [`MIN_POLL_INTERVAL`] when smaller.
    pub poll_interval: Duration,
    /// How many times a failed idempotent request is sent again.
    pub max_retries: u32,
    /// The first back-off delay; it doubles on each retry.
    pub backoff_base: Duration,
    /// The longest back-off delay.
    pub backoff_max: Duration,
    /// How long one request may take.
    pub request_timeout: Duration,
    /// How many contacts to ask for per page, where the protocol pages.
    pub page_size: u32,
    /// Normalization of the contacts (default phone region).
    pub normalize: NormalizeOptions,
    /// Merge records of the same person (live contacts only; soft-deleted ones stay apart).
    pub merge: bool,
}

impl Default for JobOptions {
    fn default() -> JobOptions {
        JobOptions {
            deadline: Some(Duration::from_secs(15 * 60)),
            poll_interval: MIN_POLL_INTERVAL,
            // A provider that fails one request in three (issue 9 saw 1 in 10 to 1 in 3) fails
            // nine tries in a row once in 20,000 requests; five tries lost one request in 240,
            // about one import of 30 requests in nine. The back-off cap bounds the wait (90 s
            // at most).
            max_retries: 8,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            request_timeout: crate::transport::DEFAULT_TIMEOUT,
            page_size: 500,
            normalize: NormalizeOptions::default(),
            merge: false,
        }
    }
}

/// Cancels a job from outside it (a "Cancel" button, Ctrl-C). Cloning shares the flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> CancelToken {
        CancelToken::default()
    }

    /// Cancels the job: no request is sent after this.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// True once [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Asking the provider to begin.
    Starting,
    /// Waiting for the visitor to allow access at [`Progress::consent_url`].
    Consent,
    /// The provider is gathering the address book.
    Gathering,
    /// Fetching the contacts, page by page.
    Fetching,
    /// Sending contacts to a destination.
    Sending,
    /// Finished.
    Done,
}

/// A progress report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// Where the job is.
    pub phase: Phase,
    /// Contacts gathered (or fetched, or sent) so far.
    pub gathered: u64,
    /// The total, when the provider said it.
    pub total: Option<u64>,
    /// The URL the visitor must open to allow access (consent imports).
    pub consent_url: Option<String>,
    /// The provider's own status text, if any ("Importing Contacts").
    pub message: Option<String>,
}

/// One running job: the transport, the settings, the progress callback and the bookkeeping
/// for polling, back-off and the deadline.
pub struct Job<'a, T: Transport> {
    transport: &'a T,
    options: JobOptions,
    cancel: CancelToken,
    on_progress: Box<dyn FnMut(&Progress) + 'a>,
    started_at: u64,
    last_poll_at: Option<u64>,
    rng_state: u64,
    progress: Progress,
}

impl<'a, T: Transport> Job<'a, T> {
    /// A job over `transport`; the deadline counts from now.
    pub fn new(transport: &'a T, options: JobOptions) -> Job<'a, T> {
        let started_at = transport.now_millis();
        Job {
            transport,
            options,
            cancel: CancelToken::new(),
            on_progress: Box::new(|_| {}),
            started_at,
            last_poll_at: None,
            // Jitter only has to de-synchronize clients, not be unpredictable: a xorshift
            // seeded from the clock does that on every target without a randomness source.
            rng_state: started_at ^ 0x9E37_79B9_7F4A_7C15,
            progress: Progress {
                phase: Phase::Starting,
                gathered: 0,
                total: None,
                consent_url: None,
                message: None,
            },
        }
    }

    /// Uses `token` to cancel this job.
    pub fn with_cancel(mut self, token: CancelToken) -> Self {
        self.cancel = token;
        self
    }

    /// Calls `callback` on every progress report.
    pub fn on_progress(mut self, callback: impl FnMut(&Progress) + 'a) -> Self {
        self.on_progress = Box::new(callback);
        self
    }

    /// The token that cancels this job.
    pub fn cancel_token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// The settings.
    pub fn options(&self) -> &JobOptions {
        &self.options
    }

    /// The last progress report.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Reports a new phase (keeping the counts unless given).
    pub(crate) fn report(&mut self, phase: Phase, gathered: Option<u64>, total: Option<u64>) {
        self.progress.phase = phase;
        if let Some(gathered) = gathered {
            self.progress.gathered = gathered;
        }
        if total.is_some() {
            self.progress.total = total;
        }
        (self.on_progress)(&self.progress);
    }

    /// Reports the URL the visitor must open to allow access.
    pub(crate) fn report_consent(&mut self, url: &str) {
        self.progress.consent_url = Some(url.to_string());
        self.report(Phase::Consent, None, None);
    }

    /// Sets the provider's status text for the next report.
    pub(crate) fn set_message(&mut self, message: Option<String>) {
        self.progress.message = message;
    }

    /// Fails when the job was cancelled or its deadline has passed.
    pub(crate) fn check(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        if self.remaining() == Some(Duration::ZERO) {
            return Err(self.deadline_error());
        }
        Ok(())
    }

    fn deadline_error(&self) -> Error {
        let seconds = self.options.deadline.map(|d| d.as_secs()).unwrap_or(0);
        Error::Timeout {
            what: format!("the job did not finish within {seconds} s"),
        }
    }

    /// Time left before the deadline (`None`: no deadline).
    fn remaining(&self) -> Option<Duration> {
        let deadline = self.options.deadline?;
        let elapsed = self.transport.now_millis().saturating_sub(self.started_at);
        Some(deadline.saturating_sub(Duration::from_millis(elapsed)))
    }

    /// Waits `duration`, in short slices so a cancel is seen promptly. Fails at once, without
    /// waiting, when the wait would pass the deadline.
    pub(crate) async fn sleep(&mut self, duration: Duration) -> Result<()> {
        self.check()?;
        if self.remaining().is_some_and(|left| duration >= left) {
            return Err(self.deadline_error());
        }
        const SLICE: Duration = Duration::from_millis(200);
        let mut left = duration;
        while !left.is_zero() {
            let step = left.min(SLICE);
            self.transport.sleep(step).await;
            left = left.saturating_sub(step);
            if self.cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
        }
        Ok(())
    }

    /// Waits until the next status poll is allowed, and records the poll.
    pub(crate) async fn wait_for_poll(&mut self) -> Result<()> {
        let interval = self.options.poll_interval.max(MIN_POLL_INTERVAL) + POLL_MARGIN;
        if let Some(last) = self.last_poll_at {
            let since = Duration::from_millis(self.transport.now_millis().saturating_sub(last));
            if since < interval {
                self.sleep(interval - since).await?;
            }
        }
        self.check()?;
        self.last_poll_at = Some(self.transport.now_millis());
        Ok(())
    }

    /// The timeout for the next request: the per-request limit, or what is left of the job.
    fn request_timeout(&self) -> Duration {
        match self.remaining() {
            Some(left) => self.options.request_timeout.min(left),
            None => self.options.request_timeout,
        }
    }

    /// Waits the back-off before retry number `attempt` (0-based), for callers that retry a
    /// step of their own (a look-up after a write in doubt).
    pub(crate) async fn back_off(&mut self, attempt: u32) -> Result<()> {
        let wait = self.backoff(attempt);
        self.sleep(wait).await
    }

    /// The back-off before retry number `attempt` (0-based): exponential, capped, with "equal
    /// jitter" (between half and all of it).
    fn backoff(&mut self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
        let full = self
            .options
            .backoff_base
            .saturating_mul(factor)
            .min(self.options.backoff_max);
        let half = full / 2;
        let half_millis = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        let jitter = if half_millis == 0 {
            0
        } else {
            self.next_random() % (half_millis + 1)
        };
        half + Duration::from_millis(jitter)
    }

    fn next_random(&mut self) -> u64 {
        let mut x = self.rng_state.max(1);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng_state = x;
        x
    }

    /// Sends a read and hands the answer to `parse`: [`Job::send`] with [`Effect::Read`].
    pub(crate) async fn get<R>(
        &mut self,
        request: Request,
        parse: impl FnMut(&Response) -> Result<R>,
    ) -> Result<R> {
        self.send(request, Effect::Read, parse).await
    }

    /// Sends `request` and hands the answer to `parse`, sending it again when it failed in a
    /// way that may pass and `effect` allows it (see the module documentation). `parse` sees
    /// every answer that is not 408, 429 or 5xx, so it decides what a 404 or a 401 means; an
    /// [`Error::Malformed`] from it (an answer cut short) counts as a failure that may pass.
    ///
    /// A [`Effect::Write`] that failed after it may have reached the provider returns
    /// [`Error::InDoubt`].
    pub(crate) async fn send<R>(
        &mut self,
        request: Request,
        effect: Effect,
        mut parse: impl FnMut(&Response) -> Result<R>,
    ) -> Result<R> {
        let mut attempt = 0;
        loop {
            if effect == Effect::Poll {
                self.wait_for_poll().await?;
            } else {
                self.check()?;
            }
            let mut request = request.clone();
            request.timeout = self.request_timeout();
            let sent = self.transport.send(request).await;
            if self.last_poll_at.is_some() {
                // The next poll's second counts from this answer, not from when the last poll
                // left: the previous request reached the server before its answer came back,
                // so the server sees polls at least the interval apart, whatever the delays on
                // the way (with send times, a slow request followed by a fast one arrived
                // closer than a second under load).
                self.last_poll_at = Some(self.transport.now_millis());
            }
            let failure = match sent {
                Ok(answer) if is_transient_status(answer.status) => Failure {
                    refused: matches!(answer.status, 408 | 429),
                    retry_after: answer.retry_after(),
                    error: status_error(&answer),
                },
                Ok(answer) => match parse(&answer) {
                    Ok(value) => return Ok(value),
                    Err(error) if error.is_transient() => Failure {
                        refused: false,
                        retry_after: None,
                        error,
                    },
                    Err(error) => return Err(error),
                },
                Err(error) => Failure {
                    refused: false,
                    retry_after: None,
                    error,
                },
            };
            if effect == Effect::Write && !failure.refused {
                return Err(Error::InDoubt {
                    cause: Box::new(failure.error),
                });
            }
            if attempt >= self.options.max_retries {
                return Err(failure.error);
            }
            let wait = match failure.retry_after {
                Some(wait) => wait,
                None => self.backoff(attempt),
            };
            attempt += 1;
            self.sleep(wait).await?;
        }
    }
}

/// Statuses that say "try again later": 408, 429 and every 5xx.
fn is_transient_status(status: u16) -> bool {
    status == 408 || status == 429 || status >= 500
}

/// A failed attempt: what went wrong, whether the server said it did not process the request,
/// and how long it asked us to wait.
struct Failure {
    error: Error,
    refused: bool,
    retry_after: Option<Duration>,
}

/// An [`Error::Http`] for a failed answer. The body is left out: behind a load balancer it is an
/// HTML page nobody should have to read.
pub(crate) fn status_error(answer: &Response) -> Error {
    Error::Http {
        status: answer.status,
    }
}

/// What an import produced.
#[derive(Debug, Default)]
pub struct Imported {
    /// The normalized contacts, held compactly (soft-deleted ones last, with `deleted: true`).
    pub contacts: ImportedContacts,
    /// Records that could not be used, or values that were rejected.
    pub problems: Vec<Problem>,
    /// The address book's owner (the visitor), when the provider says who it is.
    pub owner: Option<Contact>,
    /// The caller's `user_id`, as the provider sent it back.
    pub user_id: Option<String>,
    /// The caller's `echo`, as the provider sent it back.
    pub echo: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::memory::{block_on, MemoryTransport};
    use crate::transport::Clock;

    fn options() -> JobOptions {
        JobOptions {
            deadline: Some(Duration::from_secs(60)),
            ..JobOptions::default()
        }
    }

    #[test]
    fn get_retries_transient_failures_then_succeeds() {
        let mut calls = 0;
        let transport = MemoryTransport::new(move |_, _| {
            calls += 1;
            match calls {
                1 => Ok(Response::new(503, "busy")),
                2 => Err(Error::Transport("reset".into())),
                _ => Ok(Response::new(200, "ok")),
            }
        });
        let mut job = Job::new(&transport, options());
        let text = block_on(job.get(Request::get("http://x/a"), |r| Ok(r.text())));
        assert_eq!(text, Ok("ok".to_string()));
        assert_eq!(transport.request_count(), 3);
    }

    #[test]
    fn get_honours_retry_after() {
        let transport = MemoryTransport::new(|_, now| {
            if now == 0 {
                Ok(Response::new(429, "").with_header("Retry-After", "7"))
            } else {
                Ok(Response::new(200, "ok"))
            }
        });
        let mut job = Job::new(&transport, options());
        assert!(block_on(job.get(Request::get("http://x/a"), |r| Ok(r.text()))).is_ok());
        let times: Vec<u64> = transport.requests().iter().map(|(t, _)| *t).collect();
        assert_eq!(times, vec![0, 7000]);
    }

    #[test]
    fn get_gives_up_after_max_retries_with_the_status() {
        let transport = MemoryTransport::new(|_, _| Ok(Response::new(500, "boom")));
        let few = JobOptions {
            max_retries: 4,
            ..options()
        };
        let mut job = Job::new(&transport, few);
        let outcome = block_on(job.get(Request::get("http://x/a"), |r| Ok(r.text())));
        assert!(matches!(outcome, Err(Error::Http { status: 500, .. })));
        assert_eq!(transport.request_count(), 5);
    }

    #[test]
    fn backoff_grows_with_jitter_within_bounds() {
        let transport = MemoryTransport::new(|_, _| Ok(Response::new(200, "")));
        let mut job = Job::new(&transport, options());
        for attempt in 0..8 {
            let full = Duration::from_millis(500)
                .saturating_mul(1 << attempt)
                .min(Duration::from_secs(30));
            let wait = job.backoff(attempt);
            assert!(wait >= full / 2 && wait <= full, "{attempt}: {wait:?}");
        }
    }

    fn post() -> Request {
        Request::post("http://x", "text/plain", vec![])
    }

    /// Sends one request with `effect` to a server that answers `failures` in turn, then 200
    /// "ok"; returns the outcome and the times the requests were sent.
    fn exchange(effect: Effect, failures: Vec<Result<Response>>) -> (Result<String>, Vec<u64>) {
        let mut failures = failures.into_iter();
        let transport = MemoryTransport::new(move |_, _| {
            failures
                .next()
                .unwrap_or_else(|| Ok(Response::new(200, "ok")))
        });
        let mut job = Job::new(&transport, options());
        let outcome = block_on(job.send(post(), effect, |answer| {
            let text = answer.text();
            if text == "ok" {
                Ok(text)
            } else {
                Err(Error::malformed("cut short"))
            }
        }));
        let times = transport.requests().iter().map(|(t, _)| *t).collect();
        (outcome, times)
    }

    #[test]
    fn a_write_is_in_doubt_after_a_5xx_no_answer_or_an_answer_cut_short() {
        for failure in [
            Ok(Response::new(503, "<html>busy</html>")),
            Ok(Response::new(500, "")),
            Err(Error::Transport("reset".into())),
            Err(Error::Timeout {
                what: "request".into(),
            }),
            Ok(Response::new(200, "o")),
        ] {
            let cause = match &failure {
                Ok(answer) if answer.status >= 500 => Error::Http {
                    status: answer.status,
                },
                Ok(_) => Error::malformed("cut short"),
                Err(error) => error.clone(),
            };
            let (outcome, times) = exchange(Effect::Write, vec![failure]);
            assert_eq!(
                outcome,
                Err(Error::InDoubt {
                    cause: Box::new(cause)
                })
            );
            assert_eq!(times.len(), 1, "sent once");
        }
    }

    #[test]
    fn a_write_is_sent_again_after_408_or_429_which_were_not_processed() {
        let (outcome, times) = exchange(
            Effect::Write,
            vec![
                Ok(Response::new(429, "").with_header("Retry-After", "2")),
                Ok(Response::new(408, "")),
            ],
        );
        assert_eq!(outcome, Ok("ok".to_string()));
        assert_eq!(times.len(), 3);
        assert_eq!(times[1], 2000, "after Retry-After");
    }

    #[test]
    fn reads_starts_and_idempotent_writes_are_sent_again_whatever_the_method() {
        for effect in [Effect::Read, Effect::Start, Effect::Idempotent] {
            let (outcome, times) = exchange(
                effect,
                vec![
                    Ok(Response::new(503, "")),
                    Ok(Response::new(500, "")),
                    Err(Error::Transport("reset".into())),
                    Ok(Response::new(200, "o")),
                ],
            );
            assert_eq!(outcome, Ok("ok".to_string()), "{effect:?}");
            assert_eq!(times.len(), 5, "{effect:?}");
        }
    }

    #[test]
    fn a_definite_refusal_is_not_sent_again() {
        for effect in [Effect::Read, Effect::Start, Effect::Write] {
            let transport = MemoryTransport::new(|_, _| Ok(Response::new(400, "no")));
            let mut job = Job::new(&transport, options());
            let outcome =
                block_on(job.send(post(), effect, |answer| Err::<(), _>(status_error(answer))));
            assert_eq!(outcome, Err(Error::Http { status: 400 }));
            assert_eq!(transport.request_count(), 1);
        }
    }

    #[test]
    fn a_retried_poll_still_waits_a_second_after_the_previous_poll() {
        let transport = MemoryTransport::new(|_, now| match now {
            // The second poll fails; its retry must not come before 2 100 ms.
            1050 => Ok(Response::new(503, "")),
            _ => Ok(Response::new(200, "ok")),
        });
        let mut job = Job::new(&transport, options());
        for _ in 0..3 {
            let outcome =
                block_on(job.send(Request::get("http://x"), Effect::Poll, |r| Ok(r.text())));
            assert_eq!(outcome, Ok("ok".to_string()));
        }
        let times: Vec<u64> = transport.requests().iter().map(|(t, _)| *t).collect();
        assert_eq!(times, vec![0, 1050, 2100, 3150]);

        // A Retry-After longer than the interval is honoured as it is.
        let transport = MemoryTransport::new(|_, now| match now {
            0 => Ok(Response::new(429, "").with_header("Retry-After", "3")),
            _ => Ok(Response::new(200, "ok")),
        });
        let mut job = Job::new(&transport, options());
        let outcome = block_on(job.send(Request::get("http://x"), Effect::Poll, |r| Ok(r.text())));
        assert_eq!(outcome, Ok("ok".to_string()));
        assert_eq!(transport.requests()[1].0, 3000);
    }

    #[test]
    fn an_http_error_is_a_sentence_with_the_status_not_the_body() {
        let page = Response::new(
            503,
            "<html><body><h1>503 Service Temporarily Unavailable</h1>",
        );
        let message = status_error(&page).to_string();
        assert_eq!(
            message,
            "the provider answered with HTTP status 503 (Service Unavailable)"
        );
        let doubt = Error::InDoubt {
            cause: Box::new(status_error(&page)),
        };
        assert!(!doubt.to_string().contains("html"));
        assert_eq!(doubt.code(), "in_doubt");
        assert!(!doubt.is_transient());
    }

    #[test]
    fn polls_are_at_least_a_second_apart_even_when_asked_for_less() {
        let transport = MemoryTransport::new(|_, _| Ok(Response::new(200, "")));
        let mut job = Job::new(
            &transport,
            JobOptions {
                poll_interval: Duration::from_millis(10),
                ..options()
            },
        );
        block_on(async {
            for _ in 0..3 {
                job.wait_for_poll().await?;
                transport.send(Request::get("http://x")).await?;
            }
            Ok::<_, Error>(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let times: Vec<u64> = transport.requests().iter().map(|(t, _)| *t).collect();
        assert_eq!(times, vec![0, 1050, 2100]);
    }

    #[test]
    fn nothing_is_sent_after_cancel_or_past_the_deadline() {
        let transport = MemoryTransport::new(|_, _| Ok(Response::new(200, "")));
        let mut job = Job::new(&transport, options());
        job.cancel_token().cancel();
        let outcome = block_on(job.get(Request::get("http://x"), |_| Ok(())));
        assert_eq!(outcome, Err(Error::Cancelled));
        assert_eq!(transport.request_count(), 0);

        let mut job = Job::new(&transport, options());
        block_on(transport.sleep(Duration::from_secs(61)));
        let outcome = block_on(job.get(Request::get("http://x"), |_| Ok(())));
        assert!(matches!(outcome, Err(Error::Timeout { .. })));
        assert_eq!(transport.request_count(), 0);
    }
}
