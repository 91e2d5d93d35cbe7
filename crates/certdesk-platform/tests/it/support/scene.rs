//! A real platform with approved certificates, for the public page's tests, its benchmark
//! (`examples/bench_public.rs`) and the phone screenshot (`tests/tests/it/public_page.rs`), which
//! include this file by path. Everything goes through the platform's HTTPS API as a desk and
//! an operator would; nothing is written into the database behind its back.

#![allow(dead_code)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use certdesk_domain::{check_char, credit_check_char};
use certdesk_platform::checks::{CheckProvider, WatchList};
use certdesk_platform::{start, RunningServer, ServerConfig, TlsSource};
use certdesk_protocol::operator::{AgencyCreated, EnrolmentCodeIssued};
use certdesk_protocol::sync::{
    ChangeBody, EnrolRequest, EnrolResponse, EntryOutcome, OutboxEntry, PullResponse, PushRequest,
    PushResponse,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The operator token of every scene.
pub const OPERATOR_TOKEN: &str = "operator-token-for-tests-only";

/// A clock the test moves: real time plus an offset.
#[derive(Clone, Default)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        self.0.fetch_add(by.num_seconds(), Ordering::SeqCst);
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + chrono::Duration::seconds(self.0.load(Ordering::SeqCst))
    }
}

/// A running platform that approves every application at once (the watch list lets the
/// unlisted pass) and a client that trusts its dev CA.
pub struct Scene {
    /// The server.
    pub server: Option<RunningServer>,
    /// `https://127.0.0.1:port`.
    pub base: String,
    /// A client trusting the dev CA.
    pub http: reqwest::Client,
    /// The dev CA, PEM.
    pub ca_pem: Vec<u8>,
    /// The platform's clock.
    pub clock: TestClock,
    /// The data directory.
    pub dir: tempfile::TempDir,
}

/// A certificate as the desk receives it.
#[derive(Debug, Clone)]
pub struct Approved {
    /// The worker.
    pub worker_id: Uuid,
    /// The certificate code.
    pub code: String,
    /// The URL printed in the QR code.
    pub url: String,
}

/// A valid 18-digit ID number, different for each `n`; odd `n` is a man, even a woman.
pub fn id_number(n: u32) -> String {
    let first17 = format!("310104198001{:02}{:03}", 1 + n % 28, 100 + n % 900);
    format!("{first17}{}", check_char(&first17).unwrap())
}

/// A valid unified social credit code, different for each `n`.
pub fn credit_code(n: u32) -> String {
    let first17 = format!("91310000MA1F{n:05}");
    format!("{first17}{}", credit_check_char(&first17).unwrap())
}

/// The desk's worker record as it pushes it.
pub fn worker(name: &str, id: &str, photo_sha256: Option<&str>) -> Value {
    json!({
        "name": name, "id_number": id, "phone": "13812345678", "address": "上海市黄浦区某路1号",
        "service_types": ["cleaning", "elder_care"], "emergency_contact_name": "王五",
        "emergency_contact_phone": "13912345678", "consent_date": "2024-06-01",
        "agency_check_done": true, "status": "eligible", "version": 1, "photo_sha256": photo_sha256
    })
}

/// One outbox entry.
pub fn entry(seq: i64, worker_id: Uuid, op: &str, payload: Value) -> OutboxEntry {
    OutboxEntry {
        seq,
        id: Uuid::now_v7(),
        entity: "worker".into(),
        entity_id: worker_id,
        op: op.into(),
        payload,
    }
}

/// Starts a platform in a fresh directory.
pub async fn scene() -> Scene {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::default();
    let ticking = clock.clone();
    let providers: Vec<Box<dyn CheckProvider>> = vec![Box::new(WatchList::parse("", true))];
    let server = start(ServerConfig {
        data_dir: dir.path().to_owned(),
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: TlsSource::Dev,
        operator_token: OPERATOR_TOKEN.into(),
        providers,
        public_url: None,
        validity_days: 1096,
        clock: Arc::new(move || ticking.now()),
    })
    .await
    .expect("the platform starts");
    let ca_pem = std::fs::read(server.dev_ca.as_ref().expect("dev TLS made a CA")).unwrap();
    let http = client(&ca_pem);
    Scene {
        base: format!("https://{}", server.addr),
        server: Some(server),
        http,
        ca_pem,
        clock,
        dir,
    }
}

