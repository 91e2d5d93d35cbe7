//! The payloads of the entries a desk pushes about a worker's card and a worker's place in a
//! class, declared once: the desk writes them with these types, the platform reads them with
//! these types, and a desk reads what the platform relays from another desk of the agency with
//! them too (issue 9 item 2). The worker's own record is [`crate::worker_record`]'s and a staff
//! account [`crate::staff`]'s.
//!
//! A class, an exam result and a supervision form travel as the desk's own records (which hold
//! more, for the window); [`ClassRecord`], [`ExamRecord`] and [`SupervisionRecord`] are what the
//! platform reads of them, and a store test checks that every payload the desk writes reads as
//! them.
//!
//! Old payloads keep reading: a field added since is `#[serde(default)]`, and each type is
//! pinned by a test to the JSON a desk wrote before it existed.

use certdesk_domain::training::{Attendance, ClassMode, SupervisionMethod};
use certdesk_domain::{CancelReason, LossKind};
use serde::{Deserialize, Serialize};

/// `worker` `activate`: the card was handed over, with the SHA-256 of the activation code the
/// desk gave the worker (the code itself never leaves the desk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardActivation {
    /// The certificate.
    pub certificate_code: String,
    /// The card's version (1 for the first card, one more for each replacement).
    pub card_version: u16,
    /// Lowercase hex SHA-256 of the normalised code ([`crate::activation::code_sha256`]).
    pub code_sha256: String,
}

impl CardActivation {
    /// Whether `code_sha256` is 64 lowercase hex digits.
    pub fn hash_well_formed(&self) -> bool {
        self.code_sha256.len() == 64 && self.code_sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    }
}

/// `worker` `reissue` (挂失/补办): the current card is lost or damaged; the platform answers
/// with a new card version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardReissue {
    /// The certificate.
    pub certificate_code: String,
    /// The version of the card being replaced.
    pub card_version: u16,
    /// Lost or damaged.
    pub kind: LossKind,
    /// What the clerk noted.
    pub note: String,
}

/// `worker` `cancel` (注销): why the certificate stops verifying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateCancellation {
    /// Why.
    pub reason: CancelReason,
    /// What the manager noted (required for [`CancelReason::Other`]).
    pub note: String,
}

/// `class_participant` `upsert`: a worker's row in a class (offline: attendance and times;
/// online: hours completed), with when and by whom it was added and last written, so that the
/// agency's other desks weigh it against their own writes. The platform relays it as it came;
/// for a `delete` it relays the [`ParticipantRemoval`] with `removed` set, which this type
/// reads too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParticipantRecord {
    /// The class.
    pub class_id: String,
    /// The worker.
    pub worker_id: String,
    /// Offline: present, late, left early, absent; none until recorded.
    #[serde(default)]
    pub attendance: Option<Attendance>,
    /// Offline: when the worker signed in (`HH:MM` or `YYYY-MM-DD HH:MM`).
    #[serde(default)]
    pub sign_in: Option<String>,
    /// Offline: when the worker signed out.
    #[serde(default)]
    pub sign_out: Option<String>,
    /// Online: the hours the worker completed.
    #[serde(default)]
    pub hours_completed: Option<f64>,
    /// The class hours the desk credited.
    #[serde(default)]
    pub credited_hours: f64,
    /// When the worker was added to the class.
    #[serde(default)]
    pub added_at: String,
    /// Who added the worker.
    #[serde(default)]
    pub added_by_id: String,
    /// When the row was last written (empty in a payload written before desks stamped rows).
    #[serde(default)]
    pub updated_at: String,
    /// Who last wrote it.
    #[serde(default)]
    pub updated_by_id: String,
    /// Relayed removal: the worker left the class.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removed: bool,
}

/// `class_participant` `delete`: the worker left the class, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantRemoval {
    /// The class.
    pub class_id: String,
    /// The worker.
    pub worker_id: String,
    /// When.
    pub updated_at: String,
    /// By whom.
    pub updated_by_id: String,
}

