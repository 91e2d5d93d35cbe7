//! The window's commands for training, exams, supervision forms, spreadsheet import, the
//! roster and the home screen's numbers (issue 3). Like every command in the shell, each one
//! takes its arguments, makes one call on the desk and maps the error: the rules live in
//! `certdesk_domain::training` and `certdesk-store`, and must never be decided here.
//!
//! Files: the window cannot hand over a path from `<input type="file">`, so an import sends the
//! file's bytes (base64) and the desk reads them as it would read the file; saving (roster,
//! import report) goes to a path the clerk can edit, prefilled from [`export_folder`].

use std::path::PathBuf;

use base64::Engine as _;
use certdesk_domain::training::{ClassInput, SupervisionInput};
use certdesk_domain::{Eligibility, TrainingSettings};
use certdesk_store::messages;
use certdesk_store::{
    write_hours_report, write_import_report, AttendanceInput, ClassDetail, DeskError, DeskStats, ExamInput, ExamResult,
    HoursImportOptions, HoursImportReport, ImportOptions, ImportReport, Participant, RosterExport, RosterFilter, RosterFormat, SupervisionForm, TrainingClass,
    WorkerTraining, MAX_IMPORT_BYTES,
};
use chrono::NaiveDate;
use serde::Serialize;
use tauri::{Emitter, Manager, State};

use crate::{AppData, CmdResult};

#[tauri::command]
pub(crate) fn training_settings_get(app: State<'_, AppData>) -> CmdResult<TrainingSettings> {
    app.core.signed_in("training_settings_get", |desk, _| desk.training_settings())
}

#[tauri::command]
pub(crate) fn training_settings_set(app: State<'_, AppData>, settings: TrainingSettings) -> CmdResult<TrainingSettings> {
    app.core.signed_in("training_settings_set", |desk, actor| desk.set_training_settings(actor, &settings))
}

#[tauri::command]
pub(crate) fn class_create(app: State<'_, AppData>, input: ClassInput) -> CmdResult<TrainingClass> {
    app.core.signed_in("class_create", |desk, actor| desk.create_class(actor, &input))
}

#[tauri::command]
pub(crate) fn class_list(
    app: State<'_, AppData>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: Option<usize>,
) -> CmdResult<Vec<TrainingClass>> {
    app.core.signed_in("class_list", |desk, _| desk.list_classes(from, to, limit.unwrap_or(200)))
}

#[tauri::command]
pub(crate) fn class_get(app: State<'_, AppData>, class_id: String) -> CmdResult<ClassDetail> {
    app.core.signed_in("class_get", |desk, _| desk.class_detail(&class_id))
}

#[tauri::command]
pub(crate) fn class_add_worker(app: State<'_, AppData>, class_id: String, worker: String) -> CmdResult<Participant> {
    app.core.signed_in("class_add_worker", |desk, actor| desk.add_to_class(actor, &class_id, &worker))
}

#[tauri::command]
pub(crate) fn class_remove_worker(
    app: State<'_, AppData>,
    class_id: String,
    worker_id: String,
    confirmed: Option<bool>,
) -> CmdResult<()> {
    app.core.signed_in("class_remove_worker", |desk, actor| desk.remove_from_class(actor, &class_id, &worker_id, confirmed.unwrap_or(false)))
}

#[tauri::command]
pub(crate) fn class_attend(
    app: State<'_, AppData>,
    class_id: String,
    worker_id: String,
    input: AttendanceInput,
) -> CmdResult<Participant> {
    app.core.signed_in("class_attend", |desk, actor| desk.record_attendance(actor, &class_id, &worker_id, &input))
}

#[tauri::command]
pub(crate) fn exam_record(app: State<'_, AppData>, input: ExamInput) -> CmdResult<ExamResult> {
    app.core.signed_in("exam_record", |desk, actor| desk.record_exam(actor, &input))
}

