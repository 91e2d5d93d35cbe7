//! Complaint coordination (投诉协调, issue 14 item 5). A citizen's complaint from the public
//! page gets a **reference** (投诉编号) and reaches both the worker's agency (through its desks'
//! pull) and the programme office. The agency answers on a desk: the answer is an outbox
//! record of entity `complaint_answer` ([`ComplaintAnswer`]). The office may ask the agency
//! again or close the complaint with a conclusion; both reach the agency's desks as changes.
//! The citizen looks the complaint up by its reference and sees only its [`ComplaintState`]
//! and dates, never anybody's personal data.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a complaint stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ComplaintState {
    /// 已受理: filed; the agency has not answered yet.
    Open,
    /// 机构已答复: the agency answered; the office has not concluded.
    Answered,
    /// 督办中: the office found the answer wanting and asked the agency again.
    AskedAgain,
    /// 已办结: the office closed it with a conclusion.
    Closed,
}

impl ComplaintState {
    /// Every value.
    pub const ALL: [ComplaintState; 4] =
        [ComplaintState::Open, ComplaintState::Answered, ComplaintState::AskedAgain, ComplaintState::Closed];

    /// The stable name (same as the serde name), as stored.
    pub const fn code(self) -> &'static str {
        match self {
            ComplaintState::Open => "open",
            ComplaintState::Answered => "answered",
            ComplaintState::AskedAgain => "asked_again",
            ComplaintState::Closed => "closed",
        }
    }

    /// The stable name.
    pub const fn as_str(self) -> &'static str {
        self.code()
    }

    /// Waiting for the agency (open, or asked again).
    pub fn awaits_agency(self) -> bool {
        matches!(self, ComplaintState::Open | ComplaintState::AskedAgain)
    }
}

impl certdesk_domain::Code for ComplaintState {
    const ALL: &'static [Self] = &ComplaintState::ALL;
    const WHAT: &'static str = "complaint state";
    fn code(&self) -> &'static str {
        ComplaintState::code(*self)
    }
}

/// Letters of a reference: digits and capitals without 0, 1, I and O, which a citizen reading
/// it aloud or typing it from a slip would confuse.
pub const REFERENCE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// Characters after the `TS` prefix (12 of 32 letters: 60 bits, not guessable).
pub const REFERENCE_LEN: usize = 12;

/// A new reference from 12 random bytes (one letter per byte, the alphabet has 32 letters).
pub fn reference_from(random: [u8; REFERENCE_LEN]) -> String {
    let mut s = String::with_capacity(2 + REFERENCE_LEN);
    s.push_str("TS");
    s.extend(random.iter().map(|b| REFERENCE_ALPHABET[(*b as usize) % REFERENCE_ALPHABET.len()] as char));
    s
}

/// The reference as the citizen typed it, canonical (trimmed, upper case, without spaces or
/// dashes), or None when it cannot be a reference. Complaints filed before references existed
/// got hexadecimal ones, which this accepts too.
pub fn parse_reference(typed: &str) -> Option<String> {
    let s: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase();
    let rest = s.strip_prefix("TS")?;
    (rest.len() == REFERENCE_LEN && rest.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())).then_some(s)
}

/// Longest answer or note, in characters.
pub const MAX_COMPLAINT_TEXT: usize = 1000;

/// 处理情况: the agency's answer to a complaint, the payload of an outbox record of entity
/// `complaint_answer` (operation `upsert`, the record's id the answer's own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintAnswer {
    /// The complaint's id on the platform.
    pub complaint_id: Uuid,
    /// What the agency did, at most 1000 characters.
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub action: String,
    /// When it was done.
    pub done_on: NaiveDate,
    /// Who answered (the clerk's display name).
    pub answered_by: String,
    /// The clerk's account id on the agency's desks, for the agency's other desks, which keep
    /// the answer too. Absent from older desks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_by_id: Option<String>,
    /// When the desk recorded the answer. Absent from older desks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_reads_back_however_it_was_typed_and_nothing_else_does() {
        let r = reference_from([0, 1, 2, 3, 31, 32, 33, 100, 200, 255, 7, 8]);
        assert_eq!(r.len(), 14);
        assert!(!r[2..].contains(['0', '1', 'I', 'O']), "{r}");
        assert_eq!(parse_reference(&r).as_deref(), Some(r.as_str()));
        let typed = format!(" {}-{} ", r[..8].to_lowercase(), &r[8..]);
        assert_eq!(parse_reference(&typed).as_deref(), Some(r.as_str()));
        for bad in ["", "TS", "XX23456789ABCD", "TS23456789ABC", "TS23456789ABCDE", "TS2345678#ABCD", "TS二3456789ABCD"] {
            assert_eq!(parse_reference(bad), None, "{bad}");
        }
    }

    #[test]
    fn states_keep_their_names() {
        let names: Vec<_> = ComplaintState::ALL.iter().map(|s| serde_json::to_string(s).unwrap()).collect();
        assert_eq!(names, ["\"open\"", "\"answered\"", "\"asked_again\"", "\"closed\""]);
        assert!(ComplaintState::AskedAgain.awaits_agency() && !ComplaintState::Answered.awaits_agency());
    }
}
