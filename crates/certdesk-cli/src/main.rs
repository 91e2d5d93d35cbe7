//! `certdesk`: the desk from a terminal, through the same application layer as the window
//! (`certdesk-core`), for scripts, tests and the benchmark. Every command signs in and calls a
//! [`Session`] method, so "must be signed in" and the manager checks are the window's own; a
//! refusal exits non-zero with the same code and sentence the window shows. Only what the window
//! also does before sign-in (set-up, the agency's name, the first user) and the device's own
//! jobs (running the sync, checking the audit chain) go through a [`Lobby`]. Credentials come
//! from `--user`/`--password` or `CERTDESK_USER`/`CERTDESK_PASSWORD`, so it runs without
//! prompting.

mod bench;
mod bench_training;
mod card_cmd;
mod health_cmd;
mod messages;
mod sync_cmd;
mod training_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use certdesk_domain::WorkerStatus;
use certdesk_core::{Lobby, Session};
use certdesk_store::{Agency, Desk, DeskCode, DeskError, NewUser, Role, SessionUser, WorkerInput};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use serde::Serialize;

use crate::messages::report;

#[derive(Parser)]
#[command(name = "certdesk", version, about = "上门证工作台 certdesk: the agency front desk from a terminal")]
struct Cli {
    /// The data folder (default: the OS's app-data folder).
    #[arg(long, global = true, env = "CERTDESK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Messages in English instead of Chinese.
    #[arg(long, global = true, value_parser = ["zh", "en"], default_value = "zh")]
    lang: String,
    /// Sign in as this user.
    #[arg(long, global = true, env = "CERTDESK_USER")]
    user: Option<String>,
    /// The user's password.
    #[arg(long, global = true, env = "CERTDESK_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    #[command(subcommand)]
    command: Command,
}

/// `certdesk idcard ...`.
#[derive(Subcommand)]
enum IdcardCommand {
    /// Choose the reader's serial port (manager): /dev/ttyUSB0, COM3.
    Port {
        /// The port.
        port: String,
    },
    /// Read the card on the reader: the fields enrolment is filled with (the photo stays with
    /// the webcam or a file: the card's own format needs the vendor's decoder).
    Read {
        /// This port instead of the one in the settings.
        #[arg(long)]
        port: Option<String>,
    },
}

