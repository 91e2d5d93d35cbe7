//! What the worker's electronic card (电子上门服务证) needs from storage: the activation a
//! desk pushed at hand-over (only the code's SHA-256), its wrong attempts, and once activated
//! the SHA-256 of the secret the phone holds. The rules over them are
//! [`crate::flows::electronic`]; a store never sees a code or a secret as typed.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// An activation pushed by the worker's agency.
#[derive(Debug, Clone, Copy)]
pub struct NewActivation<'a> {
    /// SHA-256 (hex) of the activation code.
    pub code_sha256: &'a str,
    /// The worker.
    pub worker_id: Uuid,
    /// Their agency.
    pub agency_id: Uuid,
    /// The certificate of the card handed over.
    pub certificate_code: &'a str,
    /// The card handed over.
    pub card_version: u16,
    /// When it was received.
    pub now: DateTime<Utc>,
}

/// An activation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    /// The worker.
    pub worker_id: Uuid,
    /// Their agency.
    pub agency_id: Uuid,
    /// The certificate.
    pub certificate_code: String,
    /// The card it was given with; a later card needs a new code.
    pub card_version: u16,
    /// Wrong ID digits typed with this code so far.
    pub failed_attempts: u32,
    /// When a phone activated it; `None` while unused.
    pub activated_at: Option<DateTime<Utc>>,
}
