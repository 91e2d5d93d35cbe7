//! `trust_keys`: the platform's public signing keys, synced, for verifying cards offline.

use certdesk_protocol::credential::TrustedKey;
use rusqlite::{params, Connection};

/// Adds or refreshes a key.
pub(crate) fn upsert(conn: &Connection, key: &TrustedKey, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO trust_keys (key_id, public_key, not_before, not_after, synced_at, algorithm) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (key_id) DO UPDATE SET public_key = excluded.public_key, not_before = excluded.not_before,
           not_after = excluded.not_after, synced_at = excluded.synced_at, algorithm = excluded.algorithm",
        params![key.key_id, key.public_key, key.not_before.to_string(), key.not_after.map(|d| d.to_string()), now, key.algorithm.code()],
    )?;
    Ok(())
}

/// Removes a key.
pub(crate) fn delete(conn: &Connection, key_id: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM trust_keys WHERE key_id = ?1", [key_id])?;
    Ok(())
}

/// Removes every key.
pub(crate) fn delete_all(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM trust_keys", [])?;
    Ok(())
}

/// How many keys there are.
pub(crate) fn count(conn: &Connection) -> rusqlite::Result<u64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM trust_keys", [], |r| r.get::<_, i64>(0))? as u64)
}

/// A key as stored: id, public key, first day, last day (`YYYY-MM-DD`), algorithm code.
pub(crate) type StoredKey = (u16, String, String, Option<String>, String);

/// Every key, by id.
pub(crate) fn all(conn: &Connection) -> rusqlite::Result<Vec<StoredKey>> {
    let mut stmt = conn.prepare("SELECT key_id, public_key, not_before, not_after, algorithm FROM trust_keys ORDER BY key_id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    rows.collect()
}
