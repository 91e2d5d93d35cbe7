//! Pages: where card faces sit on paper (CR80 pages or A4 sheets of 10 with crop marks, backs
//! mirrored for long-edge duplex) and the calibration test page. Faces are drawn by `card`;
//! this module only places them and must keep every mark outside the card areas.

use pdf_writer::Content;

use crate::canvas::{Align, Canvas, Doc, Rgb, Text, BLACK};
use crate::card::{self, PlacedPhoto, CARD_H, CARD_W};
use crate::qr::{self, QrModules};
use crate::{CardData, CardError, Layout, RenderOptions};

/// A4 portrait, mm.
pub const A4_W: f32 = 210.0;
/// A4 portrait, mm.
pub const A4_H: f32 = 297.0;
/// Cards on one A4 sheet (2 columns x 5 rows).
pub const CARDS_PER_SHEET: usize = 10;
const COLS: usize = 2;
const COL_GAP: f32 = 6.0;
const ROW_GAP: f32 = 2.0;
const MARGIN_X: f32 = (A4_W - COLS as f32 * CARD_W - COL_GAP) / 2.0;
const MARGIN_TOP: f32 = (A4_H - 5.0 * CARD_H - 4.0 * ROW_GAP) / 2.0;
/// Crop marks start this far from a card edge and are this long.
const MARK_GAP: f32 = 1.0;
const MARK_LEN: f32 = 4.0;

/// Bottom-left corner (mm, PDF orientation) of slot `i` (0..10, row-major from the top left)
/// on a sheet of fronts. On the sheet of backs, slot `i` holds the back of the card in front
/// slot `i` at the horizontally mirrored position.
pub fn a4_slot(i: usize, back: bool) -> (f32, f32) {
    let (row, mut col) = (i / COLS, i % COLS);
    if back {
        col = COLS - 1 - col;
    }
    let x = MARGIN_X + col as f32 * (CARD_W + COL_GAP);
    let y = A4_H - MARGIN_TOP - CARD_H - row as f32 * (CARD_H + ROW_GAP);
    (x, y)
}

/// What a card needs drawn, prepared once.
struct Prepared {
    photo: Option<PlacedPhoto>,
    qr: Option<QrModules>,
}

fn prepare(doc: &mut Doc, card: &CardData, qr: Option<QrModules>) -> Result<Prepared, CardError> {
    let photo = match &card.photo_jpeg {
        Some(bytes) => {
            let (xobject, width, height) = doc.jpeg(bytes)?;
            Some(PlacedPhoto {
                xobject,
                width,
                height,
            })
        }
        None => None,
    };
    Ok(Prepared { photo, qr })
}

