//! The worker (家政从业人员): the services they offer, the lifecycle of their certificate, and
//! the validation of the enrolment (登记) form.
//!
//! [`validate_worker`] turns what the clerk typed into a [`ValidWorker`] or a list of every
//! field error at once. This module must never persist anything, read the clock (today is
//! passed in) or decide lifecycle transitions on its own behalf: it only states the rules.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::agency::parse_required_text;
use crate::error::FieldError;
use crate::id_number::IdNumber;
use crate::messages as msg;
use crate::name::parse_person_name;
use crate::phone::{parse_contact_phone, Mobile};

/// A kind of home service a worker is enrolled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ServiceType {
    /// 保洁
    Cleaning,
    /// 育婴
    InfantCare,
    /// 母婴护理
    MaternityCare,
    /// 养老护理
    ElderCare,
    /// 烹饪
    Cooking,
    /// 病患陪护
    PatientCare,
    /// 其他
    Other,
}

impl ServiceType {
    /// Every service type, in the order forms list them.
    pub const ALL: [ServiceType; 7] = [
        ServiceType::Cleaning,
        ServiceType::InfantCare,
        ServiceType::MaternityCare,
        ServiceType::ElderCare,
        ServiceType::Cooking,
        ServiceType::PatientCare,
        ServiceType::Other,
    ];

    /// Stable code stored in the database and sent to the platform (same as the serde name).
    pub fn code(&self) -> &'static str {
        match self {
            ServiceType::Cleaning => "cleaning",
            ServiceType::InfantCare => "infant_care",
            ServiceType::MaternityCare => "maternity_care",
            ServiceType::ElderCare => "elder_care",
            ServiceType::Cooking => "cooking",
            ServiceType::PatientCare => "patient_care",
            ServiceType::Other => "other",
        }
    }

    /// Chinese label, as on forms and cards.
    pub fn label_zh(&self) -> &'static str {
        match self {
            ServiceType::Cleaning => "保洁",
            ServiceType::InfantCare => "育婴",
            ServiceType::MaternityCare => "母婴护理",
            ServiceType::ElderCare => "养老护理",
            ServiceType::Cooking => "烹饪",
            ServiceType::PatientCare => "病患陪护",
            ServiceType::Other => "其他",
        }
    }

    /// English label.
    pub fn label_en(&self) -> &'static str {
        match self {
            ServiceType::Cleaning => "Cleaning",
            ServiceType::InfantCare => "Infant care",
            ServiceType::MaternityCare => "Maternity care",
            ServiceType::ElderCare => "Elder care",
            ServiceType::Cooking => "Cooking",
            ServiceType::PatientCare => "Patient care",
            ServiceType::Other => "Other",
        }
    }

    /// Accepts the code, the Chinese label or the English label, trimmed and case-insensitive,
    /// because values arrive from the form (codes) as well as from Excel sheets (labels).
    /// Errors use field `"service_types"` and code `service_type_invalid`.
    pub fn parse(s: &str) -> Result<ServiceType, FieldError> {
        let typed = s.trim();
        let lower = typed.to_lowercase();
        ServiceType::ALL
            .into_iter()
            .find(|t| {
                lower == t.code() || typed == t.label_zh() || lower == t.label_en().to_lowercase()
            })
            .ok_or_else(|| {
                let all_zh = ServiceType::ALL.map(|t| t.label_zh()).join("、");
                let all_en = ServiceType::ALL.map(|t| t.label_en()).join(", ");
                msg::service_type_invalid(typed, &all_zh, &all_en)
            })
    }
}

crate::closed_set!(ServiceType, "service type");
crate::closed_set!(WorkerStatus, "worker status");

/// Parses the chosen service types: at least one (`service_types_empty`), duplicates
/// dropped, returned in [`ServiceType::ALL`] order so records compare and display the same
/// however they were entered.
///
/// An item may itself hold several types separated by 、 , ， ; ； / (one Excel cell is often
/// "保洁、育婴"); blank items are ignored.
pub fn parse_service_types(items: &[String]) -> Result<Vec<ServiceType>, FieldError> {
    let mut chosen = Vec::new();
    for item in items {
        for part in item.split(['、', ',', '，', ';', '；', '/']) {
            if part.trim().is_empty() {
                continue;
            }
            chosen.push(ServiceType::parse(part)?);
        }
    }
    if chosen.is_empty() {
        return Err(msg::service_types_empty());
    }
    chosen.sort_unstable();
    chosen.dedup();
    Ok(chosen)
}

