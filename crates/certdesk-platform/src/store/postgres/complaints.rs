//! Complaint coordination's rows on PostgreSQL: the statements of `store/sqlite/complaints.rs`
//! in PostgreSQL's types.

use postgres::GenericClient;
use uuid::Uuid;

use crate::store::complaints::{event_kind_of, state_of, ComplaintEvent, ComplaintFilter, ComplaintRow, ComplaintStatus};
use crate::store::StoreResult;

const ROW: &str = "SELECT c.id, c.reference, c.agency_id, a.name, c.worker_id, w.name, c.certificate_code, c.text, c.contact,
        c.state, c.created_at, COALESCE(c.updated_at, c.created_at)
   FROM complaints c JOIN agencies a ON a.id = c.agency_id JOIN workers w ON w.id = c.worker_id";

fn row(r: &postgres::Row) -> StoreResult<ComplaintRow> {
    Ok(ComplaintRow {
        id: r.get(0),
        reference: r.get(1),
        agency_id: r.get(2),
        agency_name: r.get(3),
        worker_id: r.get(4),
        worker_name: r.get(5),
        certificate_code: r.get(6),
        text: r.get(7),
        contact: r.get(8),
        state: state_of(r.get(9))?,
        created_at: r.get(10),
        updated_at: r.get(11),
    })
}

pub(super) fn complaint(c: &mut impl GenericClient, id: Uuid) -> StoreResult<Option<ComplaintRow>> {
    c.query_opt(&format!("{ROW} WHERE c.id = $1"), &[&id])?.as_ref().map(row).transpose()
}

pub(super) fn complaints(c: &mut impl GenericClient, f: ComplaintFilter) -> StoreResult<Vec<ComplaintRow>> {
    c.query(
        &format!("{ROW} WHERE ($1::uuid IS NULL OR c.agency_id = $1) AND ($2 OR c.state <> 'closed') ORDER BY c.created_at, c.id LIMIT 500"),
        &[&f.agency_id, &f.with_closed],
    )?
    .iter()
    .map(row)
    .collect()
}

pub(super) fn events(c: &mut impl GenericClient, id: Uuid) -> StoreResult<Vec<ComplaintEvent>> {
    c.query(
        "SELECT id, kind, text, done_on, by_whom, device_id, at FROM complaint_events WHERE complaint_id = $1 ORDER BY at, id",
        &[&id],
    )?
    .iter()
    .map(|r| {
        Ok(ComplaintEvent {
            id: r.get(0),
            complaint_id: id,
            kind: event_kind_of(r.get(1))?,
            text: r.get(2),
            done_on: r.get(3),
            by_whom: r.get(4),
            device_id: r.get(5),
            at: r.get(6),
        })
    })
    .collect()
}

pub(super) fn add_event(c: &mut impl GenericClient, e: &ComplaintEvent) -> StoreResult<()> {
    c.execute(
        "INSERT INTO complaint_events (id, complaint_id, kind, text, done_on, by_whom, device_id, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[&e.id, &e.complaint_id, &e.kind.code(), &e.text, &e.done_on, &e.by_whom, &e.device_id, &e.at],
    )?;
    c.execute(
        "UPDATE complaints SET state = $2, updated_at = $3 WHERE id = $1",
        &[&e.complaint_id, &e.kind.state_after().code(), &e.at],
    )?;
    Ok(())
}

pub(super) fn status(c: &mut impl GenericClient, reference: &str) -> StoreResult<Option<ComplaintStatus>> {
    c.query_opt(
        "SELECT state, created_at, COALESCE(updated_at, created_at) FROM complaints WHERE reference = $1",
        &[&reference],
    )?
    .map(|r| Ok(ComplaintStatus { state: state_of(r.get(0))?, created_at: r.get(1), updated_at: r.get(2) }))
    .transpose()
}
