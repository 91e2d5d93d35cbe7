//! [`PublicRecords`](crate::store::public::PublicRecords) on PostgreSQL, and the transaction's
//! rows for the public page's feedback (ratings, complaints, visits, daily source keys, held
//! ratings) and the electronic card's activations. The flow in [`crate::flows::feedback`]
//! decides what is taken; these only count, find and store rows.
//!
//! Several instances share the database: a feedback limit is a count followed by an insert
//! (both in the flow's one transaction), so [`count_feedback`] serialises the submissions that
//! one count may cover with transaction-level advisory locks (see there).

use ::postgres::GenericClient;
use certdesk_protocol::sync::SyncEntity;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::PgTx;
use crate::store::electronic::{Activation, NewActivation};
use crate::store::public::{
    Feedback, FeedbackFrom, FeedbackKind, FeedbackSubmission, HeldRating, PublicAgency, PublicCertificate, PublicRecords,
};
use crate::store::{StoreError, StoreResult};
use crate::store::columns::{certificate_in_force_sql, feedback_table, fits, service_types_of};

pub(super) fn add_activation(t: &mut PgTx<'_, '_>, a: &NewActivation<'_>) -> StoreResult<()> {
    t.execute(
        "INSERT INTO electronic_cards
           (code_sha256, worker_id, agency_id, certificate_code, card_version, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING",
        &[&a.code_sha256, &a.worker_id, &a.agency_id, &a.certificate_code, &i32::from(a.card_version), &a.now],
    )?;
    Ok(())
}

pub(super) fn activation(t: &mut PgTx<'_, '_>, code_sha256: &str) -> StoreResult<Option<Activation>> {
    electronic_row(t, "code_sha256", code_sha256)
}

pub(super) fn fail_activation(t: &mut PgTx<'_, '_>, code_sha256: &str) -> StoreResult<()> {
    t.execute(
        "UPDATE electronic_cards SET failed_attempts = failed_attempts + 1 WHERE code_sha256 = $1",
        &[&code_sha256],
    )?;
    Ok(())
}

pub(super) fn activate(t: &mut PgTx<'_, '_>, code_sha256: &str, token_sha256: &str, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute(
        "UPDATE electronic_cards SET token_sha256 = $2, activated_at = $3
         WHERE code_sha256 = $1 AND activated_at IS NULL",
        &[&code_sha256, &token_sha256, &now],
    )?;
    Ok(())
}

pub(super) fn electronic_card(t: &mut PgTx<'_, '_>, token_sha256: &str) -> StoreResult<Option<Activation>> {
    electronic_row(t, "token_sha256", token_sha256)
}

/// The activation whose `column` (one of the two hashes, from the callers above, never from
/// input) is `sha256`.
fn electronic_row(t: &mut PgTx<'_, '_>, column: &'static str, sha256: &str) -> StoreResult<Option<Activation>> {
    let row = t.query_opt(
        &format!(
            "SELECT worker_id, agency_id, certificate_code, card_version, failed_attempts, activated_at
             FROM electronic_cards WHERE {column} = $1"
        ),
        &[&sha256],
    )?;
    let Some(r) = row else {
        return Ok(None);
    };
    Ok(Some(Activation {
        worker_id: r.get(0),
        agency_id: r.get(1),
        certificate_code: r.get(2),
        card_version: fits("card version", r.get::<_, i32>(3))?,
        failed_attempts: fits("failed attempts", r.get::<_, i32>(4))?,
        activated_at: r.get(5),
    }))
}

pub(super) fn current_card(t: &mut PgTx<'_, '_>, code: &str, card_version: u16) -> StoreResult<Option<(Uuid, Uuid)>> {
    let row = t.query_opt(
        "SELECT worker_id, agency_id FROM certificates
         WHERE code = $1 AND card_version = $2 AND revoked_at IS NULL",
        &[&code, &i32::from(card_version)],
    )?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

pub(super) fn feedback_token_used(t: &mut PgTx<'_, '_>, kind: FeedbackKind, token_nonce: &str) -> StoreResult<bool> {
    let table = feedback_table(kind);
    Ok(t.query_opt(&format!("SELECT 1 FROM {table} WHERE token_nonce = $1"), &[&token_nonce])?.is_some())
}

/// Blanks the device and network hashes of submissions made at or before `before`: once no
/// limit's window reaches them, nothing about where they came from is kept.
pub(super) fn forget_feedback_sources(t: &mut PgTx<'_, '_>, kind: FeedbackKind, before: DateTime<Utc>) -> StoreResult<()> {
    let table = feedback_table(kind);
    t.execute(
        &format!(
            "UPDATE {table} SET device_hash = '', network_hash = ''
             WHERE created_at <= $1 AND (device_hash <> '' OR network_hash <> '')"
        ),
        &[&before],
    )?;
    Ok(())
}

/// Counts stored submissions of `kind` from `from` since `since`.
///
/// The flow counts, then decides, then inserts in the same transaction; at read committed two
/// instances could both count below a limit and both insert. So the count first takes a
/// transaction-level advisory lock on the certificate (`feedback:<code>`), held to commit or
/// rollback: submissions about one certificate (every per-device, per-network and hourly
/// limit) are taken one after the other. A count over every certificate of one network also
/// locks that network (`feedback-network:<today's hash>`), always after the certificate's
/// lock, so two transactions never wait on each other in a circle (each holds at most one
/// certificate's lock).
pub(super) fn count_feedback(
    t: &mut PgTx<'_, '_>,
    kind: FeedbackKind,
    code: &str,
    from: FeedbackFrom<'_>,
    since: DateTime<Utc>,
) -> StoreResult<u32> {
    t.execute("SELECT pg_advisory_xact_lock(hashtextextended('feedback:' || $1, 0))", &[&code])?;
    let table = feedback_table(kind);
    // A source has at most two hashes (today's and yesterday's secret): `= $a OR = $b`.
    let either = |hashes: &[String]| -> (String, String) {
        let a = hashes.first().cloned().unwrap_or_default();
        let b = hashes.get(1).cloned().unwrap_or_else(|| a.clone());
        (a, b)
    };
    let n: i64 = match from {
        FeedbackFrom::Anyone => t
            .tx
            .query_one(
                &format!("SELECT COUNT(*) FROM {table} WHERE certificate_code = $1 AND created_at > $2"),
                &[&code, &since],
            )?
            .get(0),
        FeedbackFrom::Device(hashes) | FeedbackFrom::Network(hashes) => {
            let column = if matches!(from, FeedbackFrom::Device(_)) { "device_hash" } else { "network_hash" };
            let (a, b) = either(hashes);
            t.query_one(
                &format!(
                    "SELECT COUNT(*) FROM {table}
                     WHERE ({column} = $1 OR {column} = $2) AND certificate_code = $3 AND created_at > $4"
                ),
                &[&a, &b, &code, &since],
            )?
            .get(0)
        }
        FeedbackFrom::NetworkAnyCertificate(hashes) => {
            let (a, b) = either(hashes);
            t.execute("SELECT pg_advisory_xact_lock(hashtextextended('feedback-network:' || $1, 0))", &[&a])?;
            t.query_one(
                &format!(
                    "SELECT COUNT(*) FROM {table} WHERE (network_hash = $1 OR network_hash = $2) AND created_at > $3"
                ),
                &[&a, &b, &since],
            )?
            .get(0)
        }
    };
    fits("count", n)
}

pub(super) fn add_feedback(
    t: &mut PgTx<'_, '_>,
    s: &FeedbackSubmission,
    worker_id: Uuid,
    agency_id: Uuid,
    (device_hash, network_hash): (&str, &str),
) -> StoreResult<()> {
    let card_version = i32::from(s.card_version);
    match &s.feedback {
        Feedback::Rating { stars, comment } => t.execute(
            "INSERT INTO ratings (id, token_nonce, certificate_code, card_version, worker_id,
               agency_id, stars, comment, device_hash, network_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                &s.id,
                &s.token_nonce,
                &s.certificate_code,
                &card_version,
                &worker_id,
                &agency_id,
                &i16::from(*stars),
                comment,
                &device_hash,
                &network_hash,
                &s.now,
            ],
        )?,
        Feedback::Visit => t.execute(
            "INSERT INTO visits (id, token_nonce, certificate_code, card_version, worker_id,
               agency_id, device_hash, network_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &s.id,
                &s.token_nonce,
                &s.certificate_code,
                &card_version,
                &worker_id,
                &agency_id,
                &device_hash,
                &network_hash,
                &s.now,
            ],
        )?,
        Feedback::Complaint { text, contact, reference } => t.execute(
            "INSERT INTO complaints (id, token_nonce, certificate_code, card_version, worker_id,
               agency_id, text, contact, device_hash, network_hash, created_at, reference, state, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open', $11)",
            &[
                &s.id,
                &s.token_nonce,
                &s.certificate_code,
                &card_version,
                &worker_id,
                &agency_id,
                text,
                contact,
                &device_hash,
                &network_hash,
                &s.now,
                reference,
            ],
        )?,
    };
    Ok(())
}

