//! The application layer's integration tests, one binary with a module per area (one link
//! instead of two on a two-core machine).
//!
//! Run one area with `cargo test -p certdesk-core --test it backup::`.

mod backup;
mod app;
