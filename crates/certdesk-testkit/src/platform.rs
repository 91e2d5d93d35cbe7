//! The real platform on 127.0.0.1 (a free port) with dev TLS, in a temporary data folder, and
//! an HTTPS client that trusts only the CA the platform made: the same server a city runs,
//! started in the test's own process. Operator calls go through the same HTTPS API an
//! operator's tools use, with the API keys of three operators made before the server starts as
//! `certdesk-platform operator add` and `operator key create` make them (an administrator, a
//! second administrator for the two-operator key actions, and the programme office); nothing
//! else is written into the platform's database behind its back.

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

/// The test platform's administrator (agencies, devices, keys, the audit).
pub const ADMIN: &str = "tests-admin";
/// A second administrator (the two-operator key actions).
pub const SECOND_ADMIN: &str = "tests-admin-2";
/// The test platform's programme office (reviews).
pub const OFFICE: &str = "tests-office";

/// The API keys of the test platform's operators.
#[derive(Clone, Debug)]
pub struct OperatorKeys {
    /// [`ADMIN`]'s key.
    pub admin: String,
    /// [`SECOND_ADMIN`]'s key.
    pub second_admin: String,
    /// [`OFFICE`]'s key.
    pub office: String,
}

/// Makes the three operators (once) and a fresh API key for each, in the data folder, before
/// the server opens it.
pub fn operator_keys(dir: &Path, now: chrono::DateTime<chrono::Utc>) -> OperatorKeys {
    use certdesk_platform::flows::operators::create_api_key;
    use certdesk_platform::store::operators::{OperatorRole, OperatorStore};
    certdesk_platform::files::prepare_data_dir(dir).expect("the data folder");
    let store = certdesk_platform::store::sqlite::SqliteStore::open(dir).expect("the platform's database");
    let ids = certdesk_platform::ids::SystemIds;
    let key = |name: &str, role| {
        if store.operator_by_name(name).unwrap().is_none() {
            let hash = certdesk_platform::operator_pages::auth::hash_password("a password nobody uses").unwrap();
            certdesk_platform::flows::set_operator(&store, &ids, name, &hash, Some(role), now).unwrap();
        }
        create_api_key(&store, &ids, name, &[], 365, now).unwrap().expect("a key").key
    };
    OperatorKeys {
        admin: key(ADMIN, OperatorRole::Admin),
        second_admin: key(SECOND_ADMIN, OperatorRole::Admin),
        office: key(OFFICE, OperatorRole::Office),
    }
}

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
    /// Whether the operator pages and API get a listener of their own (`--operator-listen`).
    pub operator_listener: bool,
    /// Whether the platform's new signing keys are SM2 (`--key-algorithm sm2`).
    pub sm2_keys: bool,
}

impl Default for Options {
    /// Every application waits for an operator; the client follows redirects.
    fn default() -> Options {
        Options { checks: Checks::None, follow_redirects: true, limits: Default::default(), operator_listener: false, sm2_keys: false }
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

    /// The same options with SM2 signing keys.
    pub fn with_sm2_keys(self) -> Options {
        Options { sm2_keys: true, ..self }
    }

    /// The same options with the operators on a listener of their own.
    pub fn with_operator_listener(self) -> Options {
        Options { operator_listener: true, ..self }
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
    /// The operators' API keys.
    pub keys: OperatorKeys,
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
        let keys = operator_keys(dir.path(), clock.now());
        let server = start(ServerConfig {
            data_dir: dir.path().to_owned(),
            listen: "127.0.0.1:0".parse().unwrap(),
            tls: TlsSource::Dev,
            key_file: None,
            pkcs11: None,
            operator_listen: options.operator_listener.then(|| "127.0.0.1:0".parse().unwrap()),
            providers,
            public_url: None,
            validity_days: 1096,
            clock: Arc::new(move || ticking.now()),
            ids: if options.sm2_keys {
                Arc::new(certdesk_platform::ids::Sm2Keys(certdesk_platform::ids::SystemIds))
            } else {
                Arc::new(certdesk_platform::ids::SystemIds)
            },
            limits: options.limits,
        })
        .await
        .expect("the platform starts");
        let ca_pem = std::fs::read_to_string(server.dev_ca.as_ref().expect("dev TLS made a CA")).unwrap();
        let http = client(&ca_pem, options.follow_redirects);
        TestPlatform { base: format!("https://{}", server.addr), server: Some(server), http, ca_pem, clock, keys, options, dir: Some(dir) }
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

    /// A request with the API key of the operator whose role the path needs: the programme
    /// office for the review queue, the administrator for everything else.
    pub fn operator(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let key = if path.contains("/operator/reviews") { &self.keys.office } else { &self.keys.admin };
        self.operator_with(key, method, path)
    }

    /// A signing key's action (`path`: `/api/v1/operator/keys/…`) as two administrators make it:
    /// asked by [`ADMIN`] (202, nothing done yet), then made by [`SECOND_ADMIN`]; the second answer.
    pub async fn two_admins(&self, path: &str) -> reqwest::Response {
        let asked = self.operator_with(&self.keys.admin, reqwest::Method::POST, path).send().await.unwrap();
        assert_eq!(asked.status(), StatusCode::ACCEPTED, "the first administrator only asks");
        self.operator_with(&self.keys.second_admin, reqwest::Method::POST, path).send().await.unwrap()
    }

    /// A request with the API key `key`.
    pub fn operator_with(&self, key: &str, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(key)
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
    client_from(ca_pem, follow_redirects, None)
}

/// [`client`] whose connections leave from `local` (another loopback address, `127.0.0.2`, is
/// another client network to the platform).
pub fn client_from(ca_pem: &str, follow_redirects: bool, local: Option<std::net::IpAddr>) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .local_address(local)
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("a PEM certificate"));
    let builder = if follow_redirects { builder } else { builder.redirect(reqwest::redirect::Policy::none()) };
    builder.build().expect("the client builds")
}
