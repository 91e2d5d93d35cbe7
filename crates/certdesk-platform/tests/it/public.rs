//! The public verification page and its rating and complaint forms, on the real platform over
//! TLS: every verdict a scanned card can get, what each shows (and never shows), and the
//! refusals and limits that keep ratings honest.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use certdesk_domain::certificate_code::CertificateCode;
use certdesk_protocol::credential::{sign_payload, CredentialClaims};
use certdesk_protocol::sync::{ChangeBody, EnrolResponse};
use chrono::Duration;
use reqwest::StatusCode;
use crate::support::scene::{scene, Approved, Scene};
use certdesk_testkit::id_number;

const NAME: &str = "张小三";
const AGENCY_PHONE: &str = "021-63001234";
const JPEG: &[u8] = b"\xff\xd8\xff\xe0 a photo's bytes \xff\xd9";

/// A platform with one agency and one approved worker with a photo.
struct Card {
    s: Scene,
    device: EnrolResponse,
    id: String,
    photo: String,
    cert: Approved,
}

async fn card() -> Card {
    let s = scene().await;
    let device = s
        .device(s.agency(1, "黄浦", Some(AGENCY_PHONE)).await)
        .await;
    let photo = s.upload_photo(&device, JPEG).await;
    let id = id_number(2);
    let cert = s.approved(&device, NAME, &id, Some(&photo)).await;
    Card {
        s,
        device,
        id,
        photo,
        cert,
    }
}

/// A fetched page.
struct Page {
    status: StatusCode,
    cookie: Option<String>,
    cache: String,
    html: String,
}

impl Page {
    fn verdict(&self) -> &str {
        let start = self
            .html
            .find("data-verdict=\"")
            .expect("every page has a verdict")
            + 14;
        let end = self.html[start..].find('"').unwrap();
        &self.html[start..start + end]
    }

    fn token(&self) -> String {
        let start = self.html.find("name=\"token\" value=\"").expect("a token") + 20;
        let end = self.html[start..].find('"').unwrap();
        self.html[start..start + end].to_owned()
    }
}

async fn get(s: &Scene, path_or_url: &str, cookie: Option<&str>) -> Page {
    let url = if path_or_url.starts_with("https://") {
        path_or_url.to_owned()
    } else {
        s.url(path_or_url)
    };
    let mut req = s.http.get(url);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let cookie = res
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
    let cache = res
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    Page {
        status,
        cookie,
        cache,
        html: res.text().await.unwrap(),
    }
}

/// The path of a credential URL (the dev server's host is the same).
fn path_of(url: &str) -> String {
    let rest = url.strip_prefix("https://").unwrap();
    rest[rest.find('/').unwrap()..].to_owned()
}

fn payload_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

/// Asserts that nothing personal of the test worker is on a page.
fn assert_nothing_personal(c: &Card, html: &str, why: &str) {
    for secret in [
        c.id.as_str(),
        &c.id[c.id.len() - 4..],
        "13812345678",
        "13912345678",
        NAME,
        "张*三",
        "上海市黄浦区某路1号",
        "王五",
        "/photo",
    ] {
        assert!(!html.contains(secret), "{why}: the page shows {secret:?}");
    }
}

