//! The browser transport: `fetch` through gloo-net, timeouts through an `AbortController`
//! armed by a gloo-timers timeout, sleeping through gloo-timers, the clock from `Date.now()`.
//!
//! It talks to the site's proxy (`/proxy/<provider>/...`), which adds the provider secrets:
//! the browser never holds them.

use std::time::Duration;

use super::{Clock, Method, Request, Response, Transport};
use crate::error::{Error, Result};

/// HTTP through the browser's `fetch`.
#[derive(Debug, Clone, Default)]
pub struct FetchTransport;

impl FetchTransport {
    /// A transport over `fetch`.
    pub fn new() -> FetchTransport {
        FetchTransport
    }
}

impl Clock for FetchTransport {
    fn now_millis(&self) -> u64 {
        // Date.now() is a whole number of milliseconds as an f64; never negative in practice.
        let now = js_sys::Date::now();
        if now.is_finite() && now > 0.0 {
            now as u64
        } else {
            0
        }
    }

    async fn sleep(&self, duration: Duration) {
        let millis = u32::try_from(duration.as_millis()).unwrap_or(u32::MAX);
        gloo_timers::future::TimeoutFuture::new(millis).await
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: Request) -> Result<Response> {
        let controller = web_sys::AbortController::new()
            .map_err(|_| Error::Transport("AbortController is not available".into()))?;
        let signal = controller.signal();
        let millis = u32::try_from(request.timeout.as_millis()).unwrap_or(u32::MAX);
        // Aborts the fetch when it runs out of time; dropping the timer (when the answer came
        // first) cancels it.
        let timer = gloo_timers::callback::Timeout::new(millis, move || controller.abort());
        let method = match request.method {
            Method::Get => gloo_net::http::Method::GET,
            Method::Post => gloo_net::http::Method::POST,
        };
        let mut builder = gloo_net::http::RequestBuilder::new(&request.url)
            .method(method)
            .abort_signal(Some(&signal));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let built = if request.method == Method::Post {
            builder.body(js_sys::Uint8Array::from(request.body.as_slice()))
        } else {
            builder.build()
        };
        let built = built.map_err(|e| Error::Transport(e.to_string()))?;
        let outcome = async {
            let answer = built.send().await?;
            let body = answer.binary().await?;
            Ok::<_, gloo_net::Error>((answer, body))
        }
        .await;
        let timed_out = signal.aborted();
        drop(timer);
        let url = request.url.split('?').next().unwrap_or("");
        match outcome {
            // gloo-net does not treat a non-2xx status as an error: the caller checks it.
            Ok((answer, body)) => Ok(Response {
                status: answer.status(),
                headers: answer.headers().entries().collect(),
                body,
            }),
            Err(_) if timed_out => Err(Error::Timeout {
                what: format!("request to {url}"),
            }),
            Err(e) => Err(Error::Transport(format!("{url}: {e}"))),
        }
    }
}
