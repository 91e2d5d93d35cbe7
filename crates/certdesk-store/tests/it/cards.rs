//! The card's life at the desk on a real SQLite file: printing only what the platform
//! approved, hand-over, a lost card and its replacement, cancellation, calibration, citizens'
//! feedback pulled from the platform, and the offline verify screen against real Ed25519
//! credentials.

use crate::common;

use certdesk_domain::certificate_code::CertificateCode;
use certdesk_domain::CardLayout;
use certdesk_protocol::credential::{issue_url, CredentialClaims, RevocationEntry, TrustedKey};
use certdesk_protocol::sync::{Change, ChangeBody, SyncEntity};
use certdesk_store::{Calibration, CancelReason, Desk, LossKind, SessionUser};
use certdesk_testkit::desk::worker_form;
use certdesk_testkit::id_number_from;
use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use uuid::Uuid;

const BASE: &str = "https://zj.example.cn/c/";

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn worker(desk: &mut Desk, me: &SessionUser, name: &str, seq17: &str) -> String {
    let mut input = worker_form(name, &id_number_from(seq17));
    input.form.service_types = vec!["保洁".into(), "母婴护理".into()];
    desk.enrol_worker(me, &input).unwrap().id
}

fn claims(serial: u32, card_version: u16) -> CredentialClaims {
    CredentialClaims {
        key_id: 1,
        certificate_code: CertificateCode::new(4, 2026, serial).unwrap(),
        card_version,
        valid_from: date("2026-03-01"),
        valid_until: date("2029-02-28"),
    }
}

/// Pulls what the platform would send for an approval of `worker_id` (trust key, approval,
/// revocation-list entry), as one page.
fn approve(desk: &mut Desk, worker_id: &str, serial: u32, card_version: u16, seq: i64) -> String {
    let c = claims(serial, card_version);
    let url = issue_url(BASE, &c, &key()).unwrap();
    let changes = vec![
        Change {
            seq,
            body: ChangeBody::TrustKey { key: TrustedKey::for_signing_key(1, &key(), date("2026-01-01"), None) },
        },
        Change {
            seq: seq + 1,
            body: ChangeBody::Approval {
                worker_id: worker_id.parse().unwrap(),
                certificate_code: c.certificate_code.to_string(),
                card_version,
                valid_from: c.valid_from,
                valid_until: c.valid_until,
                credential_url: url.clone(),
            },
        },
        Change {
            seq: seq + 2,
            body: ChangeBody::Revocation {
                entry: RevocationEntry {
                    certificate_code: c.certificate_code.to_string(),
                    revoked: false,
                    current_card_version: card_version,
                },
            },
        },
    ];
    desk.apply_pulled(&changes, seq + 2, true).unwrap();
    url
}

/// The operations queued on the worker's own record (not its card events).
fn outbox_ops(desk: &Desk, worker_id: &str) -> Vec<String> {
    let pending = desk.pending_outbox(1000).unwrap().into_iter();
    pending.filter(|e| e.entity == certdesk_protocol::sync::SyncEntity::Worker && e.entity_id == worker_id).map(|e| e.op.to_string()).collect()
}

/// The card events queued for the worker, as the agency's other desks will read them.
fn card_events(desk: &Desk, worker_id: &str) -> Vec<certdesk_store::CardEvent> {
    let pending = desk.pending_outbox(1000).unwrap().into_iter();
    let events = pending.filter(|e| e.entity == certdesk_protocol::sync::SyncEntity::CardEvent);
    events.map(|e| serde_json::from_value::<certdesk_store::CardEvent>(e.payload).unwrap()).filter(|e| e.worker_id == worker_id).collect()
}

