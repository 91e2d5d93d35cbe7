//! Drawing in millimetres on one PDF page, and the document the pages go into. Every
//! coordinate in this crate is in mm with the origin at the bottom left (PDF's way); the page
//! transform turns mm into points and applies the printer calibration, so no drawing code
//! ever sees a point or a calibration offset.

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::card::{CARD_H, CARD_W};
use crate::font::{EmbeddedFont, Weight};
use crate::photo::jpeg_info;
use crate::{Calibration, CardError};

/// Deflate level for page content: 1 keeps 1,000 cards fast; 6 saves only a few per cent on
/// streams that are mostly short operators and whole numbers.
const CONTENT_LEVEL: u8 = 1;

/// Points per millimetre.
pub(crate) const PT_PER_MM: f32 = 72.0 / 25.4;

/// An RGB colour, components 0..1.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rgb(pub f32, pub f32, pub f32);

pub(crate) const BLACK: Rgb = Rgb(0.0, 0.0, 0.0);
pub(crate) const WHITE: Rgb = Rgb(1.0, 1.0, 1.0);

/// Horizontal anchor of a line of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// One run of text: where, how big, which face and colour, and the widest it may get.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Text {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub weight: Weight,
    pub color: Rgb,
    pub align: Align,
    /// Text wider than this is first set smaller (down to 75 %), then condensed.
    pub max_width: Option<f32>,
}

impl Text {
    pub(crate) fn at(x: f32, y: f32, size: f32) -> Self {
        Text {
            x,
            y,
            size,
            weight: Weight::Regular,
            color: BLACK,
            align: Align::Left,
            max_width: None,
        }
    }
    pub(crate) fn bold(mut self) -> Self {
        self.weight = Weight::Bold;
        self
    }
    pub(crate) fn color(mut self, c: Rgb) -> Self {
        self.color = c;
        self
    }
    pub(crate) fn align(mut self, a: Align) -> Self {
        self.align = a;
        self
    }
    pub(crate) fn max(mut self, w: f32) -> Self {
        self.max_width = Some(w);
        self
    }
}

/// The fonts of a document, shared by its pages.
pub(crate) struct Fonts {
    pub regular: EmbeddedFont,
    pub bold: EmbeddedFont,
}

impl Fonts {
    /// The face that will set `s` in `weight`: the bold face holds only the card's fixed text,
    /// so anything else falls back to regular rather than fail.
    fn pick(&mut self, s: &str, weight: Weight) -> &mut EmbeddedFont {
        if weight == Weight::Bold && self.bold.missing(s).is_none() {
            &mut self.bold
        } else {
            &mut self.regular
        }
    }

    /// Width of `s` at `size` mm in `weight`.
    pub(crate) fn width(&mut self, s: &str, size: f32, weight: Weight) -> f32 {
        self.pick(s, weight).width(s, size)
    }
}

/// One page being drawn.
pub(crate) struct Canvas<'a> {
    pub content: Content,
    pub fonts: &'a mut Fonts,
    /// Images placed on this page: resource name and object.
    images: Vec<(String, Ref)>,
    uses_alpha: bool,
    background: Ref,
}

