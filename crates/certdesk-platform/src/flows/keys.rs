//! The signing keys' life: the first key made on first use, rotation (the old key stays in
//! the trust list until today), withdrawal (a compromised key leaves it at once, with a
//! deletion marker for the desks). Every change of the trust list is a change desks pull.

use certdesk_protocol::sync::{ChangeBody, DeletedEntity};
use certdesk_protocol::TrustedKey;
use chrono::{DateTime, NaiveDate, Utc};
use crate::keys::PlatformKey;

use crate::ids::Ids;
use crate::store::repo::{Repo, RepoExt, Tx};
use crate::store::{StoreError, StoreResult};

fn add_key(
    tx: &mut dyn Tx,
    key: &PlatformKey,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<u16> {
    let key_id = tx.next_key_id()?;
    let trusted = TrustedKey::for_signing_key(key_id, key, today, None);
    tx.add_key(&trusted, key)?;
    tx.add_change(None, &ChangeBody::TrustKey { key: trusted }, now)?;
    Ok(key_id)
}

/// The current signing key; key 1 is made (from `ids`) and published on first use.
pub fn current_signing_key<R: Repo + ?Sized>(
    repo: &R,
    ids: &dyn Ids,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<(u16, PlatformKey)> {
    repo.transaction(|tx| match tx.current_key()? {
        Some(current) => Ok(current),
        None => {
            let key = ids.new_signing_key().map_err(StoreError::Signing)?;
            let key_id = add_key(tx, &key, today, now)?;
            Ok((key_id, key))
        }
    })
}

/// Retires the current key (valid until today) and makes `new_key` current from today.
pub fn rotate_signing_key<R: Repo + ?Sized>(
    repo: &R,
    new_key: &PlatformKey,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<u16> {
    repo.transaction(|tx| rotate_in(tx, new_key, today, now))
}

/// [`rotate_signing_key`] on an open transaction.
pub(crate) fn rotate_in(tx: &mut dyn Tx, new_key: &PlatformKey, today: NaiveDate, now: DateTime<Utc>) -> StoreResult<u16> {
    for key in tx.live_keys()? {
        tx.retire_key(key.key_id, today)?;
        let retired = TrustedKey {
            not_after: Some(today),
            ..key
        };
        tx.add_change(None, &ChangeBody::TrustKey { key: retired }, now)?;
    }
    add_key(tx, new_key, today, now)
}

/// Withdraws a (compromised) key: it leaves the trust list at once and desks get a deletion
/// marker; cards it signed become `unknown_key`. False if unknown or already withdrawn.
pub fn withdraw_signing_key<R: Repo + ?Sized>(
    repo: &R,
    key_id: u16,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    repo.transaction(|tx| withdraw_in(tx, key_id, now))
}

/// [`withdraw_signing_key`] on an open transaction.
pub(crate) fn withdraw_in(tx: &mut dyn Tx, key_id: u16, now: DateTime<Utc>) -> StoreResult<bool> {
    let withdrawn = tx.withdraw_key(key_id, now.with_timezone(&certdesk_domain::shanghai()).date_naive(), now)?;
    if withdrawn {
        tx.add_change(
            None,
            &ChangeBody::Deleted {
                entity: DeletedEntity::TrustKey.as_str().into(),
                entity_id: key_id.to_string(),
            },
            now,
        )?;
    }
    Ok(withdrawn)
}