#[test]
fn only_an_approved_certificate_prints_and_every_print_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = common::fresh(dir.path());
    let w = worker(&mut desk, &me, "张三", "31010419800101001");

    // Not approved: a draft only.
    let record = desk.card_record(&w).unwrap();
    assert!(record.draft);
    assert_eq!(record.service_types_zh, vec!["保洁", "母婴护理"]);
    assert_eq!(record.agency_phone, "021-64870000");
    let refusal = desk.print_refusal(&w).unwrap().expect("refused");
    assert_eq!(refusal.code, "not_approved");
    assert!(refusal.message_zh.contains("样张"), "{}", refusal.message_zh);
    let err = desk.record_prints(&me, std::slice::from_ref(&w), CardLayout::Cr80, "pdf:a.pdf", "v1", false).unwrap_err();
    assert_eq!(err.code, "not_approved");
    assert!(desk.card_state(&w).unwrap().prints.is_empty(), "a refused print records nothing");
    desk.record_prints(&me, std::slice::from_ref(&w), CardLayout::Cr80, "pdf:draft.pdf", "v1", true).unwrap();
    assert_eq!(desk.worker(&w).unwrap().status, "enrolled", "a draft changes no status");

    let url = approve(&mut desk, &w, 123, 1, 1);
    let record = desk.card_record(&w).unwrap();
    assert!(!record.draft);
    assert_eq!(record.certificate.as_ref().unwrap().credential_url, url);
    assert_eq!(desk.approved_unprinted().unwrap(), vec![w.clone()]);

    // A layout is a closed set: "a5" cannot reach record_prints, it is refused where it is read.
    let err = "a5".parse::<CardLayout>().unwrap_err();
    assert_eq!((err.field.as_str(), err.code.as_str()), ("layout", "layout_unknown"));
    desk.record_prints(&me, std::slice::from_ref(&w), CardLayout::A4Sheet, "HP_LaserJet", "v1", false).unwrap();
    assert_eq!(desk.worker(&w).unwrap().status, "printed");
    assert!(desk.approved_unprinted().unwrap().is_empty());
    let state = desk.card_state(&w).unwrap();
    assert_eq!(state.prints.len(), 2);
    let real = &state.prints[0];
    assert_eq!((real.card_version, real.draft, real.printer.as_str(), real.printed_by.as_str()), (Some(1), false, "HP_LaserJet", "王经理"));
    assert!(state.can_issue);
    // A reprint before hand-over (paper jam) is allowed and recorded, same card version.
    desk.record_prints(&me, std::slice::from_ref(&w), CardLayout::Cr80, "pdf:again.pdf", "v1", false).unwrap();
    assert_eq!(desk.card_state(&w).unwrap().prints.len(), 3);
    assert_eq!(outbox_ops(&desk, &w).last().map(String::as_str), Some("upsert"));
    // Every print, the draft too, is queued for the agency's other desks, by its row's id.
    let told = card_events(&desk, &w);
    assert_eq!(told.len(), 3);
    let printed: Vec<(Option<u16>, bool)> = told
        .iter()
        .map(|e| match &e.body {
            certdesk_store::CardEventBody::Print { card_version, draft, .. } => (*card_version, *draft),
            other => panic!("a print, not {other:?}"),
        })
        .collect();
    assert_eq!(printed, [(None, true), (Some(1), false), (Some(1), false)]);
    let timeline = desk.worker_detail(&w).unwrap().timeline;
    assert!(timeline.iter().any(|t| t.action == "print"), "the print is in the timeline");
}

