//! A worker record between the desks of one agency (issue 10 items 1 and 2): each desk pushes
//! the record as it holds it (the desk's `worker` payload); the platform merges it into the copy
//! it keeps and relays that copy, with the status the platform keeps, to every desk of the
//! agency ([`crate::sync::ChangeBody::AgencyRecord`]), which merges it the same way.
//!
//! Two desks may correct one worker while offline. The merge is per field ([`DETAIL_FIELDS`]):
//! each field keeps the value written later by its time in the payload's `field_times`, a tie
//! broken by the value, so every desk and the platform end with the same value for every field
//! whatever order the copies reach them in ([`merge`] gives the same details either way round).
//! The status is not merged here: it moves only forward, by the lifecycle
//! (`certdesk_domain::lifecycle::merge_relayed`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The payload field that maps each detail field to when it was last written (RFC 3339).
pub const FIELD_TIMES: &str = "field_times";

/// The payload field that maps each detail field to the id of the user who last wrote it.
pub const FIELD_AUTHORS: &str = "field_authors";

/// The payload field saying when the desk last decided the worker's status (RFC 3339).
pub const STATUS_AT: &str = "status_at";

/// The key of a relayed copy naming the desk (the device's registered name) whose entry the
/// platform merged into it: the desk that wrote the values the copy brings.
pub const RELAYED_FROM: &str = "relayed_from";

/// The key of a relayed copy listing the values that desk's entry wrote and that lost to a
/// later write of the same field on another desk ([`LostWrite`]). Only in the relayed change,
/// never in the copy the platform keeps.
pub const LOST_WRITES: &str = "lost_writes";

/// A value one desk wrote that another desk's later write of the same field beat: kept in the
/// worker's timeline on every desk, with who wrote it, when, and on which desk
/// ([`RELAYED_FROM`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostWrite {
    /// The detail field ([`DETAIL_FIELDS`]' names).
    pub field: String,
    /// The value written, as the timeline shows it (a list as JSON).
    pub value: String,
    /// When it was written (RFC 3339).
    pub at: String,
    /// Who wrote it (a user id of the agency), when the copy says.
    pub by: Option<String>,
}

/// The writes of `pushed` that lost in the copy `kept` made from it: the detail fields the
/// pushed entry itself wrote (their time is the copy's `updated_at`, as a desk stamps a save)
/// whose values `kept` does not hold. A field the entry merely carried (an older value the desk
/// had not replaced yet) is no write of its own and is not listed.
pub fn lost_writes(pushed: &Value, kept: &Value) -> Vec<LostWrite> {
    let Some(saved) = pushed.get("updated_at").and_then(Value::as_str).and_then(|s| s.parse::<DateTime<Utc>>().ok()) else {
        return Vec::new();
    };
    let own = |field: &str| pushed.get(FIELD_TIMES).and_then(|t| t.get(field)).is_some() && field_time(pushed, field) == saved;
    DETAIL_FIELDS
        .iter()
        .filter(|(field, keys)| own(field) && values(pushed, keys) != values(kept, keys))
        .map(|(field, keys)| LostWrite {
            field: (*field).to_owned(),
            value: match pushed.get(keys[0]) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            },
            at: saved.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            by: field_author(pushed, field).map(str::to_owned),
        })
        .collect()
}

/// Whether `pushed` decided its status before `held` did: both say when, and `pushed` is the
/// earlier (copies from desks before `status_at` are never older).
pub fn status_decided_earlier(pushed: &Value, held: &Value) -> bool {
    let at = |v: &Value| v.get(STATUS_AT).and_then(Value::as_str).filter(|s| !s.is_empty()).and_then(|s| s.parse::<DateTime<Utc>>().ok());
    matches!((at(pushed), at(held)), (Some(p), Some(h)) if p < h)
}

/// The details a clerk writes, each with the payload keys that travel with it: the ID number
/// brings what is read from it, the consent date its witness. The names are the timeline's.
pub const DETAIL_FIELDS: &[(&str, &[&str])] = &[
    ("name", &["name"]),
    ("id_number", &["id_number", "id_number_legacy", "gender", "birth_date"]),
    ("phone", &["phone"]),
    ("address", &["address"]),
    ("service_types", &["service_types"]),
    ("emergency_contact_name", &["emergency_contact_name"]),
    ("emergency_contact_phone", &["emergency_contact_phone"]),
    ("photo", &["photo_sha256"]),
    ("consent_date", &["consent_date", "consent_witness_id"]),
];

/// When `field` was last written in a copy: its `field_times` entry or, from a desk before
/// them, the copy's `updated_at`; the earliest moment when neither reads.
pub fn field_time(payload: &Value, field: &str) -> DateTime<Utc> {
    let own = payload.get(FIELD_TIMES).and_then(|t| t.get(field)).and_then(Value::as_str);
    own.or_else(|| payload.get("updated_at").and_then(Value::as_str))
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}

fn values(payload: &Value, keys: &[&str]) -> String {
    keys.iter().map(|k| payload.get(*k).unwrap_or(&Value::Null).to_string()).collect::<Vec<_>>().join("\u{1f}")
}

