//! Statements about the whole database file rather than one table: proving the key opens it,
//! and exporting a plain database into an encrypted one (SQLCipher's `sqlcipher_export`).

use std::path::Path;

use rusqlite::Connection;

/// Reads the schema (SQLite's catalog): fails when the key does not open the file.
pub(crate) fn schema_objects(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
}

/// Copies every table, index, trigger and row of `conn`'s main database into a new SQLCipher
/// database at `to` under `key` (its `x'…'` form), with the same schema version.
pub(crate) fn export_encrypted(conn: &Connection, to: &Path, key: &str) -> rusqlite::Result<()> {
    conn.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", [to.to_string_lossy().as_ref(), key])?;
    conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
    let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
    conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version}"))?;
    conn.execute("DETACH DATABASE encrypted", [])?;
    Ok(())
}
