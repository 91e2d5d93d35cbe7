//! The hand-over slip (发证回执 · 电子证激活单): an A6 page given to the worker with the card,
//! carrying the electronic card's activation code in large type and, once the desk knows the
//! platform's address, a QR code that opens the activation page with the code filled in.

use crate::canvas::{Align, Canvas, Doc, Rgb, Text, BLACK};
use crate::qr::{self, QrModules};
use crate::{Calibration, CardError};

/// A6 portrait, mm.
pub const SLIP_W: f32 = 105.0;
/// A6 portrait, mm.
pub const SLIP_H: f32 = 148.0;
const BLUE: Rgb = Rgb(0.043, 0.29, 0.545);
const MUTED: Rgb = Rgb(0.42, 0.45, 0.5);
const QR_SIDE: f32 = 36.0;

/// What the slip shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipData {
    /// The holder's name, masked (张*三): the slip may be lost.
    pub masked_name: String,
    /// The certificate code.
    pub certificate_code: String,
    /// The card handed over.
    pub card_version: u16,
    /// The activation code as printed (`ABCD-EFGH`).
    pub code: String,
    /// The activation page with the code filled in; `None` before the desk is enrolled.
    pub url: Option<String>,
    /// The agency that handed the card over.
    pub agency: String,
    /// The day the code was made (`YYYY-MM-DD`).
    pub date: String,
}

fn draw_qr(c: &mut Canvas, q: &QrModules, x: f32, y: f32) {
    let m = QR_SIDE / q.width as f32;
    c.content.save_state();
    c.content.transform([m, 0.0, 0.0, -m, x, y + QR_SIDE]);
    c.fill(Rgb(0.0, 0.0, 0.0));
    for &(rx, ry, len) in &q.runs {
        c.content.rect(f32::from(rx), f32::from(ry), f32::from(len), 1.0);
    }
    c.content.fill_nonzero();
    c.content.restore_state();
}

/// The slip as a one-page PDF.
pub fn activation_slip(slip: &SlipData) -> Result<Vec<u8>, CardError> {
    let qr = slip.url.as_deref().map(qr::encode).transpose()?;
    let mut doc = Doc::new()?;
    let cx = SLIP_W / 2.0;
    doc.page(SLIP_W, SLIP_H, &Calibration::default(), |c| {
        c.fill_rect(0.0, SLIP_H - 20.0, SLIP_W, 20.0, BLUE);
        c.text("电子上门服务证激活单", Text::at(cx, SLIP_H - 10.5, 5.2).bold().color(Rgb(1.0, 1.0, 1.0)).align(Align::Center))?;
        c.text("Electronic card activation slip", Text::at(cx, SLIP_H - 16.0, 2.8).color(Rgb(1.0, 1.0, 1.0)).align(Align::Center))?;
        let mut y = SLIP_H - 29.0;
        for (zh, en, value) in [
            ("持证人", "Holder", slip.masked_name.clone()),
            ("证件编码", "Certificate", format!("{} · 第 {} 版", slip.certificate_code, slip.card_version)),
            ("发证机构", "Agency", slip.agency.clone()),
        ] {
            let w = c.text(zh, Text::at(8.0, y, 3.0).color(MUTED))?;
            c.text(en, Text::at(8.0 + w + 0.8, y, 2.2).color(MUTED))?;
            c.text(&value, Text::at(34.0, y, 3.3).color(BLACK).max(SLIP_W - 42.0))?;
            y -= 6.5;
        }
        c.text("激活码 Activation code", Text::at(cx, y - 3.0, 3.0).color(MUTED).align(Align::Center))?;
        c.stroke_rect(14.0, y - 17.0, SLIP_W - 28.0, 11.5, BLUE, 0.4);
        c.text(&slip.code, Text::at(cx, y - 14.2, 8.0).bold().color(BLUE).align(Align::Center))?;
        let top = y - 22.0;
        match &qr {
            Some(q) => {
                draw_qr(c, q, cx - QR_SIDE / 2.0, top - QR_SIDE);
                if let Some(url) = &slip.url {
                    c.text(url, Text::at(cx, top - QR_SIDE - 4.0, 2.2).color(MUTED).align(Align::Center).max(SLIP_W - 12.0))?;
                }
            }
            None => {
                c.text("登记到平台后可重新打印带二维码的激活单", Text::at(cx, top - 10.0, 2.8).color(MUTED).align(Align::Center))?;
            }
        }
        let mut y = top - QR_SIDE - 11.0;
        for (zh, en) in [
            ("1. 用手机扫描上方二维码（或打开网址）", "Scan the code above with your phone (or open the address)"),
            ("2. 输入激活码和身份证号后四位，点击激活", "Type the code and the last four characters of your ID number"),
            ("3. 把电子证页面添加到手机主屏幕", "Add the card's page to your home screen"),
        ] {
            c.text(zh, Text::at(8.0, y, 3.0).color(BLACK).max(SLIP_W - 16.0))?;
            c.text(en, Text::at(8.0, y - 3.4, 2.1).color(MUTED).max(SLIP_W - 16.0))?;
            y -= 8.0;
        }
        c.text(
            &format!("激活码只能使用一次，请勿交给他人 · {}", slip.date),
            Text::at(cx, 6.0, 2.4).color(MUTED).align(Align::Center).max(SLIP_W - 12.0),
        )?;
        Ok(())
    })?;
    doc.finish("电子上门服务证激活单 / Electronic card activation slip")
}
