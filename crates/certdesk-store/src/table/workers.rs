//! `workers`: one row per enrolled person. Every statement that writes it, the worker record
//! (joined to `users` for the display names), the worker list and search, and the roster's
//! query (joined to the latest exam and the credited training).
//!
//! The reversed copies of the ID number and the phone (`id_rev`, `phone_rev`) are written here
//! from the values themselves, so no caller can store one without the other.

use certdesk_domain::{ValidWorker, WorkerStatus};
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use crate::column;
use crate::search::WorkerSummary;
use crate::workers::{reversed, Worker};
use crate::{DeskError, DeskResult};

const COLUMNS: &str = "w.id, w.name, w.id_number, w.id_number_legacy, w.gender, w.birth_date, w.phone, w.address,
    w.service_types, w.emergency_contact_name, w.emergency_contact_phone, w.photo_sha256, w.consent_date,
    cw.display_name, w.agency_check_done, cb.display_name, w.agency_check_at, w.status, w.certificate_code,
    w.created_at, w.updated_at, w.version, w.field_times, w.consent_witness_id, w.agency_check_by, w.created_by, w.updated_by, w.field_authors, w.status_at";

const FROM: &str = "FROM workers w
    JOIN users cw ON cw.id = w.consent_witness_id
    JOIN users cb ON cb.id = w.agency_check_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Worker> {
    Ok(Worker {
        id: r.get(0)?,
        name: r.get(1)?,
        id_number: r.get(2)?,
        id_number_legacy: r.get(3)?,
        gender: column::code(r, 4)?,
        birth_date: r.get(5)?,
        phone: r.get(6)?,
        address: r.get(7)?,
        service_types: column::code_list(r, 8)?,
        emergency_contact_name: r.get(9)?,
        emergency_contact_phone: r.get(10)?,
        photo_sha256: r.get(11)?,
        consent_date: r.get(12)?,
        consent_witness: r.get(13)?,
        agency_check_done: r.get(14)?,
        agency_check_by: r.get(15)?,
        agency_check_at: r.get(16)?,
        status: column::code(r, 17)?,
        certificate_code: r.get(18)?,
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
        version: r.get(21)?,
        field_times: serde_json::from_str(&r.get::<_, String>(22)?).unwrap_or_default(),
        consent_witness_id: r.get(23)?,
        agency_check_by_id: r.get(24)?,
        created_by_id: r.get(25)?,
        updated_by_id: r.get(26)?,
        field_authors: serde_json::from_str(&r.get::<_, String>(27)?).unwrap_or_default(),
        status_at: r.get(28)?,
    })
}

/// A worker's details as a clerk typed them (validated), and who writes them when.
pub(crate) struct WorkerRow<'a> {
    pub id: &'a str,
    pub valid: &'a ValidWorker,
    pub photo_sha256: Option<&'a str>,
    pub user_id: &'a str,
    pub now: &'a str,
    /// The `field_times` JSON to store (see [`crate::workers::stamped`]).
    pub field_times: &'a str,
    /// The `field_authors` JSON to store.
    pub field_authors: &'a str,
}

/// A new worker: enrolled, version 1, consent witnessed and ID card checked by `user_id` now.
pub(crate) fn insert(conn: &Connection, row: &WorkerRow<'_>) -> rusqlite::Result<()> {
    let v = row.valid;
    conn.prepare_cached(
        "INSERT INTO workers (id, name, id_number, id_number_legacy, id_rev, gender, birth_date, phone, phone_rev,
            address, service_types, emergency_contact_name, emergency_contact_phone, photo_sha256,
            consent_date, consent_witness_id, agency_check_done, agency_check_by, agency_check_at,
            status, certificate_code, created_at, created_by, updated_at, updated_by, version, field_times, field_authors, status_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 1, ?16, ?17,
            'enrolled', NULL, ?17, ?16, ?17, ?16, 1, ?18, ?19, ?17)",
    )?
    .execute(params![
        row.id,
        v.name,
        v.id_number.as_str(),
        v.id_number.legacy(),
        reversed(v.id_number.as_str()),
        v.id_number.gender().code(),
        v.id_number.birth_date().to_string(),
        v.phone.as_str(),
        reversed(v.phone.as_str()),
        v.address,
        column::code_list_json(&v.service_types),
        v.emergency_contact_name,
        v.emergency_contact_phone,
        row.photo_sha256,
        v.consent_date.to_string(),
        row.user_id,
        row.now,
        row.field_times,
        row.field_authors,
    ])?;
    Ok(())
}

