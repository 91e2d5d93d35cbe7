//! Importing workers from a spreadsheet (导入): .xlsx, and .csv in UTF-8 (with or without BOM),
//! UTF-16 (Excel's "Unicode text") or GBK/GB18030 (what Excel on Chinese Windows writes).
//!
//! Columns are found by their Chinese or English headers (in the first rows that name the
//! most fields, so a title row above is fine; a group header merged over sub-headers, such as
//! 紧急联系人 over 姓名 | 电话, reads as 紧急联系人姓名 | 紧急联系人电话); every row is validated with the
//! enrolment form's own rules (`validate_worker`); the result is a per-row report (row number
//! as Excel shows it, column, stable code, sentence). Valid rows go in, all in ONE transaction;
//! invalid rows change nothing; a row whose ID number is already enrolled is reported as
//! "already enrolled" and skipped, so importing the same file twice duplicates nothing.
//!
//! # When the file has no consent or agency-check column
//! The enrolment form needs a consent date and the ticked agency check for every worker. A
//! file may not carry them. Then the clerk must confirm them for the whole file, explicitly:
//! [`ImportOptions::consent_date`] (the date the consents in the file were signed) fills every
//! blank or missing consent date, and [`ImportOptions::agency_checked`] confirms that the
//! agency checked every worker's ID card in person, which fills blank or missing agency-check
//! cells. An explicit 否/no in the file is never overridden. Without these confirmations the
//! preview says what is needed (`needs_consent_date`, `needs_agency_check`) and the import
//! refuses with `import_needs_consent_date` / `import_needs_agency_check`.
//!
//! # Hostile input
//! This module must never trust the file. The spreadsheet reader (`certdesk-sheet`) caps the
//! file size ([`MAX_IMPORT_BYTES`]), the declared uncompressed size of an .xlsx
//! ([`MAX_UNZIPPED_BYTES`]), the rows ([`MAX_IMPORT_ROWS`]), the columns, each cell's text and
//! the text in all; it streams .xlsx cells instead of materialising the sheet's declared
//! dimensions, reads formulas' cached values and fills merged cells with their top-left value,
//! as Excel shows them. Here each refusal becomes the clerk's sentence. The report never
//! contains ID numbers: the roster is the only export that does.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use certdesk_domain::{validate_worker_record, Bilingual, FieldError, IdNumber};
pub(crate) use certdesk_sheet::{column_letter, excel_date, Cell, Sheet};
use certdesk_sheet::{ReadError, WriteCell};
use serde::{Deserialize, Serialize};

use crate::messages::{self, import_rows as rows};
use crate::workers::WorkerInput;
use crate::{Desk, DeskError, DeskResult, SessionUser};

/// The largest file accepted, in bytes (50 MB; the spreadsheet reader's cap).
pub const MAX_IMPORT_BYTES: u64 = certdesk_sheet::MAX_FILE_BYTES;
/// The largest total an .xlsx may declare once unzipped (400 MB): a zip bomb stops here.
pub const MAX_UNZIPPED_BYTES: u64 = certdesk_sheet::MAX_UNZIPPED_BYTES;
/// The most data rows one file may hold.
pub const MAX_IMPORT_ROWS: usize = certdesk_sheet::MAX_ROWS;
/// How many rows the header may be searched in (a title row often comes first).
const HEADER_SEARCH_ROWS: usize = certdesk_sheet::HEADER_ROOM;

/// Stable codes of the import's report lines and of a missing column's field (the import's
/// refusals carry a [`DeskCode`]).
pub mod codes {
    /// Field code of a required column not found among the headers.
    pub const HEADERS_MISSING: &str = "import_headers_missing";
    /// Report line: an ID number Excel turned into a number, its last digits lost.
    pub const ID_AS_NUMBER: &str = "id_number_as_number";
    /// Report line: the cell holds a formula error (#N/A, #REF!...).
    pub const CELL_ERROR: &str = "cell_error";
    /// Report line: the same ID number appears earlier in the file.
    pub const DUPLICATE_IN_FILE: &str = "duplicate_in_file";
    /// Report line: the ID number is already enrolled; the row was skipped.
    pub const ALREADY_ENROLLED: &str = "already_enrolled";
    /// Report line: an agency-check cell that is neither yes nor no.
    pub const AGENCY_CHECK_VALUE: &str = "agency_check_value";
    /// Report line: the row goes in without an address or emergency contact (待补全).
    pub const TO_COMPLETE: &str = "to_complete";
}

