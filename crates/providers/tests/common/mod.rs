//! Helpers shared by the tests that drive the clients against the sandbox over HTTP.

use std::time::Duration;

use providers::transport::native::ReqwestTransport;
use providers::JobOptions;

/// The default job settings (retries included) with a shorter back-off and a deadline, to keep
/// the tests quick; the polling floor is not shortened.
pub fn options() -> JobOptions {
    JobOptions {
        deadline: Some(Duration::from_secs(120)),
        backoff_base: Duration::from_millis(100),
        ..JobOptions::default()
    }
}

pub fn transport() -> ReqwestTransport {
    ReqwestTransport::new().expect("reqwest client")
}

/// POSTs `decision` to a consent or OAuth page, as the visitor's browser would.
pub async fn decide(url: String, decision: &'static str) {
    let answer = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("decision={decision}"))
        .send()
        .await
        .expect("decision is posted");
    assert!(
        answer.status().is_success() || answer.status().is_redirection(),
        "decision answer {}",
        answer.status()
    );
}
