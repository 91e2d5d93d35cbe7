//! The window's side of certificate cards (issue 5): preview, print (one or all approved, with
//! progress), hand-over, lost or damaged cards, cancellation, printers and calibration, the
//! offline verify screen, and citizens' ratings and complaints. Thin commands over
//! `certdesk-print` and the store.
//!
//! Printing many cards takes seconds, so it runs on a blocking thread with its own connection
//! (SQLite WAL lets both write) instead of holding the window's `Desk` lock.

use std::path::PathBuf;

use base64::Engine;
use certdesk_card::Layout;
use certdesk_print::{print_cards, write_atomically, Destination, PrintOutcome, PrinterInfo};
use certdesk_store::messages;
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
    app.core.signed_in("card_state", |desk, _| desk.card_state(&worker_id))
}

/// 打印预览: the card as PDF bytes (an ArrayBuffer in the window), 样张 unless approved.
#[tauri::command]
pub(crate) fn card_preview(app: State<'_, AppData>, worker_id: String, layout: Layout) -> CmdResult<tauri::ipc::Response> {
    app.core.signed_in("card_preview", |desk, _| {
        let pdf = certdesk_print::preview(&*desk, &worker_id, layout)?;
        Ok(tauri::ipc::Response::new(pdf))
    })
}

/// Workers whose approved certificate has no printed card yet (批量制作).
#[tauri::command]
pub(crate) fn card_approved_unprinted(app: State<'_, AppData>) -> CmdResult<Vec<String>> {
    app.core.signed_in("card_approved_unprinted", |desk, _| desk.approved_unprinted())
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
    let actor = app.core.signed_in("card_print", |_, actor| Ok(actor.clone()))?;
    let dir = app.core.data_dir();
    tauri::async_runtime::spawn_blocking(move || {
        let mut desk = Desk::open(&dir)?;
        let ids = if all_approved && worker_ids.is_empty() { desk.approved_unprinted()? } else { worker_ids };
        let mut last = std::time::Instant::now();
        let printed = print_cards(&mut desk, &actor, &ids, layout, &target.destination(), &mut |done, total| {
            if done == total || last.elapsed().as_millis() >= 100 {
                last = std::time::Instant::now();
                let _ = handle.emit("card_print_progress", Progress { done, total });
            }
        });
        certdesk_core::logged("card_print", printed)
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
    app.core.signed_in("card_issue", |desk, actor| {
        let on = match issued_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(s.parse().map_err(|_| messages::issued_on_invalid(s))?),
            None => None,
        };
        let png = match signature_png.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => {
                let b64 = s.split_once("base64,").map(|(_, b)| b).unwrap_or(s);
                Some(base64::engine::general_purpose::STANDARD.decode(b64).map_err(|_| messages::signature_unreadable())?)
            }
            None => None,
        };
        desk.issue_card(actor, &worker_id, on, png)?;
        desk.card_state(&worker_id)
    })
}

/// 挂失/补办.
#[tauri::command]
pub(crate) fn card_report_loss(app: State<'_, AppData>, worker_id: String, kind: LossKind, note: String) -> CmdResult<CardState> {
    app.core.signed_in("card_report_loss", |desk, actor| {
        desk.report_card_loss(actor, &worker_id, kind, &note)?;
        desk.card_state(&worker_id)
    })
}

/// 注销 (manager).
#[tauri::command]
pub(crate) fn card_cancel(app: State<'_, AppData>, worker_id: String, reason: CancelReason, note: String) -> CmdResult<CardState> {
    app.core.signed_in("card_cancel", |desk, actor| {
        desk.cancel_certificate(actor, &worker_id, reason, &note)?;
        desk.card_state(&worker_id)
    })
}

/// The system's printers (empty without CUPS).
#[tauri::command]
pub(crate) async fn printer_list() -> Vec<PrinterInfo> {
    tauri::async_runtime::spawn_blocking(certdesk_print::printers).await.unwrap_or_default()
}

#[tauri::command]
pub(crate) fn printer_calibration_get(app: State<'_, AppData>, printer: String) -> CmdResult<Calibration> {
    app.core.signed_in("printer_calibration_get", |desk, _| desk.printer_calibration(&printer))
}

#[tauri::command]
pub(crate) fn printer_calibration_set(app: State<'_, AppData>, printer: String, calibration: Calibration) -> CmdResult<Calibration> {
    app.core.signed_in("printer_calibration_set", |desk, actor| {
        desk.set_printer_calibration(actor, &printer, calibration)?;
        desk.printer_calibration(&printer)
    })
}

/// A calibration test page saved as PDF at `path`, with `printer`'s saved calibration.
#[tauri::command]
pub(crate) fn card_test_page(app: State<'_, AppData>, printer: String, layout: Layout, path: String) -> CmdResult<String> {
    app.core.signed_in("card_test_page", |desk, _| {
        let pdf = certdesk_print::test_page(&*desk, &printer, layout)?;
        write_atomically(&PathBuf::from(&path), &pdf)?;
        Ok(path)
    })
}

/// 验证: a scanned card, checked offline.
#[tauri::command]
pub(crate) fn verify_scan(app: State<'_, AppData>, scanned: String) -> CmdResult<ScanReport> {
    app.core.signed_in("verify_scan", |desk, _| desk.verify_scan(&scanned))
}

#[tauri::command]
pub(crate) fn worker_feedback(app: State<'_, AppData>, worker_id: String) -> CmdResult<FeedbackSummary> {
    app.core.signed_in("worker_feedback", |desk, _| desk.worker_feedback(&worker_id))
}

#[tauri::command]
pub(crate) fn complaints_open(app: State<'_, AppData>) -> CmdResult<Vec<Feedback>> {
    app.core.signed_in("complaints_open", |desk, _| desk.open_complaints())
}

#[tauri::command]
pub(crate) fn complaint_handle(app: State<'_, AppData>, id: String) -> CmdResult<Vec<Feedback>> {
    app.core.signed_in("complaint_handle", |desk, actor| {
        desk.handle_complaint(actor, &id)?;
        desk.open_complaints()
    })
}
