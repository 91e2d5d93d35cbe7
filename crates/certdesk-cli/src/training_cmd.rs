//! `certdesk import workers`, `certdesk roster export`, `certdesk class ...`, `certdesk exam
//! record`, `certdesk supervision add`, `certdesk stats` and `certdesk worker eligibility`: issue
//! 3's desk operations from a terminal.
//!
//! Thin adapters: read the arguments, call one `Desk` method, print text or `--json`. No rule
//! lives here; a refused change exits non-zero with the same sentence the window shows.

use std::path::PathBuf;

use certdesk_domain::training::{ClassInput, SupervisionInput};
use certdesk_core::Session;
use certdesk_store::{
    read_import_file, AttendanceInput, CoverKind, DeskError, ExamInput, HoursImportOptions, ImportOptions, RosterFilter, RosterFormat,
};
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::messages::report;
use crate::Out;

/// `certdesk import ...`.
#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import workers from an .xlsx or .csv (UTF-8 or GBK) file: every valid new row in one
    /// transaction; rows already enrolled are skipped; invalid rows are reported.
    Workers {
        /// The spreadsheet.
        file: PathBuf,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The consent (征信授权书) date for rows without one (YYYY-MM-DD).
        #[arg(long)]
        consent_date: Option<String>,
        /// Confirm that the agency checked every worker's ID card in person (企业核实) for rows
        /// without an agency-check value.
        #[arg(long)]
        agency_checked: bool,
        /// Save the per-row report as .xlsx or .csv (by the extension).
        #[arg(long)]
        report: Option<PathBuf>,
        /// Rows to show in the preview.
        #[arg(long, default_value_t = 10)]
        preview: usize,
    },
    /// Import health checks (体检) from an .xlsx or .csv file: 身份证号, 体检日期, 体检机构,
    /// 体检类别, 体检结论 and optionally 姓名 and 有效期至; every valid new row in one
    /// transaction, records already held skipped, invalid rows reported.
    Health {
        /// The spreadsheet.
        file: PathBuf,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Save the per-row report as .xlsx or .csv (by the extension).
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Import insurance policies (保险): 身份证号, 保险公司, 保单号, 险种, 保险起期, 保险止期 and
    /// optionally 姓名; as `import health`.
    Insurance {
        /// The spreadsheet.
        file: PathBuf,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Save the per-row report as .xlsx or .csv (by the extension).
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

/// `certdesk roster ...`.
#[derive(Subcommand)]
pub enum RosterCommand {
    /// Export the roster of certified staff (持证人员名册).
    Export {
        /// xlsx or csv.
        #[arg(long, default_value = "xlsx")]
        format: String,
        /// The file to write.
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// Statuses to include (repeat or comma separate; "all" for every worker). Default:
        /// the certified ones (approved, printed, issued).
        #[arg(long, value_delimiter = ',')]
        status: Vec<String>,
        /// Latest exam on or after this date (YYYY-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Latest exam on or before this date (YYYY-MM-DD).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Seal the file with a passphrase (age; `.age` is added to its name): it then opens
        /// only with the passphrase (`age -d`). The passphrase comes from
        /// CERTDESK_EXPORT_PASSPHRASE, or is asked for twice.
        #[arg(long)]
        encrypt: bool,
    },
    /// File the roster for a period with the platform (名册备案, manager): syncs first, sends
    /// every certified worker whose latest exam is in the period, keeps the signed receipt.
    File {
        /// First day of the period (YYYY-MM-DD).
        #[arg(long)]
        from: NaiveDate,
        /// Last day of the period (YYYY-MM-DD), not after today.
        #[arg(long)]
        to: NaiveDate,
        /// The filing number this filing corrects (更正).
        #[arg(long)]
        replaces: Option<String>,
    },
    /// Print a filing's receipt to a PDF (manager): what the platform signed, verified again.
    Receipt {
        /// The filing number (备案号), e.g. BA2026-000001.
        number: String,
        /// The PDF to write.
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Write the funding pack of a period (项目资金材料, manager): the period's latest filing
    /// checked against the training records, as {number}.pack.pdf and {number}.pack.xlsx.
    Pack {
        /// First day of the filed period (YYYY-MM-DD).
        #[arg(long)]
        from: NaiveDate,
        /// Last day of the filed period (YYYY-MM-DD).
        #[arg(long)]
        to: NaiveDate,
        /// The folder to write the two files into (made if missing).
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// The filings kept here with their receipts (manager).
    Receipts {
        /// Check every receipt's signature against the synced trust list, offline; exits
        /// non-zero when one does not verify.
        #[arg(long)]
        verify: bool,
    },
}

/// `certdesk class ...`.
#[derive(Subcommand)]
pub enum ClassCommand {
    /// Create a training class (培训班).
    Add {
        #[arg(long)]
        title: String,
        /// offline (线下) or online (线上).
        #[arg(long)]
        mode: String,
        /// Start, "YYYY-MM-DD HH:MM".
        #[arg(long)]
        starts_at: String,
        /// End, "YYYY-MM-DD HH:MM".
        #[arg(long)]
        ends_at: String,
        /// Place (offline classes).
        #[arg(long, default_value = "")]
        place: String,
        #[arg(long)]
        trainer: String,
        /// Class hours (multiples of 0.5).
        #[arg(long)]
        hours: f64,
    },
    /// List classes, newest first.
    List {
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Show a class with its participants and supervision form.
    Show { class: String },
    /// Add workers to a class by id or ID number (scanned or typed).
    Join {
        class: String,
        /// Worker ids or ID numbers.
        #[arg(required = true)]
        workers: Vec<String>,
    },
    /// Record attendance (offline) or hours completed (online) for one worker.
    Attend {
        class: String,
        /// The worker's id or ID number.
        worker: String,
        /// present, late, left_early, absent (or 出勤, 迟到, 早退, 缺勤).
        #[arg(long)]
        attendance: Option<String>,
        /// Sign-in time, HH:MM or "YYYY-MM-DD HH:MM".
        #[arg(long)]
        sign_in: Option<String>,
        /// Sign-out time.
        #[arg(long)]
        sign_out: Option<String>,
        /// Online classes: hours completed.
        #[arg(long)]
        hours: Option<f64>,
    },
    /// Import an online class's hours from the online training platform's export (.xlsx or
    /// .csv, UTF-8 or GBK; columns 身份证号 and 学习时长 / 完成学时 / 时长(分钟), 姓名 optional):
    /// every good row in one transaction; re-importing the same file changes nothing.
    ImportHours {
        /// The online class's id.
        class: String,
        /// The platform's spreadsheet.
        file: PathBuf,
        /// Check and report only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Add enrolled workers who are not in the class yet (otherwise their rows are skipped).
        #[arg(long)]
        add_missing: bool,
        /// Save the per-row report as .xlsx or .csv (by the extension).
        #[arg(long)]
        report: Option<PathBuf>,
        /// Rows to show in the preview.
        #[arg(long, default_value_t = 10)]
        preview: usize,
    },
}

/// `certdesk exam ...`.
#[derive(Subcommand)]
pub enum ExamCommand {
    /// Record an exam attempt (the worker's next attempt number).
    Record {
        /// The worker's id or ID number.
        worker: String,
        /// 0 to 100.
        #[arg(long)]
        score: String,
        /// YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
        /// The class session it was sat in.
        #[arg(long)]
        class: Option<String>,
    },
    /// List a worker's attempts.
    List { worker: String },
}

/// `certdesk supervision ...`.
#[derive(Subcommand)]
pub enum SupervisionCommand {
    /// File (or correct) the supervision form (培训督导单) of an offline class.
    Add {
        class: String,
        #[arg(long)]
        supervisor: String,
        /// on_site (现场) or video (视频).
        #[arg(long)]
        method: String,
        /// "YYYY-MM-DD HH:MM".
        #[arg(long)]
        at: String,
        #[arg(long)]
        place: String,
        /// Participants present.
        #[arg(long)]
        present: u32,
        /// Participants whose identity was checked.
        #[arg(long)]
        identity_checked: u32,
        #[arg(long)]
        trainer: String,
        #[arg(long, default_value = "")]
        remarks: String,
    },
}

/// `certdesk stats`.
#[derive(Args)]
pub struct StatsArgs {
    /// Months of the chart, ending with this one.
    #[arg(long, default_value_t = 12)]
    months: u32,
}

/// `certdesk import ...`.
pub fn import(s: &mut Session<'_>, cmd: ImportCommand, out: &Out) -> Result<(), DeskError> {
    let (kind, file, dry_run, report) = match cmd {
        ImportCommand::Workers { file, dry_run, consent_date, agency_checked, report, preview } => {
            return import_workers(s, (file, dry_run, report), ImportOptions { consent_date, agency_checked, preview_rows: preview }, out)
        }
        ImportCommand::Health { file, dry_run, report } => (CoverKind::Health, file, dry_run, report),
        ImportCommand::Insurance { file, dry_run, report } => (CoverKind::Insurance, file, dry_run, report),
    };
    let bytes = read_import_file(&file)?;
    let result = if dry_run { s.preview_cover_import(kind, &bytes) } else { s.import_cover(kind, &bytes) }?;
    if let Some(path) = &report {
        s.save_cover_report(&result, path)?;
    }
    out.print(&result, || report::cover_import_report(&result, report.as_deref()));
    Ok(())
}

fn import_workers(s: &mut Session<'_>, (file, dry_run, report): (PathBuf, bool, Option<PathBuf>), options: ImportOptions, out: &Out) -> Result<(), DeskError> {
    let bytes = read_import_file(&file)?;
    let result = if dry_run {
        s.preview_import(&bytes, &options)
    } else {
        let mut last = 0;
        let r = s.import_workers(&bytes, &options, &mut |done, total| {
            if !out.json && (done == total || done - last >= 1000) {
                last = done;
                eprint!("{}", report::importing(done, total));
            }
        });
        if !out.json {
            eprintln!();
        }
        r
    }?;
    if let Some(path) = &report {
        s.save_import_report(&result, path)?;
    }
    out.print(&result, || report::import_report(&result, report.as_deref()));
    Ok(())
}

/// `certdesk roster ...`.
/// Where `certdesk roster export --encrypt` takes its passphrase from, when set.
pub const EXPORT_PASSPHRASE_ENV: &str = "CERTDESK_EXPORT_PASSPHRASE";

pub fn roster(s: &mut Session<'_>, cmd: RosterCommand, out: &Out) -> Result<(), DeskError> {
    match cmd {
        RosterCommand::Export { format, output, status, from, to, encrypt } => {
            let format = RosterFormat::parse(&format)?;
            let passphrase = if encrypt { Some(crate::passphrase(EXPORT_PASSPHRASE_ENV, true)?) } else { None };
            let e = s.as_manager()?.export_roster(&output, format, &RosterFilter::typed(&status, from, to)?, passphrase.as_deref())?;
            out.print(&e, || report::roster_exported(&e));
        }
        RosterCommand::File { from, to, replaces } => {
            let f = s.as_manager()?.file_roster(from, to, replaces.as_deref())?;
            out.print(&f, || report::roster_filing(&f));
        }
        RosterCommand::Receipt { number, output } => {
            certdesk_print::write_atomically(&output, &s.as_manager()?.roster_receipt_pdf(&number)?)?;
            out.print(&output.display().to_string(), || report::receipt_written(&number, &output));
        }
        RosterCommand::Pack { from, to, output } => {
            let files = s.as_manager()?.funding_pack(from, to, &output)?;
            out.print(&files, || report::funding_pack_written(&files));
        }
        RosterCommand::Receipts { verify } => {
            let list = s.as_manager()?.roster_filings(verify)?;
            let bad = list.iter().find_map(|f| f.problem);
            // `--json` prints one document: the refusal alone when a receipt fails (the list
            // would be a second document before it); the terminal shows the list, then why.
            if let (Some(bad), true) = (bad, out.json) {
                return Err(certdesk_store::messages::receipt_invalid(bad));
            }
            out.print(&list, || {
                let mut lines: Vec<String> = list.iter().map(report::roster_filing).collect();
                if verify {
                    lines.push(report::receipts_verified(&list));
                }
                lines.join("\n")
            });
            if let Some(bad) = bad {
                return Err(certdesk_store::messages::receipt_invalid(bad));
            }
        }
    }
    Ok(())
}

/// `certdesk class ...`.
pub fn class(s: &mut Session<'_>, cmd: ClassCommand, out: &Out) -> Result<(), DeskError> {
    match cmd {
        ClassCommand::Add { title, mode, starts_at, ends_at, place, trainer, hours } => {
            let c = s.create_class(&ClassInput { title, mode, starts_at, ends_at, place, trainer, class_hours: hours })?;
            out.print(&c, || report::class_created(&c));
        }
        ClassCommand::List { from, to, limit } => {
            let list = s.list_classes(from, to, limit)?;
            out.print(&list, || list.iter().map(report::class_line).collect::<Vec<_>>().join("\n"));
        }
        ClassCommand::Show { class } => {
            let d = s.class_detail(&class)?;
            out.print(&d, || report::class_detail(&d));
        }
        ClassCommand::Join { class, workers } => {
            let mut added = Vec::new();
            for w in workers {
                added.push(s.add_to_class(&class, &w)?);
            }
            out.print(&added, || report::joined(&added));
        }
        ClassCommand::Attend { class, worker, attendance, sign_in, sign_out, hours } => {
            let worker_id = s.resolve_worker(&worker)?;
            let p = s.record_attendance(
                &class,
                &worker_id,
                &AttendanceInput { attendance, sign_in, sign_out, hours_completed: hours },
            )?;
            out.print(&p, || report::attended(&p));
        }
        ClassCommand::ImportHours { class, file, dry_run, add_missing, report, preview } => {
            import_hours(s, &class, &file, &HoursImportOptions { add_missing, preview_rows: preview }, dry_run, report.as_deref(), out)?;
        }
    }
    Ok(())
}

/// `certdesk class import-hours`.
#[allow(clippy::too_many_arguments)]
fn import_hours(
    s: &mut Session<'_>,
    class: &str,
    file: &std::path::Path,
    options: &HoursImportOptions,
    dry_run: bool,
    report: Option<&std::path::Path>,
    out: &Out,
) -> Result<(), DeskError> {
    let bytes = read_import_file(file)?;
    let r = if dry_run { s.preview_hours_import(class, &bytes, options)? } else { s.import_hours(class, &bytes, options)? };
    if let Some(path) = report {
        s.save_hours_report(&r, path)?;
    }
    out.print(&r, || report::hours_import_report(&r, options.add_missing, report));
    Ok(())
}

/// `certdesk exam ...`.
pub fn exam(s: &mut Session<'_>, cmd: ExamCommand, out: &Out) -> Result<(), DeskError> {
    match cmd {
        ExamCommand::Record { worker, score, date, class } => {
            let r = s.record_exam(&ExamInput { worker, score, exam_date: date, class_id: class })?;
            out.print(&r, || report::exam_recorded(&r));
        }
        ExamCommand::List { worker } => {
            let id = s.resolve_worker(&worker)?;
            let list = s.exam_results(&id)?;
            out.print(&list, || report::exams(&list));
        }
    }
    Ok(())
}

/// `certdesk supervision add`.
pub fn supervision(s: &mut Session<'_>, cmd: SupervisionCommand, out: &Out) -> Result<(), DeskError> {
    let SupervisionCommand::Add { class, supervisor, method, at, place, present, identity_checked, trainer, remarks } = cmd;
    let f = s.file_supervision(
        &class,
        &SupervisionInput {
            supervisor_name: supervisor,
            method,
            supervised_at: at,
            place,
            participants_present: present,
            identity_checked,
            trainer,
            remarks,
        },
    )?;
    out.print(&f, || report::supervision_saved(&f));
    Ok(())
}

/// `certdesk stats`.
pub fn stats(s: &Session<'_>, args: StatsArgs, out: &Out) -> Result<(), DeskError> {
    let s = s.stats(args.months)?;
    out.print(&s, || report::stats(&s));
    Ok(())
}

/// `certdesk worker eligibility`.
pub fn eligibility(s: &Session<'_>, worker: &str, out: &Out) -> Result<(), DeskError> {
    let id = s.resolve_worker(worker)?;
    let t = s.worker_training(&id)?;
    out.print(&t, || report::eligibility(&t));
    Ok(())
}
