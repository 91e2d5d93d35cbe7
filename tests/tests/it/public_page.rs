//! The public verification page on a phone, in a real browser: the platform (dev TLS) with one
//! approved certificate, WebKitWebDriver driving the WebKitGTK MiniBrowser at 390 × 844 (an
//! iPhone-sized viewport). Loads the valid card (yellow with nothing of its health check or
//! insurance synced, green once they are) and a forged one (red), rates the service through
//! the page's own form, and saves screenshots for a person to look at
//! (`tests/screenshots/public-*.png`, and `docs/screenshots/public-page.png` for the README).
//!
//! Ignored by default: needs a display (scripts/test runs it under xvfb-run) and
//! `webkit2gtk-driver`.

#[path = "../../../crates/certdesk-platform/tests/it/support/scene.rs"]
pub(crate) mod scene;
use crate::window;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use certdesk_protocol::sync::{ChangeBody, OutboxEntry, SyncEntity, SyncOp};
use thirtyfour::prelude::*;

const MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
/// Apart from the ports the window tests use (tauri-driver 4444/4445 and up).
const WEBDRIVER_PORT: u16 = 4450;

/// WebKitWebDriver, killed (with the browsers it started) when dropped.
pub(crate) struct WebKitDriver(Child);

impl WebKitDriver {
    fn start() -> WebKitDriver {
        WebKitDriver::start_on(WEBDRIVER_PORT)
    }

