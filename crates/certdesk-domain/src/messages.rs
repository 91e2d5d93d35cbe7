//! The catalogue of every message the domain layer shows to a clerk, in Chinese and English,
//! and the stable error codes they belong to.
//!
//! All wording lives here so it can be reviewed, translated and kept consistent in one place.
//! This module must never contain validation logic: callers decide *that* something is wrong,
//! this module only says *what* to tell the clerk.

use std::fmt::Display;

use crate::bilingual::Bilingual;
use crate::error::FieldError;
use crate::training::codes as training_codes;
use crate::text::{show_char, show_char_en};

/// Stable error codes. Front ends and tests match on these; never rename one.
pub mod codes {
    /// ID number left blank.
    pub const ID_EMPTY: &str = "id_empty";
    /// ID number is neither 15 nor 18 characters.
    pub const ID_LENGTH: &str = "id_length";
    /// A non-digit where a digit is required, or X anywhere but the check position.
    pub const ID_CHARS: &str = "id_chars";
    /// The address code is not a province (or permit) code.
    pub const ID_ADDRESS: &str = "id_address";
    /// The embedded birth date is not a real calendar date.
    pub const ID_BIRTH_DATE: &str = "id_birth_date";
    /// The embedded birth date is after today.
    pub const ID_BIRTH_FUTURE: &str = "id_birth_future";
    /// The embedded birth date is before 1900-01-01.
    pub const ID_BIRTH_TOO_OLD: &str = "id_birth_too_old";
    /// The check character does not match the first 17 digits.
    pub const ID_CHECK: &str = "id_check";
    /// The holder is younger than the minimum working age.
    pub const ID_TOO_YOUNG: &str = "id_too_young";
    /// Phone left blank.
    pub const PHONE_EMPTY: &str = "phone_empty";
    /// Phone is not a valid mobile (or landline, where allowed).
    pub const PHONE_INVALID: &str = "phone_invalid";
    /// Credit code left blank.
    pub const CREDIT_EMPTY: &str = "credit_empty";
    /// Credit code is not 18 characters.
    pub const CREDIT_LENGTH: &str = "credit_length";
    /// Credit code contains a character outside its charset.
    pub const CREDIT_CHARS: &str = "credit_chars";
    /// Credit code check character is wrong.
    pub const CREDIT_CHECK: &str = "credit_check";
    /// Person name left blank.
    pub const NAME_EMPTY: &str = "name_empty";
    /// Person name shorter than 2 or longer than 30 characters.
    pub const NAME_LENGTH: &str = "name_length";
    /// Person name contains a character not allowed in names (or a misplaced dot/space).
    pub const NAME_CHARS: &str = "name_chars";
    /// Not one of Shanghai's 16 districts.
    pub const DISTRICT_INVALID: &str = "district_invalid";
    /// A required text field left blank.
    pub const REQUIRED: &str = "required";
    /// A text field longer than allowed.
    pub const TOO_LONG: &str = "too_long";
    /// A text field containing control characters (tabs, line breaks...).
    pub const TEXT_CHARS: &str = "text_chars";
    /// A service type that is not in the list.
    pub const SERVICE_TYPE_INVALID: &str = "service_type_invalid";
    /// No service type chosen.
    pub const SERVICE_TYPES_EMPTY: &str = "service_types_empty";
    /// Consent (征信授权书) date missing.
    pub const CONSENT_MISSING: &str = "consent_missing";
    /// A date that could not be read.
    pub const DATE_INVALID: &str = "date_invalid";
    /// A date after today where only past dates make sense.
    pub const DATE_FUTURE: &str = "date_future";
    /// The agency check (企业核实) box was not ticked.
    pub const AGENCY_CHECK_MISSING: &str = "agency_check_missing";
}

use codes::*;

/// Chinese label of a form field, so messages built for a generic field (names, phones,
/// text) still say which box is wrong. Unknown fields fall back to the field name itself.
pub fn field_label_zh(field: &str) -> &str {
    match field {
        "name" => "姓名",
        "id_number" => "身份证号",
        "phone" => "手机号码",
        "address" => "住址",
        "service_types" => "服务类型",
        "emergency_contact_name" => "紧急联系人姓名",
        "emergency_contact_phone" => "紧急联系人电话",
        "consent_date" => "征信授权日期",
        "agency_check" => "企业核实",
        "credit_code" => "统一社会信用代码",
        "district" => "所在区",
        "agency_name" => "机构名称",
        "agency_phone" => "机构电话",
        "agency_address" => "机构地址",
        "contact_name" => "联系人姓名",
        "contact_phone" => "联系电话",
        "trainer" => "培训讲师",
        "place" => "培训地点",
        "title" => "培训主题",
        "supervisor_name" => "督导人员姓名",
        "checked_on" => "体检日期",
        "institution" => "体检机构",
        "category" => "体检类别",
        "result" => "体检结论",
        "valid_until" => "有效期至",
        "report" => "体检报告",
        "insurer" => "保险公司",
        "policy_number" => "保单号",
        "kind" => "险种",
        "valid_from" => "保险起期",
        other => other,
    }
}