/// Who last wrote `field` in a copy: its `field_authors` entry or the copy's `updated_by_id`.
pub fn field_author<'a>(payload: &'a Value, field: &str) -> Option<&'a str> {
    let own = payload.get(FIELD_AUTHORS).and_then(|t| t.get(field)).and_then(Value::as_str);
    own.or_else(|| payload.get("updated_by_id").and_then(Value::as_str))
}

/// `held` with every detail field of `other` that was written later (or at the same moment
/// with a greater value) taken in, with its time and author. Everything else is `held`'s. The details
/// are the same whichever copy is `held`.
pub fn merge(held: &Value, other: &Value) -> Value {
    let mut out = held.clone();
    let Some(fields) = out.as_object_mut() else {
        return out;
    };
    let (mut times, mut authors) = (serde_json::Map::new(), serde_json::Map::new());
    for (field, keys) in DETAIL_FIELDS {
        let (mine, theirs) = ((field_time(held, field), values(held, keys)), (field_time(other, field), values(other, keys)));
        let (winner, at) = if theirs > mine { (other, theirs.0) } else { (held, mine.0) };
        for key in *keys {
            fields.insert((*key).into(), winner.get(*key).cloned().unwrap_or(Value::Null));
        }
        if at > DateTime::<Utc>::MIN_UTC {
            times.insert((*field).into(), at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true).into());
        }
        if let Some(by) = field_author(winner, field) {
            authors.insert((*field).into(), by.into());
        }
    }
    fields.insert(FIELD_TIMES.into(), Value::Object(times));
    fields.insert(FIELD_AUTHORS.into(), Value::Object(authors));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn copy(phone: &str, phone_at: &str, address: &str, address_at: &str) -> Value {
        json!({"phone": phone, "address": address, "status": "enrolled", "updated_at": "2026-03-09T02:00:00.000Z",
               "updated_by_id": phone, "field_times": {"phone": phone_at, "address": address_at}})
    }

    #[test]
    fn each_field_keeps_its_later_write_whichever_copy_is_held() {
        // One desk changed the phone, the other the address, both offline.
        let a = copy("13900139000", "2026-03-03T02:00:00.000Z", "旧地址", "2026-03-01T02:00:00.000Z");
        let b = copy("13800138000", "2026-03-01T02:00:00.000Z", "新地址", "2026-03-04T02:00:00.000Z");
        for merged in [merge(&a, &b), merge(&b, &a)] {
            assert_eq!((merged["phone"].as_str(), merged["address"].as_str()), (Some("13900139000"), Some("新地址")));
            assert_eq!(field_time(&merged, "address").to_rfc3339(), "2026-03-04T02:00:00+00:00");
            // Each field names who wrote the value it kept.
            assert_eq!((field_author(&merged, "phone"), field_author(&merged, "address")), (Some("13900139000"), Some("13800138000")));
        }
        // Merging again changes nothing.
        let once = merge(&a, &b);
        assert_eq!(merge(&once, &b), once);
        assert_eq!(merge(&once, &a), once);
    }

    #[test]
    fn only_the_fields_an_entry_wrote_itself_and_that_lost_are_lost_writes() {
        // The desk saved a phone at 02:00 (its entry's time) and carries an old address.
        let mut pushed = copy("13900139000", "2026-03-03T02:00:00.000Z", "旧地址", "2026-03-01T02:00:00.000Z");
        pushed["updated_at"] = json!("2026-03-03T02:00:00.000Z");
        pushed["field_authors"] = json!({"phone": "u-li"});
        // The platform holds a later phone and a later address from another desk.
        let held = copy("13800138000", "2026-03-04T02:00:00.000Z", "新地址", "2026-03-04T02:00:00.000Z");
        let kept = merge(&held, &pushed);
        let lost = lost_writes(&pushed, &kept);
        assert_eq!(lost, [LostWrite { field: "phone".into(), value: "13900139000".into(), at: "2026-03-03T02:00:00.000Z".into(), by: Some("u-li".into()) }], "the address was carried, not written");
        // A write that won is no loss; nor is anything of a copy without its save time.
        let winning = merge(&copy("13700137000", "2026-03-01T02:00:00.000Z", "x", "2026-03-01T02:00:00.000Z"), &pushed);
        assert!(lost_writes(&pushed, &winning).is_empty());
        let mut undated = pushed.clone();
        undated.as_object_mut().unwrap().remove("updated_at");
        assert!(lost_writes(&undated, &kept).is_empty());
    }

    #[test]
    fn a_tie_goes_the_same_way_on_both_sides_and_a_desk_before_field_times_counts_by_updated_at() {
        let a = copy("13900139000", "2026-03-03T02:00:00.000Z", "x", "2026-03-01T02:00:00.000Z");
        let b = copy("13700137000", "2026-03-03T02:00:00.000Z", "x", "2026-03-01T02:00:00.000Z");
        assert_eq!(merge(&a, &b)["phone"], merge(&b, &a)["phone"]);
        let old_desk = json!({"phone": "13600136000", "address": "x", "updated_at": "2026-03-05T02:00:00.000Z"});
        assert_eq!(merge(&a, &old_desk)["phone"], "13600136000");
        assert_eq!(merge(&old_desk, &a)["phone"], "13600136000");
    }
}
