//! The roster of certified staff (持证人员名册), filed with the commerce authority before an
//! agency applies for programme funds: .xlsx (real cells; ID numbers and phones as text cells
//! so Excel never turns them into 1.10105E+17) or .csv (UTF-8 with BOM so Excel reads the
//! Chinese). Beside training and exam, each row carries the worker's latest health check
//! (date, result, valid until) and the policy that covers longest (kind, valid until).
//!
//! Rows stream from one SQL query straight into the file (constant-memory .xlsx), so 200,000
//! workers export in seconds without holding them in memory. The roster is the only export
//! that carries ID numbers; this module must never be used to export anything else with them.
//!
//! # Filters
//! - `statuses`: the lifecycle statuses to include; empty means the certified ones (approved,
//!   printed, issued: 持证). `everyone` lists every worker whatever the statuses say. What a
//!   clerk types (`all`, codes, labels) is read by [`RosterFilter::typed`].
//! - `from` / `to`: the worker's latest exam date (考试日期) falls in the range, both ends
//!   inclusive: "who was trained and assessed in this period". Workers without an exam are left
//!   out when a range is given.

use std::path::Path;

use certdesk_domain::health::{HealthResult, InsuranceKind};
use certdesk_domain::{Code, WorkerStatus};
use chrono::NaiveDate;
use certdesk_sheet::{WriteCell, WriteError};
use serde::{Deserialize, Serialize};

use crate::table::{self, workers::{RosterLine, RosterQuery}};
use crate::audit::{AuditAction, AuditEntity, AuditRecord};
use crate::{Desk, DeskError, DeskResult, SessionUser};

/// Which workers the roster lists; see the module docs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterFilter {
    /// The statuses listed; none: the certified ones.
    pub statuses: Vec<WorkerStatus>,
    /// Every worker, whatever `statuses` says.
    pub everyone: bool,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl RosterFilter {
    /// The filter from statuses as typed (codes or labels; `all` for every worker), or the
    /// refusal naming the status that is not one.
    pub fn typed(statuses: &[String], from: Option<NaiveDate>, to: Option<NaiveDate>) -> DeskResult<RosterFilter> {
        let statuses: Vec<String> = statuses.iter().map(|s| s.trim().to_lowercase()).collect();
        let everyone = statuses.iter().any(|s| s == "all");
        let statuses = if everyone {
            Vec::new()
        } else {
            statuses.iter().map(|s| WorkerStatus::parse(s).ok_or_else(|| crate::messages::status_invalid(s))).collect::<DeskResult<_>>()?
        };
        Ok(RosterFilter { statuses, everyone, from, to })
    }

    /// Every worker.
    pub fn everyone() -> RosterFilter {
        RosterFilter { everyone: true, ..RosterFilter::default() }
    }
}

/// The file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RosterFormat {
    Xlsx,
    Csv,
}

