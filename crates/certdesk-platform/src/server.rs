//! Starting the platform: open the store, set up TLS, bind, serve. Used by the binary and by
//! the integration tests, so both run exactly the same server.
//!
//! This module must never serve plain HTTP: there is no code path without TLS.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use hyper_util::rt::TokioTimer;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use axum_server::Handle;
use tokio::task::JoinHandle;

use crate::api::{app, AppState, Clock};
use crate::checks::CheckProvider;
use crate::ids::Ids;
pub use crate::limits::Limits;
use crate::limits::{per_network, CappedAcceptor, NetworkGate, SharedCount, WindowLimiter};
use crate::store::StoreError;
use crate::tls::{self, TlsError};

/// Where the server's certificate comes from.
#[derive(Debug, Clone)]
pub enum TlsSource {
    /// PEM files made by a real CA.
    Files {
        /// Certificate chain.
        cert: PathBuf,
        /// Private key.
        key: PathBuf,
    },
    /// A local CA and server certificate in the data directory (first runs, demos, tests).
    Dev,
}

/// Everything `serve` needs.
pub struct ServerConfig {
    /// Holds the blobs and dev TLS files, and the SQLite database when `database` is `None`.
    pub data_dir: PathBuf,
    /// The signing keys' key file, when not `DATA_DIR/signing-kek` (keep it off the data
    /// folder's volume and its backups; every instance on one PostgreSQL database has the same).
    pub key_file: Option<PathBuf>,
    /// A PostgreSQL database every instance shares (`--database postgres://…`); `None`:
    /// SQLite in the data folder.
    pub database: Option<String>,
    /// Connections the PostgreSQL pool keeps at most.
    pub pool_size: u32,
    /// A PKCS#11 token to make and keep the signing keys in, instead of the database.
    pub pkcs11: Option<Pkcs11Config>,
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// TLS certificate source.
    pub tls: TlsSource,
    /// A second address serving only the operator pages and API (and the health checks); the
    /// first then serves none of them. `None`: one address serves everything.
    pub operator_listen: Option<SocketAddr>,
    /// Police-comparison providers, asked in order before the manual queue.
    pub providers: Vec<Box<dyn CheckProvider>>,
    /// Public base URL of the platform (e.g. `https://cert.example.cn`); credential URLs are
    /// `<public_url>/c/<payload>`. Defaults to `https://<bound address>`.
    pub public_url: Option<String>,
    /// Days a new certificate is valid.
    pub validity_days: u32,
    /// The clock.
    pub clock: Clock,
    /// Where new ids and signing keys come from.
    pub ids: Arc<dyn Ids>,
    /// Timeouts and caps on clients.
    pub limits: Limits,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`); empty:
    /// the peer is the client.
    pub trusted_proxies: crate::proxy::TrustedProxies,
    /// An address of its own for `/metrics` (plain HTTP, the monitoring network only); `None`:
    /// no metrics listener.
    pub metrics_listen: Option<SocketAddr>,
    /// The desk releases folder (`--releases`); `None`: the release routes answer 404.
    pub releases: Option<PathBuf>,
}

impl ServerConfig {
    /// Where the records are.
    pub fn location(&self) -> crate::store::Location {
        crate::store::Location {
            data_dir: self.data_dir.clone(),
            key_file: self.key_file.clone(),
            database: self.database.clone(),
            pool_size: self.pool_size,
        }
    }
}

/// Where the signing keys live when a hardware security module holds them.
#[derive(Debug, Clone)]
pub struct Pkcs11Config {
    /// The token's PKCS#11 library (`/usr/lib/softhsm/libsofthsm2.so` for SoftHSM2).
    pub module: PathBuf,
    /// The token's label.
    pub token: String,
    /// The user PIN.
    pub pin: String,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Data directory or socket.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The database.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// TLS files.
    #[error("tls: {0}")]
    Tls(#[from] TlsError),
    /// The PKCS#11 token could not be opened.
    #[error("{0}")]
    Pkcs11(String),
    /// The public URL leaves no room for the credential in a version-10 QR code.
    #[error("public URL {0:?} is too long or not https; credential URLs must fit a version-10 Q QR code")]
    PublicUrl(String),
}

/// A server that is listening.
pub struct RunningServer {
    /// The bound address.
    pub addr: SocketAddr,
    /// The operator listener's address, when `operator_listen` was given.
    pub operator_addr: Option<SocketAddr>,
    /// The metrics listener's address, when `metrics_listen` was given.
    pub metrics_addr: Option<SocketAddr>,
    /// The dev CA certificate, when `--dev-tls` made one.
    pub dev_ca: Option<PathBuf>,
    handle: Handle,
    task: JoinHandle<std::io::Result<()>>,
    operator_task: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningServer {
    /// Stops accepting, lets requests in flight finish (up to 5 s), and waits.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.handle.graceful_shutdown(Some(Duration::from_secs(5)));
        if let Some(task) = self.operator_task {
            task.await.map_err(std::io::Error::other)??;
        }
        self.task.await.map_err(std::io::Error::other)?
    }

    /// Serves until `stop` resolves, then stops gracefully (requests in flight finish, up to
    /// 5 s); or until the listener stops.
    pub async fn run_until(mut self, stop: impl std::future::Future<Output = ()>) -> std::io::Result<()> {
        tokio::select! {
            r = &mut self.task => return r.map_err(std::io::Error::other)?,
            () = stop => {}
        }
        self.shutdown().await
    }

    /// Serves until a listener stops (normally never).
    pub async fn wait(self) -> std::io::Result<()> {
        match self.operator_task {
            Some(operator) => tokio::select! {
                r = self.task => r.map_err(std::io::Error::other)?,
                r = operator => r.map_err(std::io::Error::other)?,
            },
            None => self.task.await.map_err(std::io::Error::other)?,
        }
    }
}

/// Hands applications still pending to the providers again: the platform may have stopped
/// between committing a push and asking them. Failures are logged; the queue keeps the rest.
async fn recheck_pending(state: &AppState) {
    let store = state.store.clone();
    let pending = match tokio::task::spawn_blocking(move || store.pending_reviews()).await {
        Ok(Ok(p)) => p,
        other => {
            tracing::error!(?other, "could not list pending applications");
            return;
        }
    };
    // Applications for updated details wait for an operator: no provider decides them.
    let certificate = crate::store::repo::ApplicationKind::Certificate.code();
    for item in pending.into_iter().filter(|i| i.kind == certificate) {
        if let Err(e) = crate::api::run_providers(state, item.application_id, &item.id_number).await
        {
            tracing::error!(application_id = %item.application_id, error = %e, "recheck failed");
        }
    }
}

/// Opens the store, prepares TLS, binds and starts serving in a background task.
pub async fn start(config: ServerConfig) -> Result<RunningServer, StartError> {
    crate::files::prepare_data_dir(&config.data_dir)?;
    let hsm = match &config.pkcs11 {
        Some(c) => Some(Arc::new(crate::hsm::Hsm::open(&c.module, &c.token, &c.pin).map_err(StartError::Pkcs11)?)),
        None => None,
    };
    // Opening blocks (PostgreSQL's client runs a runtime of its own, migrations run): off the workers.
    let (location, token) = (config.location(), hsm.clone());
    let store = tokio::task::spawn_blocking(move || location.open(token)).await.map_err(std::io::Error::other)??;
    // The key file the store opened (or made): the page tokens' key is derived from it.
    let page_vault = crate::keys::KeyVault::load_or_create(&config.location().key_file())?;
    // New keys are made in the token when there is one.
    let ids: Arc<dyn Ids> = match hsm {
        Some(hsm) => Arc::new(crate::ids::TokenKeys { hsm, inner: config.ids }),
        None => config.ids,
    };
    let (cert, key, dev_ca) = match &config.tls {
        TlsSource::Files { cert, key } => (cert.clone(), key.clone(), None),
        TlsSource::Dev => {
            let dev = tls::ensure_dev_tls(&config.data_dir)?;
            (dev.cert, dev.key, Some(dev.ca_cert))
        }
    };
    let rustls = tls::server_config(&cert, &key)?;

    let listener = std::net::TcpListener::bind(config.listen)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let operator_listener = match config.operator_listen {
        Some(at) => {
            let l = std::net::TcpListener::bind(at)?;
            l.set_nonblocking(true)?;
            Some(l)
        }
        None => None,
    };

    let public = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("https://{addr}"));
    let base = format!("{}/c/", public.trim_end_matches('/'));
    if !base.starts_with("https://") || base.len() > certdesk_protocol::credential::MAX_BASE_URL_LEN
    {
        return Err(StartError::PublicUrl(public));
    }

    let state = AppState {
        store: Arc::from(store),
        providers: Arc::new(config.providers),
        clock: config.clock,
        ids,
        credential_base_url: base.into(),
        validity_days: config.validity_days,
        blob_dir: config.data_dir.join("blobs").into(),
        blob_quota: config.limits.blobs,
        metrics: crate::metrics::Metrics::new(),
        page_tokens: Arc::new(crate::public::token::TokenKey::of(&page_vault)),
        releases: config.releases.clone().map(|dir| Arc::new(crate::releases::Releases::new(dir))),
    };
    let metrics_addr = match config.metrics_listen {
        Some(at) => {
            let l = tokio::net::TcpListener::bind(at).await?;
            let bound = l.local_addr()?;
            let (metrics, store) = (state.metrics.clone(), state.store.clone());
            tokio::spawn(async move {
                if let Err(e) = crate::metrics::serve(l, metrics, store).await {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            });
            tracing::info!(at = %bound, "metrics listening (http)");
            Some(bound)
        }
        None => None,
    };
    recheck_pending(&state).await;
    // Unfinished uploads older than a week go, at start and every hour.
    let blob_dir = state.blob_dir.clone();
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            let dir = blob_dir.clone();
            match tokio::task::spawn_blocking(move || {
                crate::limits::reap_partial_uploads(&dir, std::time::SystemTime::now(), crate::limits::PARTIAL_UPLOAD_MAX_AGE)
            })
            .await
            {
                Ok(Ok(0)) => {}
                Ok(Ok(n)) => tracing::info!(removed = n, "unfinished uploads older than a week removed"),
                other => tracing::error!(?other, "could not reap unfinished uploads"),
            }
        }
    });
    let handle = Handle::new();
    let limits = config.limits;
    let trusted_proxies = config.trusted_proxies.clone();
    let router = app(state.clone());
    let serve = |listener: std::net::TcpListener, side: Side| {
        // The cap holds a permit from the moment a connection is accepted, before TLS.
        let acceptor = RustlsAcceptor::new(RustlsConfig::from_config(rustls.clone()))
            .handshake_timeout(limits.handshake)
            .acceptor(CappedAcceptor::new(limits.max_connections));
        let mut server = axum_server::from_tcp(listener).acceptor(acceptor).handle(handle.clone());
        server.http_builder().http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read);
        let gate = NetworkGate {
            limiter: Arc::new(WindowLimiter::new(limits.per_network_per_minute, chrono::Duration::minutes(1))),
            clock: state.clock.clone(),
            metrics: state.metrics.clone(),
            shared: state.store.counts_requests().then(|| Arc::new(SharedCount::new(state.store.clone(), limits.per_network_per_minute))),
            per_minute: limits.per_network_per_minute,
        };
        let router = router
            .clone()
            .layer(axum::middleware::from_fn_with_state(side, only_side))
            .layer(axum::middleware::from_fn_with_state(gate, per_network))
            // Outside the limits: they, the public page and the audit see the client, not the proxy.
            .layer(axum::middleware::from_fn_with_state(trusted_proxies.clone(), crate::proxy::forwarded_client))
            .layer(GlobalConcurrencyLimitLayer::new(limits.max_in_flight))
            .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.request))
            .layer(axum::middleware::map_response(crate::api::hsts))
            // Each request gets an id (a proxy's X-Request-Id is kept), in its log line and its answer.
            .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
            .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(tower_http::request_id::MakeRequestUuid));
        // The peer address feeds the public page's flood limits.
        tokio::spawn(server.serve(router.into_make_service_with_connect_info::<std::net::SocketAddr>()))
    };
    let (task, operator_addr, operator_task) = match operator_listener {
        Some(l) => {
            let at = l.local_addr()?;
            let operator_task = serve(l, Side::Operator);
            tracing::info!(%at, "operator pages and API listening (https)");
            (serve(listener, Side::Public), Some(at), Some(operator_task))
        }
        None => (serve(listener, Side::All), None, None),
    };
    tracing::info!(%addr, "platform listening (https)");
    Ok(RunningServer {
        addr,
        operator_addr,
        metrics_addr,
        operator_task,
        dev_ca,
        handle,
        task,
    })
}

/// Which routes a listener serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Everything (one listener).
    All,
    /// Everything but the operator pages and API (the public address, with `operator_listen`).
    Public,
    /// Only the operator pages and API, and the health checks (the internal address).
    Operator,
}

/// Whether a path is the operators': their pages or their API.
pub fn is_operator_path(path: &str) -> bool {
    path == "/operator"
        || path.starts_with("/operator/")
        || path.strip_prefix(certdesk_protocol::API_PREFIX).is_some_and(|rest| rest == "/operator" || rest.starts_with("/operator/"))
}

/// The layer that keeps each listener to its side: another side's path is answered 404, as a
/// route that does not exist there.
async fn only_side(
    axum::extract::State(side): axum::extract::State<Side>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = req.uri().path();
    let allowed = match side {
        Side::All => true,
        Side::Public => !is_operator_path(path),
        Side::Operator => is_operator_path(path) || matches!(path, "/healthz" | "/readyz"),
    };
    if allowed {
        next.run(req).await
    } else {
        crate::error::AppError::NotFound("route").into_response()
    }
}