/// The day's secret: `fresh` becomes it unless one is stored already. Race-free across
/// instances: a second insert of the day waits for the first to commit and then does nothing,
/// and the read that follows (a new statement at read committed) sees the first one's secret.
pub(super) fn feedback_key(t: &mut PgTx<'_, '_>, day: &str, fresh: &str) -> StoreResult<String> {
    t.execute("INSERT INTO feedback_keys (day, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING", &[&day, &fresh])?;
    Ok(t.query_one("SELECT secret FROM feedback_keys WHERE day = $1", &[&day])?.get(0))
}

pub(super) fn existing_feedback_key(t: &mut PgTx<'_, '_>, day: &str) -> StoreResult<Option<String>> {
    Ok(t.query_opt("SELECT secret FROM feedback_keys WHERE day = $1", &[&day])?.map(|r| r.get(0)))
}

pub(super) fn drop_feedback_keys_before(t: &mut PgTx<'_, '_>, day: &str) -> StoreResult<()> {
    t.execute("DELETE FROM feedback_keys WHERE day < $1", &[&day])?;
    Ok(())
}

pub(super) fn hold_rating(t: &mut PgTx<'_, '_>, id: Uuid) -> StoreResult<()> {
    t.execute("UPDATE ratings SET held = 1 WHERE id = $1", &[&id])?;
    Ok(())
}

