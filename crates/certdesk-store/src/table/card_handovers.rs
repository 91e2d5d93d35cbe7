//! `card_handovers`: printed cards handed to their worker (发放), with the optional signature,
//! read with the display name of the user who handed it over.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use crate::{CardEvent, CardEventBody, Handover};

/// Records a handover of the card (certificate code, card version), by `user_id` at `now`.
pub(crate) fn insert(
    conn: &Connection,
    (id, worker_id): (&str, &str),
    (code, version): (&str, u16),
    (issued_on, signature_png): (NaiveDate, Option<&[u8]>),
    user_id: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO card_handovers (id, worker_id, certificate_code, card_version, issued_on, issued_by, signature_png, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, worker_id, code, version, issued_on.to_string(), user_id, signature_png, now],
    )?;
    Ok(())
}

/// Whether a card of this version or a later one was handed over.
pub(crate) fn any_since(conn: &Connection, worker_id: &str, card_version: u16) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM card_handovers WHERE worker_id = ?1 AND card_version >= ?2",
            params![worker_id, card_version],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// A worker's handovers, newest first.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<Handover>> {
    let mut stmt = conn.prepare(
        "SELECT h.certificate_code, h.card_version, h.issued_on, u.display_name, h.signature_png IS NOT NULL, h.created_at
         FROM card_handovers h JOIN users u ON u.id = h.issued_by WHERE h.worker_id = ?1 ORDER BY h.created_at DESC, h.rowid DESC",
    )?;
    let rows = stmt.query_map([worker_id], |r| {
        Ok(Handover {
            certificate_code: r.get(0)?,
            card_version: r.get(1)?,
            issued_on: r.get(2)?,
            issued_by: r.get(3)?,
            has_signature: r.get(4)?,
            created_at: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// Whether this desk holds the record `id`.
pub(crate) fn exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM card_handovers WHERE id = ?1)", [id], |r| r.get(0))
}

/// Every hand-over as a card event, in the order recorded.
pub(crate) fn all_events(conn: &Connection) -> rusqlite::Result<Vec<CardEvent>> {
    let mut stmt = conn.prepare(
        "SELECT id, worker_id, certificate_code, card_version, issued_on, signature_png, issued_by, created_at
         FROM card_handovers ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        let signature: Option<Vec<u8>> = r.get(5)?;
        Ok(CardEvent {
            id: r.get(0)?,
            worker_id: r.get(1)?,
            body: CardEventBody::Handover {
                certificate_code: r.get(2)?,
                card_version: r.get(3)?,
                issued_on: r.get(4)?,
                signature_png: CardEventBody::signature_text(signature.as_deref()),
            },
            by_id: r.get(6)?,
            at: r.get(7)?,
        })
    })?;
    rows.collect()
}
