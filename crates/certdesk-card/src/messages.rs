//! Every sentence the card renderer says to a clerk, in Chinese with English beside it, and the
//! [`CardCode`] each belongs to, so a translator reviews one file.
//!
//! Callers decide *that* a card cannot be made; this module only says *what* the clerk reads.
//! It must never hold a layout rule. The codes are a contract with the desk and the CLI.

use certdesk_domain::Bilingual;

use crate::{CardCode, CardError};

/// [`CardCode::GlyphMissing`]: `shown` is the character (or its code point), `who` the holder.
pub fn glyph_missing(shown: &str, cp: &str, text: &str, who: &str) -> CardError {
    CardError::new(
        CardCode::GlyphMissing,
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

/// [`CardCode::QrTooLong`].
pub fn qr_too_long(bytes: usize) -> CardError {
    CardError::new(
        CardCode::QrTooLong,
        Bilingual::new(
            format!("证卡二维码内容过长（{bytes} 字节），超过 10 版 Q 级二维码的容量，无法清晰打印。请联系平台。"),
            format!("The credential URL ({bytes} bytes) does not fit a version-10 QR code at error correction Q; contact the platform."),
        ),
    )
}

/// [`CardCode::PhotoInvalid`].
pub fn photo_invalid() -> CardError {
    CardError::new(
        CardCode::PhotoInvalid,
        Bilingual::new("照片不是有效的 JPEG 文件，请重新拍摄或上传照片。", "The photo is not a valid JPEG; take or upload the photo again."),
    )
}

/// [`CardCode::CredentialMissing`]; `who_zh` names the holder (or is empty), `who_en` is " (name)" or empty.
pub fn credential_missing(who_zh: &str, who_en: &str) -> CardError {
    let who_zh = if who_zh.is_empty() { "该从业人员" } else { who_zh };
    CardError::new(
        CardCode::CredentialMissing,
        Bilingual::new(
            format!("{who_zh}还没有平台核发的证书编号和签名二维码，只能打印样张。"),
            format!("No certificate code and signed credential from the platform yet{who_en}: only a draft can be printed."),
        ),
    )
}

/// [`CardCode::CalibrationInvalid`].
pub fn calibration_invalid() -> CardError {
    CardError::new(
        CardCode::CalibrationInvalid,
        Bilingual::new(
            "打印机校准值超出范围：偏移须在 ±30 毫米内，缩放须在 50% 到 150% 之间。",
            "Printer calibration out of range: offsets within ±30 mm, scale between 50% and 150%.",
        ),
    )
}

/// [`CardCode::NoCards`].
pub fn no_cards() -> CardError {
    CardError::new(CardCode::NoCards, Bilingual::new("没有要打印的证卡。", "There are no cards to print."))
}

/// [`CardCode::FontBroken`].
pub fn font_broken() -> CardError {
    CardError::new(
        CardCode::FontBroken,
        Bilingual::new("内置证卡字体无法读取，请重新安装本软件。", "The built-in card font cannot be read; reinstall the application."),
    )
}

/// The printed roster receipt's lines: the verification held.
pub(crate) fn receipt_verified() -> (&'static str, &'static str) {
    ("本机已用平台信任列表核验签名：有效", "Verified on this desk against the platform's trust list: the signature holds")
}

/// The printed roster receipt's lines: the verification failed, with its sentence.
pub(crate) fn receipt_not_verified(zh: &str) -> String {
    format!("核验未通过：{zh}")
}

/// The printed roster receipt's notes at the foot.
pub(crate) fn receipt_notes() -> [(&'static str, &'static str); 2] {
    [
        (
            "名册 SHA-256 为按上门服务证编码排序的名册行（紧凑 JSON）的摘要；签名覆盖本回执全部内容。",
            "The hash is of the roster's rows sorted by certificate code (compact JSON); the signature covers every field above.",
        ),
        (
            "核验：certdesk roster receipts --verify（离线，使用同步的信任列表）。备案不可修改，更正须提交新备案。",
            "Verify with certdesk roster receipts --verify (offline, with the synced trust list). A filing is never changed.",
        ),
    ]
}

/// The printed roster receipt's print date.
pub(crate) fn receipt_printed_on(day: &str) -> String {
    format!("打印日期 Printed {day}")
}

/// The funding pack's report (项目资金材料, issue 14 item 3).
pub(crate) mod funding {
    use certdesk_domain::funding::PackTotals;
    use certdesk_domain::training::TrainingSettings;
    use certdesk_domain::Bilingual;

    use crate::funding::{PackMade, PackSource};

    /// A filing number that corrects another.
    pub(crate) fn filing_correcting(number: &str, old: &str) -> String {
        format!("{number}（更正 {old}）")
    }

    /// A period.
    pub(crate) fn period(from: chrono::NaiveDate, to: chrono::NaiveDate) -> String {
        format!("{from} 至 {to}")
    }

    /// The rule the workers were checked by.
    pub(crate) fn rule(s: &TrainingSettings) -> Bilingual {
        Bilingual::new(
            format!("每人不少于 3 课时（含考核，每课时 {} 分钟），最近一次考试不低于 {} 分，参加的线下培训班均有培训督导单", s.class_hour_minutes, s.pass_mark),
            format!("At least 3 class hours each (the exam included, {} minutes a class hour), the latest exam at least {}, every offline class attended supervised", s.class_hour_minutes, s.pass_mark),
        )
    }

    /// When and by whom the pack was made.
    pub(crate) fn made(m: &PackMade) -> Bilingual {
        match m.source {
            PackSource::Desk => Bilingual::new(format!("{}，机构端据本机培训记录生成", m.at), format!("{}, by the agency's desk from its training records", m.at)),
            PackSource::Platform => {
                Bilingual::new(format!("{}，平台据机构同步的培训记录生成", m.at), format!("{}, by the platform from the training records the agency synced", m.at))
            }
        }
    }

    /// The totals.
    pub(crate) fn totals(t: &PackTotals) -> Bilingual {
        Bilingual::new(
            format!("名册 {} 人：核对无误 {} 人，有问题 {} 人，共 {} 项问题", t.workers, t.workers_clear, t.workers_with_problems, t.problems),
            format!("{} on the roster: {} clear, {} with problems, {} problems in all", t.workers, t.workers_clear, t.workers_with_problems, t.problems),
        )
    }

    /// A worker with nothing missing.
    pub(crate) fn clear() -> String {
        "无误 Clear".into()
    }

    /// A worker's number of problems.
    pub(crate) fn problem_count(n: usize) -> String {
        format!("{n} 项问题 {n} problem{}", if n == 1 { "" } else { "s" })
    }

    /// No problem at all.
    pub(crate) fn no_problems() -> (&'static str, &'static str) {
        ("名册上的每位人员均符合要求。", "Every worker on the roster meets every requirement.")
    }

    /// Each page's foot.
    pub(crate) fn page_foot(page: usize, pages: usize, number: &str, at: &str) -> String {
        format!("第 {page} 页 / 共 {pages} 页 · Page {page} of {pages} · {number} · {at}")
    }

    /// The PDF's title.
    pub(crate) fn document_title(number: &str) -> String {
        format!("项目资金申报材料 {number} / Funding pack")
    }
}
