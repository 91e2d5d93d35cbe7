//! Cards rendered for real and checked with the tools a print shop would trust: qpdf for the
//! file, pdftoppm for the picture, zbarimg for the QR code, pdfinfo for the page sizes,
//! pdftotext for the text. Renders of a front, a back and an A4 sheet are saved to
//! docs/screenshots for a person to look at.

mod support;

use certdesk_card::{
    a4_slot, render, test_page, Calibration, CardData, Layout, RenderOptions, A4_H,
};
use certdesk_protocol::credential::{verify, RevocationList, Verdict};
use support::*;

const MM: f32 = 72.0 / 25.4;

fn opts(layout: Layout) -> RenderOptions {
    RenderOptions {
        layout,
        ..RenderOptions::default()
    }
}

fn pdf_of(cards: &[CardData], layout: Layout) -> Vec<u8> {
    render(cards, &opts(layout), &mut |_, _| {}).expect("cards render")
}

fn assert_size(pdf: &std::path::Path, page: u32, w_mm: f32, h_mm: f32) {
    let (w, h) = page_size_pt(pdf, page);
    assert!(
        (w - w_mm * MM).abs() < 0.05 && (h - h_mm * MM).abs() < 0.05,
        "page {page} must be {w_mm} x {h_mm} mm, pdfinfo says {w} x {h} pt"
    );
}

#[test]
fn cr80_cards_are_card_sized_in_duplex_order_and_their_qr_codes_verify() {
    let dir = tempfile::tempdir().unwrap();
    let cards = [card(123, "张三"), card(124, "阿依古丽·买买提")];
    let mut seen = Vec::new();
    let pdf = render(&cards, &opts(Layout::Cr80), &mut |d, t| seen.push((d, t))).unwrap();
    assert_eq!(
        seen,
        [(1, 2), (2, 2)],
        "progress is reported after each card"
    );
    let path = write_checked(dir.path(), "cr80.pdf", &pdf);

    assert_eq!(page_count(&path), 4, "front and back of each card");
    for page in 1..=4 {
        assert_size(&path, page, 85.6, 54.0);
    }
    for (i, c) in cards.iter().enumerate() {
        let front = (2 * i + 1) as u32;
        let png = render_png(&path, front, 300, &dir.path().join(format!("front{i}")));
        let found = scan(&png);
        assert_eq!(
            found,
            vec![c.credential_url.clone().unwrap()],
            "the front's QR is the card's signed URL"
        );
        let verdict = verify(
            &found[0],
            &trust_list(),
            &RevocationList::default(),
            day(2027, 1, 1),
        );
        assert!(
            matches!(verdict, Verdict::Valid(_)),
            "the scanned QR verifies: {verdict:?}"
        );

        let text = page_text(&path, front);
        for want in [
            "上海市家政上门服务证",
            c.name.as_str(),
            "母婴护理",
            c.certificate_code.as_str(),
            "阳光家政服务有限公司",
            "2029年11月26日",
        ] {
            assert!(text.contains(want), "front {i} shows {want:?}: {text}");
        }
        let back = page_text(&path, front + 1);
        for want in [
            "扫码查验并评价",
            "021-6288 1234",
            "12345",
            "卡版本",
            c.certificate_code.as_str(),
        ] {
            assert!(back.contains(want), "back {i} shows {want:?}: {back}");
        }
        assert!(
            scan(&render_png(
                &path,
                front + 1,
                300,
                &dir.path().join(format!("back{i}"))
            ))
            .is_empty(),
            "no QR on a back"
        );
    }

    let shots = screenshots_dir();
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::copy(dir.path().join("front0.png"), shots.join("card-front.png")).unwrap();
    std::fs::copy(dir.path().join("back0.png"), shots.join("card-back.png")).unwrap();
    let minority = render_png(&path, 3, 300, &dir.path().join("front-minority"));
    std::fs::copy(minority, shots.join("card-front-minority-name.png")).unwrap();
}