impl RosterFormat {
    /// From `xlsx` / `csv` (or a file name's extension).
    pub fn parse(s: &str) -> DeskResult<RosterFormat> {
        match s.trim().trim_start_matches('.').to_lowercase().as_str() {
            "xlsx" => Ok(RosterFormat::Xlsx),
            "csv" => Ok(RosterFormat::Csv),
            other => Err(crate::messages::roster_format_invalid(other)),
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterExport {
    pub path: String,
    pub rows: u64,
    pub format: RosterFormat,
    /// Sealed with a passphrase (age): the file at `path` opens only with it.
    pub sealed: bool,
}

/// The roster's columns: at least what the commerce authority asks for, then hours and dates.
pub const ROSTER_HEADERS: [&str; 17] = [
    "序号",
    "姓名",
    "身份证号",
    "上门服务证编码",
    "所在家政服务机构名称",
    "电话",
    "考试成绩",
    "考试日期",
    "培训课时",
    "培训开始日期",
    "培训结束日期",
    "状态",
    "体检日期",
    "体检结论",
    "体检有效期至",
    "保险险种",
    "保险有效期至",
];
const WIDTHS: [u16; 17] = [7, 12, 22, 20, 30, 14, 10, 12, 10, 14, 14, 10, 12, 10, 14, 12, 14];

fn io_error(path: &Path, e: impl std::fmt::Display) -> DeskError {
    DeskError { detail: Some(e.to_string()), ..crate::messages::file_write(path, &e) }
}

/// Write a table to `path` as .xlsx or .csv by its extension (default .xlsx), through the
/// spreadsheet crate's writer (text cells stay text; csv in UTF-8 with BOM).
pub(crate) fn write_table(
    path: &Path,
    sheet: &str,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<WriteCell>>,
    widths: &[u16],
) -> DeskResult<()> {
    certdesk_sheet::write_table(path, sheet, headers, rows, widths).map(|_| ()).map_err(|e| io_error(path, e))
}

fn status_label(code: &str) -> String {
    certdesk_domain::WorkerStatus::parse(code).map(|s| s.label_zh().to_string()).unwrap_or_else(|| code.to_string())
}

impl Desk {
    /// Export the roster to `path`; see the module docs for the filter. The export (every
    /// worker's ID number and phone leaves the desk) is audited: who, how many rows, which
    /// filter, where to. A manager's action; `certdesk-core` checks the role.
    pub fn export_roster(&self, actor: &SessionUser, path: &Path, format: RosterFormat, filter: &RosterFilter) -> DeskResult<RosterExport> {
        let rows = self.write_roster(path, format, filter)?;
        self.audit_roster_export(actor, rows, format, filter, &path.display().to_string())?;
        Ok(RosterExport { path: path.display().to_string(), rows, format, sealed: false })
    }

    /// [`Desk::export_roster`] sealed with a passphrase (issue 15 item 3): the plain file is
    /// written to `scratch` (a file in a folder only this user reads), `seal` writes the sealed
    /// file from it and says where, and only then is the export audited, naming that file.
    /// The caller removes `scratch`.
    pub fn export_roster_sealed(
        &self,
        actor: &SessionUser,
        scratch: &Path,
        format: RosterFormat,
        filter: &RosterFilter,
        seal: &dyn Fn(&Path) -> DeskResult<std::path::PathBuf>,
    ) -> DeskResult<RosterExport> {
        let rows = self.write_roster(scratch, format, filter)?;
        let sealed = seal(scratch)?;
        let shown = sealed.display().to_string();
        self.audit_roster_export(actor, rows, format, filter, &format!("{shown} (sealed with a passphrase)"))?;
        Ok(RosterExport { path: shown, rows, format, sealed: true })
    }

    /// Writes the roster's rows to `path`; how many.
    fn write_roster(&self, path: &Path, format: RosterFormat, filter: &RosterFilter) -> DeskResult<u64> {
        let agency = self.agency()?.map(|a| a.name).unwrap_or_default();
        let statuses: Option<Vec<WorkerStatus>> = if filter.everyone {
            None
        } else if filter.statuses.is_empty() {
            Some(vec![WorkerStatus::Approved, WorkerStatus::Printed, WorkerStatus::Issued])
        } else {
            Some(filter.statuses.clone())
        };
        let query = RosterQuery { statuses: statuses.as_deref(), from: filter.from, to: filter.to };
        let day = |s: Option<String>| {
            s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()).map(WriteCell::Date).unwrap_or(WriteCell::Empty)
        };
        let mut seq = 0u64;
        let mut cells = |line: RosterLine| {
            seq += 1;
            let text = |o: Option<String>| o.map(WriteCell::Text).unwrap_or(WriteCell::Empty);
            vec![
                WriteCell::Number(seq as f64),
                WriteCell::Text(line.name),
                WriteCell::Text(line.id_number),
                text(line.certificate_code),
                WriteCell::Text(agency.clone()),
                WriteCell::Text(line.phone),
                line.score.map(WriteCell::Number).unwrap_or(WriteCell::Empty),
                day(line.exam_date),
                line.half_hours.map(|h| WriteCell::Number(h as f64 / 2.0)).unwrap_or(WriteCell::Number(0.0)),
                day(line.first_day),
                day(line.last_day),
                WriteCell::Text(status_label(&line.status)),
                day(line.health_checked_on),
                text(line.health_result.and_then(|r| HealthResult::from_code(&r)).map(|r| r.label_zh().to_string())),
                day(line.health_valid_until),
                text(line.insurance_kind.and_then(|k| InsuranceKind::from_code(&k)).map(|k| k.label_zh().to_string())),
                day(line.insurance_valid_until),
            ]
        };
        let format_of_file = match format {
            RosterFormat::Xlsx => certdesk_sheet::Format::Xlsx,
            RosterFormat::Csv => certdesk_sheet::Format::Csv,
        };
        let n = table::workers::with_roster(&self.conn, &query, |lines| {
            let mut rows = lines.map(|line| line.map(&mut cells));
            certdesk_sheet::write_rows(path, format_of_file, "持证人员名册", &ROSTER_HEADERS, &mut rows, &WIDTHS)
        })?
        .map_err(|e| match e {
            WriteError::Io(e) => io_error(path, e),
            WriteError::Row(e) => e,
        })?;
        Ok(n)
    }

    /// Records who exported how many rows, with which filter, to where.
    fn audit_roster_export(&self, actor: &SessionUser, n: u64, format: RosterFormat, filter: &RosterFilter, to: &str) -> DeskResult<()> {
        let what = format!(
            "{n} rows, {}, statuses {}, exam dates {}..{}, to {}",
            match format {
                RosterFormat::Xlsx => "xlsx",
                RosterFormat::Csv => "csv",
            },
            if filter.everyone {
                "all".to_string()
            } else if filter.statuses.is_empty() {
                "certified".to_string()
            } else {
                filter.statuses.iter().map(|s| s.code()).collect::<Vec<_>>().join("+")
            },
            filter.from.map(|d| d.to_string()).unwrap_or_default(),
            filter.to.map(|d| d.to_string()).unwrap_or_default(),
            to
        );
        let tx = self.conn.unchecked_transaction()?;
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Roster,
                entity_id: "roster",
                action: AuditAction::Export,
                field: None,
                old_value: None,
                new_value: Some(&what),
                reason: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}