/// What the clerk confirms for the whole file; see the module docs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportOptions {
    /// Fills blank or missing consent dates (`YYYY-MM-DD`).
    pub consent_date: Option<String>,
    /// The agency checked every worker in the file in person.
    pub agency_checked: bool,
    /// Rows to include in [`ImportReport::preview`].
    pub preview_rows: usize,
}

/// Which column a field was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnMapping {
    /// The worker field (`name`, `id_number`, ...).
    pub field: String,
    /// The header as written in the file.
    pub header: String,
    /// Excel's column letter (A, B, ..., AA).
    pub column: String,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportIssue {
    /// The row number as Excel (or LibreOffice) shows it.
    pub row: usize,
    /// Excel's column letter, when one column is at fault.
    pub column: Option<String>,
    /// The header of that column.
    pub header: Option<String>,
    /// The worker field.
    pub field: Option<String>,
    /// Stable code (the domain's field codes, or [`codes`]).
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
    /// Whether the row went in.
    pub severity: IssueSeverity,
}

/// How bad an [`ImportIssue`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum IssueSeverity {
    /// The row was not imported.
    Error,
    /// Already enrolled: nothing to do.
    Skipped,
    /// Recorded, with a remark (hours capped at the class's; a record to be completed).
    Note,
}

certdesk_domain::closed_set!(IssueSeverity, "import issue severity", {
    Error => "error",
    Skipped => "skipped",
    Note => "note",
});

/// What will happen to a previewed row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PreviewStatus {
    /// Valid and new: it goes in.
    Ok,
    /// A field is wrong.
    Invalid,
    /// The ID number is enrolled already.
    AlreadyEnrolled,
    /// The same ID number is in an earlier row.
    DuplicateInFile,
    /// Valid and new but lacking details completed later: it goes in as 待补全.
    ToComplete,
    /// Fine but for the file-wide consent date / agency check the clerk has not confirmed yet.
    NeedsConfirmation,
}

certdesk_domain::closed_set!(PreviewStatus, "import preview status", {
    Ok => "ok",
    Invalid => "invalid",
    AlreadyEnrolled => "already_enrolled",
    DuplicateInFile => "duplicate_in_file",
    ToComplete => "to_complete",
    NeedsConfirmation => "needs_confirmation",
});

/// The kind of spreadsheet file read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FileKind {
    /// Excel (.xlsx, also .xls and .ods through the same reader).
    Xlsx,
    /// Comma-separated text (UTF-8, UTF-16 or GB18030).
    Csv,
}

certdesk_domain::closed_set!(FileKind, "spreadsheet kind", {
    Xlsx => "xlsx",
    Csv => "csv",
});

/// One row of the preview grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PreviewRow {
    pub row: usize,
    /// Field → the text read from the file (what would be validated).
    pub values: BTreeMap<String, String>,
    pub status: PreviewStatus,
}

/// What an import (or its preview) found and did.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    pub file_kind: FileKind,
    /// For csv: `utf-8`, `utf-16`, `gb18030`.
    pub encoding: Option<String>,
    /// For xlsx: the sheet read (the first one).
    pub sheet: Option<String>,
    /// The row holding the headers (the first of two when a group header spans sub-headers).
    pub header_row: usize,
    pub mapping: Vec<ColumnMapping>,
    /// Headers that mean nothing to the desk (ignored).
    pub ignored_headers: Vec<String>,
    /// The file lacks usable consent dates and none was given in the options.
    pub needs_consent_date: bool,
    /// The file lacks agency checks and the clerk has not confirmed them.
    pub needs_agency_check: bool,
    /// Data rows (blank rows not counted).
    pub total_rows: usize,
    pub blank_rows: usize,
    /// Rows that are valid and new (imported, or would be in a preview), those to be
    /// completed included.
    pub valid_rows: usize,
    /// Of `valid_rows`, those lacking an address or emergency contact: enrolled as 待补全.
    pub to_complete: usize,
    /// Rows actually written (0 in a preview).
    pub imported: usize,
    pub already_enrolled: usize,
    pub invalid_rows: usize,
    /// True for a preview / dry run: nothing was written.
    pub dry_run: bool,
    pub issues: Vec<ImportIssue>,
    pub preview: Vec<PreviewRow>,
    /// The ids of the workers imported.
    pub worker_ids: Vec<String>,
}

