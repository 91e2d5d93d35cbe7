//! The operator pages over real HTTPS: sign-in, sessions, CSRF, and that what an operator does
//! on a page reaches the agencies (approvals and rejections in their pull, revoked devices
//! refused). Each test starts its own platform with a clock it can move forward.

use certdesk_platform::operator_pages::auth;
use certdesk_platform::store::operators::OperatorRole;
use certdesk_protocol::operator::ReviewItem;
use certdesk_protocol::sync::{SyncEntity, SyncOp,
    ChangeBody, EnrolResponse, EntryOutcome, OutboxEntry, PullResponse, PushRequest,
    PushResponse,
};
use certdesk_testkit::platform::{Options, TestPlatform};
use certdesk_testkit::{credit_code, id_number};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The programme office's operator (reviews).
const USER: &str = "li.min";
/// The platform's administrator (agencies, devices).
const ADMIN: &str = "wang.admin";
/// The commerce commission's reader.
const COMMISSION: &str = "zhao.shangwu";
const PASSWORD: &str = "correct horse battery staple";

/// The test kit's platform with one operator account, a clock the tests move, and a client
/// that follows no redirects (so tests see where pages send them) and keeps no cookies (tests
/// carry them).
struct Platform(TestPlatform);

impl std::ops::Deref for Platform {
    type Target = TestPlatform;
    fn deref(&self) -> &TestPlatform {
        &self.0
    }
}

async fn platform() -> Platform {
    let dir = tempfile::tempdir().unwrap();
    // On a thread: the store's calls block.
    let location = certdesk_testkit::platform::location(dir.path());
    std::thread::spawn(move || {
        let store = location.open(None).unwrap();
        let hash = auth::hash_password(PASSWORD).unwrap();
        for (user, role) in [(USER, None), (ADMIN, Some(OperatorRole::Admin)), (COMMISSION, Some(OperatorRole::Commission))] {
            assert!(certdesk_platform::flows::set_operator(&store, &certdesk_platform::ids::SystemIds, user, &hash, role, chrono::Utc::now()).unwrap());
        }
    })
    .join()
    .unwrap();
    platform_in(dir).await
}

async fn platform_in(dir: tempfile::TempDir) -> Platform {
    Platform(TestPlatform::start_in(dir, Options::default().without_redirects()).await)
}

/// A signed-in browser: its session cookie and the CSRF token its pages carry.
#[derive(Clone)]
struct Browser {
    cookie: String,
    csrf: String,
}

/// The record version a review page's approve form carries.
fn version_on(page: &str) -> String {
    const AT: &str = "name=\"version\" value=\"";
    let start = page.find(AT).expect("an approve form with the version") + AT.len();
    page[start..].split('"').next().unwrap_or_default().to_owned()
}