impl<'a> Canvas<'a> {
    pub(crate) fn fill(&mut self, c: Rgb) -> &mut Self {
        self.content.set_fill_rgb(c.0, c.1, c.2);
        self
    }
    pub(crate) fn stroke(&mut self, c: Rgb, width: f32) -> &mut Self {
        self.content.set_stroke_rgb(c.0, c.1, c.2);
        self.content.set_line_width(width);
        self
    }
    pub(crate) fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: Rgb) {
        self.fill(c);
        self.content.rect(x, y, w, h).fill_nonzero();
    }
    pub(crate) fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: Rgb, width: f32) {
        self.stroke(c, width);
        self.content.rect(x, y, w, h).stroke();
    }
    pub(crate) fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, c: Rgb, width: f32) {
        self.stroke(c, width);
        self.content.move_to(x1, y1).line_to(x2, y2).stroke();
    }
    /// A filled circle (four Bézier arcs).
    pub(crate) fn circle(&mut self, cx: f32, cy: f32, r: f32, c: Rgb, filled: bool) {
        const K: f32 = 0.552_284_8;
        let k = K * r;
        let p = &mut self.content;
        p.move_to(cx + r, cy)
            .cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r)
            .cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy)
            .cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r)
            .cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy)
            .close_path();
        if filled {
            p.set_fill_rgb(c.0, c.1, c.2);
            p.fill_nonzero();
        } else {
            p.set_stroke_rgb(c.0, c.1, c.2);
            p.stroke();
        }
    }

    /// Sets one line of text. Fails with `glyph_missing` rather than print an empty box.
    pub(crate) fn text(&mut self, s: &str, t: Text) -> Result<f32, CardError> {
        if s.is_empty() {
            return Ok(0.0);
        }
        let font = self.fonts.pick(s, t.weight);
        if let Some(c) = font.missing(s) {
            return Err(CardError::glyph_missing(c, s, ""));
        }
        let natural = font.width(s, t.size);
        let (mut size, mut hscale) = (t.size, 100.0);
        if let Some(max) = t.max_width {
            if natural > max && max > 0.0 {
                let shrink = (max / natural).max(0.75);
                size = t.size * shrink;
                let w = natural * shrink;
                if w > max {
                    hscale = 100.0 * max / w;
                }
            }
        }
        let width = natural * (size / t.size) * hscale / 100.0;
        let x = match t.align {
            Align::Left => t.x,
            Align::Center => t.x - width / 2.0,
            Align::Right => t.x - width,
        };
        let encoded = font
            .encode(s)
            .map_err(|c| CardError::glyph_missing(c, s, ""))?;
        let resource = font.resource;
        let c = &mut self.content;
        c.set_fill_rgb(t.color.0, t.color.1, t.color.2);
        c.begin_text();
        c.set_font(Name(resource), size);
        if hscale < 100.0 {
            c.set_horizontal_scaling(hscale);
        }
        c.next_line(x, t.y);
        c.show(Str(&encoded));
        c.end_text();
        if hscale < 100.0 {
            // Horizontal scaling is graphics state, not text-object state: it outlives ET.
            c.set_horizontal_scaling(100.0);
        }
        Ok(width)
    }

    /// Draws the image `xobject` into the box, cropped to fill it without distortion.
    pub(crate) fn image(
        &mut self,
        xobject: Ref,
        (img_w, img_h): (f32, f32),
        (x, y, w, h): (f32, f32, f32, f32),
    ) {
        let name = format!("Im{}", self.images.len());
        self.images.push((name.clone(), xobject));
        let scale = (w / img_w).max(h / img_h);
        let (dw, dh) = (img_w * scale, img_h * scale);
        let c = &mut self.content;
        c.save_state();
        c.rect(x, y, w, h).clip_nonzero().end_path();
        c.transform([dw, 0.0, 0.0, dh, x + (w - dw) / 2.0, y + (h - dh) / 2.0]);
        c.x_object(Name(name.as_bytes()));
        c.restore_state();
    }

    /// Draws the document's security background (fine light-blue waves, one shared Form
    /// XObject) over the card box at the origin.
    pub(crate) fn background(&mut self) {
        let name = format!("Im{}", self.images.len());
        self.images.push((name.clone(), self.background));
        self.content.x_object(Name(name.as_bytes()));
    }

    /// Everything drawn after this until `end_alpha` is see-through (the 样张 watermark).
    pub(crate) fn begin_alpha(&mut self) {
        self.uses_alpha = true;
        self.content.save_state();
        self.content.set_parameters(Name(b"GSa"));
    }
    pub(crate) fn end_alpha(&mut self) {
        self.content.restore_state();
    }
}

/// A PDF being built: objects are numbered as they come, pages collected in order.
pub(crate) struct Doc {
    pdf: Pdf,
    next: i32,
    catalog: Ref,
    page_tree: Ref,
    alpha_gs: Ref,
    background: Ref,
    pages: Vec<Ref>,
    pub fonts: Fonts,
}

impl Doc {
    pub(crate) fn new() -> Result<Self, CardError> {
        let mut next = 1;
        let mut take = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let (catalog, page_tree, alpha_gs, f0, f1) = (take(), take(), take(), take(), take());
        let background = take();
        let fonts = Fonts {
            regular: EmbeddedFont::new(Weight::Regular, f0)?,
            bold: EmbeddedFont::new(Weight::Bold, f1)?,
        };
        let mut pdf = Pdf::new();
        pdf.set_version(1, 6);
        Ok(Doc {
            pdf,
            next,
            catalog,
            page_tree,
            alpha_gs,
            background,
            pages: Vec::new(),
            fonts,
        })
    }

    fn alloc(&mut self) -> Ref {
        let r = Ref::new(self.next);
        self.next += 1;
        r
    }