#[test]
fn a_hand_over_gives_an_electronic_card_code_whose_hash_is_queued_and_the_desk_verifies_its_fresh_qr() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = common::fresh(dir.path());
    let w = worker(&mut desk, &me, "王芳", "31010419800101003");
    approve(&mut desk, &w, 125, 1, 1);
    desk.record_prints(&me, std::slice::from_ref(&w), CardLayout::Cr80, "pdf:e.pdf", "v1", false).unwrap();
    // Not handed over yet: no code, and asking for a new one says why.
    assert!(desk.card_state(&w).unwrap().activation.is_none());
    let err = desk.renew_card_activation(&me, &w).unwrap_err();
    assert_eq!(err.code, "activation_needs_handover");
    assert!(err.message_zh.contains("王芳") && err.message_zh.contains("发放时生成"), "{}", err.message_zh);

    desk.issue_card(&me, &w, None, None).unwrap();
    let first = desk.card_state(&w).unwrap().activation.expect("a code at hand-over");
    assert_eq!((first.card_version, first.code.len()), (1, 9));
    assert!(first.url.is_none(), "no platform address before enrolment");
    let code = certdesk_protocol::activation::normalise(&first.code).expect("a well-formed code");
    let queued = desk.pending_outbox(1000).unwrap().into_iter().filter(|e| e.entity_id == w).collect::<Vec<_>>();
    let activate = queued.last().expect("entries");
    assert_eq!(activate.op.to_string(), "activate", "after the status upsert of the hand-over");
    assert_eq!(activate.payload["code_sha256"], certdesk_protocol::activation::code_sha256(&code));
    assert_eq!(activate.payload["card_version"], 1);
    assert!(!activate.payload.to_string().contains(&code), "the code itself never leaves the desk");

    // The worker changed phone: a new code, queued the same way; the card panel shows it.
    desk.renew_card_activation(&me, &w).unwrap();
    let second = desk.card_state(&w).unwrap().activation.unwrap();
    assert_ne!(second.code, first.code);
    assert_eq!(outbox_ops(&desk, &w).iter().filter(|o| *o == "activate").count(), 2);

    // The worker's phone shows the electronic card: fresh it verifies, with its age; the same
    // code screenshotted and scanned minutes later is stale and red.
    let now: chrono::DateTime<chrono::Utc> = "2026-03-02T02:00:00Z".parse().unwrap();
    let electronic = certdesk_protocol::credential::issue_electronic_url(BASE, &claims(125, 1), now - chrono::Duration::seconds(20), &key()).unwrap();
    let report = desk.verify_scan(&electronic).unwrap();
    assert_eq!((report.verdict.code(), report.electronic_age_seconds), ("valid", Some(20)));
    let screenshot = certdesk_protocol::credential::issue_electronic_url(BASE, &claims(125, 1), now - chrono::Duration::minutes(10), &key()).unwrap();
    let report = desk.verify_scan(&screenshot).unwrap();
    assert_eq!((report.verdict.code(), report.colour), ("stale", certdesk_domain::standing::Colour::Red));
}