/// The value of `name="csrf"` in a page.
fn csrf_in(page: &str) -> String {
    let at = page
        .find("name=\"csrf\" value=\"")
        .expect("the page has a form");
    let rest = &page[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// `name=value` of the Set-Cookie header for `name`.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(&format!("{name}=")))
}

impl Platform {
    fn advance(&self, minutes: i64) {
        self.clock.advance(chrono::Duration::minutes(minutes));
    }

    /// Fills in the sign-in form as a browser would.
    async fn try_sign_in(&self, user: &str, password: &str) -> reqwest::Response {
        self.try_sign_in_from(&self.http, user, password, "").await
    }

    /// Fills in the sign-in form with `http` (another network, when it leaves from another
    /// address) and a second-factor code.
    async fn try_sign_in_from(&self, http: &reqwest::Client, user: &str, password: &str, code: &str) -> reqwest::Response {
        let form = http
            .get(self.url("/operator/sign-in"))
            .send()
            .await
            .unwrap();
        assert_eq!(form.status(), StatusCode::OK);
        let pre = set_cookie(&form, auth::SIGN_IN_COOKIE).expect("a pre-session cookie");
        let pre = pre.split(';').next().unwrap().to_owned();
        let csrf = csrf_in(&form.text().await.unwrap());
        http.post(self.url("/operator/sign-in"))
            .header(COOKIE, pre)
            .header("origin", &self.base)
            .form(&[
                ("csrf", csrf.as_str()),
                ("user", user),
                ("password", password),
                ("code", code),
            ])
            .send()
            .await
            .unwrap()
    }

    /// Signs in as the programme office's operator.
    async fn sign_in(&self) -> Browser {
        self.sign_in_as(USER).await
    }

    async fn sign_in_as(&self, user: &str) -> Browser {
        let res = self.try_sign_in(user, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "signed in");
        let cookie = set_cookie(&res, auth::SESSION_COOKIE).expect("a session cookie");
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let page = self
            .get(
                &Browser {
                    cookie: cookie.clone(),
                    csrf: String::new(),
                },
                "/operator/revocations",
            )
            .await;
        assert_eq!(page.status(), StatusCode::OK);
        let csrf = csrf_in(&page.text().await.unwrap());
        Browser { cookie, csrf }
    }

    async fn get(&self, b: &Browser, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header(COOKIE, &b.cookie)
            .send()
            .await
            .unwrap()
    }

    async fn page(&self, b: &Browser, path: &str) -> String {
        let res = self.get(b, path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        res.text().await.unwrap()
    }

    /// POSTs a form from our own origin with the browser's token (unless the fields name
    /// another `csrf`).
    async fn post(&self, b: &Browser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf", b.csrf.as_str())];
        form.extend_from_slice(fields);
        self.http
            .post(self.url(path))
            .header(COOKIE, &b.cookie)
            .header("origin", &self.base)
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    async fn device(&self, agency: Uuid) -> EnrolResponse {
        let code = self.enrolment_code(agency).await;
        enrol(self, &code).await
    }

    async fn reviews(&self) -> Vec<ReviewItem> {
        self.operator(reqwest::Method::GET, "/api/v1/operator/reviews")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Uploads a photo and pushes an application naming it; returns the worker id.
    async fn apply(&self, device: &EnrolResponse, n: u32, photo: &[u8]) -> Uuid {
        let sha = hex::encode(Sha256::digest(photo));
        let res = self
            .http
            .put(self.url(&format!("/api/v1/blobs/{sha}")))
            .header("authorization", device.authorization())
            .body(photo.to_vec())
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
        let worker_id = Uuid::now_v7();
        let payload = json!({
            "name": "张三丰", "id_number": id_number(n), "phone": "13812345678",
            "address": "上海市黄浦区某路1号", "service_types": ["cleaning"],
            "emergency_contact_name": "王五", "emergency_contact_phone": "13912345678",
            "consent_date": "2024-06-01", "agency_check_done": true, "status": "eligible",
            "photo_sha256": sha
        });
        let entry = OutboxEntry {
            seq: i64::from(n),
            id: Uuid::now_v7(),
            entity: SyncEntity::Worker,
            entity_id: worker_id,
            op: SyncOp::Apply,
            payload,
        };
        let res = self.push(device, entry).await;
        assert_eq!(res.results[0].outcome, EntryOutcome::Applied);
        worker_id
    }

    /// Pushes one entry as a desk would: an application's worker and training records first
    /// (the platform checks the training; see `certdesk_testkit::training`).
    async fn push(&self, device: &EnrolResponse, entry: OutboxEntry) -> PushResponse {
        let mut entries = certdesk_testkit::training::for_applications(std::slice::from_ref(&entry));
        entries.push(entry);
        let mut res: PushResponse = self
            .http
            .post(self.url("/api/v1/sync/push"))
            .header("authorization", device.authorization())
            .json(&PushRequest { device_id: device.device_id, entries })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // The entry's own result only.
        res.results.drain(..res.results.len() - 1);
        res
    }

    /// Posts an approve form with a made-up version (for a role that cannot open the page).
    async fn approve_status(&self, b: &Browser, path: &str) -> StatusCode {
        self.post(b, path, &[("version", "1")]).await.status()
    }

    /// Approves as an operator does: opens the review page and posts its approve form with the
    /// record version the page showed.
    async fn approve(&self, b: &Browser, app: Uuid) -> reqwest::Response {
        let page = self.page(b, &format!("/operator/reviews/{app}")).await;
        let version = version_on(&page);
        self.post(b, &format!("/operator/reviews/{app}/approve"), &[("version", version.as_str())]).await
    }

    async fn pull(&self, device: &EnrolResponse) -> reqwest::Response {
        self.http
            .get(self.url("/api/v1/sync/pull?since=0"))
            .header("authorization", device.authorization())
            .send()
            .await
            .unwrap()
    }
}

async fn enrol(p: &Platform, code: &str) -> EnrolResponse {
    p.enrol_device(code, "前台1号机").await
}

fn redirects_to(res: &reqwest::Response, to: &str) -> bool {
    res.status() == StatusCode::SEE_OTHER
        && res
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.starts_with(to))
}

const PHOTO: &[u8] = b"\xff\xd8\xff\xe0 a photo (JPEG magic, made-up bytes)";

mod sign_in {
    use super::*;

    #[tokio::test]
    async fn a_wrong_password_is_refused_and_the_right_one_opens_a_strict_secure_session() {
        let p = platform().await;
        let wrong = p.try_sign_in(USER, "not the password").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert!(
            set_cookie(&wrong, auth::SESSION_COOKIE).is_none(),
            "no session for a wrong password"
        );
        assert!(wrong.text().await.unwrap().contains("登录失败：用户名、密码或动态验证码错误"));
        let unknown = p.try_sign_in("nobody", PASSWORD).await;
        assert_eq!(
            unknown.status(),
            StatusCode::UNAUTHORIZED,
            "an unknown name answers the same"
        );

        let right = p.try_sign_in(USER, PASSWORD).await;
        assert!(redirects_to(&right, "/operator/reviews"));
        let cookie = set_cookie(&right, auth::SESSION_COOKIE).unwrap();
        for attr in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(
                cookie.contains(attr),
                "session cookie {cookie} lacks {attr}"
            );
        }
        let b = p.sign_in().await;
        let page = p.page(&b, "/operator/reviews").await;
        assert!(
            page.contains("审核队列") && page.contains(USER),
            "the queue, signed in as {USER}"
        );
    }

    #[tokio::test]
    async fn the_sign_in_form_without_its_token_or_from_another_site_is_refused() {
        let p = platform().await;
        let no_token = p
            .http
            .post(p.url("/operator/sign-in"))
            .form(&[("user", USER), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
        assert!(set_cookie(&no_token, auth::SESSION_COOKIE).is_none());
        let cross = p
            .http
            .post(p.url("/operator/sign-in"))
            .header("origin", "https://evil.example")
            .form(&[("user", USER), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    }

    /// The sentence of a refused sign-in page, without its fresh form token.
    pub(super) async fn refusal(res: reqwest::Response) -> (StatusCode, String) {
        let status = res.status();
        let page = res.text().await.unwrap();
        let error = page.split("class=\"error\"").nth(1).and_then(|rest| rest.split("</p>").next()).unwrap_or("").to_owned();
        (status, error)
    }

    /// Issue 11 item 6: a lock is per account and network, and a locked account answers exactly
    /// as a wrong password does (a guesser cannot tell that the lock started), even to the right
    /// password.
    #[tokio::test]
    async fn repeated_wrong_passwords_lock_the_account_from_that_network_only_and_answer_as_a_wrong_password() {
        let p = platform().await;
        let wrong = refusal(p.try_sign_in(USER, "guess").await).await;
        assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
        assert!(wrong.1.contains("登录失败"), "{}", wrong.1);
        for _ in 1..auth::LOCK_AFTER {
            assert_eq!(refusal(p.try_sign_in(USER, "guess").await).await, wrong);
        }
        let res = p.try_sign_in(USER, PASSWORD).await;
        assert!(set_cookie(&res, auth::SESSION_COOKIE).is_none(), "locked: the right password opens nothing");
        assert_eq!(refusal(res).await, wrong, "locked answers as a wrong password");

        // The operator at their own desk (another network) is not locked out by the guesser.
        let elsewhere = certdesk_testkit::platform::client_from(&p.ca_pem, false, Some("127.0.0.2".parse().unwrap()));
        let res = p.try_sign_in_from(&elsewhere, USER, PASSWORD, "").await;
        assert!(redirects_to(&res, "/operator/reviews"), "another network signs in: {}", res.status());

        p.advance(16);
        let res = p.try_sign_in(USER, PASSWORD).await;
        assert!(
            redirects_to(&res, "/operator/reviews"),
            "the lock ends after 15 minutes"
        );
        // Every attempt is in the audit, the lock's refusals marked.
        let lines = p.with_store(|store| certdesk_platform::store::operators::OperatorStore::audit_lines(&*store, None, 100).unwrap());
        let sign_ins: Vec<(&str, &str, Option<&str>)> =
            lines.iter().rev().filter(|l| l.action == "sign_in").map(|l| (l.operator.as_str(), l.network.as_str(), l.outcome.as_deref())).collect();
        let mut expected = vec![(USER, "127.0.0.1", Some("refused")); auth::LOCK_AFTER as usize];
        expected.extend([(USER, "127.0.0.1", Some("refused: locked")), (USER, "127.0.0.2", Some("signed_in")), (USER, "127.0.0.1", Some("signed_in"))]);
        assert_eq!(sign_ins, expected);
    }

    /// Issue 11 item 6: with the second factor on, the password alone opens nothing; the
    /// authenticator's current code does, once.
    #[tokio::test]
    async fn with_the_second_factor_on_the_password_alone_opens_nothing_and_a_code_works_once() {
        let p = platform().await;
        let secret = p.with_store(|store| certdesk_platform::flows::operators::set_second_factor(&store, USER, true).unwrap().unwrap().unwrap());
        let (status, _) = refusal(p.try_sign_in(USER, PASSWORD).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "no code");
        let now = p.clock.now();
        let code = format!("{:06}", certdesk_platform::totp::code_at(&secret, certdesk_platform::totp::step_of(now)));
        let wrong_code = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert_eq!(refusal(p.try_sign_in_from(&p.http, USER, PASSWORD, &wrong_code).await).await.0, StatusCode::UNAUTHORIZED);
        let res = p.try_sign_in_from(&p.http, USER, PASSWORD, &code).await;
        assert!(redirects_to(&res, "/operator/reviews"), "the right code: {}", res.status());
        let again = p.try_sign_in_from(&p.http, USER, PASSWORD, &code).await;
        assert_eq!(again.status(), StatusCode::UNAUTHORIZED, "a code works once");
        // The secret is sealed in the database: it does not hold it in the clear.
        assert!(!p.database_holds(&secret), "the TOTP secret is not in the database in the clear");
    }

    /// `operator key create|list|revoke` and `operator totp`, as an administrator runs them.
    #[tokio::test]
    async fn the_cli_makes_lists_and_revokes_an_operators_api_key_and_turns_on_the_second_factor() {
        let dir = tempfile::tempdir().unwrap();
        let cli = |args: &[&str]| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_certdesk-platform"))
                .envs(certdesk_testkit::platform::cli_env(dir.path()))
                .args(args)
                .arg("--data-dir")
                .arg(dir.path())
                .env("OP_PASSWORD", PASSWORD)
                .output()
                .unwrap();
            (out.status.success(), String::from_utf8_lossy(&out.stdout).trim().to_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
        };
        assert!(cli(&["operator", "add", "--user", ADMIN, "--role", "admin", "--password-env", "OP_PASSWORD"]).0);
        let (ok, _, err) = cli(&["operator", "key", "create", "--user", ADMIN, "--scope", "reviews"]);
        assert!(!ok && err.contains("may not use reviews"), "a scope beyond the role: {err}");
        let (ok, _, err) = cli(&["operator", "key", "create", "--user", ADMIN, "--days", "400"]);
        assert!(!ok && err.contains("--days"), "{err}");
        let (ok, key, err) = cli(&["operator", "key", "create", "--user", ADMIN, "--scope", "devices", "--days", "30"]);
        assert!(ok && key.starts_with("cdk_") && err.contains("scopes: devices"), "{key} {err}");
        let (ok, list, _) = cli(&["operator", "key", "list", "--user", ADMIN]);
        let id = list.split('\t').next().unwrap().to_owned();
        assert!(ok && list.contains("live") && list.contains("scopes: devices") && !list.contains(&key), "{list}");
        let (ok, uri, _) = cli(&["operator", "totp", "--user", ADMIN, "on"]);
        assert!(ok && uri.starts_with(&format!("otpauth://totp/certdesk:{ADMIN}?secret=")), "{uri}");

        let p = platform_in(dir).await;
        let devices = |k: &str| p.operator_with(k, reqwest::Method::GET, "/api/v1/operator/devices").send();
        assert_eq!(devices(&key).await.unwrap().status(), StatusCode::OK);
        let agencies = p.operator_with(&key, reqwest::Method::POST, "/api/v1/operator/agencies").json(&json!({})).send().await.unwrap();
        assert_eq!(agencies.status(), StatusCode::FORBIDDEN, "outside the key's scope");
        let (status, _) = sign_in::refusal(p.try_sign_in(ADMIN, PASSWORD).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "the second factor is on: the password alone opens nothing");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_certdesk-platform"))
            .envs(certdesk_testkit::platform::cli_env(p.dir()))
            .args(["operator", "key", "revoke", "--user", ADMIN, "--id", &id, "--data-dir"])
            .arg(p.dir())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(devices(&key).await.unwrap().status(), StatusCode::UNAUTHORIZED, "revoked, at once");
    }

    #[tokio::test]
    async fn the_cli_creates_an_operator_who_can_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_certdesk-platform"))
            .envs(certdesk_testkit::platform::cli_env(dir.path()))
            .args(["operator", "add", "--data-dir"])
            .arg(dir.path())
            .args(["--user", USER, "--password-env", "OP_PASSWORD"])
            .env("OP_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let short = std::process::Command::new(env!("CARGO_BIN_EXE_certdesk-platform"))
            .envs(certdesk_testkit::platform::cli_env(dir.path()))
            .args(["operator", "add", "--data-dir"])
            .arg(dir.path())
            .args(["--user", "x", "--password-env", "OP_PASSWORD"])
            .env("OP_PASSWORD", "short")
            .output()
            .unwrap();
        assert!(!short.status.success(), "a short password is refused");
        let p = platform_in(dir).await;
        p.sign_in().await;
    }
}

mod sessions {
    use super::*;

    #[tokio::test]
    async fn every_page_without_a_session_sends_to_sign_in() {
        let p = platform().await;
        let nobody = Browser {
            cookie: format!("{}=made-up", auth::SESSION_COOKIE),
            csrf: String::new(),
        };
        for path in [
            "/operator/reviews",
            "/operator/agencies",
            "/operator/devices",
            "/operator/revocations",
            &format!("/operator/reviews/{}", Uuid::now_v7()),
            &format!("/operator/reviews/{}/photo", Uuid::now_v7()),
        ] {
            let bare = p.http.get(p.url(path)).send().await.unwrap();
            assert!(
                redirects_to(&bare, "/operator/sign-in"),
                "{path} without a cookie"
            );
            let forged = p.get(&nobody, path).await;
            assert!(
                redirects_to(&forged, "/operator/sign-in"),
                "{path} with a made-up cookie"
            );
        }
    }

    #[tokio::test]
    async fn a_session_slides_while_used_dies_when_idle_and_ends_at_sign_out() {
        let p = platform().await;
        let b = p.sign_in().await;
        p.advance(20);
        p.page(&b, "/operator/reviews").await;
        p.advance(20);
        p.page(&b, "/operator/reviews").await;
        p.advance(31);
        let res = p.get(&b, "/operator/reviews").await;
        assert!(
            redirects_to(&res, "/operator/sign-in"),
            "31 idle minutes end a session"
        );

        let b = p.sign_in().await;
        let res = p.post(&b, "/operator/sign-out", &[]).await;
        assert!(redirects_to(&res, "/operator/sign-in"));
        assert!(set_cookie(&res, auth::SESSION_COOKIE)
            .unwrap()
            .contains("Max-Age=0"));
        let res = p.get(&b, "/operator/reviews").await;
        assert!(
            redirects_to(&res, "/operator/sign-in"),
            "the old cookie opens nothing"
        );
    }
}

/// Issue 14 item 1: each role uses its own pages. A page or a form of another role's area is
/// refused with 403 and a sentence naming the role, and nothing changes, however the request
/// is made; the navigation shows each role only its pages; signing in lands on the role's first.
mod roles {
    use super::*;

    /// Issue 14 item 1 through the API: the commission reads statistics and filings, which are
    /// pages, so a commission reader's API key reaches none of the operator API, whatever it
    /// asks (each refused with the sentence, nothing changed); and no key is ever made for an
    /// area the reader's role may not enter.
    #[tokio::test]
    async fn a_commission_key_reaches_no_operator_api_and_none_is_made_for_another_roles_area() {
        use certdesk_platform::flows::operators::{create_api_key, KeyRefusal};
        use certdesk_platform::operator_pages::access::Area;
        let p = platform().await;
        let agency = p.agency(1).await;
        let device = p.device(agency).await;
        p.apply(&device, 1, PHOTO).await;
        let app = p.reviews().await[0].application_id;
        let now = chrono::Utc::now();
        let issued = p.with_store(move |s| create_api_key(&s, &certdesk_platform::ids::SystemIds, COMMISSION, &[], 30, now).unwrap());
        let key = issued.expect("a key of the reader's own areas").key;
        let calls: Vec<(reqwest::Method, String, Value)> = vec![
            (reqwest::Method::GET, "/api/v1/operator/reviews".into(), json!(null)),
            (reqwest::Method::POST, format!("/api/v1/operator/reviews/{app}"), json!({"approve": true})),
            (reqwest::Method::GET, "/api/v1/operator/devices".into(), json!(null)),
            (reqwest::Method::POST, format!("/api/v1/operator/devices/{}/revoke", device.device_id), json!({})),
            (reqwest::Method::POST, "/api/v1/operator/agencies".into(), json!({"name": "第二家政服务有限公司", "credit_code": credit_code(2), "district": "黄浦区"})),
            (reqwest::Method::POST, format!("/api/v1/operator/agencies/{agency}/enrolment-codes"), json!({})),
            (reqwest::Method::POST, "/api/v1/operator/keys/rotate".into(), json!({})),
        ];
        for (method, path, body) in calls {
            let mut req = p.operator_with(&key, method.clone(), &path);
            if !body.is_null() {
                req = req.json(&body);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{method} {path}");
            let text = res.text().await.unwrap();
            assert!(text.contains("未做任何更改"), "{method} {path} says why: {text}");
        }
        assert_eq!(p.reviews().await.len(), 1, "the application still waits");
        let refused = p.with_store(move |s| create_api_key(&s, &certdesk_platform::ids::SystemIds, COMMISSION, &[Area::Reviews], 30, now).unwrap());
        assert!(matches!(refused, Err(KeyRefusal::ScopeNotAllowed(Area::Reviews))), "{:?}", refused.map(|k| k.key));
    }

    #[tokio::test]
    async fn each_role_is_refused_what_it_may_not_do_and_nothing_changes() {
        let p = platform().await;
        let agency = p.agency(1).await;
        let device = p.device(agency).await;
        p.apply(&device, 1, PHOTO).await;
        let app = p.reviews().await[0].application_id;
        let office = p.sign_in_as(USER).await;
        let admin = p.sign_in_as(ADMIN).await;
        let commission = p.sign_in_as(COMMISSION).await;

        let review = format!("/operator/reviews/{app}");
        let approve = format!("/operator/reviews/{app}/approve");
        let reject = format!("/operator/reviews/{app}/reject");
        let code = format!("/operator/agencies/{agency}/enrolment-codes");
        let revoke = format!("/operator/devices/{}/revoke", device.device_id);
        let pages = ["/operator/reviews", review.as_str(), "/operator/ratings", "/operator/agencies", "/operator/devices", "/operator/revocations", "/operator/stats", "/operator/stats/months.csv", "/operator/filings", "/operator/supervision", "/operator/complaints", "/operator/audit"];
        let allowed = |b: &Browser| -> Vec<&str> {
            if b.cookie == office.cookie {
                vec!["/operator/reviews", review.as_str(), "/operator/ratings", "/operator/revocations", "/operator/stats", "/operator/stats/months.csv", "/operator/filings", "/operator/supervision", "/operator/complaints"]
            } else if b.cookie == admin.cookie {
                vec!["/operator/agencies", "/operator/devices", "/operator/revocations", "/operator/audit"]
            } else {
                vec!["/operator/revocations", "/operator/stats", "/operator/stats/months.csv", "/operator/filings"]
            }
        };
        for (who, b, role_zh) in [("office", &office, "项目办"), ("admin", &admin, "管理员"), ("commission", &commission, "商务委")] {
            for path in pages {
                let res = p.get(b, path).await;
                if allowed(b).contains(&path) {
                    assert_eq!(res.status(), StatusCode::OK, "{who} opens {path}");
                } else {
                    assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who} may not open {path}");
                    let text = res.text().await.unwrap();
                    assert!(text.contains(role_zh) && text.contains("未做任何更改"), "{who} is told why: {text}");
                }
            }
            let nav = p.page(b, "/operator/revocations").await;
            for path in ["/operator/reviews", "/operator/agencies", "/operator/devices", "/operator/stats", "/operator/filings", "/operator/supervision", "/operator/complaints", "/operator/audit"] {
                assert_eq!(nav.contains(&format!("href=\"{path}\"")), allowed(b).contains(&path), "{who}'s navigation and {path}");
            }
        }

        // The forms of other roles' areas, with a valid token of the right origin: refused.
        for (who, b) in [("admin", &admin), ("commission", &commission)] {
            let release = format!("/operator/ratings/{}/release", Uuid::now_v7());
            assert_eq!(p.post(b, &release, &[]).await.status(), StatusCode::FORBIDDEN, "{who} cannot release a held rating");
            assert_eq!(p.approve_status(b, &approve).await, StatusCode::FORBIDDEN, "{who} cannot approve");
            let res = p.post(b, &reject, &[("reason", "照片不清晰")]).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who} cannot reject");
        }
        for (who, b) in [("office", &office), ("commission", &commission)] {
            let code_2 = credit_code(2);
            let fields = [("name", "某家政服务有限公司"), ("credit_code", code_2.as_str()), ("district", "徐汇区"), ("phone", "021-64181234")];
            assert_eq!(p.post(b, "/operator/agencies", &fields).await.status(), StatusCode::FORBIDDEN, "{who} cannot register an agency");
            assert_eq!(p.post(b, &code, &[]).await.status(), StatusCode::FORBIDDEN, "{who} cannot issue an enrolment code");
            assert_eq!(p.post(b, &revoke, &[]).await.status(), StatusCode::FORBIDDEN, "{who} cannot revoke a desk");
        }
        assert_eq!(p.reviews().await.len(), 1, "the application still waits");
        assert_eq!(p.pull(&device).await.status(), StatusCode::OK, "the desk still works");
        assert!(!p.page(&admin, "/operator/agencies").await.contains("某家政服务有限公司"), "no agency was registered");

        // Signing in lands on the role's first page.
        for (user, home) in [(USER, "/operator/reviews"), (ADMIN, "/operator/agencies"), (COMMISSION, "/operator/stats")] {
            let res = p.try_sign_in(user, PASSWORD).await;
            assert!(redirects_to(&res, home), "{user} lands on {home}");
        }
    }
}

/// Issue 14 item 5, 投诉协调: a citizen's complaint from the public page gets a reference; the
/// agency answers from its desk (a `complaint_answer` record); the office sees it with its age,
/// asks the agency again, then closes it; every step reaches the agency's pull, and the citizen
/// follows the state by reference without seeing anything personal. Another agency's answer, an
/// empty or future answer, the commission and a closed complaint are refused and change nothing.
mod complaints {
    use super::*;
    use certdesk_protocol::complaint::ComplaintAnswer;

    const TEXT: &str = "服务人员迟到两小时且态度差";

    /// A public page's answer: status and body.
    async fn public(p: &Platform, path: &str) -> (StatusCode, String) {
        let res = p.http.get(p.url(path)).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }

    fn answer(complaint_id: Uuid, action: &str, done_on: &str) -> OutboxEntry {
        let body = ComplaintAnswer { complaint_id, action: action.into(), done_on: done_on.parse().unwrap(), answered_by: "前台小李".into(), answered_by_id: None, answered_at: None };
        OutboxEntry {
            seq: 1,
            id: Uuid::now_v7(),
            entity: SyncEntity::ComplaintAnswer,
            entity_id: Uuid::now_v7(),
            op: SyncOp::Upsert,
            payload: serde_json::to_value(body).unwrap(),
        }
    }

    fn refusal_code(outcome: &EntryOutcome) -> &str {
        match outcome {
            EntryOutcome::Rejected { code, message_zh, .. } => {
                assert!(!message_zh.is_empty());
                code
            }
            other => panic!("refused, not {other:?}"),
        }
    }

    /// The state the citizen sees for `reference`, with nothing personal on the page.
    async fn citizen_sees(p: &Platform, reference: &str) -> String {
        let (status, html) = public(p, &format!("/complaint?ref={}", reference.to_lowercase())).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        // The reference itself is on the page, and being random it may hold "SH" (the
        // certificate code's prefix, which must not show): look past it.
        let rest = html.replace(reference, "");
        for personal in ["张三丰", "张*丰", TEXT, "13900000000", "第1家政", "前台小李", "回访", "SH"] {
            assert!(!rest.contains(personal), "the lookup shows {personal:?}: {html}");
        }
        let at = html.find("data-verdict=\"").expect("a banner code") + 14;
        html[at..].split('"').next().unwrap().to_owned()
    }

    async fn pulled(p: &Platform, device: &EnrolResponse) -> Vec<ChangeBody> {
        let pull: PullResponse = p.pull(device).await.json().await.unwrap();
        pull.changes.into_iter().map(|c| c.body).collect()
    }

    #[tokio::test]
    async fn a_complaint_is_answered_at_the_desk_asked_again_closed_and_followed_by_reference() {
        let p = platform().await;
        let office = p.sign_in_as(USER).await;
        let commission = p.sign_in_as(COMMISSION).await;
        let agency = p.agency(1).await;
        let device = p.device(agency).await;
        let other = p.device(p.agency(2).await).await;
        p.apply(&device, 1, PHOTO).await;
        let app = p.reviews().await[0].application_id;
        assert!(redirects_to(&p.approve(&office, app).await, "/operator/reviews?done=approved"));
        let url = pulled(&p, &device)
            .await
            .into_iter()
            .find_map(|b| match b {
                ChangeBody::Approval { credential_url, .. } => Some(credential_url),
                _ => None,
            })
            .unwrap();

        let (reference, _) = p.file_complaint(&url, TEXT, "13900000000").await;
        assert!(certdesk_protocol::complaint::parse_reference(&reference).as_deref() == Some(reference.as_str()), "{reference}");
        let complaint_id = pulled(&p, &device)
            .await
            .into_iter()
            .find_map(|b| match b {
                ChangeBody::Complaint { complaint_id, reference: Some(r), text, .. } if r == reference && text == TEXT => Some(complaint_id),
                _ => None,
            })
            .expect("the agency pulls the complaint with its reference");
        assert_eq!(citizen_sees(&p, &reference).await, "open");

        // Refused, and nothing changes: another agency's answer, an empty one, one done tomorrow,
        // the commission's page and action.
        assert_eq!(refusal_code(&p.push(&other, answer(complaint_id, "已处理", "2026-01-01")).await.results[0].outcome), "complaint_unknown");
        let today = chrono::Utc::now().with_timezone(&certdesk_domain::shanghai()).date_naive();
        let tomorrow = (today + chrono::Days::new(1)).to_string();
        assert_eq!(refusal_code(&p.push(&device, answer(complaint_id, "  ", &today.to_string())).await.results[0].outcome), "invalid_record");
        assert_eq!(refusal_code(&p.push(&device, answer(complaint_id, "已处理", &tomorrow)).await.results[0].outcome), "invalid_record");
        let detail = format!("/operator/complaints/{complaint_id}");
        assert_eq!(p.get(&commission, "/operator/complaints").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(p.post(&commission, &detail, &[("action", "close"), ("note", "办结")]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(citizen_sees(&p, &reference).await, "open", "nothing changed");

        // The agency answers from its desk.
        let first = answer(complaint_id, "已与服务人员谈话并上门致歉", &today.to_string());
        assert_eq!(p.push(&device, first.clone()).await.results[0].outcome, EntryOutcome::Applied);
        assert_eq!(citizen_sees(&p, &reference).await, "answered");

        // The office sees it with its age, opens it, asks again.
        let list = p.page(&office, "/operator/complaints").await;
        assert!(list.contains(&reference) && list.contains("第1家政服务有限公司"), "{list}");
        let page = p.page(&office, &detail).await;
        assert!(page.contains(TEXT) && page.contains("已与服务人员谈话并上门致歉") && page.contains("前台小李"), "{page}");
        let empty = p.post(&office, &detail, &[("action", "ask_again"), ("note", " ")]).await;
        assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
        assert!(empty.text().await.unwrap().contains("请填写督办要求或办结结论"));
        assert_eq!(citizen_sees(&p, &reference).await, "answered", "a refused action changes nothing");
        let asked = p.post(&office, &detail, &[("action", "ask_again"), ("note", "请提供回访记录")]).await;
        assert!(redirects_to(&asked, &format!("{detail}?done=asked_again")));
        assert_eq!(citizen_sees(&p, &reference).await, "asked_again");
        assert!(pulled(&p, &device).await.iter().any(|b| matches!(b,
            ChangeBody::ComplaintAskedAgain { complaint_id: id, message, .. } if *id == complaint_id && message == "请提供回访记录")));

        // Answered again, then closed; the closed complaint takes nothing more.
        assert_eq!(p.push(&device, answer(complaint_id, "已电话回访，客户表示满意", &today.to_string())).await.results[0].outcome, EntryOutcome::Applied);
        let closed = p.post(&office, &detail, &[("action", "close"), ("note", "机构已整改并回访，投诉办结")]).await;
        assert!(redirects_to(&closed, &format!("{detail}?done=closed")));
        assert_eq!(citizen_sees(&p, &reference).await, "closed");
        assert!(pulled(&p, &device).await.iter().any(|b| matches!(b,
            ChangeBody::ComplaintClosed { complaint_id: id, conclusion, .. } if *id == complaint_id && conclusion == "机构已整改并回访，投诉办结")));
        assert!(!pulled(&p, &other).await.iter().any(|b| matches!(b,
            ChangeBody::Complaint { .. } | ChangeBody::ComplaintAskedAgain { .. } | ChangeBody::ComplaintClosed { .. })), "another agency sees none of it");
        assert_eq!(refusal_code(&p.push(&device, answer(complaint_id, "补充说明", &today.to_string())).await.results[0].outcome), "complaint_closed");
        assert_eq!(p.push(&device, first).await.results[0].outcome, EntryOutcome::Duplicate, "a repeat of an answer is recognised");
        assert_eq!(p.post(&office, &detail, &[("action", "ask_again"), ("note", "再查")]).await.status(), StatusCode::BAD_REQUEST);
        let history = p.page(&office, &detail).await;
        assert_eq!(history.matches("data-event=").count(), 4, "two answers, a request, a conclusion: {history}");
        let all = p.page(&office, "/operator/complaints?all=1").await;
        assert!(all.contains(&reference) && all.contains("已办结"));
        assert!(!p.page(&office, "/operator/complaints").await.contains(&format!("data-reference=\"{reference}\"")), "closed ones leave the open list");

        // The statistics count it filed and closed this month, closed within minutes.
        let csv = p.page(&office, "/operator/stats/months.csv").await;
        assert!(csv.lines().last().unwrap().ends_with(",1,1,0.0"), "{csv}");

        // The citizen's mistakes.
        let (status, html) = public(&p, "/complaint?ref=TS-0000").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(html.contains("编号格式不对"));
        let (status, html) = public(&p, "/complaint?ref=TS23456789ABCD").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("没有这个投诉编号"));
        let (status, html) = public(&p, "/complaint").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("name=\"ref\""));
    }
}

/// Issue 14 item 2: the commission (and the office) see each agency's roster filings, download
/// each roster as CSV and its signed receipt; the administrator may not; nothing on the page
/// changes a filing.
mod filings {
    use super::*;
    use certdesk_protocol::roster::{FilingReceipt, RosterFiling, RosterRow};

    #[tokio::test]
    async fn the_commission_lists_the_filings_and_downloads_each_roster_and_receipt() {
        let p = platform().await;
        let agency = p.agency(1).await;
        let device = p.device(agency).await;
        let worker = p.apply(&device, 1, PHOTO).await;
        let office = p.sign_in_as(USER).await;
        let app = p.reviews().await[0].application_id;
        assert_eq!(p.approve(&office, app).await.status(), StatusCode::SEE_OTHER);
        let pulled: PullResponse = p.pull(&device).await.json().await.unwrap();
        let code = pulled
            .changes
            .iter()
            .find_map(|c| match &c.body {
                ChangeBody::Approval { worker_id, certificate_code, .. } if *worker_id == worker => Some(certificate_code.clone()),
                _ => None,
            })
            .expect("approved");
        let day = |s: &str| s.parse().ok();
        let row = RosterRow {
            name: "张三丰".into(),
            id_number: id_number(1),
            certificate_code: code.clone(),
            agency_name: "第1家政服务有限公司".into(),
            training_from: day("2026-11-20"),
            training_to: day("2026-11-20"),
            half_hours: 6,
            exam_score: Some(90.0),
            exam_date: day("2026-11-20"),
        };
        let filing = RosterFiling {
            filing_id: Uuid::now_v7(),
            period_from: "2026-11-01".parse().unwrap(),
            period_to: "2026-11-30".parse().unwrap(),
            replaces: None,
            rows: vec![row],
        };
        let res = p.http.post(p.url("/api/v1/roster/filings")).header("authorization", device.authorization()).json(&filing).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let receipt: FilingReceipt = res.json().await.unwrap();
        let number = receipt.body.number.clone();

        let commission = p.sign_in_as(COMMISSION).await;
        let page = p.page(&commission, "/operator/filings").await;
        assert!(page.contains(&number) && page.contains("第1家政服务有限公司") && page.contains("2026-11-01 – 2026-11-30"), "{page}");
        let mine = p.page(&commission, &format!("/operator/filings?agency={agency}")).await;
        assert!(mine.contains(&number));
        let other = p.page(&commission, &format!("/operator/filings?agency={}", Uuid::now_v7())).await;
        assert!(!other.contains(&number) && other.contains("暂无备案"), "another agency's list");
        // By period: a filing is listed when its period overlaps the days chosen.
        for (query, listed) in [("from=2026-11-30", true), ("to=2026-11-01", true), ("from=2026-12-01", false), ("to=2026-10-31", false), ("from=2026-10-01&to=2026-11-15", true)] {
            let page = p.page(&commission, &format!("/operator/filings?agency={agency}&{query}")).await;
            assert_eq!(page.contains(&number), listed, "{query}");
        }
        let typo = p.page(&commission, "/operator/filings?from=2026-13-01").await;
        assert!(typo.contains("日期须为 YYYY-MM-DD") && typo.contains(&number), "a date that is none is said, and filters nothing: {typo}");

        let csv = p.get(&commission, &format!("/operator/filings/{number}.csv")).await;
        assert_eq!(csv.status(), StatusCode::OK);
        let text = csv.text().await.unwrap();
        assert!(text.starts_with('\u{feff}') && text.contains(&id_number(1)) && text.contains(&code) && text.contains(",3,90,"), "{text}");
        let json = p.get(&commission, &format!("/operator/filings/{number}.receipt.json")).await;
        assert_eq!(json.status(), StatusCode::OK);
        let downloaded: FilingReceipt = json.json().await.unwrap();
        assert_eq!(downloaded, receipt, "the receipt as the desk got it");
        assert_eq!(p.get(&commission, "/operator/filings/BA2026-999999.csv").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(p.get(&commission, "/operator/filings/../../etc/passwd").await.status(), StatusCode::NOT_FOUND);

        // The funding pack (issue 14 item 3), made from the synced records, in three forms.
        assert!(page.contains(&format!("/operator/filings/{number}.pack.pdf")), "the page links the pack");
        let office_json = p.get(&office, &format!("/operator/filings/{number}.pack.json")).await;
        assert_eq!(office_json.status(), StatusCode::OK);
        let pack: certdesk_domain::funding::FundingPack = office_json.json().await.unwrap();
        assert_eq!((pack.filing.number.as_str(), pack.workers.len()), (number.as_str(), 1));
        assert_eq!(pack.workers[0].filed.certificate_code, code);
        assert_eq!(pack.workers[0].held_hours, Some(certdesk_domain::HalfHours(6)), "credited from the synced attendance");
        let pdf = p.get(&commission, &format!("/operator/filings/{number}.pack.pdf")).await;
        assert_eq!(pdf.status(), StatusCode::OK);
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"), "a PDF");
        let xlsx = p.get(&commission, &format!("/operator/filings/{number}.pack.xlsx")).await;
        assert_eq!(xlsx.status(), StatusCode::OK);
        assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "an .xlsx (a zip)");
        assert_eq!(p.get(&commission, "/operator/filings/BA2026-999999.pack.pdf").await.status(), StatusCode::NOT_FOUND);

        let admin = p.sign_in_as(ADMIN).await;
        for path in ["/operator/filings".to_owned(), format!("/operator/filings/{number}.csv"), format!("/operator/filings/{number}.pack.pdf")] {
            assert_eq!(p.get(&admin, &path).await.status(), StatusCode::FORBIDDEN, "the administrator may not read {path}");
        }
        assert!(p.page(&office, "/operator/filings").await.contains(&number), "the office sees it too");
    }
}

/// Issue 14 item 4: the programme office sees each agency's classes with their supervision
/// forms or the lack of one and the online classes' completion per worker, and files the form
/// of an offline class; bad fields, an online class, a second form and other roles are refused
/// with nothing filed; the filed form reaches the agency's pull and counts for the platform's
/// own training check at once.
mod supervision {
    use super::*;

    fn record(entity: SyncEntity, id: Uuid, payload: Value) -> OutboxEntry {
        OutboxEntry { seq: 0, id: Uuid::now_v7(), entity, entity_id: id, op: SyncOp::Upsert, payload }
    }

    async fn push_all(p: &Platform, device: &EnrolResponse, entries: Vec<OutboxEntry>) -> Vec<EntryOutcome> {
        let res: PushResponse = p
            .http
            .post(p.url("/api/v1/sync/push"))
            .header("authorization", device.authorization())
            .json(&PushRequest { device_id: device.device_id, entries })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        res.results.into_iter().map(|r| r.outcome).collect()
    }

    #[tokio::test]
    async fn the_office_sees_a_class_without_its_form_files_it_and_the_training_counts() {
        let p = platform().await;
        let agency = p.agency(1).await;
        let device = p.device(agency).await;
        let (worker, offline, online) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let person = json!({
            "name": "张三丰", "id_number": id_number(1), "phone": "13812345678", "address": "上海市黄浦区某路1号",
            "service_types": ["cleaning"], "emergency_contact_name": "王五", "emergency_contact_phone": "13912345678",
            "consent_date": "2024-06-01", "agency_check_done": true, "status": "in_training"
        });
        let mut online_class = certdesk_testkit::training::class(online);
        online_class["mode"] = json!("online");
        online_class["title"] = json!("线上课程：家庭安全");
        let outcomes = push_all(
            &p,
            &device,
            vec![
                record(SyncEntity::Worker, worker, person.clone()),
                record(SyncEntity::TrainingClass, offline, certdesk_testkit::training::class(offline)),
                record(SyncEntity::ClassParticipant, Uuid::now_v7(), certdesk_testkit::training::present(offline, worker)),
                record(SyncEntity::ExamResult, Uuid::now_v7(), certdesk_testkit::training::passed_exam(offline, worker)),
                record(SyncEntity::TrainingClass, online, online_class),
                record(
                    SyncEntity::ClassParticipant,
                    Uuid::now_v7(),
                    json!({"class_id": online.to_string(), "worker_id": worker.to_string(), "hours_completed": 1.0}),
                ),
            ],
        )
        .await;
        assert!(outcomes.iter().all(|o| *o == EntryOutcome::Applied), "{outcomes:?}");
        // Without the form the platform's own check refuses the application.
        let mut applying = person.clone();
        applying["status"] = json!("eligible");
        let apply = |n| OutboxEntry { seq: n, id: Uuid::now_v7(), entity: SyncEntity::Worker, entity_id: worker, op: SyncOp::Apply, payload: applying.clone() };
        assert!(matches!(&push_all(&p, &device, vec![apply(10)]).await[0], EntryOutcome::Rejected { code, .. } if code == "training_incomplete"));

        let office = p.sign_in_as(USER).await;
        let all = p.page(&office, "/operator/supervision").await;
        assert!(all.contains("第1家政服务有限公司") && all.contains("<b style=\"color:#b42318\">1</b>"), "one class without its form: {all}");
        let page = p.page(&office, &format!("/operator/supervision?agency={agency}")).await;
        assert!(page.contains("缺督导表") && page.contains("线上课程：家庭安全") && page.contains("张三丰") && page.contains("未完成"), "{page}");
        let form_path = format!("/operator/supervision/{agency}/{offline}");
        assert!(page.contains(&format!("href=\"{form_path}\"")), "a link to the form");

        // Refused, nothing filed: a count that is no number, a field the domain refuses, the
        // online class, another role.
        let good = [
            ("supervisor_name", "赵督导"), ("method", "video"), ("supervised_at", "2026-11-20T10:30"), ("place", "上海市徐汇区漕溪北路1号"),
            ("participants_present", "1"), ("identity_checked", "1"), ("trainer", "陈老师"), ("remarks", "视频抽查"),
        ];
        let with = |k: &str, v: &'static str| good.iter().map(|(a, b)| (*a, if *a == k { v } else { *b })).collect::<Vec<_>>();
        let res = p.post(&office, &form_path, &with("participants_present", "many")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(res.text().await.unwrap().contains("实到人数须为整数"));
        let res = p.post(&office, &form_path, &with("identity_checked", "5")).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "more identities checked than present");
        let res = p.post(&office, &format!("/operator/supervision/{agency}/{online}"), &good).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(res.text().await.unwrap().contains("线上班无需督导表"));
        assert_eq!(p.post(&office, &format!("/operator/supervision/{agency}/{}", Uuid::now_v7()), &good).await.status(), StatusCode::NOT_FOUND);
        let commission = p.sign_in_as(COMMISSION).await;
        assert_eq!(p.post(&commission, &form_path, &good).await.status(), StatusCode::FORBIDDEN);
        assert!(p.page(&office, &format!("/operator/supervision?agency={agency}")).await.contains("填写督导表"), "still without its form");

        let res = p.post(&office, &form_path, &good).await;
        assert!(redirects_to(&res, &format!("/operator/supervision?agency={agency}&done=supervision_filed")), "filed");
        let page = p.page(&office, &format!("/operator/supervision?agency={agency}&done=supervision_filed")).await;
        assert!(!page.contains("填写督导表") && page.contains("赵督导") && page.contains("平台督导") && page.contains("督导表已提交"), "{page}");
        assert_eq!(p.post(&office, &form_path, &good).await.status(), StatusCode::BAD_REQUEST, "a second form");

        // The agency's desks receive it; the platform's own check now takes the application.
        let pulled: PullResponse = p.pull(&device).await.json().await.unwrap();
        let form = pulled.changes.iter().find_map(|c| match &c.body {
            ChangeBody::SupervisionFiled { class_id, form, .. } if *class_id == offline.to_string() => Some(form.clone()),
            _ => None,
        });
        let form = form.expect("the form is in the agency's pull");
        assert_eq!((form["method"].as_str(), form["supervised_at"].as_str(), form["recorded_by"].as_str()), (Some("video"), Some("2026-11-20 10:30"), Some("平台督导：li.min")));
        assert_eq!(push_all(&p, &device, vec![apply(11)]).await, [EntryOutcome::Applied]);
    }
}

/// Issue 11 item 6: every operator action on the pages is in the audit, with who did it and how
/// it ended, and administrators read it.
mod audit {
    use super::*;

    #[tokio::test]
    async fn the_audit_page_shows_who_approved_and_a_refused_form() {
        let p = platform().await;
        let device = p.device(p.agency(1).await).await;
        p.apply(&device, 1, PHOTO).await;
        let app = p.reviews().await[0].application_id;
        let office = p.sign_in().await;
        assert_eq!(p.approve(&office, app).await.status(), StatusCode::SEE_OTHER);
        let forged = Browser { cookie: office.cookie.clone(), csrf: "not-the-token".into() };
        assert_eq!(p.post(&forged, &format!("/operator/reviews/{app}/reject"), &[("reason_zh", "照片不清晰")]).await.status(), StatusCode::FORBIDDEN);
        let admin = p.sign_in_as(ADMIN).await;
        let page = p.page(&admin, "/operator/audit").await;
        let row = |needle: &str| page.split("<tr>").find(|r| r.contains(needle)).unwrap_or_default().to_owned();
        let approved = row("/approve</code>");
        assert!(approved.contains(USER) && approved.contains("session") && approved.contains(&format!("/operator/reviews/{app}/approve")) && approved.contains("完成"), "{approved}");
        let refused = row("/reject</code>");
        assert!(refused.contains(USER) && refused.contains("(403)") && refused.contains("拒绝或出错"), "{refused}");
        let signed_in = row(&format!("<td>{ADMIN}</td>"));
        assert!(signed_in.contains("sign_in") && signed_in.contains("已登录"), "{signed_in}");
    }
}

/// Issue 14 item 6: the statistics page and its CSV count what the platform holds: a known data
/// set of two agencies in two districts, two applications, one approved and one rejected.
mod stats {
    use super::*;

    #[tokio::test]
    async fn the_statistics_count_the_records_per_district_and_month_and_export_as_csv() {
        let p = platform().await;
        let office = p.sign_in().await;
        let huangpu = p.device(p.agency_in(1, "黄浦区").await).await;
        p.agency_in(2, "崇明区").await;
        let approved = p.apply(&huangpu, 1, PHOTO).await;
        p.apply(&huangpu, 2, PHOTO).await;
        for item in p.reviews().await {
            let res = if item.worker_id == approved {
                p.approve(&office, item.application_id).await
            } else {
                p.post(&office, &format!("/operator/reviews/{}/reject", item.application_id), &[("reason_zh", "照片不清晰")]).await
            };
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
        }

        let commission = p.sign_in_as(COMMISSION).await;
        let page = p.page(&commission, "/operator/stats").await;
        let row = |district: &str| {
            let at = page.find(&format!("<td>{district}</td>")).unwrap_or_else(|| panic!("{district} is listed: {page}"));
            let rest = &page[at..];
            rest[..rest.find("</tr>").unwrap()].to_owned()
        };
        assert!(row("黄浦区").starts_with("<td>黄浦区</td><td>1</td><td>1</td><td>1</td>"), "{}", row("黄浦区"));
        assert!(row("崇明区").starts_with("<td>崇明区</td><td>1</td><td>0</td><td>0</td>"), "{}", row("崇明区"));
        assert!(row("徐汇区").starts_with("<td>徐汇区</td><td>0</td><td>0</td><td>0</td>"), "every district is listed");
        // The months as a chart: two bars a month, each titled with its figure.
        assert_eq!(page.matches("data-bar=\"applications\"").count(), 12, "a bar of applications a month");
        assert_eq!(page.matches("data-bar=\"approved\"").count(), 12, "a bar of approvals a month");
        let this_month = certdesk_testkit::shanghai_today().format("%Y-%m").to_string();
        assert!(page.contains(&format!("<title>{this_month} 申领 Applied 2</title>")), "{page}");
        assert!(page.contains(&format!("<title>{this_month} 核准 Approved 1</title>")));

        let csv = p.get(&commission, "/operator/stats/months.csv").await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let text = csv.text().await.unwrap();
        assert!(text.starts_with('\u{feff}'), "a BOM, so Excel reads the Chinese");
        let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
        assert_eq!(lines.len(), 13, "a header and twelve months: {text}");
        let this_month = certdesk_testkit::shanghai_today().format("%Y-%m").to_string();
        assert!(lines[12].starts_with(&format!("{this_month},2,1,1,")), "applied 2, approved 1, rejected 1 this month: {}", lines[12]);
        assert!(lines[0].contains("线下班 offline classes,线上班 online classes,参训人数 trained,考试 exams"), "{}", lines[0]);
        // Each application's training (the test kit's: an offline class of 2026-11-20, the worker
        // credited 3 class hours, an exam passed): two classes, two workers trained, in November
        // while it is among the last twelve months.
        if let Some(november) = lines.iter().find(|l| l.starts_with("2026-11,")) {
            assert!(november.starts_with("2026-11,0,0,0,2,0,2,2,2,100.0,"), "{november}");
            assert!(page.contains("<title>2026-11 参训 Trained 2</title>"), "the trainings chart: {page}");
        }
        assert_eq!(page.matches("data-bar=\"trained\"").count(), 12, "a bar of workers trained a month");
        let districts = p.get(&commission, "/operator/stats/districts.csv").await.text().await.unwrap();
        assert!(districts.contains("\r\n黄浦区,1,1,1\r\n"), "{districts}");
        assert_eq!(p.get(&commission, "/operator/stats/secrets.csv").await.status(), StatusCode::NOT_FOUND);
    }
}

mod csrf {
    use super::*;

    async fn agencies_listed(p: &Platform, b: &Browser) -> usize {
        p.page(b, "/operator/agencies")
            .await
            .matches("发登记码")
            .count()
    }

    #[tokio::test]
    async fn a_post_without_the_right_token_or_from_another_origin_changes_nothing() {
        let p = platform().await;
        let b = p.sign_in_as(ADMIN).await;
        let fields = [
            ("name", "上海好帮手家政服务有限公司"),
            ("credit_code", &credit_code(1)),
            ("district", "徐汇区"),
            ("phone", "021-64181234"),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, &**v)).collect();

        let missing = p
            .http
            .post(p.url("/operator/agencies"))
            .header(COOKIE, &b.cookie)
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), StatusCode::FORBIDDEN, "no token");
        let wrong = Browser {
            csrf: format!("{}x", &b.csrf[..b.csrf.len() - 1]),
            ..b.clone()
        };
        assert_eq!(
            p.post(&wrong, "/operator/agencies", &fields).await.status(),
            StatusCode::FORBIDDEN
        );
        let cross = p
            .http
            .post(p.url("/operator/agencies"))
            .header(COOKIE, &b.cookie)
            .header("origin", "https://evil.example")
            .form(&[&[("csrf", b.csrf.as_str())][..], &fields].concat())
            .send()
            .await
            .unwrap();
        assert_eq!(
            cross.status(),
            StatusCode::FORBIDDEN,
            "right token, foreign origin"
        );
        let no_session = p
            .http
            .post(p.url("/operator/agencies"))
            .form(&[&[("csrf", b.csrf.as_str())][..], &fields].concat())
            .send()
            .await
            .unwrap();
        assert!(
            redirects_to(&no_session, "/operator/sign-in"),
            "right token, no session"
        );
        assert_eq!(agencies_listed(&p, &b).await, 0, "nothing was created");

        let ok = p.post(&b, "/operator/agencies", &fields).await;
        assert!(redirects_to(&ok, "/operator/agencies?done=agency_created"));
        let page = p.page(&b, "/operator/agencies").await;
        assert!(page.contains("上海好帮手家政服务有限公司") && page.contains("021-64181234"));
        assert_eq!(agencies_listed(&p, &b).await, 1);
    }

    #[tokio::test]
    async fn an_invalid_agency_form_says_why_and_registers_nothing() {
        let p = platform().await;
        let b = p.sign_in_as(ADMIN).await;
        let res = p
            .post(
                &b,
                "/operator/agencies",
                &[
                    ("name", "某家政"),
                    ("credit_code", "91310000MA1FL8L97X"),
                    ("district", "徐汇区"),
                    ("phone", "13812345678"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert!(res.text().await.unwrap().contains("class=\"error\""));
        assert_eq!(agencies_listed(&p, &b).await, 0);
    }
}

mod work {
    use super::*;

    #[tokio::test]
    async fn an_enrolment_code_from_the_page_enrols_a_desk_once() {
        let p = platform().await;
        let b = p.sign_in_as(ADMIN).await;
        let agency = p.agency(1).await;
        let res = p
            .post(
                &b,
                &format!("/operator/agencies/{agency}/enrolment-codes"),
                &[],
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let page = res.text().await.unwrap();
        let at = page.find("class=\"code\">").unwrap() + "class=\"code\">".len();
        let code = &page[at..at + page[at..].find('<').unwrap()];
        let device = enrol(&p, code).await;
        let devices = p.page(&b, "/operator/devices").await;
        assert!(devices.contains(&device.device_id.to_string()));
    }

    #[tokio::test]
    async fn the_review_page_shows_the_worker_and_photo_to_operators_only() {
        let p = platform().await;
        let b = p.sign_in().await;
        let device = p.device(p.agency(1).await).await;
        p.apply(&device, 1, PHOTO).await;
        let app = p.reviews().await[0].application_id;
        let queue = p.page(&b, "/operator/reviews").await;
        assert!(queue.contains("张三丰") && queue.contains(&id_number(1)));
        let page = p.page(&b, &format!("/operator/reviews/{app}")).await;
        assert!(
            page.contains("上海市黄浦区某路1号") && page.contains("王五"),
            "the whole record"
        );
        assert!(page.contains(&format!("/operator/reviews/{app}/photo")));
        let photo = p.get(&b, &format!("/operator/reviews/{app}/photo")).await;
        assert_eq!(photo.status(), StatusCode::OK);
        assert_eq!(photo.headers()["content-type"], "image/jpeg");
        assert_eq!(photo.bytes().await.unwrap().as_ref(), PHOTO);
        let anonymous = p
            .http
            .get(p.url(&format!("/operator/reviews/{app}/photo")))
            .send()
            .await
            .unwrap();
        assert!(
            redirects_to(&anonymous, "/operator/sign-in"),
            "no photo without a session"
        );
        let headers = p.get(&b, "/operator/reviews").await;
        let csp = headers.headers()["content-security-policy"]
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert_eq!(headers.headers()["cache-control"], "no-store");
    }

    #[tokio::test]
    async fn approving_on_the_page_puts_the_approval_in_the_agencys_pull() {
        let p = platform().await;
        let b = p.sign_in().await;
        let device = p.device(p.agency(1).await).await;
        let worker = p.apply(&device, 1, PHOTO).await;
        let app = p.reviews().await[0].application_id;

        let forged = p
            .http
            .post(p.url(&format!("/operator/reviews/{app}/approve")))
            .header(COOKIE, &b.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::FORBIDDEN);
        assert_eq!(p.reviews().await.len(), 1, "a refused POST decides nothing");

        let res = p
            .approve(&b, app)
            .await;
        assert!(redirects_to(&res, "/operator/reviews?done=approved&code="));
        assert!(p.reviews().await.is_empty());
        let pull: PullResponse = p.pull(&device).await.json().await.unwrap();
        let approved = pull.changes.iter().any(|c| {
            matches!(&c.body, ChangeBody::Approval { worker_id, certificate_code, .. }
                if *worker_id == worker && !certificate_code.is_empty())
        });
        assert!(
            approved,
            "the approval reaches the agency: {:?}",
            pull.changes
        );
        let again = p.post(&b, &format!("/operator/reviews/{app}/approve"), &[("version", "1")]).await;
        assert_eq!(again.status(), StatusCode::BAD_REQUEST, "decided once only");
    }

    /// Approval binds to the record the operator looked at (issue 11): the agency changes the
    /// photo and address after the page was opened; approving with the page's version is refused
    /// with a sentence and nothing is decided; the reloaded page approves.
    #[tokio::test]
    async fn approving_a_record_that_changed_after_the_page_showed_it_is_refused() {
        let p = platform().await;
        let b = p.sign_in().await;
        let device = p.device(p.agency(1).await).await;
        let worker = p.apply(&device, 1, PHOTO).await;
        let app = p.reviews().await[0].application_id;
        let shown = version_on(&p.page(&b, &format!("/operator/reviews/{app}")).await);

        let payload = json!({
            "name": "张三丰", "id_number": id_number(1), "phone": "13812345678",
            "address": "上海市静安区另一路2号", "service_types": ["cleaning"],
            "emergency_contact_name": "王五", "emergency_contact_phone": "13912345678",
            "consent_date": "2024-06-01", "agency_check_done": true, "status": "applied",
            "photo_sha256": hex::encode(Sha256::digest(b"another face"))
        });
        let upsert = OutboxEntry { seq: 2, id: Uuid::now_v7(), entity: SyncEntity::Worker, entity_id: worker, op: SyncOp::Upsert, payload };
        assert_eq!(p.push(&device, upsert).await.results[0].outcome, EntryOutcome::Applied);

        let stale = p.post(&b, &format!("/operator/reviews/{app}/approve"), &[("version", shown.as_str())]).await;
        assert_eq!(stale.status(), StatusCode::BAD_REQUEST);
        let text = stale.text().await.unwrap();
        assert!(text.contains("修改了人员记录") && text.contains("请刷新页面"), "{text}");
        assert_eq!(p.reviews().await.len(), 1, "nothing was decided");
        let bare = p.post(&b, &format!("/operator/reviews/{app}/approve"), &[]).await;
        assert_eq!(bare.status(), StatusCode::BAD_REQUEST, "a form without the version binds to nothing");

        let page = p.page(&b, &format!("/operator/reviews/{app}")).await;
        assert!(page.contains("另一路2号"), "the reloaded page shows the new record");
        assert_ne!(version_on(&page), shown);
        assert!(redirects_to(&p.approve(&b, app).await, "/operator/reviews?done=approved&code="));
    }

    #[tokio::test]
    async fn rejecting_on_the_page_sends_the_chinese_reason_to_the_agency() {
        let p = platform().await;
        let b = p.sign_in().await;
        let device = p.device(p.agency(1).await).await;
        let worker = p.apply(&device, 1, PHOTO).await;
        let app = p.reviews().await[0].application_id;
        let path = format!("/operator/reviews/{app}/reject");

        let english = p.post(&b, &path, &[("reason_zh", "photo mismatch")]).await;
        assert_eq!(
            english.status(),
            StatusCode::BAD_REQUEST,
            "the clerk reads Chinese"
        );
        assert_eq!(p.reviews().await.len(), 1, "still pending");

        let reason = "公安比对未通过：身份证照片与本人不符";
        let res = p
            .post(&b, &path, &[("reason_zh", reason), ("reason_en", "")])
            .await;
        assert!(redirects_to(&res, "/operator/reviews?done=rejected"));
        let pull: PullResponse = p.pull(&device).await.json().await.unwrap();
        let shown = pull.changes.iter().any(|c| {
            matches!(&c.body, ChangeBody::Rejection { worker_id, message_zh, .. }
                if *worker_id == worker && message_zh.contains(reason))
        });
        assert!(shown, "the reason reaches the agency: {:?}", pull.changes);
    }

    #[tokio::test]
    async fn a_results_file_pasted_on_the_page_decides_the_applications_it_names() {
        let p = platform().await;
        let b = p.sign_in().await;
        let device = p.device(p.agency(1).await).await;
        p.apply(&device, 1, PHOTO).await;
        p.apply(&device, 2, b"\x89PNG second photo").await;
        let csv = format!(
            "身份证号,结果,原因\n{},通过,\n{},不通过,有犯罪记录\n{},通过,\n",
            id_number(1),
            id_number(2),
            id_number(3)
        );
        let res = p
            .post(&b, "/operator/reviews/import", &[("csv", &csv)])
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = res.text().await.unwrap();
        assert!(page.contains("批准 1 条，驳回 1 条"), "{page}");
        assert!(page.contains(&id_number(3)), "the unmatched line is listed");
        assert!(p.reviews().await.is_empty());
    }

    #[tokio::test]
    async fn revoking_a_device_on_the_page_refuses_it_at_once() {
        let p = platform().await;
        let b = p.sign_in_as(ADMIN).await;
        let device = p.device(p.agency(1).await).await;
        assert_eq!(p.pull(&device).await.status(), StatusCode::OK);
        let res = p
            .post(
                &b,
                &format!("/operator/devices/{}/revoke", device.device_id),
                &[],
            )
            .await;
        assert!(redirects_to(&res, "/operator/devices?done=device_revoked"));
        assert_eq!(p.pull(&device).await.status(), StatusCode::UNAUTHORIZED);
        assert!(p.page(&b, "/operator/devices").await.contains("已吊销"));
    }

    #[tokio::test]
    async fn the_revocations_page_lists_cancelled_certificates() {
        let p = platform().await;
        let b = p.sign_in().await;
        let device = p.device(p.agency(1).await).await;
        let worker = p.apply(&device, 1, PHOTO).await;
        let app = p.reviews().await[0].application_id;
        p.approve(&b, app)
            .await;
        let pull: PullResponse = p.pull(&device).await.json().await.unwrap();
        let code = pull
            .changes
            .iter()
            .find_map(|c| match &c.body {
                ChangeBody::Approval {
                    certificate_code, ..
                } => Some(certificate_code.clone()),
                _ => None,
            })
            .unwrap();
        let cancel = OutboxEntry {
            seq: 10,
            id: Uuid::now_v7(),
            entity: SyncEntity::Worker,
            entity_id: worker,
            op: SyncOp::Cancel,
            payload: Value::Null,
        };
        let res: PushResponse = p
            .http
            .post(p.url("/api/v1/sync/push"))
            .header("authorization", device.authorization())
            .json(&PushRequest {
                device_id: device.device_id,
                entries: vec![cancel],
            })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(res.results[0].outcome, EntryOutcome::Applied);
        let page = p.page(&b, "/operator/revocations").await;
        assert!(page.contains(&code) && page.contains("已注销"), "{page}");
    }
}


/// An attacker who controls a value the pages show (an agency's name, a field of a worker
/// record a desk sends, what an operator types) must not get markup into an operator's page.
mod markup_in_data {
    use super::*;

    /// Markup, an attribute-closing double quote and a single quote.
    const HOSTILE: &str = "<script>alert('x')</script>\"家政";
    /// The same, as the page must carry it: text, not markup.
    const SHOWN: &str = "&lt;script&gt;alert('x')&lt;/script&gt;&quot;家政";

    fn assert_inert(page: &str, where_: &str) {
        assert!(
            !page.contains("<script"),
            "{where_}: markup from data got into the page"
        );
        assert!(
            !page.contains("\"家政"),
            "{where_}: a double quote from data is raw, so it could close an attribute"
        );
    }

    #[tokio::test]
    async fn an_agency_name_and_a_worker_record_with_markup_show_as_text_on_every_page() {
        let p = platform().await;
        let b = p.sign_in_as(ADMIN).await;
        let office = p.sign_in().await;
        let res = p
            .post(
                &b,
                "/operator/agencies",
                &[
                    ("name", HOSTILE),
                    ("credit_code", &credit_code(7)),
                    ("district", "徐汇区"),
                    ("phone", "021-64001234"),
                ],
            )
            .await;
        assert!(redirects_to(&res, "/operator/agencies?done=agency_created"));
        let agencies = p.page(&b, "/operator/agencies").await;
        assert_inert(&agencies, "agencies");
        assert!(
            agencies.contains(&format!("<td>{SHOWN}</td>")),
            "{agencies}"
        );
        let at = agencies.find("/operator/agencies/").unwrap() + "/operator/agencies/".len();
        let agency: Uuid = agencies[at..at + 36]
            .parse()
            .expect("the agency's id in its form");

        let code_page = p
            .post(
                &b,
                &format!("/operator/agencies/{agency}/enrolment-codes"),
                &[],
            )
            .await;
        assert_eq!(code_page.status(), StatusCode::CREATED);
        let code_page = code_page.text().await.unwrap();
        assert_inert(&code_page, "enrolment code");
        assert!(
            code_page.contains(&format!("<b>{SHOWN}</b>")),
            "{code_page}"
        );

        let device = p.device(agency).await;
        let devices = p.page(&b, "/operator/devices").await;
        assert_inert(&devices, "devices");
        assert!(devices.contains(&format!("<td>{SHOWN}</td>")), "{devices}");

        // A desk's worker record with markup in its free-text address (a name is letters only).
        let worker_id = Uuid::now_v7();
        let payload = json!({
            "name": "张三丰", "id_number": id_number(1), "phone": "13812345678",
            "address": HOSTILE, "service_types": ["cleaning"],
            "emergency_contact_name": "王五", "emergency_contact_phone": "13912345678",
            "consent_date": "2024-06-01", "agency_check_done": true, "status": "eligible"
        });
        let apply = OutboxEntry { seq: 1, id: Uuid::now_v7(), entity: SyncEntity::Worker, entity_id: worker_id, op: SyncOp::Apply, payload };
        let res = p.push(&device, apply).await;
        assert_eq!(res.results[0].outcome, EntryOutcome::Applied);
        let queue = p.page(&office, "/operator/reviews").await;
        assert_inert(&queue, "review queue");
        assert!(queue.contains(&format!("<td>{SHOWN}</td>")), "{queue}");
        let app = p.reviews().await[0].application_id;
        let review = p.page(&office, &format!("/operator/reviews/{app}")).await;
        assert_inert(&review, "review");
        assert_eq!(
            review.matches(SHOWN).count(),
            2,
            "the agency and the address, as text: {review}"
        );
    }

    #[tokio::test]
    async fn what_an_operator_types_is_echoed_as_text() {
        let p = platform().await;
        let refused = p.try_sign_in(HOSTILE, "not the password").await;
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
        let page = refused.text().await.unwrap();
        assert_inert(&page, "sign-in");
        assert!(
            page.contains(&format!("name=\"user\" value=\"{SHOWN}\"")),
            "{page}"
        );

        let b = p.sign_in_as(ADMIN).await;
        let res = p
            .post(
                &b,
                "/operator/agencies",
                &[
                    ("name", HOSTILE),
                    ("credit_code", HOSTILE),
                    ("district", HOSTILE),
                    ("phone", HOSTILE),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = res.text().await.unwrap();
        assert_inert(&page, "refused agency form");
        for field in ["name", "credit_code", "phone"] {
            assert!(
                page.contains(&format!("name=\"{field}\" value=\"{SHOWN}\"")),
                "{field} is given back as typed, as text: {page}"
            );
        }

        // The review forms are the programme office's.
        let b = p.sign_in().await;
        let device = p.device(p.agency(1).await).await;
        p.apply(&device, 1, PHOTO).await;
        let app = p.reviews().await[0].application_id;
        let res = p
            .post(
                &b,
                &format!("/operator/reviews/{app}/reject"),
                &[("reason_zh", HOSTILE), ("reason_en", HOSTILE)],
            )
            .await;
        assert!(
            redirects_to(&res, "/operator/reviews?done=rejected"),
            "a Chinese reason is taken as it is: the agency's desk shows it as text"
        );
        let res = p
            .post(
                &b,
                "/operator/reviews/import",
                &[(
                    "csv",
                    &format!("{HOSTILE},通过,\n110101199001011234,{HOSTILE},\n"),
                )],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let page = res.text().await.unwrap();
        assert_inert(&page, "import report");
        assert!(
            page.contains("unknown result &quot;&lt;script&gt;alert('x')&lt;/script&gt;"),
            "the unreadable lines, as text: {page}"
        );
    }
}
