//! The workspace's end-to-end tests, one binary with a module per area: crash safety (runs
//! with every `cargo test`), and the real window and the public page in a real browser
//! (ignored by default: they need a display; `scripts/test` runs them under xvfb-run with
//! `cargo test -p certdesk-tests --tests -- --ignored --test-threads=1`).
//!
//! Run one area with `cargo test -p certdesk-tests --test it e2e_cards:: -- --ignored`.

mod window;

mod appimage;
mod crash;
mod e2e;
mod e2e_cards;
mod e2e_roster_filing;
mod e2e_training;
mod operator_browser;
mod package;
mod public_page;
mod sentences;
mod update;
