//! The one error type of the desk: what the window, the CLI and the tests all see.
//!
//! It carries a stable `code` (so callers never match on sentences), the sentence a clerk
//! reads in Chinese and English, and, for invalid input, one [`FieldError`] per wrong field.
//! Internal failures never leak SQL to the clerk: they say "internal" and keep the detail in
//! `detail` for the log.

use certdesk_domain::{Bilingual, FieldError};

use crate::{messages, DeskCode};
use serde::Serialize;

/// An error from any desk operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message_zh}")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeskError {
    /// Stable machine code, e.g. `validation`, `duplicate_id_number`, `not_found`: match this,
    /// never the sentence.
    pub code: DeskCode,
    /// What the clerk reads, in Chinese.
    pub message_zh: String,
    /// The same in English.
    pub message_en: String,
    /// For `validation`: one entry per wrong field.
    pub fields: Vec<FieldError>,
    /// For `duplicate_id_number`: the worker already enrolled with that number.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub existing_worker_id: Option<String>,
    /// For internal errors only: the technical cause, for the log, never shown as the message.
    #[serde(skip)]
    pub detail: Option<String>,
}

impl DeskError {
    /// An error with a code and its sentence (from a `messages` module).
    pub fn new(code: DeskCode, message: Bilingual) -> Self {
        let (message_zh, message_en) = message.into_pair();
        DeskError { code, message_zh, message_en, fields: Vec::new(), existing_worker_id: None, detail: None }
    }

    /// The sentence, in both languages.
    pub fn message(&self) -> Bilingual {
        Bilingual::new(self.message_zh.clone(), self.message_en.clone())
    }

    /// Invalid input: the sentence names every wrong field, and `fields` lists them.
    pub fn validation(fields: Vec<FieldError>) -> Self {
        let message = Bilingual::join(&fields.iter().map(FieldError::message).collect::<Vec<_>>());
        DeskError { fields, ..DeskError::new(DeskCode::Validation, message) }
    }

    /// One wrong field.
    pub fn field(error: FieldError) -> Self {
        DeskError::validation(vec![error])
    }

    /// Something that is not the clerk's fault.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        DeskError { detail: Some(detail.to_string()), ..messages::internal() }
    }

    /// The named record does not exist (`what` from [`messages::records`]).
    pub fn not_found(what: Bilingual) -> Self {
        messages::not_found(&what)
    }

    /// The caller is not signed in.
    pub fn unauthorized() -> Self {
        messages::unauthorized()
    }

    /// The signed-in user may not do this.
    pub fn forbidden() -> Self {
        messages::forbidden()
    }
}

impl From<rusqlite::Error> for DeskError {
    fn from(e: rusqlite::Error) -> Self {
        DeskError::internal(e)
    }
}

impl From<FieldError> for DeskError {
    fn from(e: FieldError) -> Self {
        DeskError::field(e)
    }
}

/// Result of a desk operation.
pub type DeskResult<T> = Result<T, DeskError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The window reads exactly this shape (`ui/src/api.ts`, `ui/src/bindings/DeskError.ts`):
    /// a change here breaks every form's error display, so it is pinned byte for byte.
    #[test]
    fn the_ipc_error_json_is_pinned() {
        let e = DeskError::validation(vec![
            FieldError::new("phone", "phone_empty", "请填写手机号码", "Mobile number is required"),
            FieldError::new("name", "name_empty", "请填写姓名", "Name is required"),
        ]);
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"code":"validation","message_zh":"请填写手机号码；请填写姓名","message_en":"Mobile number is required; Name is required","fields":[{"field":"phone","code":"phone_empty","message_zh":"请填写手机号码","message_en":"Mobile number is required"},{"field":"name","code":"name_empty","message_zh":"请填写姓名","message_en":"Name is required"}]}"#
        );

        let dup = messages::duplicate_id_number("w-1".into(), "张三");
        assert_eq!(
            serde_json::to_string(&dup).unwrap(),
            r#"{"code":"duplicate_id_number","message_zh":"该身份证号已在本机构登记（张三），未重复保存","message_en":"This ID number is already enrolled at this agency (张三); nothing was saved twice","fields":[{"field":"id_number","code":"duplicate_id_number","message_zh":"该身份证号已登记：张三，请打开已有人员，不要重复登记","message_en":"This ID number is already enrolled (张三): open the existing worker instead"}],"existing_worker_id":"w-1"}"#
        );
    }

    #[test]
    fn an_internal_error_keeps_its_detail_out_of_the_json() {
        let e = DeskError::internal("no such table: workers");
        let json = serde_json::to_string(&e).unwrap();
        assert!(!json.contains("no such table"), "SQL must never reach the clerk: {json}");
        assert_eq!(e.code, DeskCode::Internal);
        assert_eq!(e.detail.as_deref(), Some("no such table: workers"), "the detail is kept for the log");
    }

    #[test]
    fn a_refused_card_field_names_the_field_and_keeps_its_code() {
        for (e, field) in [
            (messages::issued_on_future(), "issued_on"),
            (messages::signature_invalid(), "signature"),
            (messages::loss_note_too_long(), "note"),
            (messages::cancel_note_required(), "note"),
            (messages::printer_name_invalid(), "printer"),
            (messages::offset_out_of_range("offset_y_mm", 12.0), "offset_y_mm"),
            (messages::scale_out_of_range(2.0), "scale"),
            (messages::cancel_reason_invalid("x"), "reason"),
            (messages::loss_kind_invalid("x"), "kind"),
        ] {
            assert_eq!(e.fields.len(), 1, "{}: the window places the sentence beside one field", e.code);
            assert_eq!(e.fields[0].field, field);
            assert_eq!(e.fields[0].message(), e.message(), "the field says what the error says");
        }
    }
}
