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
pub mod error;
pub mod id_number;
pub mod lifecycle;
pub mod messages;
pub mod name;
pub mod phone;
pub mod training;
pub mod worker;

mod text;

pub use bilingual::Bilingual;
pub use agency::{parse_district, parse_required_text, DISTRICTS};
pub use card::CardLayout;
pub use code::Code;
pub use credit_code::{credit_check_char, CreditCode};
pub use error::FieldError;
pub use id_number::{check_char, Gender, IdKind, IdNumber, MIN_WORKER_AGE};
pub use name::{mask_for_public, mask_name, parse_person_name};
pub use phone::{parse_contact_phone, Mobile};
pub use training::{
    eligibility, Attendance, ClassMode, SupervisionMethod, Eligibility, EligibilityFacts, HalfHours, Missing,
    TrainingSettings,
};
pub use worker::{
    parse_service_types, validate_worker, ServiceType, ValidWorker, WorkerInput, WorkerStatus,
};
