//! The platform's own rules about pushed records, as pure functions: how a pushed worker
//! record is read and re-validated with the domain's rules, which status the desk may report,
//! and the sentences an agency reads when an entry is refused.
//!
//! The flows ([`crate::flows`]) call these inside their transactions. This module must never
//! touch storage or the clock.

use certdesk_domain::lifecycle::{claims_certificate, transition, LifecycleEvent};
use certdesk_domain::{validate_worker_record, Bilingual, FieldError, ValidWorker, WorkerInput, WorkerStatus};
use certdesk_protocol::sync::{EntryOutcome, ReceivedEntry, RefusalCode};
use chrono::NaiveDate;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::messages::push;

/// A worker record as pushed, read and re-validated.
#[derive(Debug, Clone)]
pub struct PushedWorker {
    /// The normalised record.
    pub valid: ValidWorker,
    /// The status the desk reports, if readable.
    pub reported_status: Option<WorkerStatus>,
}

/// Reads a pushed worker payload (the desk's worker JSON; unknown fields are ignored) and
/// re-validates it with the same rules the desk's records follow.
pub fn read_worker(
    payload: &serde_json::Value,
    today: NaiveDate,
) -> Result<PushedWorker, EntryOutcome> {
    let input: WorkerInput = serde_json::from_value(payload.clone()).map_err(|e| {
        rejected(RefusalCode::InvalidRecord, push::worker_unreadable(e))
    })?;
    // A record may still lack details completed later (待补全); applying needs them.
    let valid = validate_worker_record(&input, today).map_err(|errors| invalid(&errors))?;
    let reported_status = payload
        .get("status")
        .and_then(|s| s.as_str())
        .and_then(WorkerStatus::parse);
    Ok(PushedWorker {
        valid,
        reported_status,
    })
}

/// The status to keep when the desk reports `reported` for a worker the platform holds in
/// `stored`. The desk owns training (enrolled → in training → eligible) and the card in hand
/// (printed, issued); the platform owns applied, approved and rejected, and cancellation comes
/// through its own entry. Anything else the desk says is ignored, not an error: the desk may
/// simply not have pulled yet. A training stage the desk decided before the one kept
/// (`decided_earlier`: another desk of the agency decided since, say on a failed retake this
/// desk has not seen) is ignored too, so the stage is never the one of whichever desk pushed
/// last.
pub fn merge_status(stored: WorkerStatus, reported: Option<WorkerStatus>, decided_earlier: bool) -> WorkerStatus {
    use WorkerStatus as S;
    let Some(reported) = reported else {
        return stored;
    };
    let desk_owned_before_applying = matches!(reported, S::Enrolled | S::InTraining | S::Eligible)
        && matches!(stored, S::Enrolled | S::InTraining | S::Eligible)
        && !decided_earlier;
    let card_in_hand = matches!(reported, S::Printed | S::Issued)
        && matches!(stored, S::Approved | S::Printed | S::Issued);
    if desk_owned_before_applying || card_in_hand {
        reported
    } else {
        stored
    }
}

/// Whether the worker may be applied for, judged on the status the platform keeps after
/// merging what the desk reports.
pub fn may_apply(status: WorkerStatus) -> Result<WorkerStatus, EntryOutcome> {
    transition(status, LifecycleEvent::Apply).map_err(|e| field_rejection(&e))
}

/// Whether the worker's certificate may be cancelled.
pub fn may_cancel(status: WorkerStatus) -> Result<WorkerStatus, EntryOutcome> {
    transition(status, LifecycleEvent::Cancel).map_err(|e| field_rejection(&e))
}

/// Whether a new card may be made for the worker's certificate (replacement or misprint).
pub fn may_reissue(status: WorkerStatus) -> Result<WorkerStatus, EntryOutcome> {
    transition(status, LifecycleEvent::Print).map_err(|e| field_rejection(&e))
}

/// The refusal of a new card for a certificate past its validity.
pub fn certificate_expired() -> EntryOutcome {
    rejected(RefusalCode::CertificateExpired, push::certificate_expired())
}

/// Whether a worker in `status` keeps its ID number fixed.
pub fn id_number_locked(status: WorkerStatus) -> bool {
    claims_certificate(status)
}

/// The refusal when the person holds or applies for a certificate through another agency.
/// The other agency is not named: that would tell one agency about another's staff.
pub fn claimed_elsewhere() -> EntryOutcome {
    rejected(RefusalCode::ClaimedElsewhere, push::claimed_elsewhere())
}

/// The refusal when the same agency has another record of the person with a claim.
pub fn claimed_here() -> EntryOutcome {
    rejected(RefusalCode::ClaimedHere, push::claimed_here())
}

