//! `worker_rejections`: why the platform last refused a worker's application (one row each).

use rusqlite::{params, Connection, OptionalExtension};

use crate::SyncErrorInfo;

/// Stores (or replaces) the refusal.
pub(crate) fn upsert(conn: &Connection, worker_id: &str, code: &str, (zh, en): (&str, &str), now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO worker_rejections (worker_id, code, message_zh, message_en, received_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (worker_id) DO UPDATE SET code = excluded.code, message_zh = excluded.message_zh,
           message_en = excluded.message_en, received_at = excluded.received_at",
        params![worker_id, code, zh, en, now],
    )?;
    Ok(())
}

/// Forgets the refusal (the worker was approved).
pub(crate) fn delete(conn: &Connection, worker_id: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM worker_rejections WHERE worker_id = ?1", [worker_id])?;
    Ok(())
}

/// The worker's refusal, if any.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Option<SyncErrorInfo>> {
    conn.query_row(
        "SELECT code, message_zh, message_en, received_at FROM worker_rejections WHERE worker_id = ?1",
        [worker_id],
        |r| Ok(SyncErrorInfo { code: r.get(0)?, message_zh: r.get(1)?, message_en: r.get(2)?, at: r.get(3)? }),
    )
    .optional()
}
