//! The worker's photo, embedded as the JPEG it already is (DCTDecode passthrough). Decoding
//! and re-encoding would cost time, size and quality; this module only reads the JPEG header
//! for the size and colour model and must never touch the pixels.

use crate::CardError;

/// What the PDF image dictionary needs to know about a JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JpegInfo {
    pub width: u16,
    pub height: u16,
    pub components: u8,
    /// Adobe APP14 marker present: four-component JPEGs from Photoshop store inverted CMYK.
    pub adobe: bool,
}

/// Reads the frame header (SOF0..SOF15 except DHT/JPG/DAC) of a JPEG.
pub(crate) fn jpeg_info(bytes: &[u8]) -> Result<JpegInfo, CardError> {
    let bad = crate::messages::photo_invalid;
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 {
        return Err(bad());
    }
    let mut adobe = false;
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return Err(bad());
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if len < 2 || i + 2 + len > bytes.len() {
            return Err(bad());
        }
        let seg = &bytes[i + 4..i + 2 + len];
        if marker == 0xEE && seg.starts_with(b"Adobe") {
            adobe = true;
        }
        let is_sof = (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker);
        if is_sof {
            if seg.len() < 6 {
                return Err(bad());
            }
            let height = u16::from_be_bytes([seg[1], seg[2]]);
            let width = u16::from_be_bytes([seg[3], seg[4]]);
            let components = seg[5];
            if width == 0 || height == 0 || ![1, 3, 4].contains(&components) || seg[0] != 8 {
                return Err(bad());
            }
            return Ok(JpegInfo {
                width,
                height,
                components,
                adobe,
            });
        }
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        i += 2 + len;
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_a_jpeg_is_refused_with_a_stable_code() {
        assert_eq!(
            jpeg_info(b"\x89PNG\r\n\x1a\n....").unwrap_err().code,
            "photo_invalid"
        );
        assert_eq!(
            jpeg_info(&[0xFF, 0xD8, 0xFF]).unwrap_err().code,
            "photo_invalid"
        );
    }
}
