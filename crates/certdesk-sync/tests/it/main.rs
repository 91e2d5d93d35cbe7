//! The sync engine's integration tests against the real platform, one binary with a module per
//! area (one link instead of two on a two-core machine).
//!
//! Run one area with `cargo test -p certdesk-sync --test it sync::`.

mod agency_desks;
mod agency_faults;
mod hostile_platform;
mod resumable_upload;
mod sync;
