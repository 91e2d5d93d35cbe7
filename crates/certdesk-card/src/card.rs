//! The two faces of one card, drawn in card millimetres (85.6 x 54, origin bottom left).
//! Where a face sits on the page, and the calibration, are the caller's business. This module
//! must never print a QR code for a card that has no signed credential, and never let the
//! text run into the QR code's quiet zone.

use crate::canvas::{Align, Canvas, Rgb, Text, WHITE};
use crate::font::Weight;
use crate::qr::QrModules;
use crate::{CardData, CardError, RenderOptions};

/// CR80 (ISO/IEC 7810 ID-1) width in mm.
pub const CARD_W: f32 = 85.6;
/// CR80 height in mm.
pub const CARD_H: f32 = 54.0;

/// The programme's blue (header bands, labels).
const BLUE: Rgb = Rgb(0.04, 0.29, 0.58);
/// A thin red rule under the header, as on the city's printed forms.
const RED: Rgb = Rgb(0.78, 0.12, 0.12);
const INK: Rgb = Rgb(0.09, 0.09, 0.11);
const LABEL: Rgb = Rgb(0.23, 0.35, 0.52);
const MUTED: Rgb = Rgb(0.42, 0.45, 0.50);
const HAIRLINE: Rgb = Rgb(0.78, 0.80, 0.84);

/// Where the QR symbol goes (without its quiet zone): left, bottom, side.
const QR_X: f32 = 58.1;
const QR_Y: f32 = 7.4;
const QR_SIDE: f32 = 24.0;
/// Text on the front stays left of this, which is left of the QR's quiet zone
/// (4 modules of a version-10 code, the largest allowed, are 1.68 mm).
const TEXT_RIGHT: f32 = 55.4;

/// The photo box, in the 358 x 441 proportion of the store's photos.
const PHOTO_X: f32 = 4.0;
const PHOTO_Y: f32 = 17.2;
const PHOTO_W: f32 = 19.6;
const PHOTO_H: f32 = PHOTO_W * 441.0 / 358.0;

/// Sizes in mm of the em box (1 mm is about 2.83 pt).
const LABEL_ZH: f32 = 1.95;
const LABEL_EN: f32 = 1.3;

/// A photo already embedded in the document.
pub(crate) struct PlacedPhoto {
    pub xobject: pdf_writer::Ref,
    pub width: f32,
    pub height: f32,
}

/// Chinese label with its small English gloss under it, at baseline `y`.
fn label(c: &mut Canvas, x: f32, y: f32, zh: &str, en: &str) -> Result<(), CardError> {
    c.text(zh, Text::at(x, y, LABEL_ZH).color(LABEL))?;
    c.text(en, Text::at(x, y - 1.75, LABEL_EN).color(MUTED))?;
    Ok(())
}

/// Service types joined with 、 on at most two lines that fit `width`: the largest size
/// from `size` down to 1.8 mm at which they do; below that the lines are condensed.
fn service_lines(c: &mut Canvas, items: &[String], size: f32, width: f32) -> (Vec<String>, f32) {
    let wrap = |c: &mut Canvas, size: f32| -> Vec<String> {
        let mut lines: Vec<String> = vec![String::new()];
        for (i, item) in items.iter().enumerate() {
            let sep = if i + 1 < items.len() { "、" } else { "" };
            let piece = format!("{item}{sep}");
            let n = lines.len();
            let trial = format!("{}{piece}", lines[n - 1]);
            if !lines[n - 1].is_empty() && c.fonts.width(&trial, size, Weight::Regular) > width {
                lines.push(piece);
            } else {
                lines[n - 1] = trial;
            }
        }
        lines
    };
    let mut s = size;
    while s > 1.8 {
        let lines = wrap(c, s);
        if lines.len() <= 2
            && lines
                .iter()
                .all(|l| c.fonts.width(l, s, Weight::Regular) <= width)
        {
            return (lines, s);
        }
        s -= 0.1;
    }
    // Still too long: the two-line split with the shorter longest line, both lines set at
    // the one size that fits it (text() condenses only below three quarters of that).
    let line = |from: usize, to: usize| {
        let sep = if to < items.len() { "、" } else { "" };
        items[from..to].join("、") + sep
    };
    let (first, second) = (1..items.len().max(2))
        .map(|cut| {
            (
                line(0, cut.min(items.len())),
                line(cut.min(items.len()), items.len()),
            )
        })
        .min_by(|a, b| {
            let wa = c.fonts.width(&a.0, 1.0, Weight::Regular).max(c.fonts.width(
                &a.1,
                1.0,
                Weight::Regular,
            ));
            let wb = c.fonts.width(&b.0, 1.0, Weight::Regular).max(c.fonts.width(
                &b.1,
                1.0,
                Weight::Regular,
            ));
            wa.total_cmp(&wb)
        })
        .unwrap_or_default();
    let widest = c
        .fonts
        .width(&first, 1.0, Weight::Regular)
        .max(c.fonts.width(&second, 1.0, Weight::Regular));
    let fitted = if widest > 0.0 {
        (width / widest).min(1.8)
    } else {
        1.8
    };
    (
        vec![first, second]
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect(),
        fitted,
    )
}