#[derive(Subcommand)]
enum Command {
    /// First start: the agency profile and the first manager at once.
    Setup {
        #[command(flatten)]
        agency: AgencyArgs,
        /// The manager's username.
        #[arg(long)]
        manager: String,
        /// The manager's display name.
        #[arg(long)]
        manager_name: String,
        /// The manager's password.
        #[arg(long, env = "CERTDESK_NEW_PASSWORD", hide_env_values = true)]
        manager_password: String,
    },
    /// First start of a new or replaced PC of an agency that already uses certdesk: the agency
    /// profile and the platform's one-time code; the agency's accounts, workers and training
    /// records are restored from the platform, then sign in with an existing account. Run it
    /// again after a dropped network: it goes on.
    Join {
        #[command(flatten)]
        agency: AgencyArgs,
        #[command(flatten)]
        platform: sync_cmd::PlatformArgs,
    },
    /// The agency profile (机构).
    #[command(subcommand)]
    Agency(AgencyCommand),
    /// Local users.
    #[command(subcommand)]
    User(UserCommand),
    /// Workers (家政从业人员).
    #[command(subcommand)]
    Worker(WorkerCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Benchmarks: print measured figures.
    Bench(bench::BenchArgs),
    /// This desk's enrolment with the central platform.
    #[command(subcommand)]
    Device(sync_cmd::DeviceCommand),
    /// Sync with the central platform: push what changed here, pull approvals and rejections.
    Sync(sync_cmd::SyncArgs),
    /// Import (导入) workers from a spreadsheet.
    #[command(subcommand)]
    Import(training_cmd::ImportCommand),
    /// The roster of certified staff (持证人员名册).
    #[command(subcommand)]
    Roster(training_cmd::RosterCommand),
    /// The second-generation ID-card reader (二代证读卡器).
    #[command(subcommand)]
    Idcard(IdcardCommand),
    /// Training classes (培训班): create, list, show, join, attendance.
    #[command(subcommand)]
    Class(training_cmd::ClassCommand),
    /// Exams (考试).
    #[command(subcommand)]
    Exam(training_cmd::ExamCommand),
    /// Supervision forms (培训督导单).
    #[command(subcommand)]
    Supervision(training_cmd::SupervisionCommand),
    /// Numbers at a glance: workers per stage, trainings and passes per month.
    Stats(training_cmd::StatsArgs),
    /// 到期提醒: health checks and insurance ending within 30 days or ended, lost cards to
    /// replace within 5 working days; the most pressing first.
    Deadlines,
    /// 待补全: workers enrolled without an address or emergency contact (an imported staff
    /// sheet), and what each lacks; they cannot apply until completed with `update`.
    ToComplete,
    /// Health checks (体检): record one (with its report file), list a worker's.
    #[command(subcommand)]
    Health(health_cmd::HealthCommand),
    /// Insurance (保险): record a policy, list a worker's.
    #[command(subcommand)]
    Insurance(health_cmd::InsuranceCommand),
    /// Certificate cards (证卡): print, hand over, lost or damaged, cancel, calibrate.
    #[command(subcommand)]
    Card(card_cmd::CardCommand),
    /// 验证: check a scanned card offline (`-` reads the scan from stdin). Exit 0 only when valid.
    Verify {
        /// The scanned QR content (the URL), or `-`.
        scan: String,
    },
    /// Citizens' ratings (评价) and complaints (投诉) from the platform.
    #[command(subcommand)]
    Feedback(card_cmd::FeedbackCommand),
    /// 导出诊断信息: bundle the desk's log, versions, data folder sizes and sync status (no
    /// personal data) into one zip for support.
    Diagnostics {
        /// The zip to write.
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// 备份与恢复: an encrypted copy of the whole desk, and putting one back.
    #[command(subcommand)]
    Backup(BackupCommand),
}

/// `certdesk backup ...`. The passphrase comes from `CERTDESK_BACKUP_PASSPHRASE`, or is asked for
/// at the terminal (never an argument: it would show in the process list).
#[derive(Subcommand)]
enum BackupCommand {
    /// Write a consistent, passphrase-encrypted backup of this desk (manager).
    Create {
        /// The backup file to write (e.g. on a USB drive).
        file: PathBuf,
    },
    /// Restore a backup into an empty data folder (`--data-dir`); nobody signs in.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
}

/// The backup passphrase: the environment's, else asked for (twice when making a backup).
fn backup_passphrase(confirm: bool) -> Result<String, DeskError> {
    passphrase(certdesk_core::backup::PASSPHRASE_ENV, confirm)
}

/// A passphrase (a backup's, a sealed export's): from `env` when set, else asked for (twice
/// with `confirm`).
fn passphrase(env: &str, confirm: bool) -> Result<String, DeskError> {
    if let Some(p) = std::env::var(env).ok().filter(|p| !p.is_empty()) {
        return Ok(p);
    }
    let missing = || certdesk_core::messages::backup_passphrase_missing(env);
    let first = rpassword::prompt_password(report::passphrase_prompt()).map_err(|_| missing())?;
    if confirm {
        let again = rpassword::prompt_password(report::passphrase_again()).map_err(|_| missing())?;
        if again != first {
            return Err(certdesk_core::messages::backup_passphrase_mismatch());
        }
    }
    Ok(first)
}

#[derive(Subcommand)]
enum AgencyCommand {
    /// Show the agency profile.
    Show,
    /// Set or correct the agency profile (manager).
    Set(AgencyArgs),
}

#[derive(Args)]
struct AgencyArgs {
    /// 机构名称.
    #[arg(long)]
    name: String,
    /// 统一社会信用代码.
    #[arg(long)]
    credit_code: String,
    /// District (区), e.g. 徐汇区.
    #[arg(long)]
    district: String,
    /// Office address.
    #[arg(long)]
    address: String,
    /// Contact phone.
    #[arg(long)]
    phone: String,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user (the first user of a fresh desk needs no sign-in and must be a manager).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// clerk or manager.
        #[arg(long, default_value = "clerk")]
        role: String,
        /// The new user's password.
        #[arg(long, env = "CERTDESK_NEW_PASSWORD", hide_env_values = true)]
        new_password: String,
    },
    /// List users (manager).
    List,
    /// Disable a user (停用): they can no longer sign in, here and on every desk of the agency
    /// after the next sync (manager).
    Disable { username: String },
    /// Enable a disabled user again (启用; manager).
    Enable { username: String },
    /// Give a user a new password (重置密码; manager); it reaches every desk of the agency.
    Password {
        username: String,
        /// The new password.
        #[arg(long, env = "CERTDESK_NEW_PASSWORD", hide_env_values = true)]
        new_password: String,
    },
}

/// A `--status` value: a status code (any case).
fn parse_status(s: &str) -> Result<WorkerStatus, String> {
    WorkerStatus::parse(s).ok_or_else(|| {
        let all: Vec<&str> = WorkerStatus::ALL.iter().map(|s| s.code()).collect();
        messages::report::status_invalid(s, &all)
    })
}

#[derive(Subcommand)]
enum WorkerCommand {
    /// Enrol a worker (登记).
    Add(WorkerArgs),
    /// List workers, newest first.
    List {
        /// Only this status (enrolled, in_training, eligible, applied, approved, printed, issued, cancelled, rejected).
        #[arg(long, value_parser = parse_status)]
        status: Option<WorkerStatus>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Show one worker with its timeline (by id or ID number).
    Show { worker: String },
    /// Find workers by part of the name, ID number (whole or last 4+), phone or certificate code.
    Search {
        query: String,
        #[arg(long, value_parser = parse_status)]
        status: Option<WorkerStatus>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Correct a worker's details (信息更新); unspecified fields keep their value.
    Update {
        /// The worker's id or ID number.
        worker: String,
        #[command(flatten)]
        fields: WorkerUpdateArgs,
        /// Why (required when the ID number changes).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Whether the worker may apply for a certificate, and what is missing (by id or ID number).
    Eligibility { worker: String },
    /// Apply to the platform for a certificate (申领): one worker, or every eligible one.
    Apply {
        /// The worker's id or ID number.
        #[arg(required_unless_present = "all_eligible", conflicts_with = "all_eligible")]
        worker: Option<String>,
        /// Every worker who is eligible (training and exam done).
        #[arg(long)]
        all_eligible: bool,
    },
}

#[derive(Args)]
struct WorkerArgs {
    /// 姓名.
    #[arg(long)]
    name: String,
    /// 身份证号.
    #[arg(long)]
    id_number: String,
    /// 手机号.
    #[arg(long)]
    phone: String,
    /// 住址.
    #[arg(long)]
    address: String,
    /// Service types, comma separated (保洁,育婴 or cleaning,infant_care).
    #[arg(long, value_delimiter = ',')]
    service_types: Vec<String>,
    /// 紧急联系人.
    #[arg(long)]
    emergency_name: String,
    /// 紧急联系人电话.
    #[arg(long)]
    emergency_phone: String,
    /// 征信授权书签署日期 YYYY-MM-DD (default: today).
    #[arg(long)]
    consent_date: Option<String>,
    /// 企业核实: the ID card was checked in person.
    #[arg(long)]
    agency_checked: bool,
    /// A JPEG or PNG photo.
    #[arg(long)]
    photo: Option<PathBuf>,
}

#[derive(Args)]
struct WorkerUpdateArgs {
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    id_number: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    address: Option<String>,
    #[arg(long, value_delimiter = ',')]
    service_types: Option<Vec<String>>,
    #[arg(long)]
    emergency_name: Option<String>,
    #[arg(long)]
    emergency_phone: Option<String>,
    #[arg(long)]
    consent_date: Option<String>,
    #[arg(long)]
    photo: Option<PathBuf>,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the audit hash chain.
    Verify,
}

/// What a command prints: JSON with `--json`, otherwise the text.
struct Out {
    json: bool,
}

impl Out {
    fn print<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            println!("{}", serde_json::to_string_pretty(value).expect("serialisable"));
        } else {
            println!("{}", text());
        }
    }
}

/// The subcommand path (`worker add`), as the log names a failed command.
fn command_name(matches: &clap::ArgMatches) -> String {
    let mut parts = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        parts.push(name);
        m = sub;
    }
    parts.join(" ")
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let en = cli.lang == "en";
    let json = cli.json;
    let command = command_name(&matches);
    match certdesk_core::logged(&command, run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&e).expect("serialisable"));
            }
            let message = if en { &e.message_en } else { &e.message_zh };
            eprintln!("{}{message}", messages::report::error_prefix(en));
            if let Some(detail) = &e.detail {
                eprintln!("  ({detail})");
            }
            ExitCode::from(if e.code == DeskCode::Internal { 1 } else { 2 })
        }
    }
}

