//! [`OperatorStore`] on SQLite (tables of migration `operator_pages`), and the operator and
//! session rows the flows in [`crate::flows::access`] read and write.

use certdesk_protocol::operator::ReviewItem;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use uuid::Uuid;

use super::{ts, uuid_of, SqliteStore};
use crate::keys::KeyVault;
use crate::store::operators::{
    AgencySummary, OperatorAccount, OperatorRole, OperatorSession, OperatorStore, ReviewDetail, StatsFacts,
};
use crate::store::{Agency, StoreError, StoreResult};
use crate::store::columns::{application_kind_of, application_status_of, class_mode_of, role_of, totp_aad};

pub(super) fn time_of(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("time {s}")))
}

/// An operator by sign-in name (read in or out of a transaction); the TOTP secret is opened
/// from its sealed column.
pub(super) fn operator_by_name(conn: &Connection, vault: &KeyVault, name: &str) -> StoreResult<Option<OperatorAccount>> {
    let row = conn
        .query_row(
            "SELECT id, name, password_hash, role, totp_secret, totp_last_step FROM operators WHERE name = ?1",
            [name],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<Vec<u8>>>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                ))
            },
        )
        .optional()?;
    row.map(|(id, name, password_hash, role, totp, totp_last_step)| {
        let id = uuid_of(id)?;
        let totp_secret = totp
            .map(|sealed| {
                vault.open_bytes(&totp_aad(id), &sealed).ok_or_else(|| {
                    StoreError::Corrupt(format!("the second factor of operator {name} does not open with this data folder's key file"))
                })
            })
            .transpose()?;
        Ok(OperatorAccount { id, name, password_hash, role: role_of(&role)?, totp_secret, totp_last_step })
    })
    .transpose()
}

pub(super) fn add_operator(
    tx: &Transaction<'_>,
    id: Uuid,
    name: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO operators (id, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![id.to_string(), name, password_hash, ts(now)],
    )?;
    Ok(())
}

pub(super) fn set_operator_role(tx: &Transaction<'_>, id: Uuid, role: OperatorRole) -> StoreResult<()> {
    tx.execute("UPDATE operators SET role = ?2 WHERE id = ?1", params![id.to_string(), role.code()])?;
    Ok(())
}

pub(super) fn set_operator_password(
    tx: &Transaction<'_>,
    id: Uuid,
    password_hash: &str,
) -> StoreResult<()> {
    tx.execute(
        "UPDATE operators SET password_hash = ?2 WHERE id = ?1",
        params![id.to_string(), password_hash],
    )?;
    Ok(())
}

pub(super) fn clear_sign_in_failures(tx: &Transaction<'_>, id: Uuid, network: Option<&str>) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM operator_sign_in_locks WHERE operator_id = ?1 AND (?2 IS NULL OR network = ?2)",
        params![id.to_string(), network],
    )?;
    Ok(())
}

pub(super) fn delete_sessions_of(tx: &Transaction<'_>, operator_id: Uuid) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM operator_sessions WHERE operator_id = ?1",
        [operator_id.to_string()],
    )?;
    Ok(())
}

pub(super) fn delete_sessions_expired_by(tx: &Transaction<'_>, at: DateTime<Utc>) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM operator_sessions WHERE expires_at <= ?1",
        [ts(at)],
    )?;
    Ok(())
}

pub(super) fn add_session(
    tx: &Transaction<'_>,
    id_hash: &str,
    operator_id: Uuid,
    csrf_token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO operator_sessions (id_hash, operator_id, csrf_token, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id_hash, operator_id.to_string(), csrf_token, ts(now), ts(expires_at)],
    )?;
    Ok(())
}

pub(super) fn session(tx: &Transaction<'_>, id_hash: &str) -> StoreResult<Option<OperatorSession>> {
    let row = tx
        .query_row(
            "SELECT s.operator_id, o.name, s.csrf_token, s.expires_at, s.created_at, o.role
             FROM operator_sessions s JOIN operators o ON o.id = s.operator_id
             WHERE s.id_hash = ?1",
            [id_hash],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                ))
            },
        )
        .optional()?;
    row.map(|(operator, name, csrf_token, expires, created, role)| {
        Ok(OperatorSession {
            operator_id: uuid_of(operator)?,
            operator_name: name,
            role: role_of(&role)?,
            csrf_token,
            expires_at: time_of(&expires)?,
            created_at: time_of(&created)?,
        })
    })
    .transpose()
}