/// Overwrites a worker's details and bumps the version; `new_witness`: the consent was signed
/// again, witnessed by `user_id`.
pub(crate) fn update_details(conn: &Connection, row: &WorkerRow<'_>, new_witness: bool) -> rusqlite::Result<()> {
    let v = row.valid;
    let witness_sql = if new_witness { "consent_witness_id = ?14," } else { "" };
    conn.execute(
        &format!(
            "UPDATE workers SET name = ?2, id_number = ?3, id_number_legacy = ?4, id_rev = ?5, gender = ?6,
                birth_date = ?7, phone = ?8, phone_rev = ?9, address = ?10, service_types = ?11,
                emergency_contact_name = ?12, emergency_contact_phone = ?13, {witness_sql}
                photo_sha256 = ?15, consent_date = ?16, updated_at = ?17, updated_by = ?14, field_times = ?18, field_authors = ?19, version = version + 1
             WHERE id = ?1"
        ),
        params![
            row.id,
            v.name,
            v.id_number.as_str(),
            v.id_number.legacy(),
            reversed(v.id_number.as_str()),
            v.id_number.gender().code(),
            v.id_number.birth_date().to_string(),
            v.phone.as_str(),
            reversed(v.phone.as_str()),
            v.address,
            column::code_list_json(&v.service_types),
            v.emergency_contact_name,
            v.emergency_contact_phone,
            row.user_id,
            row.photo_sha256,
            v.consent_date.to_string(),
            row.now,
            row.field_times,
            row.field_authors,
        ],
    )?;
    Ok(())
}

/// Who wrote a worker another desk of the agency relayed, and when (the relayed copy's own).
pub(crate) struct Authorship<'a> {
    pub consent_witness_id: &'a str,
    pub agency_check_by: &'a str,
    pub agency_check_at: &'a str,
    pub created_at: &'a str,
    pub created_by: &'a str,
    pub updated_by: &'a str,
}

/// Sets who wrote a relayed worker, as the copy says.
pub(crate) fn set_authorship(conn: &Connection, id: &str, a: &Authorship<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE workers SET consent_witness_id = ?2, agency_check_by = ?3, agency_check_at = ?4, created_at = ?5,
            created_by = ?6, updated_by = ?7
         WHERE id = ?1",
        params![id, a.consent_witness_id, a.agency_check_by, a.agency_check_at, a.created_at, a.created_by, a.updated_by],
    )?;
    Ok(())
}

/// Whether another worker holds this certificate code.
pub(crate) fn certificate_code_taken(conn: &Connection, code: &str, other_than: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM workers WHERE certificate_code = ?1 AND id <> ?2)", [code, other_than], |r| r.get(0))
}

/// Moves a worker to `to` (decided `now`) and bumps the version. `user_id`: who made the move,
/// or `None` to keep the last editor (the platform's decisions).
pub(crate) fn set_status(conn: &Connection, id: &str, to: WorkerStatus, now: &str, user_id: Option<&str>) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE workers SET status = ?2, updated_at = ?3, status_at = ?3, updated_by = COALESCE(?4, updated_by), version = version + 1
         WHERE id = ?1",
        params![id, to.code(), now, user_id],
    )?;
    Ok(())
}

/// Stores the certificate code the platform assigned.
pub(crate) fn set_certificate_code(conn: &Connection, id: &str, certificate_code: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE workers SET certificate_code = ?2 WHERE id = ?1", params![id, certificate_code])?;
    Ok(())
}

/// One worker, with the display names of the users who witnessed and checked.
pub(crate) fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<Worker>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} {FROM} WHERE w.id = ?1"))?.query_row([id], from_row).optional()
}

