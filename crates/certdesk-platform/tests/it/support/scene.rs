//! A real platform with approved certificates, for the public page's tests, its benchmark
//! (`examples/bench_public.rs`) and the phone screenshot (`tests/tests/it/public_page.rs`), which
//! include this file by path. Everything goes through the platform's HTTPS API as a desk and
//! an operator would; nothing is written into the database behind its back.

#![allow(dead_code)]

use certdesk_protocol::operator::AgencyCreated;
use certdesk_protocol::sync::{SyncEntity,
    ChangeBody, EnrolResponse, EntryOutcome, OutboxEntry, PullResponse, PushRequest,
    PushResponse,
};
use certdesk_testkit::credit_code;
use certdesk_testkit::platform::{Options, TestPlatform};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A running platform (the test kit's) that approves every application at once (the watch
/// list lets the unlisted pass), with a client that trusts its dev CA and follows no redirect.
pub struct Scene(pub TestPlatform);

impl std::ops::Deref for Scene {
    type Target = TestPlatform;
    fn deref(&self) -> &TestPlatform {
        &self.0
    }
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
        entity: SyncEntity::Worker,
        entity_id: worker_id,
        op: op.parse().expect("a sync operation"),
        payload,
    }
}

/// Starts a platform in a fresh directory.
pub async fn scene() -> Scene {
    scene_with(Options::approving_everyone().without_redirects()).await
}

/// [`scene`] with other options (the load benchmark lifts the per-network limit: its load
/// generator is one network).
#[allow(dead_code)]
pub async fn scene_with(options: Options) -> Scene {
    Scene(TestPlatform::start(options).await)
}

impl Scene {
    /// Registers agency number `n` with a phone.
    pub async fn agency(&self, n: u32, district: &str, phone: Option<&str>) -> Uuid {
        let res = self
            .operator(reqwest::Method::POST, "/api/v1/operator/agencies")
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
        let code = self.enrolment_code(agency).await;
        self.enrol_device(&code, "前台1号机").await
    }

    /// Pushes entries; one outcome each.
    /// The worker and training records of every application in `entries` go first, as a
    /// desk sends them (the platform checks the training).
    pub async fn push(&self, device: &EnrolResponse, entries: &[OutboxEntry]) -> Vec<EntryOutcome> {
        let training = certdesk_testkit::training::for_applications(entries);
        if !training.is_empty() {
            Box::pin(self.push(device, &training)).await;
        }
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

    /// The card handed over with an electronic-card activation code (the desk's `activate`
    /// entry after 发放): the push's outcomes.
    pub async fn hand_over(&self, device: &EnrolResponse, cert: &Approved, card_version: u16, code: &str) -> Vec<EntryOutcome> {
        let payload = json!({
            "certificate_code": cert.code,
            "card_version": card_version,
            "code_sha256": certdesk_protocol::activation::code_sha256(code),
        });
        self.push(device, &[entry(5, cert.worker_id, "activate", payload)]).await
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
        self.0.stop().await;
    }
}
