//! Who may act: enrolment codes that work once until they expire and make a device, device
//! revocation, operator accounts (a new password lifts a lockout and ends every session) and
//! operator sessions (dead at their expiry instant, cleared when met or when someone signs in).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::ids::Ids;
use crate::store::operators::{OperatorRole, OperatorSession};
use crate::store::repo::{Repo, RepoExt};
use crate::store::{Agency, StoreResult};

/// Stores a one-time enrolment code (by hash) for an agency; false if the agency is unknown.
pub fn add_enrolment_code<R: Repo + ?Sized>(
    repo: &R,
    agency_id: Uuid,
    code_hash: &str,
    expires_at: DateTime<Utc>,
) -> StoreResult<bool> {
    repo.transaction(|tx| {
        if tx.agency(agency_id)?.is_none() {
            return Ok(false);
        }
        tx.add_enrolment_code(code_hash, agency_id, expires_at)?;
        Ok(true)
    })
}

/// Uses up an unexpired, unused code and creates the device with it, in one transaction;
/// `None` when the code is unknown, used or expired (a code is dead at its expiry instant).
pub fn redeem_enrolment_code<R: Repo + ?Sized>(
    repo: &R,
    code_hash: &str,
    device_id: Uuid,
    device_name: &str,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<Agency>> {
    repo.transaction(|tx| {
        let Some(code) = tx.enrolment_code(code_hash)? else {
            return Ok(None);
        };
        if code.used || code.expires_at <= now {
            return Ok(None);
        }
        // Two desks racing with the same code cannot both take it.
        if !tx.use_enrolment_code(code_hash, device_id, now)? {
            return Ok(None);
        }
        tx.add_device(device_id, code.agency_id, device_name, secret_hash, now)?;
        tx.agency(code.agency_id)
    })
}

/// Revokes a device at once (a revoked one keeps its first revocation time); false if unknown.
pub fn revoke_device<R: Repo + ?Sized>(repo: &R, id: Uuid, now: DateTime<Utc>) -> StoreResult<bool> {
    repo.transaction(|tx| {
        let Some(device) = tx.device(id)? else {
            return Ok(false);
        };
        if !device.revoked {
            tx.revoke_device(id, now)?;
        }
        Ok(true)
    })
}

/// Creates the operator (with a new id from `ids`, as `role`, the programme office when none is
/// given), or sets a new password (and the role, when given) for an existing one, which also
/// lifts a lockout and ends every session opened with the old one. True when created.
pub fn set_operator<R: Repo + ?Sized>(
    repo: &R,
    ids: &dyn Ids,
    name: &str,
    password_hash: &str,
    role: Option<OperatorRole>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    repo.transaction(|tx| match tx.operator_by_name(name)? {
        Some(existing) => {
            tx.set_operator_password(existing.id, password_hash)?;
            if let Some(role) = role {
                tx.set_operator_role(existing.id, role)?;
            }
            tx.clear_sign_in_failures(existing.id, None)?;
            tx.delete_sessions_of(existing.id)?;
            Ok(false)
        }
        None => {
            let id = ids.id();
            tx.add_operator(id, name, password_hash, now)?;
            tx.set_operator_role(id, role.unwrap_or(OperatorRole::Office))?;
            Ok(true)
        }
    })
}

/// A successful sign-in from `network`: the failure count there starts again, sessions nobody
/// signed out of and that have expired are cleared, and the new session is stored.
pub fn open_session<R: Repo + ?Sized>(
    repo: &R,
    operator_id: Uuid,
    network: &str,
    id_hash: &str,
    csrf_token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    repo.transaction(|tx| {
        tx.clear_sign_in_failures(operator_id, Some(network))?;
        tx.delete_sessions_expired_by(now)?;
        tx.add_session(id_hash, operator_id, csrf_token, now, expires_at)
    })
}

/// The session with this id digest if it has not expired at `now` (it is dead at its expiry
/// instant); an expired session met here is deleted.
pub fn session<R: Repo + ?Sized>(
    repo: &R,
    id_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<OperatorSession>> {
    repo.transaction(|tx| {
        let Some(session) = tx.session(id_hash)? else {
            return Ok(None);
        };
        if session.expires_at <= now {
            tx.delete_session(id_hash)?;
            return Ok(None);
        }
        Ok(Some(session))
    })
}
