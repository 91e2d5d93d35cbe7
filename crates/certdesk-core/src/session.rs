//! Every call the window and the CLI make on the desk, as the signed-in user.
//!
//! A [`Session`] is the open desk and a [`SessionUser`], and a `SessionUser` only comes out of a
//! sign-in (`Desk::login`) or the first set-up: no caller can make one up. So "must be signed
//! in" is the type, not a line a command must remember: a read is a `Session` method as much as
//! a change. A manager's action is a [`ManagerSession`] method, and a `ManagerSession` only comes
//! out of [`Session::as_manager`], the one place a role is checked (the store below only stores):
//! a clerk gets `forbidden` and the desk stays untouched, from the window and from the CLI alike.
//!
//! This module must never format for a screen or a terminal: values in, the desk's values and
//! [`DeskError`] out. The few calls that take what a window sends (base64 files, a typed date, a
//! drawn signature) decode it here so that no command body in the shell does more than forward.

use std::path::Path;

use base64::Engine as _;
use certdesk_card::Layout;
use certdesk_domain::health::{HealthCheckInput, InsuranceInput};
use certdesk_domain::training::{ClassInput, SupervisionInput};
use certdesk_domain::{Eligibility, TrainingSettings, WorkerStatus};
use certdesk_print::{Destination, PrintOutcome};
use certdesk_store::messages;
use certdesk_store::{
    KeptFiling,
    Agency, ApplyAllReport, AttendanceInput, Calibration, CancelReason, CardActivation, CardState, ClassDetail, CoverImportReport, CoverKind, Desk, DeskResult,
    Deadline, DeskStats, ExamInput, ExamResult, Feedback, HealthCheck, InsurancePolicy, FeedbackSummary, HoursImportOptions, HoursImportReport, ImportOptions,
    ImportReport, LossKind, NewUser, Participant, PlatformView, PreparedPhoto, RosterExport, RosterFilter, RosterFormat,
    ScanReport, SearchResult, SessionUser, SupervisionForm, SyncRejection, SyncStatus, TrainingClass, UserInfo, Worker,
    WorkerDetail, WorkerInput, WorkerToComplete, WorkerTraining, MAX_IMPORT_BYTES,
};
use certdesk_sync::{EnrolParams, Enrolment, SyncOptions, SyncReport};

use crate::require_manager;

/// The open desk as one signed-in user sees it: what every window command and CLI subcommand
/// calls. Made by [`crate::DeskApp::signed_in`] (the window) or [`Session::new`] from a user the
/// desk signed in (the CLI, a blocking thread with its own connection).
pub struct Session<'a> {
    desk: &'a mut Desk,
    user: &'a SessionUser,
}