#[test]
fn hand_over_then_lost_card_then_replacement_then_verify_both() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = common::fresh(dir.path());
    let w = worker(&mut desk, &me, "李四", "31010419800101002");
    let old_url = approve(&mut desk, &w, 124, 1, 1);

    let err = desk.issue_card(&me, &w, None, None).unwrap_err();
    assert_eq!(err.code, "status_transition", "not printed yet: {}", err.message_zh);
    desk.record_prints(&me, std::slice::from_ref(&w), CardLayout::Cr80, "pdf:c.pdf", "v1", false).unwrap();
    let err = desk.issue_card(&me, &w, Some(date("2026-03-09")), None).unwrap_err();
    assert_eq!(err.code, "issued_on", "a future date is refused");
    let err = desk.issue_card(&me, &w, None, Some(b"GIF89a not a png".to_vec())).unwrap_err();
    assert_eq!(err.code, "signature");
    let png = b"\x89PNG\r\n\x1a\n-signature-".to_vec();
    desk.issue_card(&me, &w, None, Some(png)).unwrap();
    let state = desk.card_state(&w).unwrap();
    assert_eq!(state.status, "issued");
    assert_eq!(state.handovers.len(), 1);
    assert!(state.handovers[0].has_signature);
    assert_eq!(desk.print_refusal(&w).unwrap().unwrap().code, "already_issued");

    assert_eq!(desk.verify_scan(&old_url).unwrap().verdict, "valid");
    let report = desk.verify_scan(&old_url).unwrap();
    assert_eq!(report.local_worker.as_ref().unwrap().name, "李四");
    // Offline colour from this desk's records: valid but nothing of health or insurance is yellow.
    assert_eq!(report.colour, certdesk_domain::standing::Colour::Yellow);
    let notes: Vec<&str> = report.cover_notes.iter().map(|b| b.zh.as_str()).collect();
    assert_eq!(notes, ["未登记体检", "未登记保险"]);
    let today = desk.today();
    let ymd = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    let check = certdesk_domain::health::HealthCheckInput {
        checked_on: ymd(-10),
        institution: "上海市徐汇区中心医院".into(),
        category: "一般".into(),
        result: "合格".into(),
        valid_until: None,
    };
    desk.record_health_check(&me, &w, &check, None).unwrap();
    let policy = certdesk_domain::health::InsuranceInput {
        insurer: "中国平安".into(),
        policy_number: "PA-9".into(),
        kind: "意外险".into(),
        valid_from: ymd(-10),
        valid_until: ymd(300),
    };
    desk.record_insurance(&me, &w, &policy).unwrap();
    let report = desk.verify_scan(&old_url).unwrap();
    assert_eq!((report.colour, report.cover_notes.len()), (certdesk_domain::standing::Colour::Green, 0));
    assert_eq!(report.certificate_code.as_deref(), Some(claims(124, 1).certificate_code.to_string().as_str()));

    // Lost: a reissue goes to the outbox, printing waits for the platform.
    desk.report_card_loss(&me, &w, LossKind::Lost, "地铁上遗失").unwrap();
    assert_eq!(outbox_ops(&desk, &w).last().map(String::as_str), Some("reissue"));
    let err = desk.report_card_loss(&me, &w, LossKind::Lost, "").unwrap_err();
    assert_eq!(err.code, "already_reported");
    let state = desk.card_state(&w).unwrap();
    assert!(state.awaiting_replacement);
    // The home screen's deadline: a replacement within 5 working days of the report.
    let due = certdesk_domain::deadlines::add_working_days(desk.today(), 5).to_string();
    let listed: Vec<(String, String)> = desk.deadlines().unwrap().into_iter().map(|d| (d.kind.to_string(), d.due)).collect();
    assert_eq!(listed, [("card_replacement".to_string(), due)]);
    assert_eq!(state.print_refusal.as_ref().unwrap().code, "awaiting_replacement");

    // The platform's answer: card version 2, and version 1 is replaced city-wide.
    let new_url = approve(&mut desk, &w, 124, 2, 10);
    assert_eq!(desk.worker(&w).unwrap().status, "issued", "the approval of a reissue keeps the status");
    let state = desk.card_state(&w).unwrap();
    assert!(!state.awaiting_replacement);
    assert!(state.print_refusal.is_none(), "{:?}", state.print_refusal);
    desk.record_prints(&me, std::slice::from_ref(&w), CardLayout::Cr80, "pdf:d.pdf", "v1", false).unwrap();
    assert_eq!(desk.worker(&w).unwrap().status, "printed");
    desk.issue_card(&me, &w, None, None).unwrap();
    assert_eq!(desk.worker(&w).unwrap().status, "issued");
    assert!(desk.deadlines().unwrap().is_empty(), "the replacement was handed over: nothing is due");

    let old = desk.verify_scan(&old_url).unwrap();
    assert_eq!((old.verdict.code(), old.card_version, old.current_card_version), ("replaced", Some(1), Some(2)));
    assert_eq!(old.colour, certdesk_domain::standing::Colour::Red, "a replaced card is red whatever the health check");
    assert_eq!(desk.verify_scan(&new_url).unwrap().verdict, "valid");
}

#[test]
/// That it needs a manager is certdesk-core's check (its test
/// `a_clerk_is_refused_every_managers_action_in_the_window_and_the_cli`).
fn cancellation_needs_a_reason_and_revokes_after_the_pull() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = common::fresh(dir.path());
    let w = worker(&mut desk, &me, "王五", "31010419800101003");
    let url = approve(&mut desk, &w, 125, 1, 1);

    assert_eq!(desk.cancel_certificate(&me, &w, CancelReason::Other, " ").unwrap_err().code, "note");
    assert_eq!(certdesk_store::parse_cancel_reason("跳槽").unwrap_err().code, "cancel_reason");
    desk.cancel_certificate(&me, &w, CancelReason::LeftAgency, "已离职").unwrap();
    let state = desk.card_state(&w).unwrap();
    assert_eq!(state.status, "cancelled");
    assert_eq!(state.cancellation.as_ref().unwrap().reason, "left_agency");
    assert!(!state.can_cancel && !state.can_issue && !state.can_report_loss);
    assert_eq!(outbox_ops(&desk, &w).last().map(String::as_str), Some("cancel"));
    let told = card_events(&desk, &w).pop().expect("the cancellation is queued for the agency's other desks");
    assert_eq!(told.body, certdesk_store::CardEventBody::Cancellation { reason: CancelReason::LeftAgency, note: "已离职".into() });
    assert_eq!(told.by_id, me.id());
    assert_eq!(desk.cancel_certificate(&me, &w, CancelReason::LeftAgency, "").unwrap_err().code, "status_transition");
    assert!(desk.record_prints(&me, std::slice::from_ref(&w), CardLayout::Cr80, "pdf:x.pdf", "v1", false).is_err());

    // Until the platform's revocation is pulled, the card still verifies offline as valid:
    // the platform is the authority. Then it is revoked.
    assert_eq!(desk.verify_scan(&url).unwrap().verdict, "valid");
    desk.apply_pulled(
        &[Change {
            seq: 20,
            body: ChangeBody::Revocation {
                entry: RevocationEntry { certificate_code: claims(125, 1).certificate_code.to_string(), revoked: true, current_card_version: 1 },
            },
        }],
        20,
        true,
    )
    .unwrap();
    assert_eq!(desk.verify_scan(&url).unwrap().verdict, "revoked");
}

