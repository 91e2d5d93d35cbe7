//! The QR code on the front: the signed credential URL at error correction Q, never above
//! version 10 (so that a module stays large enough to scan at about 20 mm), drawn as vector
//! rectangles. It must never lower the error correction to make a URL fit.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{bits, ec, Color, EcLevel, Version};

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
    let too_long = || crate::messages::qr_too_long(url.len());
    let bits = bits::encode_auto(url.as_bytes(), EcLevel::Q).map_err(|_| too_long())?;
    let version = bits.version();
    match version {
        Version::Normal(v) if v <= MAX_QR_VERSION => {}
        _ => return Err(too_long()),
    }
    let (data, ec) =
        ec::construct_codewords(&bits.into_bytes(), version, EcLevel::Q).map_err(|_| too_long())?;
    let mut canvas = Canvas::new(version, EcLevel::Q);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    let width = version.width() as usize;
    // The same choice as the crate's `apply_best_mask` (the mask with the lowest ISO/IEC 18004
    // penalty), but scored on plain booleans: the crate's own scoring was three quarters of
    // the time a card took.
    let colors = MASKS
        .iter()
        .map(|&mask| {
            let mut c = canvas.clone();
            c.apply_mask(mask);
            let dark: Vec<bool> = c
                .into_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect();
            (penalty(&dark, width), dark)
        })
        .min_by_key(|(score, _)| *score)
        .map(|(_, dark)| dark)
        .expect("eight masks");

    let mut runs = Vec::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if colors[y * width + x] {
                let start = x;
                while x < width && colors[y * width + x] {
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

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// ISO/IEC 18004 mask penalty: runs of five or more (N1), 2 x 2 blocks (N2), finder-like
/// 1:1:3:1:1 patterns with four light modules beside them (N3), dark/light balance (N4).
fn penalty(m: &[bool], w: usize) -> u32 {
    let at = |i: usize, line: usize, horizontal: bool| {
        if horizontal {
            m[line * w + i]
        } else {
            m[i * w + line]
        }
    };
    let mut score = 0u32;
    for horizontal in [true, false] {
        for line in 0..w {
            let (mut run, mut prev, mut window) = (0u32, None, 0u16);
            for i in 0..w {
                let v = at(i, line, horizontal);
                if Some(v) == prev {
                    run += 1;
                } else {
                    if run >= 5 {
                        score += run - 2;
                    }
                    run = 1;
                    prev = Some(v);
                }
                window = ((window << 1) | u16::from(v)) & 0x7FF;
                if i >= 10 && (window == 0b101_1101_0000 || window == 0b000_0101_1101) {
                    score += 40;
                }
            }
            if run >= 5 {
                score += run - 2;
            }
        }
    }
    for y in 0..w - 1 {
        for x in 0..w - 1 {
            let v = m[y * w + x];
            if v == m[y * w + x + 1] && v == m[(y + 1) * w + x] && v == m[(y + 1) * w + x + 1] {
                score += 3;
            }
        }
    }
    let dark = m.iter().filter(|&&d| d).count();
    let percent = dark * 100 / m.len();
    score + 10 * (percent.abs_diff(50) / 5) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_beyond_version_10_at_q_is_refused() {
        let long = format!("https://verify.example.cn/{}", "A".repeat(200));
        assert_eq!(encode(&long).err().map(|e| e.code.as_str()), Some("qr_too_long"));
        let ok = encode("https://verify.example.cn/c/AQAB").expect("short URL fits");
        assert!(ok.width >= 21 && !ok.runs.is_empty());
    }

    #[test]
    fn the_penalty_counts_runs_blocks_finders_and_balance() {
        // 11 x 11, all light: 22 runs of 11 (9 each), 100 blocks, 50 points off balance.
        let light = vec![false; 121];
        assert_eq!(penalty(&light, 11), 22 * 9 + 100 * 3 + 10 * 10);
        // A row holding a finder-like pattern costs more than the same modules shuffled.
        let row = |bits: &str| -> Vec<bool> { bits.chars().map(|c| c == '1').collect() };
        let mut with = light.clone();
        with[..11].copy_from_slice(&row("10111010000"));
        let mut without = light.clone();
        without[..11].copy_from_slice(&row("10110110000"));
        assert!(penalty(&with, 11) > penalty(&without, 11) + 30);
    }
}
