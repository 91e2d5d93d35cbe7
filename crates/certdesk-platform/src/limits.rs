//! How long and how much one client may take of the platform (issue 11 item 5): a TLS
//! handshake and a request's headers within seconds, a whole request within a minute, a cap on
//! open connections and on requests handled at once. A slow client (slowloris: a handshake or
//! headers trickled in, a connection held open idle) is closed instead of holding a slot; a
//! flood waits its turn instead of starving the database.
//!
//! Requests without credentials (the public pages, sign-in, enrolment, the contract) are also
//! counted per client network ([`WindowLimiter`], [`per_network`]); a desk's or an operator's
//! authenticated calls are not, and the health checks never are. Password checks (argon2, about
//! 19 MiB and tens of milliseconds each) run at most [`PASSWORD_CHECKS_AT_ONCE`] at a time, so a
//! sign-in flood waits its turn instead of taking every core from the syncs.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The limits a server runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A TLS handshake must finish within this.
    pub handshake: Duration,
    /// A request's headers must arrive within this (also the idle time allowed on a kept-alive
    /// connection before its next request).
    pub header_read: Duration,
    /// A whole request (body and answer) must finish within this, or it is answered 408.
    pub request: Duration,
    /// Connections open at once; one more is closed as soon as it is accepted.
    pub max_connections: usize,
    /// Requests handled at once; more wait their turn.
    pub max_in_flight: usize,
    /// Requests without credentials one client network may make per minute.
    pub per_network_per_minute: u32,
    /// What one agency may store.
    pub blobs: BlobQuota,
}

/// What one agency may store on the platform (photos and health-check reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobQuota {
    /// Bytes of finished blobs.
    pub bytes_per_agency: u64,
    /// Unfinished resumable uploads at once.
    pub partial_uploads_per_agency: usize,
}

impl Default for BlobQuota {
    /// 50 GiB (10,000 workers with a photo and a few reports each fit several times over) and
    /// 64 unfinished uploads (a desk uploads one at a time).
    fn default() -> BlobQuota {
        BlobQuota { bytes_per_agency: 50 * 1024 * 1024 * 1024, partial_uploads_per_agency: 64 }
    }
}

/// Unfinished uploads older than this are deleted by [`reap_partial_uploads`].
pub const PARTIAL_UPLOAD_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Deletes unfinished uploads (`BLOB_DIR/partial/<agency>/<sha256>`) last written more than
/// `max_age` before `now`, and agency folders left empty; returns how many files went. A desk
/// that comes back later starts that upload again from the beginning.
pub fn reap_partial_uploads(blob_dir: &std::path::Path, now: std::time::SystemTime, max_age: std::time::Duration) -> io::Result<usize> {
    let root = blob_dir.join("partial");
    let mut removed = 0;
    let agencies = match std::fs::read_dir(&root) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for agency in agencies {
        let agency = agency?.path();
        if !agency.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&agency)? {
            let file = file?;
            let written = file.metadata()?.modified()?;
            if now.duration_since(written).is_ok_and(|age| age > max_age) {
                std::fs::remove_file(file.path())?;
                removed += 1;
            }
        }
        if std::fs::read_dir(&agency)?.next().is_none() {
            let _ = std::fs::remove_dir(&agency);
        }
    }
    Ok(removed)
}

impl Default for Limits {
    /// 10 s for the handshake and the headers, 60 s a request (a 64 KiB photo chunk on a poor
    /// line fits many times over), 1024 connections, 256 requests at once, 600 requests without
    /// credentials a minute from one network (ten a second: far above a household or an office,
    /// room for phones behind one carrier address).
    fn default() -> Limits {
        Limits {
            handshake: Duration::from_secs(10),
            header_read: Duration::from_secs(10),
            request: Duration::from_secs(60),
            max_connections: 1024,
            max_in_flight: 256,
            per_network_per_minute: 600,
            blobs: BlobQuota::default(),
        }
    }
}

/// Password checks (argon2) running at once.
pub const PASSWORD_CHECKS_AT_ONCE: usize = 2;

static PASSWORD_CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PASSWORD_CHECKS_AT_ONCE);