/// The refusal of an entity or operation the platform does not handle (or does not know: a
/// newer desk's names arrive as sent).
pub fn unsupported(entity: &str, op: &str) -> EntryOutcome {
    rejected(RefusalCode::Unsupported, push::unsupported(entity, op))
}

/// The refusal of a complaint answer the platform cannot take (`why` says what is wrong).
pub fn complaint_answer_refused(code: RefusalCode, why: Bilingual) -> EntryOutcome {
    rejected(code, why)
}

/// The conflict of an entry id reused with different content.
pub fn entry_reused() -> EntryOutcome {
    conflict(RefusalCode::EntryReused, push::entry_reused())
}

/// The conflict of a record id that another agency owns.
pub fn foreign_record() -> EntryOutcome {
    conflict(RefusalCode::ForeignRecord, push::foreign_record())
}

/// The conflict of changing the ID number of a worker with an application or certificate.
pub fn id_number_change_refused() -> EntryOutcome {
    conflict(RefusalCode::IdNumberLocked, push::id_number_locked())
}

/// The refusal of an electronic-card activation the platform cannot read.
pub fn activation_unreadable() -> EntryOutcome {
    rejected(RefusalCode::ActivationUnreadable, push::activation_unreadable())
}

/// The refusal of an electronic-card activation for a card that is not the worker's current
/// one (replaced, cancelled, or another worker's).
pub fn activation_not_current() -> EntryOutcome {
    rejected(RefusalCode::ActivationNotCurrent, push::activation_not_current())
}

/// The refusal of an operation on a record the platform never received.
pub fn unknown_record() -> EntryOutcome {
    rejected(RefusalCode::UnknownRecord, push::unknown_record())
}

/// The fingerprint of a pushed entry's content, kept in its receipt: a retry with the same
/// fingerprint is the same entry, another one under the same entry id is `entry_id_reused`.
///
/// The payload is hashed in canonical form (object keys sorted, compact), so the key order a
/// desk's build happens to write (serde_json's `preserve_order`, which a workspace build turns
/// on through tauri, keeps the order of the stored text; a build without it sorts) never makes
/// a retry look like new content. The bytes are those serde_json writes for a sorted map, so a
/// receipt stored by a platform built without `preserve_order` keeps its fingerprint.
pub fn entry_hash(entry: &ReceivedEntry) -> String {
    let mut payload = String::new();
    write_canonical(entry.payload(), &mut payload);
    hash_parts(entry, &payload)
}

/// The fingerprint as a platform built with `preserve_order` stored it before [`entry_hash`]
/// was canonical: the payload in the key order it arrived in. A retry of an entry received
/// then still matches its receipt.
pub fn entry_hash_as_received(entry: &ReceivedEntry) -> String {
    hash_parts(entry, &entry.payload().to_string())
}

fn hash_parts(entry: &ReceivedEntry, payload: &str) -> String {
    let mut h = Sha256::new();
    // The names' bytes as on the wire (they were strings before the enums): stored
    // fingerprints stay valid, and an unknown name hashes like a known one.
    h.update(entry.entity_name().as_bytes());
    h.update([0]);
    h.update(entry.entity_id().as_bytes());
    h.update(entry.op_name().as_bytes());
    h.update([0]);
    h.update(payload.as_bytes());
    hex::encode(h.finalize())
}

/// Compact JSON with every object's keys in byte order, whatever order the map holds them in.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn invalid(errors: &[FieldError]) -> EntryOutcome {
    let zh: Vec<&str> = errors.iter().map(|e| e.message_zh.as_str()).collect();
    let en: Vec<&str> = errors.iter().map(|e| e.message_en.as_str()).collect();
    rejected(RefusalCode::InvalidRecord, push::worker_invalid(&zh, &en))
}

fn field_rejection(e: &FieldError) -> EntryOutcome {
    EntryOutcome::Rejected {
        code: e.code.clone(),
        message_zh: e.message_zh.clone(),
        message_en: e.message_en.clone(),
    }
}

fn rejected(code: RefusalCode, message: Bilingual) -> EntryOutcome {
    EntryOutcome::rejected(code, message)
}

