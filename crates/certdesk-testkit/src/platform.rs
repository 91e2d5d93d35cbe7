//! The real platform on 127.0.0.1 (a free port) with dev TLS, in a temporary data folder, and
//! an HTTPS client that trusts only the CA the platform made: the same server a city runs,
//! started in the test's own process. Operator calls go through the same HTTPS API an
//! operator's tools use; nothing is written into the platform's database behind its back.

use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use certdesk_platform::checks::{CheckProvider, WatchList};
use certdesk_platform::{start, RunningServer, ServerConfig, TlsSource};
use certdesk_protocol::operator::{AgencyCreated, EnrolmentCodeIssued};
use certdesk_protocol::sync::{EnrolRequest, EnrolResponse};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

/// The operator's bearer token on every test platform.
pub const OPERATOR_TOKEN: &str = "operator-token-for-tests-only";

/// What the police comparison answers.
#[derive(Clone, Debug, Default)]
pub enum Checks {
    /// No provider: every application waits for an operator.
    #[default]
    None,
    /// The watch-list provider: listed ID numbers fail, and the others pass when
    /// `pass_unlisted` is true or wait for an operator when it is false.
    WatchList {
        /// ID numbers that fail the comparison.
        listed: Vec<String>,
        /// Whether an unlisted person passes at once.
        pass_unlisted: bool,
    },
}

/// How a test platform starts.
#[derive(Clone, Debug)]
pub struct Options {
    /// The police-comparison provider.
    pub checks: Checks,
    /// Whether the client follows redirects (page tests want to see where they are sent).
    pub follow_redirects: bool,
    /// The server's timeouts and caps.
    pub limits: certdesk_platform::limits::Limits,
}

impl Default for Options {
    /// Every application waits for an operator; the client follows redirects.
    fn default() -> Options {
        Options { checks: Checks::None, follow_redirects: true, limits: Default::default() }
    }
}

impl Options {

    /// The watch list fails `listed`; everyone else waits for an operator.
    pub fn watch_list(listed: &[&str]) -> Options {
        Options::default().with_checks(Checks::WatchList { listed: listed.iter().map(|s| s.to_string()).collect(), pass_unlisted: false })
    }

    /// Every application is approved at once (the watch list is empty and lets the unlisted pass).
    pub fn approving_everyone() -> Options {
        Options::default().with_checks(Checks::WatchList { listed: Vec::new(), pass_unlisted: true })
    }

    /// The same options with `checks`.
    pub fn with_checks(self, checks: Checks) -> Options {
        Options { checks, ..self }
    }

    /// The same options with these timeouts and caps.
    pub fn with_limits(self, limits: certdesk_platform::limits::Limits) -> Options {
        Options { limits, ..self }
    }

    /// The same options with a client that follows no redirect.
    pub fn without_redirects(self) -> Options {
        Options { follow_redirects: false, ..self }
    }
}

/// The platform's clock in a test: real time plus an offset the test moves forward. Clones
/// share the offset.
#[derive(Clone, Default)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    /// Moves the clock forward (whole seconds).
    pub fn advance(&self, by: chrono::Duration) {
        self.0.fetch_add(by.num_seconds(), Ordering::SeqCst);
    }

    /// Real time plus the offset.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + chrono::Duration::seconds(self.0.load(Ordering::SeqCst))
    }
}

/// A running platform and a client that trusts its dev CA.
pub struct TestPlatform {
    server: Option<RunningServer>,
    /// `https://127.0.0.1:port`.
    pub base: String,
    /// An HTTPS client that trusts only the platform's dev CA.
    pub http: reqwest::Client,
    /// The dev CA, PEM (what a desk is given at enrolment).
    pub ca_pem: String,
    /// The platform's clock.
    pub clock: TestClock,
    options: Options,
    dir: Option<tempfile::TempDir>,
}

impl TestPlatform {
    /// Starts a platform in a new temporary folder.
    pub async fn start(options: Options) -> TestPlatform {
        TestPlatform::start_in(tempfile::tempdir().expect("a temporary folder"), options).await
    }

    /// Starts a platform on an existing data folder (prepared by the test, or kept from a
    /// platform that stopped), with a clock at real time.
    pub async fn start_in(dir: tempfile::TempDir, options: Options) -> TestPlatform {
        TestPlatform::start_with_clock(dir, options, TestClock::default()).await
    }

