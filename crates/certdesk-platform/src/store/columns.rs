//! How both backends spell the platform's values in their columns, and read them back: one
//! place for the codes and conversions SQLite's and PostgreSQL's rows share, so the two can
//! never disagree on what a stored value means.

use certdesk_domain::WorkerStatus;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::operators::OperatorRole;
use super::public::FeedbackKind;
use super::repo::{ApplicationDecision, ApplicationKind, ApplicationStatus};
use super::{StoreError, StoreResult};

/// A time as the platform's strings carry it (RFC 3339, milliseconds, `Z`): SQLite stores this
/// text, and PostgreSQL's times are printed with it wherever a string leaves the store, so what
/// an operator or a desk reads does not depend on the backend.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A stored key algorithm code; anything else is a corrupt row.
pub(crate) fn algorithm_of(code: &str) -> StoreResult<certdesk_protocol::credential::KeyAlgorithm> {
    certdesk_protocol::credential::KeyAlgorithm::ALL
        .into_iter()
        .find(|a| a.code() == code)
        .ok_or_else(|| StoreError::Corrupt(format!("key algorithm {code}")))
}

/// A stored worker status; anything else is a corrupt row.
pub(crate) fn status_of(s: &str) -> StoreResult<WorkerStatus> {
    WorkerStatus::parse(s).ok_or_else(|| StoreError::Corrupt(format!("status {s}")))
}

/// A stored role code; anything else is a corrupt row.
pub(crate) fn role_of(code: &str) -> StoreResult<OperatorRole> {
    <OperatorRole as certdesk_domain::Code>::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("operator role {code}")))
}

/// A stored number that must fit `T` (a card version, a count); anything else is a corrupt row.
pub(crate) fn fits<T: TryFrom<i64>>(what: &str, n: impl Into<i64>) -> StoreResult<T> {
    let n = n.into();
    T::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n}")))
}

/// What a TOTP secret's seal is bound to: its operator's row.
pub(crate) fn totp_aad(operator_id: Uuid) -> Vec<u8> {
    [b"totp:".as_slice(), operator_id.as_bytes()].concat()
}

/// The table a kind of feedback lives in. Table names cannot be bound as parameters; these are
/// the only three and come from this match, never from input.
pub(crate) fn feedback_table(kind: FeedbackKind) -> &'static str {
    match kind {
        FeedbackKind::Rating => "ratings",
        FeedbackKind::Complaint => "complaints",
        FeedbackKind::Visit => "visits",
    }
}

/// An application's stored status and reason for a decision.
pub(crate) fn application_status(decision: ApplicationDecision<'_>) -> (&'static str, Option<&str>) {
    let (status, reason) = match decision {
        ApplicationDecision::Approved => (ApplicationStatus::Approved, None),
        ApplicationDecision::Rejected { reason } => (ApplicationStatus::Rejected, Some(reason)),
        ApplicationDecision::Withdrawn => (ApplicationStatus::Withdrawn, None),
    };
    (status.code(), reason)
}

/// A stored application status; anything else is a corrupt row.
pub(crate) fn application_status_of(code: &str) -> StoreResult<ApplicationStatus> {
    <ApplicationStatus as certdesk_domain::Code>::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("application status {code}")))
}

/// A stored application kind; anything else is a corrupt row.
pub(crate) fn application_kind_of(code: &str) -> StoreResult<ApplicationKind> {
    <ApplicationKind as certdesk_domain::Code>::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("application kind {code}")))
}

/// A synced class's mode as its desk sent it. The payload is the desk's, kept as sent, so a
/// mode the platform does not know is no corrupt row: `None`, and the class counts for nothing.
pub(crate) fn class_mode_of(code: &str) -> Option<certdesk_domain::training::ClassMode> {
    certdesk_domain::training::ClassMode::ALL.into_iter().find(|m| m.code() == code)
}