/// Posts a form with the page's cookie.
async fn post_form(s: &Scene, url: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Page {
    let mut req = s.http.post(s.url(url)).form(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = req.send().await.unwrap();
    Page {
        status: res.status(),
        cookie: None,
        cache: String::new(),
        html: res.text().await.unwrap(),
    }
}

/// Opens the page as a phone would (keeping the device cookie) and rates.
async fn rate(
    c: &Card,
    cookie: Option<&str>,
    stars: &str,
    comment: &str,
) -> (Page, Option<String>) {
    let page = get(&c.s, &c.cert.url, cookie).await;
    assert_eq!(page.verdict(), "valid");
    let cookie = cookie.map(str::to_owned).or(page.cookie.clone());
    let token = page.token();
    // A rating is taken after a visit confirmed from the same phone (one a day is enough; a
    // second the same day is refused and changes nothing).
    let visit = format!("{}/visit", path_of(&c.cert.url));
    post_form(&c.s, &visit, cookie.as_deref(), &[("token", &token)]).await;
    let path = format!("{}/rating", path_of(&c.cert.url));
    let got = post_form(
        &c.s,
        &path,
        cookie.as_deref(),
        &[("token", &token), ("stars", stars), ("comment", comment)],
    )
    .await;
    (got, cookie)
}

fn ratings(changes: &[ChangeBody]) -> Vec<(u8, String)> {
    changes
        .iter()
        .filter_map(|c| match c {
            ChangeBody::Rating { stars, comment, .. } => Some((*stars, comment.clone())),
            _ => None,
        })
        .collect()
}

mod verdicts {
    use super::*;

    #[tokio::test]
    async fn a_valid_card_shows_the_holder_masked_and_never_the_id_number_or_phones() {
        let c = card().await;
        let page = get(&c.s, &c.cert.url, None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.verdict(), "valid");
        let html = &page.html;
        for shown in [
            "有效",
            "张*三",
            "女 Female",
            "保洁",
            "养老护理",
            c.cert.code.as_str(),
            "第1家政服务有限公司",
            AGENCY_PHONE,
            "已完成岗前培训与考核",
            "评价服务",
            "投诉",
        ] {
            assert!(html.contains(shown), "a valid page shows {shown:?}");
        }
        for secret in [
            c.id.as_str(),
            "13812345678",
            "13912345678",
            NAME,
            "上海市黄浦区某路1号",
        ] {
            assert!(
                !html.contains(secret),
                "a public page never shows {secret:?}"
            );
        }
        assert!(
            html.len() < 30 * 1024,
            "one small page: {} bytes",
            html.len()
        );
        assert!(!html.contains("<script"), "no script");
        assert!(
            !html.contains("http://") && !html.contains("src=\"https://"),
            "no external resource"
        );
        assert_eq!(
            page.cache, "no-store",
            "a page with a token is never cached"
        );
        assert!(page.cookie.as_deref().unwrap().starts_with("cdv="));

        let photo =
            c.s.http
                .get(format!("{}/photo", c.cert.url))
                .send()
                .await
                .unwrap();
        assert_eq!(photo.status(), StatusCode::OK);
        assert_eq!(photo.headers()["content-type"], "image/jpeg");
        assert_eq!(photo.bytes().await.unwrap().as_ref(), JPEG);
        assert_eq!(c.photo.len(), 64);
        c.s.stop().await;
    }

    #[tokio::test]
    async fn an_old_card_after_a_reissue_is_replaced_and_the_new_one_valid() {
        let c = card().await;
        let new =
            c.s.reissue(&c.device, NAME, &c.id, Some(&c.photo), c.cert.worker_id)
                .await;
        let old = get(&c.s, &c.cert.url, None).await;
        assert_eq!(old.verdict(), "replaced");
        assert!(old.html.contains("已换发新卡"));
        assert!(
            old.html.contains(AGENCY_PHONE),
            "the citizen can call the agency"
        );
        assert_nothing_personal(&c, &old.html, "a replaced card");
        let photo =
            c.s.http
                .get(format!("{}/photo", c.cert.url))
                .send()
                .await
                .unwrap();
        assert_eq!(
            photo.status(),
            StatusCode::NOT_FOUND,
            "no photo for an old card"
        );
        assert_eq!(get(&c.s, &new.url, None).await.verdict(), "valid");
        c.s.stop().await;
    }

    #[tokio::test]
    async fn a_cancelled_certificate_is_revoked_and_cannot_be_rated() {
        let c = card().await;
        let before = get(&c.s, &c.cert.url, None).await;
        let cookie = before.cookie.clone();
        c.s.cancel(&c.device, c.cert.worker_id).await;
        let page = get(&c.s, &c.cert.url, None).await;
        assert_eq!(page.verdict(), "revoked");
        assert!(page.html.contains("已注销"));
        assert!(
            page.html.contains("不能评价"),
            "the page says it cannot be rated"
        );
        assert_nothing_personal(&c, &page.html, "a revoked card");

        let got = post_form(
            &c.s,
            &format!("{}/rating", path_of(&c.cert.url)),
            cookie.as_deref(),
            &[("token", &before.token()), ("stars", "1"), ("comment", "")],
        )
        .await;
        assert_eq!(
            got.status,
            StatusCode::CONFLICT,
            "a token from before the cancellation"
        );
        assert!(got.html.contains("此证不能评价"));
        assert!(ratings(&c.s.pull_all(&c.device).await).is_empty());
        c.s.stop().await;
    }

    #[tokio::test]
    async fn a_card_past_its_validity_is_expired() {
        let c = card().await;
        c.s.clock.advance(Duration::days(1200));
        let page = get(&c.s, &c.cert.url, None).await;
        assert_eq!(page.verdict(), "expired");
        assert!(page.html.contains("已过期"));
        assert_nothing_personal(&c, &page.html, "an expired card");
        c.s.stop().await;
    }

    /// A leaked signing key could sign any code: a correctly signed credential for a
    /// certificate the platform never issued is "unknown, ask the platform", red, never valid.
    #[tokio::test]
    async fn a_correctly_signed_certificate_the_platform_never_issued_is_unknown_and_red() {
        let c = card().await;
        // The leak: the database and its key file (the stored secret alone is sealed).
        let secret: Vec<u8> =
            c.s.query_bytes("SELECT secret FROM signing_keys WHERE key_id = 1");
        assert_ne!(secret.len(), 32, "the database holds the key sealed, not plain");
        let vault = certdesk_platform::keys::KeyVault::load_or_create(&c.s.dir().join(certdesk_platform::keys::KeyVault::FILE)).unwrap();
        let key = ed25519_dalek::SigningKey::from_bytes(&vault.open(1, &secret).expect("the key file opens it"));
        let never_issued = CredentialClaims {
            key_id: 1,
            certificate_code: CertificateCode::new(1, 2026, 9999).unwrap(),
            card_version: 1,
            valid_from: certdesk_testkit::shanghai_today(),
            valid_until: certdesk_testkit::shanghai_today() + Duration::days(30),
        };
        let payload = sign_payload(&never_issued, &key).unwrap();
        let page = get(&c.s, &format!("/c/{payload}"), None).await;
        assert_eq!(page.verdict(), "unknown_certificate");
        assert!(page.html.contains("无法确认") && page.html.contains("红 RED"), "{}", page.html);
        assert!(!page.html.contains("评价服务") && page.cookie.is_none(), "nothing to rate");
        assert_nothing_personal(&c, &page.html, "unknown certificate");
        c.s.stop().await;
    }

    #[tokio::test]
    async fn forged_foreign_truncated_and_garbage_payloads_show_nothing_personal() {
        let c = card().await;
        let payload = payload_of(&c.cert.url);
        let mut bytes = URL_SAFE_NO_PAD.decode(payload).unwrap();
        bytes[40] ^= 0x01;
        let forged = URL_SAFE_NO_PAD.encode(&bytes);

        // The same claims, signed by a key the platform never had: with the real key id it is
        // a bad signature, with an id not in the trust list an unknown key.
        let stranger = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let claims = |key_id| CredentialClaims {
            key_id,
            certificate_code: CertificateCode::parse(&c.cert.code).unwrap(),
            card_version: 1,
            valid_from: certdesk_testkit::shanghai_today(),
            valid_until: certdesk_testkit::shanghai_today() + Duration::days(30),
        };
        let resigned = sign_payload(&claims(1), &stranger).unwrap();
        let unknown = sign_payload(&claims(77), &stranger).unwrap();

        let huge = "A".repeat(8000);
        let cases = [
            (forged.as_str(), "bad_signature", StatusCode::OK),
            (resigned.as_str(), "bad_signature", StatusCode::OK),
            (unknown.as_str(), "unknown_key", StatusCode::OK),
            (&payload[..100], "not_a_certificate", StatusCode::NOT_FOUND),
            (huge.as_str(), "not_a_certificate", StatusCode::NOT_FOUND),
            (
                "%00%FF%FE%C0%AF%0A%3Cscript%3E",
                "not_a_certificate",
                StatusCode::NOT_FOUND,
            ),
            (
                "..%2F..%2Fetc%2Fpasswd",
                "not_a_certificate",
                StatusCode::NOT_FOUND,
            ),
        ];
        for (p, verdict, status) in cases {
            let page = get(&c.s, &format!("/c/{p}"), None).await;
            assert_eq!(page.status, status, "{verdict}: {}", &p[..p.len().min(40)]);
            assert_eq!(page.verdict(), verdict, "{}", &p[..p.len().min(40)]);
            assert!(page.html.contains("非有效证件"));
            assert_nothing_personal(&c, &page.html, verdict);
            assert!(
                !page.html.contains(&c.cert.code),
                "{verdict}: not even the code"
            );
            assert!(!page.html.contains("第1家政"), "{verdict}: nor the agency");
            assert!(
                !page.html.contains("<script>"),
                "nothing from the URL is echoed"
            );
            assert!(
                page.cookie.is_none(),
                "no cookie for a card that cannot be rated"
            );
            let photo =
                c.s.http
                    .get(c.s.url(&format!("/c/{p}/photo")))
                    .send()
                    .await
                    .unwrap();
            assert_eq!(photo.status(), StatusCode::NOT_FOUND);
        }
        c.s.stop().await;
    }
}

mod photo {
    use super::*;

    #[tokio::test]
    async fn a_photo_not_yet_uploaded_is_not_announced_and_another_agencys_is_never_served() {
        let s = scene().await;
        let first = s.device(s.agency(1, "黄浦", None).await).await;
        let second = s.device(s.agency(2, "静安", None).await).await;
        // The second agency holds these bytes; the first only names them.
        let sha = s.upload_photo(&second, JPEG).await;
        let cert = s.approved(&first, NAME, &id_number(3), Some(&sha)).await;
        let page = get(&s, &cert.url, None).await;
        assert_eq!(page.verdict(), "valid");
        assert!(
            page.html.contains("暂无照片"),
            "no photo until the agency uploads it"
        );
        assert!(!page.html.contains("/photo"));
        let res = s
            .http
            .get(format!("{}/photo", cert.url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "another agency's blob");

        s.upload_photo(&first, JPEG).await;
        let page = get(&s, &cert.url, None).await;
        assert!(page.html.contains("/photo"), "uploaded, the photo shows");
        let res = s
            .http
            .get(format!("{}/photo", cert.url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        s.stop().await;
    }

    /// The attack of issue 11: after approval the agency swaps the photo, the name and the
    /// service types and syncs again. The public page keeps showing the face, name and services
    /// the operator approved; the photo route serves the approved bytes.
    #[tokio::test]
    async fn a_photo_swapped_after_approval_never_reaches_the_public_page() {
        let c = card().await;
        let approved_page = get(&c.s, &c.cert.url, None).await;
        assert!(approved_page.html.contains("张*三") && approved_page.html.contains("养老护理"));

        let other_face = b"\xff\xd8\xff\xe0 somebody else's face \xff\xd9";
        let swapped = c.s.upload_photo(&c.device, other_face).await;
        let mut record = crate::support::scene::worker("李四", &c.id, Some(&swapped));
        record["service_types"] = serde_json::json!(["cleaning"]);
        let got = c.s.push(&c.device, &[crate::support::scene::entry(9, c.cert.worker_id, "upsert", record)]).await;
        assert_eq!(got, [certdesk_protocol::sync::EntryOutcome::Applied], "the agency's own record changes");

        let page = get(&c.s, &c.cert.url, None).await;
        assert_eq!(page.verdict(), "valid");
        assert!(page.html.contains("张*三") && !page.html.contains("李*"), "the approved name, masked");
        assert!(page.html.contains("养老护理"), "the approved service types");
        let res = c.s.http.get(format!("{}/photo", c.cert.url)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.bytes().await.unwrap().as_ref(), JPEG, "the approved face, not the swapped one");
        c.s.stop().await;
    }
}

mod feedback {
    use super::*;

    #[tokio::test]
    async fn a_rating_with_the_pages_token_reaches_the_agency_and_no_other() {
        let c = card().await;
        let other = c.s.device(c.s.agency(2, "静安", None).await).await;
        let (got, _) = rate(&c, None, "4", "准时，干活仔细 <b>").await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.html);
        assert!(got.html.contains("感谢您的评价"));
        let mine = c.s.pull_all(&c.device).await;
        assert_eq!(ratings(&mine), [(4, "准时，干活仔细 <b>".to_owned())]);
        assert!(mine.iter().any(|b| matches!(b,
            ChangeBody::Rating { worker_id, certificate_code, .. }
                if *worker_id == c.cert.worker_id && *certificate_code == c.cert.code)));
        assert!(
            ratings(&c.s.pull_all(&other).await).is_empty(),
            "another agency never sees the rating"
        );
        c.s.stop().await;
    }

    #[tokio::test]
    async fn a_complaint_reaches_the_agency() {
        let c = card().await;
        let page = get(&c.s, &c.cert.url, None).await;
        let got = post_form(
            &c.s,
            &format!("{}/complaint", path_of(&c.cert.url)),
            page.cookie.as_deref(),
            &[
                ("token", &page.token()),
                ("text", "迟到两小时"),
                ("contact", "139 0000 0000"),
            ],
        )
        .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.html);
        assert!(got.html.contains("投诉已提交"));
        let complaints: Vec<_> =
            c.s.pull_all(&c.device)
                .await
                .into_iter()
                .filter_map(|b| match b {
                    ChangeBody::Complaint {
                        text,
                        contact,
                        worker_id,
                        ..
                    } => Some((text, contact, worker_id)),
                    _ => None,
                })
                .collect();
        assert_eq!(
            complaints,
            [(
                "迟到两小时".to_owned(),
                "139 0000 0000".to_owned(),
                c.cert.worker_id
            )]
        );
        c.s.stop().await;
    }

    #[tokio::test]
    async fn a_rating_without_a_genuine_fresh_unused_token_is_refused() {
        let c = card().await;
        let path = format!("{}/rating", path_of(&c.cert.url));
        let page = get(&c.s, &c.cert.url, None).await;
        let cookie = page.cookie.clone();
        let token = page.token();

        let none = post_form(&c.s, &path, cookie.as_deref(), &[("stars", "5")]).await;
        assert_eq!(none.status, StatusCode::FORBIDDEN, "no token");
        let forged = post_form(
            &c.s,
            &path,
            cookie.as_deref(),
            &[("token", "AAAA"), ("stars", "5")],
        )
        .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "a made-up token");
        let other_phone = post_form(
            &c.s,
            &path,
            Some("cdv=AAAAAAAAAAAAAAAAAAAAAA"),
            &[("token", &token), ("stars", "5")],
        )
        .await;
        assert_eq!(
            other_phone.status,
            StatusCode::FORBIDDEN,
            "a token lifted to another phone"
        );
        let no_stars = post_form(
            &c.s,
            &path,
            cookie.as_deref(),
            &[("token", &token), ("stars", "9")],
        )
        .await;
        assert_eq!(no_stars.status, StatusCode::BAD_REQUEST);
        let long = "好".repeat(501);
        let too_long = post_form(
            &c.s,
            &path,
            cookie.as_deref(),
            &[("token", &token), ("stars", "5"), ("comment", &long)],
        )
        .await;
        assert_eq!(too_long.status, StatusCode::BAD_REQUEST);

        // A genuine token, but no visit confirmed from this phone yet: refused, nothing stored.
        let unvisited = post_form(&c.s, &path, cookie.as_deref(), &[("token", &token), ("stars", "5")]).await;
        assert_eq!((unvisited.status, unvisited.verdict()), (StatusCode::CONFLICT, "visit_first"));
        assert!(unvisited.html.contains("请先确认入户"), "{}", unvisited.html);
        let visit = format!("{}/visit", path_of(&c.cert.url));
        let visited = post_form(&c.s, &visit, cookie.as_deref(), &[("token", &token)]).await;
        assert_eq!((visited.status, visited.verdict()), (StatusCode::OK, "visit_confirmed"));
        let twice = post_form(&c.s, &visit, cookie.as_deref(), &[("token", &token)]).await;
        assert_eq!(twice.status, StatusCode::CONFLICT, "a token confirms one visit");

        let first = post_form(
            &c.s,
            &path,
            cookie.as_deref(),
            &[("token", &token), ("stars", "5")],
        )
        .await;
        assert_eq!(first.status, StatusCode::OK);
        let again = post_form(
            &c.s,
            &path,
            cookie.as_deref(),
            &[("token", &token), ("stars", "1")],
        )
        .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "a token is used once");
        assert!(again.html.contains("已经提交过"));

        let later = get(&c.s, &c.cert.url, cookie.as_deref()).await;
        c.s.clock.advance(Duration::minutes(31));
        let stale = post_form(
            &c.s,
            &path,
            cookie.as_deref(),
            &[("token", &later.token()), ("stars", "2")],
        )
        .await;
        assert_eq!(
            stale.status,
            StatusCode::FORBIDDEN,
            "a token older than 30 minutes"
        );
        assert!(stale.html.contains("重新扫码"));
        let pulled = c.s.pull_all(&c.device).await;
        assert_eq!(ratings(&pulled), [(5, String::new())]);
        let visits: Vec<&ChangeBody> = pulled.iter().filter(|b| matches!(b, ChangeBody::Visit { .. })).collect();
        assert!(
            matches!(visits[..], [ChangeBody::Visit { worker_id, certificate_code, .. }] if *worker_id == c.cert.worker_id && *certificate_code == c.cert.code),
            "the confirmed visit reaches the agency as a service record: {visits:?}"
        );
        c.s.stop().await;
    }

    #[tokio::test]
    async fn a_flood_of_ratings_gets_429_and_changes_nothing() {
        let c = card().await;
        let (first, cookie) = rate(&c, None, "5", "好").await;
        assert_eq!(first.status, StatusCode::OK);
        let (second, _) = rate(&c, cookie.as_deref(), "1", "差").await;
        assert_eq!(
            second.status,
            StatusCode::TOO_MANY_REQUESTS,
            "one rating per phone a day"
        );
        assert!(second.html.contains("提交过于频繁") && second.html.contains("Too many"));

        // New cookies from the same address: a few phones share a NAT, then the address is
        // limited too.
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(rate(&c, None, "1", "刷").await.0.status);
        }
        assert_eq!(
            statuses,
            [
                StatusCode::OK,
                StatusCode::OK,
                StatusCode::OK,
                StatusCode::OK,
                StatusCode::TOO_MANY_REQUESTS,
                StatusCode::TOO_MANY_REQUESTS
            ],
            "five ratings per network and certificate a day"
        );
        assert_eq!(
            ratings(&c.s.pull_all(&c.device).await).len(),
            5,
            "refused ratings stored nothing"
        );
        c.s.stop().await;
    }
}