    /// WebKitWebDriver listening on `port` of 127.0.0.1.
    pub(crate) fn start_on(port: u16) -> WebKitDriver {
        let child = Command::new("WebKitWebDriver")
            .args([&format!("--port={port}"), "--host=127.0.0.1"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("WebKitWebDriver comes with webkit2gtk-driver (scripts/install-deps)");
        WebKitDriver(child)
    }
}

impl Drop for WebKitDriver {
    fn drop(&mut self) {
        let mut pids = window::descendants(self.0.id());
        pids.push(self.0.id());
        for pid in pids {
            let _ = Command::new("kill")
                .args(["-s", "KILL", &pid.to_string()])
                .status();
        }
        let _ = self.0.wait();
    }
}

async fn phone(ca: &Path) -> WebDriver {
    minibrowser(ca, WEBDRIVER_PORT, 390, 844).await
}

/// The MiniBrowser, through the WebKitWebDriver on `port`, trusting the platform's dev CA
/// `ca`, its window `width` × `height`.
pub(crate) async fn minibrowser(ca: &Path, port: u16, width: u32, height: u32) -> WebDriver {
    let mut caps = Capabilities::new();
    caps.set("browserName", "MiniBrowser").unwrap();
    caps.set("acceptInsecureCerts", true).unwrap();
    caps.set(
        "webkitgtk:browserOptions",
        serde_json::json!({
            "binary": MINIBROWSER,
            "args": ["--automation"],
            "certificates": [{"host": "127.0.0.1", "certificateFile": ca}],
        }),
    )
    .unwrap();
    let started = Instant::now();
    let d = loop {
        match WebDriver::new(&format!("http://127.0.0.1:{port}"), caps.clone()).await {
            Ok(d) => break d,
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("no WebDriver session with the MiniBrowser: {e}"),
        }
    };
    d.set_window_rect(0, 0, width, height).await.unwrap();
    d
}

/// An ID-photo-like portrait (358 × 441, blue background), as the desk stores photos.
fn portrait() -> Vec<u8> {
    let (w, h) = (358u32, 441u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let head = ((fx - 179.0) / 78.0).powi(2) + ((fy - 180.0) / 98.0).powi(2) <= 1.0;
        let hair =
            ((fx - 179.0) / 86.0).powi(2) + ((fy - 150.0) / 82.0).powi(2) <= 1.0 && fy < 150.0;
        let body = ((fx - 179.0) / 170.0).powi(2) + ((fy - 470.0) / 160.0).powi(2) <= 1.0;
        let collar = body && (fx - 179.0).abs() < 40.0 - (fy - 300.0).max(0.0) * 0.4 && fy < 360.0;
        if hair {
            image::Rgb([40, 32, 30])
        } else if head || collar {
            image::Rgb([236, 200, 172])
        } else if body {
            image::Rgb([38, 52, 84])
        } else {
            image::Rgb([98, 160, 226])
        }
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88)
        .encode_image(&img)
        .unwrap();
    out
}

fn verdict_css() -> By {
    By::Css("[data-verdict]")
}

/// Waits for the verdict banner and returns its code and text.
async fn verdict(d: &WebDriver) -> (String, String) {
    let el = window::wait(d, verdict_css()).await;
    let code = el.attr("data-verdict").await.unwrap().unwrap_or_default();
    let text = el.prop("textContent").await.unwrap().unwrap_or_default();
    (code, text)
}

/// The colour the page says (data-colour: green, yellow, red).
async fn colour(d: &WebDriver) -> String {
    let el = window::wait(d, By::Css("[data-colour]")).await;
    el.attr("data-colour").await.unwrap().unwrap_or_default()
}

#[tokio::test]
#[ignore = "needs a display and WebKitWebDriver; scripts/test runs it under xvfb-run"]
async fn a_phone_sees_a_valid_card_rates_it_and_sees_a_forged_one_refused() {
    let s = scene::scene().await;
    let device = s
        .device(s.agency(1, "黄浦", Some("021-63001234")).await)
        .await;
    let photo = s.upload_photo(&device, &portrait()).await;
    let cert = s
        .approved(&device, "张小三", &certdesk_testkit::id_number(2), Some(&photo))
        .await;
    let ca = s.server().dev_ca.clone().unwrap();

    let _driver = WebKitDriver::start();
    let d = phone(&ca).await;
    let outcome = {
        let d = &d;
        let cert = &cert;
        let (s, device) = (&s, &device);
        futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(async move {
            d.goto(&cert.url).await.unwrap();
            let (code, text) = verdict(d).await;
            assert_eq!(code, "valid");
            assert!(text.contains("有效") && text.contains("Valid"), "{text}");
            let body = d.find(By::Tag("main")).await.unwrap().text().await.unwrap();
            assert!(body.contains("张*三"), "the masked name: {body}");
            assert!(!body.contains("张小三"), "never the full name");
            let loaded: bool = d
                .execute(
                    "const i = document.querySelector('.who img'); return !!i && i.complete && i.naturalWidth > 0;",
                    vec![],
                )
                .await
                .unwrap()
                .convert()
                .unwrap();
            assert!(loaded, "the photo loads from the platform");
            // Nothing of the health check or insurance synced yet: valid, but yellow, in words.
            assert_eq!(colour(d).await, "yellow");
            assert!(body.contains("黄 YELLOW") && body.contains("未登记体检"), "{body}");
            window::shot(d, "public-00-yellow").await;
            std::fs::copy(
                window::screenshots().join("public-00-yellow.png"),
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots/public-page-yellow.png"),
            )
            .unwrap();

            // The agency syncs an in-date health check and policy: green.
            let today = certdesk_testkit::shanghai_today();
            let worker_id = cert.worker_id.to_string();
            let record = |entity: SyncEntity, payload: serde_json::Value| OutboxEntry {
                seq: 0,
                id: uuid::Uuid::now_v7(),
                entity,
                entity_id: uuid::Uuid::now_v7(),
                op: SyncOp::Upsert,
                payload,
            };
            let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
            s.push(
                device,
                &[
                    record(SyncEntity::HealthCheck, serde_json::json!({"id": uuid::Uuid::now_v7().to_string(), "worker_id": worker_id,
                        "checked_on": day(-30), "institution": "上海市黄浦区中心医院", "category": "home", "result": "pass",
                        "valid_until": day(335)})),
                    record(SyncEntity::Insurance, serde_json::json!({"id": uuid::Uuid::now_v7().to_string(), "worker_id": worker_id,
                        "insurer": "中国平安", "policy_number": "PA-1", "kind": "accident", "valid_from": day(-60), "valid_until": day(300)})),
                ],
            )
            .await;
            d.refresh().await.unwrap();
            assert_eq!(colour(d).await, "green");
            let body = d.find(By::Tag("main")).await.unwrap().text().await.unwrap();
            assert!(body.contains("绿 GREEN") && body.contains(&format!("有效至 {}", day(335))), "{body}");
            window::shot(d, "public-01-valid").await;
            std::fs::copy(
                window::screenshots().join("public-01-valid.png"),
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots/public-page.png"),
            )
            .unwrap();

            // Confirm the visit with one tap (确认入户): a rating is taken only after it.
            let visit = d.find(By::Css("form[action$='/visit'] button")).await.unwrap();
            visit.scroll_into_view().await.unwrap();
            visit.click().await.unwrap();
            window::wait_text(d, verdict_css(), "已确认入户").await;
            window::shot(d, "public-02a-visit-confirmed").await;
            d.find(By::LinkText("返回查验结果 Back to the check")).await.unwrap().click().await.unwrap();
            assert_eq!(verdict(d).await.0, "valid");

            // Rate through the form as a citizen would: tap the fourth star, write, send.
            d.find(By::Css("label[for='s4']")).await.unwrap().click().await.unwrap();
            let comment = d.find(By::Id("comment")).await.unwrap();
            comment.scroll_into_view().await.unwrap();
            comment.send_keys("阿姨很准时，打扫得很仔细").await.unwrap();
            window::shot(d, "public-02-rating-form").await;
            d.find(By::Css("form[action$='/rating'] button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            window::wait_text(d, verdict_css(), "感谢您的评价").await;
            window::shot(d, "public-03-rated").await;

            // A forged card: one byte of the signature changed.
            let payload = cert.url.rsplit('/').next().unwrap();
            let mut bytes = URL_SAFE_NO_PAD.decode(payload).unwrap();
            bytes[50] ^= 0x20;
            let forged = format!(
                "{}{}",
                &cert.url[..cert.url.len() - payload.len()],
                URL_SAFE_NO_PAD.encode(&bytes)
            );
            d.goto(&forged).await.unwrap();
            let (code, text) = verdict(d).await;
            assert_eq!(code, "bad_signature");
            assert!(text.contains("非有效证件"), "{text}");
            assert_eq!(colour(d).await, "red", "a forged card is red");
            let body = d.find(By::Tag("main")).await.unwrap().text().await.unwrap();
            assert!(!body.contains("张*三") && !body.contains("家政服务有限公司"), "nothing of the holder: {body}");
            window::shot(d, "public-04-forged").await;
        }))
        .await
    };
    window::finish(d, outcome).await;

    let pulled = s.pull_all(&device).await;
    let rated = pulled.iter().any(|c| {
        matches!(c, ChangeBody::Rating { stars: 4, comment, .. } if comment == "阿姨很准时，打扫得很仔细")
    });
    assert!(rated, "the browser's rating reached the agency's pull");
    assert!(pulled.iter().any(|c| matches!(c, ChangeBody::Visit { .. })), "and the visit it confirmed, as a service record");
    s.stop().await;
}

/// The worker's electronic card on a phone: the slip's QR code opens the activation form with
/// the code filled in; the worker types the last four ID characters; the card page shows the
/// masked holder and a QR code that zbarimg decodes from the screenshot and that verifies
/// while fresh, is stale minutes later (the platform's clock moved), and is replaced by a
/// fresh one at the next refresh. With the platform gone the page shows its last state,
/// marked offline, without a code.
#[tokio::test]
#[ignore = "needs a display and WebKitWebDriver; scripts/test runs it under xvfb-run"]
async fn a_worker_activates_the_electronic_card_on_a_phone_whose_qr_verifies_only_while_fresh() {
    let mut s = scene::scene().await;
    let device = s.device(s.agency(1, "黄浦", Some("021-63001234")).await).await;
    let photo = s.upload_photo(&device, &portrait()).await;
    let id = certdesk_testkit::id_number(3);
    let cert = s.approved(&device, "李小梅", &id, Some(&photo)).await;
    let code = "K7Q2M9XD";
    let handed = s.hand_over(&device, &cert, 1, code).await;
    assert_eq!(handed, [certdesk_protocol::sync::EntryOutcome::Applied]);
    let ca = s.server().dev_ca.clone().unwrap();
    let trust: certdesk_protocol::TrustList =
        s.http.get(s.url("/api/v1/trust-list")).send().await.unwrap().json().await.unwrap();

    let _driver = WebKitDriver::start();
    let d = phone(&ca).await;
    let outcome = {
        let (d, s, id, trust) = (&d, &s, &id, &trust);
        futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(async move {
            d.goto(&certdesk_protocol::activation::activation_url(&s.base, code)).await.unwrap();
            let (v, _) = verdict(d).await;
            assert_eq!(v, "activation");
            let filled = d.find(By::Id("code")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
            assert_eq!(filled, code, "the slip's QR code fills the code in");
            window::shot(d, "ecard-00-activate").await;
            d.find(By::Id("id_last4")).await.unwrap().send_keys(&id[id.len() - 4..].to_lowercase()).await.unwrap();
            d.find(By::Css("form[action='/e'] button")).await.unwrap().click().await.unwrap();
            window::wait(d, By::Css("[data-ecard] #qr svg")).await;
            let (v, _) = verdict(d).await;
            assert_eq!(v, "valid");
            let body = d.find(By::Tag("main")).await.unwrap().text().await.unwrap();
            assert!(body.contains("李*梅") && !body.contains("李小梅") && !body.contains(id.as_str()), "{body}");
            let loaded: bool = d
                .execute("const i = document.querySelector('.who img'); return !!i && i.complete && i.naturalWidth > 0;", vec![])
                .await
                .unwrap()
                .convert()
                .unwrap();
            assert!(loaded, "the photo loads on the electronic card");
            window::shot(d, "ecard-01-card").await;
            std::fs::copy(
                window::screenshots().join("ecard-01-card.png"),
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots/electronic-card.png"),
            )
            .unwrap();

            // What a citizen's camera reads off the phone's screen.
            let shown = Command::new("zbarimg")
                .args(["--raw", "-q"])
                .arg(window::screenshots().join("ecard-01-card.png"))
                .output()
                .unwrap();
            let scanned = String::from_utf8_lossy(&shown.stdout).trim().to_owned();
            assert!(certdesk_protocol::credential::looks_electronic(&scanned), "an electronic code: {scanned:?}");
            let none = certdesk_protocol::RevocationList::default();
            let fresh = certdesk_protocol::verify_at(&scanned, trust, &none, s.clock.now());
            assert!(matches!(fresh.verdict, certdesk_protocol::Verdict::Valid(_)), "{:?}", fresh.verdict);
            // A screenshot of it, minutes later, proves nothing; the page's next code does.
            s.clock.advance(chrono::Duration::minutes(4));
            let stale = certdesk_protocol::verify_at(&scanned, trust, &none, s.clock.now());
            assert_eq!(stale.verdict.kind(), certdesk_protocol::VerdictKind::Stale);
            d.goto(&scanned).await.unwrap();
            assert_eq!(verdict(d).await.0, "stale");
            assert_eq!(colour(d).await, "red");
            window::shot(d, "ecard-02-screenshot-scanned-later").await;
            d.back().await.unwrap();
            window::wait(d, By::Css("[data-ecard] #qr svg")).await;
            let _ = d.execute("return window.certdeskEcardTick && window.certdeskEcardTick();", vec![]).await;
            let mut renewed = String::new();
            for _ in 0..50 {
                renewed = d
                    .execute("const q = document.getElementById('qr'); return q.getAttribute('data-url') || '';", vec![])
                    .await
                    .unwrap()
                    .convert()
                    .unwrap();
                if !renewed.is_empty() && renewed != scanned {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert_ne!(renewed, scanned, "the page brought a new code");
            let again = certdesk_protocol::verify_at(&renewed, trust, &none, s.clock.now());
            assert!(matches!(again.verdict, certdesk_protocol::Verdict::Valid(_)), "{:?}", again.verdict);
        }))
        .await
    };
    let outcome = match outcome {
        Ok(()) => {
            // Offline: the platform is gone; the next refresh shows the last state, marked.
            s.0.stop().await;
            let d2 = &d;
            futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(async move {
                let _ = d2.execute("return window.certdeskEcardTick && window.certdeskEcardTick();", vec![]).await;
                let text = window::wait_text(d2, By::Id("offline"), "离线").await;
                assert!(text.contains("Offline"), "{text}");
                let qr: String = d2.execute("return document.getElementById('qr').innerHTML;", vec![]).await.unwrap().convert().unwrap();
                assert!(qr.is_empty(), "no code offline: an old one proves nothing");
                assert_eq!(verdict(d2).await.0, "valid", "the last state it had");
                window::shot(d2, "ecard-03-offline").await;
            }))
            .await
        }
        failed => failed,
    };
    window::finish(d, outcome).await;
}
