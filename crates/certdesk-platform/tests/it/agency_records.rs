//! Training records pushed beside workers, over real HTTPS: stored per agency, idempotent on
//! retry, refused before their class or worker arrived, and never writable by another agency.

use std::sync::Arc;

use certdesk_domain::{check_char, credit_check_char};
use certdesk_platform::checks::CheckProvider;
use certdesk_platform::{start, RunningServer, ServerConfig, TlsSource};
use certdesk_protocol::operator::{AgencyCreated, EnrolmentCodeIssued};
use certdesk_protocol::sync::{
    EnrolRequest, EnrolResponse, EntryOutcome, OutboxEntry, PushRequest, PushResponse,
};
use serde_json::{json, Value};
use uuid::Uuid;

const OPERATOR_TOKEN: &str = "operator-token-for-tests-only";

struct Platform {
    _server: RunningServer,
    base: String,
    http: reqwest::Client,
    dir: tempfile::TempDir,
}

async fn platform() -> Platform {
    let dir = tempfile::tempdir().unwrap();
    let providers: Vec<Box<dyn CheckProvider>> = Vec::new();
    let server = start(ServerConfig {
        data_dir: dir.path().to_owned(),
        listen: "127.0.0.1:0".parse().unwrap(),
        tls: TlsSource::Dev,
        operator_token: OPERATOR_TOKEN.into(),
        providers,
        public_url: None,
        validity_days: 1096,
        clock: Arc::new(chrono::Utc::now),
    })
    .await
    .unwrap();
    let ca = std::fs::read(server.dev_ca.as_ref().unwrap()).unwrap();
    let http = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap())
        .build()
        .unwrap();
    Platform {
        base: format!("https://{}", server.addr),
        _server: server,
        http,
        dir,
    }
}

fn entry(seq: i64, entity: &str, entity_id: Uuid, op: &str, payload: Value) -> OutboxEntry {
    OutboxEntry {
        seq,
        id: Uuid::now_v7(),
        entity: entity.into(),
        entity_id,
        op: op.into(),
        payload,
    }
}

