//! The sentences the CLI itself refuses with (arguments, files it reads), in Chinese with
//! English beside them, and their stable codes. What the desk refuses comes with the desk's
//! own sentence (`certdesk_store::messages`). The report lines the commands print are in
//! [`report`], one function per report.
//!
//! This module must never hold a rule: callers decide *that* something is refused.

pub mod report;

use std::fmt::Display;
use std::path::Path;

use certdesk_domain::Bilingual;
use certdesk_store::{DeskCode, DeskError};

/// No credentials given.
pub fn sign_in_needed() -> DeskError {
    DeskError::new(
        DeskCode::Unauthorized,
        Bilingual::new(
            "请用 --user 和 --password（或环境变量 CERTDESK_USER、CERTDESK_PASSWORD）登录",
            "Sign in with --user and --password (or CERTDESK_USER and CERTDESK_PASSWORD)",
        ),
    )
}

/// The photo file cannot be read.
pub fn photo_file(path: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::PhotoFile,
        Bilingual::new(
            format!("无法读取照片文件 {}：{e}", path.display()),
            format!("Cannot read the photo file {}: {e}", path.display()),
        ),
    )
}

/// A date argument that is not a date.
pub fn date_invalid(s: &str) -> DeskError {
    DeskError::new(DeskCode::Date, Bilingual::new(format!("日期“{s}”无效，请写成 2026-11-27"), format!("Invalid date \"{s}\": write it as 2026-11-27")))
}

/// A file argument that cannot be read.
pub fn read_failed(path: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::ReadFailed,
        Bilingual::new(format!("无法读取文件 {}：{e}", path.display()), format!("Cannot read {}: {e}", path.display())),
    )
}

/// The scan on stdin cannot be read.
pub fn scan_unreadable(e: impl Display) -> DeskError {
    DeskError::new(DeskCode::ScanUnreadable, Bilingual::new(format!("无法读取扫描内容：{e}"), format!("Cannot read the scan: {e}")))
}

/// The platform CA file cannot be read.
pub fn platform_ca_unreadable(path: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::PlatformCaInvalid,
        Bilingual::new(
            format!("无法读取平台证书文件 {}：{e}", path.display()),
            format!("Cannot read the platform CA file {}: {e}", path.display()),
        ),
    )
}

/// `apply` without a worker or `--all-eligible`.
pub fn apply_usage() -> DeskError {
    DeskError::new(
        DeskCode::Usage,
        Bilingual::new("请指定一名人员（编号或身份证号），或使用 --all-eligible", "Name one worker (id or ID number), or use --all-eligible"),
    )
}
