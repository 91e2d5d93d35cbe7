//! `card_activations`: electronic-card activation codes given with a card (电子证激活码),
//! newest last; only the newest of a card counts.

use rusqlite::{params, Connection, OptionalExtension};

use crate::WorkerCertificate;

/// Records a new code for the certificate's current card, by `user_id` now.
pub(crate) fn insert(
    conn: &Connection,
    (id, worker_id): (&str, &str),
    cert: &WorkerCertificate,
    code: &str,
    user_id: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO card_activations (id, worker_id, certificate_code, card_version, code, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, worker_id, cert.certificate_code, cert.card_version, code, user_id, now],
    )?;
    Ok(())
}

/// The newest code given for this card: (code, made at).
pub(crate) fn latest(conn: &Connection, worker_id: &str, card_version: u16) -> rusqlite::Result<Option<(String, String)>> {
    conn.query_row(
        "SELECT code, created_at FROM card_activations WHERE worker_id = ?1 AND card_version = ?2
         ORDER BY created_at DESC, rowid DESC LIMIT 1",
        params![worker_id, card_version],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}