impl<'a> Session<'a> {
    /// `desk` as `user`. The user can only come from a sign-in, so this grants nothing.
    pub fn new(desk: &'a mut Desk, user: &'a SessionUser) -> Session<'a> {
        Session { desk, user }
    }

    /// Who is signed in.
    pub fn user(&self) -> &SessionUser {
        self.user
    }

    /// The same session with a manager's calls, or `forbidden` when the signed-in user is not a
    /// manager: the one place a role is checked.
    pub fn as_manager(&mut self) -> DeskResult<ManagerSession<'_, 'a>> {
        require_manager(self.user)?;
        Ok(ManagerSession { session: self })
    }

    // ---- the agency and its users ----

    /// The agency profile, if set.
    pub fn agency(&self) -> DeskResult<Option<Agency>> {
        self.desk.agency()
    }

    /// Today in Shanghai, on the desk's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.desk.today()
    }

    /// The desk's data folder.
    pub fn data_dir(&self) -> &Path {
        self.desk.data_dir()
    }

    /// 导出诊断信息: logs, versions, data folder sizes and sync counts in one zip at `out`.
    pub fn export_diagnostics(&self, program: crate::diagnostics::Program, out: &Path) -> DeskResult<Vec<String>> {
        crate::diagnostics::write_bundle(self.desk, program, out)
    }

    // ---- workers ----

    /// A photo (JPEG or PNG bytes) cropped, scaled and kept by its hash.
    pub fn prepare_photo(&mut self, bytes: &[u8]) -> DeskResult<PreparedPhoto> {
        self.desk.prepare_photo(bytes)
    }

    /// [`Session::prepare_photo`] from base64 (a data URL is accepted too).
    pub fn prepare_photo_b64(&mut self, b64: &str) -> DeskResult<PreparedPhoto> {
        self.desk.prepare_photo_b64(b64)
    }

    /// 登记.
    pub fn enrol_worker(&mut self, input: &WorkerInput) -> DeskResult<Worker> {
        self.desk.enrol_worker(self.user, input)
    }

    /// Enrol many workers in one transaction, all or nothing (a bulk load: the benchmark's
    /// seeding); their ids.
    pub fn enrol_workers(&mut self, inputs: &[WorkerInput]) -> DeskResult<Vec<String>> {
        self.desk.enrol_workers(self.user, inputs)
    }

    /// 信息更新; `reason` is required when the ID number changes.
    pub fn update_worker(&mut self, id: &str, input: &WorkerInput, reason: Option<&str>) -> DeskResult<Worker> {
        self.desk.update_worker(self.user, id, input, reason)
    }

    /// One worker's record.
    pub fn worker(&self, id: &str) -> DeskResult<Worker> {
        self.desk.worker(id)
    }

    /// One worker with the timeline.
    pub fn worker_detail(&self, id: &str) -> DeskResult<WorkerDetail> {
        self.desk.worker_detail(id)
    }

    /// Workers by part of the name, ID number, phone or certificate code.
    pub fn search_workers(&self, query: &str, status: Option<WorkerStatus>, limit: usize) -> DeskResult<SearchResult> {
        self.desk.search_workers(query, status, limit)
    }

    /// A worker's id from an id, a whole ID number or a unique match.
    pub fn resolve_worker(&self, key: &str) -> DeskResult<String> {
        self.desk.resolve_worker_key(key)
    }

    // ---- applying and the platform ----

    /// 申领 one worker.
    pub fn apply_worker(&mut self, id: &str) -> DeskResult<Worker> {
        self.desk.apply_worker(self.user, id)
    }

    /// 申领 every eligible worker.
    pub fn apply_all_eligible(&mut self) -> DeskResult<ApplyAllReport> {
        self.desk.apply_all_eligible(self.user)
    }

    /// What is pending, when the last sync succeeded, how old the trust list is.
    pub fn sync_status(&self) -> DeskResult<SyncStatus> {
        self.desk.sync_status()
    }

    /// Records the platform refused.
    pub fn sync_rejections(&self, include_dismissed: bool) -> DeskResult<Vec<SyncRejection>> {
        self.desk.sync_rejections(include_dismissed)
    }

    /// Hide a refusal the clerk has dealt with.
    pub fn dismiss_sync_rejection(&mut self, entry_id: &str) -> DeskResult<()> {
        self.desk.dismiss_sync_rejection(self.user, entry_id)
    }

    /// What the platform said about a worker.
    pub fn platform_view(&self, id: &str) -> DeskResult<PlatformView> {
        self.desk.platform_view(id)
    }

    /// 同步 now, as this user (the background job and `certdesk sync` use
    /// [`crate::sync_unattended`]).
    pub fn sync(&mut self, options: &SyncOptions) -> DeskResult<SyncReport> {
        crate::sync_unattended(self.desk, options)
    }

    // ---- training ----

    /// The agency's training settings (class hour, pass mark).
    pub fn training_settings(&self) -> DeskResult<TrainingSettings> {
        self.desk.training_settings()
    }

    /// Create a training class.
    pub fn create_class(&mut self, input: &ClassInput) -> DeskResult<TrainingClass> {
        self.desk.create_class(self.user, input)
    }

    /// Classes starting between `from` and `to`, newest first.
    pub fn list_classes(&self, from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>, limit: usize) -> DeskResult<Vec<TrainingClass>> {
        self.desk.list_classes(from, to, limit)
    }

    /// One class with its participants and supervision form.
    pub fn class_detail(&self, class_id: &str) -> DeskResult<ClassDetail> {
        self.desk.class_detail(class_id)
    }

    /// Put a worker (id or ID number) in a class.
    pub fn add_to_class(&mut self, class_id: &str, worker: &str) -> DeskResult<Participant> {
        self.desk.add_to_class(self.user, class_id, worker)
    }

    /// Take a worker out of a class (`confirmed` when hours are already recorded).
    pub fn remove_from_class(&mut self, class_id: &str, worker_id: &str, confirmed: bool) -> DeskResult<()> {
        self.desk.remove_from_class(self.user, class_id, worker_id, confirmed)
    }

    /// Record attendance in an offline class.
    pub fn record_attendance(&mut self, class_id: &str, worker_id: &str, input: &AttendanceInput) -> DeskResult<Participant> {
        self.desk.record_attendance(self.user, class_id, worker_id, input)
    }

    /// Record an exam score.
    pub fn record_exam(&mut self, input: &ExamInput) -> DeskResult<ExamResult> {
        self.desk.record_exam(self.user, input)
    }

    /// A worker's exam results.
    pub fn exam_results(&self, worker_id: &str) -> DeskResult<Vec<ExamResult>> {
        self.desk.exam_results(worker_id)
    }

    /// Record a worker's health check (体检), with its report file's bytes if any.
    pub fn record_health_check(&mut self, worker: &str, input: &HealthCheckInput, report: Option<&[u8]>) -> DeskResult<HealthCheck> {
        self.desk.record_health_check(self.user, worker, input, report)
    }

    /// The home screen's deadlines: health checks and insurance ending within 30 days or
    /// ended, cards to replace within 5 working days; the most pressing first.
    pub fn deadlines(&self) -> DeskResult<Vec<Deadline>> {
        self.desk.deadlines()
    }

    /// The home screen's records to be completed (待补全): workers lacking an address or an
    /// emergency contact, at most `limit`, oldest first.
    pub fn workers_to_complete(&self, limit: usize) -> DeskResult<Vec<WorkerToComplete>> {
        self.desk.workers_to_complete(limit)
    }

    /// [`Session::record_health_check`] with the report as the window sends it (base64).
    pub fn record_health_check_b64(&mut self, worker: &str, input: &HealthCheckInput, report_b64: Option<&str>) -> DeskResult<HealthCheck> {
        self.desk.record_health_check_b64(self.user, worker, input, report_b64)
    }

    /// A worker's health checks, newest first.
    pub fn health_checks(&self, worker: &str) -> DeskResult<Vec<HealthCheck>> {
        self.desk.health_checks(worker)
    }

    /// Record a worker's insurance policy (保险).
    pub fn record_insurance(&mut self, worker: &str, input: &InsuranceInput) -> DeskResult<InsurancePolicy> {
        self.desk.record_insurance(self.user, worker, input)
    }

    /// A worker's insurance policies, the latest cover first.
    pub fn insurance_policies(&self, worker: &str) -> DeskResult<Vec<InsurancePolicy>> {
        self.desk.insurance_policies(worker)
    }

    /// File an offline class's supervision form.
    pub fn file_supervision(&mut self, class_id: &str, input: &SupervisionInput) -> DeskResult<SupervisionForm> {
        self.desk.file_supervision(self.user, class_id, input)
    }

    /// Whether a worker may apply, and what is missing.
    pub fn worker_eligibility(&self, id: &str) -> DeskResult<Eligibility> {
        self.desk.worker_eligibility(id)
    }

    /// A worker's classes, exams and eligibility.
    pub fn worker_training(&self, id: &str) -> DeskResult<WorkerTraining> {
        self.desk.worker_training(id)
    }

    /// What importing this spreadsheet would do; writes nothing.
    pub fn preview_import(&self, bytes: &[u8], options: &ImportOptions) -> DeskResult<ImportReport> {
        self.desk.preview_import(bytes, options)
    }

    /// [`Session::preview_import`] of a file sent as base64.
    pub fn preview_import_b64(&self, b64: &str, options: &ImportOptions) -> DeskResult<ImportReport> {
        self.preview_import(&decode_file(b64)?, options)
    }

    /// Import workers from a spreadsheet in one transaction; `progress(done, total)`.
    pub fn import_workers(&mut self, bytes: &[u8], options: &ImportOptions, progress: &mut dyn FnMut(usize, usize)) -> DeskResult<ImportReport> {
        self.desk.import_workers(self.user, bytes, options, progress)
    }

    /// [`Session::import_workers`] of a file sent as base64.
    pub fn import_workers_b64(&mut self, b64: &str, options: &ImportOptions, progress: &mut dyn FnMut(usize, usize)) -> DeskResult<ImportReport> {
        let bytes = decode_file(b64)?;
        self.import_workers(&bytes, options, progress)
    }

    /// What importing the online platform's hours file into a class would do; writes nothing.
    pub fn preview_hours_import(&self, class_id: &str, bytes: &[u8], options: &HoursImportOptions) -> DeskResult<HoursImportReport> {
        self.desk.preview_hours_import(class_id, bytes, options)
    }

    /// [`Session::preview_hours_import`] of a file sent as base64.
    pub fn preview_hours_import_b64(&self, class_id: &str, b64: &str, options: &HoursImportOptions) -> DeskResult<HoursImportReport> {
        self.preview_hours_import(class_id, &decode_file(b64)?, options)
    }

    /// Import the online platform's hours into a class.
    pub fn import_hours(&mut self, class_id: &str, bytes: &[u8], options: &HoursImportOptions) -> DeskResult<HoursImportReport> {
        self.desk.import_hours(self.user, class_id, bytes, options)
    }

    /// [`Session::import_hours`] of a file sent as base64.
    pub fn import_hours_b64(&mut self, class_id: &str, b64: &str, options: &HoursImportOptions) -> DeskResult<HoursImportReport> {
        let bytes = decode_file(b64)?;
        self.import_hours(class_id, &bytes, options)
    }

    /// Save an import report as a spreadsheet.
    pub fn save_import_report(&self, report: &ImportReport, path: &Path) -> DeskResult<()> {
        certdesk_store::write_import_report(report, path)
    }

    /// What importing a health-check or insurance file would do; writes nothing.
    pub fn preview_cover_import(&self, kind: CoverKind, bytes: &[u8]) -> DeskResult<CoverImportReport> {
        self.desk.preview_cover_import(kind, bytes)
    }

    /// Import health checks or insurance policies from a spreadsheet in one transaction.
    pub fn import_cover(&mut self, kind: CoverKind, bytes: &[u8]) -> DeskResult<CoverImportReport> {
        self.desk.import_cover(self.user, kind, bytes)
    }

    /// [`Session::preview_cover_import`] of a file sent as base64.
    pub fn preview_cover_import_b64(&self, kind: CoverKind, b64: &str) -> DeskResult<CoverImportReport> {
        self.preview_cover_import(kind, &decode_file(b64)?)
    }

    /// [`Session::import_cover`] of a file sent as base64.
    pub fn import_cover_b64(&mut self, kind: CoverKind, b64: &str) -> DeskResult<CoverImportReport> {
        let bytes = decode_file(b64)?;
        self.import_cover(kind, &bytes)
    }

    /// Save a health-check or insurance import's report as a spreadsheet.
    pub fn save_cover_report(&self, report: &CoverImportReport, path: &Path) -> DeskResult<()> {
        certdesk_store::write_issues_report(&report.issues, path)
    }

    /// Save an hours-import report as a spreadsheet.
    pub fn save_hours_report(&self, report: &HoursImportReport, path: &Path) -> DeskResult<()> {
        certdesk_store::write_hours_report(report, path)
    }

    /// Reads the ID card on the desk's reader (二代证读卡器) at the port chosen in the settings
    /// (or `port`): the card's text fields to fill enrolment with, or why not (nothing filled).
    pub fn read_idcard(&self, port: Option<&str>) -> DeskResult<certdesk_idcard::CardText> {
        let port = match port {
            Some(p) => p.to_owned(),
            None => self.desk.idcard_port()?.ok_or_else(messages::idcard_port_missing)?,
        };
        certdesk_idcard::read_card_at(&port, self.desk.today()).map_err(|e| {
            let (zh, en) = e.sentence();
            tracing::warn!(error = ?e, "ID-card reader");
            messages::idcard_reader(zh, en)
        })
    }

    /// The ID-card reader's port, if chosen.
    pub fn idcard_port(&self) -> DeskResult<Option<String>> {
        self.desk.idcard_port()
    }

    /// Numbers at a glance over the last `months`.
    pub fn stats(&self, months: u32) -> DeskResult<DeskStats> {
        self.desk.stats(months)
    }

    // ---- cards ----

    /// The worker page's card panel.
    pub fn card_state(&self, worker_id: &str) -> DeskResult<CardState> {
        self.desk.card_state(worker_id)
    }

    /// The electronic card's activation code of the worker's current card, once handed over.
    pub fn card_activation(&self, worker_id: &str) -> DeskResult<CardActivation> {
        self.desk.handed_over_activation(worker_id)
    }

    /// 重新生成激活码: a new electronic-card code for the card handed over; the card panel
    /// after it.
    pub fn renew_card_activation(&mut self, worker_id: &str) -> DeskResult<CardState> {
        self.desk.renew_card_activation(self.user, worker_id)?;
        self.desk.card_state(worker_id)
    }

    /// Whether this worker's card would be a draft (样张).
    pub fn card_is_draft(&self, worker_id: &str) -> DeskResult<bool> {
        Ok(self.desk.card_record(worker_id)?.draft)
    }

    /// 打印预览 as PDF bytes, 样张 unless approved.
    pub fn card_preview(&self, worker_id: &str, layout: Layout) -> DeskResult<Vec<u8>> {
        certdesk_print::preview(self.desk, worker_id, layout)
    }

    /// The hand-over slip with the electronic card's activation code, as a PDF.
    pub fn activation_slip(&self, worker_id: &str) -> DeskResult<Vec<u8>> {
        certdesk_print::activation_slip(self.desk, worker_id)
    }

    /// Workers whose approved certificate has no printed card yet.
    pub fn approved_unprinted(&self) -> DeskResult<Vec<String>> {
        self.desk.approved_unprinted()
    }

    /// 制作: print `worker_ids`, or every approved certificate not yet printed when
    /// `worker_ids` is empty and `all_approved`; `progress(done, total)`.
    pub fn print_cards(
        &mut self,
        worker_ids: Vec<String>,
        all_approved: bool,
        layout: Layout,
        destination: &Destination,
        progress: &mut dyn FnMut(usize, usize),
    ) -> DeskResult<PrintOutcome> {
        let ids = if all_approved && worker_ids.is_empty() { self.desk.approved_unprinted()? } else { worker_ids };
        certdesk_print::print_cards(self.desk, self.user, &ids, layout, destination, progress)
    }

    /// 发放 on `issued_on` (today when `None`), optionally with the worker's drawn signature
    /// (PNG); the card panel after it.
    pub fn issue_card(&mut self, worker_id: &str, issued_on: Option<chrono::NaiveDate>, signature_png: Option<Vec<u8>>) -> DeskResult<CardState> {
        self.desk.issue_card(self.user, worker_id, issued_on, signature_png)?;
        self.desk.card_state(worker_id)
    }

    /// [`Session::issue_card`] as the window sends it: the date as typed (blank: today) and the
    /// signature as a PNG data URL or base64 (blank: none).
    pub fn issue_card_typed(&mut self, worker_id: &str, issued_on: Option<&str>, signature_png: Option<&str>) -> DeskResult<CardState> {
        let on = match issued_on.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(s.parse().map_err(|_| messages::issued_on_invalid(s))?),
            None => None,
        };
        let png = match signature_png.filter(|s| !s.is_empty()) {
            Some(s) => {
                let b64 = s.split_once("base64,").map(|(_, b)| b).unwrap_or(s);
                Some(base64::engine::general_purpose::STANDARD.decode(b64).map_err(|_| messages::signature_unreadable())?)
            }
            None => None,
        };
        self.issue_card(worker_id, on, png)
    }

    /// 挂失/补办; the card panel after it.
    pub fn report_card_loss(&mut self, worker_id: &str, kind: LossKind, note: &str) -> DeskResult<CardState> {
        self.desk.report_card_loss(self.user, worker_id, kind, note)?;
        self.desk.card_state(worker_id)
    }

    /// A printer's saved calibration.
    pub fn printer_calibration(&self, printer: &str) -> DeskResult<Calibration> {
        self.desk.printer_calibration(printer)
    }

    /// Save a printer's calibration; the calibration as stored.
    pub fn set_printer_calibration(&mut self, printer: &str, calibration: Calibration) -> DeskResult<Calibration> {
        self.desk.set_printer_calibration(self.user, printer, calibration)?;
        self.desk.printer_calibration(printer)
    }

    /// A calibration test page with `printer`'s saved calibration, saved as PDF at `path`.
    pub fn save_test_page(&self, printer: &str, layout: Layout, path: &Path) -> DeskResult<()> {
        let pdf = certdesk_print::test_page(self.desk, printer, layout)?;
        certdesk_print::write_atomically(path, &pdf)
    }

    /// 验证: a scanned card, checked offline.
    pub fn verify_scan(&self, scanned: &str) -> DeskResult<ScanReport> {
        self.desk.verify_scan(scanned)
    }

    /// Citizens' ratings and complaints about a worker.
    pub fn worker_feedback(&self, worker_id: &str) -> DeskResult<FeedbackSummary> {
        self.desk.worker_feedback(worker_id)
    }

    /// Complaints waiting for the agency's answer.
    pub fn open_complaints(&self) -> DeskResult<Vec<Feedback>> {
        self.desk.open_complaints()
    }

    /// Answer a complaint (by id or reference): what was done, on which day; the complaints
    /// waiting for an answer after it.
    pub fn answer_complaint(&mut self, id: &str, action: &str, done_on: &str) -> DeskResult<Vec<Feedback>> {
        self.desk.answer_complaint(self.user, id, action, done_on)?;
        self.desk.open_complaints()
    }
}

