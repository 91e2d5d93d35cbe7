//! The programme office's pages in a real browser (issue 14's tests): the platform (dev TLS)
//! with an agency, an approved worker, an offline class its desk synced without a supervision
//! form, and a complaint a citizen filed on the check page. WebKitWebDriver drives the
//! WebKitGTK MiniBrowser at 1280 × 800: the office's operator signs in through the form, files
//! the class's supervision form on the supervision page, closes the complaint with a
//! conclusion, and reads the statistics; the commission's reader signs in and sees the
//! statistics and the filings but no supervision form. What the pages did is checked where it
//! lands: the agency's next pull brings the form and the closing, and the citizen's lookup by
//! the reference says closed. Screenshots for a person to look at (`tests/screenshots/operator-*.png`,
//! and the README's `docs/screenshots/operator-{supervision,complaint,stats,filings}.png`).
//!
//! Ignored by default: needs a display (scripts/test runs it under xvfb-run) and
//! `webkit2gtk-driver`.

use crate::public_page::{minibrowser, scene, WebKitDriver};
use crate::window;

use std::path::Path;

use certdesk_protocol::sync::{ChangeBody, OutboxEntry, SyncEntity, SyncOp};
use thirtyfour::prelude::*;
use uuid::Uuid;

/// Apart from the ports the window tests (4444 and up) and the public page's test (4450) use.
const WEBDRIVER_PORT: u16 = 4452;
const OFFICE: &str = "li.min";
const COMMISSION: &str = "zhao.shangwu";
const PASSWORD: &str = "correct horse battery staple";

/// A desktop browser trusting the platform's dev CA.
async fn desktop(ca: &Path) -> WebDriver {
    minibrowser(ca, WEBDRIVER_PORT, 1280, 800).await
}

