//! Complaint coordination's rows on SQLite (see [`crate::store::complaints`]).

use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::operators::time_of;
use super::{date_of, uuid_of};
use crate::store::columns::ts;
use crate::store::complaints::{event_kind_of, state_of, ComplaintEvent, ComplaintFilter, ComplaintRow, ComplaintStatus};
use crate::store::StoreResult;

const ROW: &str = "SELECT c.id, c.reference, c.agency_id, a.name, c.worker_id, w.name, c.certificate_code, c.text, c.contact,
        c.state, c.created_at, c.updated_at
   FROM complaints c JOIN agencies a ON a.id = c.agency_id JOIN workers w ON w.id = c.worker_id";

fn rows(conn: &Connection, filter: &str, args: &[&dyn rusqlite::ToSql]) -> StoreResult<Vec<ComplaintRow>> {
    let mut stmt = conn.prepare(&format!("{ROW} WHERE {filter} ORDER BY c.created_at, c.id LIMIT 500"))?;
    let raw = stmt.query_map(args, |r| {
        Ok((
            [r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?],
            r.get::<_, Option<String>>(11)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in raw {
        let ([id, reference, agency, agency_name, worker, worker_name, code, text, contact, state, created], updated) = row?;
        let created_at = time_of(&created)?;
        out.push(ComplaintRow {
            id: uuid_of(id)?,
            reference,
            agency_id: uuid_of(agency)?,
            agency_name,
            worker_id: uuid_of(worker)?,
            worker_name,
            certificate_code: code,
            text,
            contact,
            state: state_of(&state)?,
            created_at,
            updated_at: updated.as_deref().map(time_of).transpose()?.unwrap_or(created_at),
        });
    }
    Ok(out)
}

pub(super) fn complaint(conn: &Connection, id: Uuid) -> StoreResult<Option<ComplaintRow>> {
    Ok(rows(conn, "c.id = ?1", &[&id.to_string()])?.pop())
}

pub(super) fn complaints(conn: &Connection, f: ComplaintFilter) -> StoreResult<Vec<ComplaintRow>> {
    rows(
        conn,
        "(?1 IS NULL OR c.agency_id = ?1) AND (?2 OR c.state <> 'closed')",
        &[&f.agency_id.map(|a| a.to_string()), &f.with_closed],
    )
}

pub(super) fn events(conn: &Connection, id: Uuid) -> StoreResult<Vec<ComplaintEvent>> {
    let mut stmt = conn.prepare(
        "SELECT id, kind, text, done_on, by_whom, device_id, at FROM complaint_events WHERE complaint_id = ?1 ORDER BY at, id",
    )?;
    let raw = stmt.query_map([id.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in raw {
        let (event, kind, text, done_on, by_whom, device, at) = row?;
        out.push(ComplaintEvent {
            id: uuid_of(event)?,
            complaint_id: id,
            kind: event_kind_of(&kind)?,
            text,
            done_on: done_on.as_deref().map(date_of).transpose()?,
            by_whom,
            device_id: device.map(uuid_of).transpose()?,
            at: time_of(&at)?,
        });
    }
    Ok(out)
}

pub(super) fn add_event(conn: &Connection, e: &ComplaintEvent) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO complaint_events (id, complaint_id, kind, text, done_on, by_whom, device_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            e.id.to_string(),
            e.complaint_id.to_string(),
            e.kind.code(),
            e.text,
            e.done_on.map(|d| d.to_string()),
            e.by_whom,
            e.device_id.map(|d| d.to_string()),
            ts(e.at)
        ],
    )?;
    conn.execute(
        "UPDATE complaints SET state = ?2, updated_at = ?3 WHERE id = ?1",
        params![e.complaint_id.to_string(), e.kind.state_after().code(), ts(e.at)],
    )?;
    Ok(())
}

pub(super) fn status(conn: &Connection, reference: &str) -> StoreResult<Option<ComplaintStatus>> {
    let row = conn
        .query_row(
            "SELECT state, created_at, COALESCE(updated_at, created_at) FROM complaints WHERE reference = ?1",
            [reference],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)),
        )
        .optional()?;
    row.map(|(state, created, updated)| {
        Ok(ComplaintStatus { state: state_of(&state)?, created_at: time_of(&created)?, updated_at: time_of(&updated)? })
    })
    .transpose()
}
