//! `training_classes`: the agency's classes (培训班), read with their participant count and
//! whether their supervision form is filed; and the home screen's classes per month.

use certdesk_domain::training::{ClassMode, HalfHours, ValidClass};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::column;
use crate::training::{TrainingClass, TIME_FORMAT};

const SELECT: &str = "SELECT c.id, c.title, c.mode, c.starts_at, c.ends_at, c.place, c.trainer, c.class_half_hours,
        (SELECT count(*) FROM class_participants p WHERE p.class_id = c.id),
        EXISTS(SELECT 1 FROM supervision_forms s WHERE s.class_id = c.id),
        c.created_at, c.version, c.created_by
    FROM training_classes c";

fn from_row(r: &Row<'_>) -> rusqlite::Result<TrainingClass> {
    let mode: ClassMode = column::code(r, 2)?;
    let filed: bool = r.get(9)?;
    let halves: u32 = r.get(7)?;
    Ok(TrainingClass {
        id: r.get(0)?,
        title: r.get(1)?,
        incomplete: mode == ClassMode::Offline && !filed,
        supervision_filed: filed || mode == ClassMode::Online,
        mode,
        starts_at: r.get(3)?,
        ends_at: r.get(4)?,
        place: r.get(5)?,
        trainer: r.get(6)?,
        class_hours: HalfHours(halves).as_hours(),
        participant_count: r.get(8)?,
        created_at: r.get(10)?,
        version: r.get(11)?,
        created_by_id: r.get(12)?,
    })
}

/// A new class, version 1, created by `user_id` now.
pub(crate) fn insert(conn: &Connection, id: &str, v: &ValidClass, user_id: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO training_classes (id, title, mode, starts_at, ends_at, place, trainer, class_half_hours,
            created_at, created_by, updated_at, updated_by, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10, 1)",
        params![
            id,
            v.title,
            v.mode.code(),
            v.timing.starts_at.format(TIME_FORMAT).to_string(),
            v.timing.ends_at.format(TIME_FORMAT).to_string(),
            v.place,
            v.trainer,
            v.timing.class_hours.0,
            now,
            user_id
        ],
    )?;
    Ok(())
}

/// A class another desk of the agency created, as it says (created by `created_by` at
/// `created_at`).
pub(crate) fn insert_relayed(conn: &Connection, c: &TrainingClass, v: &ValidClass) -> rusqlite::Result<()> {
    insert(conn, &c.id, v, &c.created_by_id, &c.created_at)
}

/// One class.
pub(crate) fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<TrainingClass>> {
    conn.prepare_cached(&format!("{SELECT} WHERE c.id = ?1"))?.query_row([id], from_row).optional()
}

/// Classes starting on a day in `[from, to]` (either end open), newest first.
pub(crate) fn starting_between(
    conn: &Connection,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: usize,
) -> rusqlite::Result<Vec<TrainingClass>> {
    let from = from.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let to = to.map(|d| format!("{} 99", d.format("%Y-%m-%d"))).unwrap_or_else(|| "9999".into());
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE c.starts_at >= ?1 AND c.starts_at <= ?2 ORDER BY c.starts_at DESC, c.id DESC LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![from, to, limit as i64], from_row)?;
    rows.collect()
}

/// Per month (`YYYY-MM`) from `from_month` on: classes that started, and distinct workers
/// credited hours in them.
pub(crate) fn per_month(conn: &Connection, from_month: &str) -> rusqlite::Result<Vec<(String, u64, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT substr(c.starts_at, 1, 7) AS m, count(DISTINCT c.id),
                count(DISTINCT CASE WHEN p.credited_half_hours > 0 THEN p.worker_id END)
         FROM training_classes c LEFT JOIN class_participants p ON p.class_id = c.id
         WHERE c.starts_at >= ?1 GROUP BY m",
    )?;
    let rows = stmt.query_map(params![from_month], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// Every class's id, oldest first.
pub(crate) fn all_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM training_classes ORDER BY created_at, id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}
