//! [`OperatorStore`](crate::store::operators::OperatorStore) on PostgreSQL, and the
//! transaction's rows for agencies, enrolment codes, devices, operators, their sessions, API
//! keys, sign-in locks, the audit and the two-administrator key requests. Nothing here decides a
//! rule; [`crate::flows::access`] and [`crate::flows::operators`] do.
//!
//! Two reads here are followed, in the same transaction, by a write that depends on them and that
//! another instance may race: a sign-in lock's failure count (read, then written one higher) and
//! an open key request (looked up, then confirmed or added). Each takes a transaction-level
//! advisory lock before it reads, so those transactions follow one another as they do on SQLite.

use ::postgres::GenericClient;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ts, PgTx};
use crate::keys::KeyVault;
use crate::store::operators::{
    AgencySummary, ApiKey, AuditLine, KeyAction, KeyRequest, NewApiKey, OperatorAccount, OperatorRole, OperatorSession,
    OperatorStore, ReviewDetail, StatsFacts,
};
use crate::store::repo::EnrolmentCode;
use crate::store::{Agency, Device, StoreError, StoreResult};
use crate::store::columns::{application_kind_of, application_status_of, class_mode_of, fits, role_of, totp_aad};

/// Holds, until the transaction ends, the advisory lock named `key` (a text naming the rows it
/// guards): another instance's transaction taking the same lock waits for this one to finish.
fn advisory_lock(c: &mut impl GenericClient, key: &str) -> StoreResult<()> {
    c.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&key])?;
    Ok(())
}

pub(super) fn agency(t: &mut PgTx<'_, '_>, id: Uuid) -> StoreResult<Option<Agency>> {
    let row = t.query_opt("SELECT name, credit_code, district FROM agencies WHERE id = $1", &[&id])?;
    Ok(row.map(|r| Agency { id, name: r.get(0), credit_code: r.get(1), district: r.get(2) }))
}

pub(super) fn add_enrolment_code(t: &mut PgTx<'_, '_>, code_hash: &str, agency_id: Uuid, expires_at: DateTime<Utc>) -> StoreResult<()> {
    t.execute(
        "INSERT INTO enrolment_codes (code_hash, agency_id, expires_at) VALUES ($1, $2, $3)",
        &[&code_hash, &agency_id, &expires_at],
    )?;
    Ok(())
}

pub(super) fn enrolment_code(t: &mut PgTx<'_, '_>, code_hash: &str) -> StoreResult<Option<EnrolmentCode>> {
    let row = t.query_opt(
        "SELECT agency_id, expires_at, used_at IS NOT NULL FROM enrolment_codes WHERE code_hash = $1",
        &[&code_hash],
    )?;
    Ok(row.map(|r| EnrolmentCode { agency_id: r.get(0), expires_at: r.get(1), used: r.get(2) }))
}

/// Marks the code used by `device_id`; false when it already was (the conditional update is
/// atomic: of two instances using one code at once, one changes the row).
pub(super) fn use_enrolment_code(t: &mut PgTx<'_, '_>, code_hash: &str, device_id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = t.execute(
        "UPDATE enrolment_codes SET used_at = $2, device_id = $3 WHERE code_hash = $1 AND used_at IS NULL",
        &[&code_hash, &now, &device_id],
    )?;
    Ok(n == 1)
}

pub(super) fn add_device(t: &mut PgTx<'_, '_>, id: Uuid, agency_id: Uuid, name: &str, secret_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute(
        "INSERT INTO devices (id, agency_id, name, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        &[&id, &agency_id, &name, &secret_hash, &now],
    )?;
    Ok(())
}

pub(super) fn device(t: &mut PgTx<'_, '_>, id: Uuid) -> StoreResult<Option<Device>> {
    super::device_row(&mut *t.tx, id)
}

pub(super) fn revoke_device(t: &mut PgTx<'_, '_>, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute("UPDATE devices SET revoked_at = $2 WHERE id = $1", &[&id, &now])?;
    Ok(())
}

