//! Importing an online class's hours (线上学时导入) from the online training platform's export:
//! .xlsx or .csv (UTF-8, UTF-16 or GBK), read by the same reader and within the same caps as
//! the worker import ([`crate::import`]), so a hostile file is refused here exactly as there.
//!
//! Columns are found by their Chinese or English headers: the ID number (required), the hours
//! (required) and the name (optional, checked against the desk when present). The unit of the
//! hours follows the header: 完成学时 / 学时 / 课时 / class hours are class hours; a header that
//! says 分钟 / minutes (时长(分钟), 学习时长/分钟) holds minutes; one that says 小时 / hours
//! (学习时长(小时)) holds clock hours; a bare 学习时长 / 时长 / duration holds minutes, as online
//! platforms count them. A cell may carry its own unit, which wins: `135分钟`, `2小时15分`,
//! `2:15:00`, a duration cell, `2.5学时`. Minutes become class hours by the agency's setting
//! (45 minutes a class hour unless set otherwise); the class's crediting rule then credits them.
//!
//! Each row is reported (row, column, code, sentence) when: the ID number is unreadable or
//! was turned into a number by Excel, nobody with it is enrolled, the worker is not in this class
//! (the clerk may have them added: [`HoursImportOptions::add_missing`]), the name differs from
//! the desk's, the hours are not a number or negative, or the row repeats an earlier worker.
//! More hours than the class holds are capped at the class's hours (a note says so).
//!
//! All rows go in ONE transaction, each through the same write as a typed grid row (audit,
//! outbox, status); a row whose hours equal what is recorded writes nothing, so re-importing a
//! file changes nothing the second time. Like the worker import's, the report holds no ID
//! numbers: the roster is the only export that does.

use std::collections::HashMap;

use certdesk_domain::training::{credit_online, ClassMode, HalfHours};
use certdesk_domain::{Bilingual, IdNumber, WorkerStatus};
use serde::{Deserialize, Serialize};

use certdesk_sheet::{column_letter, Cell, WriteCell};

use crate::import::{
    find_header_in, id_lost_as_number, read_sheet, ColumnMapping, FieldTable, FileKind, ImportIssue, IssueSeverity,
};
use crate::messages::{self, import_rows as rows};
use crate::training::{class_timing, GridRow};
use crate::table;
use crate::{Desk, DeskCode, DeskError, DeskResult, SessionUser};

/// Stable codes of the hours import's report lines (beside [`crate::import`]'s; its refusals
/// carry a [`DeskCode`]).
pub mod codes {
    /// Report line: nobody with this ID number is enrolled at the desk.
    pub const UNKNOWN_ID_NUMBER: &str = "unknown_id_number";
    /// Report line: the worker is enrolled but not in this class.
    pub const NOT_IN_CLASS: &str = "not_in_class";
    /// Report line: the name in the file is not the name enrolled with that ID number.
    pub const NAME_MISMATCH: &str = "name_mismatch";
    /// Report line: the hours cell is blank, not a number, or negative.
    pub const HOURS_INVALID: &str = "hours_invalid";
    /// Report line (a note): more hours than the class holds, capped at the class's hours.
    pub const HOURS_CAPPED: &str = "hours_capped";
    /// Report line: the worker's certificate is cancelled.
    pub const WORKER_CANCELLED: &str = "worker_cancelled";
    /// Report line: the same worker appears in an earlier row.
    pub const DUPLICATE_IN_FILE: &str = crate::import::codes::DUPLICATE_IN_FILE;
}

/// What the clerk decides for the whole file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HoursImportOptions {
    /// Add enrolled workers who are not in the class yet (otherwise their rows are skipped).
    pub add_missing: bool,
    /// Rows to include in [`HoursImportReport::preview`].
    pub preview_rows: usize,
}

/// One row of the preview grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HoursPreviewRow {
    pub row: usize,
    /// The desk's name for the worker when found, else the file's.
    pub name: String,
    /// The hours cell as written in the file.
    pub value: String,
    /// Class hours to record (after the unit and the cap).
    pub hours: Option<f64>,
    /// What is recorded for the worker in this class now.
    pub previous_hours: Option<f64>,
    /// Class hours that will be credited (whole and half class hours).
    pub credited_hours: Option<f64>,
    pub status: HoursRowStatus,
}

