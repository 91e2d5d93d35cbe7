//! The real platform on 127.0.0.1 (a free port) with dev TLS, in a temporary data folder, and
//! an HTTPS client that trusts only the CA the platform made: the same server a city runs,
//! started in the test's own process. Operator calls go through the same HTTPS API an
//! operator's tools use, with the API keys of three operators made before the server starts as
//! `certdesk-platform operator add` and `operator key create` make them (an administrator, a
//! second administrator for the two-operator key actions, and the programme office); nothing
//! else is written into the platform's database behind its back.
//!
//! The records are in SQLite in the data folder, or, when `CERTDESK_TEST_PLATFORM_DB=postgres`
//! ([`BACKEND_ENV`]), in a fresh PostgreSQL schema of the test server ([`crate::pg`]) that
//! belongs to the data folder: a platform restarted on the same folder finds its records, and
//! the schema is dropped when the last platform on it is. `scripts/test` runs the platform's
//! whole suite both ways with the same assertions.

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

/// The variable that puts every test platform on PostgreSQL (`postgres`); SQLite otherwise.
pub const BACKEND_ENV: &str = "CERTDESK_TEST_PLATFORM_DB";

/// Whether the test platforms keep their records in PostgreSQL.
pub fn on_postgres() -> bool {
    match std::env::var(BACKEND_ENV).as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Ok("") | Err(_) => false,
        Ok(other) => panic!("{BACKEND_ENV}={other:?}: postgres or sqlite"),
    }
}

/// The PostgreSQL schema of each data folder (created with the folder's first platform).
fn databases() -> &'static std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, crate::pg::TestDatabase>> {
    static DATABASES: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, crate::pg::TestDatabase>>> =
        std::sync::OnceLock::new();
    DATABASES.get_or_init(Default::default)
}

/// Where the records of the test platform on `dir` are: SQLite in it, or its own PostgreSQL
/// schema (see [`BACKEND_ENV`]).
pub fn location(dir: &Path) -> certdesk_platform::store::Location {
    let mut location = certdesk_platform::store::Location::sqlite(dir);
    if on_postgres() {
        let mut all = databases().lock().unwrap_or_else(|p| p.into_inner());
        let db = all.entry(dir.to_path_buf()).or_insert_with(|| {
            // On a thread: PostgreSQL's sync client may not run inside a test's runtime.
            let test = format!("test platform in {}", dir.display());
            std::thread::spawn(move || crate::pg::database(&test))
                .join()
                .expect("a schema on the test server")
                .unwrap_or_else(|| panic!("{BACKEND_ENV}=postgres needs {} (scripts/test starts a server)", crate::pg::ENV))
        });
        location.database = Some(db.url().to_string());
        location.pool_size = 4;
    }
    location
}

/// The environment that points `certdesk-platform`'s commands (`operator …`) run with
/// `--data-dir dir` at the records of the test platform on `dir` (its database, on PostgreSQL).
pub fn cli_env(dir: &Path) -> Vec<(&'static str, String)> {
    location(dir).database.map(|url| ("CERTDESK_PLATFORM_DATABASE", url)).into_iter().collect()
}

/// Drops the PostgreSQL schema of `dir`, if it has one.
fn forget_location(dir: &Path) {
    // Dropping it drops the schema (on a thread of its own).
    databases().lock().unwrap_or_else(|p| p.into_inner()).remove(dir);
}

/// The test platform's administrator (agencies, devices, keys, the audit).
pub const ADMIN: &str = "tests-admin";
/// A second administrator (the two-operator key actions).
pub const SECOND_ADMIN: &str = "tests-admin-2";
/// The test platform's programme office (reviews).
pub const OFFICE: &str = "tests-office";
/// The password of the test platform's operators.
pub const OPERATOR_PASSWORD: &str = "a password nobody uses";

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