/// An operator by sign-in name (read in or out of a transaction); the TOTP secret is opened
/// from its sealed column.
fn operator_row(c: &mut impl GenericClient, vault: &KeyVault, name: &str) -> StoreResult<Option<OperatorAccount>> {
    let row = c.query_opt(
        "SELECT id, name, password_hash, role, totp_secret, totp_last_step FROM operators WHERE name = $1",
        &[&name],
    )?;
    row.map(|r| {
        let id: Uuid = r.get(0);
        let name: String = r.get(1);
        let totp_secret = r
            .get::<_, Option<Vec<u8>>>(4)
            .map(|sealed| {
                vault.open_bytes(&totp_aad(id), &sealed).ok_or_else(|| {
                    StoreError::Corrupt(format!("the second factor of operator {name} does not open with this data folder's key file"))
                })
            })
            .transpose()?;
        Ok(OperatorAccount {
            id,
            name,
            password_hash: r.get(2),
            role: role_of(r.get(3))?,
            totp_secret,
            totp_last_step: r.get(5),
        })
    })
    .transpose()
}

pub(super) fn operator_by_name(t: &mut PgTx<'_, '_>, name: &str) -> StoreResult<Option<OperatorAccount>> {
    operator_row(&mut *t.tx, t.vault, name)
}

pub(super) fn add_operator(t: &mut PgTx<'_, '_>, id: Uuid, name: &str, password_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute(
        "INSERT INTO operators (id, name, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        &[&id, &name, &password_hash, &now],
    )?;
    Ok(())
}

pub(super) fn set_operator_password(t: &mut PgTx<'_, '_>, id: Uuid, password_hash: &str) -> StoreResult<()> {
    t.execute("UPDATE operators SET password_hash = $2 WHERE id = $1", &[&id, &password_hash])?;
    Ok(())
}

pub(super) fn set_operator_role(t: &mut PgTx<'_, '_>, id: Uuid, role: OperatorRole) -> StoreResult<()> {
    t.execute("UPDATE operators SET role = $2 WHERE id = $1", &[&id, &role.code()])?;
    Ok(())
}

/// The advisory lock around an operator's sign-in lock rows, every network's: a failure is
/// counted (read, then written one higher) by one transaction at a time, and a success that
/// clears the count never lands between another's read and write.
fn lock_sign_in_rows(t: &mut PgTx<'_, '_>, id: Uuid) -> StoreResult<()> {
    advisory_lock(&mut *t.tx, &format!("operator_sign_in_locks:{id}"))
}

pub(super) fn clear_sign_in_failures(t: &mut PgTx<'_, '_>, id: Uuid, network: Option<&str>) -> StoreResult<()> {
    lock_sign_in_rows(t, id)?;
    t.execute(
        "DELETE FROM operator_sign_in_locks WHERE operator_id = $1 AND ($2::text IS NULL OR network = $2)",
        &[&id, &network],
    )?;
    Ok(())
}

/// The failures counted and the lock, from `network`; (0, none) when there is no row. Holds the
/// operator's sign-in advisory lock until the transaction ends (see [`lock_sign_in_rows`]).
pub(super) fn sign_in_lock(t: &mut PgTx<'_, '_>, id: Uuid, network: &str) -> StoreResult<(u32, Option<DateTime<Utc>>)> {
    lock_sign_in_rows(t, id)?;
    let row = t.query_opt(
        "SELECT failures, locked_until FROM operator_sign_in_locks WHERE operator_id = $1 AND network = $2",
        &[&id, &network],
    )?;
    match row {
        None => Ok((0, None)),
        Some(r) => Ok((fits("sign-in failures", r.get::<_, i32>(0))?, r.get(1))),
    }
}

pub(super) fn set_sign_in_lock(t: &mut PgTx<'_, '_>, id: Uuid, network: &str, failures: u32, locked_until: Option<DateTime<Utc>>) -> StoreResult<()> {
    lock_sign_in_rows(t, id)?;
    let failures = i32::try_from(failures).map_err(|_| StoreError::Corrupt(format!("sign-in failures {failures}")))?;
    t.execute(
        "INSERT INTO operator_sign_in_locks (operator_id, network, failures, locked_until) VALUES ($1, $2, $3, $4)
         ON CONFLICT (operator_id, network) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
        &[&id, &network, &failures, &locked_until],
    )?;
    Ok(())
}