/// What will happen to a row of the hours file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum HoursRowStatus {
    /// Will be recorded.
    Ok,
    /// Recorded already as in the file: nothing to do.
    Unchanged,
    /// Will join the class and be recorded.
    Add,
    /// An enrolled worker not in the class (added when `add_missing`).
    NotInClass,
    /// Nobody with that ID number is enrolled.
    UnknownIdNumber,
    /// The same worker is in an earlier row.
    DuplicateInFile,
    /// A cell is wrong.
    Invalid,
}

certdesk_domain::closed_set!(HoursRowStatus, "hours row status", {
    Ok => "ok",
    Unchanged => "unchanged",
    Add => "add",
    NotInClass => "not_in_class",
    UnknownIdNumber => "unknown_id_number",
    DuplicateInFile => "duplicate_in_file",
    Invalid => "invalid",
});

/// What an hours import (or its preview) found and did.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HoursImportReport {
    pub class_id: String,
    pub class_title: String,
    pub file_kind: FileKind,
    pub encoding: Option<String>,
    pub sheet: Option<String>,
    pub header_row: usize,
    pub mapping: Vec<ColumnMapping>,
    pub ignored_headers: Vec<String>,
    /// How the hours column is read.
    pub unit: HoursUnit,
    /// Minutes in a class hour (the agency's setting) used to convert minutes.
    pub class_hour_minutes: u32,
    /// Data rows (blank rows not counted).
    pub total_rows: usize,
    pub blank_rows: usize,
    /// Rows that record new hours (or would, in a preview), joins included.
    pub to_record: usize,
    /// Rows whose hours are already recorded as in the file: nothing to do.
    pub unchanged: usize,
    /// Rows of enrolled workers not in the class (added when `add_missing`).
    pub not_in_class: usize,
    /// Rows that cannot go in: unknown ID number, bad number, name mismatch, duplicate...
    pub invalid_rows: usize,
    /// Rows written, and workers added to the class (0 in a preview).
    pub recorded: usize,
    pub added: usize,
    /// True for a preview / dry run: nothing was written.
    pub dry_run: bool,
    pub issues: Vec<ImportIssue>,
    pub preview: Vec<HoursPreviewRow>,
}

const FIELDS: FieldTable = &[
    ("name", &["姓名", "名字", "学员姓名", "学员", "员工姓名", "人员姓名", "name", "fullname", "studentname"]),
    (
        "id_number",
        &["身份证号", "身份证号码", "身份证", "公民身份号码", "证件号码", "证件号", "身份证件号码", "学员身份证号", "idnumber", "id", "idno", "idcard"],
    ),
    (
        "hours",
        &[
            "学习时长", "完成学时", "时长", "学时", "课时", "完成课时", "已完成学时", "已学学时", "有效学时", "获得学时", "累计学时",
            "累计学习时长", "有效学习时长", "在线学习时长", "在线时长", "观看时长", "学习时间", "学习时长分钟", "时长分钟",
            "学习分钟数", "分钟数", "分钟", "学习时长小时", "小时数", "hours", "hourscompleted", "classhours", "credithours",
            "duration", "studytime", "studyduration", "learningtime", "minutes", "studyminutes",
        ],
    ),
];

/// The unit the hours column is read in, from its header as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum HoursUnit {
    /// 课时 / 学时: class hours as they are.
    ClassHours,
    /// Minutes, converted with the agency's minutes per class hour.
    Minutes,
    /// Clock hours, converted likewise.
    ClockHours,
}

certdesk_domain::closed_set!(HoursUnit, "hours unit", {
    ClassHours => "class_hours",
    Minutes => "minutes",
    ClockHours => "clock_hours",
});

impl HoursUnit {
    fn of_header(header: &str) -> HoursUnit {
        let h = header.to_lowercase();
        if h.contains("分钟") || h.contains("min") {
            HoursUnit::Minutes
        } else if h.contains("学时") || h.contains("课时") || h.contains("class hour") || h.contains("classhour") || h.contains("credit") {
            HoursUnit::ClassHours
        } else if h.contains("小时") || h.contains("hour") {
            HoursUnit::ClockHours
        } else {
            // 学习时长, 时长, duration, study time: platforms count these in minutes.
            HoursUnit::Minutes
        }
    }
}

fn halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect()
}

