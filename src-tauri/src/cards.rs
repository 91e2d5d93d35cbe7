//! The window's side of certificate cards (issue 5): preview, print (one or all approved, with
//! progress), hand-over, lost or damaged cards, cancellation, printers and calibration, the
//! offline verify screen, and citizens' ratings and complaints. Thin commands over
//! `certdesk-core`.
//!
//! Printing many cards takes seconds, so it runs on a blocking thread with its own connection
//! (SQLite WAL lets both write) instead of holding the window's `Desk` lock.

use std::path::PathBuf;

use certdesk_card::Layout;
use certdesk_print::{Destination, PrintOutcome, PrinterInfo};
use certdesk_store::{
    Calibration, CancelReason, CardState, Desk, DeskError, Feedback, FeedbackSummary, LossKind, ScanReport,
};
use serde::{Deserialize, Serialize};
use tauri::{Emitter, State};

use crate::{AppData, CmdResult};

/// Where the window sends cards.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(rename = "PrintTarget")]
pub(crate) enum Target {
    /// Save as a PDF file at this path.
    Pdf { path: String },
    /// A CUPS queue.
    Printer { name: String },
}

impl Target {
    fn destination(self) -> Destination {
        match self {
            Target::Pdf { path } => Destination::Pdf(PathBuf::from(path)),
            Target::Printer { name } => Destination::Printer(name),
        }
    }
}

/// `card_print_progress` event payload: cards laid out so far out of `total`.
#[derive(Clone, Serialize, ts_rs::TS)]
#[ts(rename = "PrintProgress")]
pub(crate) struct Progress {
    done: usize,
    total: usize,
}

/// The card panel of the worker page.
#[tauri::command]
pub(crate) fn card_state(app: State<'_, AppData>, worker_id: String) -> CmdResult<CardState> {
    app.core.signed_in("card_state", |s| s.card_state(&worker_id))
}

/// 打印预览: the card as PDF bytes (an ArrayBuffer in the window), 样张 unless approved.
#[tauri::command]
pub(crate) fn card_preview(app: State<'_, AppData>, worker_id: String, layout: Layout) -> CmdResult<tauri::ipc::Response> {
    app.core.signed_in("card_preview", |s| s.card_preview(&worker_id, layout).map(tauri::ipc::Response::new))
}

/// Workers whose approved certificate has no printed card yet (批量制作).
#[tauri::command]
pub(crate) fn card_approved_unprinted(app: State<'_, AppData>) -> CmdResult<Vec<String>> {
    app.core.signed_in("card_approved_unprinted", |s| s.approved_unprinted())
}

/// 制作: prints `worker_ids` (or, when empty and `all_approved`, every approved certificate not yet
/// printed). Emits `card_print_progress` ({done, total}) as cards are laid out.
#[tauri::command]
pub(crate) async fn card_print(
    app: State<'_, AppData>,
    handle: tauri::AppHandle,
    worker_ids: Vec<String>,
    all_approved: bool,
    layout: Layout,
    target: Target,
) -> CmdResult<PrintOutcome> {
    let user = app.core.user("card_print")?;
    let dir = app.core.data_dir();
    tauri::async_runtime::spawn_blocking(move || {
        let mut desk = Desk::open(&dir)?;
        let mut last = std::time::Instant::now();
        certdesk_core::as_user("card_print", &mut desk, &user, |s| {
            s.print_cards(worker_ids, all_approved, layout, &target.destination(), &mut |done, total| {
                if done == total || last.elapsed().as_millis() >= 100 {
                    last = std::time::Instant::now();
                    let _ = handle.emit("card_print_progress", Progress { done, total });
                }
            })
        })
    })
    .await
    .map_err(DeskError::internal)?
}

/// 发放, optionally with the worker's signature drawn on screen (a PNG data URL or base64).
#[tauri::command]
pub(crate) fn card_issue(
    app: State<'_, AppData>,
    worker_id: String,
    issued_on: Option<String>,
    signature_png: Option<String>,
) -> CmdResult<CardState> {
    app.core.signed_in("card_issue", |s| s.issue_card_typed(&worker_id, issued_on.as_deref(), signature_png.as_deref()))
}

/// The hand-over slip with the electronic card's activation code, as PDF bytes.
#[tauri::command]
pub(crate) fn card_activation_slip(app: State<'_, AppData>, worker_id: String) -> CmdResult<tauri::ipc::Response> {
    app.core.signed_in("card_activation_slip", |s| s.activation_slip(&worker_id).map(tauri::ipc::Response::new))
}

/// 重新生成激活码: a new electronic-card code for the card handed over.
#[tauri::command]
pub(crate) fn card_activation_renew(app: State<'_, AppData>, worker_id: String) -> CmdResult<CardState> {
    app.core.signed_in("card_activation_renew", |s| s.renew_card_activation(&worker_id))
}

/// 挂失/补办.
#[tauri::command]
pub(crate) fn card_report_loss(app: State<'_, AppData>, worker_id: String, kind: LossKind, note: String) -> CmdResult<CardState> {
    app.core.signed_in("card_report_loss", |s| s.report_card_loss(&worker_id, kind, &note))
}

/// 注销 (manager).
#[tauri::command]
pub(crate) fn card_cancel(app: State<'_, AppData>, worker_id: String, reason: CancelReason, note: String) -> CmdResult<CardState> {
    app.core.manager("card_cancel", |s| s.cancel_certificate(&worker_id, reason, &note))
}

/// The system's printers (empty without CUPS).
#[tauri::command]
pub(crate) async fn printer_list() -> Vec<PrinterInfo> {
    tauri::async_runtime::spawn_blocking(certdesk_print::printers).await.unwrap_or_default()
}

#[tauri::command]
pub(crate) fn printer_calibration_get(app: State<'_, AppData>, printer: String) -> CmdResult<Calibration> {
    app.core.signed_in("printer_calibration_get", |s| s.printer_calibration(&printer))
}

#[tauri::command]
pub(crate) fn printer_calibration_set(app: State<'_, AppData>, printer: String, calibration: Calibration) -> CmdResult<Calibration> {
    app.core.signed_in("printer_calibration_set", |s| s.set_printer_calibration(&printer, calibration))
}

/// A calibration test page saved as PDF at `path`, with `printer`'s saved calibration.
#[tauri::command]
pub(crate) fn card_test_page(app: State<'_, AppData>, printer: String, layout: Layout, path: String) -> CmdResult<String> {
    app.core.signed_in("card_test_page", |s| s.save_test_page(&printer, layout, &PathBuf::from(&path)))?;
    Ok(path)
}

/// 验证: a scanned card, checked offline.
#[tauri::command]
pub(crate) fn verify_scan(app: State<'_, AppData>, scanned: String) -> CmdResult<ScanReport> {
    app.core.signed_in("verify_scan", |s| s.verify_scan(&scanned))
}

#[tauri::command]
pub(crate) fn worker_feedback(app: State<'_, AppData>, worker_id: String) -> CmdResult<FeedbackSummary> {
    app.core.signed_in("worker_feedback", |s| s.worker_feedback(&worker_id))
}

#[tauri::command]
pub(crate) fn complaints_open(app: State<'_, AppData>) -> CmdResult<Vec<Feedback>> {
    app.core.signed_in("complaints_open", |s| s.open_complaints())
}

#[tauri::command]
pub(crate) fn complaint_answer(app: State<'_, AppData>, id: String, action: String, done_on: String) -> CmdResult<Vec<Feedback>> {
    app.core.signed_in("complaint_answer", |s| s.answer_complaint(&id, &action, &done_on))
}