/// The lifecycle statuses of a worker's certificate, in lifecycle order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum WorkerStatus {
    /// 已登记: enrolled, not yet in training.
    Enrolled,
    /// 培训中: attending training.
    InTraining,
    /// 可申领: training and exam passed; the agency may apply.
    Eligible,
    /// 已申领: submitted to the platform, awaiting platform and police checks.
    Applied,
    /// 已核准: passed all three gates; the card may now be printed.
    Approved,
    /// 已制作: the card is printed, not yet handed over.
    Printed,
    /// 已发放: the card is in the worker's hands; in service.
    Issued,
    /// 已注销: the certificate was cancelled (worker left or misbehaved).
    Cancelled,
    /// 未通过: refused by the platform or the police comparison.
    Rejected,
}

impl WorkerStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [WorkerStatus; 9] = [
        WorkerStatus::Enrolled,
        WorkerStatus::InTraining,
        WorkerStatus::Eligible,
        WorkerStatus::Applied,
        WorkerStatus::Approved,
        WorkerStatus::Printed,
        WorkerStatus::Issued,
        WorkerStatus::Cancelled,
        WorkerStatus::Rejected,
    ];

    /// Stable code stored in the database (same as the serde name).
    pub fn code(&self) -> &'static str {
        match self {
            WorkerStatus::Enrolled => "enrolled",
            WorkerStatus::InTraining => "in_training",
            WorkerStatus::Eligible => "eligible",
            WorkerStatus::Applied => "applied",
            WorkerStatus::Approved => "approved",
            WorkerStatus::Printed => "printed",
            WorkerStatus::Issued => "issued",
            WorkerStatus::Cancelled => "cancelled",
            WorkerStatus::Rejected => "rejected",
        }
    }

    /// Reads a status code (trimmed, case-insensitive); `None` for anything else, so a
    /// corrupt stored value is noticed rather than guessed.
    pub fn parse(s: &str) -> Option<Self> {
        let lower = s.trim().to_lowercase();
        WorkerStatus::ALL.into_iter().find(|st| st.code() == lower)
    }

    /// Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            WorkerStatus::Enrolled => "已登记",
            WorkerStatus::InTraining => "培训中",
            WorkerStatus::Eligible => "可申领",
            WorkerStatus::Applied => "已申领",
            WorkerStatus::Approved => "已核准",
            WorkerStatus::Printed => "已制作",
            WorkerStatus::Issued => "已发放",
            WorkerStatus::Cancelled => "已注销",
            WorkerStatus::Rejected => "未通过",
        }
    }

    /// English label.
    pub fn label_en(&self) -> &'static str {
        match self {
            WorkerStatus::Enrolled => "Enrolled",
            WorkerStatus::InTraining => "In training",
            WorkerStatus::Eligible => "Eligible to apply",
            WorkerStatus::Applied => "Applied",
            WorkerStatus::Approved => "Approved",
            WorkerStatus::Printed => "Printed",
            WorkerStatus::Issued => "Issued",
            WorkerStatus::Cancelled => "Cancelled",
            WorkerStatus::Rejected => "Rejected",
        }
    }
}

/// What the enrolment form sends (all as typed). Missing JSON fields default to empty, so a
/// partly filled form still gets a full list of field errors instead of a decode failure.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "WorkerForm"))]
pub struct WorkerInput {
    /// 姓名, as on the ID card.
    pub name: String,
    /// 身份证号, 18 or legacy 15 characters.
    pub id_number: String,
    /// The worker's own mobile.
    pub phone: String,
    /// 住址.
    pub address: String,
    /// Service type codes or labels.
    #[cfg_attr(feature = "ts", ts(as = "Vec<ServiceType>"))]
    pub service_types: Vec<String>,
    /// 紧急联系人姓名.
    pub emergency_contact_name: String,
    /// 紧急联系人电话: mobile or landline.
    pub emergency_contact_phone: String,
    /// Date the consent (征信授权书) was signed, "YYYY-MM-DD".
    pub consent_date: Option<String>,
    /// The clerk ticked 企业核实 after checking the original ID card in person.
    pub agency_check_done: bool,
}

