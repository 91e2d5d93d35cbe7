//! The rows of complaint coordination (投诉协调, issue 14 item 5): a complaint as the office
//! sees it, its history after it was filed, and what the citizen's lookup by reference reads.
//! The flow in [`crate::flows::complaints`] decides what may happen to them.

use certdesk_protocol::complaint::ComplaintState;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{StoreError, StoreResult};

/// What the citizen's lookup by reference reads: the state and two times, nothing personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintStatus {
    /// Where it stands.
    pub state: ComplaintState,
    /// When it was filed.
    pub created_at: DateTime<Utc>,
    /// When its state last changed.
    pub updated_at: DateTime<Utc>,
}

/// A complaint as the programme office sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintRow {
    /// Its id (the change's id the agency pulled).
    pub id: Uuid,
    /// 投诉编号.
    pub reference: String,
    /// The worker's agency.
    pub agency_id: Uuid,
    /// Its registered name.
    pub agency_name: String,
    /// The worker concerned.
    pub worker_id: Uuid,
    /// The worker's name as the platform holds it.
    pub worker_name: String,
    /// The certificate of the scanned card.
    pub certificate_code: String,
    /// What the citizen wrote.
    pub text: String,
    /// How to reach the citizen (may be empty).
    pub contact: String,
    /// Where it stands.
    pub state: ComplaintState,
    /// When it was filed.
    pub created_at: DateTime<Utc>,
    /// When its state last changed.
    pub updated_at: DateTime<Utc>,
}

/// What happened to a complaint after it was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintEventKind {
    /// The agency answered from a desk.
    Answered,
    /// The office asked the agency again.
    AskedAgain,
    /// The office closed it.
    Closed,
}

impl ComplaintEventKind {
    /// Every value.
    pub const ALL: [ComplaintEventKind; 3] = [ComplaintEventKind::Answered, ComplaintEventKind::AskedAgain, ComplaintEventKind::Closed];

    /// The stored name.
    pub const fn code(self) -> &'static str {
        match self {
            ComplaintEventKind::Answered => "answered",
            ComplaintEventKind::AskedAgain => "asked_again",
            ComplaintEventKind::Closed => "closed",
        }
    }

    /// The state a complaint is in after this event.
    pub const fn state_after(self) -> ComplaintState {
        match self {
            ComplaintEventKind::Answered => ComplaintState::Answered,
            ComplaintEventKind::AskedAgain => ComplaintState::AskedAgain,
            ComplaintEventKind::Closed => ComplaintState::Closed,
        }
    }
}

/// One event of a complaint's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintEvent {
    /// Its id (an answer's is the desk's record id, so a repeat is recognised).
    pub id: Uuid,
    /// The complaint.
    pub complaint_id: Uuid,
    /// What happened.
    pub kind: ComplaintEventKind,
    /// The answer, the office's request or its conclusion.
    pub text: String,
    /// When the agency did what it answered (answers only).
    pub done_on: Option<NaiveDate>,
    /// The clerk's name or the operator's username.
    pub by_whom: String,
    /// The desk an answer came from.
    pub device_id: Option<Uuid>,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}

/// Which complaints the office's list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ComplaintFilter {
    /// One agency's only.
    pub agency_id: Option<Uuid>,
    /// Closed ones too.
    pub with_closed: bool,
}

/// A stored state code; anything else is a corrupt row.
pub(crate) fn state_of(code: &str) -> StoreResult<ComplaintState> {
    <ComplaintState as certdesk_domain::Code>::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("complaint state {code}")))
}

/// A stored event kind; anything else is a corrupt row.
pub(crate) fn event_kind_of(code: &str) -> StoreResult<ComplaintEventKind> {
    ComplaintEventKind::ALL.into_iter().find(|k| k.code() == code).ok_or_else(|| StoreError::Corrupt(format!("complaint event {code}")))
}