#[test]
fn a4_sheets_hold_ten_fronts_then_their_backs_mirrored_for_long_edge_duplex() {
    let dir = tempfile::tempdir().unwrap();
    let cards: Vec<CardData> = (0..10)
        .map(|i| card(200 + i, &format!("测试{}号", i + 1)))
        .collect();
    let path = write_checked(dir.path(), "a4.pdf", &pdf_of(&cards, Layout::A4Sheet));
    assert_eq!(page_count(&path), 2, "one sheet of fronts, one of backs");
    assert_size(&path, 1, 210.0, 297.0);
    assert_size(&path, 2, 210.0, 297.0);

    let png = render_png(&path, 1, 300, &dir.path().join("sheet"));
    let mut found = scan(&png);
    found.sort();
    let mut want: Vec<String> = cards
        .iter()
        .map(|c| c.credential_url.clone().unwrap())
        .collect();
    want.sort();
    assert_eq!(
        found, want,
        "all ten QR codes on the sheet decode to their cards' URLs"
    );

    // Each front sits in its slot, and its back in the mirrored slot of the next sheet.
    for (i, c) in cards.iter().enumerate() {
        for (page, back) in [(1, false), (2, true)] {
            let (x, y) = a4_slot(i, back);
            let top = (A4_H - y - 54.0) * MM;
            let text = text_in(&path, page, x * MM, top, 85.6 * MM, 54.0 * MM);
            assert!(
                text.contains(&c.certificate_code),
                "card {i} on page {page} (back: {back}) is in its slot: {text}"
            );
        }
    }
    let small = render_png(&path, 1, 100, &dir.path().join("sheet-small"));
    std::fs::copy(small, screenshots_dir().join("card-a4-sheet.png")).unwrap();
}

#[test]
fn a_draft_is_watermarked_and_has_no_qr_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_checked(
        dir.path(),
        "draft.pdf",
        &pdf_of(&[draft("李四")], Layout::Cr80),
    );
    let front = render_png(&path, 1, 300, &dir.path().join("draft-front"));
    let back = render_png(&path, 2, 300, &dir.path().join("draft-back"));
    std::fs::copy(&front, screenshots_dir().join("card-front-draft.png")).unwrap();
    std::fs::copy(&back, screenshots_dir().join("card-back-draft.png")).unwrap();
    assert!(
        scan(&front).is_empty(),
        "a draft without a credential carries no QR code"
    );
    let front_text = run(
        "pdftotext",
        &["-f", "1", "-l", "1", path.to_str().unwrap(), "-"],
    );
    assert!(
        front_text.contains("样张"),
        "the front says 样张: {front_text}"
    );
    for png in [&front, &back] {
        let share = watermark_share(png);
        assert!(
            share > 0.05,
            "{} carries the red 样张 watermark across its middle ({share:.3})",
            png.display()
        );
    }
    let front_text = run(
        "pdftotext",
        &["-f", "1", "-l", "1", path.to_str().unwrap(), "-"],
    );
    assert!(
        front_text.contains("样张"),
        "the front says 样张: {front_text}"
    );
    let plain = write_checked(
        dir.path(),
        "plain.pdf",
        &pdf_of(&[card(9, "李四")], Layout::Cr80),
    );
    for page in [1, 2] {
        let png = render_png(&plain, page, 300, &dir.path().join(format!("plain{page}")));
        assert!(
            watermark_share(&png) < 0.001,
            "an approved card has no watermark"
        );
    }
    assert!(page_text(&path, 1).contains("待平台核发"), "no code yet");
}

/// Share of pinkish pixels (the see-through red of 样张) in the middle of a rendered face,
/// away from the photo, the red rule and the QR code.
fn watermark_share(png: &std::path::Path) -> f64 {
    let img = image::open(png).expect("PNG opens").to_rgb8();
    let (w, h) = img.dimensions();
    let (mut pink, mut all) = (0u64, 0u64);
    for y in h * 35 / 100..h * 90 / 100 {
        for x in w * 35 / 100..w * 65 / 100 {
            let [r, g, b] = img.get_pixel(x, y).0;
            all += 1;
            if r > 180 && i32::from(r) - i32::from(g) > 35 && i32::from(r) - i32::from(b) > 35 {
                pink += 1;
            }
        }
    }
    pink as f64 / all as f64
}