/// Read a file to import, refusing it before reading when it is too large.
pub fn read_import_file(path: &Path) -> DeskResult<Vec<u8>> {
    certdesk_sheet::read_file(path).map_err(|e| sheet_error(e, Some(path)))
}

/// Read an .xlsx or .csv within every cap of the module docs (the one reader of every import).
pub(crate) fn read_sheet(bytes: &[u8]) -> DeskResult<Sheet> {
    certdesk_sheet::read(bytes).map_err(|e| sheet_error(e, None))
}

/// The clerk's sentence for a file the spreadsheet reader refused.
fn sheet_error(e: ReadError, path: Option<&Path>) -> DeskError {
    match e {
        ReadError::Unreadable(e) => {
            let path = path.map(|p| p.display().to_string()).unwrap_or_default();
            messages::import_file_unreadable(&path, e)
        }
        ReadError::TooLarge { bytes } => messages::import_file_too_large(bytes / 1024 / 1024, MAX_IMPORT_BYTES / 1024 / 1024),
        ReadError::UnzipsTooLarge { declared } => {
            messages::import_unzips_too_large(declared / 1024 / 1024, MAX_UNZIPPED_BYTES / 1024 / 1024)
        }
        ReadError::UnzipsBeyondDeclared => messages::import_unzips_beyond_declared(),
        ReadError::TooMuchText => messages::import_too_much_text(certdesk_sheet::MAX_TEXT_BYTES as u64 / 1024 / 1024),
        ReadError::NotASpreadsheet => messages::not_a_spreadsheet(),
        ReadError::XlsUnsupported => messages::xls_unsupported(),
        ReadError::NoWorksheet => messages::no_worksheet(),
        ReadError::TooManyRows => messages::too_many_rows(MAX_IMPORT_ROWS),
    }
}

/// What kind of file the spreadsheet reader read, as a report names it.
pub(crate) fn file_kind(sheet: &Sheet) -> FileKind {
    match sheet.format {
        certdesk_sheet::Format::Xlsx => FileKind::Xlsx,
        certdesk_sheet::Format::Csv => FileKind::Csv,
    }
}

// ---- headers ------------------------------------------------------------------------------

/// The worker fields an import reads, in form order, with the headers that name them.
const FIELDS: &[(&str, &[&str])] = &[
    ("name", &["姓名", "名字", "员工姓名", "人员姓名", "从业人员姓名", "name", "fullname"]),
    ("id_number", &["身份证号", "身份证号码", "身份证", "公民身份号码", "证件号码", "身份证件号码", "idnumber", "id", "idno", "idcard"]),
    ("phone", &["手机", "手机号", "手机号码", "电话", "联系电话", "电话号码", "联系方式", "phone", "mobile", "phonenumber", "mobilenumber"]),
    ("address", &["住址", "地址", "家庭住址", "居住地址", "现住址", "联系地址", "address"]),
    ("service_types", &["服务类型", "服务项目", "工种", "服务类别", "servicetypes", "servicetype", "services"]),
    ("emergency_contact_name", &["紧急联系人", "紧急联系人姓名", "emergencycontact", "emergencycontactname"]),
    ("emergency_contact_phone", &["紧急联系人电话", "紧急联系电话", "紧急联系人手机", "紧急联系人手机号", "emergencyphone", "emergencycontactphone"]),
    ("consent_date", &["征信授权日期", "授权日期", "征信授权书签署日期", "授权书签署日期", "征信授权", "consentdate", "consent"]),
    ("agency_check", &["企业核实", "是否企业核实", "企业核实情况", "已企业核实", "agencycheck", "agencychecked"]),
];

