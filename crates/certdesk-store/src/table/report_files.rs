//! `report_files`: health check reports (PDF, JPEG, PNG), stored once each under the SHA-256
//! of their bytes.

use rusqlite::{params, Connection, OptionalExtension};

/// Stores a report (a report already stored stays as it is).
pub(crate) fn insert(conn: &Connection, sha256: &str, mime: &str, bytes: &[u8], now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO report_files (sha256, mime, size, bytes, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![sha256, mime, bytes.len() as i64, bytes, now],
    )?;
    Ok(())
}

/// A stored report's MIME type and bytes.
pub(crate) fn get(conn: &Connection, sha256: &str) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    conn.query_row("SELECT mime, bytes FROM report_files WHERE sha256 = ?1", [sha256], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// Whether the platform holds this report.
pub(crate) fn uploaded(conn: &Connection, sha256: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM report_files WHERE sha256 = ?1 AND uploaded_at IS NOT NULL)", [sha256], |r| r.get(0))
}

/// The platform holds this report; false when no such report is stored.
pub(crate) fn mark_uploaded(conn: &Connection, sha256: &str, now: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("UPDATE report_files SET uploaded_at = COALESCE(uploaded_at, ?2) WHERE sha256 = ?1", params![sha256, now])? > 0)
}

/// Forget every upload (enrolled with another platform).
pub(crate) fn forget_uploads(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("UPDATE report_files SET uploaded_at = NULL WHERE uploaded_at IS NOT NULL", [])?;
    Ok(())
}