    async fn start_with_clock(dir: tempfile::TempDir, options: Options, clock: TestClock) -> TestPlatform {
        let providers: Vec<Box<dyn CheckProvider>> = match &options.checks {
            Checks::None => Vec::new(),
            Checks::WatchList { listed, pass_unlisted } => vec![Box::new(WatchList::parse(&listed.join("\n"), *pass_unlisted))],
        };
        let ticking = clock.clone();
        let server = start(ServerConfig {
            data_dir: dir.path().to_owned(),
            listen: "127.0.0.1:0".parse().unwrap(),
            tls: TlsSource::Dev,
            operator_token: OPERATOR_TOKEN.into(),
            providers,
            public_url: None,
            validity_days: 1096,
            clock: Arc::new(move || ticking.now()),
            ids: Arc::new(certdesk_platform::ids::SystemIds),
            limits: options.limits,
        })
        .await
        .expect("the platform starts");
        let ca_pem = std::fs::read_to_string(server.dev_ca.as_ref().expect("dev TLS made a CA")).unwrap();
        let http = client(&ca_pem, options.follow_redirects);
        TestPlatform { base: format!("https://{}", server.addr), server: Some(server), http, ca_pem, clock, options, dir: Some(dir) }
    }

    /// Stops the platform gracefully and starts it again on the same data folder, options and
    /// clock (a new port).
    pub async fn restart(mut self) -> TestPlatform {
        self.stop().await;
        let dir = self.dir.take().expect("the data folder");
        TestPlatform::start_with_clock(dir, self.options.clone(), self.clock.clone()).await
    }

    /// Stops the platform gracefully; its data folder stays until `self` is dropped.
    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.expect("the platform stops");
        }
    }

    /// Stops the platform and hands over its data folder (to start another on it).
    pub async fn into_dir(mut self) -> tempfile::TempDir {
        self.stop().await;
        self.dir.take().expect("the data folder")
    }

    /// The running server.
    pub fn server(&self) -> &RunningServer {
        self.server.as_ref().expect("the platform is running")
    }

    /// The platform's data folder.
    pub fn dir(&self) -> &Path {
        self.dir.as_ref().expect("the data folder").path()
    }

    /// `base` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with the operator's token.
    pub fn operator(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(OPERATOR_TOKEN)
    }

    /// Registers agency `n` (named 第n家政服务有限公司, credit code [`crate::credit_code`]`(n)`)
    /// in `district`.
    pub async fn agency_in(&self, n: u32, district: &str) -> Uuid {
        let res = self
            .operator(reqwest::Method::POST, "/api/v1/operator/agencies")
            .json(&json!({"name": format!("第{n}家政服务有限公司"), "credit_code": crate::credit_code(n), "district": district}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "the operator registers the agency");
        res.json::<AgencyCreated>().await.unwrap().agency_id
    }

    /// Registers agency `n` in 黄浦区.
    pub async fn agency(&self, n: u32) -> Uuid {
        self.agency_in(n, "黄浦区").await
    }

    /// A one-time enrolment code for a new desk of `agency`.
    pub async fn enrolment_code(&self, agency: Uuid) -> String {
        let res = self
            .operator(reqwest::Method::POST, &format!("/api/v1/operator/agencies/{agency}/enrolment-codes"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "the operator issues an enrolment code");
        res.json::<EnrolmentCodeIssued>().await.unwrap().code
    }

    /// Enrols a device with `code` over the raw API (as a desk does), named `device_name`.
    pub async fn enrol_device(&self, code: &str, device_name: &str) -> EnrolResponse {
        let res = self
            .http
            .post(self.url("/api/v1/devices/enrol"))
            .json(&EnrolRequest { code: code.into(), device_name: device_name.into() })
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "the code enrols a device");
        res.json().await.unwrap()
    }

    /// A new agency `n` and one enrolled device of it (named 前台).
    pub async fn device(&self, n: u32) -> EnrolResponse {
        let agency = self.agency(n).await;
        let code = self.enrolment_code(agency).await;
        self.enrol_device(&code, "前台").await
    }

    /// The platform's own database, read-only: what it really holds.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(self.dir().join("platform.sqlite3"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("the platform's database")
    }
}

/// An HTTPS client (rustls) that trusts only `ca_pem`, following redirects or not.
pub fn client(ca_pem: &str, follow_redirects: bool) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("a PEM certificate"));
    let builder = if follow_redirects { builder } else { builder.redirect(reqwest::redirect::Policy::none()) };
    builder.build().expect("the client builds")
}