fn conflict(code: RefusalCode, message: Bilingual) -> EntryOutcome {
    EntryOutcome::conflict(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use WorkerStatus as S;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn a_desk_worker_record_is_read_and_normalised() {
        let payload = json!({
            "id": "x", "name": "张三", "id_number": "11010519491231002x", "phone": "13812345678",
            "address": "上海市黄浦区某路1号", "service_types": ["cleaning"],
            "emergency_contact_name": "李四", "emergency_contact_phone": "13912345678",
            "consent_date": "2026-11-01", "agency_check_done": true, "status": "eligible",
            "version": 3
        });
        let w = read_worker(&payload, today()).unwrap();
        assert_eq!(w.valid.id_number.as_str(), "11010519491231002X");
        assert_eq!(w.reported_status, Some(S::Eligible));
    }

    #[test]
    fn an_invalid_worker_record_is_rejected_with_every_reason() {
        let payload = json!({"name": "张三", "id_number": "110105194912310025"});
        let EntryOutcome::Rejected {
            code, message_zh, ..
        } = read_worker(&payload, today()).unwrap_err()
        else {
            panic!("must be a rejection");
        };
        assert_eq!(code, RefusalCode::InvalidRecord.as_str());
        assert!(
            message_zh.contains("校验") || message_zh.contains("身份证"),
            "{message_zh}"
        );
        assert!(
            message_zh.contains("；"),
            "several reasons are listed: {message_zh}"
        );
    }

    /// The receipt's fingerprint is over the payload with sorted keys, written exactly as
    /// serde_json writes a sorted map (escapes, numbers, non-ASCII as is): the same content in
    /// any key order has one fingerprint, and the fingerprints a platform built without
    /// `preserve_order` stored stay valid.
    #[test]
    fn an_entrys_fingerprint_is_over_the_payload_with_sorted_keys() {
        let id = uuid::Uuid::parse_str("0190c2a1-7b3e-7000-8000-000000000020").unwrap();
        let entry = |payload: &str| {
            ReceivedEntry::Unknown(certdesk_protocol::sync::UnknownEntry {
                seq: 1,
                id,
                entity: "worker".into(),
                entity_id: id,
                op: "upsert".into(),
                payload: serde_json::from_str(payload).unwrap(),
            })
        };
        let reversed = r#"{"z":{"y":[2,{"b":true,"a":null}],"x":-1.5},"name":"张\"三\n","a":12345678901234}"#;
        let sorted = r#"{"a":12345678901234,"name":"张\"三\n","z":{"x":-1.5,"y":[2,{"a":null,"b":true}]}}"#;
        let mut h = Sha256::new();
        h.update(b"worker\0");
        h.update(id.as_bytes());
        h.update(b"upsert\0");
        h.update(sorted.as_bytes());
        let expected = hex::encode(h.finalize());
        assert_eq!(entry_hash(&entry(reversed)), expected, "the key order is not content");
        assert_eq!(entry_hash(&entry(sorted)), expected);
        assert_ne!(entry_hash(&entry(r#"{"a":1}"#)), entry_hash(&entry(r#"{"a":2}"#)));
        // As received: in a build without `preserve_order` the map is sorted already and both
        // fingerprints agree; with it, the arrival order is what an older receipt holds.
        let as_received = entry_hash_as_received(&entry(reversed));
        let arrival = entry(reversed).payload().to_string();
        assert!(arrival == reversed || arrival == sorted, "{arrival}");
        assert_eq!(as_received == expected, arrival == sorted);
    }

    #[test]
    fn the_desk_may_move_training_and_card_stages_but_not_the_platforms() {
        assert_eq!(merge_status(S::Enrolled, Some(S::Eligible), false), S::Eligible);
        assert_eq!(merge_status(S::Approved, Some(S::Printed), false), S::Printed);
        assert_eq!(merge_status(S::Printed, Some(S::Issued), false), S::Issued);
        assert_eq!(merge_status(S::Eligible, Some(S::Approved), false), S::Eligible);
        assert_eq!(merge_status(S::Applied, Some(S::Eligible), false), S::Applied);
        assert_eq!(merge_status(S::Rejected, Some(S::Eligible), false), S::Rejected);
        assert_eq!(merge_status(S::Eligible, Some(S::Issued), false), S::Eligible);
        assert_eq!(merge_status(S::Cancelled, Some(S::Issued), false), S::Cancelled);
        assert_eq!(merge_status(S::InTraining, None, false), S::InTraining);
        // A stage decided before the one kept (another desk decided since) is not taken.
        assert_eq!(merge_status(S::InTraining, Some(S::Eligible), true), S::InTraining);
        assert_eq!(merge_status(S::Eligible, Some(S::InTraining), true), S::Eligible);
        assert_eq!(merge_status(S::Approved, Some(S::Printed), true), S::Printed, "the card in hand is no training stage");
    }

    #[test]
    fn only_eligible_or_rejected_workers_may_be_applied_for() {
        assert_eq!(may_apply(S::Eligible), Ok(S::Applied));
        assert_eq!(may_apply(S::Rejected), Ok(S::Applied));
        for s in [
            S::Enrolled,
            S::InTraining,
            S::Applied,
            S::Approved,
            S::Cancelled,
        ] {
            assert!(
                matches!(may_apply(s), Err(EntryOutcome::Rejected { .. })),
                "{s:?}"
            );
        }
    }
}
