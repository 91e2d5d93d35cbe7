//! `worker_certificates`: the certificate the platform approved for a worker (one row each,
//! replaced by a reissue), and the card scan's look-up of a local worker by certificate code.

use rusqlite::{params, Connection, OptionalExtension};

use certdesk_domain::{Bilingual, PublicIdentity};

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

/// Takes the worker's record as it is now as what the certificate shows, unless the platform
/// already said what it approved (an older platform's approval carries no details).
pub(crate) fn freeze_details_if_unset(conn: &Connection, worker_id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE worker_certificates SET approved_name = w.name, approved_photo_sha256 = w.photo_sha256,
           approved_service_types = w.service_types
         FROM workers w WHERE w.id = worker_certificates.worker_id AND worker_certificates.worker_id = ?1
           AND worker_certificates.approved_name IS NULL",
        [worker_id],
    )?;
    Ok(())
}

/// Stores what the platform approved the certificate to show, and forgets an earlier rejection.
/// False when the worker holds no certificate here.
pub(crate) fn set_approved_details(conn: &Connection, worker_id: &str, d: &PublicIdentity) -> rusqlite::Result<bool> {
    let types = serde_json::to_string(&d.service_types).expect("codes serialise");
    Ok(conn.execute(
        "UPDATE worker_certificates SET approved_name = ?2, approved_photo_sha256 = ?3, approved_service_types = ?4,
           details_rejection_zh = NULL, details_rejection_en = NULL WHERE worker_id = ?1",
        params![worker_id, d.name, d.photo_sha256, types],
    )? == 1)
}

/// Keeps the platform's reason for refusing changed details (`None` forgets it).
pub(crate) fn set_details_rejection(conn: &Connection, worker_id: &str, reason: Option<&Bilingual>) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE worker_certificates SET details_rejection_zh = ?2, details_rejection_en = ?3 WHERE worker_id = ?1",
        params![worker_id, reason.map(|r| r.zh.as_str()), reason.map(|r| r.en.as_str())],
    )? == 1)
}

/// What the worker's certificate shows as approved, and the platform's last refusal of changed
/// details; `None` without a certificate (or before the desk knows its details).
pub(crate) fn approved_details(conn: &Connection, worker_id: &str) -> rusqlite::Result<Option<(PublicIdentity, Option<Bilingual>)>> {
    let row = conn
        .query_row(
            "SELECT approved_name, approved_photo_sha256, approved_service_types, details_rejection_zh, details_rejection_en
             FROM worker_certificates WHERE worker_id = ?1 AND approved_name IS NOT NULL",
            [worker_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            },
        )
        .optional()?;
    Ok(row.map(|(name, photo_sha256, types, zh, en)| {
        let service_types = types.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
        let rejection = zh.map(|zh| Bilingual::new(zh, en.unwrap_or_default()));
        (PublicIdentity { name, photo_sha256, service_types }, rejection)
    }))
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