/// Columns a file must have. The address and emergency contact may be
/// missing altogether (`certdesk_domain::COMPLETED_LATER`): an existing staff sheet often has none, and its rows go in as 待补全.
const REQUIRED: &[&str] = &["name", "id_number", "phone", "service_types"];

/// A header reduced to what identifies it: no spaces, marks, "(必填)" notes; ASCII lower case.
pub(crate) fn normalise_header(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in h.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        match c {
            '(' | '[' | '【' => depth += 1,
            ')' | ']' | '】' => depth = (depth - 1).max(0),
            _ if depth > 0 => {}
            c if c.is_whitespace() || "*:_-./".contains(c) || c == '：' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The fields an import reads, each with the (normalised) headers that name it.
pub(crate) type FieldTable = &'static [(&'static str, &'static [&'static str])];

#[cfg(test)]
fn field_of(header: &str) -> Option<&'static str> {
    field_in(FIELDS, header)
}

fn field_in(fields: FieldTable, header: &str) -> Option<&'static str> {
    let n = normalise_header(header);
    fields.iter().find(|(_, names)| names.iter().any(|x| *x == n)).map(|(f, _)| *f)
}

/// Excel's column letter for a 0-based column.
/// A column's label, as the clerk's sentences name it.
pub(crate) fn label(field: &str) -> Bilingual {
    Bilingual::new(certdesk_domain::messages::field_label_zh(field), certdesk_domain::messages::field_label_en(field))
}

pub(crate) struct Header {
    pub(crate) row: usize,
    /// Field → column.
    pub(crate) columns: HashMap<&'static str, usize>,
    pub(crate) mapping: Vec<ColumnMapping>,
    pub(crate) ignored: Vec<String>,
}

/// The header texts of one row, or of two rows read together: a group header merged over
/// its sub-headers (紧急联系人 over 姓名 | 电话) reads as 紧急联系人姓名 | 紧急联系人电话.
fn header_texts(first: &[Cell], second: Option<&[Cell]>) -> Vec<String> {
    let Some(second) = second else { return first.iter().map(Cell::text).collect() };
    (0..first.len().max(second.len()))
        .map(|c| {
            let parent = first.get(c).map(Cell::text).unwrap_or_default();
            let child = second.get(c).map(Cell::text).unwrap_or_default();
            match (parent.is_empty(), child.is_empty()) {
                (false, false) if parent != child => format!("{parent}{child}"),
                (false, _) => parent,
                _ => child,
            }
        })
        .collect()
}

/// The header: the row (or pair of rows) among the first few that names the most fields. A
/// pair wins only when it names strictly more than either row alone. Returns the index of the
/// first data row with it.
fn find_header(sheet: &Sheet) -> DeskResult<(usize, Header)> {
    find_header_in(sheet, FIELDS, REQUIRED, &headers_missing)
}

/// [`find_header`] for any import: its own fields and required ones, and its own sentence for
/// missing columns (given the missing fields and the headers found).
pub(crate) fn find_header_in(
    sheet: &Sheet,
    fields: FieldTable,
    required: &[&'static str],
    missing_error: &dyn Fn(&[&str], &[String]) -> DeskError,
) -> DeskResult<(usize, Header)> {
    let mut best: Option<(usize, Header)> = None;
    let rows = &sheet.rows;
    let candidates = (0..rows.len().min(HEADER_SEARCH_ROWS)).flat_map(|i| {
        let pair = (i + 1 < rows.len() && rows[i + 1].0 == rows[i].0 + 1).then_some((i, 2));
        std::iter::once((i, 1)).chain(pair)
    });
    for (i, span) in candidates {
        let texts = header_texts(&rows[i].1, (span == 2).then(|| rows[i + 1].1.as_slice()));
        let row_no = &rows[i].0;
        let mut columns = HashMap::new();
        let mut mapping = Vec::new();
        let mut ignored = Vec::new();
        for (c, text) in texts.into_iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            match field_in(fields, &text) {
                Some(f) if !columns.contains_key(f) => {
                    columns.insert(f, c);
                    mapping.push(ColumnMapping { field: f.into(), header: text, column: column_letter(c) });
                }
                _ => ignored.push(text),
            }
        }
        if best.as_ref().is_none_or(|(_, b)| columns.len() > b.columns.len()) {
            best = Some((i + span, Header { row: *row_no, columns, mapping, ignored }));
        }
    }
    let Some((data_start, header)) = best.filter(|(_, h)| !h.columns.is_empty()) else {
        if sheet.rows.iter().all(|(_, cells)| cells.iter().all(Cell::is_blank)) {
            return Err(messages::import_empty());
        }
        return Err(missing_error(required, &[]));
    };
    let missing: Vec<&str> = required.iter().copied().filter(|f| !header.columns.contains_key(f)).collect();
    if !missing.is_empty() {
        let found: Vec<String> = header.mapping.iter().map(|m| m.header.clone()).chain(header.ignored.iter().cloned()).collect();
        return Err(missing_error(&missing, &found));
    }
    Ok((data_start, header))
}