/// A worker's status, `None` when there is no such worker.
pub(crate) fn status(conn: &Connection, id: &str) -> rusqlite::Result<Option<WorkerStatus>> {
    conn.query_row("SELECT status FROM workers WHERE id = ?1", [id], |r| column::code(r, 0)).optional()
}

/// What eligibility reads of the worker record itself: the consent, the agency check and the
/// details that may be completed later.
pub(crate) struct EligibilityRecord {
    pub consent_date: String,
    pub agency_check_done: bool,
    pub address: String,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
}

/// [`EligibilityRecord`] of a worker; an error when there is no such worker.
pub(crate) fn eligibility_record(conn: &Connection, id: &str) -> rusqlite::Result<EligibilityRecord> {
    conn.query_row(
        "SELECT consent_date, agency_check_done, address, emergency_contact_name, emergency_contact_phone FROM workers WHERE id = ?1",
        [id],
        |r| {
            Ok(EligibilityRecord {
                consent_date: r.get(0)?,
                agency_check_done: r.get(1)?,
                address: r.get(2)?,
                emergency_contact_name: r.get(3)?,
                emergency_contact_phone: r.get(4)?,
            })
        },
    )
}

/// A worker whose record lacks a detail to be completed later: the three details as stored
/// (address, emergency contact's name, their phone).
pub(crate) struct ToCompleteRow {
    pub id: String,
    pub name: String,
    pub status: WorkerStatus,
    pub details: [String; 3],
}

/// Workers whose record lacks a detail to be completed later (待补全), in enrolment order,
/// cancelled ones left out.
pub(crate) fn to_complete(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<ToCompleteRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, status, address, emergency_contact_name, emergency_contact_phone FROM workers
         WHERE (trim(address) = '' OR trim(emergency_contact_name) = '' OR trim(emergency_contact_phone) = '')
           AND status <> 'cancelled'
         ORDER BY created_at, rowid LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(ToCompleteRow { id: r.get(0)?, name: r.get(1)?, status: column::code(r, 2)?, details: [r.get(3)?, r.get(4)?, r.get(5)?] })
    })?;
    rows.collect()
}

/// The id and name of the worker with this (canonical) ID number.
pub(crate) fn id_and_name_by_id_number(conn: &Connection, id_number: &str) -> rusqlite::Result<Option<(String, String)>> {
    conn.query_row("SELECT id, name FROM workers WHERE id_number = ?1", [id_number], |r| Ok((r.get(0)?, r.get(1)?))).optional()
}

/// The name of the worker with this ID number (the import's duplicate check, once a row).
pub(crate) fn name_by_id_number(conn: &Connection, id_number: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT name FROM workers WHERE id_number = ?1")?.query_row([id_number], |r| r.get(0)).optional()
}

/// The id, name and status of the worker with this ID number (the hours import, once a row).
pub(crate) fn brief_by_id_number(conn: &Connection, id_number: &str) -> rusqlite::Result<Option<(String, String, WorkerStatus)>> {
    conn.prepare_cached("SELECT id, name, status FROM workers WHERE id_number = ?1")?
        .query_row([id_number], |r| Ok((r.get(0)?, r.get(1)?, column::code(r, 2)?)))
        .optional()
}

/// The ids of the workers in `status`, oldest enrolment first.
pub(crate) fn ids_with_status(conn: &Connection, status: WorkerStatus) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM workers WHERE status = ?1 ORDER BY id")?;
    let rows = stmt.query_map([status.code()], |r| r.get(0))?;
    rows.collect()
}

/// The ids of the workers in `status` who hold a certificate, the oldest received first.
pub(crate) fn ids_with_certificate(conn: &Connection, status: WorkerStatus) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT w.id FROM workers w JOIN worker_certificates c ON c.worker_id = w.id
         WHERE w.status = ?1 ORDER BY c.received_at, w.id",
    )?;
    let rows = stmt.query_map([status.code()], |r| r.get(0))?;
    rows.collect()
}

/// How many workers there are.
pub(crate) fn count(conn: &Connection) -> rusqlite::Result<u64> {
    conn.prepare_cached("SELECT count(*) FROM workers")?.query_row([], |r| r.get(0))
}

// --- The worker list and search -------------------------------------------------------------

