//! `certdesk health ...` (体检) and `certdesk insurance ...` (保险): record and list a worker's.
//! The rules and their sentences are the domain's; this module only reads the arguments and
//! the report file (at most one byte over the limit, so a huge file is refused without being
//! read whole).

use std::io::Read;
use std::path::{Path, PathBuf};

use certdesk_core::Session;
use certdesk_domain::health::{HealthCheckInput, InsuranceInput, MAX_REPORT_BYTES};
use certdesk_store::DeskError;
use clap::Subcommand;

use crate::messages::report;
use crate::Out;

/// `certdesk health ...`.
#[derive(Subcommand)]
pub enum HealthCommand {
    /// Record a health check (体检); valid one year from its date unless --valid-until says.
    Add {
        /// The worker's id or ID number.
        #[arg(long)]
        worker: String,
        /// 体检日期, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// 体检机构.
        #[arg(long)]
        institution: String,
        /// 一般, 居家, 养老照护 or 母婴照护.
        #[arg(long)]
        category: String,
        /// 合格 or 不合格.
        #[arg(long)]
        result: String,
        /// The last day it counts, YYYY-MM-DD (default: one year after --date).
        #[arg(long)]
        valid_until: Option<String>,
        /// The report: a PDF, JPEG or PNG file of at most 10 MB.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// A worker's health checks, newest first.
    List {
        #[arg(long)]
        worker: String,
    },
}

/// `certdesk insurance ...`.
#[derive(Subcommand)]
pub enum InsuranceCommand {
    /// Record an insurance policy (保险).
    Add {
        /// The worker's id or ID number.
        #[arg(long)]
        worker: String,
        /// 保险公司.
        #[arg(long)]
        insurer: String,
        /// 保单号.
        #[arg(long)]
        policy: String,
        /// 意外险, 雇主责任险 or 其他.
        #[arg(long)]
        kind: String,
        /// The first day covered, YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// The last day covered, YYYY-MM-DD.
        #[arg(long)]
        until: String,
    },
    /// A worker's insurance policies, the latest cover first.
    List {
        #[arg(long)]
        worker: String,
    },
}

/// Reads at most one byte more than a report may have: the domain refuses the size by rule.
fn read_report(path: &Path) -> Result<Vec<u8>, DeskError> {
    let file = std::fs::File::open(path).map_err(|e| crate::messages::read_failed(path, e))?;
    let mut bytes = Vec::new();
    file.take(MAX_REPORT_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| crate::messages::read_failed(path, e))?;
    Ok(bytes)
}

/// `certdesk health ...`.
pub fn health(s: &mut Session<'_>, cmd: HealthCommand, out: &Out) -> Result<(), DeskError> {
    match cmd {
        HealthCommand::Add { worker, date, institution, category, result, valid_until, report: file } => {
            let bytes = file.as_deref().map(read_report).transpose()?;
            let input = HealthCheckInput { checked_on: date, institution, category, result, valid_until };
            let h = s.record_health_check(&worker, &input, bytes.as_deref())?;
            out.print(&h, || report::health_check_recorded(&h));
        }
        HealthCommand::List { worker } => {
            let list = s.health_checks(&worker)?;
            out.print(&list, || report::health_checks(&list));
        }
    }
    Ok(())
}

/// `certdesk insurance ...`.
pub fn insurance(s: &mut Session<'_>, cmd: InsuranceCommand, out: &Out) -> Result<(), DeskError> {
    match cmd {
        InsuranceCommand::Add { worker, insurer, policy, kind, from, until } => {
            let input = InsuranceInput { insurer, policy_number: policy, kind, valid_from: from, valid_until: until };
            let p = s.record_insurance(&worker, &input)?;
            out.print(&p, || report::insurance_recorded(&p));
        }
        InsuranceCommand::List { worker } => {
            let list = s.insurance_policies(&worker)?;
            out.print(&list, || report::insurance_policies(&list));
        }
    }
    Ok(())
}
