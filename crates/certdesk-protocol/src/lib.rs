//! What crosses a wire between the desk and the central platform: the sync API's messages
//! ([`sync`], [`operator`]) and the signed QR credential printed on cards ([`credential`]).
//!
//! Both sides depend on this crate so they cannot disagree on a field name. It must never do
//! I/O (no network, no files, no clock): callers pass `today` and keys in.

#![warn(missing_docs)]

mod api_code;
pub mod activation;
pub mod blob;
pub mod complaint;
pub mod credential;
mod messages;
pub mod operator;
pub mod records;
pub mod release;
pub mod roster;
pub mod staff;
pub mod sync;
pub mod worker_record;

pub use credential::{
    issue_url, verify, verify_at, Checked, CredentialClaims, CredentialError, RevocationEntry, RevocationList,
    TrustList, TrustedKey, Verdict, VerdictKind,
};
pub use api_code::ApiCode;
pub use sync::{ApiError, API_PREFIX};