/// A set of matching worker ids (a column `id`) as SQL, with its parameters.
pub(crate) struct Candidates {
    pub(super) sql: String,
    pub(super) args: Vec<Value>,
}

/// A text column of `workers` searched by range.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RangeColumn {
    IdNumber,
    IdRev,
    Phone,
    PhoneRev,
    CertificateCode,
}

impl RangeColumn {
    fn name(self) -> &'static str {
        match self {
            RangeColumn::IdNumber => "id_number",
            RangeColumn::IdRev => "id_rev",
            RangeColumn::Phone => "phone",
            RangeColumn::PhoneRev => "phone_rev",
            RangeColumn::CertificateCode => "certificate_code",
        }
    }
}

impl Candidates {
    /// Workers whose `col` is in `[lo, hi)`: an index range.
    pub(crate) fn range(col: RangeColumn, lo: String, hi: String) -> Candidates {
        let col = col.name();
        Candidates {
            sql: format!("SELECT id FROM workers WHERE {col} >= ? AND {col} < ?"),
            args: vec![Value::Text(lo), Value::Text(hi)],
        }
    }

    /// Workers in either set.
    pub(crate) fn union(mut self, other: Candidates) -> Candidates {
        self.sql = format!("{} UNION {}", self.sql, other.sql);
        self.args.extend(other.args);
        self
    }
}

/// The list's FROM and WHERE for `candidates` (every worker when `None`) and `status`.
fn list_from(candidates: Option<&Candidates>, status: Option<WorkerStatus>) -> (String, &'static str, Vec<Value>) {
    let (from, mut args) = match candidates {
        None => ("workers w".to_string(), vec![]),
        // CROSS JOIN keeps the candidates as the outer loop: SQLite must not walk
        // every worker of a status and probe the candidates instead.
        Some(c) => (format!("({}) m CROSS JOIN workers w ON w.id = m.id", c.sql), c.args.clone()),
    };
    let status_sql = if status.is_some() { "WHERE w.status = ?" } else { "" };
    if let Some(s) = status {
        args.push(Value::Text(s.code().to_string()));
    }
    (from, status_sql, args)
}

/// How many of `candidates` are in `status` (any when `None`), counting no further than `limit`.
pub(crate) fn count_matching(
    conn: &Connection,
    candidates: &Candidates,
    status: Option<WorkerStatus>,
    limit: u64,
) -> rusqlite::Result<u64> {
    let (from, status_sql, mut args) = list_from(Some(candidates), status);
    args.push(Value::Integer(limit as i64));
    conn.prepare_cached(&format!("SELECT count(*) FROM (SELECT 1 FROM {from} {status_sql} LIMIT ?)"))?
        .query_row(params_from_iter(args.iter()), |r| r.get(0))
}

/// The list rows of `candidates` (every worker when `None`) in `status`, newest first.
pub(crate) fn summaries(
    conn: &Connection,
    candidates: Option<&Candidates>,
    status: Option<WorkerStatus>,
    limit: usize,
) -> rusqlite::Result<Vec<WorkerSummary>> {
    let (from, status_sql, mut args) = list_from(candidates, status);
    let order = if candidates.is_some() { "m.id" } else { "w.id" };
    args.push(Value::Integer(limit as i64));
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT w.id, w.name, w.id_number, w.phone, w.gender, w.status, w.certificate_code, w.updated_at
         FROM {from} {status_sql} ORDER BY {order} DESC LIMIT ?"
    ))?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        Ok(WorkerSummary {
            id: r.get(0)?,
            name: r.get(1)?,
            id_number: r.get(2)?,
            phone: r.get(3)?,
            gender: column::code(r, 4)?,
            status: column::code(r, 5)?,
            certificate_code: r.get(6)?,
            updated_at: r.get(7)?,
        })
    })?;
    rows.collect()
}

// --- The roster ------------------------------------------------------------------------------

