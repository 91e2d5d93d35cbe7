//! Health checks (体检) and insurance (保险) of a worker: their closed sets, what a clerk types
//! for them, and the rules that refuse a wrong one.
//!
//! The national scheme (商服贸规函〔2020〕191号) grades a health check in four categories
//! (一般, 居家, 养老照护, 母婴照护); a report is valid for one year unless it says otherwise.
//! Insurance is accident insurance (意外险), employer's liability (雇主责任险) or another kind,
//! with a policy number and a period. The report itself is a PDF or an image of at most
//! [`MAX_REPORT_BYTES`], recognised by its first bytes, never by its file name.
//!
//! This module must never read a clock or a file: "today" and the report's bytes are
//! arguments. Whether a worker's checks are in date on a given day is
//! [`crate::standing`]'s rule, not this one's.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::agency::parse_required_text;
use crate::messages as msg;
use crate::FieldError;

/// Stable error codes of health checks and insurance.
pub mod codes {
    /// Not one of 一般, 居家, 养老照护, 母婴照护.
    pub const HEALTH_CATEGORY_INVALID: &str = "health_category_invalid";
    /// Neither 合格 nor 不合格.
    pub const HEALTH_RESULT_INVALID: &str = "health_result_invalid";
    /// Not one of 意外险, 雇主责任险, 其他.
    pub const INSURANCE_KIND_INVALID: &str = "insurance_kind_invalid";
    /// A health check valid until a day before it was taken.
    pub const HEALTH_VALID_BEFORE_TAKEN: &str = "health_valid_before_taken";
    /// A policy that ends before it starts.
    pub const INSURANCE_ENDS_BEFORE_START: &str = "insurance_ends_before_start";
    /// A report file that is neither a PDF nor a JPEG or PNG image.
    pub const REPORT_FORMAT: &str = "report_format";
    /// A report file over [`super::MAX_REPORT_BYTES`].
    pub const REPORT_TOO_LARGE: &str = "report_too_large";
    /// An empty report file.
    pub const REPORT_EMPTY: &str = "report_empty";
}

/// The largest report file taken (10 MB).
pub const MAX_REPORT_BYTES: usize = 10 * 1024 * 1024;

/// How long a health check is valid when the report does not say: one year.
pub const DEFAULT_HEALTH_VALIDITY_MONTHS: u32 = 12;

/// The category of a health check (体检类别), as the national scheme grades it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum HealthCategory {
    /// 一般.
    General,
    /// 居家.
    Home,
    /// 养老照护.
    ElderCare,
    /// 母婴照护.
    MaternityCare,
}

crate::closed_set!(HealthCategory, "health check category", {
    General => "general",
    Home => "home",
    ElderCare => "elder_care",
    MaternityCare => "maternity_care",
});

impl HealthCategory {
    /// Chinese label, as on the report.
    pub fn label_zh(&self) -> &'static str {
        match self {
            HealthCategory::General => "一般",
            HealthCategory::Home => "居家",
            HealthCategory::ElderCare => "养老照护",
            HealthCategory::MaternityCare => "母婴照护",
        }
    }

    /// English label.
    pub fn label_en(&self) -> &'static str {
        match self {
            HealthCategory::General => "General",
            HealthCategory::Home => "Home",
            HealthCategory::ElderCare => "Elder care",
            HealthCategory::MaternityCare => "Maternity care",
        }
    }

    /// Reads the code, the Chinese or the English label (forms send codes, sheets labels).
    pub fn parse(s: &str) -> Result<HealthCategory, FieldError> {
        parse_label(s, &Self::ALL, Self::code, Self::label_zh, Self::label_en)
            .ok_or_else(|| msg::health_category_invalid(s.trim()))
    }
}

/// The result of a health check (体检结论).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum HealthResult {
    /// 合格.
    Pass,
    /// 不合格.
    Fail,
}