/// The validated enrolment form; every field is normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidWorker {
    /// Name, dot variants normalised to ·.
    pub name: String,
    /// Canonical 18-character ID number.
    pub id_number: IdNumber,
    /// 11-digit mobile.
    pub phone: Mobile,
    /// Trimmed address.
    pub address: String,
    /// De-duplicated, in [`ServiceType::ALL`] order.
    pub service_types: Vec<ServiceType>,
    /// Emergency contact's name.
    pub emergency_contact_name: String,
    /// Emergency contact's phone, normalised (mobile digits or `021-12345678`).
    pub emergency_contact_phone: String,
    /// Date the consent was signed; not in the future.
    pub consent_date: NaiveDate,
    /// Always true: the form is refused otherwise.
    pub agency_check_done: bool,
}

/// Maximum length of the address, in characters.
const ADDRESS_MAX_CHARS: usize = 200;

/// Details a record may lack and have completed later (待补全): an agency's existing staff
/// sheet often has no address or emergency contact. A record without them is kept (an import
/// enrols it, the platform stores it, a correction may leave them blank) but the worker cannot
/// apply until it is complete ([`missing_details`] feeds eligibility). The enrolment form still
/// requires every one; identity (name, ID number) is never among them.
pub const COMPLETED_LATER: [&str; 3] = ["address", "emergency_contact_name", "emergency_contact_phone"];

/// Which of [`COMPLETED_LATER`] a record leaves blank, in that order.
pub fn missing_details(address: &str, emergency_contact_name: &str, emergency_contact_phone: &str) -> Vec<&'static str> {
    COMPLETED_LATER
        .into_iter()
        .zip([address, emergency_contact_name, emergency_contact_phone])
        .filter(|(_, value)| value.trim().is_empty())
        .map(|(field, _)| field)
        .collect()
}

impl ValidWorker {
    /// Which details the record still lacks (待补全); empty for a complete record.
    pub fn missing_details(&self) -> Vec<&'static str> {
        missing_details(&self.address, &self.emergency_contact_name, &self.emergency_contact_phone)
    }
}

/// Validate every field; return ALL field errors (not just the first) so the form can show each beside its field.
///
/// Errors come in form order (name, ID number, phone, address, service types, emergency
/// contact, consent, agency check), at most one per field. Every field is required: this is
/// the enrolment form. A stored record is checked with [`validate_worker_record`].
pub fn validate_worker(
    input: &WorkerInput,
    today: NaiveDate,
) -> Result<ValidWorker, Vec<FieldError>> {
    validate(input, today, false)
}

/// [`validate_worker`] for a record that may still be completed later: a blank detail of
/// [`COMPLETED_LATER`] is kept blank instead of refused (a detail that is there must still be
/// right). Used by the import, by corrections and by the platform reading a pushed record.
pub fn validate_worker_record(
    input: &WorkerInput,
    today: NaiveDate,
) -> Result<ValidWorker, Vec<FieldError>> {
    validate(input, today, true)
}

fn validate(input: &WorkerInput, today: NaiveDate, details_later: bool) -> Result<ValidWorker, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut keep = Collector(&mut errors);
    // A blank detail that may come later is kept blank.
    let later = |typed: &str, parse: &dyn Fn() -> Result<String, FieldError>| {
        if details_later && typed.trim().is_empty() {
            Ok(String::new())
        } else {
            parse()
        }
    };

    let name = keep.take(parse_person_name(&input.name, "name"));
    let id_number = keep.take(IdNumber::parse(&input.id_number, today));
    let phone = keep.take(Mobile::parse(&input.phone));
    let address = keep.take(later(&input.address, &|| {
        parse_required_text(&input.address, "address", ADDRESS_MAX_CHARS)
    }));
    let service_types = keep.take(parse_service_types(&input.service_types));
    let emergency_contact_name = keep.take(later(&input.emergency_contact_name, &|| {
        parse_person_name(&input.emergency_contact_name, "emergency_contact_name")
    }));
    let emergency_contact_phone = keep.take(later(&input.emergency_contact_phone, &|| {
        parse_contact_phone(&input.emergency_contact_phone, "emergency_contact_phone")
    }));
    let consent_date = keep.take(parse_consent_date(input.consent_date.as_deref(), today));
    let agency_check = keep.take(if input.agency_check_done {
        Ok(())
    } else {
        Err(msg::agency_check_missing())
    });

    match (
        name,
        id_number,
        phone,
        address,
        service_types,
        emergency_contact_name,
        emergency_contact_phone,
        consent_date,
        agency_check,
    ) {
        (
            Some(name),
            Some(id_number),
            Some(phone),
            Some(address),
            Some(service_types),
            Some(emergency_contact_name),
            Some(emergency_contact_phone),
            Some(consent_date),
            Some(()),
        ) => Ok(ValidWorker {
            name,
            id_number,
            phone,
            address,
            service_types,
            emergency_contact_name,
            emergency_contact_phone,
            consent_date,
            agency_check_done: true,
        }),
        _ => Err(errors),
    }
}

