//! The one error type of the desk: what the window, the CLI and the tests all see.
//!
//! It carries a stable `code` (so callers never match on sentences), the sentence a clerk
//! reads in Chinese and English, and, for invalid input, one [`FieldError`] per wrong field.
//! Internal failures never leak SQL to the clerk: they say "internal" and keep the detail in
//! `detail` for the log.

use certdesk_domain::FieldError;
use serde::Serialize;

/// An error from any desk operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message_zh}")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeskError {
    /// Stable machine code, e.g. `validation`, `duplicate_id_number`, `not_found`.
    pub code: String,
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
    /// An error with a code and both sentences.
    pub fn new(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        DeskError {
            code: code.to_string(),
            message_zh: zh.into(),
            message_en: en.into(),
            fields: Vec::new(),
            existing_worker_id: None,
            detail: None,
        }
    }

    /// Invalid input: the sentence names every wrong field, and `fields` lists them.
    pub fn validation(fields: Vec<FieldError>) -> Self {
        let zh = fields.iter().map(|f| f.message_zh.as_str()).collect::<Vec<_>>().join("；");
        let en = fields.iter().map(|f| f.message_en.as_str()).collect::<Vec<_>>().join("; ");
        DeskError { fields, ..DeskError::new("validation", zh, en) }
    }

    /// One wrong field.
    pub fn field(error: FieldError) -> Self {
        DeskError::validation(vec![error])
    }

    /// Something that is not the clerk's fault.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        DeskError {
            detail: Some(detail.to_string()),
            ..DeskError::new(
                "internal",
                "内部错误，操作未完成，数据未改动。请重试，若仍失败请联系技术支持。",
                "Internal error: nothing was changed. Please retry; if it keeps failing, contact support.",
            )
        }
    }

    /// The named record does not exist.
    pub fn not_found(what_zh: &str, what_en: &str) -> Self {
        DeskError::new("not_found", format!("找不到该{what_zh}"), format!("No such {what_en}"))
    }

    /// The caller is not signed in.
    pub fn unauthorized() -> Self {
        DeskError::new("unauthorized", "请先登录", "Please sign in first")
    }

    /// The signed-in user may not do this.
    pub fn forbidden() -> Self {
        DeskError::new("forbidden", "只有管理员可以执行此操作", "Only a manager can do this")
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
