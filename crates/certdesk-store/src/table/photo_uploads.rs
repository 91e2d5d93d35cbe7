//! `photo_uploads`: the photos the platform is known to hold.

use rusqlite::{params, Connection};

/// Whether the platform holds this photo.
pub(crate) fn contains(conn: &Connection, sha256: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM photo_uploads WHERE sha256 = ?1)", [sha256], |r| r.get(0))
}

/// The platform holds this photo (a repeat changes nothing).
pub(crate) fn insert(conn: &Connection, sha256: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute("INSERT OR IGNORE INTO photo_uploads (sha256, uploaded_at) VALUES (?1, ?2)", params![sha256, now])?;
    Ok(())
}

/// Forget every receipt.
pub(crate) fn delete_all(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM photo_uploads", [])?;
    Ok(())
}