/// English label of a form field; see [`field_label_zh`].
pub fn field_label_en(field: &str) -> &str {
    match field {
        "name" => "Name",
        "id_number" => "ID number",
        "phone" => "Mobile number",
        "address" => "Address",
        "service_types" => "Service types",
        "emergency_contact_name" => "Emergency contact name",
        "emergency_contact_phone" => "Emergency contact phone",
        "consent_date" => "Consent date",
        "agency_check" => "Agency check",
        "credit_code" => "Unified social credit code",
        "district" => "District",
        "agency_name" => "Agency name",
        "agency_phone" => "Agency phone",
        "agency_address" => "Agency address",
        "contact_name" => "Contact name",
        "contact_phone" => "Contact phone",
        "trainer" => "Trainer",
        "place" => "Training place",
        "title" => "Class title",
        "supervisor_name" => "Supervisor's name",
        "checked_on" => "Health check date",
        "institution" => "Examining institution",
        "category" => "Health check category",
        "result" => "Health check result",
        "valid_until" => "Valid until",
        "report" => "Health check report",
        "insurer" => "Insurer",
        "policy_number" => "Policy number",
        "kind" => "Insurance kind",
        "valid_from" => "Cover starts",
        other => other,
    }
}

const ID: &str = "id_number";

// ---- ID number -------------------------------------------------------------------------

pub(crate) fn id_empty() -> FieldError {
    FieldError::new(ID, ID_EMPTY, "请填写身份证号", "ID number is required")
}

pub(crate) fn id_length(typed: usize) -> FieldError {
    FieldError::new(
        ID,
        ID_LENGTH,
        format!("身份证号应为18位（旧版为15位），您输入了 {typed} 位"),
        format!("ID number must have 18 characters (or 15 digits for an old-style number); {typed} were typed"),
    )
}

pub(crate) fn id_chars(position: usize, c: char, len: usize) -> FieldError {
    let (zh, en) = if c == 'X' && len == 15 {
        (
            format!("15位旧身份证号只能由数字组成，第 {position} 位却是 X"),
            format!("A 15-digit old-style ID number has only digits, but position {position} is X"),
        )
    } else if c == 'X' {
        (
            format!("身份证号第 {position} 位是 X：X 只能出现在第18位（校验位）"),
            format!("ID number has an X at position {position}: X may only be the 18th (check) character"),
        )
    } else {
        (
            format!("身份证号第 {position} 位“{}”不是数字", show_char(c)),
            format!(
                "ID number position {position} is \"{}\", which is not a digit",
                show_char_en(c)
            ),
        )
    };
    FieldError::new(ID, ID_CHARS, zh, en)
}

pub(crate) fn id_address_province(code: &str) -> FieldError {
    let province = &code[..2];
    FieldError::new(
        ID,
        ID_ADDRESS,
        format!("身份证号前6位地址码 {code} 无效：开头的 {province} 不是任何省级行政区的代码"),
        format!("ID number address code {code} is invalid: {province} is not a province code"),
    )
}

pub(crate) fn id_address_permit(code: &str, expected: &str) -> FieldError {
    FieldError::new(
        ID,
        ID_ADDRESS,
        format!("身份证号前6位地址码 {code} 无效：港澳台居民居住证的地址码应为 {expected}"),
        format!("ID number address code {code} is invalid: residence permits of Hong Kong, Macau and Taiwan residents use {expected}"),
    )
}

pub(crate) fn id_birth_date(digits: &str) -> FieldError {
    FieldError::new(
        ID,
        ID_BIRTH_DATE,
        format!("身份证号中的出生日期 {digits} 不是真实存在的日期"),
        format!("The birth date {digits} in the ID number is not a real date"),
    )
}

pub(crate) fn id_birth_future(birth: chrono::NaiveDate, today: chrono::NaiveDate) -> FieldError {
    FieldError::new(
        ID,
        ID_BIRTH_FUTURE,
        format!("身份证号中的出生日期 {birth} 晚于今天（{today}）"),
        format!("The birth date {birth} in the ID number is after today ({today})"),
    )
}

pub(crate) fn id_birth_too_old(birth: chrono::NaiveDate) -> FieldError {
    FieldError::new(
        ID,
        ID_BIRTH_TOO_OLD,
        format!("身份证号中的出生日期 {birth} 早于1900年1月1日"),
        format!("The birth date {birth} in the ID number is before 1900-01-01"),
    )
}

pub(crate) fn id_check(expected: char, typed: char) -> FieldError {
    FieldError::new(
        ID,
        ID_CHECK,
        format!("身份证号校验位错误：按前17位计算，最后一位应为 {expected}，而不是 {typed}"),
        format!("ID number check character is wrong: from the first 17 digits it should end with {expected}, not {typed}"),
    )
}

