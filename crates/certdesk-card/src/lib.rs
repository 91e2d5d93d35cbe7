//! Certificate cards (家政上门服务证) as PDF: the front with photo, particulars and the signed
//! QR code, the back with how to check the card, laid out either one card per page at CR80
//! size (85.6 x 54 mm, for card printers, duplex order) or ten to an A4 sheet with crop marks
//! (for printing and laminating), under a printer's calibration.
//!
//! This crate lays out and nothing else: it does not decide who may be printed (the caller
//! passes `draft: true` for anyone not approved), it does no I/O, and it must never depend on
//! a font installed on the machine: the Chinese face (Noto Sans CJK SC, SIL OFL, see
//! `assets/fonts/`) is compiled in, and each PDF embeds only the glyphs it uses.
//!
//! Why `pdf-writer` and `subsetter` (typst's crates) and not printpdf: a card needs three
//! things done exactly: the JPEG photo embedded as it is (DCTDecode, no decoding), the CJK font
//! subset to the glyphs used with our own CID mapping (so a missing character is an error, not
//! an empty box), and every drawing in mm under one calibration matrix. pdf-writer writes
//! exactly the objects we ask for, subsetter subsets CFF fonts for PDF, and together they
//! build in seconds with no layout engine we do not use.
//!
//! ```no_run
//! use certdesk_card::{render, CardData, Layout, RenderOptions};
//! # fn cards() -> Vec<CardData> { vec![] }
//! let opts = RenderOptions { layout: Layout::A4Sheet, ..RenderOptions::default() };
//! let pdf: Vec<u8> = render(&cards(), &opts, &mut |done, total| eprintln!("{done}/{total}"))?;
//! # Ok::<(), certdesk_card::CardError>(())
//! ```

mod canvas;
mod card;
mod error;
mod font;
mod funding;
pub mod messages;
mod photo;
mod qr;
mod sheet;
mod receipt;
mod slip;


pub use card::{CARD_H, CARD_W};
pub use error::{CardCode, CardError};
pub use font::font_has_glyphs;
pub use funding::{funding_pack_pdf, funding_pack_xlsx, PackMade, PackSource, PACK_SHEETS};
pub use qr::MAX_QR_VERSION;
pub use sheet::{a4_slot, A4_H, A4_W, CARDS_PER_SHEET};
pub use slip::{activation_slip, SlipData, SLIP_H, SLIP_W};
pub use receipt::{roster_receipt, ReceiptData};

/// What one card shows. Strings are printed as given (trimmed); the caller formats them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CardData {
    /// 张三 / 阿依古丽·买买提.
    pub name: String,
    /// 男 / 女.
    pub gender_zh: String,
    /// Chinese labels, e.g. ["保洁", "母婴护理"]; joined with 、 on up to two lines.
    pub service_types_zh: Vec<String>,
    /// SH112026000123J, or "" for a draft of a worker not yet approved.
    pub certificate_code: String,
    /// The agency that issued the card.
    pub agency_name: String,
    /// The agency's phone, printed on the back.
    pub agency_phone: String,
    /// Last day the card is valid.
    pub valid_until: Option<chrono::NaiveDate>,
    /// The signed credential URL for the QR code; `None` for a draft.
    pub credential_url: Option<String>,
    /// The store's 358 x 441 JPEG, embedded as it is; `None` prints a framed 无照片 box.
    pub photo_jpeg: Option<Vec<u8>>,
    /// Which printed card of this certificate (a replacement has the next one).
    pub card_version: u16,
    /// A preview of a certificate that is not approved: watermarked 样张 on both faces.
    pub draft: bool,
}

/// How cards go onto paper: the domain's one closed set of layouts (`cr80`, `a4`), parsed with
/// `str::parse` (an unknown name is refused with the code `layout_unknown`).
pub use certdesk_domain::CardLayout as Layout;