/// A client that trusts only the dev CA and follows no redirect.
pub fn client(ca_pem: &[u8]) -> reqwest::Client {
    reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl Scene {
    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Registers agency number `n` with a phone.
    pub async fn agency(&self, n: u32, district: &str, phone: Option<&str>) -> Uuid {
        let res = self
            .http
            .post(self.url("/api/v1/operator/agencies"))
            .bearer_auth(OPERATOR_TOKEN)
            .json(
                &json!({"name": format!("第{n}家政服务有限公司"), "credit_code": credit_code(n),
                          "district": district, "phone": phone}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::CREATED);
        res.json::<AgencyCreated>().await.unwrap().agency_id
    }

    /// Enrols a desk device for the agency.
    pub async fn device(&self, agency: Uuid) -> EnrolResponse {
        let res = self
            .http
            .post(self.url(&format!(
                "/api/v1/operator/agencies/{agency}/enrolment-codes"
            )))
            .bearer_auth(OPERATOR_TOKEN)
            .send()
            .await
            .unwrap();
        let code = res.json::<EnrolmentCodeIssued>().await.unwrap().code;
        let res = self
            .http
            .post(self.url("/api/v1/devices/enrol"))
            .json(&EnrolRequest {
                code,
                device_name: "前台1号机".into(),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::OK);
        res.json().await.unwrap()
    }

    /// Pushes entries; one outcome each.
    pub async fn push(&self, device: &EnrolResponse, entries: &[OutboxEntry]) -> Vec<EntryOutcome> {
        let res = self
            .http
            .post(self.url("/api/v1/sync/push"))
            .header("authorization", device.authorization())
            .json(&PushRequest {
                device_id: device.device_id,
                entries: entries.to_vec(),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::OK);
        let body: PushResponse = res.json().await.unwrap();
        body.results.into_iter().map(|r| r.outcome).collect()
    }

    /// Everything the agency may pull.
    pub async fn pull_all(&self, device: &EnrolResponse) -> Vec<ChangeBody> {
        let res = self
            .http
            .get(self.url("/api/v1/sync/pull?since=0"))
            .header("authorization", device.authorization())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::OK);
        let body: PullResponse = res.json().await.unwrap();
        assert!(!body.has_more, "scenes stay small");
        body.changes.into_iter().map(|c| c.body).collect()
    }

    /// Uploads a photo as the desk does; its SHA-256.
    pub async fn upload_photo(&self, device: &EnrolResponse, jpeg: &[u8]) -> String {
        let sha = hex::encode(Sha256::digest(jpeg));
        let res = self
            .http
            .put(self.url(&format!("/api/v1/blobs/{sha}")))
            .header("authorization", device.authorization())
            .body(jpeg.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::CREATED);
        sha
    }

    /// Applies for a worker (approved at once) and returns the certificate.
    pub async fn approved(
        &self,
        device: &EnrolResponse,
        name: &str,
        id: &str,
        photo_sha256: Option<&str>,
    ) -> Approved {
        let worker_id = Uuid::now_v7();
        let got = self
            .push(
                device,
                &[entry(1, worker_id, "apply", worker(name, id, photo_sha256))],
            )
            .await;
        assert_eq!(got, [EntryOutcome::Applied]);
        self.latest_approval(device, worker_id)
            .await
            .expect("the watch list passes the unlisted at once")
    }

    /// The newest approval (credential) the agency pulled for the worker.
    pub async fn latest_approval(
        &self,
        device: &EnrolResponse,
        worker_id: Uuid,
    ) -> Option<Approved> {
        self.pull_all(device)
            .await
            .into_iter()
            .rev()
            .find_map(|c| match c {
                ChangeBody::Approval {
                    worker_id: w,
                    certificate_code,
                    credential_url,
                    ..
                } if w == worker_id => Some(Approved {
                    worker_id,
                    code: certificate_code,
                    url: credential_url,
                }),
                _ => None,
            })
    }

    /// The card in hand, then a new card (lost card): the new certificate's URL.
    pub async fn reissue(
        &self,
        device: &EnrolResponse,
        name: &str,
        id: &str,
        photo_sha256: Option<&str>,
        worker_id: Uuid,
    ) -> Approved {
        let mut issued = worker(name, id, photo_sha256);
        issued["status"] = json!("issued");
        let got = self
            .push(
                device,
                &[
                    entry(2, worker_id, "upsert", issued),
                    entry(3, worker_id, "reissue", json!({})),
                ],
            )
            .await;
        assert_eq!(got, [EntryOutcome::Applied, EntryOutcome::Applied]);
        self.latest_approval(device, worker_id).await.unwrap()
    }

    /// Cancels the worker's certificate (注销).
    pub async fn cancel(&self, device: &EnrolResponse, worker_id: Uuid) {
        let got = self
            .push(device, &[entry(9, worker_id, "cancel", json!({}))])
            .await;
        assert_eq!(got, [EntryOutcome::Applied]);
    }

    /// Stops the server.
    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.unwrap();
        }
    }
}