/// Makes the three operators (once) and a fresh API key for each, in the platform's records at
/// `location`, before the server opens them.
pub fn operator_keys(location: &certdesk_platform::store::Location, now: chrono::DateTime<chrono::Utc>) -> OperatorKeys {
    use certdesk_platform::flows::operators::create_api_key;
    use certdesk_platform::store::operators::OperatorRole;
    certdesk_platform::files::prepare_data_dir(&location.data_dir).expect("the data folder");
    let store = location.open(None).expect("the platform's database");
    let ids = certdesk_platform::ids::SystemIds;
    let key = |name: &str, role| {
        if store.operator_by_name(name).unwrap().is_none() {
            let hash = certdesk_platform::operator_pages::auth::hash_password(OPERATOR_PASSWORD).unwrap();
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
    /// Proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
    pub trusted_proxies: Vec<certdesk_platform::proxy::ProxyNet>,
    /// Whether `/metrics` gets a listener (`--metrics-listen`).
    pub metrics_listener: bool,
    /// The desk releases folder (`--releases`).
    pub releases: Option<std::path::PathBuf>,
}

impl Default for Options {
    /// Every application waits for an operator; the client follows redirects.
    fn default() -> Options {
        Options {
            checks: Checks::None,
            follow_redirects: true,
            limits: Default::default(),
            operator_listener: false,
            sm2_keys: false,
            trusted_proxies: Vec::new(),
            metrics_listener: false,
            releases: None,
        }
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

    /// The same options with `proxies` trusted to name the client.
    pub fn trusting_proxies(self, proxies: &[&str]) -> Options {
        Options { trusted_proxies: proxies.iter().map(|p| p.parse().expect("a proxy address")).collect(), ..self }
    }

    /// The same options with `/metrics` on a listener of its own.
    pub fn with_metrics_listener(self) -> Options {
        Options { metrics_listener: true, ..self }
    }

    /// The same options with SM2 signing keys.
    pub fn with_sm2_keys(self) -> Options {
        Options { sm2_keys: true, ..self }
    }

    /// The same options with the operators on a listener of their own.
    pub fn with_operator_listener(self) -> Options {
        Options { operator_listener: true, ..self }
    }

    /// The same options serving the desk releases in `dir` (`serve --releases DIR`).
    pub fn with_releases(self, dir: impl AsRef<Path>) -> Options {
        Options { releases: Some(dir.as_ref().to_owned()), ..self }
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

/// A platform's configuration for a test: `dir`, one connection to its SQLite file, a port of
/// the system's choosing on loopback, dev TLS, no checks, the system's clock and ids, and the
/// defaults of everything else. A test changes what it needs with `..dev_config(dir)`.
pub fn dev_config(dir: &std::path::Path) -> ServerConfig {
    ServerConfig {
        data_dir: dir.to_owned(),
        database: None,
        pool_size: 1,
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: TlsSource::Dev,
        key_file: None,
        pkcs11: None,
        operator_listen: None,
        providers: Vec::new(),
        public_url: None,
        validity_days: 1096,
        clock: Arc::new(chrono::Utc::now),
        ids: Arc::new(certdesk_platform::ids::SystemIds),
        limits: Default::default(),
        trusted_proxies: Default::default(),
        metrics_listen: None,
        releases: None,
    }
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
        let location = location(dir.path());
        let keys = {
            let (location, now) = (location.clone(), clock.now());
            // The store's calls block (PostgreSQL's client runs a runtime of its own): on a thread.
            std::thread::spawn(move || operator_keys(&location, now)).join().expect("the operators' keys")
        };
        let server = start(ServerConfig {
            database: location.database.clone(),
            pool_size: location.pool_size,
            operator_listen: options.operator_listener.then(|| "127.0.0.1:0".parse().unwrap()),
            providers,
            clock: Arc::new(move || ticking.now()),
            ids: if options.sm2_keys {
                Arc::new(certdesk_platform::ids::Sm2Keys(certdesk_platform::ids::SystemIds))
            } else {
                Arc::new(certdesk_platform::ids::SystemIds)
            },
            limits: options.limits,
            trusted_proxies: certdesk_platform::proxy::TrustedProxies(options.trusted_proxies.clone().into()),
            metrics_listen: options.metrics_listener.then(|| "127.0.0.1:0".parse().unwrap()),
            releases: options.releases.clone(),
            ..dev_config(dir.path())
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
        register_agency(&self.http, &self.base, &self.keys.admin, n, district).await
    }

    /// Registers agency `n` in 黄浦区.
    pub async fn agency(&self, n: u32) -> Uuid {
        self.agency_in(n, "黄浦区").await
    }

    /// Registers the test kit's desk agency ([`crate::desk::agency`], 徐汇区) as the operator
    /// does and returns an enrolment code for one of its desks (the window's end-to-end tests
    /// enrol a desk set up with that agency).
    #[cfg(feature = "desk")]
    pub async fn desk_agency_code(&self) -> String {
        let res = self
            .operator(reqwest::Method::POST, "/api/v1/operator/agencies")
            .json(&json!({"name": crate::desk::agency().name, "credit_code": crate::desk::AGENCY_CREDIT_CODE, "district": "徐汇区"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "the operator registers the agency");
        let created: AgencyCreated = res.json().await.unwrap();
        self.enrolment_code(created.agency_id).await
    }

    /// The public page of the card whose QR code is `credential_url`, opened as a phone does:
    /// its device cookie and the token its forms carry.
    async fn public_page_form(&self, credential_url: &str) -> (String, String) {
        let page = self.http.get(credential_url).send().await.unwrap();
        let cookie = page
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with("cdv="))
            .expect("the page sets its device cookie");
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let html = page.text().await.unwrap();
        const TOKEN: &str = "name=\"token\" value=\"";
        let at = html.find(TOKEN).expect("the page carries its token") + TOKEN.len();
        (cookie, html[at..].split('"').next().unwrap().to_owned())
    }

    /// Rates the service (评价) on the public page of the card whose QR code is `credential_url`,
    /// as a phone does: the visit confirmed first (确认入户), then the stars and the comment.
    pub async fn rate(&self, credential_url: &str, stars: u8, comment: &str) {
        let (cookie, token) = self.public_page_form(credential_url).await;
        let visit = self.http.post(format!("{credential_url}/visit")).header("cookie", &cookie).form(&[("token", token.as_str())]).send().await.unwrap();
        assert_eq!(visit.status(), StatusCode::OK, "the visit is confirmed");
        let stars = stars.to_string();
        let res = self
            .http
            .post(format!("{credential_url}/rating"))
            .header("cookie", &cookie)
            .form(&[("token", token.as_str()), ("stars", stars.as_str()), ("comment", comment)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "the rating is taken");
    }

    /// The programme office's operator ([`OFFICE`]) signed in through the sign-in form as a
    /// browser does: the session cookie (`name=value`) to send with the pages.
    pub async fn office_session(&self) -> String {
        self.office_session_and_token().await.0
    }

    /// A form of the operator pages posted as the programme office's browser posts it: its
    /// session, the token its pages carry, from this origin. The answer (a redirect is not
    /// followed).
    pub async fn office_post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let (cookie, csrf) = self.office_session_and_token().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        client(&self.ca_pem, false).post(self.url(path)).header("cookie", cookie).header("origin", &self.base).form(&form).send().await.unwrap()
    }

    /// [`TestPlatform::office_session`] and the session's form token (read from a page).
    async fn office_session_and_token(&self) -> (String, String) {
        use certdesk_platform::operator_pages::auth::{SESSION_COOKIE, SIGN_IN_COOKIE};
        let http = client(&self.ca_pem, false);
        let cookie_of = |res: &reqwest::Response, name: &str| {
            res.headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|v| v.starts_with(&format!("{name}=")))
                .map(|v| v.split(';').next().unwrap().to_owned())
        };
        let form = http.get(self.url("/operator/sign-in")).send().await.unwrap();
        let pre = cookie_of(&form, SIGN_IN_COOKIE).expect("a pre-session cookie");
        let html = form.text().await.unwrap();
        const CSRF: &str = "name=\"csrf\" value=\"";
        let at = html.find(CSRF).expect("the form's token") + CSRF.len();
        let csrf = html[at..].split('"').next().unwrap().to_owned();
        let res = http
            .post(self.url("/operator/sign-in"))
            .header("cookie", pre)
            .header("origin", &self.base)
            .form(&[("csrf", csrf.as_str()), ("user", OFFICE), ("password", OPERATOR_PASSWORD), ("code", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "the office signs in");
        let session = cookie_of(&res, SESSION_COOKIE).expect("a session cookie");
        let page = http.get(self.url("/operator/revocations")).header("cookie", &session).send().await.unwrap().text().await.unwrap();
        let at = page.find(CSRF).expect("a page with a form") + CSRF.len();
        (session, page[at..].split('"').next().unwrap().to_owned())
    }

    /// Files a complaint (投诉) on the public page of the card whose QR code is `credential_url`,
    /// as a phone does: the page, its token and device cookie, the form. The reference the
    /// citizen is given, and the answer page.
    pub async fn file_complaint(&self, credential_url: &str, text: &str, contact: &str) -> (String, String) {
        let (cookie, token) = self.public_page_form(credential_url).await;
        let res = self
            .http
            .post(format!("{credential_url}/complaint"))
            .header("cookie", cookie)
            .form(&[("token", token.as_str()), ("text", text), ("contact", contact)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "the complaint is taken");
        let html = res.text().await.unwrap();
        const REFERENCE: &str = "id=\"reference\">";
        let at = html.find(REFERENCE).expect("the answer shows the reference") + REFERENCE.len();
        (html[at..].split('<').next().unwrap().to_owned(), html)
    }

    /// A one-time enrolment code for a new desk of `agency`.
    pub async fn enrolment_code(&self, agency: Uuid) -> String {
        issue_enrolment_code(&self.http, &self.base, &self.keys.admin, agency).await
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

    /// Where the platform keeps its records.
    pub fn location(&self) -> certdesk_platform::store::Location {
        location(self.dir())
    }

    /// Runs `f` on the platform's records, opened beside the running server as another
    /// instance would (its signing keys' key file included), on a thread of its own: the
    /// store's calls block, and PostgreSQL's client may not run inside the test's runtime.
    pub fn with_store<T: Send>(&self, f: impl FnOnce(Box<dyn certdesk_platform::store::Store>) -> T + Send) -> T {
        let location = self.location();
        std::thread::scope(|s| {
            s.spawn(move || {
                f(location.open(None).expect("the platform's records"))
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    /// The one bytes value a parameterless query in SQL both backends speak answers (a test
    /// that looks at what the database really holds).
    pub fn query_bytes(&self, sql: &str) -> Vec<u8> {
        match self.location().database {
            None => self.db().query_row(sql, [], |r| r.get(0)).expect(sql),
            Some(url) => std::thread::scope(|s| {
                s.spawn(|| postgres::Client::connect(&url, postgres::NoTls).unwrap().query_one(sql, &[]).expect(sql).get(0)).join().unwrap()
            }),
        }
    }

    /// Whether the platform's database holds `needle` anywhere in the clear: in SQLite's file,
    /// or in any row of any table of its PostgreSQL schema (as text, or as the hex of a bytea).
    pub fn database_holds(&self, needle: &[u8]) -> bool {
        let found = |hay: &[u8], n: &[u8]| !n.is_empty() && hay.windows(n.len()).any(|w| w == n);
        match self.location().database {
            None => found(&std::fs::read(self.dir().join(certdesk_platform::store::sqlite::FILE)).expect("the database file"), needle),
            Some(url) => std::thread::scope(|s| s.spawn(|| {
                let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("the platform's schema");
                let tables: Vec<String> = c
                    .query("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()", &[])
                    .unwrap()
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                let hex: String = needle.iter().map(|b| format!("{b:02x}")).collect();
                tables.iter().any(|t| {
                    c.query(&format!("SELECT t::text FROM \"{t}\" t"), &[]).unwrap().iter().any(|r| {
                        let row: String = r.get(0);
                        found(row.as_bytes(), needle) || found(row.as_bytes(), hex.as_bytes())
                    })
                })
            }).join().unwrap()),
        }
    }

    /// The platform's own SQLite database, read-only: what it really holds. Panics on
    /// PostgreSQL; a test that reads rows on both backends uses [`TestPlatform::store`].
    pub fn db(&self) -> rusqlite::Connection {
        assert!(!on_postgres(), "TestPlatform::db is SQLite's file; this platform is on PostgreSQL");
        rusqlite::Connection::open_with_flags(self.dir().join("platform.sqlite3"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("the platform's database")
    }
}

impl Drop for TestPlatform {
    /// A data folder that goes away takes its PostgreSQL schema with it (one handed over by
    /// [`TestPlatform::into_dir`] keeps it for the next platform on that folder).
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            forget_location(dir.path());
        }
    }
}

/// Registers agency `n` (named 第n家政服务有限公司, credit code [`crate::credit_code`]`(n)`) in
/// `district` on the platform at `base`, with the administrator's API key `admin`: its id.
pub async fn register_agency(http: &reqwest::Client, base: &str, admin: &str, n: u32, district: &str) -> Uuid {
    let res = http
        .post(format!("{base}/api/v1/operator/agencies"))
        .bearer_auth(admin)
        .json(&json!({"name": format!("第{n}家政服务有限公司"), "credit_code": crate::credit_code(n), "district": district}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "the operator registers the agency");
    res.json::<AgencyCreated>().await.unwrap().agency_id
}

/// A one-time enrolment code for a new desk of `agency`, issued with the administrator's key.
pub async fn issue_enrolment_code(http: &reqwest::Client, base: &str, admin: &str, agency: Uuid) -> String {
    let res = http.post(format!("{base}/api/v1/operator/agencies/{agency}/enrolment-codes")).bearer_auth(admin).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "the operator issues an enrolment code");
    res.json::<EnrolmentCodeIssued>().await.unwrap().code
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
