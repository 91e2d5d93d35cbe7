//! Every sentence the card renderer says to a clerk, in Chinese with English beside it, and the
//! stable code each belongs to, so a translator reviews one file.
//!
//! Callers decide *that* a card cannot be made; this module only says *what* the clerk reads.
//! It must never hold a layout rule. The codes are a contract with the desk and the CLI.

use certdesk_domain::Bilingual;

use crate::CardError;

/// Stable codes of [`CardError`].
pub mod codes {
    /// A character the embedded font has no glyph for.
    pub const GLYPH_MISSING: &str = "glyph_missing";
    /// The credential URL does not fit the QR code.
    pub const QR_TOO_LONG: &str = "qr_too_long";
    /// The photo is not a JPEG.
    pub const PHOTO_INVALID: &str = "photo_invalid";
    /// A real card without the platform's code and signed credential.
    pub const CREDENTIAL_MISSING: &str = "credential_missing";
    /// The printer calibration is out of range.
    pub const CALIBRATION_INVALID: &str = "calibration_invalid";
    /// Nothing to print.
    pub const NO_CARDS: &str = "no_cards";
    /// The embedded font cannot be read.
    pub const FONT_BROKEN: &str = "font_broken";
}

/// [`codes::GLYPH_MISSING`]: `shown` is the character (or its code point), `who` the holder.
pub fn glyph_missing(shown: &str, cp: &str, text: &str, who: &str) -> CardError {
    CardError::new(
        codes::GLYPH_MISSING,
        Bilingual::new(
            format!("证卡字体里没有“{shown}”（{cp}）这个字，无法打印“{text}”{who}。请核对该字，或改用常用写法。"),
            format!("The card font has no glyph for '{shown}' ({cp}) in \"{text}\"{who}; check that character or use its common form."),
        ),
    )
}

/// [`glyph_missing`] said of one field of the card face (`label`) and its holder.
pub fn glyph_missing_in_field(e: CardError, label: &Bilingual, who_zh: &str, who_en: &str) -> CardError {
    let message = Bilingual::new(
        format!("{}字段：{}{}", label.zh, e.message.zh, who_zh),
        format!("{} field{}: {}", label.en, who_en, e.message.en),
    );
    CardError { message, ..e }
}

/// [`codes::QR_TOO_LONG`].
pub fn qr_too_long(bytes: usize) -> CardError {
    CardError::new(
        codes::QR_TOO_LONG,
        Bilingual::new(
            format!("证卡二维码内容过长（{bytes} 字节），超过 10 版 Q 级二维码的容量，无法清晰打印。请联系平台。"),
            format!("The credential URL ({bytes} bytes) does not fit a version-10 QR code at error correction Q; contact the platform."),
        ),
    )
}

/// [`codes::PHOTO_INVALID`].
pub fn photo_invalid() -> CardError {
    CardError::new(
        codes::PHOTO_INVALID,
        Bilingual::new("照片不是有效的 JPEG 文件，请重新拍摄或上传照片。", "The photo is not a valid JPEG; take or upload the photo again."),
    )
}

/// [`codes::CREDENTIAL_MISSING`]; `who_zh` names the holder (or is empty), `who_en` is " (name)" or empty.
pub fn credential_missing(who_zh: &str, who_en: &str) -> CardError {
    let who_zh = if who_zh.is_empty() { "该从业人员" } else { who_zh };
    CardError::new(
        codes::CREDENTIAL_MISSING,
        Bilingual::new(
            format!("{who_zh}还没有平台核发的证书编号和签名二维码，只能打印样张。"),
            format!("No certificate code and signed credential from the platform yet{who_en}: only a draft can be printed."),
        ),
    )
}

/// [`codes::CALIBRATION_INVALID`].
pub fn calibration_invalid() -> CardError {
    CardError::new(
        codes::CALIBRATION_INVALID,
        Bilingual::new(
            "打印机校准值超出范围：偏移须在 ±30 毫米内，缩放须在 50% 到 150% 之间。",
            "Printer calibration out of range: offsets within ±30 mm, scale between 50% and 150%.",
        ),
    )
}

/// [`codes::NO_CARDS`].
pub fn no_cards() -> CardError {
    CardError::new(codes::NO_CARDS, Bilingual::new("没有要打印的证卡。", "There are no cards to print."))
}

/// [`codes::FONT_BROKEN`].
pub fn font_broken() -> CardError {
    CardError::new(
        codes::FONT_BROKEN,
        Bilingual::new("内置证卡字体无法读取，请重新安装本软件。", "The built-in card font cannot be read; reinstall the application."),
    )
}
