//! The window's commands for training, exams, supervision forms, spreadsheet import, the
//! roster and the home screen's numbers (issue 3). Like every command in the shell, each one
//! takes its arguments, makes one `certdesk-core` call and maps the error: the rules live in
//! `certdesk_domain::training`, `certdesk-store` and `certdesk-core`, and must never be decided
//! here.
//!
//! Files: the window cannot hand over a path from `<input type="file">`, so an import sends the
//! file's bytes (base64) and the desk reads them as it would read the file; saving (roster,
//! import report) goes to a path the clerk can edit, prefilled from [`export_folder`].

use std::path::PathBuf;

use certdesk_domain::training::{ClassInput, SupervisionInput};
use certdesk_domain::{Eligibility, TrainingSettings};
use certdesk_store::{
    AttendanceInput, ClassDetail, DeskError, DeskStats, ExamInput, ExamResult,
    HoursImportOptions, HoursImportReport, ImportOptions, ImportReport, Participant, RosterExport, RosterFilter, RosterFormat, SupervisionForm, TrainingClass,
    WorkerTraining,
};
use chrono::NaiveDate;
use serde::Serialize;
use tauri::{Emitter, Manager, State};

use crate::{AppData, CmdResult};

#[tauri::command]
pub(crate) fn training_settings_get(app: State<'_, AppData>) -> CmdResult<TrainingSettings> {
    app.core.signed_in("training_settings_get", |s| s.training_settings())
}

#[tauri::command]
pub(crate) fn training_settings_set(app: State<'_, AppData>, settings: TrainingSettings) -> CmdResult<TrainingSettings> {
    app.core.manager("training_settings_set", |s| s.set_training_settings(&settings))
}

#[tauri::command]
pub(crate) fn class_create(app: State<'_, AppData>, input: ClassInput) -> CmdResult<TrainingClass> {
    app.core.signed_in("class_create", |s| s.create_class(&input))
}

#[tauri::command]
pub(crate) fn class_list(
    app: State<'_, AppData>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: Option<usize>,
) -> CmdResult<Vec<TrainingClass>> {
    app.core.signed_in("class_list", |s| s.list_classes(from, to, limit.unwrap_or(200)))
}

#[tauri::command]
pub(crate) fn class_get(app: State<'_, AppData>, class_id: String) -> CmdResult<ClassDetail> {
    app.core.signed_in("class_get", |s| s.class_detail(&class_id))
}

#[tauri::command]
pub(crate) fn class_add_worker(app: State<'_, AppData>, class_id: String, worker: String) -> CmdResult<Participant> {
    app.core.signed_in("class_add_worker", |s| s.add_to_class(&class_id, &worker))
}

#[tauri::command]
pub(crate) fn class_remove_worker(
    app: State<'_, AppData>,
    class_id: String,
    worker_id: String,
    confirmed: Option<bool>,
) -> CmdResult<()> {
    app.core.signed_in("class_remove_worker", |s| s.remove_from_class(&class_id, &worker_id, confirmed.unwrap_or(false)))
}

#[tauri::command]
pub(crate) fn class_attend(
    app: State<'_, AppData>,
    class_id: String,
    worker_id: String,
    input: AttendanceInput,
) -> CmdResult<Participant> {
    app.core.signed_in("class_attend", |s| s.record_attendance(&class_id, &worker_id, &input))
}

#[tauri::command]
pub(crate) fn exam_record(app: State<'_, AppData>, input: ExamInput) -> CmdResult<ExamResult> {
    app.core.signed_in("exam_record", |s| s.record_exam(&input))
}

#[tauri::command]
pub(crate) fn exam_list(app: State<'_, AppData>, worker_id: String) -> CmdResult<Vec<ExamResult>> {
    app.core.signed_in("exam_list", |s| s.exam_results(&worker_id))
}

#[tauri::command]
pub(crate) fn supervision_file(
    app: State<'_, AppData>,
    class_id: String,
    input: SupervisionInput,
) -> CmdResult<SupervisionForm> {
    app.core.signed_in("supervision_file", |s| s.file_supervision(&class_id, &input))
}

#[tauri::command]
pub(crate) fn worker_eligibility(app: State<'_, AppData>, id: String) -> CmdResult<Eligibility> {
    app.core.signed_in("worker_eligibility", |s| s.worker_eligibility(&id))
}

#[tauri::command]
pub(crate) fn worker_training(app: State<'_, AppData>, id: String) -> CmdResult<WorkerTraining> {
    app.core.signed_in("worker_training", |s| s.worker_training(&id))
}