/// One roster line: the worker, the latest exam attempt, the training credited.
pub(crate) struct RosterLine {
    pub name: String,
    pub id_number: String,
    pub certificate_code: Option<String>,
    pub phone: String,
    pub score: Option<f64>,
    pub exam_date: Option<String>,
    pub half_hours: Option<i64>,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    /// As stored (the roster shows an unknown code as it is).
    pub status: String,
    /// The latest health check (by its date): date, result code, last day.
    pub health_checked_on: Option<String>,
    pub health_result: Option<String>,
    pub health_valid_until: Option<String>,
    /// The policy covering longest: kind code, last day.
    pub insurance_kind: Option<String>,
    pub insurance_valid_until: Option<String>,
}

/// Which workers the roster lists: `statuses` (every status when `None`), the latest exam
/// date within `[from, to]` when given.
pub(crate) struct RosterQuery<'a> {
    pub statuses: Option<&'a [WorkerStatus]>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Streams the roster's lines, in enrolment order, through `f` (one query, constant memory).
pub(crate) fn with_roster<T>(
    conn: &Connection,
    q: &RosterQuery<'_>,
    f: impl FnOnce(&mut dyn Iterator<Item = DeskResult<RosterLine>>) -> T,
) -> DeskResult<T> {
    let mut sql = String::from(
        "WITH latest AS (
            SELECT e.worker_id, e.score, e.exam_date FROM exam_results e
            WHERE e.attempt = (SELECT max(x.attempt) FROM exam_results x WHERE x.worker_id = e.worker_id)
         ), health AS (
            SELECT h.worker_id, h.checked_on, h.result, h.valid_until FROM health_checks h
            WHERE h.id = (SELECT x.id FROM health_checks x WHERE x.worker_id = h.worker_id ORDER BY x.checked_on DESC, x.id DESC LIMIT 1)
         ), cover AS (
            SELECT i.worker_id, i.kind, i.valid_until FROM insurance_policies i
            WHERE i.id = (SELECT x.id FROM insurance_policies x WHERE x.worker_id = i.worker_id ORDER BY x.valid_until DESC, x.id DESC LIMIT 1)
         ), hours AS (
            SELECT p.worker_id, sum(p.credited_half_hours) AS h,
                   min(substr(c.starts_at, 1, 10)) AS first, max(substr(c.ends_at, 1, 10)) AS last
            FROM class_participants p JOIN training_classes c ON c.id = p.class_id
            WHERE p.credited_half_hours > 0 GROUP BY p.worker_id
         )
         SELECT w.name, w.id_number, w.certificate_code, w.phone, l.score, l.exam_date, h.h, h.first, h.last, w.status,
                hc.checked_on, hc.result, hc.valid_until, ic.kind, ic.valid_until
         FROM workers w LEFT JOIN latest l ON l.worker_id = w.id LEFT JOIN hours h ON h.worker_id = w.id
              LEFT JOIN health hc ON hc.worker_id = w.id LEFT JOIN cover ic ON ic.worker_id = w.id
         WHERE 1 = 1",
    );
    let mut args: Vec<Value> = Vec::new();
    if let Some(statuses) = q.statuses {
        sql.push_str(&format!(" AND w.status IN ({})", vec!["?"; statuses.len()].join(",")));
        args.extend(statuses.iter().map(|s| Value::Text(s.code().to_string())));
    }
    if let Some(from) = q.from {
        sql.push_str(" AND l.exam_date >= ?");
        args.push(Value::Text(from.to_string()));
    }
    if let Some(to) = q.to {
        sql.push_str(" AND l.exam_date <= ?");
        args.push(Value::Text(to.to_string()));
    }
    sql.push_str(" ORDER BY w.id");
    let mut stmt = conn.prepare(&sql)?;
    let mut query = stmt.query(params_from_iter(args.iter()))?;
    let mut lines = std::iter::from_fn(|| {
        let row = match query.next() {
            Ok(Some(r)) => r,
            Ok(None) => return None,
            Err(e) => return Some(Err(DeskError::from(e))),
        };
        let line = (|| -> rusqlite::Result<RosterLine> {
            Ok(RosterLine {
                name: row.get(0)?,
                id_number: row.get(1)?,
                certificate_code: row.get(2)?,
                phone: row.get(3)?,
                score: row.get(4)?,
                exam_date: row.get(5)?,
                half_hours: row.get(6)?,
                first_day: row.get(7)?,
                last_day: row.get(8)?,
                status: row.get(9)?,
                health_checked_on: row.get(10)?,
                health_result: row.get(11)?,
                health_valid_until: row.get(12)?,
                insurance_kind: row.get(13)?,
                insurance_valid_until: row.get(14)?,
            })
        })();
        Some(line.map_err(DeskError::from))
    });
    Ok(f(&mut lines))
}