/// Runs a password check (`check`, blocking) when one of [`PASSWORD_CHECKS_AT_ONCE`] slots is
/// free; the others wait without holding a thread.
pub async fn password_check<F: FnOnce() -> bool + Send + 'static>(check: F) -> io::Result<bool> {
    let _slot = PASSWORD_CHECKS.acquire().await.map_err(io::Error::other)?;
    tokio::task::spawn_blocking(check).await.map_err(io::Error::other)
}

/// Counts events per key within a fixed window (the public lookup per network, requests
/// without credentials per network).
pub struct WindowLimiter {
    max: u32,
    window: chrono::Duration,
    seen: Mutex<HashMap<String, (chrono::DateTime<chrono::Utc>, u32)>>,
}

impl WindowLimiter {
    /// At most `max` per `window` for each key.
    pub fn new(max: u32, window: chrono::Duration) -> WindowLimiter {
        WindowLimiter { max, window, seen: Mutex::new(HashMap::new()) }
    }

    /// Counts one event of `key` at `now`; when over the limit, the seconds until the window
    /// ends instead.
    pub fn take(&self, key: &str, now: chrono::DateTime<chrono::Utc>) -> Result<(), i64> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > 100_000 {
            seen.retain(|_, (start, _)| now - *start < self.window);
        }
        let entry = seen.entry(key.to_owned()).or_insert((now, 0));
        if now - entry.0 >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            return Err((entry.0 + self.window - now).num_seconds().max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// The client's network, for the per-network limits: the peer address (an IPv6 client counts
/// by its /64, which one subscriber usually holds whole). Behind a reverse proxy every client
/// shares the proxy's address; the limits then act city-wide, so deploy the platform facing the
/// clients or raise them.
pub fn network_of(peer: Option<SocketAddr>) -> String {
    match peer.map(|a| a.ip()) {
        Some(IpAddr::V4(ip)) => ip.to_string(),
        Some(IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = ip.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        None => "unknown".to_owned(),
    }
}

/// The state of [`per_network`].
#[derive(Clone)]
pub struct NetworkGate {
    /// The counts.
    pub limiter: Arc<WindowLimiter>,
    /// The platform's clock.
    pub clock: crate::api::Clock,
    /// Counts the refusals.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The count every instance shares, when the store [counts requests](crate::store::Store::counts_requests)
    /// (PostgreSQL); `None`: this process counts in `limiter`.
    pub shared: Option<Arc<SharedCount>>,
    /// The limit per minute (the same as `limiter`'s).
    pub per_minute: u32,
}

/// Requests without credentials counted in the store every instance shares, per client network
/// and calendar minute, in batches: an instance writes every [`SharedCount::batch`]th request
/// of a network, adding the whole batch, so a scan does not wait for the database each time
/// (issue 12's load: one write per scan halved the public page's rate on PostgreSQL). The batch
/// is a 64th of the limit (1 for a limit under 128: every request counted at once, exact), so
/// the instances together let through at most a 64th of the limit more per instance than the
/// limit; a network found over it is refused by this instance without asking again until the
/// minute ends.
pub struct SharedCount {
    store: Arc<dyn crate::store::Store>,
    batch: u32,
    seen: Mutex<HashMap<String, Tally>>,
}

/// One network's window, its requests not yet written, and the shared count last read.
type Tally = (chrono::DateTime<chrono::Utc>, u32, u32);

impl SharedCount {
    /// Counts in `store` for a limit of `per_minute`.
    pub fn new(store: Arc<dyn crate::store::Store>, per_minute: u32) -> SharedCount {
        SharedCount { store, batch: (per_minute / 64).clamp(1, 64), seen: Mutex::new(HashMap::new()) }
    }

    /// Requests counted together.
    pub fn batch(&self) -> u32 {
        self.batch
    }
}

impl NetworkGate {
    /// Counts one request of `network` at `now`: in the shared store per calendar minute, or
    /// in this process. Over the limit, the seconds until the window ends. A store that does
    /// not answer lets the request through (the request itself will say what is wrong).
    async fn take(&self, network: &str, now: chrono::DateTime<chrono::Utc>) -> Result<(), i64> {
        let Some(shared) = self.shared.clone() else {
            return self.limiter.take(network, now);
        };
        use chrono::DurationRound;
        let minute = chrono::Duration::minutes(1);
        let window = now.duration_trunc(minute).unwrap_or(now);
        let wait = (window + minute - now).num_seconds().max(1);
        let by = {
            let mut seen = shared.seen.lock().unwrap_or_else(|e| e.into_inner());
            if seen.len() > 100_000 {
                seen.retain(|_, (start, _, _)| *start == window);
            }
            let entry = seen.entry(network.to_owned()).or_insert((window, 0, 0));
            if entry.0 != window {
                *entry = (window, 0, 0);
            }
            if entry.2 > self.per_minute {
                return Err(wait);
            }
            entry.1 += 1;
            if entry.1 < shared.batch {
                return Ok(());
            }
            std::mem::take(&mut entry.1)
        };
        let key = network.to_owned();
        let store = shared.store.clone();
        match tokio::task::spawn_blocking(move || store.count_request(&key, window, by)).await {
            Ok(Ok(n)) => {
                let mut seen = shared.seen.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(entry) = seen.get_mut(network).filter(|e| e.0 == window) {
                    entry.2 = entry.2.max(n);
                }
                if n > self.per_minute { Err(wait) } else { Ok(()) }
            }
            other => {
                tracing::error!(?other, "could not count a request in the database; let through");
                Ok(())
            }
        }
    }
}

/// The layer counting requests without credentials per client network: over the limit, 429 with
/// `Retry-After` and a sentence, and the request goes no further. A request carrying
/// `Authorization` (a desk, an operator's token) and the health checks pass uncounted.
pub async fn per_network(
    axum::extract::State(gate): axum::extract::State<NetworkGate>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let exempt = req.headers().contains_key(axum::http::header::AUTHORIZATION)
        || matches!(req.uri().path(), "/healthz" | "/readyz");
    if !exempt {
        let peer = req.extensions().get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0);
        if let Err(wait) = gate.take(&network_of(peer), (gate.clock)()).await {
            tracing::warn!(network = %network_of(peer), "requests without credentials over the per-network limit");
            gate.metrics.limited(crate::metrics::Limit::PerNetwork);
            let why = crate::messages::too_many_requests();
            let mut res = (axum::http::StatusCode::TOO_MANY_REQUESTS, format!("{}\n{}\n", why.zh, why.en)).into_response();
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(wait));
            return res;
        }
    }
    next.run(req).await
}

/// An acceptor that holds one of `max_connections` permits for each connection's life and
/// closes a connection at once when none is left.
#[derive(Clone, Debug)]
pub struct CappedAcceptor(Arc<Semaphore>);

impl CappedAcceptor {
    /// At most `max` connections at once.
    pub fn new(max: usize) -> CappedAcceptor {
        CappedAcceptor(Arc::new(Semaphore::new(max)))
    }
}

impl<I, S> Accept<I, S> for CappedAcceptor {
    type Stream = Held<I>;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Held<I>, S)>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        std::future::ready(match self.0.clone().try_acquire_owned() {
            Ok(permit) => Ok((Held { stream, _permit: permit }, service)),
            Err(_) => {
                tracing::warn!("connection refused: the platform's connection cap is reached");
                Err(io::Error::other("connection cap reached"))
            }
        })
    }
}