/// The user `--user`/`--password` name, signed in.
fn sign_in(lobby: &Lobby<'_>, cli_user: &Option<String>, password: &Option<String>) -> Result<SessionUser, DeskError> {
    let (Some(u), Some(p)) = (cli_user, password) else {
        return Err(messages::sign_in_needed());
    };
    lobby.login(u, p)
}

fn read_photo(s: &mut Session<'_>, path: &std::path::Path) -> Result<String, DeskError> {
    let bytes = std::fs::read(path).map_err(|e| messages::photo_file(path, e))?;
    Ok(s.prepare_photo(&bytes)?.sha256)
}

/// Find a worker by id or by ID number.
fn resolve_worker(s: &Session<'_>, key: &str) -> Result<String, DeskError> {
    if s.worker(key).is_ok() {
        return Ok(key.to_string());
    }
    let found = s.search_workers(key, None, 2)?;
    match found.items.as_slice() {
        [one] if one.id_number.eq_ignore_ascii_case(key.trim()) => Ok(one.id.clone()),
        _ => Err(DeskError::not_found(certdesk_store::messages::records::worker())),
    }
}

fn agency_from(a: AgencyArgs) -> Agency {
    Agency { name: a.name, credit_code: a.credit_code, district: a.district, address: a.address, phone: a.phone, updated_at: String::new() }
}

