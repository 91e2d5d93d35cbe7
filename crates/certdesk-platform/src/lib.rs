//! The central platform (上门服务证平台): receives every agency's records over HTTPS, runs the
//! platform check and the police comparison through pluggable providers, assigns certificate
//! codes, signs credentials and serves the trust list.
//!
//! Layers: [`api`] (HTTP, auth, errors) over [`flows`] (push, approval, reissue,
//! cancellation, keys: the rules, written once) over [`store`] (the repository and storage
//! contract, SQLite today), with [`rules`] / [`checks`] (pure rules and providers) and [`ids`]
//! (the injected id source). The server never answers over plain
//! HTTP and never lets one agency see another's records.

#![warn(missing_docs)]

pub mod api;
pub mod audit;
pub mod blob_upload;
pub mod checks;
pub mod desk_releases;
pub mod error;
pub use certdesk_files as files;
pub mod flows;
pub mod hsm;
pub mod ids;
pub mod keys;
pub mod limits;
mod messages;
pub mod openapi;
pub mod operator_pages;
pub mod metrics;
pub mod proxy;
pub mod public;
pub mod releases;
pub mod rules;
pub mod server;
pub mod store;
pub mod tls;
pub mod totp;

pub use server::{start, RunningServer, ServerConfig, StartError, TlsSource};
