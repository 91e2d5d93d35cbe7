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
