//! Every sentence the print step says to a clerk, in Chinese with English beside it, and the
//! stable code each belongs to, so a translator reviews one file. The card renderer's own
//! sentences are in `certdesk_card::messages`, the store's in `certdesk_store::messages`.
//!
//! This module must never hold a rule: callers decide *that* printing failed.

use std::fmt::Display;
use std::path::Path;

use certdesk_domain::Bilingual;
use certdesk_store::{DeskCode, DeskError};

/// Nothing chosen to print.
pub fn no_cards() -> DeskError {
    DeskError::new(DeskCode::NoCards, Bilingual::new("没有要制作的证卡", "There are no cards to print"))
}

/// The PDF could not be written.
pub fn write_failed(path: &Path, e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::WriteFailed,
        Bilingual::new(format!("无法写入文件 {}：{e}", path.display()), format!("Cannot write {}: {e}", path.display())),
    )
}

/// A printer name `lp` must not be given.
pub fn printer_name_invalid(printer: &str) -> DeskError {
    DeskError::new(DeskCode::Printer, Bilingual::new(format!("打印机名称“{printer}”无效"), format!("Invalid printer name \"{printer}\"")))
}

/// `lp` cannot be run.
pub fn no_cups(e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::NoCups,
        Bilingual::new(
            format!("无法调用系统打印（lp）：{e}。请安装 CUPS，或选择“保存为 PDF”"),
            format!("Cannot run the system print command (lp): {e}. Install CUPS or save as PDF"),
        ),
    )
}

/// PowerShell, through which the Windows spooler is asked, cannot be run.
pub fn no_windows_spooler(e: impl Display) -> DeskError {
    DeskError::new(
        DeskCode::NoCups,
        Bilingual::new(
            format!("无法调用 Windows 打印（PowerShell）：{e}。请选择“保存为 PDF”"),
            format!("Cannot reach the Windows print spooler (PowerShell): {e}. Save as PDF instead"),
        ),
    )
}

/// The print queue refused the job.
pub fn print_failed(printer: &str, why: &str) -> DeskError {
    DeskError::new(
        DeskCode::PrintFailed,
        Bilingual::new(format!("打印机“{printer}”拒绝了打印任务：{why}"), format!("The printer \"{printer}\" refused the job: {why}")),
    )
}

/// The printed receipt's file name: 名册备案回执-{number}.pdf (the clerk finds it by its words).
pub fn receipt_file_name(number: &str) -> String {
    format!("名册备案回执-{number}.pdf")
}