/// A cell's amount, in the column's unit unless the cell names its own. `None` when it is not
/// a non-negative number. Returns (amount, unit).
fn read_amount(raw: &Cell, unit: HoursUnit) -> Option<(f64, HoursUnit)> {
    let ok = |v: f64| (v.is_finite() && v >= 0.0).then_some(v);
    match raw {
        Cell::Number(n) => ok(*n).map(|v| (v, unit)),
        Cell::Duration(m) => ok(*m).map(|v| (v, HoursUnit::Minutes)),
        Cell::Text(t) => read_amount_text(&halfwidth(t)).and_then(|(v, u)| ok(v).map(|v| (v, u.unwrap_or(unit)))),
        _ => None,
    }
}

fn read_amount_text(t: &str) -> Option<(f64, Option<HoursUnit>)> {
    let t: String = t.trim().chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    if t.is_empty() {
        return None;
    }
    if let Ok(v) = t.parse::<f64>() {
        return Some((v, None));
    }
    // h:mm or h:mm:ss
    if t.contains(':') {
        let parts: Vec<&str> = t.split(':').collect();
        let nums: Option<Vec<f64>> = parts.iter().map(|p| p.parse::<f64>().ok()).collect();
        return match nums?.as_slice() {
            [h, m] if *m < 60.0 => Some((h * 60.0 + m, Some(HoursUnit::Minutes))),
            [h, m, s] if *m < 60.0 && *s < 60.0 => Some((h * 60.0 + m + s / 60.0, Some(HoursUnit::Minutes))),
            _ => None,
        };
    }
    let lower = t.to_lowercase();
    for (suffix, unit) in [("学时", HoursUnit::ClassHours), ("课时", HoursUnit::ClassHours)] {
        if let Some(v) = lower.strip_suffix(suffix).and_then(|n| n.parse::<f64>().ok()) {
            return Some((v, Some(unit)));
        }
    }
    // 2小时15分钟, 2小时, 135分钟, 135分, 2h15m, 135min, 90m, 1.5h
    let mut minutes = 0.0;
    let mut number = String::new();
    let mut any = false;
    let mut rest = lower.as_str();
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let (factor, len) = [("小时", 60.0), ("hours", 60.0), ("hour", 60.0), ("hrs", 60.0), ("hr", 60.0), ("h", 60.0), ("分钟", 1.0), ("分", 1.0), ("minutes", 1.0), ("mins", 1.0), ("min", 1.0), ("m", 1.0), ("秒", 1.0 / 60.0), ("s", 1.0 / 60.0)]
            .iter()
            .find(|(u, _)| rest.starts_with(u))
            .map(|(u, f)| (*f, u.len()))?;
        let v: f64 = number.parse().ok()?;
        minutes += v * factor;
        number.clear();
        any = true;
        rest = &rest[len..];
    }
    (any && number.is_empty()).then_some((minutes, Some(HoursUnit::Minutes)))
}

/// Class hours from an amount: minutes by the class-hour length, clock hours as 60 minutes.
fn class_hours_of(amount: f64, unit: HoursUnit, class_hour_minutes: u32) -> f64 {
    let h = match unit {
        HoursUnit::ClassHours => amount,
        HoursUnit::Minutes => amount / f64::from(class_hour_minutes),
        HoursUnit::ClockHours => amount * 60.0 / f64::from(class_hour_minutes),
    };
    (h * 100.0).round() / 100.0
}


/// One checked row, before it is written.
struct Checked {
    row: usize,
    worker_id: Option<String>,
    in_class: bool,
    hours: Option<f64>,
}

impl Desk {
    /// Read the online platform's file and report what importing it into the class would do,
    /// writing nothing.
    pub fn preview_hours_import(&self, class_id: &str, bytes: &[u8], options: &HoursImportOptions) -> DeskResult<HoursImportReport> {
        Ok(self.analyse_hours(class_id, bytes, options)?.0)
    }

