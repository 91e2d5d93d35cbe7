//! What the platform counts for its operators' monitoring, in the Prometheus text format
//! (`/metrics` on an address of its own, `serve --metrics-listen`): requests and their latency
//! per route and status, the entries desks pushed per kind and outcome, how far behind desks
//! were when they pulled, the database pool's use, and the requests the limits refused. Each
//! server has its own set (tests start several in one process); nothing here is personal: a
//! route is its template (`/c/{payload}`), never the path a client sent.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder};

/// Which limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Requests without credentials per client network and minute.
    PerNetwork,
    /// The public page's ratings and complaints (per certificate, device, network).
    Feedback,
}

impl Limit {
    fn label(self) -> &'static str {
        match self {
            Limit::PerNetwork => "per_network",
            Limit::Feedback => "feedback",
        }
    }
}

/// One server's counters.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    entries: IntCounterVec,
    pulled: HistogramVec,
    limited: IntCounterVec,
    pool: IntGaugeVec,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// A fresh set, every counter at zero.
    pub fn new() -> Arc<Metrics> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("certdesk_http_requests_total", "Requests answered, by route template, method and status."),
            &["route", "method", "status"],
        )
        .expect("a valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new("certdesk_http_request_duration_seconds", "Time to answer, by route template and method.")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["route", "method"],
        )
        .expect("a valid metric");
        let entries = IntCounterVec::new(
            Opts::new("certdesk_sync_entries_total", "Outbox entries desks pushed, by entity and outcome (applied, duplicate, rejected, conflict)."),
            &["entity", "outcome"],
        )
        .expect("a valid metric");
        let pulled = HistogramVec::new(
            HistogramOpts::new(
                "certdesk_sync_pull_changes",
                "Changes one pull handed a desk: how far behind it was (a full page means at least that many).",
            )
            .buckets(vec![0.0, 1.0, 5.0, 20.0, 100.0, 500.0, 1000.0]),
            &["has_more"],
        )
        .expect("a valid metric");
        let limited = IntCounterVec::new(
            Opts::new("certdesk_rate_limited_total", "Requests a limit refused, by limit."),
            &["limit"],
        )
        .expect("a valid metric");
        let pool = IntGaugeVec::new(
            Opts::new("certdesk_db_pool_connections", "PostgreSQL connections of this instance, by state (idle, busy)."),
            &["state"],
        )
        .expect("a valid metric");
        for m in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(entries.clone()),
            Box::new(pulled.clone()),
            Box::new(limited.clone()),
            Box::new(pool.clone()),
        ] {
            registry.register(m).expect("each metric is registered once");
        }
        Arc::new(Metrics { registry, requests, latency, entries, pulled, limited, pool })
    }

    /// Counts an entry a desk pushed (`None`: an entity this platform does not know, counted
    /// as `unknown`).
    pub fn entry(&self, entity: Option<certdesk_protocol::sync::SyncEntity>, outcome: &certdesk_protocol::sync::EntryOutcome) {
        let entity = entity.map_or("unknown", certdesk_protocol::sync::SyncEntity::as_str);
        use certdesk_protocol::sync::EntryOutcome;
        let outcome = match outcome {
            EntryOutcome::Applied => "applied",
            EntryOutcome::Duplicate => "duplicate",
            EntryOutcome::Rejected { .. } => "rejected",
            EntryOutcome::Conflict { .. } => "conflict",
        };
        self.entries.with_label_values(&[entity, outcome]).inc();
    }

    /// Counts a pull that handed over `changes`.
    pub fn pull(&self, changes: usize, has_more: bool) {
        self.pulled.with_label_values(&[if has_more { "true" } else { "false" }]).observe(changes as f64);
    }

    /// Counts a request a limit refused.
    pub fn limited(&self, limit: Limit) {
        self.limited.with_label_values(&[limit.label()]).inc();
    }

    /// The text a Prometheus server scrapes, with the pool's state read now (`(open, idle)`,
    /// `None` for a backend without a pool).
    pub fn render(&self, pool: Option<(u32, u32)>) -> String {
        if let Some((open, idle)) = pool {
            self.pool.with_label_values(&["idle"]).set(i64::from(idle));
            self.pool.with_label_values(&["busy"]).set(i64::from(open.saturating_sub(idle)));
        }
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out).expect("the text format encodes");
        String::from_utf8(out).expect("the text format is UTF-8")
    }
}

/// The layer that counts every request by its route template and times it.
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", |m| m.as_str()).to_owned();
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    metrics.latency.with_label_values(&[&route, &method]).observe(started.elapsed().as_secs_f64());
    metrics.requests.with_label_values(&[&route, &method, res.status().as_str()]).inc();
    res
}

/// Serves `GET /metrics` (plain HTTP, for the monitoring network only) on `listener` until the
/// process ends.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    store: Arc<dyn crate::store::Store>,
) -> std::io::Result<()> {
    use axum::response::IntoResponse;
    // One path, outside the documented API: no route table, a fallback that answers it.
    let app = axum::Router::new().fallback(move |req: Request| {
        let (metrics, store) = (metrics.clone(), store.clone());
        async move {
            if req.method() != axum::http::Method::GET || req.uri().path() != "/metrics" {
                return axum::http::StatusCode::NOT_FOUND.into_response();
            }
            let pool = store.pool_state();
            ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], metrics.render(pool)).into_response()
        }
    });
    axum::serve(listener, app).await
}
