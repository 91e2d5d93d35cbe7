//! `roster_filings`: each roster filing as prepared (its rows as sent) and, once answered, the
//! platform's signed receipt (issue 14 item 2).

use rusqlite::{params, Connection, OptionalExtension};

/// A filing as stored: id, period, the filing it corrects, the rows' JSON, their count, when it
/// was prepared, the receipt's JSON once answered.
pub(crate) struct FilingRow {
    pub filing_id: String,
    pub period_from: String,
    pub period_to: String,
    pub replaces: Option<String>,
    pub rows: String,
    pub row_count: u32,
    pub created_at: String,
    pub receipt: Option<String>,
}

/// A prepared filing not answered yet with exactly these period, correction and rows.
pub(crate) fn waiting(conn: &Connection, (from, to): (&str, &str), replaces: Option<&str>, rows: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT filing_id FROM roster_filings WHERE receipt IS NULL AND period_from = ?1 AND period_to = ?2
         AND replaces IS ?3 AND rows = ?4",
        params![from, to, replaces, rows],
        |r| r.get(0),
    )
    .optional()
}

/// Keeps a prepared filing before it is sent.
pub(crate) fn insert(conn: &Connection, f: &FilingRow, created_by: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO roster_filings (filing_id, period_from, period_to, replaces, rows, row_count, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![f.filing_id, f.period_from, f.period_to, f.replaces, f.rows, f.row_count, f.created_at, created_by],
    )?;
    Ok(())
}

/// The rows (JSON) a filing was sent with.
pub(crate) fn rows_of(conn: &Connection, filing_id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT rows FROM roster_filings WHERE filing_id = ?1", [filing_id], |r| r.get(0)).optional()
}

/// Stores a filing's receipt (once: a filing answered before keeps its receipt).
pub(crate) fn set_receipt(conn: &Connection, filing_id: &str, receipt: &str, number: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE roster_filings SET receipt = ?2, number = ?3 WHERE filing_id = ?1 AND (receipt IS NULL OR receipt = ?2)",
        params![filing_id, receipt, number],
    )?;
    Ok(())
}

/// Drops a filing the platform refused (never one with a receipt).
pub(crate) fn forget_unanswered(conn: &Connection, filing_id: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM roster_filings WHERE filing_id = ?1 AND receipt IS NULL", [filing_id])?;
    Ok(())
}

/// Every filing, newest first.
pub(crate) fn all(conn: &Connection) -> rusqlite::Result<Vec<FilingRow>> {
    let mut stmt = conn.prepare(
        "SELECT filing_id, period_from, period_to, replaces, rows, row_count, created_at, receipt FROM roster_filings
         ORDER BY created_at DESC, filing_id DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(FilingRow {
            filing_id: r.get(0)?,
            period_from: r.get(1)?,
            period_to: r.get(2)?,
            replaces: r.get(3)?,
            rows: r.get(4)?,
            row_count: r.get(5)?,
            created_at: r.get(6)?,
            receipt: r.get(7)?,
        })
    })?;
    rows.collect()
}