#[test]
fn a_card_without_a_photo_shows_a_framed_no_photo_box() {
    let dir = tempfile::tempdir().unwrap();
    let c = CardData {
        photo_jpeg: None,
        ..card(300, "王五")
    };
    let path = write_checked(
        dir.path(),
        "nophoto.pdf",
        &pdf_of(std::slice::from_ref(&c), Layout::Cr80),
    );
    assert!(page_text(&path, 1).contains("无照片"));
    let png = render_png(&path, 1, 300, &dir.path().join("nophoto"));
    assert_eq!(
        scan(&png),
        vec![c.credential_url.unwrap()],
        "the QR still scans"
    );
}

#[test]
fn the_photo_is_embedded_byte_for_byte() {
    let c = card(301, "赵六");
    let jpeg = c.photo_jpeg.clone().unwrap();
    let pdf = pdf_of(&[c], Layout::Cr80);
    assert!(
        pdf.windows(jpeg.len()).any(|w| w == jpeg.as_slice()),
        "the JPEG goes into the PDF as it is (DCTDecode)"
    );
}

#[test]
fn a_character_the_font_lacks_is_an_error_naming_it() {
    let c = card(302, "张𠀀");
    let err = render(&[c], &opts(Layout::Cr80), &mut |_, _| {}).unwrap_err();
    assert_eq!(err.code, "glyph_missing");
    assert!(
        err.message.zh.contains('𠀀') && err.message.zh.contains("U+20000"),
        "{}",
        err.message.zh
    );
    assert!(
        err.message.zh.contains("姓名"),
        "the field is named: {}",
        err.message.zh
    );
    assert!(err.message.en.contains("U+20000"), "{}", err.message.en);
}

#[test]
fn an_approved_card_without_a_credential_is_refused() {
    let c = CardData {
        credential_url: None,
        ..card(303, "钱七")
    };
    let err = render(&[c], &opts(Layout::Cr80), &mut |_, _| {}).unwrap_err();
    assert_eq!(err.code, "credential_missing");
}

#[test]
fn many_cards_go_into_one_valid_file_in_both_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let cards: Vec<CardData> = (0..123).map(|i| card(1000 + i, "孙悦")).collect();
    let cr80 = write_checked(dir.path(), "many-cr80.pdf", &pdf_of(&cards, Layout::Cr80));
    assert_eq!(page_count(&cr80), 246);
    let a4 = write_checked(dir.path(), "many-a4.pdf", &pdf_of(&cards, Layout::A4Sheet));
    assert_eq!(page_count(&a4), 26, "13 sheets of fronts and 13 of backs");
    // The last, partly filled sheet still scans.
    let png = render_png(&a4, 25, 200, &dir.path().join("last"));
    assert_eq!(scan(&png).len(), 3, "three cards on the last sheet");
}

#[test]
fn test_pages_show_outline_rulers_and_the_calibration() {
    let dir = tempfile::tempdir().unwrap();
    let cal = Calibration {
        offset_x_mm: 1.5,
        offset_y_mm: -0.5,
        scale: 0.99,
    };
    for (layout, w, h) in [(Layout::Cr80, 85.6, 54.0), (Layout::A4Sheet, 210.0, 297.0)] {
        let o = RenderOptions {
            layout,
            calibration: cal,
            ..RenderOptions::default()
        };
        let path = write_checked(
            dir.path(),
            &format!("test-{}.pdf", layout.as_str()),
            &test_page(&o).unwrap(),
        );
        assert_eq!(page_count(&path), 1);
        assert_size(&path, 1, w, h);
        let text = page_text(&path, 1);
        assert!(
            text.contains("校准测试页")
                && text.contains("+1.5 mm")
                && text.contains("-0.5 mm")
                && text.contains("99.0%"),
            "{text}"
        );
        render_png(
            &path,
            1,
            100,
            &dir.path().join(format!("test-{}", layout.as_str())),
        );
    }
    // The picture in docs/ is of an uncalibrated printer: outline exactly on the card edge.
    let plain = write_checked(
        dir.path(),
        "test-plain.pdf",
        &test_page(&RenderOptions::default()).unwrap(),
    );
    let png = render_png(&plain, 1, 200, &dir.path().join("test-plain"));
    std::fs::copy(png, screenshots_dir().join("card-test-page.png")).unwrap();
    let a4 = RenderOptions {
        layout: Layout::A4Sheet,
        ..RenderOptions::default()
    };
    let plain = write_checked(dir.path(), "test-plain-a4.pdf", &test_page(&a4).unwrap());
    let png = render_png(&plain, 1, 70, &dir.path().join("test-plain-a4"));
    std::fs::copy(png, screenshots_dir().join("card-test-page-a4.png")).unwrap();
    let bad = RenderOptions {
        calibration: Calibration { scale: 3.0, ..cal },
        ..RenderOptions::default()
    };
    assert_eq!(test_page(&bad).unwrap_err().code, "calibration_invalid");
}