pub(crate) fn id_too_young(age: u32, min: u32, comes_of_age: chrono::NaiveDate) -> FieldError {
    FieldError::new(
        ID,
        ID_TOO_YOUNG,
        format!("从业人员须年满{min}周岁：按身份证号计算，今天只有 {age} 周岁（{comes_of_age} 年满{min}周岁）"),
        format!("Workers must be at least {min}: by the ID number this person is {age} today (turns {min} on {comes_of_age})"),
    )
}

// ---- phones ----------------------------------------------------------------------------

pub(crate) fn phone_empty(field: &str) -> FieldError {
    FieldError::new(
        field,
        PHONE_EMPTY,
        format!("请填写{}", field_label_zh(field)),
        format!("{} is required", field_label_en(field)),
    )
}

pub(crate) fn phone_invalid_mobile(field: &str, typed: &str, digits: usize) -> FieldError {
    let (count_zh, count_en) = if digits != 11 {
        (
            format!("（您输入了 {digits} 位数字）"),
            format!(" ({digits} digits were typed)"),
        )
    } else {
        (String::new(), String::new())
    };
    FieldError::new(
        field,
        PHONE_INVALID,
        format!(
            "{}“{typed}”无效：应为以13–19开头的11位中国大陆手机号码{count_zh}",
            field_label_zh(field)
        ),
        format!(
            "{} \"{typed}\" is invalid: it must be an 11-digit mainland China mobile number starting with 13-19{count_en}",
            field_label_en(field)
        ),
    )
}

pub(crate) fn phone_invalid_contact(field: &str, typed: &str) -> FieldError {
    FieldError::new(
        field,
        PHONE_INVALID,
        format!(
            "{}“{typed}”无效：应为以13–19开头的11位手机号码，或固定电话（如 021-12345678，或本地号码 12345678）",
            field_label_zh(field)
        ),
        format!(
            "{} \"{typed}\" is invalid: it must be an 11-digit mobile number starting with 13-19, or a landline such as 021-12345678 or a local 12345678",
            field_label_en(field)
        ),
    )
}

// ---- credit code -----------------------------------------------------------------------

const CREDIT: &str = "credit_code";

pub(crate) fn credit_empty() -> FieldError {
    FieldError::new(
        CREDIT,
        CREDIT_EMPTY,
        "请填写统一社会信用代码",
        "Unified social credit code is required",
    )
}

pub(crate) fn credit_length(typed: usize) -> FieldError {
    FieldError::new(
        CREDIT,
        CREDIT_LENGTH,
        format!("统一社会信用代码应为18位，您输入了 {typed} 位"),
        format!("Unified social credit code must have 18 characters; {typed} were typed"),
    )
}

pub(crate) fn credit_chars(position: usize, c: char) -> FieldError {
    FieldError::new(
        CREDIT,
        CREDIT_CHARS,
        format!(
            "统一社会信用代码第 {position} 位“{}”不允许：只能用数字和大写字母（不用 I、O、Z、S、V）",
            show_char(c)
        ),
        format!(
            "Unified social credit code position {position} is \"{}\", which is not allowed: only digits and capital letters except I, O, Z, S, V are used",
            show_char_en(c)
        ),
    )
}

pub(crate) fn credit_check(expected: char, typed: char) -> FieldError {
    FieldError::new(
        CREDIT,
        CREDIT_CHECK,
        format!("统一社会信用代码校验位错误：按前17位计算，最后一位应为 {expected}，而不是 {typed}"),
        format!("Unified social credit code check character is wrong: from the first 17 characters it should end with {expected}, not {typed}"),
    )
}

// ---- names -----------------------------------------------------------------------------

pub(crate) fn name_empty(field: &str) -> FieldError {
    FieldError::new(
        field,
        NAME_EMPTY,
        format!("请填写{}", field_label_zh(field)),
        format!("{} is required", field_label_en(field)),
    )
}

pub(crate) fn name_length(field: &str, typed: usize) -> FieldError {
    FieldError::new(
        field,
        NAME_LENGTH,
        format!(
            "{}应为2到30个字，您输入了 {typed} 个字",
            field_label_zh(field)
        ),
        format!(
            "{} must have 2 to 30 characters; {typed} were typed",
            field_label_en(field)
        ),
    )
}

pub(crate) fn name_bad_char(field: &str, c: char) -> FieldError {
    FieldError::new(
        field,
        NAME_CHARS,
        format!(
            "{}中不能有“{}”：只能用汉字、外文字母、间隔号“·”和外文姓名中的单个空格",
            field_label_zh(field),
            show_char(c)
        ),
        format!(
            "{} may not contain \"{}\": only Chinese characters, Latin letters, the middle dot \"·\" and single spaces in foreign names are allowed",
            field_label_en(field),
            show_char_en(c)
        ),
    )
}