/// A connection holding its permit until it is dropped.
#[derive(Debug)]
pub struct Held<I> {
    stream: I,
    _permit: OwnedSemaphorePermit,
}

impl<I: AsyncRead + Unpin> AsyncRead for Held<I> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Held<I> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// However many sign-ins arrive at once, at most PASSWORD_CHECKS_AT_ONCE checks run.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn password_checks_run_at_most_a_few_at_a_time() {
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let checks: Vec<_> = (0..12)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(password_check(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                    true
                }))
            })
            .collect();
        for c in checks {
            assert!(c.await.unwrap().unwrap());
        }
        assert_eq!(most.load(Ordering::SeqCst), PASSWORD_CHECKS_AT_ONCE);
    }

    #[test]
    fn unfinished_uploads_older_than_a_week_are_reaped_and_newer_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let agency = dir.path().join("partial").join(uuid::Uuid::now_v7().to_string());
        std::fs::create_dir_all(&agency).unwrap();
        let (old, new) = (agency.join("a".repeat(64)), agency.join("b".repeat(64)));
        std::fs::write(&old, b"half a photo").unwrap();
        std::fs::write(&new, b"half another").unwrap();
        let now = std::time::SystemTime::now();
        let eight_days = std::time::Duration::from_secs(8 * 24 * 3600);
        std::fs::File::options().write(true).open(&old).unwrap().set_modified(now - eight_days).unwrap();
        assert_eq!(reap_partial_uploads(dir.path(), now, PARTIAL_UPLOAD_MAX_AGE).unwrap(), 1);
        assert!(!old.exists() && new.exists());
        std::fs::remove_file(&new).unwrap();
        assert_eq!(reap_partial_uploads(dir.path(), now, PARTIAL_UPLOAD_MAX_AGE).unwrap(), 0);
        assert!(!agency.exists(), "an emptied agency folder goes too");
    }

    #[test]
    fn a_window_counts_per_key_and_starts_again_after_it() {
        let l = WindowLimiter::new(2, chrono::Duration::minutes(1));
        let t0: chrono::DateTime<chrono::Utc> = "2026-12-04T02:00:00Z".parse().unwrap();
        assert!(l.take("a", t0).is_ok() && l.take("a", t0).is_ok());
        assert_eq!(l.take("a", t0 + chrono::Duration::seconds(15)), Err(45));
        assert!(l.take("b", t0).is_ok(), "another network has its own count");
        assert!(l.take("a", t0 + chrono::Duration::seconds(60)).is_ok(), "a new window");
    }

    #[test]
    fn an_ipv6_client_counts_by_its_64_and_a_mapped_ipv4_as_ipv4() {
        let v6: SocketAddr = "[2001:db8:1:2:3:4:5:6]:443".parse().unwrap();
        assert_eq!(network_of(Some(v6)), "2001:db8:1:2::/64");
        let mapped: SocketAddr = "[::ffff:10.1.2.3]:443".parse().unwrap();
        assert_eq!(network_of(Some(mapped)), "10.1.2.3");
    }

    /// Two instances counting one network in the database in batches: together they let
    /// through the limit and at most a batch more per instance, write once per batch, and ask
    /// the database nothing more once the network is over the limit.
    #[test]
    fn instances_counting_in_batches_keep_the_limit_within_a_batch_each() {
        let Some(db) = certdesk_testkit::pg::database("limits::instances_counting_in_batches") else { return };
        // The store blocks: it is called outside the runtime, the gate inside it.
        let rt = tokio::runtime::Runtime::new().unwrap();
        let take = |gate: &NetworkGate, network: &str, at| rt.block_on(gate.take(network, at));
        let store: Arc<dyn crate::store::Store> = Arc::new(crate::store::postgres::PgStore::open_for_tests(db.url()).unwrap());
        let t0: chrono::DateTime<chrono::Utc> = "2026-12-04T02:00:10Z".parse().unwrap();
        let per_minute = 640;
        let gate = || NetworkGate {
            limiter: Arc::new(WindowLimiter::new(per_minute, chrono::Duration::minutes(1))),
            clock: Arc::new(move || t0),
            metrics: crate::metrics::Metrics::new(),
            shared: Some(Arc::new(SharedCount::new(store.clone(), per_minute))),
            per_minute,
        };
        let (one, other) = (gate(), gate());
        let batch = one.shared.as_ref().unwrap().batch();
        assert_eq!(batch, 10);
        let window = "2026-12-04T02:00:00Z".parse().unwrap();
        let mut allowed = 0;
        for n in 0..1000 {
            let gate = if n % 3 == 0 { &other } else { &one };
            if take(gate, "10.0.0.1", t0).is_ok() {
                allowed += 1;
            } else {
                assert_eq!(take(gate, "10.0.0.1", t0), Err(50), "refused until the minute ends");
            }
            if n == 99 {
                let written = store.count_request("10.0.0.1", window, 0).unwrap();
                // One took 66 of the 100 and wrote 60 of them, the other 34 and wrote 30.
                assert_eq!(written, 90, "written once per batch");
            }
        }
        assert!(allowed >= per_minute && allowed <= per_minute + 2 * batch, "{allowed} allowed of a limit of {per_minute}");
        let written = store.count_request("10.0.0.1", window, 0).unwrap();
        assert!(written <= per_minute + 2 * batch + 2, "the refused asked the database no more: {written}");
        // Another network and the next minute have their own counts.
        assert!(take(&one, "10.0.0.2", t0).is_ok());
        assert!(take(&one, "10.0.0.1", t0 + chrono::Duration::minutes(1)).is_ok());
        // A limit under 128 counts every request at once: exact across the instances.
        assert_eq!(SharedCount::new(store.clone(), 127).batch(), 1);
    }
}
