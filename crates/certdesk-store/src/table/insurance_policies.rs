//! `insurance_policies`: every insurance policy (保险) of a worker. Read with the recording
//! user's display name; the deadline list joins the workers.

use certdesk_domain::health::ValidInsurance;
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::column;
use crate::health::InsurancePolicy;

const SELECT: &str = "SELECT p.id, p.worker_id, p.insurer, p.policy_number, p.kind, p.valid_from, p.valid_until,
        p.recorded_at, u.display_name, p.recorded_by
    FROM insurance_policies p JOIN users u ON u.id = p.recorded_by";

fn from_row(r: &Row<'_>) -> rusqlite::Result<InsurancePolicy> {
    Ok(InsurancePolicy {
        id: r.get(0)?,
        worker_id: r.get(1)?,
        insurer: r.get(2)?,
        policy_number: r.get(3)?,
        kind: column::code(r, 4)?,
        valid_from: r.get(5)?,
        valid_until: r.get(6)?,
        recorded_at: r.get(7)?,
        recorded_by: r.get(8)?,
        recorded_by_id: r.get(9)?,
    })
}

/// Records a policy for `worker_id`, by `user_id` now.
pub(crate) fn insert(conn: &Connection, (id, worker_id): (&str, &str), v: &ValidInsurance, (user_id, now): (&str, &str)) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO insurance_policies (id, worker_id, insurer, policy_number, kind, valid_from, valid_until,
            recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            worker_id,
            v.insurer,
            v.policy_number,
            v.kind.code(),
            v.valid_from.to_string(),
            v.valid_until.to_string(),
            now,
            user_id
        ],
    )?;
    Ok(())
}

/// One policy.
pub(crate) fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<InsurancePolicy> {
    conn.prepare_cached(&format!("{SELECT} WHERE p.id = ?1"))?.query_row([id], from_row)
}

/// The id of this worker's policy with this number, if recorded.
pub(crate) fn same(conn: &Connection, worker_id: &str, policy_number: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT id FROM insurance_policies WHERE worker_id = ?1 AND policy_number = ?2",
        [worker_id, policy_number],
        |r| r.get(0),
    )
    .optional()
}

/// A worker's policies, the latest cover first.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<InsurancePolicy>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE p.worker_id = ?1 ORDER BY p.valid_until DESC, p.valid_from DESC"))?;
    let rows = stmt.query_map([worker_id], from_row)?;
    rows.collect()
}


/// Whether this desk holds the policy `id`.
pub(crate) fn exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM insurance_policies WHERE id = ?1)", [id], |r| r.get(0))
}

/// Every record's id, in the order recorded.
pub(crate) fn all_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM insurance_policies ORDER BY recorded_at, id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}