#[test]
fn the_verify_box_names_forged_foreign_and_garbage_scans() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = common::fresh(dir.path());
    let w = worker(&mut desk, &me, "赵六", "31010419800101004");
    let url = approve(&mut desk, &w, 126, 1, 1);

    // One character of the signature changed.
    let mut forged = url.clone().into_bytes();
    let last = forged.len() - 3;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    let report = desk.verify_scan(&forged).unwrap();
    assert_eq!(report.verdict, "bad_signature");
    assert!(report.certificate_code.is_none() && report.local_worker.is_none(), "nothing unsigned is shown");
    assert_eq!(report.colour, certdesk_domain::standing::Colour::Red, "forged is red");

    // Re-signed with another key under the same key id.
    let other = SigningKey::from_bytes(&[9u8; 32]);
    assert_eq!(desk.verify_scan(&issue_url(BASE, &claims(126, 1), &other).unwrap()).unwrap().verdict, "bad_signature");
    // A key this desk never synced.
    let unknown = CredentialClaims { key_id: 42, ..claims(126, 1) };
    let report = desk.verify_scan(&issue_url(BASE, &unknown, &other).unwrap()).unwrap();
    assert_eq!((report.verdict.code(), report.key_id), ("unknown_key", Some(42)));
    // Truncated, another QR code, binary junk.
    assert_eq!(desk.verify_scan(&url[..url.len() - 5]).unwrap().verdict, "not_a_certificate");
    assert_eq!(desk.verify_scan("https://weixin.qq.com/r/abc").unwrap().verdict, "not_a_certificate");
    assert_eq!(desk.verify_scan("\u{0}\u{1}\u{7f}ÿ").unwrap().verdict, "not_a_certificate");
    // Huge: refused before decoding.
    let err = desk.verify_scan(&"A".repeat(100_000)).unwrap_err();
    assert_eq!(err.code, "scan_too_long");
    // A card of another agency verifies but has no local record.
    let theirs = issue_url(BASE, &claims(999, 1), &key()).unwrap();
    let report = desk.verify_scan(&theirs).unwrap();
    assert_eq!(report.verdict, "valid");
    assert!(report.local_worker.is_none());
    assert_eq!(report.colour, certdesk_domain::standing::Colour::Yellow, "genuine, but its cover is the platform's to say");
    assert!(report.cover_notes[0].zh.contains("请联网查询"), "{:?}", report.cover_notes);
    assert_eq!(report.trust_keys, 1);
    assert!(report.lists_age_seconds.is_some());
    // An expired card (valid until before today, 2026-03-02).
    let expired = CredentialClaims { valid_from: date("2023-03-02"), valid_until: date("2026-03-01"), ..claims(127, 1) };
    desk.apply_pulled(
        &[Change { seq: 30, body: ChangeBody::TrustKey { key: TrustedKey::for_signing_key(1, &key(), date("2022-01-01"), None) } }],
        30,
        true,
    )
    .unwrap();
    assert_eq!(desk.verify_scan(&issue_url(BASE, &expired, &key()).unwrap()).unwrap().verdict, "expired");
}