/// A [`Session`] whose user is a manager: the only way to a manager's action. Only
/// [`Session::as_manager`] (and [`crate::DeskApp::manager`] through it) makes one, after the role
/// check, so a clerk's call to a manager's action does not compile rather than relying on a line
/// each method must remember. Everything a clerk may do, a manager may do through it too.
pub struct ManagerSession<'s, 'a> {
    session: &'s mut Session<'a>,
}

impl<'a> std::ops::Deref for ManagerSession<'_, 'a> {
    type Target = Session<'a>;
    fn deref(&self) -> &Session<'a> {
        self.session
    }
}

impl<'a> std::ops::DerefMut for ManagerSession<'_, 'a> {
    fn deref_mut(&mut self) -> &mut Session<'a> {
        self.session
    }
}

impl ManagerSession<'_, '_> {
    /// Set or correct the agency profile (manager).
    pub fn set_agency(&mut self, agency: &Agency) -> DeskResult<Agency> {
        self.session.desk.set_agency(self.session.user, agency)
    }

    /// Every user of the desk (manager).
    pub fn list_users(&self) -> DeskResult<Vec<UserInfo>> {
        self.session.desk.list_users()
    }

    /// 备份: the whole desk, encrypted with `passphrase`, written to `out` (manager).
    pub fn create_backup(&mut self, out: &Path, passphrase: &str) -> DeskResult<crate::backup::BackupWritten> {
        let written = crate::backup::create(self.session.desk.data_dir(), out, passphrase)?;
        tracing::info!(bytes = written.bytes, "backup written");
        Ok(written)
    }

