//! The desk's sync with the central platform (上门服务证平台): device enrolment, the push of
//! the outbox in order and in batches (photos before the records that name them), the pull of
//! the platform's changes since a cursor, and the HTTPS client that carries them.
//!
//! The network lives here and only here; the SQL lives in `certdesk-store` (`Desk`'s sync
//! methods). This crate must never mark an entry pushed or move the cursor before the platform
//! answered, and must never put the device secret anywhere but the OS keyring (or its 0600 file
//! fallback) and the `Authorization` header. See `docs/sync.md`.

#![warn(missing_docs)]

pub mod client;
mod engine;
mod error;
pub mod messages;
pub mod secret;

pub use client::{BlobUpload, PlatformClient, RetryPolicy, MAX_RESPONSE_BYTES};
pub use engine::{update_source, UpdateSource, enrol, enrol_blocking, file_roster, file_roster_blocking, join, join_blocking, sync, sync_blocking, to_protocol, record_uuid, EnrolParams, Enrolment, JoinReport, ProfileCorrection, ProgressSink, SyncOptions, SyncProgress, SyncReport};
pub use error::SyncError;
pub use secret::{SecretPreference, SecretStore};
