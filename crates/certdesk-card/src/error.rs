//! The one error type of the crate: a stable `code` the app and CLI can match on, and a plain
//! sentence in Chinese and in English that a clerk can act on. It must never carry a file
//! path or a stack of causes a clerk cannot use.

use std::fmt;

use certdesk_domain::Bilingual;

/// The stable codes of [`CardError`]: what the desk and the CLI match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardCode {
    /// A character the embedded font has no glyph for.
    GlyphMissing,
    /// The credential URL does not fit the QR code.
    QrTooLong,
    /// The photo is not a JPEG.
    PhotoInvalid,
    /// A real card without the platform's code and signed credential.
    CredentialMissing,
    /// The printer calibration is out of range.
    CalibrationInvalid,
    /// Nothing to print.
    NoCards,
    /// The embedded font cannot be read.
    FontBroken,
}

impl CardCode {
    /// Every code.
    pub const ALL: [CardCode; 7] = [
        CardCode::GlyphMissing,
        CardCode::QrTooLong,
        CardCode::PhotoInvalid,
        CardCode::CredentialMissing,
        CardCode::CalibrationInvalid,
        CardCode::NoCards,
        CardCode::FontBroken,
    ];

    /// The code as a snake_case string, as the desk's error and the log carry it.
    pub fn as_str(self) -> &'static str {
        match self {
            CardCode::GlyphMissing => "glyph_missing",
            CardCode::QrTooLong => "qr_too_long",
            CardCode::PhotoInvalid => "photo_invalid",
            CardCode::CredentialMissing => "credential_missing",
            CardCode::CalibrationInvalid => "calibration_invalid",
            CardCode::NoCards => "no_cards",
            CardCode::FontBroken => "font_broken",
        }
    }
}

impl PartialEq<&str> for CardCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for CardCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why cards could not be laid out. `code` is stable; the message is for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardError {
    /// Stable: match this, never the message.
    pub code: CardCode,
    /// For the clerk, in Chinese and English.
    pub message: Bilingual,
}

impl CardError {
    pub(crate) fn new(code: CardCode, message: Bilingual) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The strings the codes were before they were an enum: the desk forwards them unchanged.
    #[test]
    fn every_code_keeps_the_string_it_had_before() {
        let before = ["glyph_missing", "qr_too_long", "photo_invalid", "credential_missing", "calibration_invalid", "no_cards", "font_broken"];
        assert_eq!(CardCode::ALL.map(CardCode::as_str), before);
    }
}