    /// Record the hours of every good row in ONE transaction (adding workers not in the class
    /// when `options.add_missing`); bad rows change nothing, unchanged rows write nothing.
    pub fn import_hours(
        &mut self,
        actor: &SessionUser,
        class_id: &str,
        bytes: &[u8],
        options: &HoursImportOptions,
    ) -> DeskResult<HoursImportReport> {
        let (mut report, rows) = self.analyse_hours(class_id, bytes, options)?;
        let class = self.class_in(&self.conn, class_id)?;
        let timing = class_timing(&class)?;
        let tx = self.conn.unchecked_transaction()?;
        let (mut recorded, mut added) = (0, 0);
        for r in rows {
            let (Some(worker_id), Some(hours)) = (r.worker_id, r.hours) else { continue };
            if !r.in_class {
                if !options.add_missing {
                    continue;
                }
                self.join_in_tx(&tx, actor, &class, &worker_id)?;
                added += 1;
            }
            let old = self.participant_in(&tx, class_id, &worker_id)?;
            if old.hours_completed == Some(hours) && old.attendance.is_none() {
                continue;
            }
            let credited = credit_online(&timing, hours).map_err(|e| {
                // The analysis capped the hours at the class's: this cannot fail, but say where.
                {
                    let (zh, en) = crate::messages::row_prefix(r.row);
                    DeskError::new(DeskCode::HoursCompletedInvalid, e.message().prefixed(&zh, &en))
                }
            })?;
            let row = GridRow { attendance: None, sign_in: None, sign_out: None, hours: Some(hours), credited };
            self.write_row_in_tx(&tx, actor, &class, &old, &row)?;
            recorded += 1;
        }
        tx.commit()?;
        report.recorded = recorded;
        report.added = added;
        report.dry_run = false;
        Ok(report)
    }