/// Each worker's (not cancelled) latest health check's and longest policy's last day:
/// (worker id, worker name, `health_check` | `insurance`, valid until).
pub(crate) fn latest_cover_ends(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String, String)>> {
    let mut stmt = conn.prepare(
        // From the checks and policies to their workers (CROSS JOIN keeps that order): a desk
        // of 200,000 workers, most with none, read every worker the other way round (1.4 s).
        "SELECT w.id, w.name, 'health_check', h.valid_until FROM health_checks h CROSS JOIN workers w ON w.id = h.worker_id
         WHERE w.status <> 'cancelled'
           AND h.id = (SELECT x.id FROM health_checks x WHERE x.worker_id = h.worker_id ORDER BY x.checked_on DESC, x.id DESC LIMIT 1)
         UNION ALL
         SELECT w.id, w.name, 'insurance', max(i.valid_until) FROM insurance_policies i CROSS JOIN workers w ON w.id = i.worker_id
         WHERE w.status <> 'cancelled' GROUP BY w.id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect()
}

/// Every worker's id, oldest enrolment first (announcing what the desk holds).
pub(crate) fn all_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM workers ORDER BY created_at, id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Every table that names a worker by its `worker_id` column (a test checks this list against
/// the schema, so a new table cannot be left out of a merge).
pub(crate) const WORKER_TABLES: &[&str] = &[
    "worker_name_grams",
    "class_participants",
    "exam_results",
    "worker_certificates",
    "worker_checks",
    "worker_rejections",
    "card_prints",
    "card_handovers",
    "card_losses",
    "cancellations",
    "card_activations",
    "health_checks",
    "insurance_policies",
    "feedback",
    "service_visits",
    // Decisions kept for a merged id follow the kept record.
    "parked_decisions",
    // Ids merged into `from` before name `into` after.
    "worker_aliases",
];

/// Moves worker `from` and everything naming it to the id `into` (the platform merged the two
/// records of one person). When this desk holds no `into`, the row takes that id; when it holds
/// both, `into` takes `from`'s rows (a row `into` already has of the same kind, such as the same
/// class, stays `into`'s; exam attempts are all kept, to be numbered again by the caller) and
/// `from` goes. Inside the caller's transaction; the foreign keys are checked at its commit.
pub(crate) fn merge_into(conn: &Connection, from: &str, into: &str) -> rusqlite::Result<()> {
    let into_held = status(conn, into)?.is_some();
    if into_held {
        super::exam_results::set_aside(conn, from, into)?;
    }
    conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    let or_ignore = if into_held { "OR IGNORE " } else { "" };
    for table in WORKER_TABLES {
        conn.execute(&format!("UPDATE {or_ignore}{table} SET worker_id = ?2 WHERE worker_id = ?1"), [from, into])?;
        if into_held {
            conn.execute(&format!("DELETE FROM {table} WHERE worker_id = ?1"), [from])?;
        }
    }
    if into_held {
        conn.execute("DELETE FROM workers WHERE id = ?1", [from])?;
    } else {
        conn.execute("UPDATE workers SET id = ?2 WHERE id = ?1", [from, into])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A merge moves every row naming the worker: every table with a `worker_id` column is in
    /// [`super::WORKER_TABLES`], and nothing else is.
    #[test]
    fn every_table_naming_a_worker_is_moved_by_a_merge() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open_connection(dir.path()).unwrap();
        let mut stmt = conn
            .prepare("SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'worker_id' ORDER BY m.name")
            .unwrap();
        let in_schema: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        let mut listed: Vec<&str> = super::WORKER_TABLES.to_vec();
        listed.sort_unstable();
        assert_eq!(in_schema, listed);
    }
}
