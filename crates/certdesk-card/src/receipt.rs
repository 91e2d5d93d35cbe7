//! The roster filing receipt printed (名册备案回执, issue 14 item 2): one A4 page with what the
//! platform signed (filing number, time, agency, period, rows, the roster's SHA-256, the key and
//! the signature in full) and whether the desk verified it, for the agency's files and the
//! commission. It carries no personal data: the rows stay in the roster itself.

use crate::canvas::{Align, Doc, Rgb, Text, BLACK};
use crate::sheet::{A4_H, A4_W};
use crate::{Calibration, CardError};

const BLUE: Rgb = Rgb(0.043, 0.29, 0.545);
const MUTED: Rgb = Rgb(0.42, 0.45, 0.5);
const GREEN: Rgb = Rgb(0.09, 0.47, 0.2);
const RED: Rgb = Rgb(0.75, 0.1, 0.1);

/// What the printed receipt shows, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptData {
    /// 备案号.
    pub number: String,
    /// The agency as registered.
    pub agency: String,
    /// `YYYY-MM-DD 至 YYYY-MM-DD`.
    pub period: String,
    /// Rows filed.
    pub rows: u32,
    /// When the platform took it, Shanghai time (`YYYY-MM-DD HH:MM:SS`).
    pub filed_at: String,
    /// The filing it corrects.
    pub replaces: Option<String>,
    /// Lower-case hex.
    pub roster_sha256: String,
    /// The trust list's key that signed, and its algorithm (`Ed25519`, `SM2`).
    pub key: String,
    /// base64url.
    pub signature: String,
    /// `Ok(())` when the desk verified the signature against its trust list; the sentence
    /// (Chinese, English) otherwise.
    pub verified: Result<(), (String, String)>,
    /// When it was printed (`YYYY-MM-DD`).
    pub printed_on: String,
}

/// `s` in lines of at most `n` characters (hex and base64 have no spaces to break at).
fn chunks(s: &str, n: usize) -> Vec<String> {
    s.chars().collect::<Vec<_>>().chunks(n).map(|c| c.iter().collect()).collect()
}

/// The receipt as a one-page A4 PDF.
pub fn roster_receipt(r: &ReceiptData) -> Result<Vec<u8>, CardError> {
    let mut doc = Doc::new()?;
    let (left, value_x, right) = (20.0, 70.0, A4_W - 20.0);
    doc.page(A4_W, A4_H, &Calibration::default(), |c| {
        c.fill_rect(0.0, A4_H - 32.0, A4_W, 32.0, BLUE);
        let white = Rgb(1.0, 1.0, 1.0);
        c.text("上门服务持证人员名册备案回执", Text::at(A4_W / 2.0, A4_H - 17.0, 7.0).bold().color(white).align(Align::Center))?;
        c.text("Receipt of a roster filing (名册备案)", Text::at(A4_W / 2.0, A4_H - 25.0, 3.6).color(white).align(Align::Center))?;
        let mut y = A4_H - 48.0;
        let field = |c: &mut crate::canvas::Canvas, zh: &str, en: &str, lines: &[String], y: &mut f32| -> Result<(), CardError> {
            let w = c.text(zh, Text::at(left, *y, 4.0).color(MUTED))?;
            c.text(en, Text::at(left + w + 1.2, *y, 2.8).color(MUTED))?;
            for line in lines {
                c.text(line, Text::at(value_x, *y, 4.2).color(BLACK).max(right - value_x))?;
                *y -= 6.5;
            }
            *y -= 2.5;
            c.line(left, *y + 4.0, right, *y + 4.0, Rgb(0.85, 0.87, 0.9), 0.2);
            Ok(())
        };
        field(c, "备案号", "Number", std::slice::from_ref(&r.number), &mut y)?;
        field(c, "机构名称", "Agency", std::slice::from_ref(&r.agency), &mut y)?;
        field(c, "备案期间", "Period", std::slice::from_ref(&r.period), &mut y)?;
        field(c, "人数", "Rows", &[format!("{} 人", r.rows)], &mut y)?;
        field(c, "备案时间", "Filed", std::slice::from_ref(&r.filed_at), &mut y)?;
        if let Some(old) = &r.replaces {
            field(c, "更正备案", "Corrects", std::slice::from_ref(old), &mut y)?;
        }
        field(c, "名册 SHA-256", "Roster hash", &chunks(&r.roster_sha256, 32), &mut y)?;
        field(c, "签名密钥", "Key", std::slice::from_ref(&r.key), &mut y)?;
        field(c, "平台签名", "Signature", &chunks(&r.signature, 44), &mut y)?;
        y -= 6.0;
        match &r.verified {
            Ok(()) => {
                c.stroke_rect(left, y - 14.0, right - left, 18.0, GREEN, 0.5);
                let (zh, en) = crate::messages::receipt_verified();
                c.text(zh, Text::at(left + 5.0, y - 3.5, 4.4).bold().color(GREEN))?;
                c.text(en, Text::at(left + 5.0, y - 10.0, 3.0).color(GREEN))?;
            }
            Err((zh, en)) => {
                c.stroke_rect(left, y - 14.0, right - left, 18.0, RED, 0.5);
                c.text(&crate::messages::receipt_not_verified(zh), Text::at(left + 5.0, y - 3.5, 4.4).bold().color(RED).max(right - left - 10.0))?;
                c.text(en, Text::at(left + 5.0, y - 10.0, 3.0).color(RED).max(right - left - 10.0))?;
            }
        }
        y -= 26.0;
        for (zh, en) in crate::messages::receipt_notes() {
            c.text(zh, Text::at(left, y, 3.2).color(BLACK).max(right - left))?;
            c.text(en, Text::at(left, y - 4.5, 2.5).color(MUTED).max(right - left))?;
            y -= 12.0;
        }
        c.text(&crate::messages::receipt_printed_on(&r.printed_on), Text::at(A4_W / 2.0, 12.0, 2.8).color(MUTED).align(Align::Center))?;
        Ok(())
    })?;
    doc.finish("持证人员名册备案回执 / Roster filing receipt")
}
