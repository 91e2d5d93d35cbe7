//! The one error type of the crate: a stable `code` the app and CLI can match on, and a plain
//! sentence in Chinese and in English that a clerk can act on. It must never carry a file
//! path or a stack of causes a clerk cannot use.

use std::fmt;

/// Why cards could not be laid out. `code` is stable; the messages are for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardError {
    /// Stable, snake_case: `glyph_missing`, `qr_too_long`, `photo_invalid`,
    /// `credential_missing`, `calibration_invalid`, `layout_unknown`, `no_cards`, `font_broken`.
    pub code: &'static str,
    /// For the clerk, in Chinese.
    pub message_zh: String,
    /// The same, in English.
    pub message_en: String,
}

impl CardError {
    pub(crate) fn new(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        CardError {
            code,
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }

    /// A character the embedded font has no glyph for. Printing it would show an empty box,
    /// so the whole print is refused and the clerk is told which character to fix.
    pub(crate) fn glyph_missing(c: char, text: &str, who: &str) -> Self {
        let cp = format!("U+{:04X}", u32::from(c));
        let shown = if c.is_control() || c.is_whitespace() {
            cp.clone()
        } else {
            c.to_string()
        };
        CardError::new(
            "glyph_missing",
            format!("证卡字体里没有“{shown}”（{cp}）这个字，无法打印“{text}”{who}。请核对该字，或改用常用写法。"),
            format!("The card font has no glyph for '{shown}' ({cp}) in \"{text}\"{who}; check that character or use its common form."),
        )
    }
}

impl fmt::Display for CardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.message_zh, self.message_en)
    }
}

impl std::error::Error for CardError {}
