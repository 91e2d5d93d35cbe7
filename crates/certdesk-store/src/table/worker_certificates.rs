//! `worker_certificates`: the certificate the platform approved for a worker (one row each,
//! replaced by a reissue), and the card scan's look-up of a local worker by certificate code.

use rusqlite::{params, Connection, OptionalExtension};

use crate::column;
use crate::{LocalWorker, WorkerCertificate};

/// Stores (or replaces) a worker's certificate.
pub(crate) fn upsert(conn: &Connection, worker_id: &str, c: &WorkerCertificate, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO worker_certificates (worker_id, certificate_code, card_version, valid_from, valid_until, credential_url, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (worker_id) DO UPDATE SET certificate_code = excluded.certificate_code,
           card_version = excluded.card_version, valid_from = excluded.valid_from,
           valid_until = excluded.valid_until, credential_url = excluded.credential_url,
           received_at = excluded.received_at",
        params![worker_id, c.certificate_code, c.card_version, c.valid_from, c.valid_until, c.credential_url, now],
    )?;
    Ok(())
}

/// A worker's certificate, once approved.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Option<WorkerCertificate>> {
    conn.query_row(
        "SELECT certificate_code, card_version, valid_from, valid_until, credential_url FROM worker_certificates WHERE worker_id = ?1",
        [worker_id],
        |r| {
            Ok(WorkerCertificate {
                certificate_code: r.get(0)?,
                card_version: r.get(1)?,
                valid_from: r.get(2)?,
                valid_until: r.get(3)?,
                credential_url: r.get(4)?,
            })
        },
    )
    .optional()
}

/// The local worker holding this certificate code, with the card version stored here.
pub(crate) fn local_worker(conn: &Connection, certificate_code: &str) -> rusqlite::Result<Option<LocalWorker>> {
    conn.query_row(
        "SELECT w.id, w.name, w.status, c.card_version FROM worker_certificates c JOIN workers w ON w.id = c.worker_id
         WHERE c.certificate_code = ?1",
        [certificate_code],
        |r| Ok(LocalWorker { id: r.get(0)?, name: r.get(1)?, status: column::code(r, 2)?, card_version: r.get(3)? }),
    )
    .optional()
}