pub(crate) fn name_misplaced_dot(field: &str) -> FieldError {
    FieldError::new(
        field,
        NAME_CHARS,
        format!("{}中的间隔号“·”只能夹在两个字之间，不能在开头、结尾或连着写", field_label_zh(field)),
        format!(
            "{}: the middle dot \"·\" must stand between two name parts, not first, last or doubled",
            field_label_en(field)
        ),
    )
}

pub(crate) fn name_misplaced_space(field: &str) -> FieldError {
    FieldError::new(
        field,
        NAME_CHARS,
        format!(
            "{}中的空格只能是外文姓名中两个字母之间的单个空格（如 John Smith）；中文姓名请去掉空格",
            field_label_zh(field)
        ),
        format!(
            "{}: a space is only allowed singly between two Latin letters of a foreign name (e.g. John Smith); remove spaces from Chinese names",
            field_label_en(field)
        ),
    )
}

// ---- agency & generic text -------------------------------------------------------------

pub(crate) fn district_invalid(typed: &str, all: &str) -> FieldError {
    let (zh, en) = if typed.is_empty() {
        ("请填写所在区".to_owned(), "District is required".to_owned())
    } else {
        (
            format!("“{typed}”不是上海市的区：应为 {all} 之一"),
            format!("\"{typed}\" is not a Shanghai district: it must be one of {all}"),
        )
    };
    FieldError::new("district", DISTRICT_INVALID, zh, en)
}

pub(crate) fn required(field: &str) -> FieldError {
    FieldError::new(
        field,
        REQUIRED,
        format!("请填写{}", field_label_zh(field)),
        format!("{} is required", field_label_en(field)),
    )
}

pub(crate) fn too_long(field: &str, typed: usize, max: usize) -> FieldError {
    FieldError::new(
        field,
        TOO_LONG,
        format!(
            "{}最多 {max} 个字，您输入了 {typed} 个字",
            field_label_zh(field)
        ),
        format!(
            "{} may have at most {max} characters; {typed} were typed",
            field_label_en(field)
        ),
    )
}

pub(crate) fn text_chars(field: &str, position: usize, c: char) -> FieldError {
    FieldError::new(
        field,
        TEXT_CHARS,
        format!(
            "{}第 {position} 个字是不可见的控制字符（{}，如换行或制表符），请删除",
            field_label_zh(field),
            show_char(c)
        ),
        format!(
            "{} has an invisible control character ({}, e.g. a line break or tab) at position {position}; please remove it",
            field_label_en(field),
            show_char_en(c)
        ),
    )
}

// ---- worker form -----------------------------------------------------------------------

pub(crate) fn service_type_invalid(typed: &str, all_zh: &str, all_en: &str) -> FieldError {
    FieldError::new(
        "service_types",
        SERVICE_TYPE_INVALID,
        format!("服务类型“{typed}”无效：应为 {all_zh} 之一"),
        format!("Service type \"{typed}\" is invalid: it must be one of {all_en}"),
    )
}

pub(crate) fn service_types_empty() -> FieldError {
    FieldError::new(
        "service_types",
        SERVICE_TYPES_EMPTY,
        "请至少选择一种服务类型",
        "Choose at least one service type",
    )
}

pub(crate) fn consent_missing() -> FieldError {
    FieldError::new(
        "consent_date",
        CONSENT_MISSING,
        "请填写征信授权书的签署日期：须先签署诚信和犯罪记录核查授权书",
        "Consent date is required: the worker must first sign the consent to the integrity and criminal-record check",
    )
}

pub(crate) fn date_invalid(field: &str, typed: &str) -> FieldError {
    FieldError::new(
        field,
        DATE_INVALID,
        format!(
            "{}“{typed}”不是有效日期，请按 年-月-日 填写（如 2024-03-01）",
            field_label_zh(field)
        ),
        format!(
            "{} \"{typed}\" is not a valid date; use YYYY-MM-DD (e.g. 2024-03-01)",
            field_label_en(field)
        ),
    )
}