/// A printer's correction, saved per printer: everything on the page is scaled about the
/// page centre by `scale`, then moved right by `offset_x_mm` and down by `offset_y_mm`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Positive moves the print to the right.
    pub offset_x_mm: f32,
    /// Positive moves the print down.
    pub offset_y_mm: f32,
    /// 1.0 is true size; allowed 0.5 to 1.5.
    pub scale: f32,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration {
            offset_x_mm: 0.0,
            offset_y_mm: 0.0,
            scale: 1.0,
        }
    }
}

impl Calibration {
    /// Largest offset accepted, in mm either way.
    pub const MAX_OFFSET_MM: f32 = 30.0;

    fn check(&self) -> Result<(), CardError> {
        let ok_offset = |v: f32| v.is_finite() && v.abs() <= Self::MAX_OFFSET_MM;
        if ok_offset(self.offset_x_mm)
            && ok_offset(self.offset_y_mm)
            && self.scale.is_finite()
            && (0.5..=1.5).contains(&self.scale)
        {
            Ok(())
        } else {
            Err(messages::calibration_invalid())
        }
    }
}

/// Everything about a print run that is not the cards themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// Single cards or A4 sheets.
    pub layout: Layout,
    /// The printer's correction.
    pub calibration: Calibration,
    /// The platform hotline printed on the back.
    pub hotline: String,
    /// Version of this card design, printed on the back (e.g. "2026.1").
    pub card_design_version: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            layout: Layout::Cr80,
            calibration: Calibration::default(),
            hotline: "12345".into(),
            card_design_version: CARD_DESIGN_VERSION.into(),
        }
    }
}

/// The design this crate draws; bump it when the layout changes visibly.
pub const CARD_DESIGN_VERSION: &str = "2026.1";

/// Lays out `cards` into one PDF. `progress(done, total)` is called after each card.
///
/// Refuses the whole run (nothing half-printed) when a card has a character the font lacks
/// (`glyph_missing`), a photo that is not a JPEG (`photo_invalid`), a credential URL that
/// does not fit a version-10 Q QR code (`qr_too_long`), or is not a draft but has no
/// credential (`credential_missing`).
pub fn render(
    cards: &[CardData],
    opts: &RenderOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>, CardError> {
    opts.calibration.check()?;
    if cards.is_empty() {
        return Err(messages::no_cards());
    }
    for card in cards {
        check_card(card, opts)?;
    }
    sheet::render(cards, opts, progress)
}

/// A calibration test page for the layout: the card outline(s), mm rulers, crosshairs at the
/// centres and the calibration in force, drawn under that calibration.
pub fn test_page(opts: &RenderOptions) -> Result<Vec<u8>, CardError> {
    opts.calibration.check()?;
    sheet::test_page(opts)
}

/// Checks a card's text against the font, naming the field, before anything is drawn.
fn check_card(card: &CardData, opts: &RenderOptions) -> Result<(), CardError> {
    let who = if card.name.trim().is_empty() {
        String::new()
    } else {
        format!("（{}）", card.name.trim())
    };
    let who_en = if card.name.trim().is_empty() {
        String::new()
    } else {
        format!(" ({})", card.name.trim())
    };
    let fields: [(&str, &str, &str); 6] = [
        ("姓名", "name", &card.name),
        ("性别", "gender", &card.gender_zh),
        ("证书编号", "certificate code", &card.certificate_code),
        ("所在机构", "agency", &card.agency_name),
        ("机构电话", "agency phone", &card.agency_phone),
        ("平台热线", "hotline", &opts.hotline),
    ];
    let services = card.service_types_zh.join("、");
    for (zh, en, value) in
        fields
            .iter()
            .copied()
            .chain([("服务类型", "service types", services.as_str())])
    {
        if let Err(c) = font_has_glyphs(value.trim()) {
            let e = CardError::glyph_missing(c, value.trim(), "");
            return Err(messages::glyph_missing_in_field(e, &certdesk_domain::Bilingual::new(zh, en), &who, &who_en));
        }
    }
    if !card.draft && (card.credential_url.is_none() || card.certificate_code.trim().is_empty()) {
        return Err(messages::credential_missing(&who, &who_en));
    }
    Ok(())
}
