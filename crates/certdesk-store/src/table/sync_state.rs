//! `sync_state`: the one row (id 1) of the sync's progress: the pull cursor, when the trust list
//! was last complete, the last success and the last error.

use rusqlite::{params, Connection};

/// The pull cursor.
pub(crate) fn cursor(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT cursor FROM sync_state WHERE id = 1", [], |r| r.get(0))
}

/// Stores a new pull cursor.
pub(crate) fn set_cursor(conn: &Connection, cursor: i64) -> rusqlite::Result<()> {
    conn.execute("UPDATE sync_state SET cursor = ?1 WHERE id = 1", [cursor])?;
    Ok(())
}

/// The trust and revocation lists are complete as of `now`.
pub(crate) fn set_trust_checked(conn: &Connection, now: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE sync_state SET trust_checked_at = ?1 WHERE id = 1", [now])?;
    Ok(())
}

/// When the lists were last complete.
pub(crate) fn trust_checked_at(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT trust_checked_at FROM sync_state WHERE id = 1", [], |r| r.get(0))
}

/// Forget everything learned from a platform: cursor, list freshness, last success.
pub(crate) fn forget_platform(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("UPDATE sync_state SET cursor = 0, trust_checked_at = NULL, last_success_at = NULL", [])?;
    Ok(())
}

/// No error to show.
pub(crate) fn clear_error(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("UPDATE sync_state SET last_error_code = NULL, last_error_zh = NULL, last_error_en = NULL WHERE id = 1", [])?;
    Ok(())
}

/// A sync completed `now`.
pub(crate) fn record_success(conn: &Connection, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sync_state SET last_success_at = ?1, last_attempt_at = ?1, last_error_code = NULL,
           last_error_zh = NULL, last_error_en = NULL WHERE id = 1",
        [now],
    )?;
    Ok(())
}

/// A sync attempt failed `now` with this error.
pub(crate) fn record_failure(conn: &Connection, now: &str, (code, zh, en): (&str, &str, &str)) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE sync_state SET last_attempt_at = ?1, last_error_code = ?2, last_error_zh = ?3, last_error_en = ?4 WHERE id = 1",
        params![now, code, zh, en],
    )?;
    Ok(())
}

/// The row as the indicator reads it.
pub(crate) struct State {
    pub cursor: i64,
    pub last_success_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_error_code: Option<String>,
    pub last_error_zh: Option<String>,
    pub last_error_en: Option<String>,
    pub trust_checked_at: Option<String>,
}

/// The whole row.
pub(crate) fn get(conn: &Connection) -> rusqlite::Result<State> {
    conn.query_row(
        "SELECT cursor, last_success_at, last_attempt_at, last_error_code, last_error_zh, last_error_en, trust_checked_at
         FROM sync_state WHERE id = 1",
        [],
        |r| {
            Ok(State {
                cursor: r.get(0)?,
                last_success_at: r.get(1)?,
                last_attempt_at: r.get(2)?,
                last_error_code: r.get(3)?,
                last_error_zh: r.get(4)?,
                last_error_en: r.get(5)?,
                trust_checked_at: r.get(6)?,
            })
        },
    )
}