    /// The backup plan: folder, how many kept, the last backup (manager).
    pub fn backup_plan(&self) -> DeskResult<crate::backup::BackupPlan> {
        crate::backup::plan(self.session.desk)
    }

    /// Sets the backup folder and how many to keep, and, when given, the passphrase the
    /// automatic backups use (manager).
    pub fn set_backup_plan(&mut self, folder: &str, keep: u32, passphrase: Option<&str>) -> DeskResult<crate::backup::BackupPlan> {
        if let Some(p) = passphrase {
            crate::backup::keep_passphrase(self.session.desk.data_dir(), p)?;
        }
        self.session.desk.set_backup_settings(self.session.user, folder, keep)?;
        crate::backup::plan(self.session.desk)
    }

    /// 立即备份 into the plan's folder (manager).
    pub fn backup_now(&mut self) -> DeskResult<crate::backup::BackupWritten> {
        crate::backup::run_now(self.session.desk)
    }

    /// Set the window's idle time before it locks, in minutes (manager).
    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> DeskResult<u32> {
        self.session.desk.set_idle_lock_minutes(self.session.user, minutes)
    }

    /// Add a clerk or a manager (manager).
    pub fn add_user(&mut self, user: &NewUser) -> DeskResult<UserInfo> {
        self.session.desk.add_user(Some(self.session.user), user)
    }

