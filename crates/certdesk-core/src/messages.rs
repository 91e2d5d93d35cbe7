//! The sentences the application layer itself says to a clerk, in Chinese with English beside
//! them, and their stable codes; the store's are in `certdesk_store::messages`.
//!
//! This module must never hold a rule: callers decide *that* something failed.

use std::fmt::Display;
use std::path::Path;

use certdesk_domain::Bilingual;
use certdesk_store::{DeskCode, DeskError};

/// The diagnostics bundle could not be written.
pub fn diagnostics_write(out: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::DiagnosticsWrite,
        Bilingual::new(
            format!("无法写入诊断文件 {}：{e}", out.display()),
            format!("Cannot write the diagnostics file {}: {e}", out.display()),
        ),
    )
}
