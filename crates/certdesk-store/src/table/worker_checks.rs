//! `worker_checks`: the platform's check results per worker (platform check, police check).

use certdesk_protocol::sync::CheckKind;
use rusqlite::{params, Connection};

/// A check's stored code.
fn check_code(c: CheckKind) -> &'static str {
    match c {
        CheckKind::PlatformCheck => "platform_check",
        CheckKind::PoliceCheck => "police_check",
    }
}

/// Stores (or replaces) one check's result.
pub(crate) fn upsert(
    conn: &Connection,
    worker_id: &str,
    check: CheckKind,
    passed: bool,
    (reason_zh, reason_en): (&str, &str),
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO worker_checks (worker_id, check_kind, passed, reason_zh, reason_en, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (worker_id, check_kind) DO UPDATE SET passed = excluded.passed,
           reason_zh = excluded.reason_zh, reason_en = excluded.reason_en, received_at = excluded.received_at",
        params![worker_id, check_code(check), passed, reason_zh, reason_en, now],
    )?;
    Ok(())
}

/// A worker's results: (check, passed, reason in Chinese), by check.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<(String, bool, String)>> {
    let mut stmt = conn.prepare("SELECT check_kind, passed, reason_zh FROM worker_checks WHERE worker_id = ?1 ORDER BY check_kind")?;
    let rows = stmt.query_map([worker_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}
