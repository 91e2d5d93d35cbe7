//! [`PublicRecords`] on SQLite: the public page's certificate lookup (one indexed join), and
//! the rows of ratings and complaints (the flow in [`crate::flows::feedback`] decides what is
//! taken; these only count, find and store rows).

use super::{ts, uuid_of, SqliteStore};
use crate::store::public::{
    Feedback, FeedbackFrom, FeedbackKind, FeedbackSubmission, HeldRating, PublicAgency, PublicCertificate, PublicRecords,
};
use crate::store::{StoreError, StoreResult};
use chrono::{DateTime, Utc};
use certdesk_protocol::sync::SyncEntity;
use rusqlite::{params, OptionalExtension, Transaction};
use uuid::Uuid;
use crate::store::columns::{certificate_in_force_sql, feedback_table, service_types_of};

pub(super) fn current_card(
    tx: &Transaction<'_>,
    code: &str,
    card_version: u16,
) -> StoreResult<Option<(Uuid, Uuid)>> {
    let row: Option<(String, String)> = tx
        .query_row(
            "SELECT worker_id, agency_id FROM certificates
             WHERE code = ?1 AND card_version = ?2 AND revoked_at IS NULL",
            params![code, card_version],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(w, a)| Ok((uuid_of(w)?, uuid_of(a)?))).transpose()
}

