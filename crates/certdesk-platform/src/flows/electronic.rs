//! The worker's electronic card (电子上门服务证): the activation the agency pushes at
//! hand-over ([`add_activation`], inside a push), the worker activating it on a phone
//! ([`activate`]: the code and the last four characters of the ID number, a limited number of
//! wrong attempts per code), and the phone's card afterwards ([`electronic_card`]). The card
//! is bound to the card version handed over: a newer card, or a cancelled certificate, ends it.

use certdesk_protocol::activation;
use certdesk_protocol::records::CardActivation;
use certdesk_protocol::sync::{EntryOutcome, OutboxEntry};
use chrono::{DateTime, Utc};

use super::PushContext;
use crate::rules;
use crate::store::electronic::{Activation, NewActivation};
use crate::store::repo::{Repo, RepoExt, Tx};
use crate::store::StoreResult;

/// Wrong ID digits a code takes before it is locked (the agency then gives a new one).
pub const MAX_ACTIVATION_ATTEMPTS: u32 = 5;

/// What became of an activation attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationOutcome {
    /// Activated: the phone's secret is now the card's.
    Activated,
    /// The ID digits are wrong; `left` attempts remain with this code.
    WrongDigits {
        /// Attempts left.
        left: u32,
    },
    /// Too many wrong attempts: this code no longer works.
    Locked,
    /// No such code (never given, or not yet synced by the agency).
    UnknownCode,
    /// The code was already used on a phone.
    AlreadyUsed,
    /// The card it was given with was replaced or its certificate cancelled.
    NotCurrent,
}

/// `activate` entry of a push: the card handed over, with the SHA-256 of the code the desk
/// gave the worker. Only for this agency's worker's current card.
pub(super) fn add_activation(
    tx: &mut dyn Tx,
    ctx: &PushContext,
    entry: &OutboxEntry,
) -> StoreResult<EntryOutcome> {
    let Some(activation) = serde_json::from_value::<CardActivation>(entry.payload.clone()).ok().filter(CardActivation::hash_well_formed)
    else {
        return Ok(rules::activation_unreadable());
    };
    let (code, version, hash) = (activation.certificate_code.as_str(), activation.card_version, activation.code_sha256.as_str());
    match tx.current_card(code, version)? {
        Some((worker, agency)) if worker == entry.entity_id && agency == ctx.agency_id => {
            tx.add_activation(&NewActivation {
                code_sha256: hash,
                worker_id: worker,
                agency_id: agency,
                certificate_code: code,
                card_version: version,
                now: ctx.now,
            })?;
            Ok(EntryOutcome::Applied)
        }
        _ => Ok(rules::activation_not_current()),
    }
}

/// The last four characters of an ID number as typed: spaces dropped, `x` as `X`.
fn last_four(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect()
}

/// A worker activates the electronic card on a phone with the code from the hand-over slip
/// and the last four characters of the ID number; `token_sha256` is the SHA-256 of the secret
/// the phone will hold. A wrong try counts against the code; the last allowed one locks it.
pub fn activate<R: Repo + ?Sized>(
    repo: &R,
    typed_code: &str,
    typed_last_four: &str,
    token_sha256: &str,
    now: DateTime<Utc>,
) -> StoreResult<ActivationOutcome> {
    let Some(code) = activation::normalise(typed_code) else {
        return Ok(ActivationOutcome::UnknownCode);
    };
    let hash = activation::code_sha256(&code);
    repo.transaction(|tx| {
        let Some(a) = tx.activation(&hash)? else {
            return Ok(ActivationOutcome::UnknownCode);
        };
        if a.activated_at.is_some() {
            return Ok(ActivationOutcome::AlreadyUsed);
        }
        if a.failed_attempts >= MAX_ACTIVATION_ATTEMPTS {
            return Ok(ActivationOutcome::Locked);
        }
        if tx.current_card(&a.certificate_code, a.card_version)?.is_none() {
            return Ok(ActivationOutcome::NotCurrent);
        }
        let id_number = tx.worker(a.worker_id)?.map(|w| w.id_number).unwrap_or_default();
        let typed = last_four(typed_last_four);
        let tail: String = id_number.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        if typed.chars().count() != 4 || typed != tail {
            tx.fail_activation(&hash)?;
            let left = MAX_ACTIVATION_ATTEMPTS - a.failed_attempts - 1;
            return Ok(if left == 0 { ActivationOutcome::Locked } else { ActivationOutcome::WrongDigits { left } });
        }
        tx.activate(&hash, token_sha256, now)?;
        Ok(ActivationOutcome::Activated)
    })
}

/// The electronic card a phone's secret opens (its SHA-256), whatever the card's state now:
/// the page says replaced or cancelled itself.
pub fn electronic_card<R: Repo + ?Sized>(repo: &R, token_sha256: &str) -> StoreResult<Option<Activation>> {
    repo.transaction(|tx| tx.electronic_card(token_sha256))
}
