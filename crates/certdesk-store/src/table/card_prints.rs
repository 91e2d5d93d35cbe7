//! `card_prints`: every card sent to a printer (real cards and drafts), read with the display
//! name of the user who printed it.

use certdesk_domain::CardLayout;
use rusqlite::{params, Connection};

use crate::column;
use crate::{CardEvent, CardEventBody, PrintRecord};

/// One card sent to a printer.
pub(crate) struct NewPrint<'a> {
    pub id: &'a str,
    pub worker_id: &'a str,
    /// The certificate code and card version printed; `None` for a draft.
    pub card: Option<(&'a str, u16)>,
    pub draft: bool,
    pub layout: CardLayout,
    pub printer: &'a str,
    pub design_version: &'a str,
}

/// Records a print by `user_id` now.
pub(crate) fn insert(conn: &Connection, p: &NewPrint<'_>, user_id: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO card_prints (id, worker_id, certificate_code, card_version, draft, layout, printer, design_version, printed_by, printed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            p.id,
            p.worker_id,
            p.card.map(|(code, _)| code),
            p.card.map(|(_, version)| version),
            p.draft,
            p.layout.code(),
            p.printer,
            p.design_version,
            user_id,
            now
        ],
    )?;
    Ok(())
}

/// When the latest real (non-draft) card of this version was printed.
pub(crate) fn last_printed_at(conn: &Connection, worker_id: &str, card_version: u16) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT MAX(printed_at) FROM card_prints WHERE worker_id = ?1 AND card_version = ?2 AND draft = 0",
        params![worker_id, card_version],
        |r| r.get(0),
    )
}

/// A worker's prints, newest first.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<PrintRecord>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.certificate_code, p.card_version, p.draft, p.layout, p.printer, p.design_version, u.display_name, p.printed_at
         FROM card_prints p JOIN users u ON u.id = p.printed_by WHERE p.worker_id = ?1 ORDER BY p.printed_at DESC, p.rowid DESC",
    )?;
    let rows = stmt.query_map([worker_id], |r| {
        Ok(PrintRecord {
            id: r.get(0)?,
            certificate_code: r.get(1)?,
            card_version: r.get(2)?,
            draft: r.get(3)?,
            layout: column::code(r, 4)?,
            printer: r.get(5)?,
            design_version: r.get(6)?,
            printed_by: r.get(7)?,
            printed_at: r.get(8)?,
        })
    })?;
    rows.collect()
}

/// Whether this desk holds the print `id`.
pub(crate) fn exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM card_prints WHERE id = ?1)", [id], |r| r.get(0))
}

/// Every print as a card event, in the order printed (announcing what the desk holds).
pub(crate) fn all_events(conn: &Connection) -> rusqlite::Result<Vec<CardEvent>> {
    let mut stmt = conn.prepare(
        "SELECT id, worker_id, certificate_code, card_version, draft, layout, printer, design_version, printed_by, printed_at
         FROM card_prints ORDER BY printed_at, id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(CardEvent {
            id: r.get(0)?,
            worker_id: r.get(1)?,
            body: CardEventBody::Print {
                certificate_code: r.get(2)?,
                card_version: r.get(3)?,
                draft: r.get(4)?,
                layout: column::code(r, 5)?,
                printer: r.get(6)?,
                design_version: r.get(7)?,
            },
            by_id: r.get(8)?,
            at: r.get(9)?,
        })
    })?;
    rows.collect()
}