    /// 停用 / 启用 a user, on every desk of the agency after the next sync (manager).
    pub fn set_user_disabled(&mut self, username: &str, disabled: bool) -> DeskResult<UserInfo> {
        self.session.desk.set_user_disabled(self.session.user, username, disabled)
    }

    /// 重置密码 of a user, on every desk of the agency after the next sync (manager).
    pub fn reset_password(&mut self, username: &str, password: &str) -> DeskResult<UserInfo> {
        self.session.desk.reset_password(self.session.user, username, password)
    }

    /// Enrol this desk with the central platform using a one-time code (manager). The
    /// enrolment is audited against this user. Empty optional fields count as absent; the
    /// device name defaults to 前台.
    pub fn enrol_device(&mut self, params: EnrolParams) -> DeskResult<Enrolment> {
        certdesk_sync::enrol_blocking(self.session.desk, Some(self.session.user), &normalised(params)).map_err(|e| e.to_desk_error())
    }

    /// Where the window's updater asks for newer releases (manager): the enrolled platform,
    /// trusted and authenticated as the sync is. Before enrolment: `not_enrolled`.
    pub fn update_source(&self) -> DeskResult<certdesk_sync::UpdateSource> {
        certdesk_sync::update_source(self.session.desk).map_err(|e| e.to_desk_error())
    }

