//! Operators beyond their sessions (issue 11 item 6): their own API keys, sign-in locks per
//! account and network, the second factor, the audit of every action, and the signing keys'
//! rotation and withdrawal, which need two operators.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::ids::Ids;
use crate::operator_pages::access::{may, Area};
use crate::store::operators::{ApiKey, AuditLine, KeyAction, KeyRequest, NewApiKey, OperatorAccount};
use crate::store::repo::{Repo, RepoExt};
use crate::store::StoreResult;

/// What every API key starts with, so that a leaked one is recognised (and grep-able).
pub const API_KEY_PREFIX: &str = "cdk_";
/// The longest an API key may live.
pub const MAX_API_KEY_DAYS: u32 = 365;
/// How long a key action waits for the second operator.
pub const KEY_REQUEST_WINDOW: Duration = Duration::hours(24);

/// Why an API key was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRefusal {
    /// No operator of that name.
    UnknownOperator,
    /// The operator's role may not use this area.
    ScopeNotAllowed(Area),
    /// Days outside 1..=[`MAX_API_KEY_DAYS`].
    Days,
}

/// A new API key: its id (for lists and revocation) and the key itself, shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedKey {
    /// The key's id.
    pub id: Uuid,
    /// The bearer token; only its SHA-256 is stored.
    pub key: String,
    /// The areas it may use.
    pub scopes: Vec<Area>,
    /// Dead from this instant.
    pub expires_at: DateTime<Utc>,
}

/// Makes an API key for `operator` limited to `scopes` (every area their role may use when
/// empty), living `days` days.
pub fn create_api_key<R: Repo + ?Sized>(
    repo: &R,
    ids: &dyn Ids,
    operator: &str,
    scopes: &[Area],
    days: u32,
    now: DateTime<Utc>,
) -> StoreResult<Result<IssuedKey, KeyRefusal>> {
    if days == 0 || days > MAX_API_KEY_DAYS {
        return Ok(Err(KeyRefusal::Days));
    }
    repo.transaction(|tx| {
        let Some(account) = tx.operator_by_name(operator)? else {
            return Ok(Err(KeyRefusal::UnknownOperator));
        };
        let scopes: Vec<Area> = if scopes.is_empty() {
            Area::ALL.into_iter().filter(|a| may(account.role, *a)).collect()
        } else {
            if let Some(refused) = scopes.iter().find(|a| !may(account.role, **a)) {
                return Ok(Err(KeyRefusal::ScopeNotAllowed(*refused)));
            }
            Area::ALL.into_iter().filter(|a| scopes.contains(a)).collect()
        };
        let key = format!("{API_KEY_PREFIX}{}", crate::keys::device_secret());
        let id = ids.id();
        let expires_at = now + Duration::days(i64::from(days));
        let codes: Vec<&str> = scopes.iter().map(|a| a.code()).collect();
        tx.add_api_key(&NewApiKey {
            id,
            operator_id: account.id,
            key_sha256: &crate::keys::sha256_hex(&key),
            scopes: &codes.join(" "),
            created_at: now,
            expires_at,
        })?;
        Ok(Ok(IssuedKey { id, key, scopes, expires_at }))
    })
}

/// The live key a bearer token names: not revoked, not expired (dead at its expiry instant).
/// Its last use is noted.
pub fn api_key_in_force<R: Repo + ?Sized>(repo: &R, token: &str, now: DateTime<Utc>) -> StoreResult<Option<ApiKey>> {
    if !token.starts_with(API_KEY_PREFIX) {
        return Ok(None);
    }
    let digest = crate::keys::sha256_hex(token);
    repo.transaction(|tx| {
        let Some(key) = tx.api_key(&digest)? else {
            return Ok(None);
        };
        if key.revoked_at.is_some() || key.expires_at <= now {
            return Ok(None);
        }
        tx.touch_api_key(key.id, now)?;
        Ok(Some(key))
    })
}

/// Whether a key may use `area`: its scopes say so, and its operator's role still does.
pub fn key_may(key: &ApiKey, area: Area) -> bool {
    may(key.role, area) && key.scopes.split_whitespace().any(|s| s == area.code())
}

/// Revokes one of the operator's keys at once; false when they have no such live key.
pub fn revoke_api_key<R: Repo + ?Sized>(repo: &R, operator: &str, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    repo.transaction(|tx| {
        let Some(account) = tx.operator_by_name(operator)? else {
            return Ok(false);
        };
        tx.revoke_api_key(account.id, id, now)
    })
}

