//! Sample cards for the tests and the bench: a real signed credential URL (from
//! certdesk-protocol, the same code the platform uses), a drawn stand-in photo as a baseline
//! JPEG of the store's size, and the external tools (qpdf, poppler, zbar) run for real.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use certdesk_card::CardData;
use certdesk_domain::certificate_code::CertificateCode;
use certdesk_protocol::credential::{issue_url, CredentialClaims, TrustList, TrustedKey};
use chrono::NaiveDate;
use ed25519_dalek::SigningKey;

/// The platform's base URL in these tests.
pub const BASE_URL: &str = "https://v.jiazheng.example.cn/c/";

pub fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

/// The trust list that verifies `signing_key`'s credentials.
pub fn trust_list() -> TrustList {
    TrustList {
        keys: vec![TrustedKey::for_signing_key(
            1,
            &signing_key(),
            day(2026, 1, 1),
            None,
        )],
    }
}

/// Certificate code and signed URL for serial `serial` (district 11, 2026).
pub fn credential(serial: u32, card_version: u16) -> (String, String) {
    let code = CertificateCode::new(11, 2026, serial).expect("a valid code");
    let claims = CredentialClaims {
        key_id: 1,
        certificate_code: code,
        card_version,
        valid_from: day(2026, 11, 27),
        valid_until: day(2029, 11, 26),
    };
    let url = issue_url(BASE_URL, &claims, &signing_key()).expect("URL fits");
    (code.to_string(), url)
}

/// A 358 x 441 baseline JPEG: a neutral head-and-shoulders silhouette on light blue, like
/// an ID photo, different per `seed` so that no two cards share bytes.
pub fn photo(seed: u32) -> Vec<u8> {
    let (w, h) = (358u32, 441u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let head = ((fx - 179.0) / 78.0).powi(2) + ((fy - 170.0) / 98.0).powi(2) <= 1.0;
        let shoulders =
            fy > 285.0 && ((fx - 179.0) / 165.0).powi(2) + ((fy - 470.0) / 190.0).powi(2) <= 1.0;
        let neck = (fx - 179.0).abs() < 34.0 && fy > 240.0 && fy < 300.0;
        if head || neck {
            image::Rgb([222, 196, 178])
        } else if shoulders {
            image::Rgb([40 + (seed % 50) as u8, 62, 98])
        } else {
            let g = 226 - (fy / 441.0 * 30.0) as u8;
            image::Rgb([g - 20, g - 4, 250])
        }
    });
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    enc.encode_image(&img).expect("JPEG encodes");
    out
}

/// An approved card with photo and signed QR.
pub fn card(serial: u32, name: &str) -> CardData {
    CardData {
        photo_jpeg: Some(photo(serial)),
        ..card_without_photo(serial, name)
    }
}

/// An approved card with a signed QR and no photo.
pub fn card_without_photo(serial: u32, name: &str) -> CardData {
    let (code, url) = credential(serial, 1);
    CardData {
        name: name.into(),
        gender_zh: if serial % 2 == 0 {
            "女".into()
        } else {
            "男".into()
        },
        service_types_zh: vec!["保洁".into(), "母婴护理".into(), "养老护理".into()],
        certificate_code: code,
        agency_name: "上海浦东新区阳光家政服务有限公司".into(),
        agency_phone: "021-6288 1234".into(),
        valid_until: Some(day(2029, 11, 26)),
        credential_url: Some(url),
        photo_jpeg: None,
        card_version: 1,
        draft: false,
    }
}

/// A preview of a worker not yet approved: no code, no QR.
pub fn draft(name: &str) -> CardData {
    CardData {
        certificate_code: String::new(),
        credential_url: None,
        valid_until: None,
        draft: true,
        ..card(9, name)
    }
}

/// Runs a tool; panics with its stderr when it fails.
pub fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} must be installed (scripts/install-deps): {e}"));
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Writes `pdf` into `dir` and checks it with `qpdf --check`.
pub fn write_checked(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pdf).expect("temp file writable");
    let report = run("qpdf", &["--check", path.to_str().expect("utf-8 path")]);
    assert!(
        report.contains("No syntax or stream encoding errors"),
        "qpdf --check: {report}"
    );
    path
}

/// Page size in points of page `page` (1-based), from pdfinfo.
pub fn page_size_pt(pdf: &Path, page: u32) -> (f32, f32) {
    let p = page.to_string();
    let info = run(
        "pdfinfo",
        &["-f", &p, "-l", &p, pdf.to_str().expect("utf-8 path")],
    );
    let line = info
        .lines()
        .find(|l| {
            l.starts_with(&format!("Page {:>4} size:", page))
                || (l.starts_with("Page") && l.contains("size:"))
        })
        .unwrap_or_else(|| panic!("pdfinfo shows a page size: {info}"));
    let nums: Vec<f32> = line
        .split(':')
        .nth(1)
        .expect("size after colon")
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (nums[0], nums[1])
}

/// Number of pages, from pdfinfo.
pub fn page_count(pdf: &Path) -> u32 {
    let info = run("pdfinfo", &[pdf.to_str().expect("utf-8 path")]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("pdfinfo shows Pages:")
}

/// Renders page `page` at `dpi` to a PNG and returns its path.
pub fn render_png(pdf: &Path, page: u32, dpi: u32, out_stem: &Path) -> PathBuf {
    let p = page.to_string();
    let r = dpi.to_string();
    run(
        "pdftoppm",
        &[
            "-f",
            &p,
            "-l",
            &p,
            "-r",
            &r,
            "-png",
            "-singlefile",
            pdf.to_str().expect("utf-8"),
            out_stem.to_str().expect("utf-8"),
        ],
    );
    out_stem.with_extension("png")
}

/// Every QR code zbarimg finds in an image, one string each (empty when none).
pub fn scan(png: &Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args([
            "--raw",
            "-q",
            "-Sdisable",
            "-Sqrcode.enable",
            png.to_str().expect("utf-8"),
        ])
        .output()
        .expect("zbarimg must be installed (scripts/install-deps)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The text of page `page`, from pdftotext (through the ToUnicode maps the crate writes).
pub fn page_text(pdf: &Path, page: u32) -> String {
    let p = page.to_string();
    run(
        "pdftotext",
        &[
            "-f",
            &p,
            "-l",
            &p,
            "-layout",
            pdf.to_str().expect("utf-8"),
            "-",
        ],
    )
}

/// The text inside a box of page `page`, in points from the top left.
pub fn text_in(pdf: &Path, page: u32, x: f32, y: f32, w: f32, h: f32) -> String {
    let p = page.to_string();
    let (x, y, w, h) = (x as i32, y as i32, w as i32, h as i32);
    run(
        "pdftotext",
        &[
            "-f",
            &p,
            "-l",
            &p,
            "-x",
            &x.to_string(),
            "-y",
            &y.to_string(),
            "-W",
            &w.to_string(),
            "-H",
            &h.to_string(),
            pdf.to_str().expect("utf-8"),
            "-",
        ],
    )
}

/// Where the repository keeps screenshots a person looks at.
pub fn screenshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
}