fn run(cli: Cli) -> Result<(), DeskError> {
    let out = Out { json: cli.json };
    if let Command::Bench(args) = &cli.command {
        return bench::run(args).map_err(DeskError::internal);
    }
    let data_dir = certdesk_store::resolve_data_dir(cli.data_dir.as_deref());
    if let Command::Backup(BackupCommand::Restore { file }) = &cli.command {
        // Before any desk is opened: opening would make an empty desk in the folder.
        let passphrase = backup_passphrase(false)?;
        certdesk_core::backup::restore(file, &data_dir, &passphrase)?;
        out.print(&serde_json::json!({ "restored": file, "data_dir": data_dir }), || report::backup_restored(file, &data_dir));
        return Ok(());
    }
    certdesk_core::log::init(&data_dir, "certdesk", env!("CARGO_PKG_VERSION"));
    let mut desk = Desk::open(&data_dir)?;
    // What needs nobody signed in: set-up, the agency's name, the first user of a fresh desk,
    // the device's own sync and the audit chain's check.
    match cli.command {
        Command::Bench(_) => unreachable!("handled above"),
        Command::Setup { agency, manager, manager_name, manager_password } => {
            let user = Lobby::new(&mut desk).setup(
                &agency_from(agency),
                &NewUser { username: manager, display_name: manager_name, role: Role::Manager, password: manager_password },
            )?;
            out.print(&user, || report::set_up(user.display_name(), user.username()));
            Ok(())
        }
        Command::Join { agency, platform } => sync_cmd::join(&mut Lobby::new(&mut desk), &agency_from(agency), platform, &out),
        Command::Agency(AgencyCommand::Show) => {
            let a = Lobby::new(&mut desk).agency()?;
            out.print(&a, || report::agency(a.as_ref()));
            Ok(())
        }
        Command::User(UserCommand::Add { username, display_name, role, new_password }) if !Lobby::new(&mut desk).has_users()? => {
            let role = certdesk_store::parse_role(&role)?;
            let u = Lobby::new(&mut desk).add_first_user(&NewUser { username, display_name, role, password: new_password })?;
            out.print(&u, || report::user_added(&u));
            Ok(())
        }
        Command::Sync(args) if args.runs_the_sync() => sync_cmd::sync_run(&mut Lobby::new(&mut desk), args, &out),
        Command::Audit(AuditCommand::Verify) => {
            let n = Lobby::new(&mut desk).verify_audit_chain()?;
            out.print(&serde_json::json!({ "entries": n, "intact": true }), || report::audit_intact(n));
            Ok(())
        }
        command => {
            // Everything else as the signed-in user, through the calls the window makes.
            let user = sign_in(&Lobby::new(&mut desk), &cli.user, &cli.password)?;
            signed_in(&mut Session::new(&mut desk, &user), command, &out)
        }
    }
}