/// Every card's QR code, made on all cores: choosing the best mask of a version-10 code is
/// most of the time a card takes, and the codes do not depend on each other.
fn encode_all(cards: &[CardData]) -> Result<Vec<Option<QrModules>>, CardError> {
    let encode = |c: &CardData| c.credential_url.as_deref().map(qr::encode).transpose();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads < 2 || cards.len() < 16 {
        return cards.iter().map(encode).collect();
    }
    let per = cards.len().div_ceil(threads);
    let parts: Vec<Result<Vec<Option<QrModules>>, CardError>> = std::thread::scope(|s| {
        let handles: Vec<_> = cards
            .chunks(per)
            .map(|chunk| s.spawn(move || chunk.iter().map(encode).collect()))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut all = Vec::with_capacity(cards.len());
    for part in parts {
        all.extend(part?);
    }
    Ok(all)
}

/// Draws `f` in a card-sized box at (x, y), clipped to it.
fn at_card(
    c: &mut Canvas,
    x: f32,
    y: f32,
    f: impl FnOnce(&mut Canvas) -> Result<(), CardError>,
) -> Result<(), CardError> {
    c.content.save_state();
    c.content.transform([1.0, 0.0, 0.0, 1.0, x, y]);
    c.content
        .rect(0.0, 0.0, CARD_W, CARD_H)
        .clip_nonzero()
        .end_path();
    f(c)?;
    c.content.restore_state();
    Ok(())
}

pub(crate) fn render(
    cards: &[CardData],
    opts: &RenderOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>, CardError> {
    let mut doc = Doc::new()?;
    let cal = opts.calibration;
    let total = cards.len();
    let mut qrs = encode_all(cards)?.into_iter();
    match opts.layout {
        Layout::Cr80 => {
            for (i, card) in cards.iter().enumerate() {
                let p = prepare(&mut doc, card, qrs.next().flatten())?;
                doc.page(CARD_W, CARD_H, &cal, |c| {
                    card::front(c, card, p.photo.as_ref(), p.qr.as_ref())
                })?;
                doc.page(CARD_W, CARD_H, &cal, |c| card::back(c, card, opts))?;
                progress(i + 1, total);
            }
        }
        Layout::A4Sheet => {
            let mut done = 0;
            for chunk in cards.chunks(CARDS_PER_SHEET) {
                let prepared = chunk
                    .iter()
                    .map(|card| prepare(&mut doc, card, qrs.next().flatten()))
                    .collect::<Result<Vec<_>, _>>()?;
                doc.page(A4_W, A4_H, &cal, |c| {
                    crop_marks(&mut c.content);
                    for (i, (card, p)) in chunk.iter().zip(&prepared).enumerate() {
                        let (x, y) = a4_slot(i, false);
                        at_card(c, x, y, |c| {
                            card::front(c, card, p.photo.as_ref(), p.qr.as_ref())
                        })?;
                        done += 1;
                        progress(done, total);
                    }
                    Ok(())
                })?;
                doc.page(A4_W, A4_H, &cal, |c| {
                    crop_marks(&mut c.content);
                    for (i, card) in chunk.iter().enumerate() {
                        let (x, y) = a4_slot(i, true);
                        at_card(c, x, y, |c| card::back(c, card, opts))?;
                    }
                    Ok(())
                })?;
            }
        }
    }
    doc.finish("上海市家政上门服务证 / Home service certificate cards")
}

/// Cut lines at every card edge, in the margins and the column gap, never on a card. The
/// layout is symmetric left to right, so the same marks serve the mirrored back sheet.
fn crop_marks(c: &mut Content) {
    c.save_state();
    c.set_stroke_rgb(0.0, 0.0, 0.0);
    c.set_line_width(0.12);
    let rows = CARDS_PER_SHEET / COLS;
    let left = MARGIN_X;
    let right = A4_W - MARGIN_X;
    let gap_l = MARGIN_X + CARD_W;
    let gap_r = gap_l + COL_GAP;
    for r in 0..rows {
        let (_, y0) = a4_slot(r * COLS, false);
        for y in [y0, y0 + CARD_H] {
            c.move_to(left - MARK_GAP, y)
                .line_to(left - MARK_GAP - MARK_LEN, y);
            c.move_to(right + MARK_GAP, y)
                .line_to(right + MARK_GAP + MARK_LEN, y);
            c.move_to(gap_l + MARK_GAP, y).line_to(gap_r - MARK_GAP, y);
        }
    }
    let top = A4_H - MARGIN_TOP;
    let bottom = MARGIN_TOP;
    for x in [left, gap_l, gap_r, right] {
        c.move_to(x, top + MARK_GAP)
            .line_to(x, top + MARK_GAP + MARK_LEN);
        c.move_to(x, bottom - MARK_GAP)
            .line_to(x, bottom - MARK_GAP - MARK_LEN);
    }
    c.stroke();
    c.restore_state();
}

pub(crate) fn test_page(opts: &RenderOptions) -> Result<Vec<u8>, CardError> {
    let mut doc = Doc::new()?;
    let cal = opts.calibration;
    let summary = format!(
        "偏移 Offset X {:+.1} mm, Y {:+.1} mm · 缩放 Scale {:.1}%",
        cal.offset_x_mm,
        cal.offset_y_mm,
        cal.scale * 100.0
    );
    match opts.layout {
        Layout::Cr80 => doc.page(CARD_W, CARD_H, &cal, |c| {
            c.stroke_rect(0.1, 0.1, CARD_W - 0.2, CARD_H - 0.2, BLACK, 0.2);
            rulers(c, CARD_W, CARD_H)?;
            crosshair(c, CARD_W / 2.0, CARD_H / 2.0, 6.0);
            let cx = CARD_W / 2.0;
            c.text(
                "校准测试页 Calibration test page",
                Text::at(cx, 42.0, 2.6).align(Align::Center),
            )?;
            c.text(
                "CR80 85.6 × 54 mm",
                Text::at(cx, 38.6, 2.0).align(Align::Center),
            )?;
            c.text(
                &summary,
                Text::at(cx, 16.0, 1.8)
                    .align(Align::Center)
                    .max(CARD_W - 16.0),
            )?;
            c.text(
                "十字应在卡片正中；边框应贴着卡边。",
                Text::at(cx, 12.6, 1.8).align(Align::Center),
            )?;
            c.text(
                "The cross should sit at the centre, the frame on the card edge.",
                Text::at(cx, 10.4, 1.4).align(Align::Center),
            )?;
            Ok(())
        })?,
        Layout::A4Sheet => doc.page(A4_W, A4_H, &cal, |c| {
            crop_marks(&mut c.content);
            for i in 0..CARDS_PER_SHEET {
                let (x, y) = a4_slot(i, false);
                c.stroke_rect(x, y, CARD_W, CARD_H, Rgb(0.3, 0.3, 0.3), 0.15);
                crosshair(c, x + CARD_W / 2.0, y + CARD_H / 2.0, 4.0);
                c.text(
                    &format!("{}", i + 1),
                    Text::at(x + 2.0, y + CARD_H - 4.0, 2.5),
                )?;
            }
            rulers(c, A4_W, A4_H)?;
            crosshair(c, A4_W / 2.0, A4_H / 2.0, 8.0);
            // The words go inside the first two card outlines: the margins belong to the
            // crop marks and may not print at all.
            let (x, y) = a4_slot(0, false);
            c.text(
                "校准测试页 Calibration test page",
                Text::at(x + 6.0, y + CARD_H - 8.5, 2.6),
            )?;
            c.text(
                "A4 每页 10 张 / 10 cards per sheet",
                Text::at(x + 6.0, y + CARD_H - 12.0, 2.0),
            )?;
            c.text(
                &summary,
                Text::at(x + 6.0, y + 10.0, 2.0).max(CARD_W - 10.0),
            )?;
            let (x, y) = a4_slot(1, false);
            c.text(
                "十字应在每张卡的正中；裁切线应与卡边对齐。",
                Text::at(x + 6.0, y + 10.0, 2.0).max(CARD_W - 10.0),
            )?;
            c.text(
                "Crosses at each card centre; crop marks on the card edges.",
                Text::at(x + 6.0, y + 6.8, 1.7).max(CARD_W - 10.0),
            )?;
            Ok(())
        })?,
    }
    doc.finish("校准测试页 / Calibration test page")
}

/// Millimetre rulers along the bottom and left edges of the page: a tick each mm, longer
/// each 5, numbered each 10.
fn rulers(c: &mut Canvas, w: f32, h: f32) -> Result<(), CardError> {
    c.stroke(BLACK, 0.1);
    let tick = |i: u32| {
        if i % 10 == 0 {
            3.0
        } else if i % 5 == 0 {
            2.0
        } else {
            1.0
        }
    };
    for i in 1..(w as u32) {
        let x = i as f32;
        c.content.move_to(x, 0.0).line_to(x, tick(i));
    }
    for i in 1..(h as u32) {
        let y = i as f32;
        c.content.move_to(0.0, y).line_to(tick(i), y);
    }
    c.content.stroke();
    for i in (10..(w as u32)).step_by(10) {
        c.text(
            &i.to_string(),
            Text::at(i as f32, 3.5, 1.6).align(Align::Center),
        )?;
    }
    for i in (10..(h as u32)).step_by(10) {
        c.text(&i.to_string(), Text::at(3.6, i as f32 - 0.55, 1.6))?;
    }
    Ok(())
}

fn crosshair(c: &mut Canvas, x: f32, y: f32, arm: f32) {
    c.stroke(BLACK, 0.12);
    c.content.move_to(x - arm, y).line_to(x + arm, y);
    c.content.move_to(x, y - arm).line_to(x, y + arm);
    c.content.stroke();
    c.circle(x, y, arm * 0.4, BLACK, false);
}
