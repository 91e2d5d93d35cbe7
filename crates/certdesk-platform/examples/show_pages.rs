//! Serves the platform's pages with a small scene so they can be looked at in a browser: a
//! valid card (public page) and the operator pages, with an agency name and a worker's address
//! that carry markup (they must show as text).
//!
//! ```sh
//! cargo run -p certdesk-platform --example show_pages -- OUT_DIR
//! ```
//!
//! Writes `OUT_DIR/public.url` (the valid card's page, served until the program is stopped;
//! yellow, or green with `--green` after OUT_DIR, which syncs an in-date health check and policy)
//! and the operator pages as signed in (`agencies.html`, `reviews.html`, `review.html`,
//! `devices.html`, `sign-in.html`, `details.html`, `audit.html`, `filings.html`, `supervision.html`, `supervision-all.html`, `complaints.html`, `complaint.html`, `complaint-received.html`; the citizen's complaint lookup in `complaint.url`), for `chromium --headless --screenshot` (operator pages need
//! the session cookie, so they are saved rather than opened by URL; their photos do not load).

#[path = "../tests/it/support/scene.rs"]
mod scene;

use certdesk_platform::operator_pages::auth;
use certdesk_platform::store::sqlite::SqliteStore;
use certdesk_protocol::operator::ReviewItem;
use certdesk_protocol::sync::{OutboxEntry, SyncEntity, SyncOp};
use certdesk_testkit::platform::{Options, TestPlatform};
use certdesk_testkit::{credit_code, id_number};
use reqwest::header::{COOKIE, SET_COOKIE};
use scene::{entry, worker, Scene};
use serde_json::json;
use uuid::Uuid;

const USER: &str = "li.min";
/// The administrator, who sees the agencies and devices pages.
const ADMIN: &str = "wang.admin";
const PASSWORD: &str = "correct horse battery staple";
const MARKUP: &str = "<script>alert(\"x\")</script> O'Brien";