#[test]
fn calibration_moves_everything_on_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let c = card(400, "周八");
    let plain = write_checked(
        dir.path(),
        "plain.pdf",
        &pdf_of(std::slice::from_ref(&c), Layout::Cr80),
    );
    let o = RenderOptions {
        calibration: Calibration {
            offset_x_mm: 10.0,
            offset_y_mm: 0.0,
            scale: 1.0,
        },
        ..RenderOptions::default()
    };
    let moved = write_checked(
        dir.path(),
        "moved.pdf",
        &render(std::slice::from_ref(&c), &o, &mut |_, _| {}).unwrap(),
    );
    // The code starts about 14.6 mm from the left; moved 10 mm right it is out of the first 20 mm.
    let strip = |p: &std::path::Path| text_in(p, 1, 0.0, 0.0, 20.0 * MM, 54.0 * MM);
    assert!(
        strip(&plain).contains("证书编号"),
        "unmoved: label in the left strip"
    );
    assert!(
        !strip(&moved).contains("证书编号"),
        "moved 10 mm right: label out of the left strip"
    );
    // The QR code is still whole at a 2 mm offset.
    let o = RenderOptions {
        calibration: Calibration {
            offset_x_mm: 2.0,
            offset_y_mm: 1.0,
            scale: 1.0,
        },
        ..RenderOptions::default()
    };
    let nudged = write_checked(
        dir.path(),
        "nudged.pdf",
        &render(std::slice::from_ref(&c), &o, &mut |_, _| {}).unwrap(),
    );
    assert_eq!(
        scan(&render_png(&nudged, 1, 300, &dir.path().join("nudged"))),
        vec![c.credential_url.unwrap()]
    );
}

#[test]
fn fonts_are_embedded_as_subsets() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_checked(
        dir.path(),
        "fonts.pdf",
        &pdf_of(&[card(500, "吴九")], Layout::Cr80),
    );
    let fonts = run("pdffonts", &[path.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "regular and bold: {fonts}");
    for row in rows {
        assert!(row.contains("+NotoSansCJKsc-"), "subset name tag: {row}");
        assert!(row.contains("CID Type 0C"), "CFF CID font: {row}");
        assert!(
            row.contains("yes yes yes"),
            "embedded, subset, with ToUnicode: {row}"
        );
    }
    let size = std::fs::metadata(&path).unwrap().len() as usize;
    let photo = card(500, "吴九").photo_jpeg.unwrap().len();
    assert!(
        size - photo < 90_000,
        "one card beside its photo, fonts included, is small: {} bytes",
        size - photo
    );
}