    fn analyse_hours(&self, class_id: &str, bytes: &[u8], options: &HoursImportOptions) -> DeskResult<(HoursImportReport, Vec<Checked>)> {
        let class = self.class_in(&self.conn, class_id)?;
        if class.mode != ClassMode::Online {
            return Err(crate::messages::hours_import_offline_class(&class.title));
        }
        let timing = class_timing(&class)?;
        let settings = self.training_settings()?;
        let sheet = read_sheet(bytes)?;
        let (data_start, header) = find_header_in(&sheet, FIELDS, &["id_number", "hours"], &messages::hours_headers_missing)?;
        let hours_header = header.mapping.iter().find(|m| m.field == "hours").map(|m| m.header.clone()).unwrap_or_default();
        let unit = HoursUnit::of_header(&hours_header);
        let today = self.today();

        let mut issues: Vec<ImportIssue> = Vec::new();
        let mut preview = Vec::new();
        let mut checked = Vec::new();
        let mut first_row_of: HashMap<String, usize> = HashMap::new();
        let (mut blank_rows, mut total, mut to_record, mut unchanged, mut not_in_class, mut invalid) = (0, 0, 0, 0, 0, 0);
        for (row_no, cells) in &sheet.rows[data_start..] {
            let get = |f: &str| header.columns.get(f).and_then(|&c| cells.get(c)).cloned().unwrap_or(Cell::Empty);
            if header.columns.values().all(|&c| cells.get(c).is_none_or(Cell::is_blank)) {
                blank_rows += 1;
                continue;
            }
            total += 1;
            let issue = |field: &str, code: &str, severity: IssueSeverity, message: Bilingual| {
                let (zh, en) = message.into_pair();
                let col = header.columns.get(field).copied();
                ImportIssue {
                    row: *row_no,
                    column: col.map(column_letter),
                    header: header.mapping.iter().find(|m| m.field == field).map(|m| m.header.clone()),
                    field: Some(field.to_string()),
                    code: code.to_string(),
                    message_zh: zh,
                    message_en: en,
                    severity,
                }
            };
            let mut row_issues = Vec::new();
            let file_name = get("name").text();
            let value = get("hours");
            let mut name = file_name.clone();

            // Who: the ID number, then the desk's worker, then this class.
            let id_raw = get("id_number");
            let mut worker: Option<(String, String, WorkerStatus)> = None;
            let mut status = HoursRowStatus::Ok;
            if let Cell::Error(e) = &id_raw {
                row_issues.push(issue("id_number", crate::import::codes::CELL_ERROR, IssueSeverity::Error, rows::id_cell_error(e)));
            } else if id_lost_as_number(&id_raw) {
                row_issues.push(issue("id_number", crate::import::codes::ID_AS_NUMBER, IssueSeverity::Error, rows::hours_id_as_number(&id_raw.text())));
            } else {
                match IdNumber::parse(&id_raw.text(), today) {
                    Err(e) => row_issues.push(issue("id_number", &e.code, IssueSeverity::Error, e.message())),
                    Ok(id) => {
                        worker = table::workers::brief_by_id_number(&self.conn, id.as_str())?;
                        if worker.is_none() {
                            status = HoursRowStatus::UnknownIdNumber;
                            row_issues.push(issue("id_number", codes::UNKNOWN_ID_NUMBER, IssueSeverity::Error,
                                rows::unknown_id_number(&id.masked(), &file_name)));
                        }
                    }
                }
            }
            let mut in_class = false;
            let mut previous = None;
            let mut has_attendance = false;
            if let Some((worker_id, desk_name, worker_status)) = &worker {
                name = desk_name.clone();
                if let Some(first) = first_row_of.get(worker_id) {
                    status = HoursRowStatus::DuplicateInFile;
                    row_issues.push(issue("id_number", codes::DUPLICATE_IN_FILE, IssueSeverity::Error, rows::same_worker(*first, desk_name)));
                } else {
                    first_row_of.insert(worker_id.clone(), *row_no);
                }
                let norm = |s: &str| halfwidth(s).chars().filter(|c| !c.is_whitespace() && *c != '·' && *c != '.').collect::<String>();
                if !file_name.is_empty() && norm(&file_name) != norm(desk_name) {
                    row_issues.push(issue("name", codes::NAME_MISMATCH, IssueSeverity::Error, rows::name_mismatch(&file_name, desk_name)));
                }
                if *worker_status == WorkerStatus::Cancelled {
                    row_issues.push(issue("id_number", codes::WORKER_CANCELLED, IssueSeverity::Error, rows::worker_cancelled(desk_name)));
                }
                let p = table::class_participants::attendance_and_hours(&self.conn, class_id, worker_id)?;
                in_class = p.is_some();
                if let Some((attendance, hours)) = p {
                    has_attendance = attendance.is_some();
                    previous = hours;
                }
            }

            // How much: the hours in the column's unit (or the cell's own), capped at the class.
            let mut hours = None;
            let mut credited = None;
            let mut capped = None;
            match read_amount(&value, unit) {
                None => {
                    let shown = value.text();
                    row_issues.push(issue("hours", codes::HOURS_INVALID, IssueSeverity::Error, rows::hours_invalid(&shown)));
                }
                Some((amount, cell_unit)) => {
                    let mut h = class_hours_of(amount, cell_unit, settings.class_hour_minutes);
                    let most = timing.class_hours.as_hours();
                    if h > most {
                        capped = Some((h, most));
                        h = most;
                    }
                    hours = Some(h);
                    credited = credit_online(&timing, h).ok().map(HalfHours::as_hours);
                }
            }

            let errors = row_issues.iter().any(|i| i.severity == IssueSeverity::Error);
            if errors {
                if status == HoursRowStatus::Ok {
                    status = HoursRowStatus::Invalid;
                }
                invalid += 1;
            } else if !in_class {
                not_in_class += 1;
                if options.add_missing {
                    status = HoursRowStatus::Add;
                    to_record += 1;
                } else {
                    status = HoursRowStatus::NotInClass;
                    row_issues.push(issue("id_number", codes::NOT_IN_CLASS, IssueSeverity::Skipped, rows::not_in_class(&name)));
                }
            } else if previous == hours && !has_attendance {
                status = HoursRowStatus::Unchanged;
                unchanged += 1;
            } else {
                to_record += 1;
            }
            // The cap is worth a note only on a row that is (or will be) recorded.
            if let (Some((h, most)), HoursRowStatus::Ok | HoursRowStatus::Add | HoursRowStatus::Unchanged) = (capped, status) {
                row_issues.push(issue("hours", codes::HOURS_CAPPED, IssueSeverity::Note, rows::hours_capped(h, most)));
            }
            if preview.len() < options.preview_rows {
                preview.push(HoursPreviewRow {
                    row: *row_no,
                    name,
                    value: value.text(),
                    hours,
                    previous_hours: previous,
                    credited_hours: credited,
                    status,
                });
            }
            checked.push(Checked {
                row: *row_no,
                worker_id: (!errors).then(|| worker.map(|w| w.0)).flatten(),
                in_class,
                hours: hours.filter(|_| !errors),
            });
            issues.extend(row_issues);
        }
        let report = HoursImportReport {
            class_id: class.id.clone(),
            class_title: class.title.clone(),
            file_kind: crate::import::file_kind(&sheet),
            encoding: sheet.encoding.clone(),
            sheet: sheet.name.clone(),
            header_row: header.row,
            mapping: header.mapping,
            ignored_headers: header.ignored,
            unit,
            class_hour_minutes: settings.class_hour_minutes,
            total_rows: total,
            blank_rows,
            to_record,
            unchanged,
            not_in_class,
            invalid_rows: invalid,
            recorded: 0,
            added: 0,
            dry_run: true,
            issues,
            preview,
        };
        Ok((report, checked))
    }
}

