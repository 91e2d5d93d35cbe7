//! Importing health checks (体检) and insurance policies (保险) from a spreadsheet, as workers
//! are imported ([`crate::import`]): .xlsx or .csv (UTF-8, UTF-16 or GBK) through the same
//! reader and caps, columns found by their Chinese or English headers, a preview, then every
//! good row in ONE transaction, each through the same write as a record typed on the worker
//! page (row, audit entry, outbox entry), and a per-row report (row, column, code, sentence).
//!
//! A row names its worker by ID number (the name, when the file has one, must match the
//! desk's); the record is checked with the domain's rules (`validate_health_check`,
//! `validate_insurance`), so a check valid before it was taken or a policy ending before it
//! starts is refused here as on the form. A record the desk already holds (the same check day
//! and institution, the same policy number) is skipped, so importing a file twice duplicates
//! nothing; the same record twice in one file is reported on the second row. A health check's
//! report file cannot travel in a spreadsheet: it is attached on the worker page. Like the
//! worker import's, the report holds no ID numbers.

use std::collections::HashMap;

use certdesk_domain::health::{validate_health_check, validate_insurance, HealthCheckInput, InsuranceInput, ValidHealthCheck, ValidInsurance};
use certdesk_domain::{Bilingual, FieldError, IdNumber, WorkerStatus};
use certdesk_sheet::{column_letter, excel_date, Cell};
use serde::{Deserialize, Serialize};

use crate::import::{file_kind, find_header_in, id_lost_as_number, read_sheet, ColumnMapping, FieldTable, FileKind, ImportIssue, IssueSeverity};
use crate::messages::{self, import_rows as rows};
use crate::table;
use crate::{Desk, DeskResult, SessionUser};

/// Which records a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CoverKind {
    /// 体检: one health check per row.
    Health,
    /// 保险: one policy per row.
    Insurance,
}

certdesk_domain::closed_set!(CoverKind, "record kind", {
    Health => "health",
    Insurance => "insurance",
});

/// Stable codes of the cover import's report lines (beside [`crate::import::codes`]).
pub mod codes {
    /// Report line: nobody with this ID number is enrolled at the desk.
    pub const UNKNOWN_ID_NUMBER: &str = "unknown_id_number";
    /// Report line: the name in the file is not the name enrolled with that ID number.
    pub const NAME_MISMATCH: &str = "name_mismatch";
    /// Report line: the desk holds this record already; the row was skipped.
    pub const ALREADY_RECORDED: &str = "already_recorded";
    /// Report line: the same record is in an earlier row.
    pub const DUPLICATE_IN_FILE: &str = crate::import::codes::DUPLICATE_IN_FILE;
}

/// What a health-check or insurance import (or its preview) found and did.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CoverImportReport {
    pub kind: CoverKind,
    pub file_kind: FileKind,
    pub encoding: Option<String>,
    pub sheet: Option<String>,
    pub header_row: usize,
    pub mapping: Vec<ColumnMapping>,
    pub ignored_headers: Vec<String>,
    /// Data rows (blank rows not counted).
    pub total_rows: usize,
    pub blank_rows: usize,
    /// Rows that are valid and new (recorded, or would be in a preview).
    pub valid_rows: usize,
    /// Rows the desk holds already: skipped.
    pub already_recorded: usize,
    pub invalid_rows: usize,
    /// Records written (0 in a preview).
    pub imported: usize,
    /// True for a preview: nothing was written.
    pub dry_run: bool,
    pub issues: Vec<ImportIssue>,
}

const HEALTH_FIELDS: FieldTable = &[
    ("name", &["姓名", "名字", "员工姓名", "人员姓名", "name", "fullname"]),
    ("id_number", &["身份证号", "身份证号码", "身份证", "公民身份号码", "证件号码", "身份证件号码", "idnumber", "id", "idno", "idcard"]),
    ("checked_on", &["体检日期", "体检时间", "检查日期", "日期", "checkedon", "checkdate", "date"]),
    ("institution", &["体检机构", "体检医院", "医院", "机构", "institution", "hospital"]),
    ("category", &["体检类别", "体检类型", "类别", "类型", "category", "type"]),
    ("result", &["体检结论", "结论", "体检结果", "结果", "result"]),
    ("valid_until", &["有效期至", "有效期", "到期日期", "有效截止日期", "validuntil", "expires"]),
];
const HEALTH_REQUIRED: &[&str] = &["id_number", "checked_on", "institution", "category", "result"];