/// Turns each field's result into an `Option`, collecting the errors on the side, so every
/// field is checked even after an earlier one failed.
struct Collector<'a>(&'a mut Vec<FieldError>);

impl Collector<'_> {
    fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }
}

/// The consent must exist before training, so it must have a real date that is not in the
/// future. `YYYY/MM/DD` and `YYYY.MM.DD` are read too because Excel and paper forms use them.
fn parse_consent_date(typed: Option<&str>, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    const FIELD: &str = "consent_date";
    let typed = typed.map(str::trim).unwrap_or("");
    if typed.is_empty() {
        return Err(msg::consent_missing());
    }
    let date = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(typed, f).ok())
        .ok_or_else(|| msg::date_invalid(FIELD, typed))?;
    if date > today {
        return Err(msg::date_future(FIELD, date, today));
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::codes;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 15).unwrap()
    }

    fn good_input() -> WorkerInput {
        WorkerInput {
            name: "买买提•艾力".into(),
            id_number: "11010519491231002x".into(),
            phone: "+86 138-1234-5678".into(),
            address: " 上海市黄浦区某路1号 ".into(),
            service_types: vec!["育婴".into(), "cleaning".into(), "Infant Care".into()],
            emergency_contact_name: "王五".into(),
            emergency_contact_phone: "021 12345678".into(),
            consent_date: Some("2024-06-01".into()),
            agency_check_done: true,
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_record_may_lack_its_address_and_emergency_contact_but_the_form_may_not() {
        let input = WorkerInput {
            address: " ".into(),
            emergency_contact_name: String::new(),
            emergency_contact_phone: String::new(),
            ..good_input()
        };
        let fields: Vec<String> = validate_worker(&input, today()).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, strings(&["address", "emergency_contact_name", "emergency_contact_phone"]), "the enrolment form requires them");
        let record = validate_worker_record(&input, today()).unwrap();
        assert_eq!(record.address, "");
        assert_eq!(record.missing_details(), COMPLETED_LATER);
        assert!(validate_worker_record(&good_input(), today()).unwrap().missing_details().is_empty());
        // A detail that is there must still be right; identity is never completed later.
        let wrong = WorkerInput { emergency_contact_phone: "12".into(), ..input.clone() };
        let fields: Vec<String> = validate_worker_record(&wrong, today()).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, strings(&["emergency_contact_phone"]));
        let no_name = WorkerInput { name: String::new(), ..input };
        let fields: Vec<String> = validate_worker_record(&no_name, today()).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, strings(&["name"]));
    }

    #[test]
    fn service_type_accepts_code_chinese_and_english_labels() {
        for t in ServiceType::ALL {
            assert_eq!(ServiceType::parse(t.code()).unwrap(), t);
            assert_eq!(ServiceType::parse(t.label_zh()).unwrap(), t);
            assert_eq!(ServiceType::parse(&t.label_en().to_uppercase()).unwrap(), t);
            assert_eq!(serde_json::to_value(t).unwrap(), t.code());
        }
        assert_eq!(
            ServiceType::parse(" ELDER_CARE ").unwrap(),
            ServiceType::ElderCare
        );
    }

    #[test]
    fn unknown_service_type_is_refused_naming_it_and_listing_the_choices() {
        let e = ServiceType::parse("月嫂").unwrap_err();
        assert_eq!(e.code, codes::SERVICE_TYPE_INVALID);
        assert_eq!(e.field, "service_types");
        assert!(
            e.message_zh.contains("月嫂") && e.message_zh.contains("母婴护理"),
            "{}",
            e.message_zh
        );
    }

    #[test]
    fn service_types_are_deduplicated_and_kept_in_canonical_order() {
        let got =
            parse_service_types(&strings(&["其他", "育婴", "cleaning", "infant_care"])).unwrap();
        assert_eq!(
            got,
            vec![
                ServiceType::Cleaning,
                ServiceType::InfantCare,
                ServiceType::Other
            ]
        );
    }

    #[test]
    fn an_excel_cell_with_several_service_types_is_split() {
        let got = parse_service_types(&strings(&["保洁、育婴，烹饪"])).unwrap();
        assert_eq!(
            got,
            vec![
                ServiceType::Cleaning,
                ServiceType::InfantCare,
                ServiceType::Cooking
            ]
        );
    }

    #[test]
    fn no_service_type_is_refused() {
        for items in [strings(&[]), strings(&["", "  "])] {
            let e = parse_service_types(&items).unwrap_err();
            assert_eq!(e.code, codes::SERVICE_TYPES_EMPTY);
            assert!(e.message_zh.contains("服务类型"));
        }
    }

    #[test]
    fn status_codes_round_trip_and_serialize_as_snake_case() {
        for s in WorkerStatus::ALL {
            assert_eq!(WorkerStatus::parse(s.code()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
            assert!(!s.label_zh().is_empty() && !s.label_en().is_empty());
        }
        assert_eq!(
            WorkerStatus::parse("In_Training"),
            Some(WorkerStatus::InTraining)
        );
        assert_eq!(WorkerStatus::parse("lost"), None);
    }

    #[test]
    fn a_good_form_is_validated_and_normalised() {
        let w = validate_worker(&good_input(), today()).unwrap();
        assert_eq!(w.name, "买买提·艾力");
        assert_eq!(w.id_number.as_str(), "11010519491231002X");
        assert_eq!(w.phone.as_str(), "13812345678");
        assert_eq!(w.address, "上海市黄浦区某路1号");
        assert_eq!(
            w.service_types,
            vec![ServiceType::Cleaning, ServiceType::InfantCare]
        );
        assert_eq!(w.emergency_contact_phone, "021-12345678");
        assert_eq!(w.consent_date, NaiveDate::from_ymd_opt(2024, 6, 1).unwrap());
        assert!(w.agency_check_done);
    }

    #[test]
    fn an_empty_form_reports_every_field_at_once() {
        let errors = validate_worker(&WorkerInput::default(), today()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "id_number",
                "phone",
                "address",
                "service_types",
                "emergency_contact_name",
                "emergency_contact_phone",
                "consent_date",
                "agency_check",
            ]
        );
        let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                codes::NAME_EMPTY,
                codes::ID_EMPTY,
                codes::PHONE_EMPTY,
                codes::REQUIRED,
                codes::SERVICE_TYPES_EMPTY,
                codes::NAME_EMPTY,
                codes::PHONE_EMPTY,
                codes::CONSENT_MISSING,
                codes::AGENCY_CHECK_MISSING,
            ]
        );
    }

    #[test]
    fn one_bad_field_gives_exactly_one_error() {
        let mut input = good_input();
        input.id_number = "110105194912310025".into();
        let errors = validate_worker(&input, today()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, codes::ID_CHECK);
    }

    #[test]
    fn missing_consent_date_is_refused() {
        let mut input = good_input();
        input.consent_date = Some("  ".into());
        let errors = validate_worker(&input, today()).unwrap_err();
        assert_eq!(errors[0].code, codes::CONSENT_MISSING);
        assert!(errors[0].message_zh.contains("授权书"));
    }

    #[test]
    fn unreadable_consent_date_is_refused_naming_it() {
        let mut input = good_input();
        input.consent_date = Some("2024-02-30".into());
        let errors = validate_worker(&input, today()).unwrap_err();
        assert_eq!(errors[0].field, "consent_date");
        assert_eq!(errors[0].code, codes::DATE_INVALID);
        assert!(
            errors[0].message_zh.contains("2024-02-30")
                && errors[0].message_zh.contains("征信授权日期")
        );
    }

    #[test]
    fn consent_date_with_slashes_is_read() {
        let mut input = good_input();
        input.consent_date = Some("2024/6/1".into());
        let w = validate_worker(&input, today()).unwrap();
        assert_eq!(w.consent_date, NaiveDate::from_ymd_opt(2024, 6, 1).unwrap());
    }

    #[test]
    fn consent_date_in_the_future_is_refused() {
        let mut input = good_input();
        input.consent_date = Some("2024-06-16".into());
        let errors = validate_worker(&input, today()).unwrap_err();
        assert_eq!(errors[0].code, codes::DATE_FUTURE);
        assert!(
            errors[0].message_zh.contains("2024-06-16")
                && errors[0].message_zh.contains("2024-06-15")
        );
        // Today itself is fine: the consent is often signed at the desk.
        input.consent_date = Some("2024-06-15".into());
        assert!(validate_worker(&input, today()).is_ok());
    }

    #[test]
    fn unticked_agency_check_is_refused_with_the_agreed_message() {
        let mut input = good_input();
        input.agency_check_done = false;
        let errors = validate_worker(&input, today()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "agency_check");
        assert_eq!(errors[0].code, codes::AGENCY_CHECK_MISSING);
        assert_eq!(
            errors[0].message_zh,
            "请先当面核验身份证原件并勾选“企业核实”"
        );
    }

    #[test]
    fn too_young_worker_is_refused_in_the_form() {
        let mut input = good_input();
        input.id_number = {
            let first17 = "31010420080616123";
            format!("{first17}{}", crate::check_char(first17).unwrap())
        };
        let errors = validate_worker(&input, today()).unwrap_err();
        assert_eq!(errors[0].code, codes::ID_TOO_YOUNG);
    }

    #[test]
    fn worker_input_deserializes_from_a_partial_json_form() {
        let input: WorkerInput =
            serde_json::from_str(r#"{"name":"王五","agency_check_done":true}"#).unwrap();
        assert_eq!(input.name, "王五");
        assert!(input.agency_check_done);
        assert!(input.consent_date.is_none());
    }

    #[test]
    fn valid_worker_serializes_id_and_phone_as_plain_strings() {
        let w = validate_worker(&good_input(), today()).unwrap();
        let v = serde_json::to_value(&w).unwrap();
        assert_eq!(v["id_number"], "11010519491231002X");
        assert_eq!(v["phone"], "13812345678");
        assert_eq!(v["consent_date"], "2024-06-01");
        assert_eq!(
            v["service_types"],
            serde_json::json!(["cleaning", "infant_care"])
        );
    }
}