    /// Change the training settings (manager).
    pub fn set_training_settings(&mut self, settings: &TrainingSettings) -> DeskResult<TrainingSettings> {
        self.session.desk.set_training_settings(self.session.user, settings)
    }

    /// 持证人员名册 to `path`: every listed worker's ID number and phone leave the desk, so
    /// only a manager may, and the export is audited (who, rows, filter, where).
    /// With `passphrase`, the file is sealed with it and opens only with it (`.age`, see
    /// [`crate::backup::export_roster_sealed`]).
    pub fn export_roster(&self, path: &Path, format: RosterFormat, filter: &RosterFilter, passphrase: Option<&str>) -> DeskResult<RosterExport> {
        match passphrase {
            Some(p) => crate::backup::export_roster_sealed(self.session.desk, self.session.user, path, format, filter, p),
            None => self.session.desk.export_roster(self.session.user, path, format, filter),
        }
    }

    /// 名册备案: files the roster for `[from, to]` (correcting `replaces`) with the platform and
    /// keeps its verified receipt (manager; syncs first).
    pub fn file_roster(&mut self, from: chrono::NaiveDate, to: chrono::NaiveDate, replaces: Option<&str>) -> DeskResult<KeptFiling> {
        certdesk_sync::file_roster_blocking(self.session.desk, self.session.user, (from, to), replaces, &SyncOptions::default())
            .map_err(|e| e.to_desk_error())
    }

