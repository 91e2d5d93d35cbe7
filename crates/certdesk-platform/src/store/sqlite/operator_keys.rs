//! The rows of migration `operator_keys_audit` on SQLite: API keys, the audit, two-operator key
//! requests, sign-in locks per network and the sealed TOTP secret. Nothing here decides a rule;
//! [`crate::flows::operators`] does.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use uuid::Uuid;

use super::operators::time_of;
use crate::store::columns::{role_of, totp_aad};
use super::{ts, uuid_of};
use crate::keys::KeyVault;
use crate::store::operators::{ApiKey, AuditLine, KeyAction, KeyRequest, NewApiKey};
use crate::store::{StoreError, StoreResult};

pub(super) fn sign_in_lock(tx: &Transaction<'_>, id: Uuid, network: &str) -> StoreResult<(u32, Option<DateTime<Utc>>)> {
    let row = tx
        .query_row(
            "SELECT failures, locked_until FROM operator_sign_in_locks WHERE operator_id = ?1 AND network = ?2",
            params![id.to_string(), network],
            |r| Ok((r.get::<_, u32>(0)?, r.get::<_, Option<String>>(1)?)),
        )
        .optional()?;
    match row {
        None => Ok((0, None)),
        Some((failures, locked)) => Ok((failures, locked.as_deref().map(time_of).transpose()?)),
    }
}

pub(super) fn set_sign_in_lock(
    tx: &Transaction<'_>,
    id: Uuid,
    network: &str,
    failures: u32,
    locked_until: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO operator_sign_in_locks (operator_id, network, failures, locked_until) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (operator_id, network) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
        params![id.to_string(), network, failures, locked_until.map(ts)],
    )?;
    Ok(())
}

pub(super) fn set_operator_totp(tx: &Transaction<'_>, vault: &KeyVault, id: Uuid, secret: Option<&[u8]>) -> StoreResult<()> {
    let sealed = secret.map(|s| vault.seal_bytes(&totp_aad(id), s));
    tx.execute(
        "UPDATE operators SET totp_secret = ?2, totp_last_step = NULL WHERE id = ?1",
        params![id.to_string(), sealed],
    )?;
    Ok(())
}

pub(super) fn use_totp_step(tx: &Transaction<'_>, id: Uuid, step: i64) -> StoreResult<bool> {
    let changed = tx.execute(
        "UPDATE operators SET totp_last_step = ?2 WHERE id = ?1 AND (totp_last_step IS NULL OR totp_last_step < ?2)",
        params![id.to_string(), step],
    )?;
    Ok(changed == 1)
}

pub(super) fn add_api_key(tx: &Transaction<'_>, key: &NewApiKey<'_>) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO operator_api_keys (id, operator_id, key_sha256, scopes, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![key.id.to_string(), key.operator_id.to_string(), key.key_sha256, key.scopes, ts(key.created_at), ts(key.expires_at)],
    )?;
    Ok(())
}

const API_KEY_COLUMNS: &str = "k.id, k.operator_id, o.name, o.role, k.scopes, k.created_at, k.expires_at, k.revoked_at, k.last_used_at
     FROM operator_api_keys k JOIN operators o ON o.id = k.operator_id";

type ApiKeyRow = (String, String, String, String, String, String, String, Option<String>, Option<String>);

fn api_key_row(r: &Row<'_>) -> rusqlite::Result<ApiKeyRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?))
}

fn api_key_of(row: ApiKeyRow) -> StoreResult<ApiKey> {
    let (id, operator, name, role, scopes, created, expires, revoked, used) = row;
    Ok(ApiKey {
        id: uuid_of(id)?,
        operator_id: uuid_of(operator)?,
        operator_name: name,
        role: role_of(&role)?,
        scopes,
        created_at: time_of(&created)?,
        expires_at: time_of(&expires)?,
        revoked_at: revoked.as_deref().map(time_of).transpose()?,
        last_used_at: used.as_deref().map(time_of).transpose()?,
    })
}

pub(super) fn api_key(tx: &Transaction<'_>, key_sha256: &str) -> StoreResult<Option<ApiKey>> {
    tx.query_row(&format!("SELECT {API_KEY_COLUMNS} WHERE k.key_sha256 = ?1"), [key_sha256], api_key_row)
        .optional()?
        .map(api_key_of)
        .transpose()
}

