//! The training records a desk syncs before it applies for a worker, as the desk writes them:
//! one offline class of 3 class hours (09:00–12:00), the worker present, the class's
//! supervision form, and a passed exam. The platform checks an application against the records
//! it holds (issue 11), so a test that pushes an application as a desk would pushes these first.
//!
//! Tests of the platform that push hand-made entries use [`complete`] or
//! [`for_applications`]; tests through a real desk train the real way
//! (`desk::train_to_eligibility`) and need none of this.

use certdesk_protocol::sync::{OutboxEntry, SyncEntity, SyncOp};
use serde_json::{json, Value};
use uuid::Uuid;

fn record(entity: SyncEntity, entity_id: Uuid, payload: Value) -> OutboxEntry {
    OutboxEntry { seq: 0, id: Uuid::now_v7(), entity, entity_id, op: SyncOp::Upsert, payload }
}

/// The offline class payload (the desk's `TrainingClass`).
pub fn class(class_id: Uuid) -> Value {
    json!({
        "id": class_id.to_string(), "title": "岗前培训：家政服务规范", "mode": "offline",
        "starts_at": "2026-11-20 09:00", "ends_at": "2026-11-20 12:00",
        "place": "上海市徐汇区漕溪北路1号", "trainer": "陈老师", "class_hours": 3.0,
        "participant_count": 1, "supervision_filed": true, "incomplete": false,
        "created_at": "2026-11-20T01:00:00.000Z", "version": 1
    })
}

/// The worker's attendance row in `class_id` (present, 3 class hours).
pub fn present(class_id: Uuid, worker_id: Uuid) -> Value {
    json!({
        "class_id": class_id.to_string(), "worker_id": worker_id.to_string(), "attendance": "present",
        "sign_in": null, "sign_out": null, "hours_completed": null, "credited_hours": 3.0
    })
}

/// The class's supervision form (on site).
pub fn supervision(class_id: Uuid) -> Value {
    json!({
        "id": Uuid::now_v7().to_string(), "class_id": class_id.to_string(), "supervisor_name": "督导员赵", "method": "on_site",
        "supervised_at": "2026-11-20 10:00", "place": "上海市徐汇区漕溪北路1号", "participants_present": 1,
        "identity_checked": 1, "trainer": "陈老师", "remarks": "", "recorded_at": "2026-11-20T02:00:00.000Z",
        "recorded_by": "王经理"
    })
}

/// A passed first exam of the worker, sat in `class_id`.
pub fn passed_exam(class_id: Uuid, worker_id: Uuid) -> Value {
    json!({
        "id": Uuid::now_v7().to_string(), "worker_id": worker_id.to_string(), "class_id": class_id.to_string(),
        "exam_date": "2026-11-20", "attempt": 1, "score": 90.0, "passed": true,
        "recorded_at": "2026-11-20T04:00:00.000Z"
    })
}

/// Everything that makes `worker_id` eligible on the platform: class, attendance, supervision
/// form, exam, parents first. Each call makes a class of its own.
pub fn complete(worker_id: Uuid) -> Vec<OutboxEntry> {
    let class_id = Uuid::now_v7();
    vec![
        record(SyncEntity::TrainingClass, class_id, class(class_id)),
        record(SyncEntity::ClassParticipant, Uuid::now_v7(), present(class_id, worker_id)),
        record(SyncEntity::SupervisionForm, Uuid::now_v7(), supervision(class_id)),
        record(SyncEntity::ExamResult, Uuid::now_v7(), passed_exam(class_id, worker_id)),
    ]
}

/// What a desk has sent before it applies for the worker of every application (`apply`) in
/// `entries`: the worker's record (`upsert`, the attendance names it) and [`complete`]. To push
/// before them; empty when the batch applies for nobody.
pub fn for_applications(entries: &[OutboxEntry]) -> Vec<OutboxEntry> {
    entries
        .iter()
        .filter(|e| e.entity == SyncEntity::Worker && e.op == SyncOp::Apply)
        .flat_map(|e| {
            let enrolled = OutboxEntry { op: SyncOp::Upsert, id: Uuid::now_v7(), seq: 0, ..e.clone() };
            std::iter::once(enrolled).chain(complete(e.entity_id))
        })
        .collect()
}
