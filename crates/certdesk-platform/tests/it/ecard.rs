//! The worker's electronic card (电子上门服务证) on the real platform over TLS: the agency's
//! activation at hand-over, the worker activating on a phone (codes typed loosely, wrong
//! digits counted and locked), the card page and its state, its code verifying while fresh and
//! refused once stale or altered, and a cancelled card saying so at once.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use certdesk_protocol::credential::{verify_at, Verdict, VerdictKind};
use certdesk_protocol::sync::EntryOutcome;
use certdesk_protocol::{RevocationList, TrustList};
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::scene::{scene, Approved, Scene};
use certdesk_testkit::id_number;

const NAME: &str = "张小三";
const CODE: &str = "K7Q2M9XD";

async fn handed_over() -> (Scene, certdesk_protocol::sync::EnrolResponse, Approved, String) {
    let s = scene().await;
    let device = s.device(s.agency(1, "黄浦", Some("021-63001234")).await).await;
    let id = id_number(2);
    let cert = s.approved(&device, NAME, &id, None).await;
    assert_eq!(s.hand_over(&device, &cert, 1, CODE).await, [EntryOutcome::Applied]);
    (s, device, cert, id)
}

async fn activate(s: &Scene, code: &str, last4: &str) -> (StatusCode, String, Option<String>) {
    let res = s.http.post(s.url("/e")).form(&[("code", code), ("id_last4", last4)]).send().await.unwrap();
    let status = res.status();
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_owned());
    (status, res.text().await.unwrap(), location)
}

fn verdict_of(html: &str) -> &str {
    let start = html.find("data-verdict=\"").expect("a verdict") + 14;
    &html[start..start + html[start..].find('"').unwrap()]
}

