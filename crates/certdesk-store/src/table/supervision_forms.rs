//! `supervision_forms`: the supervision form of an offline class (one per class; a correction
//! replaces it), read with the display name of the user who recorded it.

use certdesk_domain::training::ValidSupervision;
use rusqlite::{params, Connection, OptionalExtension};

use crate::column;
use crate::training::{SupervisionForm, TIME_FORMAT};

/// Files (or replaces) a class's form, recorded by `user_id` now.
pub(crate) fn put(conn: &Connection, (class_id, id): (&str, &str), v: &ValidSupervision, user_id: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO supervision_forms (class_id, id, supervisor_name, method, supervised_at, place,
            participants_present, identity_checked, trainer, remarks, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            class_id,
            id,
            v.supervisor_name,
            v.method.code(),
            v.supervised_at.format(TIME_FORMAT).to_string(),
            v.place,
            v.participants_present,
            v.identity_checked,
            v.trainer,
            v.remarks,
            now,
            user_id
        ],
    )?;
    Ok(())
}

/// Keeps a form the programme office filed on the platform (`by`: 平台督导：<operator>), unless
/// the class has one already; whether it was kept.
pub(crate) fn put_from_platform(conn: &Connection, (class_id, id): (&str, &str), v: &ValidSupervision, by: &str, recorded_at: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO supervision_forms (class_id, id, supervisor_name, method, supervised_at, place,
            participants_present, identity_checked, trainer, remarks, recorded_at, recorded_by, filed_by_platform)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, ?12)",
        params![
            class_id,
            id,
            v.supervisor_name,
            v.method.code(),
            v.supervised_at.format(TIME_FORMAT).to_string(),
            v.place,
            v.participants_present,
            v.identity_checked,
            v.trainer,
            v.remarks,
            recorded_at,
            by
        ],
    )?;
    Ok(n == 1)
}

/// A class's form, if filed.
pub(crate) fn of_class(conn: &Connection, class_id: &str) -> rusqlite::Result<Option<SupervisionForm>> {
    conn.prepare_cached(
        "SELECT s.id, s.class_id, s.supervisor_name, s.method, s.supervised_at, s.place, s.participants_present,
                s.identity_checked, s.trainer, s.remarks, s.recorded_at, COALESCE(u.display_name, s.filed_by_platform, ''), COALESCE(s.recorded_by, '')
         FROM supervision_forms s LEFT JOIN users u ON u.id = s.recorded_by WHERE s.class_id = ?1",
    )?
    .query_row([class_id], |r| {
        Ok(SupervisionForm {
            id: r.get(0)?,
            class_id: r.get(1)?,
            supervisor_name: r.get(2)?,
            method: column::code(r, 3)?,
            supervised_at: r.get(4)?,
            place: r.get(5)?,
            participants_present: r.get(6)?,
            identity_checked: r.get(7)?,
            trainer: r.get(8)?,
            remarks: r.get(9)?,
            recorded_at: r.get(10)?,
            recorded_by: r.get(11)?,
            recorded_by_id: r.get(12)?,
        })
    })
    .optional()
}

/// The classes whose form a clerk of this agency filed (not the platform's supervisors), in the
/// order filed.
pub(crate) fn desk_filed_class_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT class_id FROM supervision_forms WHERE recorded_by IS NOT NULL ORDER BY recorded_at, class_id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}