/// `training_class` `upsert`, as the platform reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRecord {
    /// The class's id (as the desk made it).
    #[serde(default)]
    pub id: String,
    /// 培训主题.
    #[serde(default)]
    pub title: String,
    /// Offline or online.
    pub mode: ClassMode,
    /// Start, `YYYY-MM-DD HH:MM` (Shanghai).
    #[serde(default)]
    pub starts_at: String,
    /// End.
    #[serde(default)]
    pub ends_at: String,
    /// 培训地点 (offline).
    #[serde(default)]
    pub place: String,
    /// 培训讲师.
    #[serde(default)]
    pub trainer: String,
    /// Class hours a worker present throughout is credited.
    #[serde(default)]
    pub class_hours: f64,
}

/// `exam_result` `upsert`, as the platform reads it: one attempt of one worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamRecord {
    /// The worker.
    pub worker_id: String,
    /// 考试日期, `YYYY-MM-DD`.
    pub exam_date: String,
    /// 1 for the first attempt, one more for each retake.
    pub attempt: u32,
    /// 0 to 100.
    pub score: f64,
}

/// `supervision_form` `upsert` (a desk's, or one the programme office filed on the platform), as
/// the platform reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupervisionRecord {
    /// The class supervised.
    pub class_id: String,
    /// 督导人员姓名.
    #[serde(default)]
    pub supervisor_name: String,
    /// On site or by video.
    pub method: SupervisionMethod,
    /// When, `YYYY-MM-DD HH:MM`.
    #[serde(default)]
    pub supervised_at: String,
    /// Who recorded it (the platform's own forms start with its marker).
    #[serde(default)]
    pub recorded_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Each payload reads what a desk wrote before the type existed and writes it back the same.
    #[test]
    fn the_payloads_read_and_write_the_json_desks_wrote_before() {
        fn same<T: Serialize + for<'de> Deserialize<'de>>(before: serde_json::Value) {
            let typed: T = serde_json::from_value(before.clone()).expect("a payload written before reads");
            assert_eq!(serde_json::to_value(&typed).unwrap(), before, "and is written back as it was");
        }
        same::<CardActivation>(json!({"certificate_code": "沪家政2026000001", "card_version": 1, "code_sha256": "ab".repeat(32)}));
        same::<CardReissue>(json!({"certificate_code": "沪家政2026000001", "card_version": 2, "kind": "damaged", "note": "水洗"}));
        same::<CertificateCancellation>(json!({"reason": "left_agency", "note": ""}));
        same::<ParticipantRemoval>(json!({"class_id": "c1", "worker_id": "w1", "updated_at": "2026-12-01T02:00:00Z", "updated_by_id": "u1"}));
        same::<ParticipantRecord>(json!({
            "class_id": "c1", "worker_id": "w1", "attendance": "late", "sign_in": "09:10", "sign_out": "12:00",
            "hours_completed": null, "credited_hours": 2.5, "added_at": "2026-12-01T01:00:00Z", "added_by_id": "u1",
            "updated_at": "2026-12-01T02:00:00Z", "updated_by_id": "u1"
        }));
        // What the platform relays for a removal reads as a removed row.
        let relayed: ParticipantRecord =
            serde_json::from_value(json!({"class_id": "c1", "worker_id": "w1", "updated_at": "t", "updated_by_id": "u1", "removed": true})).unwrap();
        assert!(relayed.removed && relayed.attendance.is_none());
        // A row an older desk wrote, before rows were stamped, still reads (the platform credits it).
        let older: ParticipantRecord = serde_json::from_value(json!({"class_id": "c1", "worker_id": "w1", "hours_completed": 3.0})).unwrap();
        assert_eq!((older.hours_completed, older.updated_at.as_str()), (Some(3.0), ""));
    }

    #[test]
    fn an_activation_hash_is_64_lowercase_hex_digits() {
        let a = |h: &str| CardActivation { certificate_code: "x".into(), card_version: 1, code_sha256: h.into() };
        assert!(a(&"0f".repeat(32)).hash_well_formed());
        assert!(!a(&"0F".repeat(32)).hash_well_formed());
        assert!(!a(&"0f".repeat(31)).hash_well_formed());
        assert!(!a(&"zz".repeat(32)).hash_well_formed());
    }
}