crate::closed_set!(HealthResult, "health check result", {
    Pass => "pass",
    Fail => "fail",
});

impl HealthResult {
    /// Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            HealthResult::Pass => "合格",
            HealthResult::Fail => "不合格",
        }
    }

    /// English label.
    pub fn label_en(&self) -> &'static str {
        match self {
            HealthResult::Pass => "Pass",
            HealthResult::Fail => "Fail",
        }
    }

    /// Reads the code, the Chinese or the English label.
    pub fn parse(s: &str) -> Result<HealthResult, FieldError> {
        parse_label(s, &Self::ALL, Self::code, Self::label_zh, Self::label_en)
            .ok_or_else(|| msg::health_result_invalid(s.trim()))
    }
}

/// The kind of an insurance policy (险种).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum InsuranceKind {
    /// 意外险.
    Accident,
    /// 雇主责任险.
    EmployerLiability,
    /// 其他.
    Other,
}

crate::closed_set!(InsuranceKind, "insurance kind", {
    Accident => "accident",
    EmployerLiability => "employer_liability",
    Other => "other",
});

impl InsuranceKind {
    /// Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            InsuranceKind::Accident => "意外险",
            InsuranceKind::EmployerLiability => "雇主责任险",
            InsuranceKind::Other => "其他",
        }
    }

    /// English label.
    pub fn label_en(&self) -> &'static str {
        match self {
            InsuranceKind::Accident => "Accident",
            InsuranceKind::EmployerLiability => "Employer's liability",
            InsuranceKind::Other => "Other",
        }
    }

    /// Reads the code, the Chinese or the English label (also 意外伤害险 and 雇主险, as policies
    /// often name them).
    pub fn parse(s: &str) -> Result<InsuranceKind, FieldError> {
        match s.trim() {
            "意外伤害险" | "意外伤害保险" | "意外保险" => return Ok(InsuranceKind::Accident),
            "雇主险" | "雇主责任保险" => return Ok(InsuranceKind::EmployerLiability),
            _ => {}
        }
        parse_label(s, &Self::ALL, Self::code, Self::label_zh, Self::label_en)
            .ok_or_else(|| msg::insurance_kind_invalid(s.trim()))
    }
}

/// Gathers every refused field of a form.
struct Collector<'a>(&'a mut Vec<FieldError>);

impl Collector<'_> {
    fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }
}

/// The value whose code or label (either language, any case) is `s`.
fn parse_label<T: Copy>(
    s: &str,
    all: &[T],
    code: fn(&T) -> &'static str,
    zh: fn(&T) -> &'static str,
    en: fn(&T) -> &'static str,
) -> Option<T> {
    let t = s.trim().to_lowercase();
    all.iter().copied().find(|v| code(v) == t || zh(v) == t || en(v).to_lowercase() == t)
}

/// Reads a date as clerks and spreadsheets write it: 2026-01-05, 2026/1/5, 2026.1.5. A blank
/// field is `required`.
pub fn parse_date(typed: &str, field: &str) -> Result<NaiveDate, FieldError> {
    let t = typed.trim();
    if t.is_empty() {
        return Err(msg::required(field));
    }
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        .ok_or_else(|| msg::date_invalid(field, t))
}

/// What the health-check form sends (the worker and the report file travel beside it).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HealthCheckInput {
    /// 体检日期, `YYYY-MM-DD`.
    pub checked_on: String,
    /// 体检机构.
    pub institution: String,
    /// 体检类别: a [`HealthCategory`] code or label.
    #[cfg_attr(feature = "ts", ts(as = "HealthCategory"))]
    pub category: String,
    /// 体检结论: `pass`/`fail` or 合格/不合格.
    #[cfg_attr(feature = "ts", ts(as = "HealthResult"))]
    pub result: String,
    /// 有效期至; blank means one year after the check.
    pub valid_until: Option<String>,
}