/// Until when sign-in to the account from `network` is locked, if it is.
pub fn sign_in_locked<R: Repo + ?Sized>(repo: &R, operator_id: Uuid, network: &str, now: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>> {
    repo.transaction(|tx| Ok(tx.sign_in_lock(operator_id, network)?.1.filter(|t| *t > now)))
}

/// Counts a failed sign-in (wrong password or wrong code) from `network`, locking the account
/// there at the threshold; the lock when one starts.
pub fn sign_in_failed<R: Repo + ?Sized>(repo: &R, operator_id: Uuid, network: &str, now: DateTime<Utc>) -> StoreResult<Option<DateTime<Utc>>> {
    repo.transaction(|tx| {
        let (failures, _) = tx.sign_in_lock(operator_id, network)?;
        let failures = failures.saturating_add(1);
        let lock = crate::operator_pages::auth::lock_until(failures, now);
        tx.set_sign_in_lock(operator_id, network, failures, lock)?;
        Ok(lock)
    })
}

/// Whether `code` is the account's current TOTP code, used for the first time. An account
/// without the second factor passes with any code.
pub fn second_factor_passes<R: Repo + ?Sized>(repo: &R, account: &OperatorAccount, code: &str, now: DateTime<Utc>) -> StoreResult<bool> {
    let Some(secret) = &account.totp_secret else {
        return Ok(true);
    };
    let Some(step) = crate::totp::matching_step(secret, code, now) else {
        return Ok(false);
    };
    repo.transaction(|tx| tx.use_totp_step(account.id, step))
}

/// Turns the second factor on with a new secret (answered, to show once) or off; `None` when no
/// operator has that name.
pub fn set_second_factor<R: Repo + ?Sized>(repo: &R, operator: &str, on: bool) -> StoreResult<Option<Option<Vec<u8>>>> {
    repo.transaction(|tx| {
        let Some(account) = tx.operator_by_name(operator)? else {
            return Ok(None);
        };
        let secret = on.then(crate::totp::new_secret);
        tx.set_operator_totp(account.id, secret.as_deref())?;
        Ok(Some(secret))
    })
}

/// Writes the audit line of an action about to run; its `seq`, for [`audit_end`].
pub fn audit_begin<R: Repo + ?Sized>(repo: &R, line: &AuditLine) -> StoreResult<i64> {
    repo.transaction(|tx| tx.add_audit(line))
}

/// Fills in how the audited action ended.
pub fn audit_end<R: Repo + ?Sized>(repo: &R, seq: i64, outcome: &str) -> StoreResult<()> {
    repo.transaction(|tx| tx.finish_audit(seq, outcome))
}

/// Where a signing key's action stands after one operator's call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStep<T> {
    /// Asked; another operator must make the same call within the window.
    Requested(KeyRequest),
    /// The caller asked already; someone else must confirm.
    AwaitingOther(KeyRequest),
    /// A second operator confirmed: done.
    Done(T),
    /// No such live key.
    UnknownKey,
}

/// One operator's call to rotate the signing key: the first call asks, a call by another
/// operator within [`KEY_REQUEST_WINDOW`] rotates (to `new_key`) and answers the new key's id.
pub fn rotate_key_by<R: Repo + ?Sized>(
    repo: &R,
    ids: &dyn Ids,
    operator: &str,
    new_key: &crate::keys::PlatformKey,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<KeyStep<u16>> {
    repo.transaction(|tx| {
        step(tx, ids, KeyAction::Rotate, None, operator, now, &mut |tx| super::keys::rotate_in(tx, new_key, today, now))
    })
}

/// One operator's call to withdraw key `key_id`: as [`rotate_key_by`], for a withdrawal.
pub fn withdraw_key_by<R: Repo + ?Sized>(
    repo: &R,
    ids: &dyn Ids,
    operator: &str,
    key_id: u16,
    now: DateTime<Utc>,
) -> StoreResult<KeyStep<()>> {
    repo.transaction(|tx| {
        if !tx.live_keys()?.iter().any(|k| k.key_id == key_id) {
            return Ok(KeyStep::UnknownKey);
        }
        step(tx, ids, KeyAction::Withdraw, Some(key_id), operator, now, &mut |tx| super::keys::withdraw_in(tx, key_id, now).map(|_| ()))
    })
}

fn step<T>(
    tx: &mut dyn crate::store::repo::Tx,
    ids: &dyn Ids,
    action: KeyAction,
    key_id: Option<u16>,
    operator: &str,
    now: DateTime<Utc>,
    perform: &mut dyn FnMut(&mut dyn crate::store::repo::Tx) -> StoreResult<T>,
) -> StoreResult<KeyStep<T>> {
    match tx.key_request(action, key_id, now - KEY_REQUEST_WINDOW)? {
        Some(open) if open.requested_by == operator => Ok(KeyStep::AwaitingOther(open)),
        Some(open) => {
            let done = perform(tx)?;
            tx.finish_key_request(open.id, operator, now)?;
            Ok(KeyStep::Done(done))
        }
        None => {
            let request = KeyRequest { id: ids.id(), action, key_id, requested_by: operator.to_owned(), requested_at: now };
            tx.add_key_request(&request)?;
            Ok(KeyStep::Requested(request))
        }
    }
}