/// Types into the field named `name` (cleared first).
async fn fill(d: &WebDriver, name: &str, value: &str) {
    let field = d.find(By::Name(name)).await.unwrap_or_else(|_| panic!("a field named {name}"));
    field.scroll_into_view().await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Signs in through the sign-in form as a person would, and waits for the first page.
async fn sign_in(d: &WebDriver, base: &str, user: &str) {
    // Another operator's session goes with its cookies, as signing out does.
    d.goto(&format!("{base}/operator/sign-in")).await.unwrap();
    d.delete_all_cookies().await.unwrap();
    d.goto(&format!("{base}/operator/sign-in")).await.unwrap();
    fill(d, "user", user).await;
    fill(d, "password", PASSWORD).await;
    d.find(By::Css("form.card button")).await.unwrap().click().await.unwrap();
    window::wait_text(d, By::Css("span.who"), user).await;
}

/// The page's visible text.
async fn body(d: &WebDriver) -> String {
    d.find(By::Tag("body")).await.unwrap().text().await.unwrap()
}

/// Saves the screenshot under `tests/screenshots/NAME.png` and, for the README, as `docs`.
async fn shot_for_readme(d: &WebDriver, name: &str, docs: &str) {
    window::shot(d, name).await;
    std::fs::copy(window::screenshots().join(format!("{name}.png")), Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots").join(docs)).unwrap();
}

#[tokio::test]
#[ignore = "needs a display and WebKitWebDriver; scripts/test runs it under xvfb-run"]
async fn the_office_files_a_supervision_form_closes_a_complaint_and_reads_the_statistics_in_a_browser() {
    let s = scene::scene().await;
    s.with_store(|store| {
        use certdesk_platform::store::operators::OperatorRole;
        let hash = certdesk_platform::operator_pages::auth::hash_password(PASSWORD).unwrap();
        for (user, role) in [(OFFICE, Some(OperatorRole::Office)), (COMMISSION, Some(OperatorRole::Commission))] {
            certdesk_platform::flows::set_operator(&store, &certdesk_platform::ids::SystemIds, user, &hash, role, chrono::Utc::now()).unwrap();
        }
    });
    let agency = s.agency(1, "黄浦", Some("021-63001234")).await;
    let device = s.device(agency).await;
    let cert = s.approved(&device, "张小三", &certdesk_testkit::id_number(2), None).await;
    // The agency files its November roster (the test kit's training: 3 class hours and an exam
    // passed with 90, on 2026-11-20), as its desk does.
    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let filing = certdesk_protocol::roster::RosterFiling {
        filing_id: Uuid::now_v7(),
        period_from: day("2026-11-01"),
        period_to: day("2026-11-30"),
        replaces: None,
        rows: vec![certdesk_protocol::roster::RosterRow {
            name: "张小三".into(),
            id_number: certdesk_testkit::id_number(2),
            certificate_code: cert.code.clone(),
            agency_name: "第1家政服务有限公司".into(),
            training_from: Some(day("2026-11-20")),
            training_to: Some(day("2026-11-20")),
            half_hours: 6,
            exam_score: Some(90.0),
            exam_date: Some(day("2026-11-20")),
        }],
    };
    let filed = s.http.post(s.url("/api/v1/roster/filings")).header("authorization", device.authorization()).json(&filing).send().await.unwrap();
    assert_eq!(filed.status(), reqwest::StatusCode::CREATED, "the roster is filed: {:?}", filed.text().await);
    // A second offline class the desk held without its supervision form.
    let class = Uuid::now_v7();
    let mut payload = certdesk_testkit::training::class(class);
    payload["title"] = serde_json::json!("入户安全培训");
    let record = |entity: SyncEntity, id: Uuid, payload: serde_json::Value| OutboxEntry { seq: 0, id: Uuid::now_v7(), entity, entity_id: id, op: SyncOp::Upsert, payload };
    let pushed = s
        .push(
            &device,
            &[
                record(SyncEntity::TrainingClass, class, payload),
                record(SyncEntity::ClassParticipant, Uuid::now_v7(), certdesk_testkit::training::present(class, cert.worker_id)),
            ],
        )
        .await;
    assert!(pushed.iter().all(|o| *o == certdesk_protocol::sync::EntryOutcome::Applied), "{pushed:?}");
    let (reference, _) = s.file_complaint(&cert.url, "上门服务迟到两小时，未提前告知", "").await;
    let base = s.base.clone();
    let ca = s.server().dev_ca.clone().unwrap();

    let _driver = WebKitDriver::start_on(WEBDRIVER_PORT);
    let d = desktop(&ca).await;
    let outcome = {
        let (d, base, reference) = (&d, &base, &reference);
        futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(async move {
            sign_in(d, base, OFFICE).await;

            // Supervision: the agency has one offline class without its form; file it.
            d.goto(&format!("{base}/operator/supervision")).await.unwrap();
            d.find(By::LinkText("第1家政服务有限公司")).await.unwrap().click().await.unwrap();
            window::wait_text(d, By::Tag("body"), "缺督导表").await;
            d.find(By::LinkText("填写督导表 File the form")).await.unwrap().click().await.unwrap();
            window::wait_text(d, By::Tag("h1"), "督导表").await;
            fill(d, "supervisor_name", "赵督导").await;
            d.find(By::Css("select[name=method] option[value=video]")).await.unwrap().click().await.unwrap();
            fill(d, "supervised_at", "2026-11-20 10:30").await;
            fill(d, "place", "上海市徐汇区漕溪北路1号").await;
            fill(d, "participants_present", "many").await;
            fill(d, "identity_checked", "1").await;
            fill(d, "trainer", "陈老师").await;
            fill(d, "remarks", "视频抽查，讲师按大纲授课").await;
            d.find(By::Css("form.card button[type=submit]")).await.unwrap().click().await.unwrap();
            // A count that is no number: the form comes back with the sentence, nothing filed.
            window::wait_text(d, By::Css("p.error"), "实到人数须为整数").await;
            fill(d, "participants_present", "1").await;
            d.find(By::Css("form.card button[type=submit]")).await.unwrap().click().await.unwrap();
            window::wait_text(d, By::Tag("body"), "督导表已提交").await;
            let page = body(d).await;
            assert!(page.contains("赵督导") && !page.contains("填写督导表"), "the class has its form: {page}");
            shot_for_readme(d, "operator-00-supervision", "operator-supervision.png").await;

            // Complaints: the open one, with its age; close it with a conclusion.
            d.goto(&format!("{base}/operator/complaints")).await.unwrap();
            let row = window::wait(d, By::Css(format!("tr[data-reference='{reference}']"))).await;
            let cells: Vec<String> = {
                let mut texts = Vec::new();
                for td in row.find_all(By::Tag("td")).await.unwrap() {
                    texts.push(td.text().await.unwrap());
                }
                texts
            };
            assert_eq!(cells[4], "0", "filed today: 0 days old ({cells:?})");
            assert!(cells[2].contains("张小三"), "{cells:?}");
            d.find(By::LinkText(reference)).await.unwrap().click().await.unwrap();
            window::wait_text(d, By::Tag("body"), "上门服务迟到两小时").await;
            fill(d, "note", "已约谈机构，机构已向市民致歉并调整排班，办结").await;
            d.find(By::Css("button[value=close]")).await.unwrap().click().await.unwrap();
            window::wait(d, By::Css("tr[data-event=closed]")).await;
            assert!(d.find_all(By::Css("button[value=close]")).await.unwrap().is_empty(), "a closed complaint offers no action");
            shot_for_readme(d, "operator-01-complaint", "operator-complaint.png").await;
            d.goto(&format!("{base}/complaint?ref={reference}")).await.unwrap();
            let verdict = window::wait(d, By::Css("[data-verdict]")).await.attr("data-verdict").await.unwrap();
            assert_eq!(verdict.as_deref(), Some("closed"), "the citizen's lookup says closed");

            // Statistics: the agency, its certificate and the exams its desk synced.
            d.goto(&format!("{base}/operator/stats")).await.unwrap();
            let page = window::wait_text(d, By::Tag("body"), "黄浦区").await;
            assert!(page.contains("黄浦区"), "{page}");
            shot_for_readme(d, "operator-02-stats", "operator-stats.png").await;

            // The commission reads the statistics and the filings, and may not file a form.
            sign_in(d, base, COMMISSION).await;
            d.goto(&format!("{base}/operator/stats")).await.unwrap();
            window::wait_text(d, By::Tag("body"), "黄浦区").await;
            d.goto(&format!("{base}/operator/filings")).await.unwrap();
            window::wait_text(d, By::Tag("h1"), "名册备案").await;
            let listed = window::wait_text(d, By::Css("table[data-table=filings]"), "BA2026-").await;
            assert!(listed.contains("第1家政服务有限公司") && listed.contains("2026-11-01 – 2026-11-30"), "{listed}");
            shot_for_readme(d, "operator-03-commission-filings", "operator-filings.png").await;
            d.goto(&format!("{base}/operator/supervision")).await.unwrap();
            let refused = body(d).await;
            assert!(!refused.contains("填写督导表") && !refused.contains("第1家政服务有限公司"), "the commission sees no supervision page: {refused}");
        }))
        .await
    };
    window::finish(d, outcome).await;

    let pulled = s.pull_all(&device).await;
    assert!(
        pulled.iter().any(|c| matches!(c, ChangeBody::SupervisionFiled { class_id, form, .. }
            if *class_id == class.to_string() && form["supervisor_name"] == "赵督导" && form["method"] == "video")),
        "the form filed in the browser reaches the agency's pull"
    );
    assert!(
        pulled.iter().any(|c| matches!(c, ChangeBody::ComplaintClosed { conclusion, .. } if conclusion.contains("已约谈机构"))),
        "and the closing with its conclusion"
    );
    s.stop().await;
}
