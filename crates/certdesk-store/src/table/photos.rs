//! `photos`: workers' photos, stored once each under the SHA-256 of their JPEG bytes.

use rusqlite::{params, Connection, OptionalExtension};

/// Stores a prepared JPEG (a photo already stored stays as it is).
pub(crate) fn insert_jpeg(conn: &Connection, sha256: &str, width: u32, height: u32, jpeg: &[u8], now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO photos (sha256, mime, width, height, bytes, created_at)
         VALUES (?1, 'image/jpeg', ?2, ?3, ?4, ?5)",
        params![sha256, width, height, jpeg, now],
    )?;
    Ok(())
}

/// Whether a photo is stored.
pub(crate) fn exists(conn: &Connection, sha256: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM photos WHERE sha256 = ?1)", [sha256], |r| r.get(0))
}

/// A stored photo's bytes.
pub(crate) fn bytes(conn: &Connection, sha256: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.query_row("SELECT bytes FROM photos WHERE sha256 = ?1", [sha256], |r| r.get(0)).optional()
}