#[test]
fn long_text_shrinks_to_fit_and_keeps_out_of_the_qr_quiet_zone() {
    let dir = tempfile::tempdir().unwrap();
    let c = CardData {
        name: "欧阳娜娜·阿不都热合曼·买买提".into(),
        service_types_zh: [
            "保洁",
            "育婴",
            "母婴护理",
            "养老护理",
            "烹饪",
            "病患陪护",
            "其他",
        ]
        .map(String::from)
        .to_vec(),
        agency_name: "上海市浦东新区陆家嘴街道阳光温馨家政服务有限责任公司第二分公司".into(),
        agency_phone: "021-6288 1234 转 8008（工作日 9:00–17:00）".into(),
        ..card(600, "")
    };
    let path = write_checked(
        dir.path(),
        "long.pdf",
        &pdf_of(std::slice::from_ref(&c), Layout::Cr80),
    );
    let png = render_png(&path, 1, 300, &dir.path().join("long"));
    assert_eq!(
        scan(&png),
        vec![c.credential_url.clone().unwrap()],
        "the QR still scans"
    );
    std::fs::copy(&png, screenshots_dir().join("card-front-long-text.png")).unwrap();

    // Every word right of the text column is a caption above the QR code's quiet zone.
    let bbox = run(
        "pdftotext",
        &["-f", "1", "-l", "1", "-bbox", path.to_str().unwrap(), "-"],
    );
    let attr = |line: &str, name: &str| -> f32 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    let quiet_top_from_top = (54.0 - (7.4 + 24.0 + 1.7)) * MM;
    for line in bbox.lines().filter(|l| l.trim_start().starts_with("<word")) {
        let (x_max, y_max) = (attr(line, "xMax"), attr(line, "yMax"));
        if x_max > 56.0 * MM {
            assert!(
                y_max < quiet_top_from_top,
                "text in the QR's quiet zone: {line}"
            );
        }
        assert!(
            x_max <= 85.6 * MM && attr(line, "xMin") >= 0.0,
            "text off the card: {line}"
        );
    }
    for want in ["欧阳娜娜", "病患陪护", "第二分公司"] {
        assert!(
            page_text(&path, 1).contains(want),
            "{want} is printed, however small"
        );
    }
}

#[test]
fn a_greyscale_photo_goes_in_as_it_is_and_a_broken_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let grey =
        image::DynamicImage::ImageRgb8(image::load_from_memory(&photo(7)).unwrap().to_rgb8())
            .to_luma8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&grey)
        .unwrap();
    let c = CardData {
        photo_jpeg: Some(jpeg.clone()),
        ..card(700, "郑十")
    };
    let pdf = pdf_of(std::slice::from_ref(&c), Layout::Cr80);
    assert!(
        pdf.windows(jpeg.len()).any(|w| w == jpeg.as_slice()),
        "greyscale JPEG embedded as it is"
    );
    let path = write_checked(dir.path(), "grey.pdf", &pdf);
    assert_eq!(
        scan(&render_png(&path, 1, 300, &dir.path().join("grey"))),
        vec![c.credential_url.unwrap()]
    );

    let broken = CardData {
        photo_jpeg: Some(b"not a jpeg".to_vec()),
        ..card(701, "郑十")
    };
    let err = render(&[broken], &opts(Layout::Cr80), &mut |_, _| {}).unwrap_err();
    assert_eq!(err.code, "photo_invalid");
}

#[test]
fn layouts_parse_from_their_command_line_names() {
    assert_eq!("cr80".parse::<Layout>().unwrap(), Layout::Cr80);
    assert_eq!("A4".parse::<Layout>().unwrap(), Layout::A4Sheet);
    let err = "a5".parse::<Layout>().unwrap_err();
    assert_eq!(err.code, "layout_unknown");
    assert!(
        err.to_string().contains("cr80"),
        "the error says what is accepted: {err}"
    );
    assert_eq!(
        render(&[], &RenderOptions::default(), &mut |_, _| {})
            .unwrap_err()
            .code,
        "no_cards"
    );
}

