//! Platform instances (real `certdesk-platform serve` processes) on one database behind a real
//! nginx run with the repository's configuration (`docs/deploy/nginx.conf`): for the
//! multi-instance tests (`tests/it/instances.rs`) and the city load generator
//! (`examples/load_city.rs`), which include this file by path.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use certdesk_protocol::operator::{AgencyCreated, EnrolmentCodeIssued};
use certdesk_protocol::sync::{EnrolRequest, EnrolResponse};
use certdesk_testkit::credit_code;
use certdesk_testkit::platform::{client, OperatorKeys};
use serde_json::json;
use uuid::Uuid;

/// A running `certdesk-platform serve`, killed (SIGKILL) when dropped.
pub struct Instance {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// nginx, stopped when dropped.
pub struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Platform instances on one database behind nginx, and an HTTPS client trusting the dev CA.
pub struct City {
    /// The instances, in the order started.
    pub instances: Vec<Instance>,
    _nginx: Nginx,
    /// `https://127.0.0.1:<nginx>`.
    pub base: String,
    /// Trusts the dev CA.
    pub http: reqwest::Client,
    /// The operators' API keys.
    pub keys: OperatorKeys,
    db: Option<certdesk_testkit::pg::TestDatabase>,
    /// The data folder every instance shares.
    pub dir: tempfile::TempDir,
}

impl Drop for City {
    /// The instances go first, then the schema.
    fn drop(&mut self) {
        self.instances.clear();
        self.db.take();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts `serve` (the program `bin`) on `dir` and the database `url` (SQLite in `dir` when
/// `None`); waits for its listening line.
fn instance(bin: &Path, dir: &Path, url: Option<&str>, public_url: &str, per_minute: u32) -> Instance {
    let watch_list = dir.join("watch-list.txt");
    if !watch_list.exists() {
        std::fs::write(&watch_list, "").unwrap();
    }
    let mut command = Command::new(bin);
    if let Some(url) = url {
        command.env("CERTDESK_PLATFORM_DATABASE", url);
    }
    let mut child = command
        .args(["serve", "--dev-tls", "--listen", "127.0.0.1:0", "--log-json", "--trusted-proxy", "127.0.0.1", "--watch-list-pass-unlisted"])
        .arg("--data-dir")
        .arg(dir)
        .arg("--watch-list")
        .arg(&watch_list)
        .args(["--public-url", public_url, "--pool-size", "4", "--requests-per-network-per-minute", &per_minute.to_string()])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("certdesk-platform serve");
    // The log (JSON lines) is on stdout.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the platform's log ends before it listens").unwrap();
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        if v["fields"]["message"] == "platform listening (https)" {
            break v["fields"]["addr"].as_str().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Instance { child, addr }
}

/// nginx with `docs/deploy/nginx.conf`, its marks filled in.
fn nginx(run: &Path, port: u16, data: &Path, upstreams: &[SocketAddr]) -> Nginx {
    let template = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/deploy/nginx.conf")).unwrap();
    let tls = data.join("tls");
    let servers: String =
        upstreams.iter().map(|a| format!("        server {a} max_fails=1 fail_timeout=30s;\n")).collect();
    let static_dir = run.join("static");
    std::fs::create_dir_all(&static_dir).unwrap();
    let conf = template
        .replace("{{USER}}", if is_root() { "user root;" } else { "" })
        .replace("{{RUN_DIR}}", &run.display().to_string())
        .replace("{{UPSTREAM_SERVERS}}\n", &servers)
        .replace("{{LISTEN}}", &format!("127.0.0.1:{port}"))
        .replace("{{CERT}}", &tls.join("server.pem").display().to_string())
        .replace("{{KEY}}", &tls.join("server.key").display().to_string())
        .replace("{{UPSTREAM_CA}}", &tls.join("dev-ca.pem").display().to_string())
        .replace("{{UPSTREAM_NAME}}", "localhost")
        .replace("{{STATIC_DIR}}", &static_dir.display().to_string());
    assert!(!conf.contains("{{"), "every mark of the template is filled in");
    start_nginx(run, port, &conf)
}

/// nginx run with the configuration `conf` (written to `run/nginx.conf`, its log in `run`),
/// once it accepts connections on `port`.
pub fn start_nginx(run: &Path, port: u16, conf: &str) -> Nginx {
    let path = run.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let nginx = Nginx(Command::new(nginx_binary())
        .arg("-c")
        .arg(&path)
        .arg("-e")
        .arg(run.join("error.log"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx (scripts/install-deps installs it)"));
    // Ready when it accepts connections.
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return nginx;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    panic!("nginx did not start: {}", std::fs::read_to_string(run.join("error.log")).unwrap_or_default());
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].iter().map(PathBuf::from).find(|p| p.exists()).unwrap_or_else(|| "nginx".into())
}

pub fn is_root() -> bool {
    std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false)
}

impl City {
    /// `count` instances of `bin` on a fresh PostgreSQL schema of the test server, behind nginx;
    /// `None` when the server is missing (skipped loudly; a failure with CI=true) or in the
    /// suite's PostgreSQL pass (these tests make their own database, so they ran in the first).
    pub async fn start(bin: &Path, test: &str, count: usize, per_minute: u32) -> Option<City> {
        if certdesk_testkit::platform::on_postgres() {
            return None;
        }
        let test = test.to_owned();
        let db = std::thread::spawn(move || certdesk_testkit::pg::database(&test)).join().unwrap()?;
        Some(City::start_on(bin, Some(db), count, per_minute).await)
    }

    /// One instance of `bin` on SQLite, behind nginx.
    pub async fn start_sqlite(bin: &Path, per_minute: u32) -> City {
        City::start_on(bin, None, 1, per_minute).await
    }

    async fn start_on(bin: &Path, db: Option<certdesk_testkit::pg::TestDatabase>, count: usize, per_minute: u32) -> City {
        let dir = tempfile::tempdir().unwrap();
        let url = db.as_ref().map(|d| d.url().to_owned());
        let location = certdesk_platform::store::Location {
            data_dir: dir.path().to_owned(),
            key_file: None,
            database: url.clone(),
            pool_size: 2,
        };
        let keys = std::thread::spawn(move || certdesk_testkit::platform::operator_keys(&location, chrono::Utc::now())).join().unwrap();
        let port = free_port();
        let base = format!("https://127.0.0.1:{port}");
        // The first makes the dev TLS files the others and nginx use.
        let instances: Vec<Instance> = (0..count).map(|_| instance(bin, dir.path(), url.as_deref(), &base, per_minute)).collect();
        let run = dir.path().join("nginx");
        std::fs::create_dir_all(&run).unwrap();
        let nginx = nginx(&run, port, dir.path(), &instances.iter().map(|i| i.addr).collect::<Vec<_>>());
        let ca = std::fs::read_to_string(dir.path().join("tls/dev-ca.pem")).unwrap();
        City { instances, _nginx: nginx, base, http: client(&ca, false), keys, db, dir }
    }

    /// The PostgreSQL database's URL (`None` on SQLite).
    pub fn database_url(&self) -> Option<String> {
        self.db.as_ref().map(|d| d.url().to_owned())
    }

    /// `https://<instance n>` directly, bypassing nginx.
    pub fn direct(&self, n: usize) -> String {
        format!("https://{}", self.instances[n].addr)
    }

    /// A new agency (number `n`, 黄浦区) with one enrolled desk, through nginx.
    pub async fn desk(&self, n: u32) -> EnrolResponse {
        self.desk_of(self.agency(n).await).await
    }

    /// Registers agency `n` (黄浦区), through nginx.
    pub async fn agency(&self, n: u32) -> Uuid {
        self.http
            .post(format!("{}/api/v1/operator/agencies", self.base))
            .bearer_auth(&self.keys.admin)
            .json(&json!({"name": format!("第{n}家政服务有限公司"), "credit_code": credit_code(n), "district": "黄浦区"}))
            .send()
            .await
            .unwrap()
            .json::<AgencyCreated>()
            .await
            .unwrap()
            .agency_id
    }

    /// One more enrolled desk of `agency`, through nginx.
    pub async fn desk_of(&self, agency: Uuid) -> EnrolResponse {
        let code: EnrolmentCodeIssued = self
            .http
            .post(format!("{}/api/v1/operator/agencies/{agency}/enrolment-codes", self.base))
            .bearer_auth(&self.keys.admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        self.http
            .post(format!("{}/api/v1/devices/enrol", self.base))
            .json(&EnrolRequest { code: code.code, device_name: "前台".into() })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

