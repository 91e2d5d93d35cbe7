//! How both backends spell the platform's values in their columns, and read them back: one
//! place for the codes and conversions SQLite's and PostgreSQL's rows share, so the two can
//! never disagree on what a stored value means.

use certdesk_domain::{ServiceType, WorkerStatus};
use chrono::{DateTime, NaiveDate, Utc};
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

/// A certificate in force on `today`: not cancelled, and its last valid day is not before
/// today. The one statement of the rule: the public page's count of an agency's certified
/// workers says it in SQL ([`certificate_in_force_sql`], on both backends) and the city
/// statistics in Rust ([`crate::flows::stats`]); a test holds the two to the same answers.
pub(crate) fn certificate_in_force(revoked: bool, valid_until: NaiveDate, today: NaiveDate) -> bool {
    !revoked && valid_until >= today
}

/// [`certificate_in_force`] as a condition on a `certificates` row, `today` being the
/// placeholder that binds the day (`?2` on SQLite, `$2` on PostgreSQL). Both backends keep
/// `valid_until` so that it compares as a date with the day bound (SQLite's ISO text, a
/// PostgreSQL `date`).
pub(crate) fn certificate_in_force_sql(today: &str) -> String {
    format!("revoked_at IS NULL AND valid_until >= {today}")
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

/// The service types a certificate shows, as stored: the JSON array of the worker's record or
/// of the approved snapshot, `None` (SQL NULL) for none. They are read by the same rule that
/// accepted the record when it was pushed ([`certdesk_domain::parse_service_types`]: codes, labels,
/// a cell of several), so whatever the platform took reads back; text that is no array of
/// strings, or that the rule refuses, is a corrupt row.
pub(crate) fn service_types_of(certificate_code: &str, json: Option<&str>) -> StoreResult<Vec<ServiceType>> {
    let Some(json) = json else {
        return Ok(Vec::new());
    };
    let stored: Vec<String> = serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("service types of {certificate_code}: {e}")))?;
    if stored.is_empty() {
        return Ok(Vec::new());
    }
    certdesk_domain::parse_service_types(&stored)
        .map_err(|e| StoreError::Corrupt(format!("service types of {certificate_code}: {}", e.message_en)))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The SQL condition and the Rust rule answer alike, including on the last valid day and
    /// for a cancelled certificate (SQLite here; PostgreSQL runs the same text in the store
    /// tests of the public page's agency count).
    #[test]
    fn a_certificate_is_in_force_alike_in_sql_and_in_rust() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE certificates (id INTEGER, revoked_at TEXT, valid_until TEXT NOT NULL)").unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let days = [today.pred_opt().unwrap(), today, today.succ_opt().unwrap()];
        let mut expected = Vec::new();
        for (i, (revoked, until)) in [false, true].into_iter().flat_map(|r| days.map(|d| (r, d))).enumerate() {
            let revoked_at = revoked.then_some("2026-11-01T00:00:00.000Z");
            conn.execute("INSERT INTO certificates VALUES (?1, ?2, ?3)", rusqlite::params![i, revoked_at, until.to_string()]).unwrap();
            if certificate_in_force(revoked, until, today) {
                expected.push(i as i64);
            }
        }
        let sql = format!("SELECT id FROM certificates WHERE ?1 = ?1 AND {} ORDER BY id", certificate_in_force_sql("?2"));
        let mut stmt = conn.prepare(&sql).unwrap();
        let found: Vec<i64> = stmt.query_map(rusqlite::params![0, today.to_string()], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert_eq!(found, expected);
        assert_eq!(expected, [1, 2], "in force on its last valid day and after none; a cancelled one never");
    }
}
