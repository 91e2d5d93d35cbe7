//! The roster of certified staff (持证人员名册), filed with the commerce authority before an
//! agency applies for programme funds: .xlsx (real cells; ID numbers and phones as text cells
//! so Excel never turns them into 1.10105E+17) or .csv (UTF-8 with BOM so Excel reads the
//! Chinese).
//!
//! Rows stream from one SQL query straight into the file (constant-memory .xlsx), so 200,000
//! workers export in seconds without holding them in memory. The roster is the only export
//! that carries ID numbers; this module must never be used to export anything else with them.
//!
//! # Filters
//! - `statuses`: the lifecycle statuses to include; empty means the certified ones (approved,
//!   printed, issued: 持证). `["all"]` means every worker.
//! - `from` / `to`: the worker's latest exam date (考试日期) falls in the range, both ends
//!   inclusive: "who was trained and assessed in this period". Workers without an exam are left
//!   out when a range is given.

use std::path::Path;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::params_from_iter;
use certdesk_sheet::{WriteCell, WriteError};
use serde::{Deserialize, Serialize};

use crate::{Desk, DeskError, DeskResult};

/// Which workers the roster lists; see the module docs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterFilter {
    pub statuses: Vec<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
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
}

/// The roster's columns: at least what the commerce authority asks for, then hours and dates.
pub const ROSTER_HEADERS: [&str; 12] = [
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
];
const WIDTHS: [u16; 12] = [7, 12, 22, 20, 30, 14, 10, 12, 10, 14, 14, 10];

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
    /// Export the roster to `path`; see the module docs for the filter.
    pub fn export_roster(&self, path: &Path, format: RosterFormat, filter: &RosterFilter) -> DeskResult<RosterExport> {
        let agency = self.agency()?.map(|a| a.name).unwrap_or_default();
        let mut sql = String::from(
            "WITH latest AS (
                SELECT e.worker_id, e.score, e.exam_date FROM exam_results e
                WHERE e.attempt = (SELECT max(x.attempt) FROM exam_results x WHERE x.worker_id = e.worker_id)
             ), hours AS (
                SELECT p.worker_id, sum(p.credited_half_hours) AS h,
                       min(substr(c.starts_at, 1, 10)) AS first, max(substr(c.ends_at, 1, 10)) AS last
                FROM class_participants p JOIN training_classes c ON c.id = p.class_id
                WHERE p.credited_half_hours > 0 GROUP BY p.worker_id
             )
             SELECT w.name, w.id_number, w.certificate_code, w.phone, l.score, l.exam_date, h.h, h.first, h.last, w.status
             FROM workers w LEFT JOIN latest l ON l.worker_id = w.id LEFT JOIN hours h ON h.worker_id = w.id
             WHERE 1 = 1",
        );
        let mut args: Vec<Value> = Vec::new();
        let statuses: Vec<String> = if filter.statuses.is_empty() {
            vec!["approved".into(), "printed".into(), "issued".into()]
        } else {
            filter.statuses.iter().map(|s| s.trim().to_lowercase()).collect()
        };
        if !statuses.iter().any(|s| s == "all") {
            for s in &statuses {
                if certdesk_domain::WorkerStatus::parse(s).is_none() {
                    return Err(crate::messages::status_invalid(s));
                }
            }
            sql.push_str(&format!(" AND w.status IN ({})", vec!["?"; statuses.len()].join(",")));
            args.extend(statuses.iter().map(|s| Value::Text(s.clone())));
        }
        if let Some(from) = filter.from {
            sql.push_str(" AND l.exam_date >= ?");
            args.push(Value::Text(from.to_string()));
        }
        if let Some(to) = filter.to {
            sql.push_str(" AND l.exam_date <= ?");
            args.push(Value::Text(to.to_string()));
        }
        sql.push_str(" ORDER BY w.id");
        let mut stmt = self.conn.prepare(&sql)?;
        let mut query = stmt.query(params_from_iter(args.iter()))?;
        let day = |s: Option<String>| {
            s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()).map(WriteCell::Date).unwrap_or(WriteCell::Empty)
        };
        let mut seq = 0u64;
        let mut rows = std::iter::from_fn(|| {
            let row = match query.next() {
                Ok(Some(r)) => r,
                Ok(None) => return None,
                Err(e) => return Some(Err(DeskError::from(e))),
            };
            seq += 1;
            let cells = (|| -> rusqlite::Result<Vec<WriteCell>> {
                let text = |o: Option<String>| o.map(WriteCell::Text).unwrap_or(WriteCell::Empty);
                Ok(vec![
                    WriteCell::Number(seq as f64),
                    WriteCell::Text(row.get(0)?),
                    WriteCell::Text(row.get(1)?),
                    text(row.get(2)?),
                    WriteCell::Text(agency.clone()),
                    WriteCell::Text(row.get(3)?),
                    row.get::<_, Option<f64>>(4)?.map(WriteCell::Number).unwrap_or(WriteCell::Empty),
                    day(row.get(5)?),
                    row.get::<_, Option<i64>>(6)?.map(|h| WriteCell::Number(h as f64 / 2.0)).unwrap_or(WriteCell::Number(0.0)),
                    day(row.get(7)?),
                    day(row.get(8)?),
                    WriteCell::Text(status_label(&row.get::<_, String>(9)?)),
                ])
            })();
            Some(cells.map_err(DeskError::from))
        });
        let format_of_file = match format {
            RosterFormat::Xlsx => certdesk_sheet::Format::Xlsx,
            RosterFormat::Csv => certdesk_sheet::Format::Csv,
        };
        let n = certdesk_sheet::write_rows(path, format_of_file, "持证人员名册", &ROSTER_HEADERS, &mut rows, &WIDTHS).map_err(|e| match e {
            WriteError::Io(e) => io_error(path, e),
            WriteError::Row(e) => e,
        })?;
        Ok(RosterExport { path: path.display().to_string(), rows: n, format })
    }
}