pub(super) fn feedback_token_used(
    tx: &Transaction<'_>,
    kind: FeedbackKind,
    token_nonce: &str,
) -> StoreResult<bool> {
    let t = feedback_table(kind);
    Ok(tx
        .query_row(
            &format!("SELECT 1 FROM {t} WHERE token_nonce = ?1"),
            [token_nonce],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

pub(super) fn count_feedback(
    tx: &Transaction<'_>,
    kind: FeedbackKind,
    code: &str,
    from: FeedbackFrom<'_>,
    since: DateTime<Utc>,
) -> StoreResult<u32> {
    let t = feedback_table(kind);
    // A source has at most two hashes (today's and yesterday's secret): `= ?a OR = ?b`.
    let either = |hashes: &[String]| -> (String, String) {
        let a = hashes.first().cloned().unwrap_or_default();
        let b = hashes.get(1).cloned().unwrap_or_else(|| a.clone());
        (a, b)
    };
    let n = match from {
        FeedbackFrom::Anyone => tx.query_row(
            &format!("SELECT COUNT(*) FROM {t} WHERE certificate_code = ?1 AND created_at > ?2"),
            params![code, ts(since)],
            |r| r.get(0),
        )?,
        FeedbackFrom::Device(hashes) | FeedbackFrom::Network(hashes) => {
            let column = if matches!(from, FeedbackFrom::Device(_)) { "device_hash" } else { "network_hash" };
            let (a, b) = either(hashes);
            tx.query_row(
                &format!("SELECT COUNT(*) FROM {t} WHERE ({column} = ?1 OR {column} = ?2) AND certificate_code = ?3 AND created_at > ?4"),
                params![a, b, code, ts(since)],
                |r| r.get(0),
            )?
        }
        FeedbackFrom::NetworkAnyCertificate(hashes) => {
            let (a, b) = either(hashes);
            tx.query_row(
                &format!("SELECT COUNT(*) FROM {t} WHERE (network_hash = ?1 OR network_hash = ?2) AND created_at > ?3"),
                params![a, b, ts(since)],
                |r| r.get(0),
            )?
        }
    };
    Ok(n)
}

/// Held ratings (one when `id` is given), oldest first.
pub(super) fn held_ratings(conn: &rusqlite::Connection, id: Option<Uuid>) -> StoreResult<Vec<HeldRating>> {
    let mut q = conn.prepare_cached(
        "SELECT id, worker_id, agency_id, certificate_code, stars, comment, created_at FROM ratings
         WHERE held = 1 AND (?1 IS NULL OR id = ?1) ORDER BY created_at LIMIT 500",
    )?;
    let rows = q.query_map([id.map(|i| i.to_string())], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, u8>(4)?, r.get::<_, String>(5)?, r.get::<_, String>(6)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, worker, agency, code, stars, comment, at) = row?;
        out.push(HeldRating {
            id: uuid_of(id)?,
            worker_id: uuid_of(worker)?,
            agency_id: uuid_of(agency)?,
            certificate_code: code,
            stars,
            comment,
            created_at: DateTime::parse_from_rfc3339(&at).map_err(|_| StoreError::Corrupt(format!("time {at}")))?.with_timezone(&Utc),
        });
    }
    Ok(out)
}

/// Blanks the device and network hashes of submissions made at or before `before`: once no
/// limit's window reaches them, nothing about where they came from is kept.
pub(super) fn forget_feedback_sources(tx: &Transaction<'_>, kind: FeedbackKind, before: DateTime<Utc>) -> StoreResult<()> {
    let t = feedback_table(kind);
    tx.execute(
        &format!("UPDATE {t} SET device_hash = '', network_hash = '' WHERE created_at <= ?1 AND (device_hash <> '' OR network_hash <> '')"),
        params![ts(before)],
    )?;
    Ok(())
}

pub(super) fn add_feedback(
    tx: &Transaction<'_>,
    s: &FeedbackSubmission,
    worker_id: Uuid,
    agency_id: Uuid,
    (device_hash, network_hash): (&str, &str),
) -> StoreResult<()> {
    let (worker_id, agency_id) = (worker_id.to_string(), agency_id.to_string());
    match &s.feedback {
        Feedback::Rating { stars, comment } => tx.execute(
            "INSERT INTO ratings (id, token_nonce, certificate_code, card_version, worker_id,
               agency_id, stars, comment, device_hash, network_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                s.id.to_string(),
                s.token_nonce,
                s.certificate_code,
                s.card_version,
                worker_id,
                agency_id,
                stars,
                comment,
                device_hash,
                network_hash,
                ts(s.now)
            ],
        )?,
        Feedback::Visit => tx.execute(
            "INSERT INTO visits (id, token_nonce, certificate_code, card_version, worker_id,
               agency_id, device_hash, network_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                s.id.to_string(),
                s.token_nonce,
                s.certificate_code,
                s.card_version,
                worker_id,
                agency_id,
                device_hash,
                network_hash,
                ts(s.now)
            ],
        )?,
        Feedback::Complaint { text, contact, reference } => tx.execute(
            "INSERT INTO complaints (id, token_nonce, certificate_code, card_version, worker_id,
               agency_id, text, contact, device_hash, network_hash, created_at, reference, state, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'open', ?11)",
            params![
                s.id.to_string(),
                s.token_nonce,
                s.certificate_code,
                s.card_version,
                worker_id,
                agency_id,
                text,
                contact,
                device_hash,
                network_hash,
                ts(s.now),
                reference
            ],
        )?,
    };
    Ok(())
}

/// What the worker's live certificate shows: the approved snapshot (the live record for a
/// certificate approved before snapshots were kept).
pub(super) fn approved_identity(conn: &rusqlite::Connection, worker_id: uuid::Uuid) -> StoreResult<Option<certdesk_domain::PublicIdentity>> {
    let row = conn
        .query_row(
            "SELECT COALESCE(c.approved_name, w.name),
                    CASE WHEN c.approved_name IS NULL THEN w.photo_sha256 ELSE c.approved_photo_sha256 END,
                    CASE WHEN c.approved_name IS NULL THEN json_extract(w.record, '$.service_types') ELSE c.approved_service_types END
             FROM certificates c JOIN workers w ON w.id = c.worker_id
             WHERE c.worker_id = ?1 AND c.revoked_at IS NULL",
            [worker_id.to_string()],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?)),
        )
        .optional()?;
    row.map(|(name, photo_sha256, types)| {
        let service_types: Vec<certdesk_domain::ServiceType> = types
            .map(|t| serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(format!("approved service types: {e}"))))
            .transpose()?
            .unwrap_or_default();
        Ok(certdesk_domain::PublicIdentity { name, photo_sha256, service_types })
    })
    .transpose()
}

