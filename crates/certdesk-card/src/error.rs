//! The one error type of the crate: a stable `code` the app and CLI can match on, and a plain
//! sentence in Chinese and in English that a clerk can act on. It must never carry a file
//! path or a stack of causes a clerk cannot use.

use std::fmt;

use certdesk_domain::Bilingual;

/// Why cards could not be laid out. `code` is stable; the message is for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardError {
    /// Stable, snake_case, from [`crate::messages::codes`].
    pub code: &'static str,
    /// For the clerk, in Chinese and English.
    pub message: Bilingual,
}

impl CardError {
    pub(crate) fn new(code: &'static str, message: Bilingual) -> Self {
        CardError { code, message }
    }

    /// A character the embedded font has no glyph for. Printing it would show an empty box,
    /// so the whole print is refused and the clerk is told which character to fix.
    pub(crate) fn glyph_missing(c: char, text: &str, who: &str) -> Self {
        let cp = format!("U+{:04X}", u32::from(c));
        let shown = if c.is_control() || c.is_whitespace() { cp.clone() } else { c.to_string() };
        crate::messages::glyph_missing(&shown, &cp, text, who)
    }
}

impl fmt::Display for CardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.message.zh, self.message.en)
    }
}

impl std::error::Error for CardError {}