/// Seals the secret with the key vault, bound to the operator; a new secret (or none) forgets
/// the last step used.
pub(super) fn set_operator_totp(t: &mut PgTx<'_, '_>, id: Uuid, secret: Option<&[u8]>) -> StoreResult<()> {
    let sealed = secret.map(|s| t.vault.seal_bytes(&totp_aad(id), s));
    t.execute("UPDATE operators SET totp_secret = $2, totp_last_step = NULL WHERE id = $1", &[&id, &sealed])?;
    Ok(())
}

/// Records `step` as used; false when it (or a later one) already was. The conditional update
/// is atomic, so a code replayed on another instance at the same moment passes once.
pub(super) fn use_totp_step(t: &mut PgTx<'_, '_>, id: Uuid, step: i64) -> StoreResult<bool> {
    let changed = t.execute(
        "UPDATE operators SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        &[&id, &step],
    )?;
    Ok(changed == 1)
}

pub(super) fn add_api_key(t: &mut PgTx<'_, '_>, key: &NewApiKey<'_>) -> StoreResult<()> {
    t.execute(
        "INSERT INTO operator_api_keys (id, operator_id, key_sha256, scopes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&key.id, &key.operator_id, &key.key_sha256, &key.scopes, &key.created_at, &key.expires_at],
    )?;
    Ok(())
}

const API_KEY_COLUMNS: &str = "k.id, k.operator_id, o.name, o.role, k.scopes, k.created_at, k.expires_at, k.revoked_at, k.last_used_at
     FROM operator_api_keys k JOIN operators o ON o.id = k.operator_id";

fn api_key_of(r: &::postgres::Row) -> StoreResult<ApiKey> {
    Ok(ApiKey {
        id: r.get(0),
        operator_id: r.get(1),
        operator_name: r.get(2),
        role: role_of(r.get(3))?,
        scopes: r.get(4),
        created_at: r.get(5),
        expires_at: r.get(6),
        revoked_at: r.get(7),
        last_used_at: r.get(8),
    })
}

pub(super) fn api_key(t: &mut PgTx<'_, '_>, key_sha256: &str) -> StoreResult<Option<ApiKey>> {
    t.query_opt(&format!("SELECT {API_KEY_COLUMNS} WHERE k.key_sha256 = $1"), &[&key_sha256])?
        .as_ref()
        .map(api_key_of)
        .transpose()
}

pub(super) fn revoke_api_key(t: &mut PgTx<'_, '_>, operator_id: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let changed = t.execute(
        "UPDATE operator_api_keys SET revoked_at = $3 WHERE id = $1 AND operator_id = $2 AND revoked_at IS NULL",
        &[&id, &operator_id, &now],
    )?;
    Ok(changed == 1)
}

pub(super) fn touch_api_key(t: &mut PgTx<'_, '_>, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    t.execute("UPDATE operator_api_keys SET last_used_at = $2 WHERE id = $1", &[&id, &now])?;
    Ok(())
}

/// Appends a line; its `seq` is ignored and the new line's is answered.
pub(super) fn add_audit(t: &mut PgTx<'_, '_>, line: &AuditLine) -> StoreResult<i64> {
    let row = t.query_one(
        "INSERT INTO operator_audit (at, operator, via, network, action, target, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING seq",
        &[&line.at, &line.operator, &line.via, &line.network, &line.action, &line.target, &line.outcome],
    )?;
    Ok(row.get(0))
}

pub(super) fn finish_audit(t: &mut PgTx<'_, '_>, seq: i64, outcome: &str) -> StoreResult<()> {
    t.execute("UPDATE operator_audit SET outcome = $2 WHERE seq = $1 AND outcome IS NULL", &[&seq, &outcome])?;
    Ok(())
}

/// The newest open request for `action` on `key_id` made since `since`. Holds the key
/// requests' advisory lock until the transaction ends: of two administrators acting at once,
/// the second sees what the first did (its request, or the request it confirmed as done), so
/// no request is confirmed (and its key action performed) twice and no two open at once.
pub(super) fn key_request(t: &mut PgTx<'_, '_>, action: KeyAction, key_id: Option<u16>, since: DateTime<Utc>) -> StoreResult<Option<KeyRequest>> {
    advisory_lock(&mut *t.tx, "key_action_requests")?;
    let row = t.query_opt(
        "SELECT id, requested_by, requested_at FROM key_action_requests
         WHERE action = $1 AND key_id IS NOT DISTINCT FROM $2 AND done_at IS NULL AND requested_at >= $3
         ORDER BY requested_at DESC LIMIT 1",
        &[&action.code(), &key_id.map(i32::from), &since],
    )?;
    Ok(row.map(|r| KeyRequest { id: r.get(0), action, key_id, requested_by: r.get(1), requested_at: r.get(2) }))
}

