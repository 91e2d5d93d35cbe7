//! `card_losses`: cards reported lost or damaged (挂失/补办), read with the display name of the
//! user who reported them.

use rusqlite::{params, Connection, OptionalExtension};

use crate::column;
use crate::{CardEvent, CardEventBody, LossKind, LossReport};

/// Records a report on the certificate's current card, by `user_id` now.
pub(crate) fn insert(
    conn: &Connection,
    (id, worker_id): (&str, &str),
    (code, version): (&str, u16),
    (kind, note): (LossKind, &str),
    user_id: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO card_losses (id, worker_id, certificate_code, card_version, kind, note, reported_by, reported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, worker_id, code, version, kind.code(), note, user_id, now],
    )?;
    Ok(())
}

/// Whether a card of this version or a later one was reported.
pub(crate) fn any_since(conn: &Connection, worker_id: &str, card_version: u16) -> rusqlite::Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM card_losses WHERE worker_id = ?1 AND card_version >= ?2",
            params![worker_id, card_version],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// A worker's reports, newest first.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<LossReport>> {
    let mut stmt = conn.prepare(
        "SELECT l.certificate_code, l.card_version, l.kind, l.note, u.display_name, l.reported_at
         FROM card_losses l JOIN users u ON u.id = l.reported_by WHERE l.worker_id = ?1 ORDER BY l.reported_at DESC, l.rowid DESC",
    )?;
    let rows = stmt.query_map([worker_id], |r| {
        Ok(LossReport {
            certificate_code: r.get(0)?,
            card_version: r.get(1)?,
            kind: column::code(r, 2)?,
            note: r.get(3)?,
            reported_by: r.get(4)?,
            reported_at: r.get(5)?,
        })
    })?;
    rows.collect()
}

/// Every loss whose card has not been replaced by a newer hand-over yet, of workers not
/// cancelled: (worker id, worker name, reported at).
pub(crate) fn unreplaced(conn: &Connection) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT w.id, w.name, l.reported_at FROM card_losses l JOIN workers w ON w.id = l.worker_id
         WHERE w.status <> 'cancelled'
           AND NOT EXISTS (SELECT 1 FROM card_handovers h WHERE h.worker_id = l.worker_id AND h.card_version > l.card_version)
           AND l.rowid = (SELECT x.rowid FROM card_losses x WHERE x.worker_id = l.worker_id ORDER BY x.card_version DESC, x.rowid DESC LIMIT 1)",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// Whether this desk holds the record `id`.
pub(crate) fn exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM card_losses WHERE id = ?1)", [id], |r| r.get(0))
}

/// Every loss report as a card event, in the order reported.
pub(crate) fn all_events(conn: &Connection) -> rusqlite::Result<Vec<CardEvent>> {
    let mut stmt = conn.prepare(
        "SELECT id, worker_id, certificate_code, card_version, kind, note, reported_by, reported_at
         FROM card_losses ORDER BY reported_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(CardEvent {
            id: r.get(0)?,
            worker_id: r.get(1)?,
            body: CardEventBody::Loss { certificate_code: r.get(2)?, card_version: r.get(3)?, kind: column::code(r, 4)?, note: r.get(5)? },
            by_id: r.get(6)?,
            at: r.get(7)?,
        })
    })?;
    rows.collect()
}