impl Platform {
    async fn device(&self, n: u32) -> EnrolResponse {
        let first17 = format!("91310000MA1F{n:05}");
        let credit = format!("{first17}{}", credit_check_char(&first17).unwrap());
        let agency: AgencyCreated = self
            .http
            .post(format!("{}/api/v1/operator/agencies", self.base))
            .bearer_auth(OPERATOR_TOKEN)
            .json(
                &json!({"name": format!("第{n}家政"), "credit_code": credit, "district": "黄浦区"}),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code: EnrolmentCodeIssued = self
            .http
            .post(format!(
                "{}/api/v1/operator/agencies/{}/enrolment-codes",
                self.base, agency.agency_id
            ))
            .bearer_auth(OPERATOR_TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        self.http
            .post(format!("{}/api/v1/devices/enrol", self.base))
            .json(&EnrolRequest {
                code: code.code,
                device_name: "前台".into(),
            })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn push(&self, d: &EnrolResponse, entries: &[OutboxEntry]) -> Vec<EntryOutcome> {
        let res: PushResponse = self
            .http
            .post(format!("{}/api/v1/sync/push", self.base))
            .header("authorization", d.authorization())
            .json(&PushRequest {
                device_id: d.device_id,
                entries: entries.to_vec(),
            })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        res.results.into_iter().map(|r| r.outcome).collect()
    }

    /// `(agency_id, payload, deleted)` of a stored record.
    fn record(&self, entity: &str, id: Uuid) -> Option<(String, Value, bool)> {
        let db = rusqlite::Connection::open(self.dir.path().join("platform.sqlite3")).unwrap();
        db.query_row(
            "SELECT agency_id, payload, deleted FROM agency_records WHERE entity = ?1 AND entity_id = ?2",
            [entity, &id.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    serde_json::from_str(&r.get::<_, String>(1)?).unwrap(),
                    r.get(2)?,
                ))
            },
        )
        .ok()
    }
}

fn code_of(outcome: &EntryOutcome) -> &str {
    match outcome {
        EntryOutcome::Rejected { code, .. } | EntryOutcome::Conflict { code, .. } => code,
        _ => "",
    }
}

fn worker(n: u32) -> Value {
    let first17 = format!("31010419800101{n:03}");
    json!({
        "name": "张三", "id_number": format!("{first17}{}", check_char(&first17).unwrap()),
        "phone": "13812345678", "address": "上海市黄浦区某路1号", "service_types": ["cleaning"],
        "emergency_contact_name": "王五", "emergency_contact_phone": "13912345678",
        "consent_date": "2024-06-01", "agency_check_done": true, "status": "in_training"
    })
}

#[tokio::test]
async fn records_are_kept_per_agency_idempotently_and_parents_come_first() {
    let p = platform().await;
    let a = p.device(1).await;
    let b = p.device(2).await;
    let (class, worker_id, participant, exam) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let attendance = json!({"class_id": class.to_string(), "worker_id": worker_id.to_string(), "attendance": "present"});

    let early = p
        .push(
            &a,
            &[entry(
                1,
                "class_participant",
                participant,
                "upsert",
                attendance.clone(),
            )],
        )
        .await;
    assert_eq!(
        code_of(&early[0]),
        "parent_missing",
        "no attendance before its class"
    );
    assert!(p.record("class_participant", participant).is_none());

    let batch = vec![
        entry(2, "worker", worker_id, "upsert", worker(1)),
        entry(
            3,
            "training_class",
            class,
            "upsert",
            json!({"id": class.to_string(), "title": "上门服务规范", "class_hours": 3.0}),
        ),
        entry(
            4,
            "class_participant",
            participant,
            "upsert",
            attendance.clone(),
        ),
        entry(
            5,
            "exam_result",
            exam,
            "upsert",
            json!({"id": exam.to_string(), "worker_id": worker_id.to_string(), "score": 90.0, "passed": true}),
        ),
    ];
    let outcomes = p.push(&a, &batch).await;
    assert!(
        outcomes.iter().all(|o| *o == EntryOutcome::Applied),
        "parents first in one batch: {outcomes:?}"
    );
    let retried = p.push(&a, &batch).await;
    assert!(
        retried.iter().all(|o| *o == EntryOutcome::Duplicate),
        "a retried batch changes nothing: {retried:?}"
    );
    let (owner, payload, deleted) = p.record("class_participant", participant).unwrap();
    assert_eq!((owner, deleted), (a.agency_id.to_string(), false));
    assert_eq!(payload["attendance"], "present");

    let stolen = p
        .push(
            &b,
            &[entry(
                1,
                "training_class",
                class,
                "upsert",
                json!({"id": class.to_string(), "title": "冒名"}),
            )],
        )
        .await;
    assert_eq!(
        code_of(&stolen[0]),
        "record_id_taken",
        "another agency cannot overwrite the class"
    );
    let borrowed = p
        .push(
            &b,
            &[entry(
                2,
                "supervision_form",
                Uuid::now_v7(),
                "upsert",
                json!({"class_id": class.to_string()}),
            )],
        )
        .await;
    assert_eq!(
        code_of(&borrowed[0]),
        "parent_missing",
        "nor hang its records on it"
    );
    assert_eq!(
        p.record("training_class", class).unwrap().1["title"],
        "上门服务规范"
    );

    let removed = p
        .push(
            &a,
            &[entry(
                6,
                "class_participant",
                participant,
                "delete",
                attendance,
            )],
        )
        .await;
    assert_eq!(removed[0], EntryOutcome::Applied);
    assert!(
        p.record("class_participant", participant).unwrap().2,
        "kept as deleted"
    );
    let bad = p
        .push(
            &a,
            &[entry(
                7,
                "exam_result",
                Uuid::now_v7(),
                "upsert",
                json!("not an object"),
            )],
        )
        .await;
    assert_eq!(code_of(&bad[0]), "invalid_record");
}