const INSURANCE_FIELDS: FieldTable = &[
    ("name", &["姓名", "名字", "员工姓名", "人员姓名", "被保险人", "name", "fullname", "insured"]),
    ("id_number", &["身份证号", "身份证号码", "身份证", "公民身份号码", "证件号码", "身份证件号码", "idnumber", "id", "idno", "idcard"]),
    ("insurer", &["保险公司", "承保公司", "保险人", "insurer"]),
    ("policy_number", &["保单号", "保单号码", "保险单号", "policynumber", "policy", "policyno"]),
    ("kind", &["险种", "保险类型", "保险种类", "kind", "type"]),
    ("valid_from", &["保险起期", "起保日期", "生效日期", "起期", "validfrom", "from", "start"]),
    ("valid_until", &["保险止期", "终保日期", "到期日期", "止期", "validuntil", "until", "end"]),
];
const INSURANCE_REQUIRED: &[&str] = &["id_number", "insurer", "policy_number", "kind", "valid_from", "valid_until"];

/// One checked row ready to write.
enum Record {
    Health(ValidHealthCheck),
    Insurance(ValidInsurance),
}

impl Desk {
    /// Read a health-check or insurance file and report what importing it would do, writing
    /// nothing.
    pub fn preview_cover_import(&self, kind: CoverKind, bytes: &[u8]) -> DeskResult<CoverImportReport> {
        Ok(self.analyse_cover(kind, bytes)?.0)
    }

    /// Record every valid, new row of the file in ONE transaction; bad rows change nothing.
    pub fn import_cover(&mut self, actor: &SessionUser, kind: CoverKind, bytes: &[u8]) -> DeskResult<CoverImportReport> {
        let (mut report, records) = self.analyse_cover(kind, bytes)?;
        let tx = self.conn.unchecked_transaction()?;
        for (worker_id, record) in &records {
            match record {
                Record::Health(v) => {
                    self.health_check_in_tx(&tx, actor, worker_id, v, None)?;
                }
                Record::Insurance(v) => {
                    self.insurance_in_tx(&tx, actor, worker_id, v)?;
                }
            }
        }
        tx.commit()?;
        report.imported = records.len();
        report.dry_run = false;
        Ok(report)
    }