pub(super) fn add_key_request(t: &mut PgTx<'_, '_>, request: &KeyRequest) -> StoreResult<()> {
    t.execute(
        "INSERT INTO key_action_requests (id, action, key_id, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5)",
        &[&request.id, &request.action.code(), &request.key_id.map(i32::from), &request.requested_by, &request.requested_at],
    )?;
    Ok(())
}

pub(super) fn finish_key_request(t: &mut PgTx<'_, '_>, id: Uuid, done_by: &str, now: DateTime<Utc>) -> StoreResult<()> {
    let changed = t.execute(
        "UPDATE key_action_requests SET done_by = $2, done_at = $3 WHERE id = $1 AND done_at IS NULL",
        &[&id, &done_by, &now],
    )?;
    if changed != 1 {
        return Err(StoreError::Corrupt(format!("key request {id} was already done")));
    }
    Ok(())
}

pub(super) fn delete_sessions_of(t: &mut PgTx<'_, '_>, operator_id: Uuid) -> StoreResult<()> {
    t.execute("DELETE FROM operator_sessions WHERE operator_id = $1", &[&operator_id])?;
    Ok(())
}

pub(super) fn delete_sessions_expired_by(t: &mut PgTx<'_, '_>, at: DateTime<Utc>) -> StoreResult<()> {
    t.execute("DELETE FROM operator_sessions WHERE expires_at <= $1", &[&at])?;
    Ok(())
}