pub(crate) fn date_future(
    field: &str,
    date: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> FieldError {
    FieldError::new(
        field,
        DATE_FUTURE,
        format!("{} {date} 晚于今天（{today}）", field_label_zh(field)),
        format!("{} {date} is after today ({today})", field_label_en(field)),
    )
}

pub(crate) fn agency_check_missing() -> FieldError {
    FieldError::new(
        "agency_check",
        AGENCY_CHECK_MISSING,
        "请先当面核验身份证原件并勾选“企业核实”",
        "Check the original ID card in person first, then tick \"agency check\"",
    )
}

// ---- Training ----------------------------------------------------------------------------

/// Field `class_hour_minutes`: outside 20–120.
pub(crate) fn class_hour_minutes_invalid(given: u32) -> FieldError {
    FieldError::new(
        "class_hour_minutes",
        training_codes::CLASS_HOUR_MINUTES_INVALID,
        format!("每课时分钟数应在 20 到 120 之间，您输入了 {given}"),
        format!("A class hour must be 20 to 120 minutes; {given} was given"),
    )
}

/// Field `pass_mark`: outside 0–100.
pub(crate) fn pass_mark_invalid(given: f64) -> FieldError {
    FieldError::new(
        "pass_mark",
        training_codes::PASS_MARK_INVALID,
        format!("及格分数应在 0 到 100 之间，您输入了 {given}"),
        format!("The pass mark must be 0 to 100; {given} was given"),
    )
}

/// Field `mode`: neither offline nor online.
pub(crate) fn class_mode_invalid(other: &str) -> FieldError {
    FieldError::new(
        "mode",
        training_codes::CLASS_MODE_INVALID,
        format!("培训方式“{other}”无效：应为 线下 或 线上"),
        format!("Class mode \"{other}\" is invalid: it must be offline or online"),
    )
}

/// Field `attendance`: not an attendance mark.
pub(crate) fn attendance_invalid(other: &str) -> FieldError {
    FieldError::new(
        "attendance",
        training_codes::ATTENDANCE_INVALID,
        format!("出勤情况“{other}”无效：应为 出勤、迟到、早退 或 缺勤"),
        format!("Attendance \"{other}\" is invalid: it must be present, late, left early or absent"),
    )
}

/// A date-time field (`label` names it) that could not be read.
pub(crate) fn datetime_invalid(field: &str, label: &Bilingual, typed: &str) -> FieldError {
    FieldError::new(
        field,
        training_codes::DATETIME_INVALID,
        format!("{}“{typed}”不是有效的日期时间，请按 年-月-日 时:分 填写（如 2026-01-05 09:00）", label.zh),
        format!("{} \"{typed}\" is not a valid date and time; use YYYY-MM-DD HH:MM (e.g. 2026-01-05 09:00)", label.en),
    )
}

/// Labels of the training's date-time fields, for [`datetime_invalid`]; other fields use
/// [`field_label_zh`] / [`field_label_en`].
pub(crate) fn training_field_label(field: &str) -> Bilingual {
    let (zh, en) = match field {
        "starts_at" => ("开始时间", "Start"),
        "ends_at" => ("结束时间", "End"),
        "sign_in" => ("签到时间", "Sign-in time"),
        "sign_out" => ("签退时间", "Sign-out time"),
        "supervised_at" => ("督导时间", "Supervision time"),
        other => (field_label_zh(other), field_label_en(other)),
    };
    Bilingual::new(zh, en)
}

/// Field `class_hours`: not a half-hour step up to the most a class may carry.
pub(crate) fn class_hours_invalid(max: impl Display, given: f64) -> FieldError {
    FieldError::new(
        "class_hours",
        training_codes::CLASS_HOURS_INVALID,
        format!("课时数应为 0.5 的倍数，且在 0.5 到 {max} 之间，您输入了 {given}"),
        format!("Class hours must be a multiple of 0.5 from 0.5 to {max}; {given} was given"),
    )
}

/// Field `ends_at`: not after the start (both written `YYYY-MM-DD HH:MM`).
pub(crate) fn class_time_order(end: &str, start: &str) -> FieldError {
    FieldError::new(
        "ends_at",
        training_codes::CLASS_TIME_ORDER,
        format!("结束时间 {end} 应晚于开始时间 {start}"),
        format!("The end {end} must be after the start {start}"),
    )
}

/// Field `class_hours`: more class hours than fit between start and end.
pub(crate) fn class_hours_exceed_duration(hours: impl Display, needed: i64, per_hour: u32, minutes: i64) -> FieldError {
    FieldError::new(
        "class_hours",
        training_codes::CLASS_HOURS_EXCEED_DURATION,
        format!("{hours} 课时需要 {needed} 分钟（每课时 {per_hour} 分钟），但开始到结束只有 {minutes} 分钟"),
        format!("{hours} class hours take {needed} minutes ({per_hour} per class hour), but the class lasts only {minutes} minutes"),
    )
}

/// Field `sign_out`: before the sign-in (both written `HH:MM`).
pub(crate) fn attendance_time_order(sign_out: &str, sign_in: &str) -> FieldError {
    FieldError::new(
        "sign_out",
        training_codes::ATTENDANCE_TIME_ORDER,
        format!("签退时间 {sign_out} 早于签到时间 {sign_in}"),
        format!("Sign-out {sign_out} is before sign-in {sign_in}"),
    )
}

/// Field `sign_in`: a late mark without it.
pub(crate) fn late_needs_sign_in() -> FieldError {
    FieldError::new("sign_in", training_codes::ATTENDANCE_TIME_MISSING, "迟到须填写签到时间", "A late mark needs the sign-in time")
}

/// Field `sign_out`: a left-early mark without it.
pub(crate) fn left_early_needs_sign_out() -> FieldError {
    FieldError::new(
        "sign_out",
        training_codes::ATTENDANCE_TIME_MISSING,
        "早退须填写签退时间",
        "A left-early mark needs the sign-out time",
    )
}

/// Field `hours_completed`: outside 0 to the class's hours.
pub(crate) fn hours_completed_invalid(class_hours: impl Display, given: f64) -> FieldError {
    FieldError::new(
        "hours_completed",
        training_codes::HOURS_COMPLETED_INVALID,
        format!("完成课时应在 0 到 {class_hours} 之间，您输入了 {given}"),
        format!("Hours completed must be 0 to {class_hours}; {given} was given"),
    )
}

/// Field `score`: not 0–100 with at most one decimal.
pub(crate) fn score_invalid(typed: &str) -> FieldError {
    FieldError::new(
        "score",
        training_codes::SCORE_INVALID,
        format!("考试成绩“{typed}”无效：应为 0 到 100 之间的数（最多一位小数）"),
        format!("Exam score \"{typed}\" is invalid: it must be a number from 0 to 100 (at most one decimal)"),
    )
}

/// Field `method`: neither on site nor video.
pub(crate) fn supervision_method_invalid(other: &str) -> FieldError {
    FieldError::new(
        "method",
        training_codes::SUPERVISION_METHOD_INVALID,
        format!("督导方式“{other}”无效：应为 现场 或 视频"),
        format!("Supervision method \"{other}\" is invalid: it must be on site or video"),
    )
}

/// A head count (`field`) over 10,000.
pub(crate) fn count_invalid(field: &str, n: u32) -> FieldError {
    FieldError::new(
        field,
        training_codes::COUNT_INVALID,
        format!("人数应在 0 到 10000 之间，您输入了 {n}"),
        format!("The count must be 0 to 10,000; {n} was given"),
    )
}

/// Field `identity_checked`: more than were present.
pub(crate) fn identity_checked_exceeds_present(checked: u32, present: u32) -> FieldError {
    FieldError::new(
        "identity_checked",
        training_codes::IDENTITY_CHECKED_EXCEEDS_PRESENT,
        format!("身份核验人数（{checked}）不能多于实到人数（{present}）"),
        format!("Identities checked ({checked}) cannot exceed participants present ({present})"),
    )
}

/// What eligibility still misses, one sentence per condition.
pub(crate) mod missing {
    use std::fmt::Display;

    use crate::bilingual::Bilingual;

    /// The record still lacks details (待补全), named by their labels.
    pub(crate) fn details(fields: &[&str]) -> Bilingual {
        let zh: Vec<&str> = fields.iter().map(|f| super::field_label_zh(f)).collect();
        let en: Vec<&str> = fields.iter().map(|f| super::field_label_en(f)).collect();
        Bilingual::new(
            format!("待补全：缺少{}，补全后才能申领", zh.join("、")),
            format!("To be completed: {} missing; the worker can apply once the record is complete", en.join(", ")),
        )
    }

    /// No consent recorded.
    pub(crate) fn consent() -> Bilingual {
        Bilingual::new(
            "未登记征信授权书：须先签署诚信和犯罪记录核查授权书",
            "No consent recorded: the worker must sign the integrity and criminal-record check consent",
        )
    }

    /// The ID card was not checked in person.
    pub(crate) fn agency_check() -> Bilingual {
        Bilingual::new("未完成企业核实：须当面核验身份证原件", "Agency check not done: check the original ID card in person")
    }

    /// Fewer class hours credited than required.
    pub(crate) fn class_hours(credited: impl Display, required: impl Display, to_go: impl Display) -> Bilingual {
        Bilingual::new(
            format!("培训课时不足：已认定 {credited} 课时，至少需要 {required} 课时（含考核），还差 {to_go} 课时"),
            format!("Not enough class hours: {credited} credited, at least {required} needed (the exam included), {to_go} to go"),
        )
    }

    /// No exam yet.
    pub(crate) fn exam() -> Bilingual {
        Bilingual::new("尚未参加考试", "No exam taken yet")
    }

    /// The latest attempt failed.
    pub(crate) fn exam_failed(attempt: u32, date: impl Display, score: f64, pass_mark: f64) -> Bilingual {
        Bilingual::new(
            format!("最近一次考试（第 {attempt} 次，{date}）成绩 {score} 分，未达到及格分 {pass_mark} 分，须补考"),
            format!("The latest exam (attempt {attempt}, {date}) scored {score}, below the pass mark of {pass_mark}: a retake is needed"),
        )
    }

    /// An offline class credited without its supervision form.
    pub(crate) fn supervision(title: &str) -> Bilingual {
        Bilingual::new(format!("线下培训班“{title}”缺少培训督导单"), format!("The offline class \"{title}\" has no supervision form"))
    }
}

/// The funding pack's problems that are not training gaps (issue 14 item 3).
pub(crate) mod funding {
    use std::fmt::Display;

    use crate::bilingual::Bilingual;

    fn score(s: Option<f64>) -> (String, String) {
        match s {
            Some(s) => (format!("{s} 分"), s.to_string()),
            None => ("无成绩".into(), "none".into()),
        }
    }

    /// A filed row whose certificate no training record holds.
    pub(crate) fn not_in_records() -> Bilingual {
        Bilingual::new(
            "培训记录中没有此证编码的人员：无法核对课时、考试和督导单",
            "No training record holds this certificate: hours, exam and supervision forms cannot be checked",
        )
    }

    /// The filed class hours are not what the records credit.
    pub(crate) fn hours_differ(filed: impl Display, held: impl Display) -> Bilingual {
        Bilingual::new(
            format!("名册填报课时 {filed} 与培训记录认定的 {held} 课时不一致"),
            format!("The roster states {filed} class hours; the training records credit {held}"),
        )
    }

    /// The filed exam score is not the latest attempt's.
    pub(crate) fn exam_differs(filed: Option<f64>, held: Option<f64>) -> Bilingual {
        let ((fz, fe), (hz, he)) = (score(filed), score(held));
        Bilingual::new(
            format!("名册填报考试成绩 {fz} 与最近一次考试成绩 {hz} 不一致"),
            format!("The roster states an exam score of {fe}; the latest attempt's is {he}"),
        )
    }
}

// ---- Health checks and insurance -----------------------------------------------------------

/// Field `category`: not one of the four categories.
pub(crate) fn health_category_invalid(typed: &str) -> FieldError {
    FieldError::new(
        "category",
        crate::health::codes::HEALTH_CATEGORY_INVALID,
        format!("体检类别“{typed}”无效：应为 一般、居家、养老照护、母婴照护 之一"),
        format!("Health check category \"{typed}\" is invalid: it must be one of general, home, elder care, maternity care"),
    )
}

/// Field `result`: neither 合格 nor 不合格.
pub(crate) fn health_result_invalid(typed: &str) -> FieldError {
    FieldError::new(
        "result",
        crate::health::codes::HEALTH_RESULT_INVALID,
        format!("体检结论“{typed}”无效：应为 合格 或 不合格"),
        format!("Health check result \"{typed}\" is invalid: it must be pass (合格) or fail (不合格)"),
    )
}

/// Field `kind`: not one of the insurance kinds.
pub(crate) fn insurance_kind_invalid(typed: &str) -> FieldError {
    FieldError::new(
        "kind",
        crate::health::codes::INSURANCE_KIND_INVALID,
        format!("险种“{typed}”无效：应为 意外险、雇主责任险、其他 之一"),
        format!("Insurance kind \"{typed}\" is invalid: it must be accident, employer's liability or other"),
    )
}

/// Field `valid_until`: a health check valid until a day before it was taken.
pub(crate) fn health_valid_before_taken(until: chrono::NaiveDate, taken: chrono::NaiveDate) -> FieldError {
    FieldError::new(
        "valid_until",
        crate::health::codes::HEALTH_VALID_BEFORE_TAKEN,
        format!("有效期至 {until} 早于体检日期 {taken}：体检报告不能在体检之前就失效"),
        format!("Valid until {until} is before the health check date {taken}: a report cannot lapse before the check"),
    )
}

/// Field `valid_until`: a policy ending before it starts.
pub(crate) fn insurance_ends_before_start(until: chrono::NaiveDate, from: chrono::NaiveDate) -> FieldError {
    FieldError::new(
        "valid_until",
        crate::health::codes::INSURANCE_ENDS_BEFORE_START,
        format!("保险止期 {until} 早于起期 {from}：保单不能在开始之前就结束"),
        format!("The policy ends on {until}, before it starts on {from}"),
    )
}

/// Field `report`: not a PDF or an image.
pub(crate) fn report_format() -> FieldError {
    FieldError::new(
        "report",
        crate::health::codes::REPORT_FORMAT,
        "体检报告须为 PDF 文件或 JPEG/PNG 图片（按文件内容判断，改扩展名无效）",
        "The health check report must be a PDF file or a JPEG/PNG image (judged by its content, not its name)",
    )
}

/// Field `report`: over the size limit.
pub(crate) fn report_too_large(size: usize, max: usize) -> FieldError {
    let mb = |n: usize| format!("{:.1}", n as f64 / (1024.0 * 1024.0));
    FieldError::new(
        "report",
        crate::health::codes::REPORT_TOO_LARGE,
        format!("体检报告文件 {} MB，超过上限 {} MB，请压缩或扫描为较小的文件", mb(size), max / (1024 * 1024)),
        format!("The health check report is {} MB, over the {} MB limit; compress it or scan it smaller", mb(size), max / (1024 * 1024)),
    )
}

/// Field `report`: an empty file.
pub(crate) fn report_empty() -> FieldError {
    FieldError::new("report", crate::health::codes::REPORT_EMPTY, "体检报告文件是空的", "The health check report file is empty")
}

// ---- Certificate codes, card layouts, the lifecycle ---------------------------------------

/// Field `certificate_code`: blank.
pub(crate) fn certificate_code_empty() -> FieldError {
    FieldError::new("certificate_code", crate::certificate_code::codes::CODE_EMPTY, "请填写上门服务证编码", "Certificate code is required")
}

/// Field `certificate_code`: the check character does not match.
pub(crate) fn certificate_code_check(typed: &str) -> FieldError {
    FieldError::new(
        "certificate_code",
        crate::certificate_code::codes::CODE_CHECK,
        format!("上门服务证编码“{typed}”的校验位不对，请核对是否有字符抄错"),
        format!("Certificate code \"{typed}\" has a wrong check character; a character may be mistyped"),
    )
}

/// Field `certificate_code`: not SH and 13 letters and digits.
pub(crate) fn certificate_code_format(typed: &str) -> FieldError {
    FieldError::new(
        "certificate_code",
        crate::certificate_code::codes::CODE_FORMAT,
        format!("“{typed}”不是上门服务证编码：应为 SH 开头的 15 位字母数字"),
        format!("\"{typed}\" is not a certificate code: expected 15 letters and digits starting with SH"),
    )
}

/// Field `certificate_code`: a district number that does not exist.
pub(crate) fn certificate_code_district(number: &str) -> FieldError {
    FieldError::new(
        "certificate_code",
        crate::certificate_code::codes::CODE_DISTRICT,
        format!("上门服务证编码中的区号“{number}”不存在，应为 01 至 16"),
        format!("District number \"{number}\" in the certificate code does not exist; expected 01 to 16"),
    )
}

/// Field `layout`: not a card layout (code `layout_unknown`).
pub(crate) fn layout_unknown(other: &str) -> FieldError {
    FieldError::new(
        "layout",
        "layout_unknown",
        format!("不认识的版式“{other}”，可选 cr80（单张卡）或 a4（A4 每页 10 张）。"),
        format!("Unknown layout '{other}': use cr80 (single cards) or a4 (A4 sheets of 10)."),
    )
}

/// Field `status`: the worker's status does not allow this step (`status`, `event` in both
/// languages).
pub(crate) fn status_transition(status: &Bilingual, event: &Bilingual) -> FieldError {
    FieldError::new(
        "status",
        crate::lifecycle::STATUS_TRANSITION,
        format!("当前状态为“{}”，不能{}", status.zh, event.zh),
        format!("Cannot {} while the status is \"{}\"", event.en, status.en),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_fall_back_to_their_own_name() {
        assert_eq!(field_label_zh("whatever"), "whatever");
        assert_eq!(field_label_en("whatever"), "whatever");
        assert_eq!(field_label_zh("emergency_contact_phone"), "紧急联系人电话");
    }

    #[test]
    fn the_check_message_matches_the_agreed_wording() {
        let e = id_check('X', '5');
        assert_eq!(
            e.message_zh,
            "身份证号校验位错误：按前17位计算，最后一位应为 X，而不是 5"
        );
        assert_eq!(
            e.message_en,
            "ID number check character is wrong: from the first 17 digits it should end with X, not 5"
        );
    }
}

/// The sentences of a worker's standing (体检 and 保险 on the day of a scan).
pub(crate) mod standing {
    use chrono::NaiveDate;

    use crate::Bilingual;

    pub(crate) fn health_missing() -> Bilingual {
        Bilingual::new("未登记体检", "No health check recorded")
    }

    pub(crate) fn health_expired(since: NaiveDate) -> Bilingual {
        Bilingual::new(format!("体检已过期（自 {since} 起）"), format!("Health check expired (since {since})"))
    }

    pub(crate) fn health_failed(on: NaiveDate) -> Bilingual {
        Bilingual::new(format!("最近一次体检（{on}）结论为不合格"), format!("The latest health check ({on}) found the worker unfit"))
    }

    pub(crate) fn insurance_missing() -> Bilingual {
        Bilingual::new("未登记保险", "No insurance recorded")
    }

    pub(crate) fn insurance_expired(since: NaiveDate) -> Bilingual {
        Bilingual::new(format!("保险已过期（自 {since} 起）"), format!("Insurance expired (since {since})"))
    }

    pub(crate) fn insurance_not_yet(from: NaiveDate) -> Bilingual {
        Bilingual::new(format!("保险尚未生效（自 {from} 起）"), format!("Insurance not in force yet (from {from})"))
    }
}
