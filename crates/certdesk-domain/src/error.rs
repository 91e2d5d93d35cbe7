//! The one error type of the domain layer: a rule that one form field broke.
//!
//! It exists so every front end (the desktop form, the CLI, Excel import) can show the same
//! message beside the same field and match on a stable code. It must never carry anything but
//! plain data: no source errors, no backtraces, no personal data beyond what the clerk typed.

use serde::Serialize;

/// A rule a field broke. Carries a stable code (for UI/CLI/tests), the field name,
/// and the message in Chinese and English (what the clerk reads).
///
/// `Display` shows the Chinese message because the clerks work in Chinese; the English text is
/// for logs, support and non-Chinese-speaking developers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message_zh}")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldError {
    /// The form field the error belongs to, e.g. `"id_number"`; the UI places the message there.
    pub field: String,
    /// Stable machine-readable code, e.g. `"id_check"`; never reworded once published.
    pub code: String,
    /// What the clerk reads, in Chinese.
    pub message_zh: String,
    /// The same message in English.
    pub message_en: String,
}

impl FieldError {
    /// Builds an error; the texts normally come from [`crate::messages`] so wording stays in one place.
    pub fn new(field: &str, code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }

    /// Builds an error from a sentence of a `messages` module.
    pub fn with(field: &str, code: &str, message: crate::Bilingual) -> Self {
        let (zh, en) = message.into_pair();
        FieldError::new(field, code, zh, en)
    }

    /// The sentence, in both languages.
    pub fn message(&self) -> crate::Bilingual {
        crate::Bilingual::new(self.message_zh.clone(), self.message_en.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_error_serializes_with_field_code_and_both_messages() {
        let e = FieldError::new(
            "phone",
            "phone_empty",
            "请填写手机号码",
            "Mobile number is required",
        );
        let v: serde_json::Value = serde_json::to_value(&e).unwrap();
        let obj = v.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "field", "message_en", "message_zh"]);
        assert_eq!(obj["field"], "phone");
        assert_eq!(obj["code"], "phone_empty");
        assert_eq!(obj["message_zh"], "请填写手机号码");
        assert_eq!(obj["message_en"], "Mobile number is required");
    }

    #[test]
    fn field_error_displays_the_chinese_message() {
        let e = FieldError::new("x", "c", "中文", "English");
        assert_eq!(e.to_string(), "中文");
    }
}