    /// The roster filings kept here with their receipts, newest first; with `verify`, each
    /// receipt checked again offline (manager).
    pub fn roster_filings(&self, verify: bool) -> DeskResult<Vec<KeptFiling>> {
        self.session.desk.filings(verify)
    }

    /// Chooses the ID-card reader's port (manager).
    pub fn set_idcard_port(&self, port: &str) -> DeskResult<()> {
        self.session.desk.set_idcard_port(self.session.user, port)
    }

    /// The receipt of roster filing `number` as a one-page PDF, verified as it is printed
    /// (manager).
    pub fn roster_receipt_pdf(&self, number: &str) -> DeskResult<Vec<u8>> {
        certdesk_print::roster_receipt(self.session.desk, number)
    }

    /// The receipt of roster filing `number` printed as a PDF into `dir` (the window's export
    /// folder); its path (manager).
    pub fn roster_receipt_file(&self, number: &str, dir: &Path) -> DeskResult<String> {
        certdesk_print::roster_receipt_file(self.session.desk, number, dir)
    }

    /// 项目资金材料: the funding pack of `[from, to]` (the period's latest filing checked against
    /// the training records) written into `dir` as a PDF report and an .xlsx (manager; the
    /// export is audited). Nothing is written when it is refused.
    pub fn funding_pack(&self, from: chrono::NaiveDate, to: chrono::NaiveDate, dir: &Path) -> DeskResult<certdesk_print::PackFiles> {
        certdesk_print::funding_pack(self.session.desk, self.session.user, (from, to), dir)
    }

