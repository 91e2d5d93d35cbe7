//! `revocations`: the synced revocation list (revoked certificates, replaced card versions).

use certdesk_protocol::credential::RevocationEntry;
use rusqlite::{params, Connection};

/// Adds or refreshes an entry.
pub(crate) fn upsert(conn: &Connection, entry: &RevocationEntry, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO revocations (certificate_code, revoked, current_card_version, synced_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (certificate_code) DO UPDATE SET revoked = excluded.revoked,
           current_card_version = excluded.current_card_version, synced_at = excluded.synced_at",
        params![entry.certificate_code, entry.revoked, entry.current_card_version, now],
    )?;
    Ok(())
}

/// Removes an entry.
pub(crate) fn delete(conn: &Connection, certificate_code: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM revocations WHERE certificate_code = ?1", [certificate_code])?;
    Ok(())
}

/// Removes every entry.
pub(crate) fn delete_all(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM revocations", [])?;
    Ok(())
}

/// Every entry, by certificate code.
pub(crate) fn all(conn: &Connection) -> rusqlite::Result<Vec<RevocationEntry>> {
    let mut stmt = conn.prepare("SELECT certificate_code, revoked, current_card_version FROM revocations ORDER BY certificate_code")?;
    let rows = stmt.query_map([], |r| {
        Ok(RevocationEntry { certificate_code: r.get(0)?, revoked: r.get(1)?, current_card_version: r.get(2)? })
    })?;
    rows.collect()
}