pub(super) fn add_session(t: &mut PgTx<'_, '_>, id_hash: &str, operator_id: Uuid, csrf_token: &str, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> StoreResult<()> {
    t.execute(
        "INSERT INTO operator_sessions (id_hash, operator_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        &[&id_hash, &operator_id, &csrf_token, &now, &expires_at],
    )?;
    Ok(())
}

pub(super) fn session(t: &mut PgTx<'_, '_>, id_hash: &str) -> StoreResult<Option<OperatorSession>> {
    let row = t.query_opt(
        "SELECT s.operator_id, o.name, s.csrf_token, s.expires_at, s.created_at, o.role
         FROM operator_sessions s JOIN operators o ON o.id = s.operator_id
         WHERE s.id_hash = $1",
        &[&id_hash],
    )?;
    row.map(|r| {
        Ok(OperatorSession {
            operator_id: r.get(0),
            operator_name: r.get(1),
            role: role_of(r.get(5))?,
            csrf_token: r.get(2),
            expires_at: r.get(3),
            created_at: r.get(4),
        })
    })
    .transpose()
}

pub(super) fn delete_session(t: &mut PgTx<'_, '_>, id_hash: &str) -> StoreResult<()> {
    t.execute("DELETE FROM operator_sessions WHERE id_hash = $1", &[&id_hash])?;
    Ok(())
}

/// A time's month as SQLite's `substr(t, 1, 7)` reads it from the stored text: `YYYY-MM`, in UTC.
fn month_of(t: DateTime<Utc>) -> String {
    t.format("%Y-%m").to_string()
}

impl OperatorStore for super::PgStore {
    fn stats_facts(&self) -> StoreResult<StatsFacts> {
        let mut conn = self.conn()?;
        let mut facts = StatsFacts::default();
        for r in conn.query("SELECT id, district FROM agencies", &[])? {
            facts.agencies.push((r.get(0), r.get(1)));
        }
        for r in conn.query("SELECT agency_id, worker_id, valid_until, revoked_at IS NOT NULL FROM certificates", &[])? {
            let until: chrono::NaiveDate = r.get(2);
            facts.certificates.push((r.get(0), r.get(1), until.format("%Y-%m-%d").to_string(), r.get(3)));
        }
        for r in conn.query("SELECT agency_id, applied_at, status, decided_at FROM applications", &[])? {
            let decided: Option<DateTime<Utc>> = r.get(3);
            facts.applications.push((r.get(0), month_of(r.get(1)), application_status_of(r.get(2))?, decided.map(month_of)));
        }
        // A payload is text as the desk sent it (the schema's indexes cast it, so it is JSON); it
        // is read here, as on SQLite: one whose score is a number and whose date is a string
        // counts, anything else is skipped.
        for r in conn.query("SELECT agency_id, payload FROM agency_records WHERE entity = 'exam_result' AND NOT deleted", &[])? {
            let Ok(payload) = serde_json::from_str::<serde_json::Value>(r.get(1)) else { continue };
            let date = payload.get("exam_date").and_then(serde_json::Value::as_str);
            let score = payload.get("score").and_then(serde_json::Value::as_f64);
            if let (Some(date), Some(score)) = (date, score) {
                facts.exams.push((r.get(0), date.to_owned(), score));
            }
        }
        for r in conn.query("SELECT entity_id, payload FROM agency_records WHERE entity = 'training_class' AND NOT deleted", &[])? {
            let Ok(payload) = serde_json::from_str::<serde_json::Value>(r.get(1)) else { continue };
            let text = |k: &str| payload.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
            if let (Some(starts_at), Some(mode)) = (text("starts_at"), text("mode").as_deref().and_then(class_mode_of)) {
                facts.classes.push((r.get::<_, Uuid>(0).to_string(), starts_at, mode));
            }
        }
        for r in conn.query("SELECT payload FROM agency_records WHERE entity = 'class_participant' AND NOT deleted", &[])? {
            let Ok(payload) = serde_json::from_str::<serde_json::Value>(r.get(0)) else { continue };
            let text = |k: &str| payload.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
            let removed = payload.get("removed").and_then(serde_json::Value::as_bool).unwrap_or(false);
            let hours = payload.get("credited_hours").and_then(serde_json::Value::as_f64);
            if let (Some(class), Some(worker), Some(hours), false) = (text("class_id"), text("worker_id"), hours, removed) {
                facts.participants.push((class, worker, hours));
            }
        }
        for r in conn.query("SELECT agency_id, payload FROM agency_records WHERE entity = 'training_settings' AND NOT deleted", &[])? {
            if let Ok(settings) = serde_json::from_str(r.get(1)) {
                facts.settings.push((r.get(0), settings));
            }
        }
        for r in conn.query("SELECT created_at, stars FROM ratings WHERE held = 0", &[])? {
            facts.ratings.push((month_of(r.get(0)), fits("rating stars", r.get::<_, i16>(1))?));
        }
        for r in conn.query(
            "SELECT created_at, CASE WHEN state = 'closed' THEN updated_at END,
                    round(extract(epoch FROM COALESCE(updated_at, created_at) - created_at) / 60)::bigint
             FROM complaints",
            &[],
        )? {
            let closed: Option<DateTime<Utc>> = r.get(1);
            facts.complaints.push((month_of(r.get(0)), closed.map(|t| (month_of(t), r.get::<_, i64>(2)))));
        }
        Ok(facts)
    }

    fn operator_by_name(&self, name: &str) -> StoreResult<Option<OperatorAccount>> {
        operator_row(&mut *self.conn()?, &self.vault, name)
    }

    fn audit_lines(&self, before: Option<i64>, limit: u32) -> StoreResult<Vec<AuditLine>> {
        let rows = self.conn()?.query(
            "SELECT seq, at, operator, via, network, action, target, outcome FROM operator_audit
             WHERE $1::bigint IS NULL OR seq < $1 ORDER BY seq DESC LIMIT $2",
            &[&before, &i64::from(limit)],
        )?;
        Ok(rows
            .iter()
            .map(|r| AuditLine {
                seq: r.get(0),
                at: r.get(1),
                operator: r.get(2),
                via: r.get(3),
                network: r.get(4),
                action: r.get(5),
                target: r.get(6),
                outcome: r.get(7),
            })
            .collect())
    }

    fn api_keys_of(&self, operator_name: &str) -> StoreResult<Vec<ApiKey>> {
        let rows = self
            .conn()?
            .query(&format!("SELECT {API_KEY_COLUMNS} WHERE o.name = $1 ORDER BY k.created_at DESC, k.id"), &[&operator_name])?;
        rows.iter().map(api_key_of).collect()
    }

    fn touch_session(&self, id_hash: &str, expires_at: DateTime<Utc>) -> StoreResult<()> {
        self.conn()?.execute("UPDATE operator_sessions SET expires_at = $2 WHERE id_hash = $1", &[&id_hash, &expires_at])?;
        Ok(())
    }

    fn close_session(&self, id_hash: &str) -> StoreResult<()> {
        self.conn()?.execute("DELETE FROM operator_sessions WHERE id_hash = $1", &[&id_hash])?;
        Ok(())
    }

    fn create_agency_with_phone(&self, agency: &Agency, phone: Option<&str>, now: DateTime<Utc>) -> StoreResult<Option<()>> {
        let n = self.conn()?.execute(
            "INSERT INTO agencies (id, name, credit_code, district, created_at, phone) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (credit_code) DO NOTHING",
            &[&agency.id, &agency.name, &agency.credit_code, &agency.district, &now, &phone],
        )?;
        Ok((n == 1).then_some(()))
    }

    fn agencies(&self) -> StoreResult<Vec<AgencySummary>> {
        let rows = self.conn()?.query(
            "SELECT g.id, g.name, g.credit_code, g.district, g.phone, g.created_at,
               (SELECT COUNT(*) FROM devices d WHERE d.agency_id = g.id),
               (SELECT COUNT(*) FROM devices d WHERE d.agency_id = g.id AND d.revoked_at IS NULL)
             FROM agencies g ORDER BY g.created_at DESC, g.id DESC",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(AgencySummary {
                    agency: Agency { id: r.get(0), name: r.get(1), credit_code: r.get(2), district: r.get(3) },
                    phone: r.get(4),
                    devices: fits("device count", r.get::<_, i64>(6))?,
                    active_devices: fits("device count", r.get::<_, i64>(7))?,
                    created_at: ts(r.get(5)),
                })
            })
            .collect()
    }

    fn review_detail(&self, application_id: Uuid) -> StoreResult<Option<ReviewDetail>> {
        let mut conn = self.conn()?;
        // Both reads in one read-only transaction, so the approved identity is read by the
        // transaction's own row function (`super::rows::approved_identity`), as on SQLite.
        let mut tx = conn.build_transaction().read_only(true).start()?;
        let row = tx.query_opt(
            "SELECT a.worker_id, g.name, w.name, a.id_number, a.applied_at, a.agency_id, a.status,
               w.record, w.photo_sha256, w.version, a.kind
             FROM applications a JOIN workers w ON w.id = a.worker_id
               JOIN agencies g ON g.id = a.agency_id
             WHERE a.id = $1",
            &[&application_id],
        )?;
        let Some(r) = row else {
            return Ok(None);
        };
        let worker_id: Uuid = r.get(0);
        let approved = super::rows::approved_identity(
            &mut PgTx { tx: &mut tx, vault: &self.vault, statements: &mut super::Statements::default(), held: Default::default() },
            worker_id,
        )?;
        tx.commit()?;
        Ok(Some(ReviewDetail {
            item: certdesk_protocol::operator::ReviewItem {
                application_id,
                worker_id,
                agency_name: r.get(1),
                name: r.get(2),
                id_number: r.get(3),
                applied_at: ts(r.get(4)),
                kind: application_kind_of(r.get(10))?,
            },
            agency_id: r.get(5),
            status: application_status_of(r.get(6))?,
            record: serde_json::from_str(r.get(7)).map_err(|e| StoreError::Corrupt(format!("worker record: {e}")))?,
            photo_sha256: r.get(8),
            version: r.get(9),
            approved,
        }))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::super::PgStore;
    use crate::flows;
    use crate::ids::SystemIds;
    use crate::store::operators::{NewApiKey, OperatorStore};
    use crate::store::repo::RepoExt;

    fn now() -> DateTime<Utc> {
        "2026-11-27T02:00:00Z".parse().unwrap()
    }

    /// Instances counting failed sign-ins for one account and network at once lose none: each
    /// count is read and written under the account's advisory lock.
    #[test]
    fn failed_sign_ins_counted_at_once_are_all_counted() {
        let Some(db) = certdesk_testkit::pg::database("store::postgres::operators::failed_sign_ins_counted_at_once_are_all_counted")
        else {
            return;
        };
        let store = PgStore::open_for_tests(db.url()).unwrap();
        flows::set_operator(&store, &SystemIds, "li", "h", None, now()).unwrap();
        let op = store.operator_by_name("li").unwrap().unwrap();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..5 {
                        flows::operators::sign_in_failed(&store, op.id, "203.0.113.0/24", now()).unwrap();
                    }
                });
            }
        });
        let (failures, _) = store.transaction(|tx| tx.sign_in_lock(op.id, "203.0.113.0/24")).unwrap();
        assert_eq!(failures, 20, "20 failures from 4 connections: none lost to a race");
    }

    /// The facts carry months and days as the SQLite store's text gives them (`YYYY-MM` of the
    /// UTC time, `YYYY-MM-DD`), and only the exam results with a text date and a number score.
    #[test]
    fn stats_facts_read_months_in_utc_and_skip_exam_results_without_a_date_and_score() {
        let Some(db) = certdesk_testkit::pg::database("store::postgres::operators::stats_facts_read_months_in_utc_and_skip_exam_results_without_a_date_and_score")
        else {
            return;
        };
        let store = PgStore::open_for_tests(db.url()).unwrap();
        db.connect()
            .batch_execute(
                "SET TIME ZONE 'Asia/Shanghai';
                 INSERT INTO agencies (id, name, credit_code, district, created_at)
                   VALUES ('00000000-0000-7000-8000-000000000001', 'a', 'cc', '黄浦区', now());
                 INSERT INTO workers (id, agency_id, id_number, name, status, record, version, updated_at)
                   VALUES ('00000000-0000-7000-8000-000000000011', '00000000-0000-7000-8000-000000000001', '110105194912310011', 'n', 'issued', '{}', 1, now());
                 INSERT INTO applications (id, worker_id, agency_id, id_number, status, applied_at, decided_at)
                   VALUES ('00000000-0000-7000-8000-000000000021', '00000000-0000-7000-8000-000000000011', '00000000-0000-7000-8000-000000000001',
                           '110105194912310011', 'approved', '2026-11-01 07:30:00+08', '2026-12-01 07:30:00+08');
                 INSERT INTO certificates (code, worker_id, agency_id, application_id, card_version, valid_from, valid_until, key_id, credential_url, issued_at)
                   VALUES ('C1', '00000000-0000-7000-8000-000000000011', '00000000-0000-7000-8000-000000000001',
                           '00000000-0000-7000-8000-000000000021', 1, '2026-12-01', '2029-11-30', 1, 'u', now());
                 INSERT INTO agency_records (entity, entity_id, agency_id, payload, deleted, version, updated_at) VALUES
                   ('exam_result', '00000000-0000-7000-8000-000000000031', '00000000-0000-7000-8000-000000000001', '{\"exam_date\":\"2026-10-20\",\"score\":88}', false, 1, now()),
                   ('exam_result', '00000000-0000-7000-8000-000000000032', '00000000-0000-7000-8000-000000000001', '{\"exam_date\":\"2026-10-21\",\"score\":\"90\"}', false, 1, now()),
                   ('exam_result', '00000000-0000-7000-8000-000000000033', '00000000-0000-7000-8000-000000000001', '[88]', false, 1, now()),
                   ('exam_result', '00000000-0000-7000-8000-000000000034', '00000000-0000-7000-8000-000000000001', '{\"exam_date\":\"2026-10-22\",\"score\":70.5}', true, 1, now()),
                   ('training_settings', '00000000-0000-7000-8000-000000000035', '00000000-0000-7000-8000-000000000001', '{\"pass_mark\":60}', false, 1, now());
                 INSERT INTO ratings (id, token_nonce, certificate_code, card_version, worker_id, agency_id, stars, comment, device_hash, network_hash, created_at, held) VALUES
                   ('00000000-0000-7000-8000-000000000041', 'n1', 'C1', 1, '00000000-0000-7000-8000-000000000011', '00000000-0000-7000-8000-000000000001', 5, '', 'd', 'n', '2027-01-01 06:00:00+08', 0),
                   ('00000000-0000-7000-8000-000000000042', 'n2', 'C1', 1, '00000000-0000-7000-8000-000000000011', '00000000-0000-7000-8000-000000000001', 1, '', 'd', 'n', '2027-01-02 06:00:00+08', 1);
                 INSERT INTO complaints (id, token_nonce, certificate_code, card_version, worker_id, agency_id, text, contact, device_hash, network_hash, created_at)
                   VALUES ('00000000-0000-7000-8000-000000000051', 'n3', 'C1', 1, '00000000-0000-7000-8000-000000000011', '00000000-0000-7000-8000-000000000001', 't', '', 'd', 'n', '2027-02-01 12:00:00+08');",
            )
            .unwrap();
        let agency: uuid::Uuid = "00000000-0000-7000-8000-000000000001".parse().unwrap();
        let worker: uuid::Uuid = "00000000-0000-7000-8000-000000000011".parse().unwrap();
        let facts = store.stats_facts().unwrap();
        assert_eq!(facts.agencies, [(agency, "黄浦区".to_owned())]);
        assert_eq!(facts.certificates, [(agency, worker, "2029-11-30".to_owned(), false)]);
        assert_eq!(
            facts.applications,
            [(agency, "2026-10".to_owned(), crate::store::repo::ApplicationStatus::Approved, Some("2026-11".to_owned()))],
            "the months of the UTC times, as SQLite keeps them, whatever the session's time zone"
        );
        assert_eq!(facts.exams, [(agency, "2026-10-20".to_owned(), 88.0)], "a score that is text, a payload that is not an object and a deleted result are not counted");
        assert_eq!(facts.settings, [(agency, serde_json::json!({"pass_mark": 60}))]);
        assert_eq!(facts.ratings, [("2026-12".to_owned(), 5)], "a held rating is not counted");
        assert_eq!(facts.complaints, [("2027-02".to_owned(), None)]);
    }

    #[test]
    fn an_api_key_is_found_by_its_digest_listed_and_revoked_once() {
        let Some(db) = certdesk_testkit::pg::database("store::postgres::operators::an_api_key_is_found_by_its_digest_listed_and_revoked_once")
        else {
            return;
        };
        let store = PgStore::open_for_tests(db.url()).unwrap();
        flows::set_operator(&store, &SystemIds, "li", "h", None, now()).unwrap();
        let op = store.operator_by_name("li").unwrap().unwrap();
        let id = uuid::Uuid::now_v7();
        let expires = now() + chrono::Duration::days(90);
        store
            .transaction(|tx| {
                tx.add_api_key(&NewApiKey {
                    id,
                    operator_id: op.id,
                    key_sha256: "digest",
                    scopes: "reviews stats",
                    created_at: now(),
                    expires_at: expires,
                })
            })
            .unwrap();
        let key = store.transaction(|tx| tx.api_key("digest")).unwrap().expect("found by its digest");
        assert_eq!((key.id, key.operator_id, key.operator_name.as_str()), (id, op.id, "li"));
        assert_eq!((key.role, key.scopes.as_str()), (op.role, "reviews stats"), "the role is the operator's own");
        assert_eq!((key.created_at, key.expires_at, key.revoked_at, key.last_used_at), (now(), expires, None, None));
        assert!(store.transaction(|tx| tx.api_key("other")).unwrap().is_none());

        let later = now() + chrono::Duration::minutes(5);
        store.transaction(|tx| tx.touch_api_key(id, later)).unwrap();
        assert_eq!(store.api_keys_of("li").unwrap().iter().map(|k| k.last_used_at).collect::<Vec<_>>(), [Some(later)]);

        let other = uuid::Uuid::now_v7();
        assert!(!store.transaction(|tx| tx.revoke_api_key(other, id, later)).unwrap(), "only its own operator revokes it");
        assert!(store.transaction(|tx| tx.revoke_api_key(op.id, id, later)).unwrap());
        assert!(!store.transaction(|tx| tx.revoke_api_key(op.id, id, later)).unwrap(), "a revoked key is not revoked again");
        let key = store.transaction(|tx| tx.api_key("digest")).unwrap().unwrap();
        assert_eq!(key.revoked_at, Some(later), "a revoked key is still read, with when it was revoked");
    }
}