pub(super) fn api_keys_of(conn: &Connection, operator_name: &str) -> StoreResult<Vec<ApiKey>> {
    let mut q = conn.prepare(&format!("SELECT {API_KEY_COLUMNS} WHERE o.name = ?1 ORDER BY k.created_at DESC, k.id"))?;
    let rows = q.query_map([operator_name], api_key_row)?.collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(api_key_of).collect()
}

pub(super) fn revoke_api_key(tx: &Transaction<'_>, operator_id: Uuid, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    let changed = tx.execute(
        "UPDATE operator_api_keys SET revoked_at = ?3 WHERE id = ?1 AND operator_id = ?2 AND revoked_at IS NULL",
        params![id.to_string(), operator_id.to_string(), ts(now)],
    )?;
    Ok(changed == 1)
}

pub(super) fn touch_api_key(tx: &Transaction<'_>, id: Uuid, now: DateTime<Utc>) -> StoreResult<()> {
    tx.execute("UPDATE operator_api_keys SET last_used_at = ?2 WHERE id = ?1", params![id.to_string(), ts(now)])?;
    Ok(())
}

pub(super) fn add_audit(tx: &Transaction<'_>, line: &AuditLine) -> StoreResult<i64> {
    tx.execute(
        "INSERT INTO operator_audit (at, operator, via, network, action, target, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![ts(line.at), line.operator, line.via, line.network, line.action, line.target, line.outcome],
    )?;
    Ok(tx.last_insert_rowid())
}

pub(super) fn finish_audit(tx: &Transaction<'_>, seq: i64, outcome: &str) -> StoreResult<()> {
    tx.execute("UPDATE operator_audit SET outcome = ?2 WHERE seq = ?1 AND outcome IS NULL", params![seq, outcome])?;
    Ok(())
}

pub(super) fn audit_lines(conn: &Connection, before: Option<i64>, limit: u32) -> StoreResult<Vec<AuditLine>> {
    let mut q = conn.prepare(
        "SELECT seq, at, operator, via, network, action, target, outcome FROM operator_audit
         WHERE ?1 IS NULL OR seq < ?1 ORDER BY seq DESC LIMIT ?2",
    )?;
    let rows = q
        .query_map(params![before, limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(seq, at, operator, via, network, action, target, outcome)| {
            Ok(AuditLine { seq, at: time_of(&at)?, operator, via, network, action, target, outcome })
        })
        .collect()
}

pub(super) fn key_request(
    tx: &Transaction<'_>,
    action: KeyAction,
    key_id: Option<u16>,
    since: DateTime<Utc>,
) -> StoreResult<Option<KeyRequest>> {
    let row = tx
        .query_row(
            "SELECT id, requested_by, requested_at FROM key_action_requests
             WHERE action = ?1 AND key_id IS ?2 AND done_at IS NULL AND requested_at >= ?3
             ORDER BY requested_at DESC LIMIT 1",
            params![action.code(), key_id, ts(since)],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)),
        )
        .optional()?;
    row.map(|(id, by, at)| Ok(KeyRequest { id: uuid_of(id)?, action, key_id, requested_by: by, requested_at: time_of(&at)? }))
        .transpose()
}

pub(super) fn add_key_request(tx: &Transaction<'_>, r: &KeyRequest) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO key_action_requests (id, action, key_id, requested_by, requested_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![r.id.to_string(), r.action.code(), r.key_id, r.requested_by, ts(r.requested_at)],
    )?;
    Ok(())
}

pub(super) fn finish_key_request(tx: &Transaction<'_>, id: Uuid, done_by: &str, now: DateTime<Utc>) -> StoreResult<()> {
    let changed = tx.execute(
        "UPDATE key_action_requests SET done_by = ?2, done_at = ?3 WHERE id = ?1 AND done_at IS NULL",
        params![id.to_string(), done_by, ts(now)],
    )?;
    if changed != 1 {
        return Err(StoreError::Corrupt(format!("key request {id} was already done")));
    }
    Ok(())
}