impl PublicRecords for SqliteStore {
    fn public_certificate(&self, code: &str) -> StoreResult<Option<PublicCertificate>> {
        let conn = self.reader();
        let mut stmt = conn.prepare_cached(
            // The identity as approved (migration approved_identity), the live record only for
            // certificates approved before it was kept.
            "SELECT c.worker_id, c.agency_id, c.card_version, c.revoked_at IS NOT NULL,
                    g.name, g.phone, COALESCE(c.approved_name, w.name), COALESCE(c.approved_id_number, w.id_number),
                    (SELECT b.sha256 FROM blobs b WHERE b.agency_id = c.agency_id
                       AND b.sha256 = CASE WHEN c.approved_name IS NULL THEN w.photo_sha256 ELSE c.approved_photo_sha256 END),
                    CASE WHEN c.approved_name IS NULL THEN json_extract(w.record, '$.service_types') ELSE c.approved_service_types END,
                    c.valid_until, c.valid_from
             FROM certificates c JOIN agencies g ON g.id = c.agency_id JOIN workers w ON w.id = c.worker_id
             WHERE c.code = ?1",
        )?;
        let row = stmt
            .query_row([code], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u16>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, String>(11)?,
                ))
            })
            .optional()?;
        let Some((
            worker,
            agency,
            card_version,
            revoked,
            agency_name,
            phone,
            name,
            id,
            photo,
            types,
            valid_until,
            valid_from,
        )) = row
        else {
            return Ok(None);
        };
        let service_types = service_types_of(code, types.as_deref())?;
        // The worker's synced health checks and policies (index agency_records_worker); one
        // that does not read counts for nothing, so it can only make the colour less green.
        let mut facts = conn.prepare_cached(
            "SELECT payload FROM agency_records WHERE agency_id = ?1 AND entity = ?2 AND deleted = 0
               AND json_extract(payload, '$.worker_id') = ?3",
        )?;
        let mut payloads = |entity: SyncEntity| -> StoreResult<Vec<String>> {
            Ok(facts.query_map(params![agency, entity.as_str(), worker], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?)
        };
        let health_checks = payloads(SyncEntity::HealthCheck)?.iter().filter_map(|p| serde_json::from_str(p).ok()).collect();
        let insurance = payloads(SyncEntity::Insurance)?.iter().filter_map(|p| serde_json::from_str(p).ok()).collect();
        Ok(Some(PublicCertificate {
            certificate_code: code.to_owned(),
            worker_id: uuid_of(worker)?,
            agency_id: uuid_of(agency)?,
            current_card_version: card_version,
            revoked,
            agency_name,
            agency_phone: phone.filter(|p| !p.trim().is_empty()),
            worker_name: name,
            id_number: id,
            service_types,
            photo_sha256: photo,
            health_checks,
            insurance,
            valid_until,
            valid_from,
        }))
    }

    fn held_ratings(&self) -> StoreResult<Vec<HeldRating>> {
        held_ratings(&self.conn(), None)
    }

    fn complaint_status(&self, reference: &str) -> StoreResult<Option<crate::store::complaints::ComplaintStatus>> {
        super::complaints::status(&self.reader(), reference)
    }

    fn public_agency(&self, key: &str, today: &str) -> StoreResult<Option<PublicAgency>> {
        let conn = self.reader();
        let found = conn
            .query_row(
                "SELECT id, name, district, phone FROM agencies WHERE credit_code = ?1 OR name = ?1 ORDER BY credit_code = ?1 DESC LIMIT 1",
                [key],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?)),
            )
            .optional()?;
        let Some((id, name, district, phone)) = found else {
            return Ok(None);
        };
        let certified: u64 = conn.query_row(
            &format!("SELECT count(DISTINCT worker_id) FROM certificates WHERE agency_id = ?1 AND {}", certificate_in_force_sql("?2")),
            params![id, today],
            |r| r.get(0),
        )?;
        let (ratings, average): (u64, Option<f64>) =
            conn.query_row("SELECT count(*), avg(stars) FROM ratings WHERE agency_id = ?1 AND held = 0", [&id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Some(PublicAgency { name, district, phone: phone.filter(|p| !p.trim().is_empty()), certified, ratings, average_stars: average }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use certdesk_domain::ServiceType;
    use crate::store::public::{FeedbackLimits, FeedbackOutcome};
    use chrono::Duration;
    use certdesk_protocol::sync::ChangeBody;
    use crate::store::Store;

    fn now() -> DateTime<Utc> {
        "2026-11-27T02:00:00Z".parse().unwrap()
    }

    /// A store holding one current certificate `SH...` of one worker; returns its code.
    fn store_with_certificate() -> (SqliteStore, String) {
        let store = SqliteStore::open_in_memory().unwrap();
        let agency = Uuid::now_v7();
        store
            .conn()
            .execute(
                "INSERT INTO agencies (id, name, credit_code, district, created_at)
                 VALUES (?1, '某家政', '91310000MA1FL8L971', '黄浦区', 'x')",
                [agency.to_string()],
            )
            .unwrap();
        let worker = Uuid::now_v7().to_string();
        let app = Uuid::now_v7().to_string();
        let conn = store.conn();
        conn.execute(
            "INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at)
             VALUES (?1, ?2, '11010519491231002X', '张小三', 'issued', '{\"service_types\":[\"cleaning\"]}', 1, 'x')",
            params![worker, agency.to_string()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO applications (id, worker_id, agency_id, id_number, status, applied_at)
             VALUES (?1, ?2, ?3, '11010519491231002X', 'approved', 'x')",
            params![app, worker, agency.to_string()],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO certificates (code, worker_id, agency_id, application_id, card_version,
               valid_from, valid_until, key_id, credential_url, issued_at)
             VALUES ('SH012026000001X', ?1, ?2, ?3, 1, '2026-11-27', '2029-11-26', 1, 'u', 'x')",
            params![worker, agency.to_string(), app],
        )
        .unwrap();
        drop(conn);
        (store, "SH012026000001X".into())
    }

    fn rating(code: &str, device: &str, network: &str, minutes: i64) -> FeedbackSubmission {
        FeedbackSubmission {
            id: Uuid::now_v7(),
            token_nonce: Uuid::now_v7().to_string(),
            certificate_code: code.into(),
            card_version: 1,
            device: device.into(),
            network: network.into(),
            feedback: Feedback::Rating {
                stars: 5,
                comment: "好".into(),
            },
            now: now() + Duration::minutes(minutes),
        }
    }

    /// Issue 13 item 6: a rating is taken only from a phone that confirmed a visit of the
    /// certificate within a day; a visit from another phone, or of another worker, or two days
    /// old, does not count. The visit itself reaches the agency as a `visit` change.
    #[test]
    fn a_rating_needs_a_visit_confirmed_from_the_same_phone_within_a_day() {
        let (store, code) = store_with_certificate();
        let other = second_certificate(&store);
        let limits = FeedbackLimits { after_visit: true, ..LIMITS };
        let visit = |code: &str, device: &str, minutes: i64| FeedbackSubmission { feedback: Feedback::Visit, ..rating(code, device, "n", minutes) };
        assert_eq!(crate::flows::add_feedback(&store, &rating(&code, "phone", "n", 0), &limits).unwrap(), FeedbackOutcome::NoVisit);
        assert_eq!(crate::flows::add_feedback(&store, &visit(&code, "another-phone", 1), &LIMITS).unwrap(), FeedbackOutcome::Stored);
        assert_eq!(crate::flows::add_feedback(&store, &visit(&other, "phone", 2), &LIMITS).unwrap(), FeedbackOutcome::Stored);
        assert_eq!(crate::flows::add_feedback(&store, &rating(&code, "phone", "n", 3), &limits).unwrap(), FeedbackOutcome::NoVisit);
        assert_eq!(crate::flows::add_feedback(&store, &visit(&code, "phone", 4), &LIMITS).unwrap(), FeedbackOutcome::Stored);
        assert_eq!(crate::flows::add_feedback(&store, &visit(&code, "phone", 5), &LIMITS).unwrap(), FeedbackOutcome::Limited, "one visit per phone a day");
        assert_eq!(crate::flows::add_feedback(&store, &rating(&code, "phone", "n", 6), &limits).unwrap(), FeedbackOutcome::Stored);
        // Two days later the visit no longer carries a rating.
        assert_eq!(crate::flows::add_feedback(&store, &rating(&code, "phone", "n", 2 * 24 * 60), &limits).unwrap(), FeedbackOutcome::NoVisit);
        let agency = store.public_certificate(&code).unwrap().unwrap().agency_id;
        let (changes, _) = store.changes_since(agency, 0, 100).unwrap();
        let visits = changes.iter().filter(|c| matches!(c.body, ChangeBody::Visit { .. })).count();
        assert_eq!(visits, 3, "each confirmed visit reaches the agency");
    }

    const LIMITS: FeedbackLimits = FeedbackLimits {
        per_device_per_day: 1,
        per_network_per_day: 3,
        per_certificate_per_hour: 5,
        per_network_all_certificates_per_day: 100,
        after_visit: false,
    };

    /// Issue 11 item 7: ratings over a certificate's hourly ceiling are held, not dropped; the
    /// agency sees them only once the office releases them; a discarded one is gone.
    #[test]
    fn ratings_over_the_hourly_ceiling_are_held_for_the_office_to_release_or_discard() {
        use crate::store::Store;
        use certdesk_protocol::sync::ChangeBody;
        let (store, code) = store_with_certificate();
        let limits = FeedbackLimits { per_certificate_per_hour: 2, ..LIMITS };
        let outcomes: Vec<FeedbackOutcome> = (0..4)
            .map(|i| crate::flows::add_feedback(&store, &rating(&code, &format!("d{i}"), &format!("n{i}"), i), &limits).unwrap())
            .collect();
        assert_eq!(outcomes, [FeedbackOutcome::Stored, FeedbackOutcome::Stored, FeedbackOutcome::Held, FeedbackOutcome::Held]);
        let pulled = |store: &SqliteStore| -> usize {
            let agency: String = store.conn().query_row("SELECT id FROM agencies", [], |r| r.get(0)).unwrap();
            store.changes_since(uuid_of(agency).unwrap(), 0, 100).unwrap().0.iter().filter(|c| matches!(c.body, ChangeBody::Rating { .. })).count()
        };
        assert_eq!(pulled(&store), 2, "held ratings are not sent to the agency");
        let held = store.held_ratings().unwrap();
        assert_eq!(held.len(), 2);
        assert!(crate::flows::release_rating(&store, held[0].id, now()).unwrap());
        assert_eq!(pulled(&store), 3, "a released rating reaches the agency");
        assert!(crate::flows::discard_rating(&store, held[1].id).unwrap());
        assert_eq!(pulled(&store), 3);
        assert!(store.held_ratings().unwrap().is_empty());
        assert!(!crate::flows::release_rating(&store, held[1].id, now()).unwrap(), "a discarded rating cannot come back");
        let left: i64 = store.conn().query_row("SELECT count(*) FROM ratings", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 3);
    }

    /// Issue 11 item 7: a submission's sources are stored as HMACs under a secret of the day,
    /// never as plain hashes of the address; a day's limit still holds across midnight (the
    /// count also uses yesterday's secret); secrets older than yesterday are deleted.
    #[test]
    fn sources_are_keyed_by_a_daily_secret_that_is_dropped_after_two_days() {
        let (store, code) = store_with_certificate();
        // now() is 10:00 in Shanghai: 23:50 the same day, then 00:10 the next.
        let evening = rating(&code, "phone", "net", 13 * 60 + 50);
        assert_eq!(crate::flows::add_feedback(&store, &evening, &LIMITS).unwrap(), FeedbackOutcome::Stored);
        let (device_hash, network_hash): (String, String) =
            store.conn().query_row("SELECT device_hash, network_hash FROM ratings", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_ne!(device_hash, crate::keys::sha256_hex("device:phone"), "not a plain hash anyone can recompute");
        assert_ne!(network_hash, crate::keys::sha256_hex("network:net"));
        assert_eq!(network_hash.len(), 64);
        let after_midnight = rating(&code, "phone", "net", 14 * 60 + 10);
        assert_eq!(
            crate::flows::add_feedback(&store, &after_midnight, &LIMITS).unwrap(),
            FeedbackOutcome::Limited,
            "the same phone twenty minutes later, past midnight: still one a day"
        );
        let days = |store: &SqliteStore| -> Vec<String> {
            store.conn().prepare("SELECT day FROM feedback_keys ORDER BY day").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
        };
        assert_eq!(days(&store).len(), 2, "today's and yesterday's secrets");
        let two_days_later = rating(&code, "other", "net2", 3 * 24 * 60);
        crate::flows::add_feedback(&store, &two_days_later, &LIMITS).unwrap();
        assert_eq!(days(&store).len(), 1, "older secrets are gone: their hashes can no longer be linked");
    }

    /// A second certificate of another worker of the same agency.
    fn second_certificate(store: &SqliteStore) -> String {
        let conn = store.conn();
        let agency: String = conn.query_row("SELECT id FROM agencies", [], |r| r.get(0)).unwrap();
        let (worker, app) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
        conn.execute(
            "INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at)
             VALUES (?1, ?2, '110105194912310037', '李四', 'issued', '{}', 1, 'x')",
            params![worker, agency],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO applications (id, worker_id, agency_id, id_number, status, applied_at)
             VALUES (?1, ?2, ?3, '110105194912310037', 'approved', 'x')",
            params![app, worker, agency],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO certificates (code, worker_id, agency_id, application_id, card_version,
               valid_from, valid_until, key_id, credential_url, issued_at)
             VALUES ('SH012026000002Y', ?1, ?2, ?3, 1, '2026-11-27', '2029-11-26', 1, 'u', 'x')",
            params![worker, agency, app],
        )
        .unwrap();
        "SH012026000002Y".into()
    }

    /// Issue 11 item 7: a fresh cookie per request is a fresh "device", but the network's count
    /// over every certificate still holds; and once a day has passed nothing of where a rating
    /// came from is kept.
    #[test]
    fn one_network_is_limited_across_certificates_and_forgotten_after_a_day() {
        let (store, first) = store_with_certificate();
        let second = second_certificate(&store);
        let limits = FeedbackLimits { per_device_per_day: 10, per_network_per_day: 10, per_certificate_per_hour: 10, per_network_all_certificates_per_day: 3, after_visit: false };
        let outcomes: Vec<FeedbackOutcome> = [&first, &second, &first, &second]
            .iter()
            .enumerate()
            .map(|(i, code)| crate::flows::add_feedback(&store, &rating(code, &format!("fresh-cookie-{i}"), "one-network", i as i64), &limits).unwrap())
            .collect();
        assert_eq!(outcomes, [FeedbackOutcome::Stored, FeedbackOutcome::Stored, FeedbackOutcome::Stored, FeedbackOutcome::Limited]);
        let other = crate::flows::add_feedback(&store, &rating(&second, "d", "another-network", 5), &limits).unwrap();
        assert_eq!(other, FeedbackOutcome::Stored, "another network has its own count");

        let sources = |store: &SqliteStore| -> i64 {
            store.conn().query_row("SELECT count(*) FROM ratings WHERE device_hash <> '' OR network_hash <> ''", [], |r| r.get(0)).unwrap()
        };
        assert_eq!(sources(&store), 4);
        // A day and more later, the next rating finds the old ones without their sources.
        let later = crate::flows::add_feedback(&store, &rating(&first, "d2", "one-network", 24 * 60 + 10), &limits).unwrap();
        assert_eq!(later, FeedbackOutcome::Stored, "the network's day is over");
        assert_eq!(sources(&store), 1, "only the new rating still says where it came from");
        let kept: i64 = store.conn().query_row("SELECT count(*) FROM ratings", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, 5, "the ratings themselves are kept");
    }

    #[test]
    fn the_lookup_gives_the_public_fields_and_nothing_for_an_unknown_code() {
        let (store, code) = store_with_certificate();
        let c = store.public_certificate(&code).unwrap().unwrap();
        assert_eq!(c.service_types, [ServiceType::Cleaning]);
        assert!(!c.revoked);
        assert_eq!(c.current_card_version, 1);
        assert_eq!(store.public_certificate("SH012026000002X").unwrap(), None);
    }

    /// The page's service types are typed at the row by the rule that took the record: a label
    /// reads as its type (as the page always showed it), a cell of several as each, in the rule's
    /// order, and an entry naming no service type is a corrupt row rather than a tag quietly
    /// missing.
    #[test]
    fn stored_service_types_are_typed_and_an_unknown_one_is_a_corrupt_row() {
        let (store, code) = store_with_certificate();
        let set = |types: &str| {
            store.conn().execute("UPDATE workers SET record = ?1", [format!("{{\"service_types\":{types}}}")]).unwrap();
        };
        set(r#"["elder_care", "保洁、育婴"]"#);
        let c = store.public_certificate(&code).unwrap().unwrap();
        assert_eq!(c.service_types, [ServiceType::Cleaning, ServiceType::InfantCare, ServiceType::ElderCare]);
        set(r#"["cleaning", "plumbing"]"#);
        let err = store.public_certificate(&code).unwrap_err();
        assert!(matches!(&err, StoreError::Corrupt(m) if m.contains("service types") && m.contains("plumbing")), "{err:?}");
    }

    #[test]
    fn a_certificate_takes_at_most_its_hourly_limit_city_wide_then_again_an_hour_later() {
        let (store, code) = store_with_certificate();
        for n in 0..5 {
            let s = rating(&code, &format!("d{n}"), &format!("n{n}"), n);
            assert_eq!(
                crate::flows::add_feedback(&store, &s, &LIMITS).unwrap(),
                FeedbackOutcome::Stored
            );
        }
        let sixth = rating(&code, "d9", "n9", 10);
        assert_eq!(
            crate::flows::add_feedback(&store, &sixth, &LIMITS).unwrap(),
            FeedbackOutcome::Held,
            "distinct devices and networks cannot flood one worker: past the ceiling a rating waits for the office, unsent"
        );
        // An hour later the ceiling has room again (another phone: the held rating still counts
        // against its own sender).
        let later = rating(&code, "d10", "n10", 61);
        assert_eq!(
            crate::flows::add_feedback(&store, &later, &LIMITS).unwrap(),
            FeedbackOutcome::Stored
        );
    }

    #[test]
    fn one_device_rates_a_certificate_once_a_day_and_a_token_works_once() {
        let (store, code) = store_with_certificate();
        let first = rating(&code, "d", "n", 0);
        assert_eq!(
            crate::flows::add_feedback(&store, &first, &LIMITS).unwrap(),
            FeedbackOutcome::Stored
        );
        assert_eq!(
            crate::flows::add_feedback(&store, &first, &LIMITS).unwrap(),
            FeedbackOutcome::TokenUsed
        );
        let again = rating(&code, "d", "other", 60 * 23);
        assert_eq!(
            crate::flows::add_feedback(&store, &again, &LIMITS).unwrap(),
            FeedbackOutcome::Limited
        );
        let next_day = rating(&code, "d", "other", 60 * 24 + 1);
        assert_eq!(
            crate::flows::add_feedback(&store, &next_day, &LIMITS).unwrap(),
            FeedbackOutcome::Stored
        );
    }

    #[test]
    fn an_old_card_or_a_cancelled_certificate_takes_no_feedback() {
        let (store, code) = store_with_certificate();
        let mut old = rating(&code, "d", "n", 0);
        old.card_version = 0;
        assert_eq!(
            crate::flows::add_feedback(&store, &old, &LIMITS).unwrap(),
            FeedbackOutcome::NotCurrent
        );
        store
            .conn()
            .execute("UPDATE certificates SET revoked_at = 'x'", [])
            .unwrap();
        let s = rating(&code, "d", "n", 0);
        assert_eq!(
            crate::flows::add_feedback(&store, &s, &LIMITS).unwrap(),
            FeedbackOutcome::NotCurrent
        );
        let n: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM ratings", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}