/// A health check that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidHealthCheck {
    /// When it was taken (not after today).
    pub checked_on: NaiveDate,
    /// Where.
    pub institution: String,
    /// The category.
    pub category: HealthCategory,
    /// 合格 or 不合格.
    pub result: HealthResult,
    /// The last day it counts (not before `checked_on`).
    pub valid_until: NaiveDate,
}

/// The default end of a health check's validity: the same day a year later (28 February for
/// a check on 29 February), as a report valid "one year" is read.
pub fn default_health_valid_until(checked_on: NaiveDate) -> NaiveDate {
    checked_on.checked_add_months(Months::new(DEFAULT_HEALTH_VALIDITY_MONTHS)).unwrap_or(NaiveDate::MAX)
}

/// Validates a health check; every wrong field at once.
pub fn validate_health_check(input: &HealthCheckInput, today: NaiveDate) -> Result<ValidHealthCheck, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut keep = Collector(&mut errors);
    let checked_on = keep.take(parse_date(&input.checked_on, "checked_on").and_then(|d| {
        if d > today {
            Err(msg::date_future("checked_on", d, today))
        } else {
            Ok(d)
        }
    }));
    let institution = keep.take(parse_required_text(&input.institution, "institution", 100));
    let category = keep.take(HealthCategory::parse(&input.category));
    let result = keep.take(HealthResult::parse(&input.result));
    let typed_until = input.valid_until.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let valid_until = match typed_until {
        Some(t) => keep.take(parse_date(t, "valid_until")),
        None => checked_on.map(default_health_valid_until),
    };
    if let (Some(on), Some(until)) = (checked_on, valid_until) {
        if until < on {
            keep.take(Err::<(), _>(msg::health_valid_before_taken(until, on)));
        }
    }
    match (checked_on, institution, category, result, valid_until) {
        (Some(checked_on), Some(institution), Some(category), Some(result), Some(valid_until)) if errors.is_empty() => {
            Ok(ValidHealthCheck { checked_on, institution, category, result, valid_until })
        }
        _ => Err(errors),
    }
}

/// What the insurance form sends (the worker travels beside it).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InsuranceInput {
    /// 保险公司.
    pub insurer: String,
    /// 保单号.
    pub policy_number: String,
    /// 险种: an [`InsuranceKind`] code or label.
    #[cfg_attr(feature = "ts", ts(as = "InsuranceKind"))]
    pub kind: String,
    /// 保险起期, `YYYY-MM-DD`.
    pub valid_from: String,
    /// 保险止期, `YYYY-MM-DD` (the last day covered).
    pub valid_until: String,
}

/// An insurance policy that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidInsurance {
    /// The insurer.
    pub insurer: String,
    /// The policy number, as printed (letters, digits, dashes).
    pub policy_number: String,
    /// The kind.
    pub kind: InsuranceKind,
    /// The first day covered.
    pub valid_from: NaiveDate,
    /// The last day covered (not before `valid_from`).
    pub valid_until: NaiveDate,
}

/// Validates an insurance policy; every wrong field at once. A policy may start in the future
/// (bought ahead); it may not end before it starts.
pub fn validate_insurance(input: &InsuranceInput) -> Result<ValidInsurance, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut keep = Collector(&mut errors);
    let insurer = keep.take(parse_required_text(&input.insurer, "insurer", 100));
    let policy_number = keep.take(parse_required_text(&input.policy_number, "policy_number", 64).map(|p| p.to_uppercase()));
    let kind = keep.take(InsuranceKind::parse(&input.kind));
    let valid_from = keep.take(parse_date(&input.valid_from, "valid_from"));
    let valid_until = keep.take(parse_date(&input.valid_until, "valid_until"));
    if let (Some(from), Some(until)) = (valid_from, valid_until) {
        if until < from {
            keep.take(Err::<(), _>(msg::insurance_ends_before_start(until, from)));
        }
    }
    match (insurer, policy_number, kind, valid_from, valid_until) {
        (Some(insurer), Some(policy_number), Some(kind), Some(valid_from), Some(valid_until)) if errors.is_empty() => {
            Ok(ValidInsurance { insurer, policy_number, kind, valid_from, valid_until })
        }
        _ => Err(errors),
    }
}