/// An attacker who controls a value the public page shows (an agency's name) or sends (a
/// complaint, a token) must get no markup into the page and no forged token accepted.
mod attacks {
    use super::*;

    const HOSTILE: &str = "<script>alert('x')</script>\"家政";
    const SHOWN: &str = "&lt;script&gt;alert('x')&lt;/script&gt;&quot;家政";

    fn assert_inert(html: &str, why: &str) {
        assert!(!html.contains("<script"), "{why}: markup got into the page");
        assert!(
            !html.contains("\"家政"),
            "{why}: a raw double quote from data"
        );
    }

    #[tokio::test]
    async fn an_agency_name_with_markup_shows_as_text_on_the_valid_and_the_cancelled_page() {
        let s = scene().await;
        let res = s
            .operator(reqwest::Method::POST, "/api/v1/operator/agencies")
            .json(&serde_json::json!({"name": HOSTILE, "credit_code": certdesk_testkit::credit_code(9),
                                       "district": "黄浦区", "phone": "021-63001234"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let agency = res
            .json::<certdesk_protocol::operator::AgencyCreated>()
            .await
            .unwrap()
            .agency_id;
        let device = s.device(agency).await;
        let cert = s.approved(&device, NAME, &id_number(2), None).await;
        let valid = get(&s, &cert.url, None).await;
        assert_eq!(valid.verdict(), "valid");
        assert_inert(&valid.html, "valid card");
        assert!(
            valid.html.contains(&format!("<dd>{SHOWN}</dd>")),
            "{}",
            valid.html
        );
        s.cancel(&device, cert.worker_id).await;
        let cancelled = get(&s, &cert.url, None).await;
        assert_eq!(cancelled.verdict(), "revoked");
        assert_inert(&cancelled.html, "cancelled card");
        assert!(
            cancelled.html.contains(&format!("<dd>{SHOWN}</dd>")),
            "{}",
            cancelled.html
        );
        s.stop().await;
    }

    #[tokio::test]
    async fn a_complaint_with_markup_is_taken_as_text_and_echoed_nowhere() {
        let c = card().await;
        let page = get(&c.s, &c.cert.url, None).await;
        let got = post_form(
            &c.s,
            &format!("{}/complaint", path_of(&c.cert.url)),
            page.cookie.as_deref(),
            &[
                ("token", &page.token()),
                ("text", HOSTILE),
                ("contact", HOSTILE),
            ],
        )
        .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.html);
        assert_inert(&got.html, "the thank-you page");
        let texts: Vec<_> =
            c.s.pull_all(&c.device)
                .await
                .into_iter()
                .filter_map(|b| match b {
                    ChangeBody::Complaint { text, .. } => Some(text),
                    _ => None,
                })
                .collect();
        assert_eq!(
            texts,
            [HOSTILE.to_owned()],
            "stored as typed; the desk shows it as text"
        );
        let page = get(&c.s, &c.cert.url, page.cookie.as_deref()).await;
        assert_inert(&page.html, "the card's page after the complaint");
        c.s.stop().await;
    }

    #[tokio::test]
    async fn an_altered_or_forged_token_is_refused_and_nothing_is_stored() {
        let c = card().await;
        let page = get(&c.s, &c.cert.url, None).await;
        let token = page.token();
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        let mut altered = Vec::new();
        for at in [0, 7, 8, 19, 20, bytes.len() - 1] {
            bytes[at] ^= 1;
            altered.push(URL_SAFE_NO_PAD.encode(&bytes));
            bytes[at] ^= 1;
        }
        // The right shape, a tag of zeros: what someone without the key can make.
        let mut forged = bytes.clone();
        let tag_at = forged.len() - 16;
        forged[tag_at..].fill(0);
        altered.push(URL_SAFE_NO_PAD.encode(&forged));
        for t in &altered {
            for (kind, fields) in [
                ("visit", vec![("token", t.as_str())]),
                ("rating", vec![("token", t.as_str()), ("stars", "1")]),
                ("complaint", vec![("token", t.as_str()), ("text", "假投诉")]),
            ] {
                let got = post_form(
                    &c.s,
                    &format!("{}/{kind}", path_of(&c.cert.url)),
                    page.cookie.as_deref(),
                    &fields,
                )
                .await;
                assert_eq!(got.status, StatusCode::FORBIDDEN, "{kind} with {t}");
                assert_eq!(got.verdict(), "token_refused");
            }
        }
        let stored =
            c.s.pull_all(&c.device)
                .await
                .into_iter()
                .any(|b| matches!(b, ChangeBody::Rating { .. } | ChangeBody::Complaint { .. } | ChangeBody::Visit { .. }));
        assert!(!stored, "no altered token stored anything");
        let visit = post_form(&c.s, &format!("{}/visit", path_of(&c.cert.url)), page.cookie.as_deref(), &[("token", &token)]).await;
        assert_eq!((visit.status, visit.verdict()), (StatusCode::OK, "visit_confirmed"), "the genuine token confirms the visit");
        let real = post_form(
            &c.s,
            &format!("{}/rating", path_of(&c.cert.url)),
            page.cookie.as_deref(),
            &[("token", &token), ("stars", "5")],
        )
        .await;
        assert_eq!(
            real.status,
            StatusCode::OK,
            "the genuine token still works: {}",
            real.html
        );
        c.s.stop().await;
    }
}

/// The colour of a scanned card (issue 13): green only when the card is valid and the
/// health check and insurance the agency synced are in date today; yellow, saying which and
/// since when, when they are not; red for every verdict that is not valid. Said in words too.
mod colours {
    use super::*;
    use certdesk_protocol::sync::{OutboxEntry, SyncEntity, SyncOp};
    use serde_json::json;
    use uuid::Uuid;

    fn colour(page: &Page) -> &str {
        let start = page.html.find("data-colour=\"").expect("a certificate page says its colour") + 13;
        let end = page.html[start..].find('"').unwrap();
        &page.html[start..start + end]
    }

    fn day(offset: i64) -> String {
        (certdesk_testkit::shanghai_today() + Duration::days(offset)).to_string()
    }

    async fn sync_record(c: &Card, entity: SyncEntity, payload: serde_json::Value) {
        let entry = OutboxEntry { seq: 0, id: Uuid::now_v7(), entity, entity_id: Uuid::now_v7(), op: SyncOp::Upsert, payload };
        assert_eq!(c.s.push(&c.device, &[entry]).await, [certdesk_protocol::sync::EntryOutcome::Applied]);
    }

    fn health(c: &Card, checked: i64, result: &str, until: i64) -> serde_json::Value {
        json!({"id": Uuid::now_v7().to_string(), "worker_id": c.cert.worker_id.to_string(), "checked_on": day(checked),
               "institution": "上海市黄浦区中心医院", "category": "home", "result": result, "valid_until": day(until),
               "report_sha256": null})
    }

    #[tokio::test]
    async fn green_yellow_and_red_follow_the_synced_health_check_and_insurance() {
        let c = card().await;
        let page = get(&c.s, &c.cert.url, None).await;
        assert_eq!((page.verdict(), colour(&page)), ("valid", "yellow"), "valid, but nothing of health or insurance synced");
        for said in ["黄 YELLOW", "未登记体检", "No health check recorded", "未登记保险"] {
            assert!(page.html.contains(said), "the page says {said:?}");
        }

        sync_record(&c, SyncEntity::HealthCheck, health(&c, -30, "pass", 335)).await;
        sync_record(
            &c,
            SyncEntity::Insurance,
            json!({"id": Uuid::now_v7().to_string(), "worker_id": c.cert.worker_id.to_string(), "insurer": "中国平安",
                   "policy_number": "PA-1", "kind": "accident", "valid_from": day(-60), "valid_until": day(300)}),
        )
        .await;
        let page = get(&c.s, &c.cert.url, None).await;
        assert_eq!(colour(&page), "green", "{}", page.html);
        assert!(page.html.contains("绿 GREEN") && page.html.contains(&format!("有效至 {}", day(335))));
        assert!(!page.html.contains("未登记"), "nothing missing is said");

        // A later check found the worker unfit: the latest check decides.
        sync_record(&c, SyncEntity::HealthCheck, health(&c, -1, "fail", 364)).await;
        let page = get(&c.s, &c.cert.url, None).await;
        assert_eq!(colour(&page), "yellow");
        assert!(page.html.contains(&format!("最近一次体检（{}）结论为不合格", day(-1))), "{}", page.html);
        assert!(page.html.contains(&format!("有效至 {}", day(300))), "the insurance is still in date");

        // Not a certificate at all: red, in words.
        let forged = get(&c.s, "/c/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None).await;
        assert_eq!(colour(&forged), "red");
        assert!(forged.html.contains("红 RED"));
        c.s.stop().await;
    }

    /// A cancelled card is red even with its health check in date.
    #[tokio::test]
    async fn a_cancelled_card_is_red_whatever_its_health_check() {
        let c = card().await;
        sync_record(&c, SyncEntity::HealthCheck, health(&c, -30, "pass", 335)).await;
        let cancel = OutboxEntry {
            seq: 0,
            id: Uuid::now_v7(),
            entity: SyncEntity::Worker,
            entity_id: c.cert.worker_id,
            op: SyncOp::Cancel,
            payload: json!({"reason": "left_agency"}),
        };
        c.s.push(&c.device, &[cancel]).await;
        let page = get(&c.s, &c.cert.url, None).await;
        assert_eq!((page.verdict(), colour(&page)), ("revoked", "red"));
        c.s.stop().await;
    }
}

/// Issue 13 item 5: lookup without a camera. A code typed with spaces, dashes or lower case
/// answers the same verdict and colour as the QR page, masked and without the photo; an unknown
/// or malformed code, a cancelled certificate and an unknown agency each get their answer; a
/// flood of lookups from one network is limited.
mod lookup {
    use super::*;
    use certdesk_platform::public::lookup::LOOKUPS_PER_WINDOW;

    fn colour(page: &Page) -> Option<&str> {
        let start = page.html.find("data-colour=\"")? + 13;
        let end = page.html[start..].find('"').unwrap();
        Some(&page.html[start..start + end])
    }

    /// The code as an elderly reader might type it: lower case, spaced in groups.
    fn spoken(code: &str) -> String {
        let lower = code.to_lowercase();
        format!("{} {} {}-{}", &lower[..4], &lower[4..8], &lower[8..14], &lower[14..])
    }

    fn query(value: &str) -> String {
        value.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
    }

    #[tokio::test]
    async fn a_typed_code_answers_like_the_qr_page_masked_and_without_the_photo() {
        let c = card().await;
        let form = get(&c.s, "/lookup", None).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.html.contains("name=\"code\"") && form.html.contains("name=\"agency\""));
        let qr = get(&c.s, &c.cert.url, None).await;
        assert!(qr.html.contains("href=\"/lookup\""), "the QR page points to the lookup");

        let page = get(&c.s, &format!("/lookup?code={}", query(&spoken(&c.cert.code))), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!((page.verdict(), colour(&page)), (qr.verdict(), colour(&qr)), "the same verdict and colour as the QR page");
        assert!(page.html.contains("张*三") && page.html.contains(&c.cert.code), "the masked name and the code");
        assert!(page.html.contains("第1家政服务有限公司") && page.html.contains(AGENCY_PHONE));
        for secret in [c.id.as_str(), NAME, "13812345678", "/photo", c.photo.as_str()] {
            assert!(!page.html.contains(secret), "the lookup shows {secret:?}");
        }

        // Well formed but unknown: 404, red, said so.
        let mut other = CertificateCode::parse(&c.cert.code).unwrap();
        other = CertificateCode::new(other.district(), other.year(), 999_999).unwrap();
        let page = get(&c.s, &format!("/lookup?code={other}"), None).await;
        assert_eq!((page.status, colour(&page)), (StatusCode::NOT_FOUND, Some("red")));
        assert!(page.html.contains("查无此证"));

        // Not a code: 400, the domain's sentence (a wrong check character named as such).
        let mut typo = c.cert.code.clone();
        let last = typo.pop().unwrap();
        typo.push(if last == '0' { '1' } else { '0' });
        let page = get(&c.s, &format!("/lookup?code={typo}"), None).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.html.contains("编码格式不对") && page.html.contains("校验"), "{}", page.html);
        let page = get(&c.s, "/lookup?code=%3Cscript%3Ealert(1)%3C%2Fscript%3E", None).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(!page.html.contains("<script>alert"), "what was typed is echoed as text");

        // Cancelled: red, the code and agency only.
        c.s.cancel(&c.device, c.cert.worker_id).await;
        let page = get(&c.s, &format!("/lookup?code={}", c.cert.code), None).await;
        assert_eq!((page.verdict(), colour(&page)), ("revoked", Some("red")));
        assert!(page.html.contains("已注销"));
        assert_nothing_personal(&c, &page.html, "a cancelled certificate looked up");
        c.s.stop().await;
    }

    #[tokio::test]
    async fn an_agency_is_looked_up_by_credit_code_or_name_with_its_workers_and_ratings() {
        let c = card().await;
        let (rated, _) = rate(&c, None, "4", "准时").await;
        assert_eq!(rated.status, StatusCode::OK);
        for key in [certdesk_testkit::credit_code(1), "第1家政服务有限公司".to_owned()] {
            let page = get(&c.s, &format!("/lookup?agency={}", query(&key)), None).await;
            assert_eq!(page.status, StatusCode::OK, "{key}");
            assert!(page.html.contains("已登记") && page.html.contains("黄浦"), "{}", page.html);
            assert!(page.html.contains("1 人") && page.html.contains("4.0 星（1 条评价）"), "{}", page.html);
            assert!(page.html.contains(AGENCY_PHONE));
            assert!(!page.html.contains("张*三") && !page.html.contains(&c.id), "never the staff");
        }
        let page = get(&c.s, &format!("/lookup?agency={}", query("上海不存在家政有限公司")), None).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(page.html.contains("未登记"));
        c.s.stop().await;
    }

    #[tokio::test]
    async fn a_flood_of_lookups_from_one_network_is_limited_with_a_sentence() {
        let c = card().await;
        for _ in 0..LOOKUPS_PER_WINDOW {
            assert_eq!(get(&c.s, &format!("/lookup?code={}", c.cert.code), None).await.status, StatusCode::OK);
        }
        let res = c.s.http.get(c.s.url(&format!("/lookup?code={}", c.cert.code))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(wait > 0 && wait <= 600, "{wait}");
        assert!(res.text().await.unwrap().contains("查询过于频繁"));
        let qr = get(&c.s, &c.cert.url, None).await;
        assert_eq!(qr.verdict(), "valid", "the QR page is not limited by lookups");
        c.s.stop().await;
    }
}