#[test]
fn printer_calibration_is_saved_per_printer_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = common::fresh(dir.path());
    assert_eq!(desk.printer_calibration("Evolis").unwrap(), Calibration::default());
    let c = Calibration { offset_x_mm: 1.5, offset_y_mm: -0.5, scale: 0.98 };
    desk.set_printer_calibration(&me, "Evolis", c).unwrap();
    assert_eq!(desk.printer_calibration("Evolis").unwrap(), c);
    assert_eq!(desk.printer_calibration("HP").unwrap(), Calibration::default());
    for (bad, code) in [
        (Calibration { offset_x_mm: 11.0, ..c }, "offset_x_mm"),
        (Calibration { offset_y_mm: f32::NAN, ..c }, "offset_y_mm"),
        (Calibration { scale: 1.5, ..c }, "scale"),
    ] {
        assert_eq!(desk.set_printer_calibration(&me, "Evolis", bad).unwrap_err().code, code);
    }
    assert_eq!(desk.printer_calibration("Evolis").unwrap(), c, "a refused change keeps the old calibration");
}

#[test]
fn ratings_and_complaints_pulled_from_the_platform_reach_the_worker_page_once() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = common::fresh(dir.path());
    let w = worker(&mut desk, &me, "钱七", "31010419800101005");
    let code = claims(128, 1).certificate_code.to_string();
    let wid: Uuid = w.parse().unwrap();
    let at = "2026-03-01T08:00:00Z".parse().unwrap();
    let complaint_id = Uuid::now_v7();
    let changes = vec![
        Change { seq: 1, body: ChangeBody::Rating { rating_id: Uuid::now_v7(), worker_id: wid, certificate_code: code.clone(), stars: 5, comment: "很细心".into(), created_at: at } },
        Change { seq: 2, body: ChangeBody::Rating { rating_id: Uuid::now_v7(), worker_id: wid, certificate_code: code.clone(), stars: 4, comment: String::new(), created_at: at } },
        Change {
            seq: 3,
            body: ChangeBody::Complaint {
                complaint_id,
                worker_id: wid,
                certificate_code: code.clone(),
                text: "迟到一小时".into(),
                contact: "138****0000".into(),
                created_at: at,
                reference: Some("TS23456789ABCD".into()),
            },
        },
        Change { seq: 4, body: ChangeBody::Visit { visit_id: Uuid::now_v7(), worker_id: wid, certificate_code: code.clone(), visited_at: at } },
        // A newer platform's kind: skipped, the rest of the page still applies.
        Change { seq: 5, body: ChangeBody::Unknown },
    ];
    let tally = desk.apply_pulled(&changes, 5, true).unwrap();
    assert_eq!(tally.feedback, 4);
    // The same page again (a retried pull) adds nothing.
    assert_eq!(desk.apply_pulled(&changes, 5, true).unwrap().feedback, 0);
    let summary = desk.worker_feedback(&w).unwrap();
    assert_eq!((summary.ratings, summary.average_stars, summary.open_complaints), (2, Some(4.5), 1));
    // The visit a household confirmed (确认入户) is a service record on the worker page.
    assert_eq!((summary.visits, summary.recent_visits.len()), (1, 1));
    assert!(summary.recent_visits[0].starts_with("2026-03-01T08:00:00"), "{:?}", summary.recent_visits);
    assert_eq!(summary.items.len(), 3);
    let open = desk.open_complaints().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].worker_name.as_deref(), Some("钱七"));
    assert_eq!(open[0].reference.as_deref(), Some("TS23456789ABCD"));
    let id = complaint_id.to_string();
    let outbox = desk.pending_outbox_count().unwrap();

    // 处理情况: a refused answer names its field and changes nothing.
    for (action, done_on, field) in [("  ", "2026-03-02", "action"), ("已回访", "2026-02-28", "done_on"), ("已回访", "2026-03-03", "done_on"), ("已回访", "3月2日", "done_on")] {
        let e = desk.answer_complaint(&me, &id, action, done_on).unwrap_err();
        assert_eq!((e.code.as_str(), e.fields[0].field.as_str()), ("validation", field), "{action} {done_on}: {e:?}");
    }
    assert_eq!((desk.open_complaints().unwrap().len(), desk.pending_outbox_count().unwrap()), (1, outbox), "nothing changed");

    // Answered by its reference, typed as a clerk would: it leaves the list, and its answer goes
    // to the platform through the outbox.
    desk.answer_complaint(&me, "ts 2345 6789 abcd", "已与服务人员谈话，上门致歉", "2026-03-01").unwrap();
    assert!(desk.open_complaints().unwrap().is_empty());
    assert_eq!(desk.pending_outbox_count().unwrap(), outbox + 1);
    let sent = desk.pending_sync_entries(1000).unwrap().pop().unwrap();
    assert_eq!((sent.entity, sent.payload["complaint_id"].as_str(), sent.payload["done_on"].as_str()), (SyncEntity::ComplaintAnswer, Some(id.as_str()), Some("2026-03-01")));
    let item = desk.worker_feedback(&w).unwrap().items.into_iter().find(|f| f.id == id).unwrap();
    assert_eq!(item.answer.as_deref(), Some("已与服务人员谈话，上门致歉"));
    assert_eq!(desk.worker_feedback(&w).unwrap().open_complaints, 0);

    // The office asks again: it waits for an answer again, with the request; then closes it.
    let later: chrono::DateTime<chrono::Utc> = "2026-03-02T01:00:00Z".parse().unwrap();
    let asked = [Change { seq: 6, body: ChangeBody::ComplaintAskedAgain { complaint_id, message: "请提供回访记录".into(), at: later } }];
    desk.apply_pulled(&asked, 6, true).unwrap();
    let open = desk.open_complaints().unwrap();
    assert_eq!((open.len(), open[0].office_note.as_deref()), (1, Some("请提供回访记录")));
    let closed = [Change { seq: 7, body: ChangeBody::ComplaintClosed { complaint_id, conclusion: "机构已整改，办结".into(), at: later } }];
    desk.apply_pulled(&closed, 7, true).unwrap();
    assert!(desk.open_complaints().unwrap().is_empty(), "a closed complaint waits for nothing");
    let item = desk.worker_feedback(&w).unwrap().items.into_iter().find(|f| f.id == id).unwrap();
    assert_eq!((item.closed_at.is_some(), item.office_note.as_deref()), (true, Some("机构已整改，办结")));
    assert_eq!(desk.answer_complaint(&me, &id, "补充", "2026-03-02").unwrap_err().code, "not_found", "a closed complaint takes no answer");
    assert_eq!(desk.pending_outbox_count().unwrap(), outbox + 1);
}

