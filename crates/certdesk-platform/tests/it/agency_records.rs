//! Training records pushed beside workers, over real HTTPS: stored per agency, idempotent on
//! retry, refused before their class or worker arrived, and never writable by another agency.

use certdesk_protocol::sync::{
    EnrolResponse, EntryOutcome, OutboxEntry, PushRequest, PushResponse,
};
use certdesk_testkit::id_number_from;
use certdesk_testkit::platform::{Options, TestPlatform};
use serde_json::{json, Value};
use uuid::Uuid;

/// The test kit's platform with this file's own calls (pushes and a look into its database).
struct Platform(TestPlatform);

impl std::ops::Deref for Platform {
    type Target = TestPlatform;
    fn deref(&self) -> &TestPlatform {
        &self.0
    }
}

async fn platform() -> Platform {
    Platform(TestPlatform::start(Options::default()).await)
}

fn entry(seq: i64, entity: &str, entity_id: Uuid, op: &str, payload: Value) -> OutboxEntry {
    OutboxEntry {
        seq,
        id: Uuid::now_v7(),
        entity: entity.parse().expect("a sync entity"),
        entity_id,
        op: op.parse().expect("a sync operation"),
        payload,
    }
}

impl Platform {
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
        if let Some(url) = self.location().database {
            // On a thread: PostgreSQL's sync client may not run inside the test's runtime.
            return std::thread::scope(|s| {
                s.spawn(|| {
                    let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                    let row = db
                        .query_opt("SELECT agency_id::text, payload, deleted FROM agency_records WHERE entity = $1 AND entity_id = $2", &[&entity, &id])
                        .unwrap()?;
                    Some((row.get(0), serde_json::from_str(row.get::<_, &str>(1)).unwrap(), row.get(2)))
                })
                .join()
                .unwrap()
            });
        }
        let db = rusqlite::Connection::open(self.dir().join("platform.sqlite3")).unwrap();
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
    json!({
        "name": "张三", "id_number": id_number_from(&format!("31010419800101{n:03}")),
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
