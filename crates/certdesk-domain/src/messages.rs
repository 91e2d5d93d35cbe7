//! The catalogue of every message the domain layer shows to a clerk, in Chinese and English,
//! and the stable error codes they belong to.
//!
//! All wording lives here so it can be reviewed, translated and kept consistent in one place.
//! This module must never contain validation logic: callers decide *that* something is wrong,
//! this module only says *what* to tell the clerk.

use crate::error::FieldError;
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