/// A command run as the signed-in user.
fn signed_in(s: &mut Session<'_>, command: Command, out: &Out) -> Result<(), DeskError> {
    match command {
        Command::Device(cmd) => sync_cmd::device(s, cmd, out)?,
        Command::Sync(args) => sync_cmd::sync(s, args, out)?,
        Command::Import(cmd) => training_cmd::import(s, cmd, out)?,
        Command::Roster(cmd) => training_cmd::roster(s, cmd, out)?,
        Command::Idcard(IdcardCommand::Port { port }) => {
            s.as_manager()?.set_idcard_port(&port)?;
            out.print(&port, || crate::messages::report::idcard_port_set(&port));
        }
        Command::Idcard(IdcardCommand::Read { port }) => {
            let card = s.read_idcard(port.as_deref())?;
            out.print(&card, || crate::messages::report::idcard(&card));
        }
        Command::Class(cmd) => training_cmd::class(s, cmd, out)?,
        Command::Exam(cmd) => training_cmd::exam(s, cmd, out)?,
        Command::Supervision(cmd) => training_cmd::supervision(s, cmd, out)?,
        Command::Deadlines => {
            let list = s.deadlines()?;
            out.print(&list, || report::deadlines(&list));
        }
        Command::ToComplete => {
            let list = s.workers_to_complete(usize::MAX)?;
            out.print(&list, || report::to_complete(&list));
        }
        Command::Health(cmd) => health_cmd::health(s, cmd, out)?,
        Command::Insurance(cmd) => health_cmd::insurance(s, cmd, out)?,
        Command::Card(cmd) => card_cmd::card(s, cmd, out)?,
        Command::Verify { scan } => card_cmd::verify(s, &scan, out)?,
        Command::Feedback(cmd) => card_cmd::feedback(s, cmd, out)?,
        Command::Stats(args) => training_cmd::stats(s, args, out)?,
        Command::Agency(AgencyCommand::Set(args)) => {
            let a = s.as_manager()?.set_agency(&agency_from(args))?;
            out.print(&a, || report::agency_saved(&a));
        }
        Command::User(UserCommand::Add { username, display_name, role, new_password }) => {
            let role = certdesk_store::parse_role(&role)?;
            let u = s.as_manager()?.add_user(&NewUser { username, display_name, role, password: new_password })?;
            out.print(&u, || report::user_added(&u));
        }
        Command::User(UserCommand::List) => {
            let users = s.as_manager()?.list_users()?;
            out.print(&users, || report::users(&users));
        }
        Command::User(UserCommand::Disable { username }) => {
            let u = s.as_manager()?.set_user_disabled(&username, true)?;
            out.print(&u, || report::user_changed(&u));
        }
        Command::User(UserCommand::Enable { username }) => {
            let u = s.as_manager()?.set_user_disabled(&username, false)?;
            out.print(&u, || report::user_changed(&u));
        }
        Command::User(UserCommand::Password { username, new_password }) => {
            let u = s.as_manager()?.reset_password(&username, &new_password)?;
            out.print(&u, || report::password_reset(&u));
        }
        Command::Worker(cmd) => worker_command(s, cmd, out)?,
        Command::Diagnostics { output } => {
            let program = certdesk_core::diagnostics::Program { name: "certdesk", version: env!("CARGO_PKG_VERSION") };
            let entries = s.export_diagnostics(program, &output)?;
            out.print(&serde_json::json!({ "path": output, "entries": entries }), || report::diagnostics_written(&output, &entries));
        }
        Command::Backup(BackupCommand::Create { file }) => {
            let passphrase = backup_passphrase(true)?;
            let written = s.as_manager()?.create_backup(&file, &passphrase)?;
            out.print(&written, || report::backup_written(&written.path, written.bytes));
        }
        Command::Bench(_) | Command::Setup { .. } | Command::Join { .. } | Command::Agency(AgencyCommand::Show) | Command::Audit(_) | Command::Backup(BackupCommand::Restore { .. }) => {
            unreachable!("run before sign-in")
        }
    }
    Ok(())
}

