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

/// A backup's passphrase is too short.
pub fn backup_passphrase_short(min: usize) -> DeskError {
    DeskError::new(
        DeskCode::BackupPassphrase,
        Bilingual::new(format!("备份密码至少 {min} 个字符"), format!("The backup passphrase needs at least {min} characters")),
    )
}

/// The passphrase does not open the backup.
pub fn backup_passphrase_wrong() -> DeskError {
    DeskError::new(
        DeskCode::BackupPassphrase,
        Bilingual::new("备份密码不正确，无法打开备份；未写入任何内容", "The passphrase does not open this backup; nothing was restored"),
    )
}

/// No passphrase was given (none in the environment, none typed).
pub fn backup_passphrase_missing(env: &str) -> DeskError {
    DeskError::new(
        DeskCode::BackupPassphrase,
        Bilingual::new(format!("请输入加密密码（或设置环境变量 {env}）"), format!("Type the passphrase (or set {env})")),
    )
}

/// The backup could not be written.
pub fn backup_write(path: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::WriteFailed,
        Bilingual::new(format!("无法写入备份 {}：{e}", path.display()), format!("Cannot write the backup {}: {e}", path.display())),
    )
}

/// The backup file could not be read.
pub fn backup_read(path: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::ReadFailed,
        Bilingual::new(format!("无法读取备份文件 {}：{e}", path.display()), format!("Cannot read the backup {}: {e}", path.display())),
    )
}

/// A backup whose key derivation asks more memory than a desk gives (a forged file, or one
/// sealed by another program with an extreme setting).
pub fn backup_work_excessive(path: &Path, required: u8, max: u8) -> DeskError {
    let mib = |log_n: u8| 1u64 << (log_n.min(50) as u32).saturating_sub(10);
    DeskError::new(
        DeskCode::BackupDamaged,
        Bilingual::new(
            format!(
                "备份文件 {} 要求约 {} MiB 内存才能解密，超过本机允许的 {} MiB，已拒绝（可能是伪造或损坏的文件）；未写入任何内容",
                path.display(),
                mib(required),
                mib(max)
            ),
            format!(
                "The backup {} asks for about {} MiB of memory to open, more than the {} MiB a desk allows: refused (a forged or damaged file); nothing was restored",
                path.display(),
                mib(required),
                mib(max)
            ),
        ),
    )
}

/// The passphrase typed twice differs.
pub fn backup_passphrase_mismatch() -> DeskError {
    DeskError::new(DeskCode::BackupPassphrase, Bilingual::new("两次输入的备份密码不一致", "The two passphrases differ"))
}

/// A backup now, or the automatic one, without a folder or passphrase set.
pub fn backup_not_planned() -> DeskError {
    DeskError::new(
        DeskCode::BackupPassphrase,
        Bilingual::new("请先设置备份文件夹和备份密码", "Set the backup folder and passphrase first"),
    )
}

// ---- Signed updates (the window's updater) ----

/// This build was made without the update key: it never takes an update.
pub fn update_not_configured() -> DeskError {
    DeskError::new(
        DeskCode::UpdateNotConfigured,
        Bilingual::new(
            "此版本构建时未配置更新签名公钥，不能在线更新；请安装正式发布的软件包",
            "This build carries no update signing key and cannot update itself; install a released package",
        ),
    )
}

/// A release whose signature does not hold: nothing was installed.
pub fn update_signature(version: &str) -> DeskError {
    DeskError::new(
        DeskCode::UpdateSignature,
        Bilingual::new(
            format!("新版本 {version} 的安装包签名校验未通过（被篡改、未签名或不是本软件的发布密钥签名），已拒绝安装；当前版本照常使用"),
            format!(
                "The package of version {version} fails its signature check (altered, unsigned or not signed with this software's release key): refused, nothing installed; this version keeps working"
            ),
        ),
    )
}

/// The release could not be asked for or fetched.
pub fn update_unavailable(detail: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::UpdateUnavailable,
        Bilingual::new(
            format!("无法从平台获取新版本：{detail}；当前版本照常使用，可稍后再试"),
            format!("Cannot get the new version from the platform: {detail}; this version keeps working, try again later"),
        ),
    )
}

/// The verified package could not be installed (no administrator rights, the package manager
/// failed).
pub fn update_install(version: &str, detail: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::UpdateInstall,
        Bilingual::new(
            format!("新版本 {version} 已通过签名校验，但安装失败：{detail}；当前版本照常使用（安装需要管理员权限）"),
            format!(
                "Version {version} passed its signature check but could not be installed: {detail}; this version keeps working (installing needs administrator rights)"
            ),
        ),
    )
}

/// Installing asked for before a check found a newer version.
pub fn update_none_pending() -> DeskError {
    DeskError::new(
        DeskCode::UpdateUnavailable,
        Bilingual::new("没有待安装的新版本，请先检查更新", "No new version is waiting: check for updates first"),
    )
}
