//! `certdesk device enrol`, `certdesk sync [status]`, `certdesk sync rejections` and
//! `certdesk worker apply`: the sync engine (`certdesk-sync`) from a terminal.
//!
//! Thin adapters: read the arguments, make one `certdesk-core` call, print. Running the sync is
//! the device's own job and needs nobody signed in (as the window's background job); its status,
//! the refusals and applying need a signed-in user, enrolment a manager, as in the window. The
//! device secret is never printed; only where it was kept (keyring or file).

use std::path::PathBuf;

use certdesk_core::{Lobby, Session};
use certdesk_store::DeskError;
use certdesk_sync::{EnrolParams, ProgressSink, SecretPreference, SyncOptions};
use clap::{Args, Subcommand};

use crate::messages::report;
use crate::Out;

/// `certdesk device ...`.
#[derive(Subcommand)]
pub enum DeviceCommand {
    /// Enrol this desk with the central platform using a one-time code (manager).
    Enrol {
        #[command(flatten)]
        platform: PlatformArgs,
    },
}

/// Where and how a desk enrols.
#[derive(Args)]
pub struct PlatformArgs {
    /// The platform's address, e.g. https://127.0.0.1:8443.
    #[arg(long)]
    platform: String,
    /// The one-time enrolment code the platform gave the agency.
    #[arg(long)]
    code: String,
    /// The platform's CA certificate (PEM); default: the system's trusted roots.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// A name the platform's operators will recognise.
    #[arg(long, default_value = "前台工作台")]
    device_name: String,
    /// Where to keep the device secret: auto (the OS keyring, else a 0600 file) or file.
    #[arg(long, value_parser = ["auto", "file"], default_value = "auto", env = "CERTDESK_SECRET_STORE")]
    secret_store: String,
}

impl PlatformArgs {
    /// The enrolment's parameters, the CA read from its file.
    fn params(self) -> Result<EnrolParams, DeskError> {
        let ca_pem = match &self.ca {
            Some(path) => Some(std::fs::read_to_string(path).map_err(|e| crate::messages::platform_ca_unreadable(path, e))?),
            None => None,
        };
        Ok(EnrolParams {
            platform_url: self.platform,
            code: self.code,
            ca_pem,
            device_name: self.device_name,
            secret: if self.secret_store == "file" { SecretPreference::File } else { SecretPreference::Auto },
        })
    }
}

/// `certdesk join`: a new or replaced PC joins its agency and restores its records.
pub fn join(lobby: &mut Lobby<'_>, agency: &certdesk_store::Agency, platform: PlatformArgs, out: &Out) -> Result<(), DeskError> {
    let done = lobby.join_agency(agency, platform.params()?, &told(out, SyncOptions::default()));
    end_progress(out);
    let done = done?;
    out.print(&done, || report::joined_agency(&done));
    Ok(())
}

/// `certdesk sync [status|rejections]`.
#[derive(Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    command: Option<SyncCommand>,
    /// Outbox entries per push.
    #[arg(long, default_value_t = 200)]
    batch_size: usize,
}

#[derive(Subcommand)]
enum SyncCommand {
    /// What is pending, when the last sync succeeded, how old the trust list is.
    Status,
    /// Records the platform refused, with its reasons.
    Rejections {
        /// Include the ones already dismissed.
        #[arg(long)]
        all: bool,
    },
}

/// `certdesk device enrol`.
pub fn device(s: &mut Session<'_>, cmd: DeviceCommand, out: &Out) -> Result<(), DeskError> {
    let DeviceCommand::Enrol { platform } = cmd;
    let done = s.as_manager()?.enrol_device(platform.params()?)?;
    out.print(&done, || report::enrolled(&done));
    Ok(())
}

impl SyncArgs {
    /// Whether this runs the sync (the device's own job, nobody signed in) rather than reading
    /// its status or refusals (a signed-in user's).
    pub fn runs_the_sync(&self) -> bool {
        self.command.is_none()
    }
}

/// `certdesk sync`: push, pull, print the counts.
pub fn sync_run(lobby: &mut Lobby<'_>, args: SyncArgs, out: &Out) -> Result<(), DeskError> {
    let opts = told(out, SyncOptions { batch_size: args.batch_size, ..SyncOptions::default() });
    let r = lobby.sync_unattended(&opts);
    end_progress(out);
    print_report(&r?, out);
    Ok(())
}

/// `opts` telling the terminal where a long sync stands (one line, rewritten after each batch
/// and page; not with `--json`, whose output is the report alone).
fn told(out: &Out, opts: SyncOptions) -> SyncOptions {
    if out.json {
        return opts;
    }
    SyncOptions { progress: Some(ProgressSink::new(|p| eprint!("{}", report::syncing(p)))), ..opts }
}

/// Ends the progress line [`told`] wrote.
fn end_progress(out: &Out) {
    if !out.json {
        eprintln!();
    }
}

fn print_report(r: &certdesk_sync::SyncReport, out: &Out) {
    out.print(r, || report::sync_report(r));
}

/// `certdesk sync status`, `certdesk sync rejections` (and `certdesk sync` run as the user).
pub fn sync(s: &mut Session<'_>, args: SyncArgs, out: &Out) -> Result<(), DeskError> {
    match args.command {
        None => {
            let opts = told(out, SyncOptions { batch_size: args.batch_size, ..SyncOptions::default() });
            let r = s.sync(&opts);
            end_progress(out);
            print_report(&r?, out);
        }
        Some(SyncCommand::Status) => {
            let s = s.sync_status()?;
            out.print(&s, || report::sync_status(&s));
        }
        Some(SyncCommand::Rejections { all }) => {
            let list = s.sync_rejections(all)?;
            out.print(&list, || report::sync_rejections(&list));
        }
    }
    Ok(())
}

/// `certdesk worker apply ID | --all-eligible`.
pub fn apply(
    s: &mut Session<'_>,
    worker: Option<String>,
    all_eligible: bool,
    out: &Out,
) -> Result<(), DeskError> {
    match (worker, all_eligible) {
        (Some(key), false) => {
            let id = crate::resolve_worker(s, &key)?;
            let w = s.apply_worker(&id)?;
            out.print(&w, || report::applied(&w));
        }
        (None, true) => {
            let r = s.apply_all_eligible()?;
            out.print(&r, || report::applied_all(&r));
        }
        _ => {
            return Err(crate::messages::apply_usage())
        }
    }
    Ok(())
}
