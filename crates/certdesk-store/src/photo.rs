//! Worker photos: decoded from the JPEG or PNG the clerk chose (or the webcam frame), cropped
//! to ID-photo proportions (358 × 441, the 2-inch ID photo at 350 dpi), re-encoded as JPEG and
//! stored once, keyed by the SHA-256 of the result.
//!
//! A hostile file must not be able to allocate gigabytes: the input size and the decoded
//! dimensions are capped before any pixel is decoded.

use std::io::Cursor;

use base64::Engine;
use image::{imageops::FilterType, DynamicImage, ImageFormat, ImageReader, Limits};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::messages;
use crate::table;
use crate::{Desk, DeskError, DeskResult};

/// Width of a stored photo, in pixels.
pub const PHOTO_WIDTH: u32 = 358;
/// Height of a stored photo, in pixels.
pub const PHOTO_HEIGHT: u32 = 441;
/// The largest file accepted (20 MB).
pub const MAX_PHOTO_BYTES: usize = 20 * 1024 * 1024;

/// A photo ready to be attached to a worker.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PreparedPhoto {
    /// The stored photo's key.
    pub sha256: String,
    /// `data:image/jpeg;base64,...` for the preview.
    pub data_url: String,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
}

/// Decode, crop and scale; the JPEG bytes of the ID photo.
pub fn prepare_photo_bytes(bytes: &[u8]) -> DeskResult<Vec<u8>> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(messages::photo_too_large());
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(DeskError::internal)?;
    match reader.format() {
        Some(ImageFormat::Jpeg) | Some(ImageFormat::Png) => {}
        _ => {
            return Err(messages::photo_format())
        }
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| {
        messages::photo_unreadable(e)
    })?;
    if img.width() < 100 || img.height() < 120 {
        return Err(messages::photo_too_small());
    }
    let cropped = crop_to_ratio(&img, PHOTO_WIDTH, PHOTO_HEIGHT);
    let scaled = cropped.resize_exact(PHOTO_WIDTH, PHOTO_HEIGHT, FilterType::CatmullRom).to_rgb8();
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    enc.encode_image(&scaled).map_err(DeskError::internal)?;
    Ok(out)
}

/// The largest centred region with the target's proportions (a face is usually centred;
/// cut more from the top and bottom of a tall photo than the sides of a wide one).
fn crop_to_ratio(img: &DynamicImage, w: u32, h: u32) -> DynamicImage {
    let (iw, ih) = (img.width() as u64, img.height() as u64);
    if iw * h as u64 > ih * w as u64 {
        let cw = (ih * w as u64 / h as u64) as u32;
        img.crop_imm((img.width() - cw) / 2, 0, cw, img.height())
    } else {
        let ch = (iw * h as u64 / w as u64) as u32;
        img.crop_imm(0, (img.height() - ch) / 2, img.width(), ch)
    }
}

impl Desk {
    /// Prepare a photo and store it once; the key to put on the worker.
    pub fn prepare_photo(&mut self, bytes: &[u8]) -> DeskResult<PreparedPhoto> {
        let jpeg = prepare_photo_bytes(bytes)?;
        let sha256 = hex::encode(Sha256::digest(&jpeg));
        table::photos::insert_jpeg(&self.conn, &sha256, PHOTO_WIDTH, PHOTO_HEIGHT, &jpeg, &self.now_text())?;
        Ok(PreparedPhoto {
            data_url: jpeg_data_url(&jpeg),
            sha256,
            width: PHOTO_WIDTH,
            height: PHOTO_HEIGHT,
        })
    }

    /// Prepare a photo from base64 (what the window sends).
    pub fn prepare_photo_b64(&mut self, b64: &str) -> DeskResult<PreparedPhoto> {
        // The window may send a whole data URL; keep only the payload.
        let payload = b64.rsplit_once(',').map(|(_, p)| p).unwrap_or(b64);
        if payload.len() > MAX_PHOTO_BYTES / 3 * 4 + 4 {
            return Err(messages::photo_too_large());
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(payload.trim())
            .map_err(|_| messages::photo_format())?;
        self.prepare_photo(&bytes)
    }

    /// The stored photo's JPEG bytes.
    pub fn photo(&self, sha256: &str) -> DeskResult<Option<Vec<u8>>> {
        Ok(table::photos::bytes(&self.conn, sha256)?)
    }
}

pub(crate) fn jpeg_data_url(jpeg: &[u8]) -> String {
    format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(jpeg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_wide_png_is_cropped_and_scaled_to_id_photo_size() {
        let jpeg = prepare_photo_bytes(&png(1200, 600)).unwrap();
        let img = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((img.width(), img.height()), (PHOTO_WIDTH, PHOTO_HEIGHT));
    }

    #[test]
    fn a_text_file_is_refused_as_not_a_photo() {
        let err = prepare_photo_bytes(b"hello, not an image").unwrap_err();
        assert_eq!(err.fields[0].code, "photo_format");
    }

    #[test]
    fn a_truncated_png_is_refused_as_unreadable() {
        let mut bytes = png(400, 500);
        bytes.truncate(bytes.len() / 2);
        let err = prepare_photo_bytes(&bytes).unwrap_err();
        assert_eq!(err.fields[0].code, "photo_unreadable");
    }

    #[test]
    fn a_png_claiming_huge_dimensions_is_refused_without_allocating() {
        // A valid PNG header that claims 100000 × 100000 pixels.
        let mut bytes = png(200, 200);
        bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let err = prepare_photo_bytes(&bytes).unwrap_err();
        assert_eq!(err.fields[0].code, "photo_unreadable");
    }
}