/// What a scanned card's public page and the printed card show of a worker (issue 11 item 1):
/// the snapshot the operator approved. A later change of any of it on the desk goes back
/// through review (an application for updated details) before the platform shows it or the
/// desk prints it. The gender comes from the ID number, which cannot change after application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicIdentity {
    /// The name.
    pub name: String,
    /// The photo's SHA-256, if any.
    pub photo_sha256: Option<String>,
    /// The service types.
    pub service_types: Vec<ServiceType>,
}

impl PublicIdentity {
    /// The identity of a record: its name, photo and service types.
    pub fn of(name: &str, photo_sha256: Option<&str>, service_types: &[ServiceType]) -> PublicIdentity {
        PublicIdentity { name: name.to_owned(), photo_sha256: photo_sha256.map(str::to_owned), service_types: service_types.to_vec() }
    }

    /// The fields in which `self` differs from `approved` (`name`, `photo`, `service_types`, in
    /// that order); the service types' order does not count.
    pub fn changed_from(&self, approved: &PublicIdentity) -> Vec<&'static str> {
        let sorted = |v: &[ServiceType]| {
            let mut v = v.to_vec();
            v.sort_by_key(crate::Code::code);
            v.dedup();
            v
        };
        let mut changed = Vec::new();
        if self.name != approved.name {
            changed.push("name");
        }
        if self.photo_sha256 != approved.photo_sha256 {
            changed.push("photo");
        }
        if sorted(&self.service_types) != sorted(&approved.service_types) {
            changed.push("service_types");
        }
        changed
    }
}

#[cfg(test)]
mod identity_tests {
    use super::*;

    #[test]
    fn the_identity_changes_with_name_photo_or_service_types_but_not_their_order() {
        let approved = PublicIdentity::of("张三", Some("aa"), &[ServiceType::Cleaning, ServiceType::Cooking]);
        assert!(PublicIdentity::of("张三", Some("aa"), &[ServiceType::Cooking, ServiceType::Cleaning]).changed_from(&approved).is_empty());
        assert_eq!(PublicIdentity::of("张三丰", Some("aa"), &[ServiceType::Cleaning, ServiceType::Cooking]).changed_from(&approved), ["name"]);
        assert_eq!(PublicIdentity::of("张三", Some("bb"), &[ServiceType::Cleaning]).changed_from(&approved), ["photo", "service_types"]);
        assert_eq!(PublicIdentity::of("张三", None, &[ServiceType::Cleaning, ServiceType::Cooking]).changed_from(&approved), ["photo"]);
    }
}