#[tauri::command]
pub(crate) fn import_preview(app: State<'_, AppData>, bytes_b64: String, options: ImportOptions) -> CmdResult<ImportReport> {
    app.core.signed_in("import_preview", |s| s.preview_import_b64(&bytes_b64, &options))
}

/// `import_progress` event payload: rows handled so far out of `total`.
#[derive(Clone, Serialize, ts_rs::TS)]
pub(crate) struct ImportProgress {
    done: usize,
    total: usize,
}

/// Runs off the main thread so that the window keeps painting the progress bar while the desk
/// works; the desk's own lock keeps other commands out until the one transaction is done.
#[tauri::command]
pub(crate) async fn import_run(
    handle: tauri::AppHandle,
    bytes_b64: String,
    options: ImportOptions,
) -> CmdResult<ImportReport> {
    let worker = handle.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let app = worker.state::<AppData>();
        app.core.signed_in("import_run", |s| {
            s.import_workers_b64(&bytes_b64, &options, &mut |done, total| {
                // A window that closed mid-import cannot show progress; the import goes on.
                let _ = worker.emit("import_progress", ImportProgress { done, total });
            })
        })
    })
    .await
    .map_err(DeskError::internal)?
}

/// What importing the online platform's file into an online class would do; writes nothing.
#[tauri::command]
pub(crate) fn class_hours_preview(
    app: State<'_, AppData>,
    class_id: String,
    bytes_b64: String,
    options: HoursImportOptions,
) -> CmdResult<HoursImportReport> {
    app.core.signed_in("class_hours_preview", |s| s.preview_hours_import_b64(&class_id, &bytes_b64, &options))
}

#[tauri::command]
pub(crate) fn class_hours_import(
    app: State<'_, AppData>,
    class_id: String,
    bytes_b64: String,
    options: HoursImportOptions,
) -> CmdResult<HoursImportReport> {
    app.core.signed_in("class_hours_import", |s| s.import_hours_b64(&class_id, &bytes_b64, &options))
}

#[tauri::command]
pub(crate) fn class_hours_report_save(app: State<'_, AppData>, report: HoursImportReport, path: String) -> CmdResult<()> {
    app.core.signed_in("class_hours_report_save", |s| s.save_hours_report(&report, &PathBuf::from(path)))
}

#[tauri::command]
pub(crate) fn import_report_save(app: State<'_, AppData>, report: ImportReport, path: String) -> CmdResult<()> {
    app.core.signed_in("import_report_save", |s| s.save_import_report(&report, &PathBuf::from(path)))
}

#[tauri::command]
pub(crate) fn roster_export(
    app: State<'_, AppData>,
    path: String,
    format: RosterFormat,
    filter: RosterFilter,
    passphrase: Option<String>,
) -> CmdResult<RosterExport> {
    app.core.manager("roster_export", |s| s.export_roster(&PathBuf::from(path), format, &filter, passphrase.as_deref()))
}

/// 名册备案回执 (manager): the receipt of filing `number` printed as a PDF into `dir`; its path.
#[tauri::command]
pub(crate) fn roster_receipt_pdf(app: State<'_, AppData>, number: String, dir: String) -> CmdResult<String> {
    app.core.manager("roster_receipt_pdf", |s| s.roster_receipt_file(&number, &PathBuf::from(dir)))
}

/// 项目资金材料 (manager): the funding pack of the filed period `[from, to]` written into `dir`.
#[tauri::command]
pub(crate) fn roster_pack(
    app: State<'_, AppData>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    dir: String,
) -> CmdResult<certdesk_print::PackFiles> {
    app.core.manager("roster_pack", |s| s.funding_pack(from, to, &PathBuf::from(dir)))
}

#[tauri::command]
pub(crate) fn stats(app: State<'_, AppData>, months: Option<u32>) -> CmdResult<DeskStats> {
    app.core.signed_in("stats", |s| s.stats(months.unwrap_or(12)))
}

/// Where saved files go by default: the user's documents folder, else home, else the data
/// folder. The window prefills its save-path fields from it; the clerk may edit them.
#[tauri::command]
pub(crate) fn export_folder(app: State<'_, AppData>, handle: tauri::AppHandle) -> String {
    let paths = handle.path();
    paths
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| paths.home_dir().ok().filter(|d| d.is_dir()))
        .unwrap_or_else(|| app.core.data_dir())
        .display()
        .to_string()
}
