//! An in-memory transport for tests: a handler function answers each request, every request
//! is logged with the virtual time it was sent at, and sleeping only advances a virtual clock,
//! so a test of a two-minute poll runs in microseconds and is fully deterministic.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use super::{Clock, Request, Response, Transport};
use crate::error::{Error, Result};

/// Answers a request at a virtual time (milliseconds).
pub type Handler = Box<dyn FnMut(&Request, u64) -> Result<Response>>;

/// A scripted transport with a virtual clock. See the module documentation.
pub struct MemoryTransport {
    handler: RefCell<Handler>,
    now: Cell<u64>,
    latency: Cell<u64>,
    log: RefCell<Vec<(u64, Request)>>,
}

impl MemoryTransport {
    /// A transport whose answers come from `handler(request, now_millis)`.
    pub fn new(handler: impl FnMut(&Request, u64) -> Result<Response> + 'static) -> Self {
        MemoryTransport {
            handler: RefCell::new(Box::new(handler)),
            now: Cell::new(0),
            latency: Cell::new(0),
            log: RefCell::new(Vec::new()),
        }
    }

    /// Every request sent so far, with the virtual time it was sent at.
    pub fn requests(&self) -> Vec<(u64, Request)> {
        self.log.borrow().clone()
    }

    /// How many requests were sent so far.
    pub fn request_count(&self) -> usize {
        self.log.borrow().len()
    }

    /// Makes every exchange take `millis` of virtual time.
    pub fn set_latency(&self, millis: u64) {
        self.latency.set(millis);
    }
}

impl Clock for MemoryTransport {
    fn now_millis(&self) -> u64 {
        self.now.get()
    }

    async fn sleep(&self, duration: Duration) {
        let millis = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        self.now.set(self.now.get().saturating_add(millis));
    }
}

impl Transport for MemoryTransport {
    async fn send(&self, request: Request) -> Result<Response> {
        let now = self.now.get();
        self.log.borrow_mut().push((now, request.clone()));
        self.now.set(now.saturating_add(self.latency.get()));
        let mut handler = self
            .handler
            .try_borrow_mut()
            .map_err(|_| Error::Transport("memory transport re-entered".into()))?;
        (handler)(&request, now)
    }
}

/// Runs a future that never waits on anything outside it (everything over a
/// [`MemoryTransport`]) to completion on the current thread.
///
/// # Panics
/// When the future stays pending: it waits for something real, which this executor cannot
/// drive (a test bug, not an input problem).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    for _ in 0..1_000_000 {
        if let Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
    panic!("block_on: the future waits on something outside the memory transport");
}