#[tauri::command]
pub(crate) fn exam_list(app: State<'_, AppData>, worker_id: String) -> CmdResult<Vec<ExamResult>> {
    app.core.signed_in("exam_list", |desk, _| desk.exam_results(&worker_id))
}

#[tauri::command]
pub(crate) fn supervision_file(
    app: State<'_, AppData>,
    class_id: String,
    input: SupervisionInput,
) -> CmdResult<SupervisionForm> {
    app.core.signed_in("supervision_file", |desk, actor| desk.file_supervision(actor, &class_id, &input))
}

#[tauri::command]
pub(crate) fn worker_eligibility(app: State<'_, AppData>, id: String) -> CmdResult<Eligibility> {
    app.core.signed_in("worker_eligibility", |desk, _| desk.worker_eligibility(&id))
}

#[tauri::command]
pub(crate) fn worker_training(app: State<'_, AppData>, id: String) -> CmdResult<WorkerTraining> {
    app.core.signed_in("worker_training", |desk, _| desk.worker_training(&id))
}

/// The chosen file's bytes, sent as base64 (a data URL is accepted too). The size cap is the
/// one `read_import_file` applies to a path, checked before decoding.
fn decode_file(b64: &str) -> CmdResult<Vec<u8>> {
    let payload = b64.rsplit_once(',').map(|(_, p)| p).unwrap_or(b64).trim();
    if payload.len() as u64 > MAX_IMPORT_BYTES / 3 * 4 + 4 {
        return Err(messages::chosen_file_too_large(MAX_IMPORT_BYTES / 1024 / 1024));
    }
    base64::engine::general_purpose::STANDARD.decode(payload).map_err(|_| messages::chosen_file_unreadable())
}

#[tauri::command]
pub(crate) fn import_preview(app: State<'_, AppData>, bytes_b64: String, options: ImportOptions) -> CmdResult<ImportReport> {
    app.core.signed_in("import_preview", |desk, _| {
        let bytes = decode_file(&bytes_b64)?;
        desk.preview_import(&bytes, &options)
    })
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
        app.core.signed_in("import_run", |desk, actor| {
            let bytes = decode_file(&bytes_b64)?;
            desk.import_workers(actor, &bytes, &options, &mut |done, total| {
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
    app.core.signed_in("class_hours_preview", |desk, _| {
        let bytes = decode_file(&bytes_b64)?;
        desk.preview_hours_import(&class_id, &bytes, &options)
    })
}

#[tauri::command]
pub(crate) fn class_hours_import(
    app: State<'_, AppData>,
    class_id: String,
    bytes_b64: String,
    options: HoursImportOptions,
) -> CmdResult<HoursImportReport> {
    app.core.signed_in("class_hours_import", |desk, actor| {
        let bytes = decode_file(&bytes_b64)?;
        desk.import_hours(actor, &class_id, &bytes, &options)
    })
}

#[tauri::command]
pub(crate) fn class_hours_report_save(app: State<'_, AppData>, report: HoursImportReport, path: String) -> CmdResult<()> {
    app.core.signed_in("class_hours_report_save", |_, _| write_hours_report(&report, &PathBuf::from(path)))
}

#[tauri::command]
pub(crate) fn import_report_save(app: State<'_, AppData>, report: ImportReport, path: String) -> CmdResult<()> {
    app.core.signed_in("import_report_save", |_, _| write_import_report(&report, &PathBuf::from(path)))
}

#[tauri::command]
pub(crate) fn roster_export(
    app: State<'_, AppData>,
    path: String,
    format: RosterFormat,
    filter: RosterFilter,
) -> CmdResult<RosterExport> {
    app.core.signed_in("roster_export", |desk, _| desk.export_roster(&PathBuf::from(path), format, &filter))
}

#[tauri::command]
pub(crate) fn stats(app: State<'_, AppData>, months: Option<u32>) -> CmdResult<DeskStats> {
    app.core.signed_in("stats", |desk, _| desk.stats(months.unwrap_or(12)))
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