    fn analyse_cover(&self, kind: CoverKind, bytes: &[u8]) -> DeskResult<(CoverImportReport, Vec<(String, Record)>)> {
        let (fields, required) = match kind {
            CoverKind::Health => (HEALTH_FIELDS, HEALTH_REQUIRED),
            CoverKind::Insurance => (INSURANCE_FIELDS, INSURANCE_REQUIRED),
        };
        let sheet = read_sheet(bytes)?;
        let (data_start, header) = find_header_in(&sheet, fields, required, &|missing, found| {
            let labels: Vec<Bilingual> = missing.iter().map(|f| crate::import::label(f)).collect();
            let mut e = messages::cover_headers_missing(&labels, found);
            e.fields = missing
                .iter()
                .zip(&labels)
                .map(|(f, l)| FieldError::with(f, crate::import::codes::HEADERS_MISSING, messages::column_missing(l)))
                .collect();
            e
        })?;
        let today = self.today();
        let mut issues = Vec::new();
        let mut records = Vec::new();
        // Record key (worker and check day + institution, or policy number) → first row.
        let mut first_row_of: HashMap<String, usize> = HashMap::new();
        let (mut blank_rows, mut total, mut already, mut invalid) = (0, 0, 0, 0);
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
            for (f, _) in fields {
                if let Cell::Error(e) = get(f) {
                    row_issues.push(issue(f, crate::import::codes::CELL_ERROR, IssueSeverity::Error, rows::cell_error(&crate::import::label(f), e)));
                }
            }

            // Who: the ID number, then the desk's worker, then the name if the file has one.
            let id_raw = get("id_number");
            let file_name = get("name").text();
            let mut worker: Option<(String, String, WorkerStatus)> = None;
            if id_lost_as_number(&id_raw) {
                row_issues.push(issue("id_number", crate::import::codes::ID_AS_NUMBER, IssueSeverity::Error, rows::id_as_number(&id_raw.text())));
            } else if !matches!(id_raw, Cell::Error(_)) {
                match IdNumber::parse(&id_raw.text(), today) {
                    Err(e) => row_issues.push(issue("id_number", &e.code, IssueSeverity::Error, e.message())),
                    Ok(id) => {
                        worker = table::workers::brief_by_id_number(&self.conn, id.as_str())?;
                        match &worker {
                            None => row_issues.push(issue("id_number", codes::UNKNOWN_ID_NUMBER, IssueSeverity::Error, rows::cover_unknown_id_number(&id.masked(), &file_name))),
                            Some((_, desk_name, _)) if !file_name.trim().is_empty() && file_name.trim() != desk_name => {
                                row_issues.push(issue("name", codes::NAME_MISMATCH, IssueSeverity::Error, rows::name_mismatch(file_name.trim(), desk_name)))
                            }
                            Some(_) => {}
                        }
                    }
                }
            }

            // What: the record, by the domain's rules; dates in any form Excel writes.
            let date = |f: &str| {
                let raw = get(f);
                excel_date(&raw).map(|d| d.to_string()).unwrap_or_else(|| raw.text())
            };
            let checked: Result<(Record, String), Vec<FieldError>> = match kind {
                CoverKind::Health => {
                    let until = get("valid_until");
                    let input = HealthCheckInput {
                        checked_on: date("checked_on"),
                        institution: get("institution").text(),
                        category: get("category").text(),
                        result: get("result").text(),
                        valid_until: (!until.is_blank()).then(|| date("valid_until")),
                    };
                    validate_health_check(&input, today).map(|v| {
                        let key = format!("{}|{}", v.checked_on, v.institution);
                        (Record::Health(v), key)
                    })
                }
                CoverKind::Insurance => {
                    let input = InsuranceInput {
                        insurer: get("insurer").text(),
                        policy_number: get("policy_number").text(),
                        kind: get("kind").text(),
                        valid_from: date("valid_from"),
                        valid_until: date("valid_until"),
                    };
                    validate_insurance(&input).map(|v| {
                        let key = v.policy_number.clone();
                        (Record::Insurance(v), key)
                    })
                }
            };
            let record = match checked {
                Ok(r) => Some(r),
                Err(errors) => {
                    for e in errors {
                        if row_issues.iter().any(|i| i.field.as_deref() == Some(e.field.as_str())) {
                            continue;
                        }
                        row_issues.push(issue(&e.field, &e.code, IssueSeverity::Error, e.message()));
                    }
                    None
                }
            };
            match (worker, record) {
                (Some((worker_id, desk_name, _)), Some((record, key))) if row_issues.is_empty() => {
                    let held = match &record {
                        Record::Health(v) => table::health_checks::same(&self.conn, &worker_id, &v.checked_on.to_string(), &v.institution)?.is_some(),
                        Record::Insurance(v) => table::insurance_policies::same(&self.conn, &worker_id, &v.policy_number)?.is_some(),
                    };
                    let key = format!("{worker_id}|{key}");
                    if let Some(first) = first_row_of.get(&key) {
                        issues.push(issue("id_number", codes::DUPLICATE_IN_FILE, IssueSeverity::Error, rows::same_record(*first, &desk_name)));
                        invalid += 1;
                    } else if held {
                        first_row_of.insert(key, *row_no);
                        issues.push(issue("id_number", codes::ALREADY_RECORDED, IssueSeverity::Skipped, rows::already_recorded(&desk_name)));
                        already += 1;
                    } else {
                        first_row_of.insert(key, *row_no);
                        records.push((worker_id, record));
                    }
                }
                _ => {
                    issues.extend(row_issues);
                    invalid += 1;
                }
            }
        }
        let report = CoverImportReport {
            kind,
            file_kind: file_kind(&sheet),
            encoding: sheet.encoding.clone(),
            sheet: sheet.name.clone(),
            header_row: header.row,
            mapping: header.mapping,
            ignored_headers: header.ignored,
            total_rows: total,
            blank_rows,
            valid_rows: records.len(),
            already_recorded: already,
            invalid_rows: invalid,
            imported: 0,
            dry_run: true,
            issues,
        };
        Ok((report, records))
    }
}