fn cookie_of(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(&format!("{name}=")))
        .expect("the cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a form");
    let rest = &page[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

#[tokio::main]
async fn main() {
    let out = std::path::PathBuf::from(std::env::args().nth(1).expect("an output folder"));
    std::fs::create_dir_all(&out).unwrap();
    let dir = tempfile::tempdir().unwrap();
    {
        let store = SqliteStore::open(dir.path()).unwrap();
        let hash = auth::hash_password(PASSWORD).unwrap();
        for (user, role) in [(USER, None), (ADMIN, Some(certdesk_platform::store::operators::OperatorRole::Admin))] {
            assert!(certdesk_platform::flows::set_operator(&store, &certdesk_platform::ids::SystemIds, user, &hash, role, chrono::Utc::now()).unwrap());
        }
    }
    let s = Scene(TestPlatform::start_in(dir, Options::default().without_redirects()).await);
    let agency = s.agency(1, "黄浦区", Some("021-63001234")).await;
    let device = s.device(agency).await;
    let res = s
        .operator(reqwest::Method::POST, "/api/v1/operator/agencies")
        .json(
            &json!({"name": format!("{MARKUP} 家政"), "credit_code": credit_code(2),
                      "district": "静安区", "phone": "021-62001234"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED);
    let photo = s
        .upload_photo(&device, b"\xff\xd8\xff\xe0 photo \xff\xd9")
        .await;
    // A worker's name is letters only (the desk's and the platform's rule); the address is free text.
    let mut markup_worker = worker("李四", &id_number(3), None);
    markup_worker["address"] = json!(MARKUP);
    let valid = Uuid::now_v7();
    let pending = Uuid::now_v7();
    s.push(
        &device,
        &[
            entry(
                1,
                valid,
                "apply",
                worker("张小三", &id_number(2), Some(&photo)),
            ),
            entry(2, pending, "apply", markup_worker),
        ],
    )
    .await;

    // Sign in as a browser does: the programme office's operator, and the administrator.
    let sign_in = |user: &'static str| {
        let s = &s;
        let out = out.clone();
        async move {
            let form = s.http.get(s.url("/operator/sign-in")).send().await.unwrap();
            let pre = cookie_of(&form, auth::SIGN_IN_COOKIE);
            let sign_in_html = form.text().await.unwrap();
            std::fs::write(out.join("sign-in.html"), &sign_in_html).unwrap();
            let res = s
                .http
                .post(s.url("/operator/sign-in"))
                .header(COOKIE, pre)
                .header("origin", &s.base)
                .form(&[("csrf", csrf_in(&sign_in_html).as_str()), ("user", user), ("password", PASSWORD)])
                .send()
                .await
                .unwrap();
            cookie_of(&res, auth::SESSION_COOKIE)
        }
    };
    let session = sign_in(USER).await;
    let admin = sign_in(ADMIN).await;
    let get = |path: String| {
        let req = s.http.get(s.url(&path)).header(COOKIE, &session);
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let get_as_admin = |path: String| {
        let req = s.http.get(s.url(&path)).header(COOKIE, &admin);
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let reviews: Vec<ReviewItem> = s
        .operator(reqwest::Method::GET, "/api/v1/operator/reviews")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_of = |w: Uuid| {
        reviews
            .iter()
            .find(|r| r.worker_id == w)
            .expect("an application")
            .application_id
    };
    let review = get(format!("/operator/reviews/{}", app_of(valid))).await;
    let csrf = csrf_in(&review);
    // The approve form binds to the record version the page showed.
    const AT: &str = "name=\"version\" value=\"";
    let at = review.find(AT).expect("the approve form") + AT.len();
    let version = review[at..].split('"').next().unwrap().to_owned();
    let res = s
        .http
        .post(s.url(&format!("/operator/reviews/{}/approve", app_of(valid))))
        .header(COOKIE, &session)
        .header("origin", &s.base)
        .form(&[("csrf", csrf.as_str()), ("version", version.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER, "approved");
    let card = s.latest_approval(&device, valid).await.expect("a card");
    // The agency files its roster for November with the approved worker (`filings.html`).
    let day = |d: &str| d.parse().ok();
    let filing = certdesk_protocol::roster::RosterFiling {
        filing_id: Uuid::now_v7(),
        period_from: "2026-11-01".parse().unwrap(),
        period_to: "2026-11-30".parse().unwrap(),
        replaces: None,
        rows: vec![certdesk_protocol::roster::RosterRow {
            name: "张小三".into(),
            id_number: id_number(2),
            certificate_code: card.code.clone(),
            agency_name: "第1家政服务有限公司".into(),
            training_from: day("2026-11-20"),
            training_to: day("2026-11-20"),
            half_hours: 6,
            exam_score: Some(90.0),
            exam_date: day("2026-11-20"),
        }],
    };
    let res = s.http.post(s.url("/api/v1/roster/filings")).header("authorization", device.authorization()).json(&filing).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::CREATED, "filed: {}", res.text().await.unwrap());
    // An offline class without its supervision form and an online class half done
    // (`supervision.html`).
    let (offline, online) = (Uuid::now_v7(), Uuid::now_v7());
    let mut online_class = certdesk_testkit::training::class(online);
    online_class["mode"] = json!("online");
    online_class["title"] = json!("线上课程：居家安全与急救");
    online_class["starts_at"] = json!("2026-11-25 19:00");
    online_class["ends_at"] = json!("2026-11-25 22:00");
    let record = |entity, id, payload| OutboxEntry { seq: 0, id: Uuid::now_v7(), entity, entity_id: id, op: SyncOp::Upsert, payload };
    s.push(
        &device,
        &[
            record(SyncEntity::TrainingClass, offline, certdesk_testkit::training::class(offline)),
            record(SyncEntity::ClassParticipant, Uuid::now_v7(), certdesk_testkit::training::present(offline, valid)),
            record(SyncEntity::TrainingClass, online, online_class),
            record(SyncEntity::ClassParticipant, Uuid::now_v7(), json!({"class_id": online.to_string(), "worker_id": valid.to_string(), "hours_completed": 1.5})),
        ],
    )
    .await;
    // The agency then renames the approved worker and changes the photo: an application for
    // updated details (`details.html`).
    let new_photo = s.upload_photo(&device, b"\xff\xd8\xff\xe0 another photo \xff\xd9").await;
    let mut changed = worker("张晓三", &id_number(2), Some(&new_photo));
    changed["service_types"] = json!(["cleaning", "elder_care", "cooking"]);
    s.push(&device, &[entry(3, valid, "upsert", changed)]).await;
    let details: Vec<ReviewItem> = s.operator(reqwest::Method::GET, "/api/v1/operator/reviews").send().await.unwrap().json().await.unwrap();
    let details_app = details.iter().find(|r| r.kind == "details").expect("an application for updated details").application_id;

    // A citizen's complaint from the card's page, answered by the agency (`complaints.html`,
    // `complaint.html`, and the citizen's lookup in `complaint.url`).
    let (reference, html) = s.file_complaint(&card.url, "约定上午九点上门，实际十一点才到，也没有提前电话告知。", "139****0000").await;
    std::fs::write(out.join("complaint-received.html"), &html).unwrap();
    let complaint_id = s
        .pull_all(&device)
        .await
        .into_iter()
        .find_map(|b| match b {
            certdesk_protocol::sync::ChangeBody::Complaint { complaint_id, .. } => Some(complaint_id),
            _ => None,
        })
        .expect("the agency pulls the complaint");
    let answer = certdesk_protocol::complaint::ComplaintAnswer {
        complaint_id,
        action: "已与服务人员谈话，并电话向客户致歉；今后上门前一小时电话确认。".into(),
        done_on: chrono::Utc::now().with_timezone(&certdesk_domain::shanghai()).date_naive(),
        answered_by: "前台小李".into(),
        answered_by_id: None,
        answered_at: None,
    };
    s.push(
        &device,
        &[OutboxEntry { seq: 0, id: Uuid::now_v7(), entity: SyncEntity::ComplaintAnswer, entity_id: Uuid::now_v7(), op: SyncOp::Upsert, payload: json!(answer) }],
    )
    .await;
    std::fs::write(out.join("complaint.url"), format!("{}/complaint?ref={reference}", s.base)).unwrap();

    for (name, path) in [
        ("complaints", "/operator/complaints".to_owned()),
        ("complaint", format!("/operator/complaints/{complaint_id}")),
        ("reviews", "/operator/reviews".to_owned()),
        ("review", format!("/operator/reviews/{}", app_of(pending))),
        ("details", format!("/operator/reviews/{details_app}")),
        ("stats", "/operator/stats".to_owned()),
        ("filings", "/operator/filings".to_owned()),
        ("supervision", format!("/operator/supervision?agency={agency}")),
        ("supervision-all", "/operator/supervision".to_owned()),
    ] {
        std::fs::write(out.join(format!("{name}.html")), get(path).await).unwrap();
    }
    for (name, path) in [("agencies", "/operator/agencies"), ("devices", "/operator/devices"), ("audit", "/operator/audit")] {
        std::fs::write(out.join(format!("{name}.html")), get_as_admin(path.to_owned()).await).unwrap();
    }
    std::fs::write(out.join("public.url"), &card.url).unwrap();
    // The same certificate looked up by its code typed by hand (lower case, spaced).
    let spoken = format!("{}%20{}", &card.code[..8].to_lowercase(), &card.code[8..].to_lowercase());
    std::fs::write(out.join("lookup.url"), format!("{}/lookup?code={spoken}", s.base)).unwrap();
    println!("{}", card.url);
    // The same card once the agency synced an in-date health check and policy: green (the
    // card above, with none, is yellow).
    let today = certdesk_testkit::shanghai_today();
    let worker_id = valid.to_string();
    let records = [
        (SyncEntity::HealthCheck, json!({"id": Uuid::now_v7().to_string(), "worker_id": worker_id, "checked_on": (today - chrono::Days::new(30)).to_string(),
            "institution": "上海市黄浦区中心医院", "category": "home", "result": "pass", "valid_until": (today + chrono::Days::new(335)).to_string()})),
        (SyncEntity::Insurance, json!({"id": Uuid::now_v7().to_string(), "worker_id": worker_id, "insurer": "中国平安", "policy_number": "PA-1",
            "kind": "accident", "valid_from": (today - chrono::Days::new(60)).to_string(), "valid_until": (today + chrono::Days::new(300)).to_string()})),
    ];
    let entries: Vec<OutboxEntry> = records
        .into_iter()
        .map(|(entity, payload)| OutboxEntry { seq: 0, id: Uuid::now_v7(), entity, entity_id: Uuid::now_v7(), op: SyncOp::Upsert, payload })
        .collect();
    if std::env::args().nth(2).as_deref() == Some("--green") {
        s.push(&device, &entries).await;
        println!("health check and insurance synced: the page is green");
    }
    tokio::signal::ctrl_c().await.unwrap();
}
