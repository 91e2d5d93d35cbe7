//! The store's integration tests, one binary with a module per area (one link instead of six
//! on a two-core machine). Each test opens its own desk file in its own temporary folder, so
//! the modules share nothing but the helpers in [`common`].
//!
//! Run one area with `cargo test -p certdesk-store --test it import::`.

mod common;

mod cards;
mod desk;
mod health;
mod hours_import;
mod import;
mod migrations;
mod sync;
mod training;