/// Dates as a Chinese card prints them: 2027年12月31日.
fn date_zh(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{:02}月{:02}日", d.year(), d.month(), d.day())
}

/// The front: title band, photo, name, gender, service types, code, agency, validity, QR.
pub(crate) fn front(
    c: &mut Canvas,
    card: &CardData,
    photo: Option<&PlacedPhoto>,
    qr: Option<&QrModules>,
) -> Result<(), CardError> {
    c.background();
    // The QR code and its quiet zone stay plain white, whatever the background.
    let modules = qr.map_or(57, |q| q.width) as f32;
    let quiet = 4.0 * QR_SIDE / modules + 0.3;
    c.fill_rect(
        QR_X - quiet,
        QR_Y - quiet,
        QR_SIDE + 2.0 * quiet,
        QR_SIDE + 2.0 * quiet,
        WHITE,
    );
    // Header band.
    c.fill_rect(0.0, 44.2, CARD_W, CARD_H - 44.2, BLUE);
    c.fill_rect(0.0, 43.6, CARD_W, 0.6, RED);
    c.text(
        "上海市家政上门服务证",
        Text::at(CARD_W / 2.0, 48.55, 4.3)
            .bold()
            .color(WHITE)
            .align(Align::Center),
    )?;
    c.text(
        "SHANGHAI HOME SERVICE WORKER CERTIFICATE",
        Text::at(CARD_W / 2.0, 45.35, 1.55)
            .color(WHITE)
            .align(Align::Center),
    )?;

    // Photo, or a framed box saying there is none.
    match photo {
        Some(p) => c.image(
            p.xobject,
            (p.width, p.height),
            (PHOTO_X, PHOTO_Y, PHOTO_W, PHOTO_H),
        ),
        None => {
            c.fill_rect(PHOTO_X, PHOTO_Y, PHOTO_W, PHOTO_H, Rgb(0.94, 0.95, 0.96));
            let cx = PHOTO_X + PHOTO_W / 2.0;
            let cy = PHOTO_Y + PHOTO_H / 2.0;
            c.text(
                "无照片",
                Text::at(cx, cy + 0.2, 2.4)
                    .color(MUTED)
                    .align(Align::Center),
            )?;
            c.text(
                "No photo",
                Text::at(cx, cy - 2.4, 1.5)
                    .color(MUTED)
                    .align(Align::Center),
            )?;
        }
    }
    c.stroke_rect(PHOTO_X, PHOTO_Y, PHOTO_W, PHOTO_H, HAIRLINE, 0.2);

    // Name, gender, service types beside the photo.
    let x = 26.6;
    let value_x = x + 9.6;
    label_inline(c, x, 39.6, "姓名", "Name")?;
    c.text(
        card.name.trim(),
        Text::at(x, 34.3, 4.4).color(INK).max(TEXT_RIGHT - x),
    )?;

    label(c, x, 29.4, "性别", "Sex")?;
    c.text(
        card.gender_zh.trim(),
        Text::at(value_x, 29.4, 2.7)
            .color(INK)
            .max(TEXT_RIGHT - value_x),
    )?;

    label(c, x, 23.9, "服务类型", "Services")?;
    let (lines, size) = service_lines(c, &card.service_types_zh, 2.35, TEXT_RIGHT - value_x);
    for (i, line) in lines.iter().enumerate() {
        let y = 23.9 - i as f32 * size * 1.36;
        c.text(
            line,
            Text::at(value_x, y, size)
                .color(INK)
                .max(TEXT_RIGHT - value_x),
        )?;
    }

    // Code, agency, validity across the bottom.
    c.line(PHOTO_X, 15.9, TEXT_RIGHT, 15.9, HAIRLINE, 0.15);
    let x = PHOTO_X;
    let value_x = x + 10.6;
    let code = card.certificate_code.trim();
    label(c, x, 12.6, "证书编号", "Cert. No.")?;
    if code.is_empty() {
        let w = c.text("待平台核发", Text::at(value_x, 12.6, 2.4).color(MUTED))?;
        c.text(
            "Pending",
            Text::at(value_x + w + 1.0, 12.6, 1.6).color(MUTED),
        )?;
    } else {
        c.text(
            code,
            Text::at(value_x, 12.6, 2.85)
                .bold()
                .color(INK)
                .max(TEXT_RIGHT - value_x),
        )?;
    }
    label(c, x, 8.3, "所在机构", "Agency")?;
    c.text(
        card.agency_name.trim(),
        Text::at(value_x, 8.3, 2.4)
            .color(INK)
            .max(TEXT_RIGHT - value_x),
    )?;
    label(c, x, 4.0, "有效期至", "Valid until")?;
    let valid = card.valid_until.map(date_zh).unwrap_or_else(|| "—".into());
    c.text(&valid, Text::at(value_x, 4.0, 2.4).color(INK))?;

    // QR code, or the draft's placeholder.
    let qx = QR_X + QR_SIDE / 2.0;
    c.text(
        "扫码查验并评价",
        Text::at(qx, 37.3, 2.15)
            .bold()
            .color(BLUE)
            .align(Align::Center),
    )?;
    c.text(
        "Scan to verify and rate",
        Text::at(qx, 35.1, 1.35).color(MUTED).align(Align::Center),
    )?;
    match qr {
        Some(q) => draw_qr(c, q),
        None => {
            c.content.save_state();
            c.content.set_dash_pattern([0.8, 0.6], 0.0);
            c.stroke_rect(QR_X, QR_Y, QR_SIDE, QR_SIDE, MUTED, 0.25);
            c.content.restore_state();
            let cy = QR_Y + QR_SIDE / 2.0;
            c.text(
                "样张无二维码",
                Text::at(qx, cy + 0.6, 2.3)
                    .color(MUTED)
                    .align(Align::Center),
            )?;
            c.text(
                "Draft: no QR code",
                Text::at(qx, cy - 2.2, 1.4)
                    .color(MUTED)
                    .align(Align::Center),
            )?;
        }
    }

    if card.draft {
        watermark(c)?;
    }
    Ok(())
}