pub(super) fn held_rating(t: &mut PgTx<'_, '_>, id: Uuid) -> StoreResult<Option<HeldRating>> {
    held_ratings(&mut *t.tx, Some(id)).map(|mut v| v.pop())
}

pub(super) fn release_rating(t: &mut PgTx<'_, '_>, id: Uuid) -> StoreResult<()> {
    t.execute("UPDATE ratings SET held = 0 WHERE id = $1 AND held = 1", &[&id])?;
    Ok(())
}

pub(super) fn discard_rating(t: &mut PgTx<'_, '_>, id: Uuid) -> StoreResult<()> {
    t.execute("DELETE FROM ratings WHERE id = $1 AND held = 1", &[&id])?;
    Ok(())
}

/// Held ratings (one when `id` is given), oldest first (by id among ratings of one instant).
fn held_ratings(c: &mut impl GenericClient, id: Option<Uuid>) -> StoreResult<Vec<HeldRating>> {
    let rows = c.query(
        "SELECT id, worker_id, agency_id, certificate_code, stars, comment, created_at FROM ratings
         WHERE held = 1 AND ($1::uuid IS NULL OR id = $1) ORDER BY created_at, id LIMIT 500",
        &[&id],
    )?;
    rows.iter()
        .map(|r| {
            Ok(HeldRating {
                id: r.get(0),
                worker_id: r.get(1),
                agency_id: r.get(2),
                certificate_code: r.get(3),
                stars: fits("stars", r.get::<_, i16>(4))?,
                comment: r.get(5),
                created_at: r.get(6),
            })
        })
        .collect()
}

/// A `date` as the public page's strings carry it (`YYYY-MM-DD`, as SQLite keeps it).
fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl PublicRecords for super::PgStore {
    fn held_public(&self, code: &str) -> Option<(certdesk_protocol::TrustList, Option<PublicCertificate>)> {
        Some((self.watch.trust()?, self.watch.certificate(code)?))
    }

    fn public_certificate(&self, code: &str) -> StoreResult<Option<PublicCertificate>> {
        if let Some(held) = self.watch.certificate(code) {
            return Ok(held);
        }
        let at = self.watch.current();
        let record = self.read_public_certificate(code)?;
        if let Some(at) = at {
            self.watch.keep_certificate(at, code, &record);
        }
        Ok(record)
    }

    fn public_agency(&self, key: &str, today: &str) -> StoreResult<Option<PublicAgency>> {
        // `valid_until` is a date here (text in SQLite, compared as text): `today` is the
        // contract's `YYYY-MM-DD`, so the comparison is the same.
        let today: NaiveDate =
            today.parse().map_err(|_| StoreError::Database(format!("not a YYYY-MM-DD day: {today}")))?;
        let mut conn = self.conn()?;
        let found = conn.query_opt(
            "SELECT id, name, district, phone FROM agencies WHERE credit_code = $1 OR name = $1
             ORDER BY credit_code = $1 DESC, id LIMIT 1",
            &[&key],
        )?;
        let Some(r) = found else {
            return Ok(None);
        };
        let id: Uuid = r.get(0);
        let certified: i64 = conn
            .query_one(
                &format!("SELECT count(DISTINCT worker_id) FROM certificates WHERE agency_id = $1 AND {}", certificate_in_force_sql("$2")),
                &[&id, &today],
            )?
            .get(0);
        // avg over float8, as SQLite's avg is computed in doubles.
        let counted = conn.query_one(
            "SELECT count(*), avg(stars::float8) FROM ratings WHERE agency_id = $1 AND held = 0",
            &[&id],
        )?;
        Ok(Some(PublicAgency {
            name: r.get(1),
            district: r.get(2),
            phone: r.get::<_, Option<String>>(3).filter(|p| !p.trim().is_empty()),
            certified: fits("count", certified)?,
            ratings: fits("count", counted.get::<_, i64>(0))?,
            average_stars: counted.get(1),
        }))
    }

    fn held_ratings(&self) -> StoreResult<Vec<HeldRating>> {
        held_ratings(&mut *self.conn()?, None)
    }

    fn complaint_status(&self, reference: &str) -> StoreResult<Option<crate::store::complaints::ComplaintStatus>> {
        super::complaints::status(&mut *self.conn()?, reference)
    }
}