/// The report as a spreadsheet (.xlsx or .csv by the path's extension), like the worker
/// import's: row, column, header, code, sentence, what was done. No ID numbers.
pub fn write_hours_report(report: &HoursImportReport, path: &std::path::Path) -> DeskResult<()> {
    let headers = ["行号 Row", "列 Column", "表头 Header", "代码 Code", "问题", "Problem", "处理 Result"];
    let rows = report.issues.iter().map(|i| {
        let result = match i.severity {
            IssueSeverity::Note => "已记录 recorded",
            IssueSeverity::Skipped => "已跳过 skipped",
            IssueSeverity::Error => "未导入 not imported",
        };
        [
            i.row.to_string(),
            i.column.clone().unwrap_or_default(),
            i.header.clone().unwrap_or_default(),
            i.code.clone(),
            i.message_zh.clone(),
            i.message_en.clone(),
            result.to_string(),
        ]
        .into_iter()
        .map(WriteCell::Text)
        .collect()
    });
    crate::roster::write_table(path, "学时导入报告", &headers, rows, &[8, 6, 16, 22, 60, 60, 16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_follows_the_header() {
        assert_eq!(HoursUnit::of_header("完成学时"), HoursUnit::ClassHours);
        assert_eq!(HoursUnit::of_header("时长(分钟)"), HoursUnit::Minutes);
        assert_eq!(HoursUnit::of_header("学习时长（分钟）"), HoursUnit::Minutes);
        assert_eq!(HoursUnit::of_header("学习时长(小时)"), HoursUnit::ClockHours);
        assert_eq!(HoursUnit::of_header("Duration (minutes)"), HoursUnit::Minutes);
        assert_eq!(HoursUnit::of_header("Class hours"), HoursUnit::ClassHours);
        assert_eq!(HoursUnit::of_header("Hours"), HoursUnit::ClockHours);
        assert_eq!(HoursUnit::of_header("学习时长"), HoursUnit::Minutes, "platforms count a bare duration in minutes");
    }

    #[test]
    fn amounts_are_read_with_the_cells_own_unit_first() {
        let m = Some(HoursUnit::Minutes);
        assert_eq!(read_amount_text("135"), Some((135.0, None)));
        assert_eq!(read_amount_text("135分钟"), Some((135.0, m)));
        assert_eq!(read_amount_text("2小时15分"), Some((135.0, m)));
        assert_eq!(read_amount_text("2h15m"), Some((135.0, m)));
        assert_eq!(read_amount_text("2:15:00"), Some((135.0, m)));
        assert_eq!(read_amount_text("2:15"), Some((135.0, m)));
        assert_eq!(read_amount_text("2.5学时"), Some((2.5, Some(HoursUnit::ClassHours))));
        assert_eq!(read_amount(&Cell::Text("１３５".into()), HoursUnit::Minutes), Some((135.0, HoursUnit::Minutes)));
        assert_eq!(read_amount(&Cell::Duration(135.0), HoursUnit::ClassHours), Some((135.0, HoursUnit::Minutes)));
        for bad in ["", "三小时", "2:75", "abc", "12abc", "1.2.3"] {
            assert_eq!(read_amount_text(bad).filter(|(v, _)| v.is_finite()), None, "{bad}");
        }
        assert_eq!(read_amount(&Cell::Number(-1.0), HoursUnit::ClassHours), None, "negative hours are refused");
    }

    #[test]
    fn minutes_become_class_hours_by_the_agencys_setting() {
        assert_eq!(class_hours_of(135.0, HoursUnit::Minutes, 45), 3.0);
        assert_eq!(class_hours_of(135.0, HoursUnit::Minutes, 60), 2.25);
        assert_eq!(class_hours_of(2.25, HoursUnit::ClockHours, 45), 3.0);
        assert_eq!(class_hours_of(2.5, HoursUnit::ClassHours, 45), 2.5);
    }
}
