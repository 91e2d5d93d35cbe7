//! Roster filing (名册备案, issue 14 item 2) through the platform's HTTPS API, as a desk files:
//! a roster whose every row holds is answered with a receipt signed by a key of the trust list;
//! the same filing sent again gets the same receipt; a replay under another id, a period in the
//! future or reversed, a row of another agency, a code that does not exist, hours or an exam
//! that the synced records do not carry, and corrections that do not hold are refused with a
//! sentence naming what is wrong, and nothing is filed.

use certdesk_protocol::roster::{roster_sha256, FilingReceipt, ReceiptProblem, RosterFiling, RosterRow};
use certdesk_protocol::sync::EnrolResponse;
use certdesk_protocol::{ApiCode, ApiError, TrustList};
use chrono::NaiveDate;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::support::scene::{scene, Approved, Scene};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The row a desk files for an approved worker of the scene (trained by the test kit: 3 class
/// hours on 2026-11-20, exam passed with 90 that day).
fn row(agency_n: u32, name: &str, id: &str, cert: &Approved) -> RosterRow {
    RosterRow {
        name: name.into(),
        id_number: id.into(),
        certificate_code: cert.code.clone(),
        agency_name: format!("第{agency_n}家政服务有限公司"),
        training_from: Some(day("2026-11-20")),
        training_to: Some(day("2026-11-20")),
        half_hours: 6,
        exam_score: Some(90.0),
        exam_date: Some(day("2026-11-20")),
    }
}

fn filing(rows: Vec<RosterRow>) -> RosterFiling {
    RosterFiling { filing_id: Uuid::now_v7(), period_from: day("2026-11-01"), period_to: day("2026-11-30"), replaces: None, rows }
}

async fn file(p: &Scene, device: &EnrolResponse, f: &RosterFiling) -> reqwest::Response {
    p.http.post(p.url("/api/v1/roster/filings")).header("authorization", device.authorization()).json(f).send().await.unwrap()
}

async fn filed(p: &Scene, device: &EnrolResponse, f: &RosterFiling, status: StatusCode) -> FilingReceipt {
    let res = file(p, device, f).await;
    assert_eq!(res.status(), status, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

async fn refused(p: &Scene, device: &EnrolResponse, f: &RosterFiling, status: StatusCode, code: ApiCode) -> ApiError {
    let before = numbers(p);
    let res = file(p, device, f).await;
    assert_eq!(res.status(), status);
    let e: ApiError = res.json().await.unwrap();
    assert!(e.is(code), "{e:?}");
    assert_eq!(numbers(p), before, "a refused filing files nothing");
    e
}

/// Every filing the platform holds, by number.
fn numbers(p: &Scene) -> Vec<String> {
    p.with_store(|s| certdesk_platform::flows::roster::filings(&s, None).unwrap()).into_iter().map(|r| r.body.number).collect()
}

async fn trust(p: &Scene) -> TrustList {
    p.http.get(p.url("/api/v1/trust-list")).send().await.unwrap().json().await.unwrap()
}

/// Two agencies: A with two certified workers, B with one.
async fn two_agencies(p: &Scene) -> (EnrolResponse, Vec<RosterRow>, EnrolResponse, RosterRow) {
    let a = p.device(p.agency(1, "黄浦区", None).await).await;
    let b = p.device(p.agency(2, "徐汇区", None).await).await;
    let (id1, id2, id3) = (certdesk_testkit::id_number(11), certdesk_testkit::id_number(12), certdesk_testkit::id_number(13));
    let c1 = p.approved(&a, "张一", &id1, None).await;
    let c2 = p.approved(&a, "张二", &id2, None).await;
    let c3 = p.approved(&b, "李三", &id3, None).await;
    (a, vec![row(1, "张一", &id1, &c1), row(1, "张二", &id2, &c2)], b, row(2, "李三", &id3, &c3))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roster_is_filed_once_with_a_receipt_that_verifies_offline_and_a_replay_is_refused() {
    let p = scene().await;
    let (a, rows, _, _) = two_agencies(&p).await;
    let first = filing(rows.clone());
    let receipt = filed(&p, &a, &first, StatusCode::CREATED).await;
    assert!(receipt.body.number.starts_with("BA2026-"), "{}", receipt.body.number);
    assert_eq!((receipt.body.rows, receipt.body.agency_name.as_str()), (2, "第1家政服务有限公司"));
    assert_eq!(receipt.body.roster_sha256, roster_sha256(&rows));
    let trust = trust(&p).await;
    assert_eq!(receipt.verify_for(&trust, &rows), Ok(()), "the receipt verifies against the trust list, offline");

    // One byte of the receipt changed: refused by the signature.
    let mut json = serde_json::to_string(&receipt).unwrap();
    json = json.replacen(&receipt.body.roster_sha256[..4], "0000", 1);
    let tampered: FilingReceipt = serde_json::from_str(&json).unwrap();
    assert_eq!(tampered.verify(&trust), Err(ReceiptProblem::BadSignature));

    // The answer was lost: the same filing again gets the same receipt, and nothing twice.
    let again = filed(&p, &a, &first, StatusCode::OK).await;
    assert_eq!(again, receipt);
    assert_eq!(numbers(&p), std::slice::from_ref(&receipt.body.number));

    // The same rows for the same period under a new id: a replay.
    let e = refused(&p, &a, &filing(rows.clone()), StatusCode::CONFLICT, ApiCode::FilingExists).await;
    assert!(e.message_zh.contains(&receipt.body.number), "{}", e.message_zh);
    // The same id with other rows.
    let reused = RosterFiling { rows: rows[..1].to_vec(), ..first.clone() };
    refused(&p, &a, &reused, StatusCode::CONFLICT, ApiCode::FilingExists).await;

    // A correction names the filing it replaces, for its period; once.
    let correction = RosterFiling { replaces: Some(receipt.body.number.clone()), ..filing(rows[..1].to_vec()) };
    let corrected = filed(&p, &a, &correction, StatusCode::CREATED).await;
    assert_eq!(corrected.body.replaces.as_deref(), Some(receipt.body.number.as_str()));
    assert_eq!(corrected.verify_for(&trust, &rows[..1]), Ok(()));
    let twice = RosterFiling { replaces: Some(receipt.body.number.clone()), ..filing(rows.clone()) };
    let e = refused(&p, &a, &twice, StatusCode::CONFLICT, ApiCode::FilingExists).await;
    assert!(e.message_zh.contains(&corrected.body.number), "{}", e.message_zh);
    let other_period = RosterFiling { period_from: day("2026-10-01"), replaces: Some(corrected.body.number.clone()), ..filing(rows.clone()) };
    refused(&p, &a, &other_period, StatusCode::BAD_REQUEST, ApiCode::PeriodInvalid).await;
    let unknown = RosterFiling { replaces: Some("BA2026-999999".into()), ..filing(rows.clone()) };
    refused(&p, &a, &unknown, StatusCode::BAD_REQUEST, ApiCode::RosterInvalid).await;
    assert_eq!(numbers(&p).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_the_platforms_records_do_not_carry_are_each_named_and_nothing_is_filed() {
    let p = scene().await;
    let (a, rows, b, b_row) = two_agencies(&p).await;

    // Another agency's worker on A's roster; a code nobody holds; hours, training dates and an
    // exam the synced records do not carry; a name that is not the holder's; a row twice.
    let mut bad = rows.clone();
    bad.push(b_row.clone());
    bad.push(RosterRow { certificate_code: "SH0126000999".into(), ..rows[0].clone() });
    bad[0].half_hours = 8;
    bad[1].exam_score = Some(95.0);
    // Training a day earlier than any class the agency synced.
    bad[1].training_from = Some(day("2026-11-19"));
    bad.push(RosterRow { name: "王五".into(), ..rows[1].clone() });
    let e = refused(&p, &a, &filing(bad), StatusCode::BAD_REQUEST, ApiCode::RosterInvalid).await;
    for (needle, why) in [
        ("第 1 行", "hours"),
        ("培训课时 4 与平台记录 3 不符", "the hours filed and held"),
        ("第 2 行", "exam"),
        ("考试成绩或日期", "exam"),
        ("培训起止日期与平台记录的培训班日期不符", "training dates"),
        ("第 3 行", "another agency"),
        ("该证不属于本机构", "another agency"),
        ("第 4 行（SH0126000999）上门服务证编码不存在", "unknown code"),
        ("第 5 行", "duplicate"),
    ] {
        assert!(e.message_zh.contains(needle), "{why}: {}", e.message_zh);
    }
    assert!(!e.message_zh.contains("李三") && !e.message_en.contains(&b_row.id_number), "nothing of B's worker is told: {e:?}");
    assert!(e.message_en.contains("row 3") && e.message_en.contains("another agency's"), "{}", e.message_en);

    // Periods.
    let future = RosterFiling { period_to: certdesk_testkit::shanghai_today() + chrono::Duration::days(2), ..filing(rows.clone()) };
    refused(&p, &a, &future, StatusCode::BAD_REQUEST, ApiCode::PeriodInvalid).await;
    let reversed = RosterFiling { period_from: day("2026-12-01"), ..filing(rows.clone()) };
    refused(&p, &a, &reversed, StatusCode::BAD_REQUEST, ApiCode::PeriodInvalid).await;
    let outside = RosterFiling { period_from: day("2026-11-21"), ..filing(rows.clone()) };
    let e = refused(&p, &a, &outside, StatusCode::BAD_REQUEST, ApiCode::RosterInvalid).await;
    assert!(e.message_zh.contains("考试日期不在备案期间内"), "{}", e.message_zh);
    refused(&p, &a, &filing(vec![]), StatusCode::BAD_REQUEST, ApiCode::RosterInvalid).await;

    // B files its own row; then A may not replace B's filing.
    let theirs = filed(&p, &b, &filing(vec![b_row]), StatusCode::CREATED).await;
    let hijack = RosterFiling { replaces: Some(theirs.body.number), ..filing(rows.clone()) };
    refused(&p, &a, &hijack, StatusCode::BAD_REQUEST, ApiCode::RosterInvalid).await;

    // Without a device credential: 401, nothing filed.
    let res = p.http.post(p.url("/api/v1/roster/filings")).json(&filing(rows)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(numbers(&p).len(), 1);
}
