//! Statements about the whole database file rather than one table: proving the key opens it,
//! exporting a plain database into an encrypted one and the reverse (SQLCipher's
//! `sqlcipher_export`), and checking a file's integrity.

use std::path::Path;

use rusqlite::Connection;

/// Reads the schema (SQLite's catalog): fails when the key does not open the file.
pub(crate) fn schema_objects(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
}

/// Copies every table, index, trigger and row of `conn`'s main database into a new SQLCipher
/// database at `to` under `key` (its `x'…'` form; `''` for a plain copy), with the same schema
/// version, from one read transaction: a consistent snapshot even while another connection
/// writes.
pub(crate) fn export_encrypted(conn: &Connection, to: &Path, key: &str) -> rusqlite::Result<()> {
    conn.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", [to.to_string_lossy().as_ref(), key])?;
    let copied = (|| {
        conn.execute_batch("BEGIN")?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
        conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version}"))?;
        conn.execute_batch("COMMIT")
    })();
    if copied.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    conn.execute("DETACH DATABASE encrypted", [])?;
    copied
}

/// Whether the database passes SQLite's integrity check, and its schema version.
pub(crate) fn integrity(conn: &Connection) -> rusqlite::Result<(bool, i64)> {
    let ok: String = conn.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((ok == "ok", version))
}