/// The hand-over slip: an A6 page whose code is printed large and whose QR code, decoded by
/// zbarimg from the rendered page, opens the activation page with that code filled in.
#[test]
fn the_activation_slip_prints_the_code_and_a_qr_code_that_opens_the_activation_page() {
    let dir = tempfile::tempdir().unwrap();
    let url = "https://zhengjian.shanghai.example.gov.cn/e?code=K7Q2M9XD";
    let slip = certdesk_card::SlipData {
        masked_name: "张*三".into(),
        certificate_code: "SH112026123456J".into(),
        card_version: 2,
        code: "K7Q2-M9XD".into(),
        url: Some(url.into()),
        agency: "上海黄浦家政服务有限公司".into(),
        date: "2026-12-04".into(),
    };
    let pdf = write_checked(dir.path(), "slip.pdf", &certdesk_card::activation_slip(&slip).unwrap());
    let (w, h) = page_size_pt(&pdf, 1);
    assert!((w - certdesk_card::SLIP_W / 25.4 * 72.0).abs() < 0.5 && (h - certdesk_card::SLIP_H / 25.4 * 72.0).abs() < 0.5, "A6: {w} x {h}");
    let text = page_text(&pdf, 1);
    for expected in ["K7Q2-M9XD", "SH112026123456J", "张*三", "身份证号后四位"] {
        assert!(text.contains(expected), "{expected} on the slip: {text}");
    }
    let png = render_png(&pdf, 1, 200, &dir.path().join("slip"));
    assert_eq!(scan(&png), [url]);
    std::fs::copy(&png, screenshots_dir().join("activation-slip.png")).unwrap();

    // Before the desk is enrolled there is no address: the code alone, no QR code.
    let offline = certdesk_card::activation_slip(&certdesk_card::SlipData { url: None, ..slip }).unwrap();
    let pdf = write_checked(dir.path(), "slip-offline.pdf", &offline);
    assert!(page_text(&pdf, 1).contains("K7Q2-M9XD"));
    assert!(scan(&render_png(&pdf, 1, 200, &dir.path().join("slip-offline"))).is_empty());
}

/// The roster filing receipt (名册备案回执, issue 14 item 2): an A4 page carrying every signed
/// field (the hash and the signature in full, in lines) and what the desk's verification said;
/// a receipt that does not verify says so in red, never "有效".
#[test]
fn the_roster_receipt_prints_every_signed_field_and_the_verification() {
    let dir = tempfile::tempdir().unwrap();
    let receipt = certdesk_card::ReceiptData {
        number: "BA2026-000017".into(),
        agency: "上海黄浦家政服务有限公司".into(),
        period: "2026-11-01 至 2026-11-30".into(),
        rows: 42,
        filed_at: "2026-12-04 10:15:02".into(),
        replaces: Some("BA2026-000009".into()),
        roster_sha256: "5d9a9978c81a34b7e0f1aa0e6f1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5".into(),
        key: "1 (Ed25519)".into(),
        signature: "q0Yt3mJ7cX1vZk2pL9sN4wR8uE6yH5gF3dS1aQ0zX9cV7bN5mK3jH1gF0dS8aQ6zX4cV2bN0mK8jH6gF4dS2aQ".into(),
        verified: Ok(()),
        printed_on: "2026-12-04".into(),
    };
    let pdf = write_checked(dir.path(), "receipt.pdf", &certdesk_card::roster_receipt(&receipt).unwrap());
    let (w, h) = page_size_pt(&pdf, 1);
    assert!((w - 595.3).abs() < 1.0 && (h - 841.9).abs() < 1.0, "A4: {w} x {h}");
    let text = page_text(&pdf, 1);
    for expected in ["BA2026-000017", "BA2026-000009", "上海黄浦家政服务有限公司", "42 人", "5d9a9978c81a34b7e0f1aa0e6f1d2c3b", "4a5968778695a4b3c2d1e0f9a8b7c6d5", "q0Yt3mJ7cX1vZk2pL9sN4wR8uE6yH5gF3dS1aQ0zX9cV", "有效"] {
        assert!(text.contains(expected), "{expected} on the receipt: {text}");
    }
    let png = render_png(&pdf, 1, 100, &dir.path().join("receipt"));
    std::fs::copy(&png, screenshots_dir().join("roster-receipt.png")).unwrap();

    let bad = certdesk_card::ReceiptData { verified: Err(("回执签名无效：回执已被改动或伪造".into(), "The receipt's signature does not hold".into())), ..receipt };
    let text = page_text(&write_checked(dir.path(), "bad.pdf", &certdesk_card::roster_receipt(&bad).unwrap()), 1);
    assert!(text.contains("核验未通过") && text.contains("回执签名无效") && !text.contains("签名：有效"), "{text}");
}

