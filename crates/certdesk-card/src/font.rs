//! The two embedded faces (Noto Sans CJK SC Regular and Bold, pre-subset in `assets/fonts/`)
//! and their embedding in a PDF as CID-keyed Type 0 fonts holding only the glyphs a document
//! uses. Nothing here may read a font from the machine: the bytes are compiled in.

use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId, RawFace, Tag};

use crate::CardError;

/// Every character of GB 2312 and more; see `assets/fonts/README.md`.
pub(crate) static REGULAR_OTF: &[u8] =
    include_bytes!("../../../assets/fonts/NotoSansSC-Regular-GB2312.otf");
/// Only the card's own fixed text and ASCII, for titles and numbers.
pub(crate) static BOLD_OTF: &[u8] =
    include_bytes!("../../../assets/fonts/NotoSansSC-Bold-Card.otf");

/// Which face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// One face being used by one document: which glyphs it needed, and under which CID.
pub(crate) struct EmbeddedFont {
    data: &'static [u8],
    face: Face<'static>,
    ps_name: &'static str,
    /// Resource name in every page's /Font dictionary.
    pub(crate) resource: &'static [u8],
    /// The Type 0 font object, reserved up front so pages can point at it.
    pub(crate) type0: Ref,
    remapper: GlyphRemapper,
    /// Indexed by new glyph id (= CID): the character it was used for and its old id.
    used: Vec<Option<(char, u16)>>,
    upem: f32,
}

impl EmbeddedFont {
    pub(crate) fn new(weight: Weight, type0: Ref) -> Result<Self, CardError> {
        let (data, ps_name, resource) = match weight {
            Weight::Regular => (REGULAR_OTF, "NotoSansCJKsc-Regular", &b"F0"[..]),
            Weight::Bold => (BOLD_OTF, "NotoSansCJKsc-Bold", &b"F1"[..]),
        };
        let face = Face::parse(data, 0).map_err(|_| font_broken())?;
        let upem = f32::from(face.units_per_em());
        Ok(EmbeddedFont {
            data,
            face,
            ps_name,
            resource,
            type0,
            remapper: GlyphRemapper::new(),
            used: vec![None],
            upem,
        })
    }

    /// The first character of `s` this face cannot show.
    pub(crate) fn missing(&self, s: &str) -> Option<char> {
        s.chars().find(|&c| self.face.glyph_index(c).is_none())
    }

    /// Width of `s` set at `size` (any unit: the result is in the same unit).
    pub(crate) fn width(&self, s: &str, size: f32) -> f32 {
        let units: u32 = s
            .chars()
            .filter_map(|c| self.face.glyph_index(c))
            .map(|g| u32::from(self.face.glyph_hor_advance(g).unwrap_or(0)))
            .sum();
        units as f32 / self.upem * size
    }

    /// The Identity-H string for `s`: two bytes of CID per character. Records the glyphs so
    /// that the subset embedded at the end holds them.
    pub(crate) fn encode(&mut self, s: &str) -> Result<Vec<u8>, char> {
        let mut out = Vec::with_capacity(s.len() * 2);
        for c in s.chars() {
            let GlyphId(old) = self.face.glyph_index(c).ok_or(c)?;
            let new = self.remapper.remap(old);
            let slot = usize::from(new);
            if slot >= self.used.len() {
                self.used.resize(slot + 1, None);
            }
            if self.used[slot].is_none() {
                self.used[slot] = Some((c, old));
            }
            out.extend_from_slice(&new.to_be_bytes());
        }
        Ok(out)
    }

    /// Writes the Type 0 font, its CID font, descriptor, the subset CFF and a ToUnicode map
    /// (so that text copied out of the PDF, and `pdftotext` in the tests, reads right).
    pub(crate) fn write(
        &self,
        pdf: &mut Pdf,
        next: &mut impl FnMut() -> Ref,
    ) -> Result<(), CardError> {
        let cid_ref = next();
        let descriptor_ref = next();
        let file_ref = next();
        let cmap_ref = next();

        let subset = subsetter::subset(self.data, 0, &self.remapper).map_err(|_| font_broken())?;
        let raw = RawFace::parse(&subset, 0).map_err(|_| font_broken())?;
        let cff = raw
            .table(Tag::from_bytes(b"CFF "))
            .ok_or_else(font_broken)?;

        let base = format!("{}+{}", self.subset_tag(), self.ps_name);
        let base = Name(base.as_bytes());
        let system_info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };

        pdf.type0_font(self.type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_ref)
            .to_unicode(cmap_ref);

        let to_1000 = 1000.0 / self.upem;
        let mut cid = pdf.cid_font(cid_ref);
        cid.subtype(CidFontType::Type0)
            .base_font(base)
            .system_info(system_info)
            .font_descriptor(descriptor_ref)
            .default_width(1000.0);
        let widths: Vec<f32> = self.used[1..]
            .iter()
            .map(|u| {
                u.map(|(_, old)| f32::from(self.face.glyph_hor_advance(GlyphId(old)).unwrap_or(0)))
                    .unwrap_or(0.0)
                    * to_1000
            })
            .collect();
        if !widths.is_empty() {
            cid.widths().consecutive(1, widths);
        }
        cid.finish();

        let b = self.face.global_bounding_box();
        pdf.font_descriptor(descriptor_ref)
            .name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(
                f32::from(b.x_min) * to_1000,
                f32::from(b.y_min) * to_1000,
                f32::from(b.x_max) * to_1000,
                f32::from(b.y_max) * to_1000,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(self.face.ascender()) * to_1000)
            .descent(f32::from(self.face.descender()) * to_1000)
            .cap_height(f32::from(self.face.capital_height().unwrap_or(733)) * to_1000)
            .stem_v(if self.resource == b"F1" { 140.0 } else { 80.0 })
            .font_file3(file_ref);

        let packed = compress_to_vec_zlib(cff, 6);
        pdf.stream(file_ref, &packed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Subtype"), Name(b"CIDFontType0C"));

        let mut cmap = UnicodeCmap::new(
            Name(b"Custom"),
            SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"UCS"),
                supplement: 0,
            },
        );
        for (new, u) in self.used.iter().enumerate() {
            if let (Some((c, _)), Ok(new)) = (u, u16::try_from(new)) {
                cmap.pair(new, *c);
            }
        }
        let cmap = cmap.finish();
        let packed = compress_to_vec_zlib(cmap.as_slice(), 6);
        pdf.stream(cmap_ref, &packed).filter(Filter::FlateDecode);
        Ok(())
    }

    /// Six capital letters derived from the glyph set, as PDF asks of a subset font's name.
    fn subset_tag(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for (_, old) in self.used.iter().flatten() {
            for b in old.to_be_bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        (0..6)
            .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
            .collect()
    }
}

/// Which characters a face covers; used by tests and by callers that want to check a name
/// before they print.
pub fn font_has_glyphs(text: &str) -> Result<(), char> {
    // Parsed once: a card checks several fields, and parsing reads the CFF charset.
    static FACE: std::sync::OnceLock<Option<Face<'static>>> = std::sync::OnceLock::new();
    let face = FACE
        .get_or_init(|| Face::parse(REGULAR_OTF, 0).ok())
        .as_ref()
        .ok_or('\u{FFFD}')?;
    match text.chars().find(|&c| face.glyph_index(c).is_none()) {
        Some(c) => Err(c),
        None => Ok(()),
    }
}

fn font_broken() -> CardError {
    crate::messages::font_broken()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_text_set_in_bold_is_all_in_the_bold_face() {
        let bold = EmbeddedFont::new(Weight::Bold, Ref::new(1)).unwrap();
        for s in crate::card::BOLD_TEXT {
            assert_eq!(
                bold.missing(s),
                None,
                "{s:?} must be in assets/fonts/make-font.py CARD_TEXT"
            );
        }
    }

    #[test]
    fn encoding_numbers_glyphs_in_first_use_order_from_one() {
        let mut f = EmbeddedFont::new(Weight::Regular, Ref::new(1)).unwrap();
        assert_eq!(f.encode("张三张").unwrap(), vec![0, 1, 0, 2, 0, 1]);
        assert_eq!(f.encode("𠀀"), Err('𠀀'));
    }
}
