//! The platform's flows, written once over the repository ([`crate::store::repo`]): applying
//! a push (every entity and operation, with its refusals), the one certificate per person,
//! approval and rejection ([`decide()`]), reissue and cancellation, the signing keys
//! ([`keys`]), the public page's ratings and complaints ([`feedback`]), and who may act
//! (enrolment codes, devices, operator accounts and sessions: [`access`]). Each flow is one
//! transaction; any backend that implements [`Repo`] gets every rule from here.
//!
//! A flow asks [`crate::rules`] and the domain crate what is allowed; it takes its time, today
//! and new ids as arguments (from the server's clock and [`crate::ids::Ids`]), never writes
//! SQL and never talks to the network.

pub mod access;
pub mod complaints;
pub mod decide;
pub mod electronic;
pub mod feedback;
pub mod funding;
pub mod keys;
pub mod operators;
mod records;
pub mod roster;
pub mod stats;
pub mod supervision;
mod training_check;
mod workers;

pub use access::{
    add_enrolment_code, open_session, redeem_enrolment_code, revoke_device, session, set_operator,
};
pub use decide::decide;
pub use feedback::{add_feedback, discard_rating, release_rating};
pub use keys::{current_signing_key, rotate_signing_key, withdraw_signing_key};

use certdesk_domain::Bilingual;
use certdesk_protocol::sync::{EntryOutcome, ReceivedEntry, SyncEntity};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::ids::Ids;
use crate::rules;
use crate::store::repo::{Repo, RepoExt};
use crate::store::StoreResult;

/// Who pushes, and when.
#[derive(Debug, Clone)]
pub struct PushContext {
    /// The authenticated device.
    pub device_id: Uuid,
    /// Its name as enrolled, which the agency's other desks see on what it wrote.
    pub device_name: String,
    /// Its agency: every record written belongs to it.
    pub agency_id: Uuid,
    /// Now, for timestamps.
    pub now: DateTime<Utc>,
    /// Today in Shanghai, for the domain's date rules.
    pub today: NaiveDate,
}

/// An application that the push created and that now waits for the police comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplication {
    /// The application.
    pub application_id: Uuid,
    /// Canonical ID number of the person.
    pub id_number: String,
}

/// What a push did.
#[derive(Debug, Clone, Default)]
pub struct PushOutcome {
    /// One per entry, in order.
    pub outcomes: Vec<EntryOutcome>,
    /// Applications created, to hand to the check providers.
    pub new_applications: Vec<NewApplication>,
}

/// The signing material an approval uses.
pub struct Signer<'a> {
    /// The current key's id.
    pub key_id: u16,
    /// The current key.
    pub key: &'a crate::keys::PlatformKey,
    /// Prefix of credential URLs, e.g. `https://cert.example.cn/c/`.
    pub base_url: &'a str,
}

/// The police comparison's result for one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Passed: approve (code, credential).
    Pass,
    /// Passed, as an operator decided looking at the record at `version`: approved only if
    /// the record is still that version.
    PassAsSeen {
        /// The worker record's version the operator looked at.
        version: i64,
    },
    /// Failed: reject with this reason (as the operator or provider wrote it).
    Fail {
        /// The reason, in Chinese and English.
        reason: Bilingual,
    },
}

/// What deciding an application did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// Approved with this certificate code.
    Approved(String),
    /// Rejected.
    Rejected,
    /// No pending application with that id (already decided, withdrawn or unknown).
    NotPending,
    /// The record changed since the operator looked at it (its version now): nothing decided.
    RecordChanged(i64),
}


/// Applies a batch of pushed entries in one transaction, in order, idempotently: each entry is
/// keyed by (device, entry id). An entry received before with the same content answers
/// `duplicate` (or its earlier refusal again) and changes nothing; the same id with other
/// content is `entry_id_reused`. An entry naming an entity or operation this build does not
/// know is refused on its own. `signer` signs the new credential of a `reissue` entry; without
/// it such an entry fails the push with a store error rather than going unsigned.
pub fn push<R: Repo + ?Sized>(
    repo: &R,
    ids: &dyn Ids,
    ctx: &PushContext,
    entries: &[ReceivedEntry],
    signer: Option<&Signer<'_>>,
) -> StoreResult<PushOutcome> {
    repo.transaction(|tx| {
        let mut out = PushOutcome::default();
        for entry in entries {
            let hash = rules::entry_hash(entry);
            if let Some(earlier) = tx.receipt(ctx.device_id, entry.id())? {
                let same = earlier.payload_hash == hash
                    || earlier.payload_hash == rules::entry_hash_as_received(entry);
                let outcome = if !same {
                    rules::entry_reused()
                } else {
                    match earlier.outcome {
                        // A refusal stays a refusal on retry, so the clerk still sees why.
                        Some(
                            refusal @ (EntryOutcome::Rejected { .. }
                            | EntryOutcome::Conflict { .. }),
                        ) => refusal,
                        _ => EntryOutcome::Duplicate,
                    }
                };
                out.outcomes.push(outcome);
                continue;
            }
            let outcome = match entry {
                ReceivedEntry::Known(entry) if entry.entity == SyncEntity::ComplaintAnswer => {
                    complaints::apply_answer(tx, ctx, entry)?
                }
                ReceivedEntry::Known(entry) if entry.entity.is_record() => {
                    records::apply(tx, ctx, entry)?
                }
                ReceivedEntry::Known(entry) => {
                    workers::apply(tx, ids, ctx, entry, signer, &mut out.new_applications)?
                }
                ReceivedEntry::Unknown(e) => rules::unsupported(&e.entity, &e.op),
            };
            tx.add_receipt(ctx.device_id, entry.id(), entry.seq(), &hash, &outcome, ctx.now)?;
            out.outcomes.push(outcome);
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests;