/// What a report file is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReportFormat {
    /// `%PDF-`.
    Pdf,
    /// A JPEG image.
    Jpeg,
    /// A PNG image.
    Png,
}

impl ReportFormat {
    /// The MIME type the file is served and stored as.
    pub fn mime(&self) -> &'static str {
        match self {
            ReportFormat::Pdf => "application/pdf",
            ReportFormat::Jpeg => "image/jpeg",
            ReportFormat::Png => "image/png",
        }
    }
}

/// Refuses a report of `size` bytes over [`MAX_REPORT_BYTES`] (also before reading a file or
/// decoding what a window sent, so a huge one is never held whole).
pub fn check_report_size(size: usize) -> Result<(), FieldError> {
    if size > MAX_REPORT_BYTES {
        return Err(msg::report_too_large(size, MAX_REPORT_BYTES));
    }
    Ok(())
}

/// Checks a report file: a PDF, JPEG or PNG (by its first bytes: a renamed file is what it
/// is), not empty, at most [`MAX_REPORT_BYTES`]. Errors use field `report`.
pub fn check_report_file(bytes: &[u8]) -> Result<ReportFormat, FieldError> {
    if bytes.is_empty() {
        return Err(msg::report_empty());
    }
    check_report_size(bytes.len())?;
    if bytes.starts_with(b"%PDF-") {
        Ok(ReportFormat::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(ReportFormat::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Ok(ReportFormat::Png)
    } else {
        Err(msg::report_format())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Code;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn today() -> NaiveDate {
        day("2026-12-03")
    }

    fn check() -> HealthCheckInput {
        HealthCheckInput {
            checked_on: "2026-03-01".into(),
            institution: " 上海市徐汇区中心医院 ".into(),
            category: "居家".into(),
            result: "合格".into(),
            valid_until: None,
        }
    }

    fn policy() -> InsuranceInput {
        InsuranceInput {
            insurer: "中国人民财产保险".into(),
            policy_number: "pa2026-0001".into(),
            kind: "意外险".into(),
            valid_from: "2026-01-01".into(),
            valid_until: "2026/12/31".into(),
        }
    }

    #[test]
    fn a_health_check_without_an_end_is_valid_for_one_year() {
        let v = validate_health_check(&check(), today()).unwrap();
        assert_eq!(v.valid_until, day("2027-03-01"), "one year after the check, the same day");
        assert_eq!(v.category, HealthCategory::Home);
        assert_eq!(v.result, HealthResult::Pass);
        assert_eq!(v.institution, "上海市徐汇区中心医院", "trimmed");
        assert_eq!(default_health_valid_until(day("2024-02-29")), day("2025-02-28"), "a leap day ends on the 28th");
    }

    #[test]
    fn a_health_check_valid_before_it_was_taken_is_refused_naming_the_field() {
        let input = HealthCheckInput { valid_until: Some("2026-02-28".into()), ..check() };
        let errors = validate_health_check(&input, today()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "valid_until");
        assert_eq!(errors[0].code, codes::HEALTH_VALID_BEFORE_TAKEN);
        assert!(errors[0].message_zh.contains("有效期至") && errors[0].message_zh.contains("2026-03-01"), "{}", errors[0].message_zh);
        let same_day = HealthCheckInput { valid_until: Some("2026-03-01".into()), ..check() };
        assert!(validate_health_check(&same_day, today()).is_ok(), "valid on the day it was taken only is allowed");
    }

    #[test]
    fn a_health_check_in_the_future_or_with_unknown_words_is_refused_field_by_field() {
        let input = HealthCheckInput {
            checked_on: "2026-12-04".into(),
            institution: "".into(),
            category: "特级".into(),
            result: "良好".into(),
            valid_until: Some("someday".into()),
        };
        let errors = validate_health_check(&input, today()).unwrap_err();
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("checked_on", "date_future"),
                ("institution", "required"),
                ("category", codes::HEALTH_CATEGORY_INVALID),
                ("result", codes::HEALTH_RESULT_INVALID),
                ("valid_until", "date_invalid"),
            ]
        );
        assert!(errors[2].message_zh.contains("一般") && errors[2].message_zh.contains("母婴照护"), "the sentence lists the categories");
    }

    #[test]
    fn every_category_result_and_kind_reads_from_its_code_and_both_labels() {
        for c in HealthCategory::ALL {
            for s in [c.code(), c.label_zh(), c.label_en()] {
                assert_eq!(HealthCategory::parse(s).unwrap(), c, "{s}");
            }
        }
        for r in HealthResult::ALL {
            for s in [r.code(), r.label_zh(), r.label_en()] {
                assert_eq!(HealthResult::parse(s).unwrap(), r, "{s}");
            }
        }
        for k in InsuranceKind::ALL {
            for s in [k.code(), k.label_zh(), k.label_en()] {
                assert_eq!(InsuranceKind::parse(s).unwrap(), k, "{s}");
            }
        }
        assert_eq!(InsuranceKind::parse("雇主险").unwrap(), InsuranceKind::EmployerLiability);
        assert_eq!(HealthCategory::ALL.map(|c| c.code()).join(","), "general,home,elder_care,maternity_care");
        assert_eq!(<InsuranceKind as Code>::from_code("accident"), Some(InsuranceKind::Accident));
    }

    #[test]
    fn a_policy_is_read_and_its_number_kept_in_capitals() {
        let v = validate_insurance(&policy()).unwrap();
        assert_eq!(v.policy_number, "PA2026-0001");
        assert_eq!((v.valid_from, v.valid_until), (day("2026-01-01"), day("2026-12-31")));
        assert_eq!(v.kind, InsuranceKind::Accident);
    }

    #[test]
    fn a_policy_ending_before_it_starts_is_refused_naming_the_end() {
        let input = InsuranceInput { valid_from: "2026-06-01".into(), valid_until: "2026-05-31".into(), ..policy() };
        let errors = validate_insurance(&input).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("valid_until", codes::INSURANCE_ENDS_BEFORE_START));
        assert!(errors[0].message_zh.contains("2026-05-31") && errors[0].message_zh.contains("2026-06-01"));
        let blank = validate_insurance(&InsuranceInput::default()).unwrap_err();
        let fields: Vec<&str> = blank.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["insurer", "policy_number", "kind", "valid_from", "valid_until"]);
    }

    #[test]
    fn a_report_is_a_pdf_or_an_image_by_its_bytes_and_at_most_10_mb() {
        assert_eq!(check_report_file(b"%PDF-1.7\n...").unwrap(), ReportFormat::Pdf);
        assert_eq!(check_report_file(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]).unwrap(), ReportFormat::Jpeg);
        assert_eq!(check_report_file(b"\x89PNG\r\n\x1a\n....").unwrap(), ReportFormat::Png);
        let text = check_report_file(b"hello, this is a .pdf by name only").unwrap_err();
        assert_eq!((text.field.as_str(), text.code.as_str()), ("report", codes::REPORT_FORMAT));
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_REPORT_BYTES + 1, b' ');
        let too_large = check_report_file(&big).unwrap_err();
        assert_eq!(too_large.code, codes::REPORT_TOO_LARGE);
        assert!(too_large.message_zh.contains("10 MB"), "{}", too_large.message_zh);
        big.truncate(MAX_REPORT_BYTES);
        assert!(check_report_file(&big).is_ok(), "exactly 10 MB is taken");
        assert_eq!(check_report_file(b"").unwrap_err().code, codes::REPORT_EMPTY);
    }
}