pub(super) fn delete_session(tx: &Transaction<'_>, id_hash: &str) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM operator_sessions WHERE id_hash = ?1",
        [id_hash],
    )?;
    Ok(())
}

impl OperatorStore for SqliteStore {
    fn stats_facts(&self) -> StoreResult<StatsFacts> {
        let conn = self.conn();
        let uuid = |s: String| uuid_of(s);
        let mut facts = StatsFacts::default();
        let mut q = conn.prepare("SELECT id, district FROM agencies")?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (id, district) = row?;
            facts.agencies.push((uuid(id)?, district));
        }
        let mut q = conn.prepare("SELECT agency_id, worker_id, valid_until, revoked_at IS NOT NULL FROM certificates")?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?)))? {
            let (agency, worker, until, revoked) = row?;
            facts.certificates.push((uuid(agency)?, uuid(worker)?, until, revoked));
        }
        let mut q = conn.prepare("SELECT agency_id, substr(applied_at, 1, 7), status, substr(decided_at, 1, 7) FROM applications")?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?)))? {
            let (agency, applied, status, decided) = row?;
            facts.applications.push((uuid(agency)?, applied, application_status_of(&status)?, decided));
        }
        let mut q = conn.prepare(
            "SELECT agency_id, json_extract(payload, '$.exam_date'), json_extract(payload, '$.score')
             FROM agency_records WHERE entity = 'exam_result' AND deleted = 0
               AND json_valid(payload) AND typeof(json_extract(payload, '$.score')) IN ('integer', 'real')
               AND typeof(json_extract(payload, '$.exam_date')) = 'text'",
        )?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, f64>(2)?)))? {
            let (agency, date, score) = row?;
            facts.exams.push((uuid(agency)?, date, score));
        }
        let mut q = conn.prepare(
            "SELECT entity_id, json_extract(payload, '$.starts_at'), json_extract(payload, '$.mode')
             FROM agency_records WHERE entity = 'training_class' AND deleted = 0 AND json_valid(payload)
               AND typeof(json_extract(payload, '$.starts_at')) = 'text' AND typeof(json_extract(payload, '$.mode')) = 'text'",
        )?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))? {
            let (id, starts_at, mode) = row?;
            if let Some(mode) = class_mode_of(&mode) {
                facts.classes.push((id, starts_at, mode));
            }
        }
        let mut q = conn.prepare(
            "SELECT json_extract(payload, '$.class_id'), json_extract(payload, '$.worker_id'), json_extract(payload, '$.credited_hours')
             FROM agency_records WHERE entity = 'class_participant' AND deleted = 0 AND json_valid(payload)
               AND typeof(json_extract(payload, '$.class_id')) = 'text' AND typeof(json_extract(payload, '$.worker_id')) = 'text'
               AND typeof(json_extract(payload, '$.credited_hours')) IN ('integer', 'real')
               AND coalesce(json_extract(payload, '$.removed'), 0) = 0",
        )?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, f64>(2)?)))? {
            facts.participants.push(row?);
        }
        let mut q = conn.prepare("SELECT agency_id, payload FROM agency_records WHERE entity = 'training_settings' AND deleted = 0 AND json_valid(payload)")?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (agency, payload) = row?;
            facts.settings.push((uuid(agency)?, serde_json::from_str(&payload).unwrap_or_default()));
        }
        let mut q = conn.prepare("SELECT substr(created_at, 1, 7), stars FROM ratings WHERE held = 0")?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u8>(1)?)))? {
            facts.ratings.push(row?);
        }
        let mut q = conn.prepare(
            "SELECT substr(created_at, 1, 7), CASE WHEN state = 'closed' THEN substr(updated_at, 1, 7) END,
                    CAST(round((julianday(updated_at) - julianday(created_at)) * 1440) AS INTEGER)
             FROM complaints",
        )?;
        for row in q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<i64>>(2)?)))? {
            let (filed, closed, minutes) = row?;
            facts.complaints.push((filed, closed.map(|m| (m, minutes.unwrap_or(0)))));
        }
        Ok(facts)
    }

    fn operator_by_name(&self, name: &str) -> StoreResult<Option<OperatorAccount>> {
        operator_by_name(&self.conn(), self.vault(), name)
    }

    fn audit_lines(&self, before: Option<i64>, limit: u32) -> StoreResult<Vec<crate::store::operators::AuditLine>> {
        super::operator_keys::audit_lines(&self.conn(), before, limit)
    }

    fn api_keys_of(&self, operator_name: &str) -> StoreResult<Vec<crate::store::operators::ApiKey>> {
        super::operator_keys::api_keys_of(&self.conn(), operator_name)
    }

    fn touch_session(&self, id_hash: &str, expires_at: DateTime<Utc>) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE operator_sessions SET expires_at = ?2 WHERE id_hash = ?1",
            params![id_hash, ts(expires_at)],
        )?;
        Ok(())
    }

    fn close_session(&self, id_hash: &str) -> StoreResult<()> {
        self.conn().execute(
            "DELETE FROM operator_sessions WHERE id_hash = ?1",
            [id_hash],
        )?;
        Ok(())
    }

    fn create_agency_with_phone(
        &self,
        agency: &Agency,
        phone: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<()>> {
        let n = self.conn().execute(
            "INSERT INTO agencies (id, name, credit_code, district, created_at, phone)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (credit_code) DO NOTHING",
            params![
                agency.id.to_string(),
                agency.name,
                agency.credit_code,
                agency.district,
                ts(now),
                phone
            ],
        )?;
        Ok((n == 1).then_some(()))
    }

    fn agencies(&self) -> StoreResult<Vec<AgencySummary>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT g.id, g.name, g.credit_code, g.district, g.phone, g.created_at,
               (SELECT COUNT(*) FROM devices d WHERE d.agency_id = g.id),
               (SELECT COUNT(*) FROM devices d WHERE d.agency_id = g.id AND d.revoked_at IS NULL)
             FROM agencies g ORDER BY g.created_at DESC, g.id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, u32>(6)?,
                r.get::<_, u32>(7)?,
            ))
        })?;
        rows.map(|r| {
            let (id, name, credit_code, district, phone, created_at, devices, active_devices) = r?;
            Ok(AgencySummary {
                agency: Agency {
                    id: uuid_of(id)?,
                    name,
                    credit_code,
                    district,
                },
                phone,
                devices,
                active_devices,
                created_at,
            })
        })
        .collect()
    }

    fn review_detail(&self, application_id: Uuid) -> StoreResult<Option<ReviewDetail>> {
        let row = self
            .conn()
            .query_row(
                "SELECT a.worker_id, g.name, w.name, a.id_number, a.applied_at, a.agency_id, a.status,
                   w.record, w.photo_sha256, w.version, a.kind
                 FROM applications a JOIN workers w ON w.id = a.worker_id
                   JOIN agencies g ON g.id = a.agency_id
                 WHERE a.id = ?1",
                [application_id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, Option<String>>(8)?,
                        r.get::<_, i64>(9)?,
                        r.get::<_, String>(10)?,
                    ))
                },
            )
            .optional()?;
        let Some((worker, agency_name, name, id_number, applied_at, agency, status, record, photo, version, kind)) =
            row
        else {
            return Ok(None);
        };
        let worker_id = uuid_of(worker)?;
        let approved = super::public::approved_identity(&self.conn(), worker_id)?;
        Ok(Some(ReviewDetail {
            item: ReviewItem {
                application_id,
                worker_id,
                agency_name,
                name,
                id_number,
                applied_at,
                kind: application_kind_of(&kind)?,
            },
            agency_id: uuid_of(agency)?,
            status: application_status_of(&status)?,
            record: serde_json::from_str(&record)
                .map_err(|e| StoreError::Corrupt(format!("worker record: {e}")))?,
            photo_sha256: photo,
            version,
            approved,
        }))
    }
}

