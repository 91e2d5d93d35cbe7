//! The desk's SQL, one file per table: every statement that writes a table, and every read
//! whose main table it is (a read that joins others lives with the table it is about), as small
//! functions taking a connection and typed arguments.
//!
//! The area modules (`workers.rs`, `training.rs`, `cards.rs`, `sync.rs`, ...) keep the rules and
//! the order of the steps and call these; they hold no SQL of their own (a test keeps it so).
//! Each function takes `&Connection`: a `Transaction` derefs to one, so a statement runs inside
//! whatever transaction its caller opened, and nothing here opens, commits or decides anything.
//! Closed sets arrive as their domain enums and are written as their codes here.

pub(crate) mod workers;
pub(crate) mod worker_name_grams;
pub(crate) mod worker_status_counts;
pub(crate) mod photos;
pub(crate) mod users;
pub(crate) mod audit;
pub(crate) mod outbox;
pub(crate) mod sync_device;
pub(crate) mod sync_state;
pub(crate) mod sync_rejections;
pub(crate) mod trust_keys;
pub(crate) mod revocations;
pub(crate) mod photo_uploads;
pub(crate) mod worker_certificates;
pub(crate) mod worker_checks;
pub(crate) mod worker_rejections;
pub(crate) mod training_classes;
pub(crate) mod class_participants;
pub(crate) mod exam_results;
pub(crate) mod supervision_forms;
pub(crate) mod settings;