    /// 注销 (manager); the card panel after it.
    pub fn cancel_certificate(&mut self, worker_id: &str, reason: CancelReason, note: &str) -> DeskResult<CardState> {
        self.session.desk.cancel_certificate(self.session.user, worker_id, reason, note)?;
        self.session.desk.card_state(worker_id)
    }
}

/// The device name an enrolment uses when none is given.
pub const DEFAULT_DEVICE_NAME: &str = "前台";

/// What the clerk typed to enrol, with empty optional fields as absent and the device name
/// defaulting to [`DEFAULT_DEVICE_NAME`] with the computer's name: the agency's other desks
/// name the desk by it on what it wrote, so two desks should not share one.
pub(crate) fn normalised(params: EnrolParams) -> EnrolParams {
    EnrolParams {
        ca_pem: params.ca_pem.filter(|p| !p.trim().is_empty()),
        device_name: Some(params.device_name).filter(|n| !n.trim().is_empty()).unwrap_or_else(default_device_name),
        ..params
    }
}

/// [`DEFAULT_DEVICE_NAME`] with the computer's name when the system gives one (`前台（FRONT-PC）`).
fn default_device_name() -> String {
    let from_env = ["COMPUTERNAME", "HOSTNAME"].iter().find_map(|k| std::env::var(k).ok());
    let host = from_env.or_else(|| std::fs::read_to_string("/etc/hostname").ok());
    match host.map(|h| h.trim().chars().take(40).collect::<String>()).filter(|h| !h.is_empty()) {
        Some(h) => format!("{DEFAULT_DEVICE_NAME}（{h}）"),
        None => DEFAULT_DEVICE_NAME.into(),
    }
}

/// A chosen file's bytes sent as base64 (a data URL is accepted too). The size cap is the one
/// `read_import_file` applies to a path, checked before decoding.
fn decode_file(b64: &str) -> DeskResult<Vec<u8>> {
    let payload = b64.rsplit_once(',').map(|(_, p)| p).unwrap_or(b64).trim();
    if payload.len() as u64 > MAX_IMPORT_BYTES / 3 * 4 + 4 {
        return Err(messages::chosen_file_too_large(MAX_IMPORT_BYTES / 1024 / 1024));
    }
    base64::engine::general_purpose::STANDARD.decode(payload).map_err(|_| messages::chosen_file_unreadable())
}

#[cfg(test)]
mod device_name_tests {
    use super::*;

    #[test]
    fn an_enrolment_without_a_name_takes_the_computers_and_a_typed_one_stays() {
        let params = |name: &str| EnrolParams {
            platform_url: "https://p.example".into(),
            code: "C".into(),
            ca_pem: Some("  ".into()),
            device_name: name.into(),
            secret: certdesk_sync::SecretPreference::File,
        };
        let unnamed = normalised(params(" "));
        assert!(unnamed.device_name.starts_with(DEFAULT_DEVICE_NAME), "{}", unnamed.device_name);
        assert!(unnamed.ca_pem.is_none());
        assert_eq!(normalised(params("分店1号机")).device_name, "分店1号机");
    }
}
