//! The QR code on the front: the signed credential URL at error correction Q, never above
//! version 10 (so that a module stays large enough to scan at about 20 mm), drawn as vector
//! rectangles. It must never lower the error correction to make a URL fit.

use qrcode::{Color, EcLevel, QrCode, Version};

use crate::CardError;

/// Largest QR version a card may carry.
pub const MAX_QR_VERSION: i16 = 10;

/// The dark modules of a code as horizontal runs `(x, y, len)` in modules, y counted from
/// the top, plus the code's width in modules (without the quiet zone).
pub(crate) struct QrModules {
    pub width: usize,
    pub runs: Vec<(u16, u16, u16)>,
}

pub(crate) fn encode(url: &str) -> Result<QrModules, CardError> {
    let too_long = || {
        CardError::new(
            "qr_too_long",
            format!("证卡二维码内容过长（{} 字节），超过 10 版 Q 级二维码的容量，无法清晰打印。请联系平台。", url.len()),
            format!(
                "The credential URL ({} bytes) does not fit a version-10 QR code at error correction Q; contact the platform.",
                url.len()
            ),
        )
    };
    let code =
        QrCode::with_error_correction_level(url.as_bytes(), EcLevel::Q).map_err(|_| too_long())?;
    match code.version() {
        Version::Normal(v) if v <= MAX_QR_VERSION => {}
        _ => return Err(too_long()),
    }
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if colors[y * width + x] == Color::Dark {
                let start = x;
                while x < width && colors[y * width + x] == Color::Dark {
                    x += 1;
                }
                runs.push((start as u16, y as u16, (x - start) as u16));
            } else {
                x += 1;
            }
        }
    }
    Ok(QrModules { width, runs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_beyond_version_10_at_q_is_refused() {
        let long = format!("https://verify.example.cn/{}", "A".repeat(200));
        assert_eq!(encode(&long).err().map(|e| e.code), Some("qr_too_long"));
        let ok = encode("https://verify.example.cn/c/AQAB").expect("short URL fits");
        assert!(ok.width >= 21 && !ok.runs.is_empty());
    }
}