fn headers_missing(missing: &[&str], found: &[String]) -> DeskError {
    let labels: Vec<Bilingual> = missing.iter().map(|f| label(f)).collect();
    let mut e = messages::import_headers_missing(&labels, found);
    e.fields = missing
        .iter()
        .zip(&labels)
        .map(|(f, l)| FieldError::with(f, codes::HEADERS_MISSING, messages::column_missing(l)))
        .collect();
    e
}

// ---- cell meaning -------------------------------------------------------------------------

fn yes_no(raw: &Cell) -> Option<Option<bool>> {
    if raw.is_blank() {
        return Some(None);
    }
    let t = raw.text().trim().to_lowercase();
    match t.as_str() {
        "是" | "已核实" | "已" | "有" | "√" | "✓" | "✔" | "y" | "yes" | "true" | "1" | "done" | "checked" => Some(Some(true)),
        "否" | "未核实" | "未" | "无" | "×" | "✗" | "n" | "no" | "false" | "0" => Some(Some(false)),
        _ => None,
    }
}

/// What Excel does to an ID number typed without the text format: 1.10105E+17, its last
/// digits replaced by zeros. Detect it, because the number cannot be recovered.
pub(crate) fn id_lost_as_number(raw: &Cell) -> bool {
    match raw {
        Cell::Number(n) => *n >= 1e15,
        Cell::Text(t) => {
            let t = t.trim().to_uppercase();
            t.contains("E+") && t.replace("E+", "").replace('.', "").bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

// ---- the import ---------------------------------------------------------------------------

struct Row {
    row: usize,
    values: BTreeMap<String, String>,
    input: Option<WorkerInput>,
    id_number: Option<String>,
    issues: Vec<ImportIssue>,
    /// Remarks on a row that goes in (待补全), reported only if it does.
    notes: Vec<ImportIssue>,
    /// Valid but lacking details completed later.
    to_complete: bool,
}

impl Desk {
    /// Read the file and report what an import would do, writing nothing: the mapping, the
    /// first `options.preview_rows` rows, and every row's problems.
    pub fn preview_import(&self, bytes: &[u8], options: &ImportOptions) -> DeskResult<ImportReport> {
        let (report, _) = self.analyse(bytes, options, &mut |_, _| {})?;
        Ok(report)
    }

    /// Import the valid, new rows of the file in one transaction; `progress(done, total)` is
    /// called as rows are checked (the first half of `total`) and written (the second half),
    /// ending with `done == total`. Refuses (writing nothing) when the file needs
    /// a consent date or agency-check confirmation it was not given.
    pub fn import_workers(
        &mut self,
        actor: &SessionUser,
        bytes: &[u8],
        options: &ImportOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> DeskResult<ImportReport> {
        let (mut report, rows) = self.analyse(bytes, options, progress)?;
        if report.needs_consent_date {
            return Err(messages::import_needs_consent_date());
        }
        if report.needs_agency_check {
            return Err(messages::import_needs_agency_check());
        }
        // One bar for both phases: reading and checking is the first half, writing the second.
        let n = report.total_rows + report.blank_rows;
        let total = rows.len();
        let tx = self.conn.unchecked_transaction()?;
        let mut ids = Vec::with_capacity(total);
        for (i, input) in rows.iter().enumerate() {
            ids.push(self.enrol_in_tx(&tx, actor, input, crate::workers::Details::Later)?);
            if i % 100 == 99 {
                progress(n + (i + 1) * n / total, 2 * n);
            }
        }
        tx.commit()?;
        progress(2 * n, 2 * n);
        report.imported = ids.len();
        report.worker_ids = ids;
        report.dry_run = false;
        Ok(report)
    }

    /// Parse, map and validate every row; the valid new rows come back ready to enrol.
    fn analyse(
        &self,
        bytes: &[u8],
        options: &ImportOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> DeskResult<(ImportReport, Vec<WorkerInput>)> {
        let sheet = read_sheet(bytes)?;
        let (data_start, header) = find_header(&sheet)?;
        let data = &sheet.rows[data_start..];
        let today = self.today();
        let default_consent = options.consent_date.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let mut needs_consent_date = false;
        let mut needs_agency_check = false;
        let mut blank_rows = 0;
        let mut rows = Vec::new();
        let total_guess = data.len();
        for (k, (row_no, cells)) in data.iter().enumerate() {
            let get = |f: &str| header.columns.get(f).and_then(|&c| cells.get(c)).cloned().unwrap_or(Cell::Empty);
            if header.columns.values().all(|&c| cells.get(c).is_none_or(Cell::is_blank)) {
                blank_rows += 1;
                continue;
            }
            if rows.len() >= MAX_IMPORT_ROWS {
                return Err(sheet_error(ReadError::TooManyRows, None));
            }
            let mut issues = Vec::new();
            // Remarks on a row that still goes in (待补全): not problems of the row.
            let mut notes = Vec::new();
            let issue = |field: &str, code: &str, message: Bilingual| {
                let (zh, en) = message.into_pair();
                let col = header.columns.get(field).copied();
                ImportIssue {
                    row: *row_no,
                    column: col.map(column_letter),
                    header: col.and_then(|_| header.mapping.iter().find(|m| m.field == field).map(|m| m.header.clone())),
                    field: Some(field.to_string()),
                    code: code.to_string(),
                    message_zh: zh,
                    message_en: en,
                    severity: IssueSeverity::Error,
                }
            };
            let mut values = BTreeMap::new();
            for f in header.columns.keys() {
                values.insert(f.to_string(), get(f).text());
            }
            for (f, _) in FIELDS {
                if let Cell::Error(e) = get(f) {
                    issues.push(issue(f, codes::CELL_ERROR, rows::cell_error(&label(f), e)));
                }
            }
            // ID number: a number that lost its last digits cannot be recovered.
            let id_raw = get("id_number");
            let id_text = if id_lost_as_number(&id_raw) {
                issues.push(issue("id_number", codes::ID_AS_NUMBER, rows::id_as_number(&id_raw.text())));
                None
            } else {
                Some(id_raw.text())
            };
            // Dates in any form Excel writes; unreadable text goes to the form's rule as typed.
            let consent_raw = get("consent_date");
            let consent = if consent_raw.is_blank() {
                if default_consent.is_none() {
                    needs_consent_date = true;
                }
                default_consent.map(str::to_string)
            } else {
                Some(excel_date(&consent_raw).map(|d| d.to_string()).unwrap_or_else(|| consent_raw.text()))
            };
            let check = match yes_no(&get("agency_check")) {
                Some(Some(b)) => b,
                Some(None) => {
                    if !options.agency_checked {
                        needs_agency_check = true;
                    }
                    options.agency_checked
                }
                None => {
                    issues.push(issue("agency_check", codes::AGENCY_CHECK_VALUE, rows::agency_check_value(&get("agency_check").text())));
                    false
                }
            };
            let text_of = |f: &str| get(f).text();
            let form = certdesk_domain::WorkerInput {
                name: text_of("name"),
                id_number: id_text.clone().unwrap_or_default(),
                phone: text_of("phone"),
                address: text_of("address"),
                service_types: vec![text_of("service_types")],
                emergency_contact_name: text_of("emergency_contact_name"),
                emergency_contact_phone: text_of("emergency_contact_phone"),
                consent_date: consent,
                agency_check_done: check,
            };
            let mut id_number = None;
            let mut valid_form = false;
            let mut to_complete = false;
            match validate_worker_record(&form, today) {
                Ok(v) => {
                    id_number = Some(v.id_number.as_str().to_string());
                    valid_form = true;
                    let missing = v.missing_details();
                    if !missing.is_empty() {
                        to_complete = true;
                        let labels: Vec<Bilingual> = missing.iter().map(|f| label(f)).collect();
                        let mut note = issue(missing[0], codes::TO_COMPLETE, rows::to_complete(&labels));
                        note.severity = IssueSeverity::Note;
                        notes.push(note);
                    }
                }
                Err(errors) => {
                    for e in errors {
                        // Already reported above in a clearer way.
                        if e.field == "id_number" && id_text.is_none() {
                            continue;
                        }
                        if e.field == "agency_check" && issues.iter().any(|i| i.code == codes::AGENCY_CHECK_VALUE) {
                            continue;
                        }
                        // Missing confirmation for the whole file is reported once, not per row.
                        if (e.field == "consent_date" && default_consent.is_none() && consent_raw.is_blank())
                            || (e.field == "agency_check" && !options.agency_checked && get("agency_check").is_blank())
                        {
                            continue;
                        }
                        let field = if e.field == "agency_check" { "agency_check" } else { e.field.as_str() };
                        issues.push(issue(field, &e.code, e.message()));
                    }
                    // Still key duplicates by a readable ID number, so the report names them.
                    if let Some(t) = &id_text {
                        id_number = IdNumber::parse(t, today).ok().map(|i| i.as_str().to_string());
                    }
                }
            }
            let input = (issues.is_empty() && valid_form).then_some(WorkerInput { form, photo_sha256: None });
            rows.push(Row { row: *row_no, values, input, id_number, issues, notes, to_complete });
            if k % 500 == 499 {
                progress(k + 1, total_guess * 2);
            }
        }
        progress(total_guess, total_guess * 2);

        // Duplicates within the file, then against the desk.
        let mut first_seen: HashMap<String, usize> = HashMap::new();
        let mut statuses = Vec::with_capacity(rows.len());
        let mut valid = Vec::new();
        let mut issues = Vec::new();
        let mut already = 0;
        let mut invalid = 0;
        let mut to_complete = 0;
        let id_col = header.columns.get("id_number").copied();
        let id_header = header.mapping.iter().find(|m| m.field == "id_number").map(|m| m.header.clone());
        for mut r in rows {
            // A row with no problem of its own that still cannot go in waits for the file-wide
            // confirmation (consent date, agency check).
            let mut status = match (r.issues.is_empty(), r.input.is_some()) {
                (true, true) if r.to_complete => PreviewStatus::ToComplete,
                (true, true) => PreviewStatus::Ok,
                (true, false) => PreviewStatus::NeedsConfirmation,
                _ => PreviewStatus::Invalid,
            };
            if let Some(id) = &r.id_number {
                if let Some(first) = first_seen.get(id) {
                    r.issues.push(ImportIssue {
                        row: r.row,
                        column: id_col.map(column_letter),
                        header: id_header.clone(),
                        field: Some("id_number".into()),
                        code: codes::DUPLICATE_IN_FILE.into(),
                        message_zh: rows::duplicate_in_file(*first).zh,
                        message_en: rows::duplicate_in_file(*first).en,
                        severity: IssueSeverity::Error,
                    });
                    status = PreviewStatus::DuplicateInFile;
                } else {
                    first_seen.insert(id.clone(), r.row);
                    let existing = crate::table::workers::name_by_id_number(&self.conn, id)?;
                    if let Some(name) = existing {
                        r.issues.push(ImportIssue {
                            row: r.row,
                            column: id_col.map(column_letter),
                            header: id_header.clone(),
                            field: Some("id_number".into()),
                            code: codes::ALREADY_ENROLLED.into(),
                            message_zh: rows::already_enrolled(&name).zh,
                            message_en: rows::already_enrolled(&name).en,
                            severity: IssueSeverity::Skipped,
                        });
                        status = PreviewStatus::AlreadyEnrolled;
                    }
                }
            }
            match status {
                PreviewStatus::Ok => valid.push(r.input.take().expect("ok rows carry their input")),
                PreviewStatus::ToComplete => {
                    valid.push(r.input.take().expect("ok rows carry their input"));
                    to_complete += 1;
                    r.issues.append(&mut r.notes);
                }
                PreviewStatus::AlreadyEnrolled => already += 1,
                PreviewStatus::NeedsConfirmation => {}
                PreviewStatus::Invalid | PreviewStatus::DuplicateInFile => invalid += 1,
            }
            statuses.push((r.row, r.values, status));
            issues.extend(r.issues);
        }
        let statuses_len = statuses.len();
        let preview = statuses
            .into_iter()
            .take(options.preview_rows)
            .map(|(row, values, status)| PreviewRow { row, values, status })
            .collect();
        let report = ImportReport {
            file_kind: file_kind(&sheet),
            encoding: sheet.encoding.clone(),
            sheet: sheet.name.clone(),
            header_row: header.row,
            mapping: header.mapping,
            ignored_headers: header.ignored,
            needs_consent_date,
            needs_agency_check,
            total_rows: statuses_len,
            blank_rows,
            valid_rows: valid.len(),
            to_complete,
            imported: 0,
            already_enrolled: already,
            invalid_rows: invalid,
            dry_run: true,
            issues,
            preview,
            worker_ids: Vec::new(),
        };
        Ok((report, valid))
    }
}

/// The report as a spreadsheet the clerk can save and fix the file by: .xlsx or .csv (UTF-8
/// with BOM, so Excel reads the Chinese), chosen by the path's extension. No ID numbers.
pub fn write_import_report(report: &ImportReport, path: &Path) -> DeskResult<()> {
    write_issues_report(&report.issues, path)
}

/// An import's report lines as a spreadsheet (.xlsx or .csv by the extension), whichever
/// import made them.
pub fn write_issues_report(issues: &[ImportIssue], path: &Path) -> DeskResult<()> {
    let headers = ["行号 Row", "列 Column", "表头 Header", "代码 Code", "问题", "Problem", "处理 Result"];
    let rows: Vec<[String; 7]> = issues
        .iter()
        .map(|i| {
            [
                i.row.to_string(),
                i.column.clone().unwrap_or_default(),
                i.header.clone().unwrap_or_default(),
                i.code.clone(),
                i.message_zh.clone(),
                i.message_en.clone(),
                rows::outcome(i.severity).into(),
            ]
        })
        .collect();
    crate::roster::write_table(path, "导入报告", &headers, rows.iter().map(|r| r.iter().map(|c| WriteCell::Text(c.clone())).collect()), &[8, 6, 16, 22, 60, 60, 16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised_in_chinese_and_english_with_notes_and_marks() {
        assert_eq!(field_of("姓名"), Some("name"));
        assert_eq!(field_of(" *身份证号码（必填） "), Some("id_number"));
        assert_eq!(field_of("ID Number"), Some("id_number"));
        assert_eq!(field_of("手机号"), Some("phone"));
        assert_eq!(field_of("紧急联系人电话"), Some("emergency_contact_phone"));
        assert_eq!(field_of("Emergency contact"), Some("emergency_contact_name"));
        assert_eq!(field_of("备注"), None);
    }

    #[test]
    fn id_numbers_excel_turned_into_numbers_are_detected() {
        assert!(id_lost_as_number(&Cell::Number(110105194912310000.0)));
        assert!(id_lost_as_number(&Cell::Text("1.10105E+17".into())));
        assert!(!id_lost_as_number(&Cell::Number(110105491231002.0)), "15 digits survive a double");
        assert!(!id_lost_as_number(&Cell::Text("11010519491231002X".into())));
    }
}
