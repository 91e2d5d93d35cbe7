//! The window's commands for health checks (体检), insurance (保险), the deadline list and the
//! records to be completed (待补全): each
//! forwards to the application layer as the signed-in user.

use certdesk_domain::health::{HealthCheckInput, InsuranceInput};
use certdesk_store::{CoverImportReport, CoverKind, Deadline, HealthCheck, InsurancePolicy, WorkerToComplete};
use tauri::State;

use crate::{AppData, CmdResult};

/// Records a health check; the report file (if any) travels as base64.
#[tauri::command]
pub(crate) fn health_check_add(
    app: State<'_, AppData>,
    worker_id: String,
    input: HealthCheckInput,
    report_b64: Option<String>,
) -> CmdResult<HealthCheck> {
    app.core.signed_in("health_check_add", |s| s.record_health_check_b64(&worker_id, &input, report_b64.as_deref()))
}

/// A worker's health checks, newest first.
#[tauri::command]
pub(crate) fn health_check_list(app: State<'_, AppData>, worker_id: String) -> CmdResult<Vec<HealthCheck>> {
    app.core.signed_in("health_check_list", |s| s.health_checks(&worker_id))
}

/// Records an insurance policy.
#[tauri::command]
pub(crate) fn insurance_add(app: State<'_, AppData>, worker_id: String, input: InsuranceInput) -> CmdResult<InsurancePolicy> {
    app.core.signed_in("insurance_add", |s| s.record_insurance(&worker_id, &input))
}

/// A worker's insurance policies, the latest cover first.
#[tauri::command]
pub(crate) fn insurance_list(app: State<'_, AppData>, worker_id: String) -> CmdResult<Vec<InsurancePolicy>> {
    app.core.signed_in("insurance_list", |s| s.insurance_policies(&worker_id))
}

/// The home screen's deadlines, the most pressing first. Off the window's thread (`async`): at
/// 200,000 workers it reads for over a second, and the window must paint meanwhile.
#[tauri::command(async)]
pub(crate) fn deadlines(app: State<'_, AppData>) -> CmdResult<Vec<Deadline>> {
    app.core.signed_in("deadlines", |s| s.deadlines())
}

/// The home screen's records to be completed (待补全): at most 200, oldest first.
#[tauri::command(async)]
pub(crate) fn workers_to_complete(app: State<'_, AppData>) -> CmdResult<Vec<WorkerToComplete>> {
    app.core.signed_in("workers_to_complete", |s| s.workers_to_complete(200))
}

/// What importing a health-check or insurance file (base64) would do; writes nothing.
#[tauri::command]
pub(crate) fn cover_import_preview(app: State<'_, AppData>, kind: CoverKind, bytes_b64: String) -> CmdResult<CoverImportReport> {
    app.core.signed_in("cover_import_preview", |s| s.preview_cover_import_b64(kind, &bytes_b64))
}

/// Imports a health-check or insurance file (base64) in one transaction.
#[tauri::command]
pub(crate) fn cover_import_run(app: State<'_, AppData>, kind: CoverKind, bytes_b64: String) -> CmdResult<CoverImportReport> {
    app.core.signed_in("cover_import_run", |s| s.import_cover_b64(kind, &bytes_b64))
}

/// Saves a health-check or insurance import's report as .xlsx or .csv.
#[tauri::command]
pub(crate) fn cover_import_report_save(app: State<'_, AppData>, report: CoverImportReport, path: String) -> CmdResult<()> {
    app.core.signed_in("cover_import_report_save", |s| s.save_cover_report(&report, &std::path::PathBuf::from(path)))
}
