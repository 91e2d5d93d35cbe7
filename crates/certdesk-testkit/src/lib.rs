//! What every certdesk test starts from, written once: valid ID numbers and unified social
//! credit codes ([`ids`]), a desk on a real file with its agency and signed-in manager
//! ([`desk`], feature `desk`), the real platform on 127.0.0.1 with dev TLS and an HTTPS client
//! that trusts only its CA ([`platform`], feature `platform`), a desk enrolled with that
//! platform through the real sync client ([`enrolled`], feature `sync`), and a fresh schema on
//! the throwaway PostgreSQL server `scripts/test` starts ([`pg`], feature `pg`), and the training
//! records that carry an application the platform checks ([`training`], feature `platform`).
//!
//! A dev-dependency only (`publish = false`): nothing that ships may depend on it. It fakes
//! nothing: the desk is the real store on a temporary folder, the platform is the real server,
//! the enrolment is the real HTTPS call. Helpers that belong to one area of tests stay in that
//! area's module; what lives here is what two or more crates' tests need.

#![warn(missing_docs)]

pub mod ids;

#[cfg(feature = "desk")]
pub mod desk;

#[cfg(feature = "platform")]
pub mod platform;

#[cfg(feature = "pg")]
pub mod pg;

#[cfg(feature = "platform")]
pub mod training;

#[cfg(feature = "sync")]
pub mod enrolled;

pub use ids::{credit_code, id_number, id_number_from};

/// Today in Shanghai by the real clock, as the desk and the platform count days. A test that
/// took UTC's date instead fails from 16:00 to 24:00 UTC, when Shanghai is already tomorrow.
pub fn shanghai_today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&certdesk_domain::shanghai()).date_naive()
}