async fn state(s: &Scene, card: &str) -> Value {
    let res = s.http.get(s.url(&format!("{card}/state"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    res.json().await.unwrap()
}

async fn trust(s: &Scene) -> TrustList {
    s.http.get(s.url("/api/v1/trust-list")).send().await.unwrap().json().await.unwrap()
}

fn path_of(url: &str) -> String {
    let rest = url.strip_prefix("https://").unwrap();
    rest[rest.find('/').unwrap()..].to_owned()
}

#[tokio::test]
async fn a_worker_activates_the_card_whose_code_verifies_while_fresh_and_which_says_at_once_when_cancelled() {
    let (s, device, cert, id) = handed_over().await;
    let last4 = &id[id.len() - 4..];

    // The slip's QR code opens the form with the code filled in.
    let form = s.http.get(s.url(&format!("/e?code={CODE}"))).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    assert!(form.text().await.unwrap().contains(&format!("value=\"{CODE}\"")));

    // A code that does not exist; wrong digits (one try fewer); then right, typed loosely.
    let (status, html, _) = activate(&s, "ZZZZ-ZZZZ", last4).await;
    assert_eq!((status, verdict_of(&html)), (StatusCode::NOT_FOUND, "activation_unknown"));
    let wrong = if last4 == "0000" { "1111" } else { "0000" };
    let (status, html, _) = activate(&s, CODE, wrong).await;
    assert_eq!((status, verdict_of(&html)), (StatusCode::FORBIDDEN, "wrong_digits"));
    assert!(html.contains("还可以再试 4 次"), "{html}");
    let (status, _, location) = activate(&s, " k7q2-m9xd ", &last4.to_lowercase()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let card = location.expect("the card's page");
    assert!(card.starts_with("/e/") && card.len() == 3 + 43, "{card}");
    // The code works once.
    let (status, html, _) = activate(&s, CODE, last4).await;
    assert_eq!((status, verdict_of(&html)), (StatusCode::CONFLICT, "activation_used"));

    // The card page: masked, with its script, manifest and a policy that runs only its own.
    let res = s.http.get(s.url(&card)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"), "{csp}");
    let html = res.text().await.unwrap();
    assert_eq!(verdict_of(&html), "valid");
    assert!(html.contains("张*三") && !html.contains(NAME) && !html.contains(&id), "masked, never the ID");
    assert!(html.contains(&format!("{card}/manifest.webmanifest")) && html.contains("/e/app.js") && html.contains("<svg"));
    let manifest: Value = s.http.get(s.url(&format!("{card}/manifest.webmanifest"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(manifest["start_url"], card.as_str());
    assert_eq!(manifest["display"], "standalone");
    for asset in ["/e/app.js", "/e/sw.js", "/e/icon.svg"] {
        assert_eq!(s.http.get(s.url(asset)).send().await.unwrap().status(), StatusCode::OK, "{asset}");
    }

    // Its code: valid now by the rule every verifier uses, and on the public page.
    let st = state(&s, &card).await;
    assert_eq!((st["verdict"].as_str(), st["colour"].as_str()), (Some("valid"), Some("yellow")));
    let url = st["qr_url"].as_str().unwrap().to_owned();
    assert!(st["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let trust = trust(&s).await;
    let checked = verify_at(&url, &trust, &RevocationList::default(), s.clock.now());
    assert!(matches!(checked.verdict, Verdict::Valid(c) if c.certificate_code.to_string() == cert.code));
    let page = s.http.get(s.url(&path_of(&url))).send().await.unwrap().text().await.unwrap();
    assert_eq!(verdict_of(&page), "valid");
    assert!(page.contains("data-electronic-age="), "the page says how fresh the code is");

    // Altered time: not genuine. Three minutes and more later: stale, red, nothing to rate.
    let payload = url.rsplit('/').next().unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(payload).unwrap();
    bytes[18] ^= 1;
    let altered = format!("/c/{}", URL_SAFE_NO_PAD.encode(&bytes));
    let page = s.http.get(s.url(&altered)).send().await.unwrap().text().await.unwrap();
    assert_eq!(verdict_of(&page), "bad_signature");
    s.clock.advance(Duration::seconds(181));
    let page = s.http.get(s.url(&path_of(&url))).send().await.unwrap().text().await.unwrap();
    assert_eq!(verdict_of(&page), VerdictKind::Stale.code());
    assert!(page.contains("data-colour=\"red\"") && !page.contains("name=\"token\""), "{page}");
    // The page's next refresh brings a new code that verifies again.
    let fresh = state(&s, &card).await["qr_url"].as_str().unwrap().to_owned();
    assert_ne!(fresh, url);
    assert!(matches!(verify_at(&fresh, &trust, &RevocationList::default(), s.clock.now()).verdict, Verdict::Valid(_)));

    // The agency cancels the certificate: the card says so at once and shows no code.
    s.cancel(&device, cert.worker_id).await;
    let st = state(&s, &card).await;
    assert_eq!((st["verdict"].as_str(), st["colour"].as_str()), (Some("revoked"), Some("red")));
    assert!(st["qr_url"].is_null() && st["qr_svg"].is_null());
    let html = s.http.get(s.url(&card)).send().await.unwrap().text().await.unwrap();
    assert_eq!(verdict_of(&html), "revoked");
    assert!(!html.contains("<svg"), "no code for a cancelled card");
    assert_eq!(s.http.get(s.url(&format!("{card}/photo"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // A secret nobody was given.
    let res = s.http.get(s.url(&format!("/e/{}", "A".repeat(43)))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    s.stop().await;
}

#[tokio::test]
async fn wrong_digits_lock_the_code_and_a_replaced_card_cannot_be_activated() {
    let (s, device, cert, id) = handed_over().await;
    let last4 = &id[id.len() - 4..];
    let wrong = if last4 == "0000" { "1111" } else { "0000" };
    for left in (1..=4).rev() {
        let (status, html, _) = activate(&s, CODE, wrong).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(html.contains(&format!("还可以再试 {left} 次")), "{html}");
    }
    let (status, html, _) = activate(&s, CODE, wrong).await;
    assert_eq!((status, verdict_of(&html)), (StatusCode::LOCKED, "activation_locked"));
    // Locked even with the right digits now.
    let (status, _, location) = activate(&s, CODE, last4).await;
    assert_eq!((status, location), (StatusCode::LOCKED, None));

    // A new card (lost card): the old card's code no longer activates; the new one's does.
    let other = "M4N5P6Q7";
    assert_eq!(s.hand_over(&device, &cert, 1, other).await, [EntryOutcome::Applied]);
    let new = s.reissue(&device, NAME, &id, None, cert.worker_id).await;
    let (status, html, _) = activate(&s, other, last4).await;
    assert_eq!((status, verdict_of(&html)), (StatusCode::CONFLICT, "activation_not_current"));
    let refused = s.hand_over(&device, &new, 1, "R8S9T2U3").await;
    assert!(matches!(&refused[..], [EntryOutcome::Rejected { code, .. }] if code == "activation_not_current"), "{refused:?}");
    assert_eq!(s.hand_over(&device, &new, 2, "R8S9T2U3").await, [EntryOutcome::Applied]);
    let (status, _, location) = activate(&s, "r8s9 t2u3", last4).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the new card's code");
    assert!(location.is_some());

    // Another agency cannot attach a code to this worker; a malformed hash is refused.
    let stranger = s.device(s.agency(2, "徐汇", None).await).await;
    let refused = s.hand_over(&stranger, &new, 2, "V2W3X4Y5").await;
    assert!(matches!(&refused[..], [EntryOutcome::Conflict { code, .. }] if code == "record_id_taken"), "{refused:?}");
    let bad = s
        .push(&device, &[crate::support::scene::entry(7, cert.worker_id, "activate", serde_json::json!({
            "certificate_code": new.code, "card_version": 2, "code_sha256": "not a hash"}))])
        .await;
    assert!(matches!(&bad[..], [EntryOutcome::Rejected { code, .. }] if code == "activation_unreadable"), "{bad:?}");
    s.stop().await;
}
