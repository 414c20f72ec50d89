//! The native transport: reqwest (rustls, no OpenSSL) for HTTP, tokio for sleeping, a
//! monotonic clock. Used by the CLI and the server; it talks to the provider itself.

use std::future::Future;
use std::time::{Duration, Instant};

use super::{Clock, Method, Request, Response, Transport};
use crate::error::{Error, Result};

/// HTTP over reqwest. Needs a tokio runtime (see [`run`]).
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    started: Instant,
}

impl ReqwestTransport {
    /// A transport with its own connection pool.
    pub fn new() -> Result<ReqwestTransport> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("contact-picker/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Transport(e.to_string()))?;
        Ok(ReqwestTransport {
            client,
            started: Instant::now(),
        })
    }
}

impl Clock for ReqwestTransport {
    fn now_millis(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await
    }
}

impl Transport for ReqwestTransport {
    async fn send(&self, request: Request) -> Result<Response> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let url = request.url.clone();
        let mut builder = self
            .client
            .request(method, &request.url)
            .timeout(request.timeout);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if request.method == Method::Post {
            builder = builder.body(request.body);
        }
        // reqwest's messages quote the whole URL, query included, and queries carry tokens
        // and keys: drop it and name the URL without its query instead.
        let describe = |e: reqwest::Error| {
            let e = e.without_url();
            if e.is_timeout() {
                Error::Timeout {
                    what: format!("request to {}", strip_query(&url)),
                }
            } else {
                Error::Transport(format!("{}: {e}", strip_query(&url)))
            }
        };
        let answer = builder.send().await.map_err(describe)?;
        let status = answer.status().as_u16();
        let headers = answer
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = answer.bytes().await.map_err(describe)?.to_vec();
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

/// The URL without its query, for messages: queries can carry tokens and keys.
fn strip_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// Runs `future` to completion on a fresh single-threaded tokio runtime (what the CLI uses).
pub fn run<F: Future>(future: F) -> Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Transport(format!("cannot start the async runtime: {e}")))?;
    Ok(runtime.block_on(future))
}