/// A Chinese label with its English gloss on the same line (used where height is short).
fn label_inline(c: &mut Canvas, x: f32, y: f32, zh: &str, en: &str) -> Result<(), CardError> {
    let w = c.text(zh, Text::at(x, y, LABEL_ZH).color(LABEL))?;
    c.text(en, Text::at(x + w + 0.8, y, LABEL_EN).color(MUTED))?;
    Ok(())
}

/// All dark modules as one filled path, so that a renderer leaves no seams between them.
fn draw_qr(c: &mut Canvas, q: &QrModules) {
    let m = QR_SIDE / q.width as f32;
    c.content.save_state();
    // One unit = one module, y down from the symbol's top left: every rectangle is whole
    // numbers, which keeps a thousand codes small.
    c.content.transform([m, 0.0, 0.0, -m, QR_X, QR_Y + QR_SIDE]);
    c.fill(Rgb(0.0, 0.0, 0.0));
    for &(x, y, len) in &q.runs {
        c.content
            .rect(f32::from(x), f32::from(y), f32::from(len), 1.0);
    }
    c.content.fill_nonzero();
    c.content.restore_state();
}

/// The back: how to check the card, who to call, which design and card version.
pub(crate) fn back(c: &mut Canvas, card: &CardData, opts: &RenderOptions) -> Result<(), CardError> {
    c.background();
    c.fill_rect(0.0, 45.6, CARD_W, CARD_H - 45.6, BLUE);
    c.fill_rect(0.0, 45.0, CARD_W, 0.6, RED);
    let w = c.text(
        "扫码查验并评价",
        Text::at(4.0, 48.55, 3.5).bold().color(WHITE),
    )?;
    c.text(
        "Scan to verify and rate",
        Text::at(4.0 + w + 1.5, 48.55, 1.8).color(WHITE),
    )?;

    let steps: [(&str, &str); 3] = [
        (
            "用微信或手机相机扫描证件正面的二维码",
            "Scan the QR code on the front with WeChat or a phone camera.",
        ),
        (
            "核对页面显示的证件状态、照片、姓名与本人一致",
            "Check that the status, photo and name match the card holder.",
        ),
        (
            "服务结束后，可在该页面评价本次服务或投诉",
            "After the service, rate it or file a complaint on that page.",
        ),
    ];
    for (i, (zh, en)) in steps.iter().enumerate() {
        let y = 40.4 - i as f32 * 6.0;
        c.circle(5.6, y + 0.75, 1.6, BLUE, true);
        c.text(
            &(i + 1).to_string(),
            Text::at(5.6, y - 0.05, 2.3)
                .bold()
                .color(WHITE)
                .align(Align::Center),
        )?;
        c.text(
            zh,
            Text::at(9.0, y + 0.25, 2.25).color(INK).max(CARD_W - 13.0),
        )?;
        c.text(
            en,
            Text::at(9.0, y - 1.95, 1.4).color(MUTED).max(CARD_W - 13.0),
        )?;
    }

    c.line(4.0, 25.3, CARD_W - 4.0, 25.3, HAIRLINE, 0.15);
    label(c, 4.0, 20.7, "机构电话", "Agency phone")?;
    let phone = card.agency_phone.trim();
    let phone = if phone.is_empty() { "—" } else { phone };
    c.text(
        phone,
        Text::at(16.0, 20.7, 3.0)
            .bold()
            .color(INK)
            .max(CARD_W - 20.0),
    )?;
    // Whose number it is, so that a citizen calls the right agency.
    c.text(
        card.agency_name.trim(),
        Text::at(16.0, 18.1, 1.6).color(MUTED).max(CARD_W - 20.0),
    )?;
    label(c, 4.0, 14.9, "平台热线", "Hotline")?;
    c.text(
        opts.hotline.trim(),
        Text::at(16.0, 14.9, 3.0)
            .bold()
            .color(INK)
            .max(CARD_W - 20.0),
    )?;

    c.text(
        "本证仅限本人使用，遗失请及时联系所在机构挂失。",
        Text::at(4.0, 9.0, 1.95).color(INK).max(CARD_W - 8.0),
    )?;
    c.text(
        "For the holder only. Report a lost card to the agency at once.",
        Text::at(4.0, 7.0, 1.35).color(MUTED).max(CARD_W - 8.0),
    )?;

    c.line(4.0, 4.9, CARD_W - 4.0, 4.9, HAIRLINE, 0.15);
    let footer = format!(
        "证卡设计 Design {} · 卡版本 Card v{}",
        opts.card_design_version.trim(),
        card.card_version
    );
    c.text(&footer, Text::at(4.0, 2.3, 1.35).color(MUTED).max(50.0))?;
    let code = card.certificate_code.trim();
    if !code.is_empty() {
        c.text(
            code,
            Text::at(CARD_W - 4.0, 2.3, 1.35)
                .color(MUTED)
                .align(Align::Right),
        )?;
    }

    if card.draft {
        watermark(c)?;
    }
    Ok(())
}

/// 样张 across the face, see-through, so that a draft can be read but never passes for a card.
fn watermark(c: &mut Canvas) -> Result<(), CardError> {
    let angle = (CARD_H / CARD_W).atan();
    let (s, co) = angle.sin_cos();
    c.begin_alpha();
    c.content
        .transform([co, s, -s, co, CARD_W / 2.0, CARD_H / 2.0]);
    let red = Rgb(0.80, 0.10, 0.10);
    c.text(
        "样张",
        Text::at(0.0, -5.5, 21.0)
            .bold()
            .color(red)
            .align(Align::Center),
    )?;
    c.text(
        "DRAFT · NOT VALID 无效",
        Text::at(0.0, -10.6, 3.2)
            .bold()
            .color(red)
            .align(Align::Center),
    )?;
    c.end_alpha();
    Ok(())
}

/// Fixed text set in the bold face; the bold font file must hold every character of it.
#[cfg(test)]
pub(crate) const BOLD_TEXT: &[&str] = &[
    "上海市家政上门服务证",
    "扫码查验并评价",
    "样张",
    "DRAFT · NOT VALID 无效",
    "0123456789",
    "SH112026000123J",
    "021-6288 1234",
];
