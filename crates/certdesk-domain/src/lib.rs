//! The pure domain layer of certdesk: the types and validation rules of Shanghai's
//! home-service certificate programme (家政上门服务证), shared by the desktop app, the CLI and
//! the store.
//!
//! This crate must never do I/O: no files, no network, no database, no environment, and no
//! clock reads. Anything that depends on "today" takes the date as an argument, so every rule
//! is reproducible in tests and behaves the same offline as online.

#![warn(missing_docs)]

pub mod agency;
pub mod bilingual;
pub mod card;
pub mod code;
pub mod certificate_code;
pub mod credit_code;
pub mod deadlines;
pub mod error;
pub mod funding;
pub mod health;
pub mod id_number;
pub mod lifecycle;
pub mod messages;
pub mod name;
pub mod phone;
pub mod role;
pub mod standing;
pub mod training;
pub mod worker;

mod text;

pub use bilingual::Bilingual;
pub use agency::{parse_district, parse_required_text, DISTRICTS};
pub use card::{CancelReason, CardLayout, LossKind};
pub use code::Code;
pub use credit_code::{credit_check_char, CreditCode};
pub use error::FieldError;
pub use id_number::{check_char, Gender, IdKind, IdNumber, MIN_WORKER_AGE};
pub use name::{mask_for_public, mask_name, parse_person_name};
pub use phone::{parse_contact_phone, Mobile};
pub use role::Role;
pub use training::{
    eligibility, Attendance, ClassMode, SupervisionMethod, Eligibility, EligibilityFacts, HalfHours, Missing,
    TrainingSettings,
};
pub use worker::{
    missing_details, parse_service_types, validate_worker, validate_worker_record, PublicIdentity, ServiceType, ValidWorker,
    WorkerInput, WorkerStatus, COMPLETED_LATER,
};

/// Shanghai's time (UTC+8, no daylight saving): every "today" of the programme is Shanghai's.
pub fn shanghai() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// A refused field names a field of the form it came from, so the window can put the sentence
/// beside that field (the forms are built from these input types' generated bindings).
#[cfg(test)]
mod refused_fields_name_their_form_field {
    use chrono::NaiveDate;
    use serde::Serialize;

    use crate::training::{validate_class, validate_supervision, ClassInput, SupervisionInput, TrainingSettings};
    use crate::{validate_worker, FieldError, WorkerInput};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).expect("a date")
    }

    /// Field names that differ from the input's key, and the key they stand for: the enrol
    /// form maps them back (`mapEnrolField` in `ui/src/features/enrol/EnrolForm.tsx`). The
    /// agency check is `agency_check` because the import's column and the form share it.
    const ALIASES: &[(&str, &str)] = &[("agency_check", "agency_check_done")];

    /// Every error names a key of the input's JSON, the name the window's form knows it by.
    fn assert_named(input: &impl Serialize, errors: &[FieldError], what: &str) {
        let json = serde_json::to_value(input).expect("serialisable");
        let keys: Vec<&str> = json.as_object().expect("a form is an object").keys().map(String::as_str).collect();
        assert!(!errors.is_empty(), "{what}: the input was meant to be refused");
        for e in errors {
            let key = ALIASES.iter().find(|(alias, _)| *alias == e.field).map_or(e.field.as_str(), |(_, key)| *key);
            assert!(keys.contains(&key), "{what}: `{}` ({}) is no field of the form {keys:?}", e.field, e.code);
        }
    }

    #[test]
    fn a_worker_forms_refusals_name_its_fields() {
        let blank = WorkerInput::default();
        assert_named(&blank, &validate_worker(&blank, today()).unwrap_err(), "blank worker");
        let wrong = WorkerInput {
            name: "1".into(),
            id_number: "11010519491231002X".into(),
            phone: "123".into(),
            address: "a\tb".into(),
            service_types: vec!["nope".into()],
            emergency_contact_name: "x".into(),
            emergency_contact_phone: "abc".into(),
            consent_date: Some("2099-01-01".into()),
            agency_check_done: false,
        };
        let errors = validate_worker(&wrong, today()).unwrap_err();
        assert!(errors.len() >= 8, "every field is wrong: {errors:?}");
        assert_named(&wrong, &errors, "wrong worker");
        let unreadable_date = WorkerInput { consent_date: Some("someday".into()), ..wrong };
        assert_named(&unreadable_date, &validate_worker(&unreadable_date, today()).unwrap_err(), "unreadable consent date");
    }

    #[test]
    fn a_class_forms_refusals_name_its_fields() {
        let settings = TrainingSettings::default();
        let blank = ClassInput::default();
        assert_named(&blank, &validate_class(&blank, &settings).unwrap_err(), "blank class");
        let wrong = ClassInput { mode: "x".into(), starts_at: "soon".into(), class_hours: 0.3, ..blank };
        assert_named(&wrong, &validate_class(&wrong, &settings).unwrap_err(), "wrong class");
        let backwards = ClassInput {
            title: "t".into(),
            mode: "offline".into(),
            starts_at: "2026-12-03 12:00".into(),
            ends_at: "2026-12-03 09:00".into(),
            place: "p".into(),
            trainer: "张三".into(),
            class_hours: 2.0,
        };
        assert_named(&backwards, &validate_class(&backwards, &settings).unwrap_err(), "end before start");
        let too_long = ClassInput { ends_at: "2026-12-03 12:30".into(), starts_at: "2026-12-03 12:00".into(), ..backwards };
        assert_named(&too_long, &validate_class(&too_long, &settings).unwrap_err(), "more hours than time");
    }

    #[test]
    fn the_health_check_and_insurance_forms_refusals_name_their_fields() {
        use crate::health::{validate_health_check, validate_insurance, HealthCheckInput, InsuranceInput};
        let blank = HealthCheckInput::default();
        assert_named(&blank, &validate_health_check(&blank, today()).unwrap_err(), "blank health check");
        let backwards = HealthCheckInput {
            checked_on: "2026-03-01".into(),
            institution: "医院".into(),
            category: "一般".into(),
            result: "合格".into(),
            valid_until: Some("2026-01-01".into()),
        };
        assert_named(&backwards, &validate_health_check(&backwards, today()).unwrap_err(), "valid before taken");
        let blank = InsuranceInput::default();
        assert_named(&blank, &validate_insurance(&blank).unwrap_err(), "blank insurance");
        let backwards = InsuranceInput {
            insurer: "保险公司".into(),
            policy_number: "P1".into(),
            kind: "其他".into(),
            valid_from: "2026-02-01".into(),
            valid_until: "2026-01-01".into(),
        };
        assert_named(&backwards, &validate_insurance(&backwards).unwrap_err(), "ends before start");
    }

    #[test]
    fn a_supervision_forms_and_the_settings_refusals_name_their_fields() {
        let blank = SupervisionInput::default();
        assert_named(&blank, &validate_supervision(&blank).unwrap_err(), "blank supervision");
        let wrong = SupervisionInput { method: "x".into(), participants_present: 20_000, identity_checked: 30_000, ..blank };
        assert_named(&wrong, &validate_supervision(&wrong).unwrap_err(), "wrong supervision");
        let settings = TrainingSettings { class_hour_minutes: 5, pass_mark: 200.0 };
        assert_named(&settings, &settings.validate().unwrap_err(), "settings");
    }
}