/// The funding pack (项目资金材料, issue 14 item 3): the report names the filing, the agency
/// and the period, gives the totals, one line per worker, and every problem with its worker and
/// what is missing; a long roster runs over several pages with the table's header repeated; the
/// workbook has the workers and the problems on two sheets, ID numbers as text.
#[test]
fn the_funding_pack_reports_every_worker_and_problem_on_as_many_pages_as_it_takes() {
    use certdesk_domain::funding::{FiledRow, FundingPack, HeldTraining, PackFiling};
    use certdesk_domain::training::{ClassCredit, ExamAttempt, TrainingSettings};
    use certdesk_domain::{ClassMode, HalfHours};

    let dir = tempfile::tempdir().unwrap();
    let names = ["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九", "吴十"];
    let rows: Vec<(FiledRow, Option<HeldTraining>)> = (0..44u32)
        .map(|i| {
            let filed = FiledRow {
                name: names[i as usize % names.len()].into(),
                id_number: "11010519491231002X".into(),
                certificate_code: format!("310101260{i:05}"),
                training_from: Some(day(2026, 11, 2)),
                training_to: Some(day(2026, 11, 3)),
                hours: HalfHours(6),
                exam_score: Some(if i % 7 == 3 { 45.0 } else { 88.0 }),
                exam_date: Some(day(2026, 11, 3)),
            };
            let classes = vec![ClassCredit {
                class_id: format!("class-{}", i % 3),
                title: format!("家政服务规范第 {} 期", i % 3 + 1),
                mode: ClassMode::Offline,
                credited: HalfHours(6),
                supervision_filed: i % 5 != 1,
            }];
            let exams = vec![ExamAttempt { attempt: 1, date: day(2026, 11, 3), score: filed.exam_score.unwrap() }];
            let held = (i != 43).then_some(HeldTraining { classes, exams });
            (filed, held)
        })
        .collect();
    let filing = PackFiling {
        number: "BA2026-000017".into(),
        agency_name: "上海黄浦家政服务有限公司".into(),
        period_from: day(2026, 11, 1),
        period_to: day(2026, 11, 30),
        filed_at: "2026-12-04T02:15:02Z".parse().unwrap(),
        replaces: Some("BA2026-000009".into()),
    };
    let pack = FundingPack::build(filing, rows, TrainingSettings::default());
    let made = certdesk_card::PackMade { at: "2026-12-04 10:20".into(), source: certdesk_card::PackSource::Desk };
    let pdf = write_checked(dir.path(), "pack.pdf", &certdesk_card::funding_pack_pdf(&pack, &made).unwrap());
    let pages = page_count(&pdf);
    assert!(pages >= 3, "44 workers and their problems take several pages: {pages}");
    let (w, h) = page_size_pt(&pdf, 1);
    assert!((w - 595.3).abs() < 1.0 && (h - 841.9).abs() < 1.0, "A4: {w} x {h}");
    let first = page_text(&pdf, 1);
    let t = pack.totals;
    for expected in ["BA2026-000017", "BA2026-000009", "上海黄浦家政服务有限公司", "2026-11-01 至 2026-11-30", &format!("名册 {} 人", t.workers), "31010126000000", "核对结论"] {
        assert!(first.contains(expected), "{expected} on page 1: {first}");
    }
    let all: String = (1..=pages).map(|p| page_text(&pdf, p)).collect();
    for worker in &pack.workers {
        assert!(all.contains(&worker.filed.certificate_code), "every worker is in the report: {}", worker.filed.certificate_code);
    }
    for expected in ["缺少培训督导单", "未达到及格分", "培训记录中没有此证编码的人员", "问题清单"] {
        assert!(all.contains(expected), "{expected} in the problems");
    }
    assert!(page_text(&pdf, 2).contains("上门服务证编码"), "the table's header again on page 2");
    let png = render_png(&pdf, 1, 100, &dir.path().join("pack"));
    std::fs::copy(&png, screenshots_dir().join("funding-pack.png")).unwrap();

    let xlsx = certdesk_card::funding_pack_xlsx(&pack).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    use calamine::Reader;
    let workers = book.worksheet_range(certdesk_card::PACK_SHEETS[0]).unwrap();
    assert_eq!(workers.height(), 45, "a header and one line per worker");
    assert_eq!(workers.get_value((1, 2)).unwrap().to_string(), "11010519491231002X", "the ID number stays text");
    let problems = book.worksheet_range(certdesk_card::PACK_SHEETS[1]).unwrap();
    assert_eq!(problems.height() as u32, 1 + t.problems, "a header and one line per problem");
}
