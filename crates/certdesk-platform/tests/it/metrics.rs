//! `/metrics` (issue 12 item 4): on its own address only, in the Prometheus text format, counting
//! requests per route template and status, entries per kind and outcome, pulls, and the limits'
//! refusals; and each answer carries a request id.

use certdesk_testkit::platform::Options;
use certdesk_testkit::ids::id_number;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::support::scene::{entry, scene_with, worker};

/// The value of the sample `name{labels}` (labels as Prometheus prints them: sorted by name).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')).map(|v| v.parse().unwrap()))
}

#[tokio::test]
async fn metrics_count_routes_entries_pulls_and_refusals_on_their_own_address() {
    let limits = certdesk_platform::limits::Limits { per_network_per_minute: 40, ..Default::default() };
    let s = scene_with(Options::approving_everyone().without_redirects().with_limits(limits).with_metrics_listener()).await;
    let agency = s.agency(1, "黄浦区", None).await;
    let device = s.device(agency).await;
    let worker_id = Uuid::now_v7();
    let outcomes = s
        .push(&device, &[entry(1, worker_id, "upsert", worker("张三", &id_number(1), None)), entry(2, Uuid::now_v7(), "upsert", worker("", "1", None))])
        .await;
    assert_eq!(outcomes.len(), 2);
    s.pull_all(&device).await;
    // Not on the public address.
    assert_eq!(s.http.get(s.url("/metrics")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // A public lookup, then a flood from one network until the limit refuses.
    let mut refused = 0;
    for _ in 0..60 {
        let res = s.http.get(s.url("/lookup")).send().await.unwrap();
        assert!(res.headers().contains_key("x-request-id"), "every answer names its request");
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert!(refused > 0);

    let at = s.server().metrics_addr.expect("the metrics listener");
    let res = reqwest::get(format!("http://{at}/metrics")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = res.text().await.unwrap();

    assert_eq!(sample(&text, r#"certdesk_http_requests_total{method="GET",route="/api/v1/sync/pull",status="200"}"#), Some(1.0), "{text}");
    // The training records the scene pushes first are counted too; the worker and the refused one:
    assert_eq!(sample(&text, r#"certdesk_sync_entries_total{entity="worker",outcome="applied"}"#), Some(1.0), "{text}");
    assert_eq!(sample(&text, r#"certdesk_sync_entries_total{entity="worker",outcome="rejected"}"#), Some(1.0), "{text}");
    assert_eq!(sample(&text, r#"certdesk_sync_pull_changes_count{has_more="false"}"#), Some(1.0), "{text}");
    assert_eq!(sample(&text, r#"certdesk_rate_limited_total{limit="per_network"}"#), Some(f64::from(refused)), "{text}");
    let lookups_ok = sample(&text, r#"certdesk_http_requests_total{method="GET",route="/lookup",status="200"}"#).unwrap();
    assert_eq!(lookups_ok + f64::from(refused), 60.0, "each lookup counted once, by route template and status");
    assert!(text.contains(r#"certdesk_http_request_duration_seconds_bucket{method="POST",route="/api/v1/sync/push",le="0.5"}"#), "{text}");
    // A route is its template, never a client's path: no card payload in the labels.
    assert!(!text.contains(&worker_id.to_string()));
    if certdesk_testkit::platform::on_postgres() {
        assert!(sample(&text, r#"certdesk_db_pool_connections{state="idle"}"#).is_some(), "the pool's use on PostgreSQL: {text}");
    }
}