fn worker_command(s: &mut Session<'_>, cmd: WorkerCommand, out: &Out) -> Result<(), DeskError> {
    match cmd {
        WorkerCommand::Add(a) => {
            let photo_sha256 = match &a.photo {
                Some(p) => Some(read_photo(s, p)?),
                None => None,
            };
            let input = WorkerInput {
                form: certdesk_domain::WorkerInput {
                    name: a.name,
                    id_number: a.id_number,
                    phone: a.phone,
                    address: a.address,
                    service_types: a.service_types,
                    emergency_contact_name: a.emergency_name,
                    emergency_contact_phone: a.emergency_phone,
                    consent_date: Some(a.consent_date.unwrap_or_else(|| s.today().to_string())),
                    agency_check_done: a.agency_checked,
                },
                photo_sha256,
            };
            let w = s.enrol_worker(&input)?;
            out.print(&w, || report::enrolled_worker(&w));
        }
        WorkerCommand::List { status, limit } => {
            let r = s.search_workers("", status, limit)?;
            out.print(&r, || report::worker_list(&r.items, r.total));
        }
        WorkerCommand::Search { query, status, limit } => {
            let r = s.search_workers(&query, status, limit)?;
            out.print(&r, || report::worker_list(&r.items, r.total));
        }
        WorkerCommand::Show { worker } => {
            let id = resolve_worker(s, &worker)?;
            let d = s.worker_detail(&id)?;
            out.print(&d, || report::worker_detail(&d));
        }
        WorkerCommand::Apply { worker, all_eligible } => sync_cmd::apply(s, worker, all_eligible, out)?,
        WorkerCommand::Eligibility { worker } => training_cmd::eligibility(s, &worker, out)?,
        WorkerCommand::Update { worker, fields: f, reason } => {
            let id = resolve_worker(s, &worker)?;
            let w = s.worker(&id)?;
            let photo_sha256 = match &f.photo {
                Some(p) => Some(read_photo(s, p)?),
                None => w.photo_sha256.clone(),
            };
            let input = WorkerInput {
                form: certdesk_domain::WorkerInput {
                    name: f.name.unwrap_or(w.name),
                    id_number: f.id_number.unwrap_or(w.id_number),
                    phone: f.phone.unwrap_or(w.phone),
                    address: f.address.unwrap_or(w.address),
                    service_types: f.service_types.unwrap_or_else(|| w.service_types.iter().map(|t| t.code().to_string()).collect()),
                    emergency_contact_name: f.emergency_name.unwrap_or(w.emergency_contact_name),
                    emergency_contact_phone: f.emergency_phone.unwrap_or(w.emergency_contact_phone),
                    consent_date: Some(f.consent_date.unwrap_or(w.consent_date)),
                    agency_check_done: w.agency_check_done,
                },
                photo_sha256,
            };
            let w = s.update_worker(&id, &input, reason.as_deref())?;
            out.print(&w, || report::worker_updated(&w));
        }
    }
    Ok(())
}