/// Issue 11 item 1 at the desk: what a certified worker's card shows (name, photo, service types)
/// changes only by a manager with a reason, goes back to the platform for review, and no card
/// prints the changed details until the platform approves them; a refusal says why.
#[test]
fn a_certified_workers_card_details_change_only_by_a_manager_with_a_reason_and_print_only_once_approved() {
    use certdesk_store::{NewUser, Role};
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = common::fresh(dir.path());
    let w = worker(&mut desk, &me, "张三", "31010419800101001");
    let mut input = worker_form("张三", &id_number_from("31010419800101001"));
    input.form.service_types = vec!["保洁".into(), "母婴护理".into()];
    // Before approval anyone may correct the name.
    desk.add_user(Some(&me), &NewUser { username: "clerk1".into(), display_name: "小李".into(), role: Role::Clerk, password: "password1".into() }).unwrap();
    let clerk = desk.login("clerk1", "password1").unwrap();
    approve(&mut desk, &w, 1, 1, 1);
    assert!(desk.print_refusal(&w).unwrap().is_none(), "approved: printable");
    assert!(desk.worker_detail(&w).unwrap().details_review.is_none());

    // A clerk may still correct the address, but not the name.
    let mut address = input.clone();
    address.form.address = "上海市徐汇区漕溪北路3号".into();
    desk.update_worker(&clerk, &w, &address, None).expect("an address is not on the card");
    let mut renamed = address.clone();
    renamed.form.name = "张三丰".into();
    let err = desk.update_worker(&clerk, &w, &renamed, Some("更正")).unwrap_err();
    assert_eq!(err.code, "forbidden");
    assert!(err.message_zh.contains("只有管理员"), "{}", err.message_zh);
    let err = desk.update_worker(&me, &w, &renamed, None).unwrap_err();
    assert_eq!((err.code.as_str(), err.fields[0].field.as_str()), ("reason_required", "reason"));
    assert_eq!(desk.worker(&w).unwrap().name, "张三", "nothing saved");

    // The manager, with a reason: saved, pushed, and the card waits for the platform.
    desk.update_worker(&me, &w, &renamed, Some("身份证姓名更正")).unwrap();
    assert_eq!(desk.worker(&w).unwrap().name, "张三丰");
    assert!(outbox_ops(&desk, &w).contains(&"upsert".to_owned()), "the change goes to the platform");
    let review = desk.worker_detail(&w).unwrap().details_review.expect("under review");
    assert_eq!((review.changed, review.approved_name.as_str(), review.rejection), (vec!["name".to_owned()], "张三", None));
    let refusal = desk.print_refusal(&w).unwrap().expect("no card with unapproved details");
    assert_eq!(refusal.code, "details_under_review");
    assert!(refusal.message_zh.contains("姓名已修改，正在等待平台审核"), "{}", refusal.message_zh);
    assert_eq!(desk.record_prints(&me, std::slice::from_ref(&w), CardLayout::Cr80, "pdf:a.pdf", "v1", false).unwrap_err().code, "details_under_review");

    // The platform refuses: still no card, and the reason is shown.
    let reject = Change {
        seq: 10,
        body: ChangeBody::DetailsRejected { worker_id: w.parse().unwrap(), message_zh: "信息变更未通过审核：与身份证不符".into(), message_en: "not as on the ID card".into() },
    };
    desk.apply_pulled(&[reject], 10, true).unwrap();
    let refusal = desk.print_refusal(&w).unwrap().unwrap();
    assert!(refusal.message_zh.contains("与身份证不符"), "{}", refusal.message_zh);
    assert!(desk.worker_detail(&w).unwrap().details_review.unwrap().rejection.is_some());

    // The platform approves the new details: the card prints them.
    let approved = Change {
        seq: 11,
        body: ChangeBody::ApprovedDetails {
            worker_id: w.parse().unwrap(),
            name: "张三丰".into(),
            photo_sha256: None,
            service_types: vec![certdesk_domain::ServiceType::Cleaning, certdesk_domain::ServiceType::MaternityCare],
        },
    };
    desk.apply_pulled(&[approved], 11, true).unwrap();
    assert!(desk.worker_detail(&w).unwrap().details_review.is_none(), "approved: nothing under review");
    assert!(desk.print_refusal(&w).unwrap().is_none());
    assert_eq!(desk.card_record(&w).unwrap().name, "张三丰");
}

