//! The platform's integration tests, one binary with a module per area (one link instead of
//! five on a two-core machine). Each test starts its own platform on 127.0.0.1:0 with dev TLS
//! in its own temporary data folder, so the modules share nothing but [`support`].
//!
//! Run one area with `cargo test -p certdesk-platform --test it public::`.

mod support {
    pub mod city;
    pub mod scene;
}

mod agency_records;
mod ecard;
mod files;
mod hsm;
mod instances;
mod limits;
mod metrics;
mod migrations;
mod move_store;
mod operator_pages;
mod platform;
mod public;
mod releases;
mod resumable_blobs;
mod roster_filing;