impl super::PgStore {
    /// [`PublicRecords::public_certificate`] from the database.
    fn read_public_certificate(&self, code: &str) -> StoreResult<Option<PublicCertificate>> {
        let mut conn = self.conn()?;
        let conn = &mut *conn;
        let row = conn.query_opt(
            // The identity as approved (migration approved_identity), the live record only for
            // certificates approved before it was kept. A record naming no service types (or
            // naming JSON null) has none, as SQLite's json_extract gives NULL for both.
            "SELECT c.worker_id, c.agency_id, c.card_version, c.revoked_at IS NOT NULL,
                    g.name, g.phone, COALESCE(c.approved_name, w.name), COALESCE(c.approved_id_number, w.id_number),
                    (SELECT b.sha256 FROM blobs b WHERE b.agency_id = c.agency_id
                       AND b.sha256 = CASE WHEN c.approved_name IS NULL THEN w.photo_sha256 ELSE c.approved_photo_sha256 END),
                    CASE WHEN c.approved_name IS NULL
                         THEN NULLIF(w.record::jsonb -> 'service_types', 'null'::jsonb)::text
                         ELSE c.approved_service_types END,
                    c.valid_until, c.valid_from
             FROM certificates c JOIN agencies g ON g.id = c.agency_id JOIN workers w ON w.id = c.worker_id
             WHERE c.code = $1",
            &[&code],
        )?;
        let Some(r) = row else {
            return Ok(None);
        };
        let worker: Uuid = r.get(0);
        let agency: Uuid = r.get(1);
        let service_types = service_types_of(code, r.get::<_, Option<&str>>(9))?;
        // The worker's synced health checks and policies (index agency_records_worker); one
        // that does not read counts for nothing, so it can only make the colour less green.
        let worker_text = worker.to_string();
        let mut payloads = |entity: SyncEntity| -> StoreResult<Vec<String>> {
            let rows = conn.query(
                "SELECT payload FROM agency_records WHERE agency_id = $1 AND entity = $2 AND NOT deleted
                   AND ((payload::jsonb) ->> 'worker_id') = $3
                 ORDER BY entity_id",
                &[&agency, &entity.as_str(), &worker_text],
            )?;
            Ok(rows.iter().map(|r| r.get(0)).collect())
        };
        let health_checks =
            payloads(SyncEntity::HealthCheck)?.iter().filter_map(|p| serde_json::from_str(p).ok()).collect();
        let insurance =
            payloads(SyncEntity::Insurance)?.iter().filter_map(|p| serde_json::from_str(p).ok()).collect();
        Ok(Some(PublicCertificate {
            certificate_code: code.to_owned(),
            worker_id: worker,
            agency_id: agency,
            current_card_version: fits("card version", r.get::<_, i32>(2))?,
            revoked: r.get(3),
            agency_name: r.get(4),
            agency_phone: r.get::<_, Option<String>>(5).filter(|p| !p.trim().is_empty()),
            worker_name: r.get(6),
            id_number: r.get(7),
            service_types,
            photo_sha256: r.get(8),
            health_checks,
            insurance,
            valid_until: day(r.get(10)),
            valid_from: day(r.get(11)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use certdesk_domain::ServiceType;
    use crate::store::postgres::PgStore;
    use crate::store::public::{FeedbackLimits, FeedbackOutcome};
    use crate::store::Store;
    use certdesk_protocol::sync::ChangeBody;
    use certdesk_testkit::pg::TestDatabase;
    use chrono::Duration;

    fn now() -> DateTime<Utc> {
        "2026-11-27T02:00:00Z".parse().unwrap()
    }

    /// A store on a fresh schema holding one current certificate `SH...` of one worker.
    struct Fixture {
        store: PgStore,
        code: String,
        db: TestDatabase,
    }

    impl Fixture {
        /// A plain connection, to look at rows (or break them) as the SQLite tests do.
        fn sql(&self) -> ::postgres::Client {
            self.db.connect()
        }

        fn agency(&self) -> Uuid {
            self.sql().query_one("SELECT id FROM agencies", &[]).unwrap().get(0)
        }

        fn count(&self, query: &str) -> i64 {
            self.sql().query_one(query, &[]).unwrap().get(0)
        }
    }

    /// `None` (the variant is skipped) when no test server is set.
    fn store_with_certificate(test: &str) -> Option<Fixture> {
        let db = certdesk_testkit::pg::database(&format!("store::postgres::public::{test}"))?;
        let store = PgStore::open_for_tests(db.url()).unwrap();
        let (agency, worker, app) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut c = db.connect();
        c.execute(
            "INSERT INTO agencies (id, name, credit_code, district, created_at)
             VALUES ($1, '某家政', '91310000MA1FL8L971', '黄浦区', now())",
            &[&agency],
        )
        .unwrap();
        c.execute(
            "INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at)
             VALUES ($1, $2, '11010519491231002X', '张小三', 'issued', '{\"service_types\":[\"cleaning\"]}', 1, now())",
            &[&worker, &agency],
        )
        .unwrap();
        c.execute(
            "INSERT INTO applications (id, worker_id, agency_id, id_number, status, applied_at)
             VALUES ($1, $2, $3, '11010519491231002X', 'approved', now())",
            &[&app, &worker, &agency],
        )
        .unwrap();
        c.execute(
            "INSERT INTO certificates (code, worker_id, agency_id, application_id, card_version,
               valid_from, valid_until, key_id, credential_url, issued_at)
             VALUES ('SH012026000001X', $1, $2, $3, 1, '2026-11-27', '2029-11-26', 1, 'u', now())",
            &[&worker, &agency, &app],
        )
        .unwrap();
        Some(Fixture { store, code: "SH012026000001X".into(), db })
    }

    /// A second certificate of another worker of the same agency.
    fn second_certificate(f: &Fixture) -> String {
        let agency = f.agency();
        let (worker, app) = (Uuid::now_v7(), Uuid::now_v7());
        let mut c = f.sql();
        c.execute(
            "INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at)
             VALUES ($1, $2, '110105194912310037', '李四', 'issued', '{}', 1, now())",
            &[&worker, &agency],
        )
        .unwrap();
        c.execute(
            "INSERT INTO applications (id, worker_id, agency_id, id_number, status, applied_at)
             VALUES ($1, $2, $3, '110105194912310037', 'approved', now())",
            &[&app, &worker, &agency],
        )
        .unwrap();
        c.execute(
            "INSERT INTO certificates (code, worker_id, agency_id, application_id, card_version,
               valid_from, valid_until, key_id, credential_url, issued_at)
             VALUES ('SH012026000002Y', $1, $2, $3, 1, '2026-11-27', '2029-11-26', 1, 'u', now())",
            &[&worker, &agency, &app],
        )
        .unwrap();
        "SH012026000002Y".into()
    }

    fn rating(code: &str, device: &str, network: &str, minutes: i64) -> FeedbackSubmission {
        FeedbackSubmission {
            id: Uuid::now_v7(),
            token_nonce: Uuid::now_v7().to_string(),
            certificate_code: code.into(),
            card_version: 1,
            device: device.into(),
            network: network.into(),
            feedback: Feedback::Rating { stars: 5, comment: "好".into() },
            now: now() + Duration::minutes(minutes),
        }
    }

    const LIMITS: FeedbackLimits = FeedbackLimits {
        per_device_per_day: 1,
        per_network_per_day: 3,
        per_certificate_per_hour: 5,
        per_network_all_certificates_per_day: 100,
        after_visit: false,
    };

    /// As SQLite's: a rating needs a visit confirmed from the same phone within a day; each
    /// confirmed visit reaches the agency as a `visit` change.
    #[test]
    fn a_rating_needs_a_visit_confirmed_from_the_same_phone_within_a_day() {
        let Some(f) = store_with_certificate("a_rating_needs_a_visit_confirmed_from_the_same_phone_within_a_day") else { return };
        let (store, code) = (&f.store, f.code.as_str());
        let other = second_certificate(&f);
        let limits = FeedbackLimits { after_visit: true, ..LIMITS };
        let visit = |code: &str, device: &str, minutes: i64| FeedbackSubmission { feedback: Feedback::Visit, ..rating(code, device, "n", minutes) };
        assert_eq!(crate::flows::add_feedback(store, &rating(code, "phone", "n", 0), &limits).unwrap(), FeedbackOutcome::NoVisit);
        assert_eq!(crate::flows::add_feedback(store, &visit(code, "another-phone", 1), &LIMITS).unwrap(), FeedbackOutcome::Stored);
        assert_eq!(crate::flows::add_feedback(store, &visit(&other, "phone", 2), &LIMITS).unwrap(), FeedbackOutcome::Stored);
        assert_eq!(crate::flows::add_feedback(store, &rating(code, "phone", "n", 3), &limits).unwrap(), FeedbackOutcome::NoVisit);
        assert_eq!(crate::flows::add_feedback(store, &visit(code, "phone", 4), &LIMITS).unwrap(), FeedbackOutcome::Stored);
        assert_eq!(crate::flows::add_feedback(store, &visit(code, "phone", 5), &LIMITS).unwrap(), FeedbackOutcome::Limited, "one visit per phone a day");
        assert_eq!(crate::flows::add_feedback(store, &rating(code, "phone", "n", 6), &limits).unwrap(), FeedbackOutcome::Stored);
        // Two days later the visit no longer carries a rating.
        assert_eq!(crate::flows::add_feedback(store, &rating(code, "phone", "n", 2 * 24 * 60), &limits).unwrap(), FeedbackOutcome::NoVisit);
        let agency = store.public_certificate(code).unwrap().unwrap().agency_id;
        let (changes, _) = store.changes_since(agency, 0, 100).unwrap();
        let visits = changes.iter().filter(|c| matches!(c.body, ChangeBody::Visit { .. })).count();
        assert_eq!(visits, 3, "each confirmed visit reaches the agency");
    }

    /// As SQLite's: ratings over a certificate's hourly ceiling are held, not dropped; the
    /// agency sees them only once the office releases them; a discarded one is gone.
    #[test]
    fn ratings_over_the_hourly_ceiling_are_held_for_the_office_to_release_or_discard() {
        let Some(f) = store_with_certificate("ratings_over_the_hourly_ceiling_are_held_for_the_office_to_release_or_discard") else { return };
        let (store, code) = (&f.store, f.code.as_str());
        let limits = FeedbackLimits { per_certificate_per_hour: 2, ..LIMITS };
        let outcomes: Vec<FeedbackOutcome> = (0..4)
            .map(|i| crate::flows::add_feedback(store, &rating(code, &format!("d{i}"), &format!("n{i}"), i), &limits).unwrap())
            .collect();
        assert_eq!(outcomes, [FeedbackOutcome::Stored, FeedbackOutcome::Stored, FeedbackOutcome::Held, FeedbackOutcome::Held]);
        let agency = f.agency();
        let pulled = || -> usize {
            store.changes_since(agency, 0, 100).unwrap().0.iter().filter(|c| matches!(c.body, ChangeBody::Rating { .. })).count()
        };
        assert_eq!(pulled(), 2, "held ratings are not sent to the agency");
        let held = store.held_ratings().unwrap();
        assert_eq!(held.len(), 2);
        assert!(held[0].created_at < held[1].created_at, "oldest first");
        assert_eq!((held[0].stars, held[0].comment.as_str(), held[0].certificate_code.as_str()), (5, "好", code));
        assert!(crate::flows::release_rating(store, held[0].id, now()).unwrap());
        assert_eq!(pulled(), 3, "a released rating reaches the agency");
        assert!(crate::flows::discard_rating(store, held[1].id).unwrap());
        assert_eq!(pulled(), 3);
        assert!(store.held_ratings().unwrap().is_empty());
        assert!(!crate::flows::release_rating(store, held[1].id, now()).unwrap(), "a discarded rating cannot come back");
        assert_eq!(f.count("SELECT count(*) FROM ratings"), 3);
    }

    /// As SQLite's: sources are stored as HMACs under a secret of the day; a day's limit holds
    /// across midnight; secrets older than yesterday are deleted.
    #[test]
    fn sources_are_keyed_by_a_daily_secret_that_is_dropped_after_two_days() {
        let Some(f) = store_with_certificate("sources_are_keyed_by_a_daily_secret_that_is_dropped_after_two_days") else { return };
        let (store, code) = (&f.store, f.code.as_str());
        // now() is 10:00 in Shanghai: 23:50 the same day, then 00:10 the next.
        let evening = rating(code, "phone", "net", 13 * 60 + 50);
        assert_eq!(crate::flows::add_feedback(store, &evening, &LIMITS).unwrap(), FeedbackOutcome::Stored);
        let row = f.sql().query_one("SELECT device_hash, network_hash FROM ratings", &[]).unwrap();
        let (device_hash, network_hash): (String, String) = (row.get(0), row.get(1));
        assert_ne!(device_hash, crate::keys::sha256_hex("device:phone"), "not a plain hash anyone can recompute");
        assert_ne!(network_hash, crate::keys::sha256_hex("network:net"));
        assert_eq!(network_hash.len(), 64);
        let after_midnight = rating(code, "phone", "net", 14 * 60 + 10);
        assert_eq!(
            crate::flows::add_feedback(store, &after_midnight, &LIMITS).unwrap(),
            FeedbackOutcome::Limited,
            "the same phone twenty minutes later, past midnight: still one a day"
        );
        let days = || -> Vec<String> {
            f.sql().query("SELECT day FROM feedback_keys ORDER BY day", &[]).unwrap().iter().map(|r| r.get(0)).collect()
        };
        assert_eq!(days().len(), 2, "today's and yesterday's secrets");
        let two_days_later = rating(code, "other", "net2", 3 * 24 * 60);
        crate::flows::add_feedback(store, &two_days_later, &LIMITS).unwrap();
        assert_eq!(days().len(), 1, "older secrets are gone: their hashes can no longer be linked");
    }

    /// As SQLite's: a fresh cookie per request is a fresh "device", but the network's count over
    /// every certificate still holds; once a day has passed nothing of where a rating came from
    /// is kept.
    #[test]
    fn one_network_is_limited_across_certificates_and_forgotten_after_a_day() {
        let Some(f) = store_with_certificate("one_network_is_limited_across_certificates_and_forgotten_after_a_day") else { return };
        let (store, first) = (&f.store, f.code.clone());
        let second = second_certificate(&f);
        let limits = FeedbackLimits { per_device_per_day: 10, per_network_per_day: 10, per_certificate_per_hour: 10, per_network_all_certificates_per_day: 3, after_visit: false };
        let outcomes: Vec<FeedbackOutcome> = [&first, &second, &first, &second]
            .iter()
            .enumerate()
            .map(|(i, code)| crate::flows::add_feedback(store, &rating(code, &format!("fresh-cookie-{i}"), "one-network", i as i64), &limits).unwrap())
            .collect();
        assert_eq!(outcomes, [FeedbackOutcome::Stored, FeedbackOutcome::Stored, FeedbackOutcome::Stored, FeedbackOutcome::Limited]);
        let other = crate::flows::add_feedback(store, &rating(&second, "d", "another-network", 5), &limits).unwrap();
        assert_eq!(other, FeedbackOutcome::Stored, "another network has its own count");

        let sources = || f.count("SELECT count(*) FROM ratings WHERE device_hash <> '' OR network_hash <> ''");
        assert_eq!(sources(), 4);
        // A day and more later, the next rating finds the old ones without their sources.
        let later = crate::flows::add_feedback(store, &rating(&first, "d2", "one-network", 24 * 60 + 10), &limits).unwrap();
        assert_eq!(later, FeedbackOutcome::Stored, "the network's day is over");
        assert_eq!(sources(), 1, "only the new rating still says where it came from");
        assert_eq!(f.count("SELECT count(*) FROM ratings"), 5, "the ratings themselves are kept");
    }

    #[test]
    fn the_lookup_gives_the_public_fields_and_nothing_for_an_unknown_code() {
        let Some(f) = store_with_certificate("the_lookup_gives_the_public_fields_and_nothing_for_an_unknown_code") else { return };
        let c = f.store.public_certificate(&f.code).unwrap().unwrap();
        assert_eq!(c.service_types, [ServiceType::Cleaning]);
        assert!(!c.revoked);
        assert_eq!(c.current_card_version, 1);
        // The strings the page renders are SQLite's.
        assert_eq!((c.valid_from.as_str(), c.valid_until.as_str()), ("2026-11-27", "2029-11-26"));
        assert_eq!((c.agency_name.as_str(), c.agency_phone.as_deref()), ("某家政", None));
        assert_eq!((c.worker_name.as_str(), c.id_number.as_str(), c.photo_sha256.as_deref()), ("张小三", "11010519491231002X", None));
        assert_eq!(f.store.public_certificate("SH012026000002X").unwrap(), None);
    }

    /// The page's service types are typed at the row, as SQLite's are: a label reads as its
    /// type, a cell of several as each, in the rule's order, and an entry naming no service
    /// type is a corrupt row.
    /// (Read past the cache, which would keep the first answer.)
    #[test]
    fn stored_service_types_are_typed_and_an_unknown_one_is_a_corrupt_row() {
        let Some(f) = store_with_certificate("stored_service_types_are_typed_and_an_unknown_one_is_a_corrupt_row") else { return };
        let set = |types: &str| {
            f.sql().execute("UPDATE workers SET record = $1", &[&format!("{{\"service_types\":{types}}}")]).unwrap();
        };
        set(r#"["elder_care", "保洁、育婴"]"#);
        let c = f.store.read_public_certificate(&f.code).unwrap().unwrap();
        assert_eq!(c.service_types, [ServiceType::Cleaning, ServiceType::InfantCare, ServiceType::ElderCare]);
        set(r#"["cleaning", "plumbing"]"#);
        let err = f.store.read_public_certificate(&f.code).unwrap_err();
        assert!(matches!(&err, StoreError::Corrupt(m) if m.contains("service types") && m.contains("plumbing")), "{err:?}");
    }

    /// PostgreSQL only: the public lookup of an agency counts workers in force and released
    /// ratings, as SQLite's does.
    #[test]
    fn the_agency_lookup_counts_workers_in_force_and_released_ratings() {
        let Some(f) = store_with_certificate("the_agency_lookup_counts_workers_in_force_and_released_ratings") else { return };
        let store = &f.store;
        let limits = FeedbackLimits { per_certificate_per_hour: 2, ..LIMITS };
        for (i, stars) in [5u8, 4, 4].into_iter().enumerate() {
            let mut s = rating(&f.code, &format!("d{i}"), &format!("n{i}"), i as i64);
            s.feedback = Feedback::Rating { stars, comment: String::new() };
            crate::flows::add_feedback(store, &s, &limits).unwrap();
        }
        let by_code = store.public_agency("91310000MA1FL8L971", "2026-11-27").unwrap().unwrap();
        assert_eq!((by_code.name.as_str(), by_code.district.as_str(), by_code.phone.as_deref()), ("某家政", "黄浦区", None));
        assert_eq!((by_code.certified, by_code.ratings), (1, 2), "the held rating does not count");
        assert_eq!(by_code.average_stars, Some(4.5));
        assert_eq!(store.public_agency("某家政", "2029-11-26").unwrap().unwrap().certified, 1, "the last valid day is in force");
        assert_eq!(store.public_agency("某家政", "2029-11-27").unwrap().unwrap().certified, 0);
        assert_eq!(store.public_agency("nobody", "2026-11-27").unwrap(), None);
    }

    #[test]
    fn a_certificate_takes_at_most_its_hourly_limit_city_wide_then_again_an_hour_later() {
        let Some(f) = store_with_certificate("a_certificate_takes_at_most_its_hourly_limit_city_wide_then_again_an_hour_later") else { return };
        let (store, code) = (&f.store, f.code.as_str());
        for n in 0..5 {
            let s = rating(code, &format!("d{n}"), &format!("n{n}"), n);
            assert_eq!(crate::flows::add_feedback(store, &s, &LIMITS).unwrap(), FeedbackOutcome::Stored);
        }
        let sixth = rating(code, "d9", "n9", 10);
        assert_eq!(
            crate::flows::add_feedback(store, &sixth, &LIMITS).unwrap(),
            FeedbackOutcome::Held,
            "distinct devices and networks cannot flood one worker: past the ceiling a rating waits for the office, unsent"
        );
        // An hour later the ceiling has room again.
        let later = rating(code, "d10", "n10", 61);
        assert_eq!(crate::flows::add_feedback(store, &later, &LIMITS).unwrap(), FeedbackOutcome::Stored);
    }

    #[test]
    fn one_device_rates_a_certificate_once_a_day_and_a_token_works_once() {
        let Some(f) = store_with_certificate("one_device_rates_a_certificate_once_a_day_and_a_token_works_once") else { return };
        let (store, code) = (&f.store, f.code.as_str());
        let first = rating(code, "d", "n", 0);
        assert_eq!(crate::flows::add_feedback(store, &first, &LIMITS).unwrap(), FeedbackOutcome::Stored);
        assert_eq!(crate::flows::add_feedback(store, &first, &LIMITS).unwrap(), FeedbackOutcome::TokenUsed);
        let again = rating(code, "d", "other", 60 * 23);
        assert_eq!(crate::flows::add_feedback(store, &again, &LIMITS).unwrap(), FeedbackOutcome::Limited);
        let next_day = rating(code, "d", "other", 60 * 24 + 1);
        assert_eq!(crate::flows::add_feedback(store, &next_day, &LIMITS).unwrap(), FeedbackOutcome::Stored);
    }

    #[test]
    fn an_old_card_or_a_cancelled_certificate_takes_no_feedback() {
        let Some(f) = store_with_certificate("an_old_card_or_a_cancelled_certificate_takes_no_feedback") else { return };
        let (store, code) = (&f.store, f.code.as_str());
        let mut old = rating(code, "d", "n", 0);
        old.card_version = 0;
        assert_eq!(crate::flows::add_feedback(store, &old, &LIMITS).unwrap(), FeedbackOutcome::NotCurrent);
        f.sql().execute("UPDATE certificates SET revoked_at = now()", &[]).unwrap();
        let s = rating(code, "d", "n", 0);
        assert_eq!(crate::flows::add_feedback(store, &s, &LIMITS).unwrap(), FeedbackOutcome::NotCurrent);
        assert_eq!(f.count("SELECT COUNT(*) FROM ratings"), 0);
        assert!(store.public_certificate(code).unwrap().unwrap().revoked);
    }

    /// PostgreSQL only: submissions about one certificate from several connections at once (as
    /// from several instances) are counted one after the other, so a limit is never overshot.
    #[test]
    fn concurrent_submissions_never_overshoot_a_limit() {
        let Some(f) = store_with_certificate("concurrent_submissions_never_overshoot_a_limit") else { return };
        let code = f.code.as_str();
        let limits = FeedbackLimits { per_device_per_day: 100, per_network_per_day: 3, per_certificate_per_hour: 100, per_network_all_certificates_per_day: 100, after_visit: false };
        let outcomes: Vec<FeedbackOutcome> = std::thread::scope(|s| {
            let runs: Vec<_> = (0..8)
                .map(|i| {
                    let store = &f.store;
                    s.spawn(move || crate::flows::add_feedback(store, &rating(code, &format!("d{i}"), "one-network", 0), &limits).unwrap())
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        assert_eq!(outcomes.iter().filter(|o| **o == FeedbackOutcome::Stored).count(), 3, "{outcomes:?}");
        assert_eq!(outcomes.iter().filter(|o| **o == FeedbackOutcome::Limited).count(), 5, "{outcomes:?}");
        assert_eq!(f.count("SELECT count(*) FROM ratings"), 3);
        assert_eq!(f.count("SELECT count(*) FROM feedback_keys"), 1, "one secret for the day, whoever made it");
    }

    /// PostgreSQL only: an activation's rows, as the electronic card flow reads them.
    #[test]
    fn an_activation_is_stored_once_counts_failures_and_activates_once() {
        use crate::store::repo::RepoExt;
        let Some(f) = store_with_certificate("an_activation_is_stored_once_counts_failures_and_activates_once") else { return };
        let (agency, code) = (f.agency(), f.code.clone());
        let worker: Uuid = f.sql().query_one("SELECT worker_id FROM certificates", &[]).unwrap().get(0);
        let a = NewActivation { code_sha256: "c", worker_id: worker, agency_id: agency, certificate_code: &code, card_version: 1, now: now() };
        f.store
            .transaction(|tx| {
                tx.add_activation(&a)?;
                tx.add_activation(&NewActivation { card_version: 2, ..a })?;
                tx.fail_activation("c")?;
                tx.fail_activation("c")
            })
            .unwrap();
        let found = f.store.transaction(|tx| tx.activation("c")).unwrap().unwrap();
        assert_eq!(
            found,
            Activation { worker_id: worker, agency_id: agency, certificate_code: code.clone(), card_version: 1, failed_attempts: 2, activated_at: None },
            "the first push stands"
        );
        let later = now() + Duration::minutes(1);
        f.store.transaction(|tx| tx.activate("c", "t", later)).unwrap();
        f.store.transaction(|tx| tx.activate("c", "t2", later + Duration::minutes(1))).unwrap();
        let card = f.store.transaction(|tx| tx.electronic_card("t")).unwrap().unwrap();
        assert_eq!(card.activated_at, Some(later));
        assert_eq!(f.store.transaction(|tx| tx.electronic_card("t2")).unwrap(), None, "a code activates once");
        assert_eq!(f.store.transaction(|tx| tx.activation("nope")).unwrap(), None);
    }
}