/// Issue 11 item 3 at the desk: a platform key that signs with SM2 arrives in the pull with its
/// algorithm, is kept across a restart, and the verify screen checks an SM2-signed card offline
/// beside an Ed25519 one; a forged SM2 card is refused.
#[test]
fn the_desk_verifies_sm2_signed_cards_offline_beside_ed25519_ones() {
    use certdesk_protocol::credential::{KeyAlgorithm, Sm2SigningKey, Verdict};
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, me) = common::fresh(dir.path());
    let w = worker(&mut desk, &me, "张三", "31010419800101001");
    let ed_url = approve(&mut desk, &w, 1, 1, 1);
    let sm2 = Sm2SigningKey::generate();
    let key = TrustedKey::for_signing_key(2, &sm2, date("2026-01-01"), None);
    assert_eq!(key.algorithm, KeyAlgorithm::Sm2);
    desk.apply_pulled(&[Change { seq: 10, body: ChangeBody::TrustKey { key } }], 10, true).unwrap();
    let sm2_url = issue_url(BASE, &CredentialClaims { key_id: 2, ..claims(2, 1) }, &sm2).unwrap();
    drop(desk);
    let desk = Desk::open(dir.path()).unwrap();
    assert!(matches!(desk.verify_credential(&sm2_url).unwrap(), Verdict::Valid(c) if c.key_id == 2), "SM2 verifies after a restart");
    assert!(matches!(desk.verify_credential(&ed_url).unwrap(), Verdict::Valid(c) if c.key_id == 1), "Ed25519 still does");
    let forged = issue_url(BASE, &CredentialClaims { key_id: 2, ..claims(2, 1) }, &Sm2SigningKey::generate()).unwrap();
    assert_eq!(desk.verify_credential(&forged).unwrap(), Verdict::BadSignature);
}