    /// Embeds a JPEG as it is; returns the object and its pixel size.
    pub(crate) fn jpeg(&mut self, bytes: &[u8]) -> Result<(Ref, f32, f32), CardError> {
        let info = jpeg_info(bytes)?;
        let id = self.alloc();
        let mut img = self.pdf.image_xobject(id, bytes);
        img.filter(Filter::DctDecode);
        img.width(i32::from(info.width))
            .height(i32::from(info.height))
            .bits_per_component(8);
        match info.components {
            1 => img.color_space().device_gray(),
            3 => img.color_space().device_rgb(),
            _ => {
                img.color_space().device_cmyk();
                if info.adobe {
                    img.decode([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
                }
            }
        }
        img.finish();
        Ok((id, f32::from(info.width), f32::from(info.height)))
    }

    /// Draws one page of `w` x `h` mm with `draw`, under the calibration transform.
    pub(crate) fn page(
        &mut self,
        w: f32,
        h: f32,
        cal: &Calibration,
        draw: impl FnOnce(&mut Canvas) -> Result<(), CardError>,
    ) -> Result<(), CardError> {
        let mut canvas = Canvas {
            content: Content::new(),
            fonts: &mut self.fonts,
            images: Vec::new(),
            uses_alpha: false,
            background: self.background,
        };
        canvas.content.transform(page_matrix(w, h, cal));
        draw(&mut canvas)?;
        let Canvas {
            content,
            images,
            uses_alpha,
            ..
        } = canvas;
        let content = compress_to_vec_zlib(&content.finish(), CONTENT_LEVEL);
        let (f0, f1) = (self.fonts.regular.type0, self.fonts.bold.type0);
        let page_id = self.alloc();
        let content_id = self.alloc();
        let mut page = self.pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, w * PT_PER_MM, h * PT_PER_MM))
            .parent(self.page_tree)
            .contents(content_id);
        let mut res = page.resources();
        res.fonts().pair(Name(b"F0"), f0).pair(Name(b"F1"), f1);
        if !images.is_empty() {
            let mut xo = res.x_objects();
            for (name, id) in &images {
                xo.pair(Name(name.as_bytes()), *id);
            }
        }
        if uses_alpha {
            res.ext_g_states().pair(Name(b"GSa"), self.alpha_gs);
        }
        res.finish();
        page.finish();
        self.pdf
            .stream(content_id, &content)
            .filter(Filter::FlateDecode);
        self.pages.push(page_id);
        Ok(())
    }

    pub(crate) fn finish(mut self, title: &str) -> Result<Vec<u8>, CardError> {
        let mut next = self.next;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        self.fonts.regular.write(&mut self.pdf, &mut alloc)?;
        self.fonts.bold.write(&mut self.pdf, &mut alloc)?;
        let info = alloc();
        let waves = compress_to_vec_zlib(&security_waves(), 6);
        self.pdf
            .form_xobject(self.background, &waves)
            .bbox(Rect::new(0.0, 0.0, CARD_W, CARD_H))
            .filter(Filter::FlateDecode);
        self.pdf
            .ext_graphics(self.alpha_gs)
            .non_stroking_alpha(0.22)
            .stroking_alpha(0.22);
        self.pdf
            .pages(self.page_tree)
            .kids(self.pages.iter().copied())
            .count(self.pages.len() as i32);
        self.pdf.catalog(self.catalog).pages(self.page_tree);
        self.pdf
            .document_info(info)
            .title(TextStr(title))
            .producer(TextStr("certdesk-card"));
        Ok(self.pdf.finish())
    }
}

/// Fine light-blue guilloche-like waves over the whole card, in card mm: the printed look
/// of an official card, and harder to imitate on an office printer than a white field.
fn security_waves() -> Vec<u8> {
    let mut c = Content::new();
    c.set_stroke_rgb(0.84, 0.89, 0.96);
    c.set_line_width(0.06);
    let step = 0.9;
    for k in 0..44 {
        let base = -4.0 + k as f32 * 1.45;
        let phase = k as f32 * 0.37;
        let mut x = 0.0;
        c.move_to(x, base + wave(x, phase));
        while x < CARD_W {
            x += step;
            c.line_to(x, base + wave(x, phase));
        }
    }
    c.stroke();
    c.finish().into_vec()
}

fn wave(x: f32, phase: f32) -> f32 {
    1.6 * (x / 7.0 + phase).sin() + 0.7 * (x / 2.9 - phase * 1.7).sin()
}

/// mm → pt, scaled about the page centre by `cal.scale`, then moved by the offsets
/// (x to the right, y downwards, as measured on the printed sheet).
pub(crate) fn page_matrix(w: f32, h: f32, cal: &Calibration) -> [f32; 6] {
    let k = PT_PER_MM;
    let s = cal.scale;
    let (cx, cy) = (w / 2.0, h / 2.0);
    [
        k * s,
        0.0,
        0.0,
        k * s,
        k * (cx - s * cx + cal.offset_x_mm),
        k * (cy - s * cy - cal.offset_y_mm),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(m: [f32; 6], x: f32, y: f32) -> (f32, f32) {
        (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
    }

    #[test]
    fn calibration_scales_about_the_page_centre_then_moves_right_and_down() {
        let none = page_matrix(85.6, 54.0, &Calibration::default());
        assert_eq!(
            apply(none, 10.0, 20.0),
            (10.0 * PT_PER_MM, 20.0 * PT_PER_MM)
        );

        let cal = Calibration {
            offset_x_mm: 2.0,
            offset_y_mm: 1.0,
            scale: 0.98,
        };
        let m = page_matrix(85.6, 54.0, &cal);
        let (cx, cy) = apply(m, 42.8, 27.0);
        assert!(
            (cx - 44.8 * PT_PER_MM).abs() < 1e-3,
            "the centre moves 2 mm right: {cx}"
        );
        assert!(
            (cy - 26.0 * PT_PER_MM).abs() < 1e-3,
            "and 1 mm down (PDF y grows upwards): {cy}"
        );
        let (x0, _) = apply(m, 0.0, 0.0);
        assert!(
            (x0 - (42.8 * 0.02 + 2.0) * PT_PER_MM).abs() < 1e-3,
            "the left edge comes in by 2% of half the width: {x0}"
        );
    }
}
