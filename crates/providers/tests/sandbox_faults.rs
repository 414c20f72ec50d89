//! Injected faults over real HTTP: 5xx, 429 + Retry-After, malformed and truncated bodies,
//! timeouts, counts, the JSON control route, and the blocking handle.

use std::time::Duration;

use providers::sandbox::{Fault, FaultKind, RandomFaults, Sandbox, SandboxConfig};

fn popsell_url(base: &str, token: &str) -> String {
    format!("{base}/popsell/api/1/contacts?token={token}")
}

async fn fetch(url: &str) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>), reqwest::Error> {
    let response = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()?
        .get(url)
        .send()
        .await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await?.to_vec();
    Ok((status, headers, body))
}

#[tokio::test]
async fn every_fault_kind() {
    let sandbox = Sandbox::start(SandboxConfig {
        book_size: 20,
        timeout_fault_delay: Duration::from_secs(5),
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let base = sandbox.base_url().to_string();
    let token = sandbox.popsell_token("1");
    let url = popsell_url(&base, &token);
    let (_, _, clean) = fetch(&url).await.expect("clean");
    assert!(serde_json::from_slice::<serde_json::Value>(&clean).is_ok());

    sandbox.set_faults(vec![Fault::times("/popsell", FaultKind::Status(503), 2)]);
    assert_eq!(fetch(&url).await.expect("503").0, 503);
    assert_eq!(fetch(&url).await.expect("503").0, 503);
    assert_eq!(fetch(&url).await.expect("ok").0, 200, "used up after 2");
    assert!(sandbox.faults().is_empty());

    sandbox.set_faults(vec![Fault::once("/popsell", FaultKind::RateLimit(7))]);
    let (status, headers, _) = fetch(&url).await.expect("429");
    assert_eq!(status, 429);
    assert_eq!(
        headers.get("retry-after").and_then(|v| v.to_str().ok()),
        Some("7")
    );

    sandbox.set_faults(vec![Fault::once("/popsell", FaultKind::Malformed)]);
    let (status, headers, body) = fetch(&url).await.expect("malformed");
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/json; charset=utf-8")
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());

    sandbox.set_faults(vec![Fault::once("/popsell", FaultKind::Truncated)]);
    let (status, _, body) = fetch(&url).await.expect("truncated");
    assert_eq!(status, 200);
    assert_eq!(body.len(), clean.len() / 2);
    assert_eq!(body[..], clean[..clean.len() / 2]);
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());

    sandbox.set_faults(vec![Fault::once("/popsell", FaultKind::Timeout)]);
    let error = fetch(&url).await.expect_err("timeout");
    assert!(error.is_timeout(), "{error}");

    // A fault on one prefix leaves the others alone.
    sandbox.set_faults(vec![Fault::always("/convio", FaultKind::Status(500))]);
    assert_eq!(fetch(&url).await.expect("ok").0, 200);
    sandbox.set_faults(Vec::new());

    let stats = sandbox.stats();
    assert_eq!(stats.faults_injected, 6);
    assert_eq!(
        stats.routes.get("GET /popsell/api/{customer_id}/contacts"),
        Some(&9)
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn faults_and_stats_over_http() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("start");
    let base = sandbox.base_url().to_string();
    let client = reqwest::Client::new();
    let set = client
        .post(format!("{base}/sandbox/faults"))
        .header("content-type", "application/json")
        .body(r#"[{"path_prefix":"/popsell","kind":"status(502)","times":1},{"path_prefix":"/xmlapi","kind":{"rate_limit":1}}]"#)
        .send()
        .await
        .expect("set");
    assert_eq!(set.status().as_u16(), 204);
    assert_eq!(sandbox.faults().len(), 2);
    let url = popsell_url(&base, &sandbox.popsell_token("1"));
    assert_eq!(fetch(&url).await.expect("502").0, 502);
    // Control routes are never faulted and are counted like the rest.
    let stats: serde_json::Value = serde_json::from_str(
        &client
            .get(format!("{base}/sandbox/stats"))
            .send()
            .await
            .expect("stats")
            .text()
            .await
            .expect("body"),
    )
    .expect("json");
    assert_eq!(stats["faults_injected"], 1);
    assert_eq!(stats["too_fast_polls"], 0);
    assert_eq!(
        stats["routes"]["GET /popsell/api/{customer_id}/contacts"],
        1
    );
    let bad = client
        .post(format!("{base}/sandbox/faults"))
        .body(r#"[{"path_prefix":"/x","kind":"explode"}]"#)
        .send()
        .await
        .expect("bad");
    assert_eq!(bad.status().as_u16(), 400);
    client
        .delete(format!("{base}/sandbox/faults"))
        .send()
        .await
        .expect("clear");
    assert!(sandbox.faults().is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn random_faults_over_http_and_a_late_answer_is_served() {
    let sandbox = Sandbox::start(SandboxConfig::default())
        .await
        .expect("start");
    let base = sandbox.base_url().to_string();
    let client = reqwest::Client::new();
    let url = popsell_url(&base, &sandbox.popsell_token("1"));

    // Every request late by 300 ms, then served.
    let set = client
        .post(format!("{base}/sandbox/faults/random"))
        .body(r#"{"percent":100,"seed":4,"kinds":["delay(300)"]}"#)
        .send()
        .await
        .expect("set");
    assert_eq!(set.status().as_u16(), 204);
    let started = std::time::Instant::now();
    let answer = client.get(&url).send().await.expect("late answer");
    assert_eq!(answer.status().as_u16(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let current: serde_json::Value = serde_json::from_str(
        &client
            .get(format!("{base}/sandbox/faults/random"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("body"),
    )
    .expect("json");
    assert_eq!(current["percent"], 100);
    assert_eq!(current["path_prefix"], "/");

    // Half the requests fail with a 503, the others are served.
    sandbox.set_random_faults(Some(RandomFaults {
        kinds: vec![FaultKind::Status(503)],
        ..RandomFaults::new(50, 8)
    }));
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(
            client
                .get(&url)
                .send()
                .await
                .expect("answer")
                .status()
                .as_u16(),
        );
    }
    let failed = statuses.iter().filter(|s| **s == 503).count();
    assert!((10..=30).contains(&failed), "{failed} of 40: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 503 || *s == 200));

    let bad = client
        .post(format!("{base}/sandbox/faults/random"))
        .body(r#"{"percent":101}"#)
        .send()
        .await
        .expect("bad");
    assert_eq!(bad.status().as_u16(), 400);
    client
        .delete(format!("{base}/sandbox/faults/random"))
        .send()
        .await
        .expect("clear");
    assert_eq!(
        client.get(&url).send().await.expect("ok").status().as_u16(),
        200
    );
    sandbox.shutdown().await;
}

#[test]
fn blocking_handle_for_synchronous_tests() {
    let sandbox = Sandbox::start_blocking(SandboxConfig {
        faults: vec![Fault::once("/popsell", FaultKind::Status(500))],
        ..SandboxConfig::default()
    })
    .expect("start");
    let base = sandbox.base_url().to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    let url = popsell_url(&base, &sandbox.popsell_token("1"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    assert_eq!(runtime.block_on(fetch(&url)).expect("500").0, 500);
    assert_eq!(runtime.block_on(fetch(&url)).expect("200").0, 200);
    assert!(sandbox.summary().contains(&base));
    sandbox.shutdown();
    assert!(runtime.block_on(fetch(&url)).is_err(), "stopped");
}
