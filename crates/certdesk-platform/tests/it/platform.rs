//! The real platform on 127.0.0.1 with dev TLS, spoken to over HTTPS with reqwest (rustls,
//! trusting only the generated CA). Each test starts its own server in its own temporary data
//! directory, so tests share nothing and may run in parallel.

use certdesk_domain::certificate_code::CertificateCode;
use certdesk_protocol::credential::{verify, Verdict};
use certdesk_protocol::operator::{KeyRotated, ReviewItem, ReviewReport};
use certdesk_protocol::sync::{SyncEntity,
    ChangeBody, CheckKind, EnrolRequest, EnrolResponse, EntryOutcome, EntryResult, OutboxEntry,
    PullResponse, PushRequest, PushResponse,
};
use certdesk_protocol::{ApiError, RevocationList, TrustList};
use certdesk_testkit::platform::{Options, TestPlatform};
use certdesk_testkit::{credit_code, id_number};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;

/// The test kit's platform with this file's own calls (pushes, pulls, reviews).
struct Platform(TestPlatform);

impl std::ops::Deref for Platform {
    type Target = TestPlatform;
    fn deref(&self) -> &TestPlatform {
        &self.0
    }
}

/// Starts a platform whose watch list fails `watch_listed`; everyone else waits for an operator.
async fn platform(watch_listed: &[&str]) -> Platform {
    Platform(TestPlatform::start(Options::watch_list(watch_listed)).await)
}

/// Starts a platform on an existing data directory (as after a restart).
async fn platform_at(dir: tempfile::TempDir, watch_listed: &[&str]) -> Platform {
    Platform(TestPlatform::start_in(dir, Options::watch_list(watch_listed)).await)
}

/// The desk's worker record as it pushes it.
fn worker(name: &str, id: &str) -> Value {
    json!({
        "name": name, "id_number": id, "phone": "13812345678", "address": "上海市黄浦区某路1号",
        "service_types": ["cleaning"], "emergency_contact_name": "王五",
        "emergency_contact_phone": "13912345678", "consent_date": "2024-06-01",
        "agency_check_done": true, "status": "eligible", "version": 1
    })
}

fn entry(seq: i64, worker_id: Uuid, op: &str, payload: Value) -> OutboxEntry {
    OutboxEntry {
        seq,
        id: Uuid::now_v7(),
        entity: SyncEntity::Worker,
        entity_id: worker_id,
        op: op.parse().expect("a sync operation"),
        payload,
    }
}

impl Platform {
    async fn enrol_with(&self, code: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/devices/enrol"))
            .json(&EnrolRequest {
                code: code.into(),
                device_name: "前台1号机".into(),
            })
            .send()
            .await
            .unwrap()
    }

    async fn device(&self, agency: Uuid) -> EnrolResponse {
        let code = self.enrolment_code(agency).await;
        self.enrol_device(&code, "前台1号机").await
    }

    /// Pushes `entries` as a desk would: the worker and training records of every application
    /// in them first (the platform checks the training; see `certdesk_testkit::training`).
    async fn push_raw(&self, device: &EnrolResponse, entries: &[OutboxEntry]) -> reqwest::Response {
        let training = certdesk_testkit::training::for_applications(entries);
        if !training.is_empty() {
            // Refused alike when the batch is (a revoked device, a wrong secret).
            self.push_untrained(device, &training).await;
        }
        self.push_untrained(device, entries).await
    }

    /// Pushes exactly `entries`.
    async fn push_untrained(&self, device: &EnrolResponse, entries: &[OutboxEntry]) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/sync/push"))
            .header("authorization", device.authorization())
            .json(&PushRequest {
                device_id: device.device_id,
                entries: entries.to_vec(),
            })
            .send()
            .await
            .unwrap()
    }

    async fn push(&self, device: &EnrolResponse, entries: &[OutboxEntry]) -> Vec<EntryOutcome> {
        let res = self.push_raw(device, entries).await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: PushResponse = res.json().await.unwrap();
        assert_eq!(body.results.len(), entries.len(), "one result per entry");
        for (r, e) in body.results.iter().zip(entries) {
            assert_eq!(
                (r.id, r.seq),
                (e.id, e.seq),
                "results come in request order"
            );
        }
        body.results.into_iter().map(|r| r.outcome).collect()
    }

    async fn pull(&self, device: &EnrolResponse, since: i64) -> PullResponse {
        let res = self
            .http
            .get(self.url(&format!("/api/v1/sync/pull?since={since}")))
            .header("authorization", device.authorization())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
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

    async fn review(&self, application: Uuid, passed: bool, reason: &str) -> reqwest::Response {
        self.operator(
            reqwest::Method::POST,
            &format!("/api/v1/operator/reviews/{application}"),
        )
        .json(&json!({"passed": passed, "reason": reason}))
        .send()
        .await
        .unwrap()
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let res = self.http.get(self.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        res.json().await.unwrap()
    }

    /// Applies for one eligible worker and returns its id.
    async fn apply(&self, device: &EnrolResponse, name: &str, id: &str) -> (Uuid, EntryOutcome) {
        let worker_id = Uuid::now_v7();
        let outcome = self
            .push(device, &[entry(1, worker_id, "apply", worker(name, id))])
            .await
            .remove(0);
        (worker_id, outcome)
    }

    /// Stops the server and hands back its data directory.
    async fn stop(self) -> tempfile::TempDir {
        self.0.into_dir().await
    }
}

fn approval_of(changes: &PullResponse, worker_id: Uuid) -> Option<(String, String)> {
    changes.changes.iter().find_map(|c| match &c.body {
        ChangeBody::Approval {
            worker_id: w,
            certificate_code,
            credential_url,
            ..
        } if *w == worker_id => Some((certificate_code.clone(), credential_url.clone())),
        _ => None,
    })
}

fn mentions_worker(changes: &PullResponse, worker_id: Uuid) -> bool {
    changes.changes.iter().any(|c| match &c.body {
        ChangeBody::CheckResult { worker_id: w, .. }
        | ChangeBody::Approval { worker_id: w, .. }
        | ChangeBody::Rejection { worker_id: w, .. } => *w == worker_id,
        _ => false,
    })
}

fn today() -> chrono::NaiveDate {
    certdesk_testkit::shanghai_today()
}

mod health {
    use super::*;

    #[tokio::test]
    async fn health_readiness_and_the_contract_are_served_over_tls() {
        let p = platform(&[]).await;
        let res = p.http.get(p.url("/healthz")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let res = p.http.get(p.url("/readyz")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        // Every answer, a refusal and an unknown route included, tells browsers HTTPS only.
        for path in ["/healthz", "/lookup", "/c/not-a-card", "/api/v1/sync/pull", "/no/such/route"] {
            let res = p.http.get(p.url(path)).send().await.unwrap();
            assert_eq!(
                res.headers().get("strict-transport-security").map(|v| v.to_str().unwrap()),
                Some(certdesk_platform::api::HSTS),
                "{path} answered {}",
                res.status()
            );
        }
        let yaml = p
            .http
            .get(p.url("/api/v1/openapi.yaml"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(
            yaml,
            include_str!("../../../../docs/openapi.yaml"),
            "the served contract is the one kept in the repository"
        );
        p.stop().await;
    }

    #[tokio::test]
    async fn a_client_that_does_not_trust_the_ca_cannot_connect() {
        let p = platform(&[]).await;
        let stranger = reqwest::Client::builder().use_rustls_tls().build().unwrap();
        assert!(stranger.get(p.url("/healthz")).send().await.is_err());
        p.stop().await;
    }
}

mod enrolment {
    use super::*;

    #[tokio::test]
    async fn a_desk_enrols_once_with_a_one_time_code() {
        let p = platform(&[]).await;
        let agency = p.agency_in(1, "黄浦").await;
        let code = p.enrolment_code(agency).await;
        // Typed in lower case with spaces instead of dashes: still the same code.
        let typed = code.to_lowercase().replace('-', " ");
        let res = p.enrol_with(&typed).await;
        assert_eq!(res.status(), StatusCode::OK);
        let device: EnrolResponse = res.json().await.unwrap();
        assert_eq!(device.agency_id, agency);
        assert!(device.device_secret.len() >= 43, "a 256-bit secret");
        let again = p.enrol_with(&code).await;
        assert_eq!(
            again.status(),
            StatusCode::UNAUTHORIZED,
            "a code works once"
        );
        let unknown = p.enrol_with("AAAA-BBBB-CCCC-DDDD").await;
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
        p.stop().await;
    }

    #[tokio::test]
    async fn a_second_agency_with_the_same_credit_code_is_refused() {
        let p = platform(&[]).await;
        p.agency_in(1, "黄浦").await;
        let res = p
            .operator(reqwest::Method::POST, "/api/v1/operator/agencies")
            .json(&json!({"name": "另一家", "credit_code": credit_code(1), "district": "徐汇"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CONFLICT);
        assert_eq!(res.json::<ApiError>().await.unwrap().code, "agency_exists");
        p.stop().await;
    }
}

mod sync {
    use super::*;

    #[tokio::test]
    async fn a_retried_batch_reports_duplicate_and_doubles_nothing() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let batch = vec![
            entry(1, a, "upsert", worker("张三", &id_number(1))),
            entry(2, b, "upsert", worker("李四", &id_number(2))),
            entry(3, a, "apply", worker("张三", &id_number(1))),
        ];
        let first = p.push(&device, &batch).await;
        assert!(
            first.iter().all(|o| *o == EntryOutcome::Applied),
            "{first:?}"
        );
        let second = p.push(&device, &batch).await;
        assert!(
            second.iter().all(|o| *o == EntryOutcome::Duplicate),
            "{second:?}"
        );
        let reviews = p.reviews().await;
        assert_eq!(
            reviews.len(),
            1,
            "one application, however often it is pushed"
        );
        assert_eq!(reviews[0].worker_id, a);
        let checks = p
            .pull(&device, 0)
            .await
            .changes
            .into_iter()
            .filter(|c| matches!(c.body, ChangeBody::CheckResult { .. }))
            .count();
        assert_eq!(checks, 1, "one platform-check result, not two");
        p.stop().await;
    }

    #[tokio::test]
    async fn an_entry_id_reused_with_other_content_is_a_conflict_and_keeps_the_first() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let w = Uuid::now_v7();
        let first = entry(1, w, "upsert", worker("张三", &id_number(1)));
        assert_eq!(
            p.push(&device, std::slice::from_ref(&first)).await,
            [EntryOutcome::Applied]
        );
        let mut changed = first.clone();
        changed.payload = worker("张三丰", &id_number(1));
        let got = p.push(&device, &[changed]).await;
        assert!(
            matches!(&got[0], EntryOutcome::Conflict { code, .. } if code == "entry_id_reused"),
            "{got:?}"
        );
        p.stop().await;
    }

    /// Pushes a JSON body as written (a newer desk's names, a payload's key order) and reads
    /// the results.
    async fn push_json(p: &Platform, device: &EnrolResponse, body: String) -> Vec<EntryResult> {
        let res = p
            .http
            .post(p.url("/api/v1/sync/push"))
            .header("authorization", device.authorization())
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "a newer desk's entry never fails the batch");
        res.json::<PushResponse>().await.unwrap().results
    }

    /// A newer desk may push an entity or an operation this platform does not know. That entry
    /// alone is refused as `unsupported_entry`, naming what it was sent as; the entries beside
    /// it apply (the application is queued), and a retry of the batch answers the same.
    #[tokio::test]
    async fn a_newer_desks_entry_is_refused_alone_and_the_rest_of_the_batch_applies() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let known = [
            entry(1, a, "upsert", worker("张三", &id_number(1))),
            entry(4, b, "apply", worker("李四", &id_number(2))),
        ];
        let unknown = |seq: i64, entity: &str, op: &str| {
            json!({"seq": seq, "id": Uuid::now_v7(), "entity": entity, "entity_id": Uuid::now_v7(),
                   "op": op, "payload": {"title": "新功能"}})
        };
        let entries = vec![
            serde_json::to_value(&known[0]).unwrap(),
            unknown(2, "visit_confirmation", "upsert"),
            unknown(3, "worker", "suspend"),
            serde_json::to_value(&known[1]).unwrap(),
        ];
        let body = json!({"device_id": device.device_id, "entries": entries}).to_string();
        // 李四's training went before, as a desk sends it.
        p.push_untrained(&device, &certdesk_testkit::training::for_applications(&known[1..])).await;
        for attempt in ["first", "retry"] {
            let results = push_json(&p, &device, body.clone()).await;
            let seqs: Vec<i64> = results.iter().map(|r| r.seq).collect();
            assert_eq!(seqs, [1, 2, 3, 4], "one result per entry, in order ({attempt})");
            for (r, e) in results.iter().zip(&entries) {
                assert_eq!(r.id.to_string(), e["id"].as_str().unwrap(), "{attempt}");
            }
            let applied = if attempt == "first" { EntryOutcome::Applied } else { EntryOutcome::Duplicate };
            assert_eq!(results[0].outcome, applied, "{attempt}");
            assert_eq!(results[3].outcome, applied, "{attempt}");
            for (r, names) in [(&results[1], "visit_confirmation/upsert"), (&results[2], "worker/suspend")] {
                let EntryOutcome::Rejected { code, message_zh, message_en } = &r.outcome else {
                    panic!("the unknown entry is refused ({attempt}): {r:?}");
                };
                assert_eq!(code, "unsupported_entry");
                assert_eq!(message_zh, &format!("平台不支持此类同步记录（{names}），请升级工作台"));
                assert_eq!(message_en, &format!("The platform does not accept {names} entries; update the desk app"));
            }
        }
        let reviews = p.reviews().await;
        assert_eq!(reviews.len(), 1, "the application beside the unknown entries was queued once");
        assert_eq!(reviews[0].worker_id, b);
        p.stop().await;
    }

    /// The same entry retried from a build that writes the payload's keys in another order
    /// (serde_json's `preserve_order` is on in a workspace build, off in a lone CLI build) is
    /// the same entry: `duplicate`, never `entry_id_reused`.
    #[tokio::test]
    async fn a_retry_with_the_payloads_keys_in_another_order_is_a_duplicate() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let (entry_id, worker_id) = (Uuid::now_v7(), Uuid::now_v7());
        let payload = worker("张三", &id_number(1));
        let fields: Vec<(&String, &Value)> = payload.as_object().unwrap().iter().collect();
        let text = |fields: &mut dyn Iterator<Item = &(&String, &Value)>| {
            let inner: Vec<String> = fields.map(|(k, v)| format!("{}:{v}", Value::from(k.as_str()))).collect();
            format!(
                r#"{{"device_id":"{}","entries":[{{"seq":1,"id":"{entry_id}","entity":"worker","entity_id":"{worker_id}","op":"upsert","payload":{{{}}}}}]}}"#,
                device.device_id,
                inner.join(",")
            )
        };
        let forward = text(&mut fields.iter());
        let backward = text(&mut fields.iter().rev());
        assert_ne!(forward, backward);
        assert_eq!(push_json(&p, &device, forward).await[0].outcome, EntryOutcome::Applied);
        assert_eq!(push_json(&p, &device, backward).await[0].outcome, EntryOutcome::Duplicate);
        p.stop().await;
    }

    #[tokio::test]
    async fn an_invalid_worker_is_rejected_with_the_domains_sentence() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let mut bad = worker("张三", &id_number(1));
        bad["agency_check_done"] = json!(false);
        let got = p
            .push(&device, &[entry(1, Uuid::now_v7(), "apply", bad)])
            .await;
        let EntryOutcome::Rejected {
            code, message_zh, ..
        } = &got[0]
        else {
            panic!("must be rejected: {got:?}");
        };
        assert_eq!(code, "invalid_record");
        assert!(message_zh.contains("企业核实"), "{message_zh}");
        assert!(p.reviews().await.is_empty(), "nothing was queued");
        p.stop().await;
    }

    /// A worker whose synced training does not carry an application is refused, whatever
    /// stage the desk reports, with what is missing (the stage a desk reports may be behind the
    /// training the agency synced, so the training decides, not the stage).
    #[tokio::test]
    async fn a_worker_not_yet_eligible_cannot_be_applied_for() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let mut w = worker("张三", &id_number(1));
        w["status"] = json!("in_training");
        let id = Uuid::now_v7();
        let res = p.push_untrained(&device, &[entry(1, id, "upsert", w.clone()), entry(2, id, "apply", w.clone())]).await;
        let got: Vec<EntryOutcome> = res.json::<PushResponse>().await.unwrap().results.into_iter().map(|r| r.outcome).collect();
        assert_eq!(got[0], EntryOutcome::Applied, "the record is kept");
        assert!(
            matches!(&got[1], EntryOutcome::Rejected { code, message_zh, .. }
                if code == "training_incomplete" && message_zh.contains("不能申领")),
            "{got:?}"
        );
        // With the training synced the application goes through, though the desk still says
        // in training (it has not pushed the stage it took from the agency's records).
        let got = p.push(&device, &[entry(3, id, "apply", w)]).await;
        assert_eq!(got, [EntryOutcome::Applied]);
        assert_eq!(p.reviews().await.len(), 1, "queued once");
        p.stop().await;
    }

    #[tokio::test]
    async fn pull_pages_with_a_monotonic_cursor() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        for n in 0..3 {
            p.apply(&device, "张三", &id_number(n)).await;
        }
        // Another agency's changes are neither sent nor counted.
        let other = p.device(p.agency_in(2, "徐汇").await).await;
        p.apply(&other, "李四", &id_number(9)).await;
        let all = p.pull(&device, 0).await;
        assert!(all.changes.len() >= 3);
        assert_eq!(all.remaining, 0, "nothing waits beyond a last page");
        let res = p
            .http
            .get(p.url("/api/v1/sync/pull?since=0&limit=2"))
            .header("authorization", device.authorization())
            .send()
            .await
            .unwrap();
        let page: PullResponse = res.json().await.unwrap();
        assert_eq!(page.changes.len(), 2);
        assert!(page.has_more);
        assert_eq!(page.remaining as usize, all.changes.len() - 2, "what waits beyond the page, for a progress bar");
        let rest = p.pull(&device, page.next_cursor).await;
        assert_eq!(rest.remaining, 0);
        let seqs: Vec<i64> = page
            .changes
            .iter()
            .chain(&rest.changes)
            .map(|c| c.seq)
            .collect();
        assert_eq!(seqs, all.changes.iter().map(|c| c.seq).collect::<Vec<_>>());
        assert!(seqs.windows(2).all(|w| w[0] < w[1]));
        let empty = p.pull(&device, all.next_cursor).await;
        assert!(empty.changes.is_empty() && !empty.has_more);
        assert_eq!(
            empty.next_cursor, all.next_cursor,
            "an empty pull keeps the cursor"
        );
        p.stop().await;
    }
}

mod checks {
    use super::*;

    #[tokio::test]
    async fn the_watch_list_rejects_and_an_operator_approves_with_a_credential_that_verifies() {
        let listed = id_number(7);
        let p = platform(&[&listed]).await;
        let device = p.device(p.agency_in(1, "浦东").await).await;
        let (refused, o1) = p.apply(&device, "赵六", &listed).await;
        let (approved, o2) = p.apply(&device, "钱七", &id_number(8)).await;
        assert_eq!((o1, o2), (EntryOutcome::Applied, EntryOutcome::Applied));

        let changes = p.pull(&device, 0).await;
        let rejection = changes.changes.iter().find_map(|c| match &c.body {
            ChangeBody::Rejection {
                worker_id,
                message_zh,
                ..
            } if *worker_id == refused => Some(message_zh.clone()),
            _ => None,
        });
        assert!(
            rejection
                .as_deref()
                .is_some_and(|m| m.contains("公安比对未通过")),
            "the agency sees why: {rejection:?}"
        );
        assert!(
            approval_of(&changes, approved).is_none(),
            "still waiting for an operator"
        );

        let queue = p.reviews().await;
        assert_eq!(queue.len(), 1, "only the unlisted worker waits: {queue:?}");
        assert_eq!(queue[0].worker_id, approved);
        let res = p.review(queue[0].application_id, true, "").await;
        assert_eq!(res.status(), StatusCode::OK);
        let again = p.review(queue[0].application_id, true, "").await;
        assert_eq!(
            again.status(),
            StatusCode::CONFLICT,
            "a decided application stays decided"
        );

        let changes = p.pull(&device, changes.next_cursor).await;
        let police_passed = changes.changes.iter().any(|c| {
            matches!(c.body, ChangeBody::CheckResult { worker_id, check: CheckKind::PoliceCheck, passed: true, .. } if worker_id == approved)
        });
        assert!(police_passed);
        let (code, url) = approval_of(&changes, approved).expect("the approval comes back");
        let parsed = CertificateCode::parse(&code).expect("a well-formed certificate code");
        assert_eq!(parsed.district_name(), "浦东新区");
        assert!(url.starts_with(&format!("{}/c/", p.base)));
        assert!(
            url.len() <= 151,
            "fits a version-10 Q QR code: {} bytes",
            url.len()
        );

        let trust: TrustList = p.get_json("/api/v1/trust-list").await;
        let revoked: RevocationList = p.get_json("/api/v1/revocations").await;
        match verify(&url, &trust, &revoked, today()) {
            Verdict::Valid(claims) => assert_eq!(claims.certificate_code, parsed),
            other => panic!("the credential must verify against the served trust list: {other:?}"),
        }
        let page = p.http.get(&url).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("有效") && html.contains(&code), "{html}");
        assert!(!html.contains("钱七"), "the public page shows no name");
        p.stop().await;
    }

    #[tokio::test]
    async fn a_police_results_file_decides_pending_applications() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "徐汇").await).await;
        let (pass, _) = p.apply(&device, "张三", &id_number(1)).await;
        let (fail, _) = p.apply(&device, "李四", &id_number(2)).await;
        let csv = format!(
            "id_number,result,reason\n{},通过,\n{},不通过,有违法记录\n{},通过,\n",
            id_number(1),
            id_number(2),
            id_number(3)
        );
        let res = p
            .operator(reqwest::Method::POST, "/api/v1/operator/reviews/import")
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let report: ReviewReport = res.json().await.unwrap();
        assert_eq!((report.approved, report.rejected), (1, 1));
        assert_eq!(report.unmatched.len(), 1, "the third person never applied");
        let changes = p.pull(&device, 0).await;
        assert!(approval_of(&changes, pass).is_some());
        assert!(changes.changes.iter().any(|c| matches!(&c.body,
            ChangeBody::Rejection { worker_id, message_zh, .. } if *worker_id == fail && message_zh.contains("有违法记录"))));
        assert!(p.reviews().await.is_empty());
        p.stop().await;
    }

    #[tokio::test]
    async fn after_key_rotation_old_credentials_still_verify_and_new_ones_use_the_new_key() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        p.apply(&device, "张三", &id_number(1)).await;
        p.review(p.reviews().await[0].application_id, true, "")
            .await;
        let rotated: KeyRotated = p
            .two_admins("/api/v1/operator/keys/rotate")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(rotated.key_id, 2);
        p.apply(&device, "李四", &id_number(2)).await;
        p.review(p.reviews().await[0].application_id, true, "")
            .await;

        let changes = p.pull(&device, 0).await;
        let trust: TrustList = p.get_json("/api/v1/trust-list").await;
        assert_eq!(trust.keys.len(), 2);
        assert!(trust.keys[0].not_after.is_some() && trust.keys[1].not_after.is_none());
        let mut key_ids = Vec::new();
        for c in &changes.changes {
            if let ChangeBody::Approval { credential_url, .. } = &c.body {
                match verify(credential_url, &trust, &RevocationList::default(), today()) {
                    Verdict::Valid(claims) => key_ids.push(claims.key_id),
                    other => panic!("{other:?}"),
                }
            }
        }
        assert_eq!(key_ids, [1, 2]);
        let synced_keys = changes
            .changes
            .iter()
            .filter(|c| matches!(c.body, ChangeBody::TrustKey { .. }))
            .count();
        assert_eq!(synced_keys, 3, "key 1 added, key 1 retired, key 2 added");
        p.stop().await;
    }
}

mod keys {
    use super::*;

    #[tokio::test]
    async fn a_withdrawn_key_leaves_the_trust_list_with_a_deletion_marker() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let (w, _) = p.apply(&device, "张三", &id_number(1)).await;
        p.review(p.reviews().await[0].application_id, true, "")
            .await;
        let (_, url) = approval_of(&p.pull(&device, 0).await, w).unwrap();

        let res = p.two_admins("/api/v1/operator/keys/1/withdraw").await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let changes = p.pull(&device, 0).await;
        assert!(changes.changes.iter().any(|c| matches!(&c.body,
            ChangeBody::Deleted { entity, entity_id } if entity == "trust_key" && entity_id == "1")));
        let trust: TrustList = p.get_json("/api/v1/trust-list").await;
        assert!(trust.keys.iter().all(|k| k.key_id != 1), "{trust:?}");
        assert_eq!(
            verify(&url, &trust, &RevocationList::default(), today()),
            Verdict::UnknownKey { key_id: 1 }
        );

        // The next approval is signed by a new key, never by the withdrawn one.
        let (w2, _) = p.apply(&device, "李四", &id_number(2)).await;
        p.review(p.reviews().await[0].application_id, true, "")
            .await;
        let (_, url2) = approval_of(&p.pull(&device, 0).await, w2).unwrap();
        let trust: TrustList = p.get_json("/api/v1/trust-list").await;
        assert!(matches!(
            verify(&url2, &trust, &RevocationList::default(), today()),
            Verdict::Valid(c) if c.key_id == 2
        ));
        let again = p
            .operator(reqwest::Method::POST, "/api/v1/operator/keys/1/withdraw")
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_FOUND);
        p.stop().await;
    }
}

mod cards {
    use super::*;

    #[tokio::test]
    async fn a_reissued_card_replaces_the_older_one() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let person = id_number(1);
        let (w, _) = p.apply(&device, "张三", &person).await;
        p.review(p.reviews().await[0].application_id, true, "")
            .await;
        let first = p.pull(&device, 0).await;
        let (code, old_url) = approval_of(&first, w).unwrap();

        // The desk printed and issued the card, then the worker lost it.
        let mut issued = worker("张三", &person);
        issued["status"] = json!("issued");
        let got = p
            .push(
                &device,
                &[
                    entry(2, w, "upsert", issued),
                    entry(3, w, "reissue", json!({})),
                ],
            )
            .await;
        assert_eq!(got, [EntryOutcome::Applied, EntryOutcome::Applied]);

        let changes = p.pull(&device, first.next_cursor).await;
        let (new_code, new_url) = approval_of(&changes, w).expect("a new credential comes back");
        assert_eq!(new_code, code, "same certificate, new card");
        let trust: TrustList = p.get_json("/api/v1/trust-list").await;
        let revoked: RevocationList = p.get_json("/api/v1/revocations").await;
        assert!(matches!(
            verify(&old_url, &trust, &revoked, today()),
            Verdict::Replaced {
                current_card_version: 2,
                ..
            }
        ));
        assert!(matches!(
            verify(&new_url, &trust, &revoked, today()),
            Verdict::Valid(c) if c.card_version == 2
        ));

        // A worker without a certificate gets no card.
        let (pending, _) = p.apply(&device, "李四", &id_number(2)).await;
        let got = p
            .push(&device, &[entry(4, pending, "reissue", json!({}))])
            .await;
        assert!(
            matches!(&got[0], EntryOutcome::Rejected { code, .. } if code == "status_transition"),
            "{got:?}"
        );
        p.stop().await;
    }
}

mod blobs {
    use super::*;
    use sha2::{Digest, Sha256};

    #[tokio::test]
    async fn a_photo_is_uploaded_by_its_hash_once_and_only_its_agency_sees_it() {
        let p = platform(&[]).await;
        let first = p.device(p.agency_in(1, "黄浦").await).await;
        let second = p.device(p.agency_in(2, "静安").await).await;
        let photo = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes are bytes".to_vec();
        let sha = hex::encode(Sha256::digest(&photo));
        let url = p.url(&format!("/api/v1/blobs/{sha}"));
        let head = |device: &EnrolResponse| {
            p.http
                .head(&url)
                .header("authorization", device.authorization())
                .send()
        };

        assert_eq!(
            head(&first).await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "ask first"
        );
        for _ in 0..2 {
            let res = p
                .http
                .put(&url)
                .header("authorization", first.authorization())
                .body(photo.clone())
                .send()
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::CREATED,
                "uploading again is harmless"
            );
        }
        assert_eq!(head(&first).await.unwrap().status(), StatusCode::OK);
        let got = p
            .http
            .get(&url)
            .header("authorization", first.authorization())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(got.as_ref(), photo.as_slice());
        assert_eq!(
            head(&second).await.unwrap().status(),
            StatusCode::NOT_FOUND,
            "another agency's photo is invisible"
        );

        let res = p
            .http
            .put(&url)
            .header("authorization", second.authorization())
            .body(b"other bytes".to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            res.json::<ApiError>().await.unwrap().code,
            "blob_hash_mismatch"
        );
        let res = p
            .http
            .put(p.url("/api/v1/blobs/..%2F..%2Fetc"))
            .header("authorization", first.authorization())
            .body(photo.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let res = p.http.put(&url).body(photo.clone()).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        p.stop().await;
    }
}

mod agencies {
    use super::*;

    #[tokio::test]
    async fn a_second_agency_cannot_apply_for_a_person_until_the_first_cancels() {
        let p = platform(&[]).await;
        let first = p.device(p.agency_in(1, "黄浦").await).await;
        let second = p.device(p.agency_in(2, "静安").await).await;
        let person = id_number(5);
        let (held, _) = p.apply(&first, "张三", &person).await;
        p.review(p.reviews().await[0].application_id, true, "")
            .await;
        let (code, url) = approval_of(&p.pull(&first, 0).await, held).unwrap();

        let (other, outcome) = p.apply(&second, "张三", &person).await;
        let EntryOutcome::Rejected {
            code: reason,
            message_zh,
            message_en,
        } = outcome
        else {
            panic!("must be rejected: {outcome:?}");
        };
        assert_eq!(reason, "certificate_held_elsewhere");
        assert!(
            message_zh.contains("其他家政服务机构") && message_zh.contains("注销"),
            "{message_zh}"
        );
        assert!(message_en.contains("another agency"), "{message_en}");
        assert!(
            !message_zh.contains("第1家政"),
            "the other agency is not named"
        );
        assert!(p.reviews().await.is_empty());

        // The first agency cancels: the card is revoked and the person is free to apply again.
        let cancel = entry(2, held, "cancel", json!({}));
        assert_eq!(p.push(&first, &[cancel]).await, [EntryOutcome::Applied]);
        let trust: TrustList = p.get_json("/api/v1/trust-list").await;
        let revoked: RevocationList = p.get_json("/api/v1/revocations").await;
        assert!(revoked
            .entries
            .iter()
            .any(|e| e.certificate_code == code && e.revoked));
        assert!(matches!(
            verify(&url, &trust, &revoked, today()),
            Verdict::Revoked(_)
        ));
        let retry = entry(2, other, "apply", worker("张三", &person));
        assert_eq!(p.push(&second, &[retry]).await, [EntryOutcome::Applied]);
        p.stop().await;
    }

    #[tokio::test]
    async fn one_agency_never_sees_or_changes_anothers_records() {
        let p = platform(&[]).await;
        let first = p.device(p.agency_in(1, "黄浦").await).await;
        let second = p.device(p.agency_in(2, "静安").await).await;
        let (w, _) = p.apply(&first, "张三", &id_number(1)).await;
        p.review(p.reviews().await[0].application_id, true, "")
            .await;

        let seen = p.pull(&second, 0).await;
        assert!(
            !mentions_worker(&seen, w),
            "another agency's worker must be invisible"
        );
        assert!(
            seen.changes.iter().all(|c| matches!(
                c.body,
                ChangeBody::TrustKey { .. } | ChangeBody::Revocation { .. }
            )),
            "only city-wide, person-free changes are shared: {seen:?}"
        );

        let hijack = entry(1, w, "upsert", worker("冒名", &id_number(2)));
        let got = p.push(&second, &[hijack]).await;
        assert!(
            matches!(&got[0], EntryOutcome::Conflict { code, .. } if code == "record_id_taken"),
            "{got:?}"
        );
        let cancel = entry(2, w, "cancel", json!({}));
        let got = p.push(&second, &[cancel]).await;
        assert!(matches!(&got[0], EntryOutcome::Conflict { .. }), "{got:?}");
        let revoked: RevocationList = p.get_json("/api/v1/revocations").await;
        assert!(
            revoked.entries.is_empty(),
            "the first agency's certificate is untouched"
        );
        p.stop().await;
    }
}

mod restart {
    use super::*;

    #[tokio::test]
    async fn after_a_restart_devices_receipts_and_the_queue_are_still_there() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let batch = [entry(
            1,
            Uuid::now_v7(),
            "apply",
            worker("张三", &id_number(1)),
        )];
        assert_eq!(p.push(&device, &batch).await, [EntryOutcome::Applied]);
        let ca_before = std::fs::read(p.server().dev_ca.as_ref().unwrap()).unwrap();
        let dir = p.stop().await;

        let p = platform_at(dir, &[]).await;
        let ca_after = std::fs::read(p.server().dev_ca.as_ref().unwrap()).unwrap();
        assert_eq!(ca_before, ca_after, "desks keep trusting the same dev CA");
        assert_eq!(
            p.push(&device, &batch).await,
            [EntryOutcome::Duplicate],
            "the device still authenticates and the receipt survived"
        );
        assert_eq!(p.reviews().await.len(), 1);
        p.stop().await;
    }
}

mod refusals {
    use super::*;

    /// What a refused request must leave behind: no queued application, no new change.
    async fn assert_nothing_changed(p: &Platform, device: &EnrolResponse, cursor: i64) {
        assert!(p.reviews().await.is_empty(), "nothing was queued");
        let after = p.pull(device, cursor).await;
        assert!(
            after.changes.is_empty(),
            "no change was recorded: {after:?}"
        );
    }

    #[tokio::test]
    async fn malformed_oversized_and_unauthenticated_requests_are_refused_and_change_nothing() {
        let p = platform(&[]).await;
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let cursor = p.pull(&device, 0).await.next_cursor;
        let push_url = p.url("/api/v1/sync/push");

        let res = p
            .http
            .post(&push_url)
            .header("authorization", device.authorization())
            .header("content-type", "application/json")
            .body("{\"device_id\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let err: ApiError = res.json().await.unwrap();
        assert_eq!(err.code, "malformed_json");
        assert!(!err.message_zh.is_empty() && !err.message_en.is_empty());

        let big = json!({"device_id": device.device_id, "entries": [
            entry(1, Uuid::now_v7(), "apply", json!({"name": "x".repeat(1024 * 1024)}))]});
        let res = p
            .http
            .post(&push_url)
            .header("authorization", device.authorization())
            .json(&big)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            res.json::<ApiError>().await.unwrap().code,
            "payload_too_large"
        );

        let batch = [entry(
            1,
            Uuid::now_v7(),
            "apply",
            worker("张三", &id_number(1)),
        )];
        let body = PushRequest {
            device_id: device.device_id,
            entries: batch.to_vec(),
        };
        let wrong_secret = format!("Bearer {}.{}", device.device_id, "A".repeat(43));
        let other_device = format!("Bearer {}.{}", Uuid::now_v7(), device.device_secret);
        for auth in [
            None,
            Some("Bearer".to_owned()),
            Some(wrong_secret),
            Some(other_device),
            Some(format!("Bearer {}", p.keys.admin)),
        ] {
            let mut req = p.http.post(&push_url).json(&body);
            if let Some(a) = &auth {
                req = req.header("authorization", a);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{auth:?}");
            assert_eq!(res.json::<ApiError>().await.unwrap().code, "unauthorized");
        }
        // A credential in the URL is never read.
        let res = p
            .http
            .post(format!(
                "{push_url}?access_token={}",
                device.authorization().trim_start_matches("Bearer ")
            ))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        // A device cannot act as an operator.
        let res = p
            .http
            .get(p.url("/api/v1/operator/reviews"))
            .header("authorization", device.authorization())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        // A device cannot push in another device's name.
        let mut spoofed = body.clone();
        spoofed.device_id = Uuid::now_v7();
        let res = p
            .http
            .post(&push_url)
            .header("authorization", device.authorization())
            .json(&spoofed)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);

        let res = p
            .http
            .get(p.url("/api/v1/sync/pull?since=abc"))
            .header("authorization", device.authorization())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            res.json::<ApiError>().await.unwrap().code,
            "malformed_query"
        );

        assert_nothing_changed(&p, &device, cursor).await;
        p.stop().await;
    }

    #[tokio::test]
    async fn a_revoked_device_is_refused_at_once() {
        let p = platform(&[]).await;
        let agency = p.agency_in(1, "黄浦").await;
        let device = p.device(agency).await;
        let batch = [entry(
            1,
            Uuid::now_v7(),
            "upsert",
            worker("张三", &id_number(1)),
        )];
        assert_eq!(p.push(&device, &batch).await, [EntryOutcome::Applied]);
        let cursor = p.pull(&device, 0).await.next_cursor;

        let res = p
            .operator(
                reqwest::Method::POST,
                &format!("/api/v1/operator/devices/{}/revoke", device.device_id),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        let apply = [entry(
            2,
            Uuid::now_v7(),
            "apply",
            worker("李四", &id_number(2)),
        )];
        assert_eq!(
            p.push_raw(&device, &apply).await.status(),
            StatusCode::UNAUTHORIZED
        );
        let res = p
            .http
            .get(p.url("/api/v1/sync/pull?since=0"))
            .header("authorization", device.authorization())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

        // The agency's other, new device still works, and sees that nothing was applied.
        let fresh = p.device(agency).await;
        assert_nothing_changed(&p, &fresh, cursor).await;
        p.stop().await;
    }

    #[tokio::test]
    async fn operator_endpoints_refuse_a_wrong_token() {
        let p = platform(&[]).await;
        let res = p
            .http
            .post(p.url("/api/v1/operator/agencies"))
            .bearer_auth("not-the-token")
            .json(&json!({"name": "x", "credit_code": credit_code(1), "district": "黄浦"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let res = p
            .http
            .post(p.url("/api/v1/operator/keys/rotate"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        p.stop().await;
    }
}

/// Issue 12 item 3 (part): the trust and revocation lists every verifier polls answer a strong
/// `ETag`; the same list asked for with `If-None-Match` is 304 with no body, a changed one 200
/// with a new tag.
mod lists {
    use super::*;

    async fn get(p: &Platform, path: &str, tag: Option<&str>) -> (StatusCode, Option<String>, String) {
        let mut req = p.http.get(p.url(path));
        if let Some(t) = tag {
            req = req.header("if-none-match", t);
        }
        let res = req.send().await.unwrap();
        let etag = res.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
        (res.status(), etag, res.text().await.unwrap())
    }

    #[tokio::test]
    async fn the_trust_and_revocation_lists_answer_304_until_they_change() {
        let p = platform(&[]).await;
        let (status, tag, body) = get(&p, "/api/v1/trust-list", None).await;
        let tag = tag.expect("an ETag");
        assert_eq!(status, StatusCode::OK);
        assert!(serde_json::from_str::<TrustList>(&body).is_ok());
        assert_eq!(get(&p, "/api/v1/trust-list", Some(&tag)).await, (StatusCode::NOT_MODIFIED, Some(tag.clone()), String::new()));
        let (status, _, _) = get(&p, "/api/v1/trust-list", Some("\"something else\"")).await;
        assert_eq!(status, StatusCode::OK, "another tag: the list");

        let (_, rtag, _) = get(&p, "/api/v1/revocations", None).await;
        let rtag = rtag.expect("an ETag");
        assert_eq!(get(&p, "/api/v1/revocations", Some(&rtag)).await.0, StatusCode::NOT_MODIFIED);

        // A certificate cancelled: the revocation list changes, and so does its tag.
        let device = p.device(p.agency_in(1, "黄浦").await).await;
        let (w, _) = p.apply(&device, "张三", &id_number(1)).await;
        p.review(p.reviews().await[0].application_id, true, "").await;
        p.push(&device, &[entry(2, w, "cancel", json!({}))]).await;
        let (status, new_rtag, body) = get(&p, "/api/v1/revocations", Some(&rtag)).await;
        assert_eq!(status, StatusCode::OK);
        assert_ne!(new_rtag, Some(rtag));
        assert_eq!(serde_json::from_str::<RevocationList>(&body).unwrap().entries.len(), 1);

        // The key rotated: the trust list changes too.
        assert_eq!(p.two_admins("/api/v1/operator/keys/rotate").await.status(), StatusCode::OK);
        let (status, new_tag, _) = get(&p, "/api/v1/trust-list", Some(&tag)).await;
        assert_eq!(status, StatusCode::OK);
        assert_ne!(new_tag, Some(tag));
        p.stop().await;
    }
}

/// Issue 11 item 6: no shared operator token; each operator's own keys, scoped, expiring and
/// revocable; two administrators for a signing key; every action audited; the operators on a
/// listener of their own.
mod operators {
    use super::*;
    use certdesk_platform::flows::operators::{create_api_key, revoke_api_key};
    use certdesk_platform::operator_pages::access::Area;
    use certdesk_testkit::platform::{ADMIN, OFFICE, SECOND_ADMIN};

    async fn refusal(res: reqwest::Response) -> (StatusCode, ApiError) {
        (res.status(), res.json().await.unwrap())
    }

    /// A key made on the data folder as `operator key create` makes it.
    fn key(p: &TestPlatform, user: &str, scopes: &[Area], days: u32) -> (Uuid, String) {
        let now = p.clock.now();
        let k = p.with_store(|store| create_api_key(&store, &certdesk_platform::ids::SystemIds, user, scopes, days, now).unwrap().unwrap());
        (k.id, k.key)
    }

    #[tokio::test]
    async fn a_key_does_only_what_its_scopes_and_its_operators_role_allow_and_dies_when_revoked_or_expired() {
        let p = platform(&[]).await;
        let agency = json!({"name": "第一家政服务有限公司", "credit_code": credit_code(1), "district": "黄浦"});
        // The programme office's key cannot register an agency: 403, a sentence, nothing made.
        let (status, err) = refusal(p.operator_with(&p.keys.office, reqwest::Method::POST, "/api/v1/operator/agencies").json(&agency).send().await.unwrap()).await;
        assert_eq!((status, err.code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
        assert!(err.message_zh.contains("机构"), "{}", err.message_zh);
        let (status, _) = refusal(p.operator_with(&p.keys.office, reqwest::Method::POST, "/api/v1/operator/keys/rotate").send().await.unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "nor touch the signing keys");
        // An administrator's key limited to devices cannot register one either.
        let (_, devices_only) = key(&p, ADMIN, &[Area::Devices], 30);
        assert_eq!(p.operator_with(&devices_only, reqwest::Method::POST, "/api/v1/operator/agencies").json(&agency).send().await.unwrap().status(), StatusCode::FORBIDDEN);
        assert_eq!(p.operator_with(&devices_only, reqwest::Method::GET, "/api/v1/operator/devices").send().await.unwrap().status(), StatusCode::OK);
        // A scope beyond the role is refused when the key is made.
        let now = p.clock.now();
        assert_eq!(
            p.with_store(|store| create_api_key(&store, &certdesk_platform::ids::SystemIds, OFFICE, &[Area::Agencies], 30, now).unwrap()),
            Err(certdesk_platform::flows::operators::KeyRefusal::ScopeNotAllowed(Area::Agencies))
        );
        let agencies = p.operator(reqwest::Method::GET, "/api/v1/operator/devices").send().await.unwrap();
        assert_eq!(agencies.status(), StatusCode::OK, "the administrator's full key");

        // Revoked: refused at once.
        let (id, short) = key(&p, ADMIN, &[], 1);
        assert_eq!(p.operator_with(&short, reqwest::Method::GET, "/api/v1/operator/devices").send().await.unwrap().status(), StatusCode::OK);
        let now = p.clock.now();
        assert!(p.with_store(|store| revoke_api_key(&store, ADMIN, id, now).unwrap()));
        assert_eq!(p.operator_with(&short, reqwest::Method::GET, "/api/v1/operator/devices").send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
        // Expired: refused from its last instant.
        let (_, day) = key(&p, ADMIN, &[], 1);
        p.clock.advance(chrono::Duration::days(1));
        assert_eq!(p.operator_with(&day, reqwest::Method::GET, "/api/v1/operator/devices").send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
        // The keys are stored as digests: the database holds none of them.
        for k in [&p.keys.admin, &p.keys.office, &devices_only] {
            assert!(!p.database_holds(k.as_bytes()), "a key in the clear");
        }
        p.stop().await;
    }

    #[tokio::test]
    async fn a_signing_key_is_rotated_only_when_a_second_administrator_confirms() {
        let p = platform(&[]).await;
        let trust: TrustList = p.get_json("/api/v1/trust-list").await;
        assert_eq!(trust.keys.len(), 1);
        let rotate = |key: &str| p.operator_with(key, reqwest::Method::POST, "/api/v1/operator/keys/rotate").send();
        let asked = rotate(&p.keys.admin).await.unwrap();
        assert_eq!(asked.status(), StatusCode::ACCEPTED);
        let asked: certdesk_protocol::operator::KeyActionRequested = asked.json().await.unwrap();
        assert_eq!((asked.action.as_str(), asked.requested_by.as_str()), ("rotate", ADMIN));
        assert!(asked.message_zh.contains("另一名管理员"), "{}", asked.message_zh);
        // The same administrator again: refused, nothing rotated.
        let (status, err) = refusal(rotate(&p.keys.admin).await.unwrap()).await;
        assert_eq!((status, err.code.as_str()), (StatusCode::CONFLICT, "second_operator_needed"));
        let trust: TrustList = p.get_json("/api/v1/trust-list").await;
        assert!(trust.keys.len() == 1 && trust.keys[0].not_after.is_none(), "nothing rotated yet");
        // Another administrator confirms: rotated.
        let done = rotate(&p.keys.second_admin).await.unwrap();
        assert_eq!(done.status(), StatusCode::OK);
        assert_eq!(done.json::<KeyRotated>().await.unwrap().key_id, 2);
        // A request lapses after 24 hours: a late second call only asks again.
        assert_eq!(rotate(&p.keys.admin).await.unwrap().status(), StatusCode::ACCEPTED);
        p.clock.advance(chrono::Duration::hours(25));
        assert_eq!(rotate(&p.keys.second_admin).await.unwrap().status(), StatusCode::ACCEPTED);
        let trust: TrustList = p.get_json("/api/v1/trust-list").await;
        assert_eq!(trust.keys.len(), 2, "no third key from a lapsed request");

        // Every call is in the audit, by operator and key, with how it ended.
        let audit = p.with_store(|store| store.audit_lines(None, 100).unwrap());
        let lines: Vec<(String, String, Option<String>)> = audit
            .clone()
            .into_iter()
            .rev()
            .filter(|l| l.action == "POST /api/v1/operator/keys/rotate")
            .map(|l| (l.operator, l.via.split(':').next().unwrap_or_default().to_owned(), l.outcome))
            .collect();
        let line = |who: &str, outcome: &str| (who.to_owned(), "api_key".to_owned(), Some(outcome.to_owned()));
        assert!(
            audit.iter().filter(|l| l.action.ends_with("/keys/rotate")).all(|l| l.target == "/api/v1/operator/keys/rotate"),
            "the path as the client sent it"
        );
        assert_eq!(lines, [line(ADMIN, "202"), line(ADMIN, "409"), line(SECOND_ADMIN, "200"), line(ADMIN, "202"), line(SECOND_ADMIN, "202")]);
        p.stop().await;
    }

    #[tokio::test]
    async fn with_an_operator_listener_the_public_address_serves_no_operator_route_and_the_internal_one_nothing_else() {
        let p = TestPlatform::start(Options::default().with_operator_listener().without_redirects()).await;
        let internal = format!("https://{}", p.server().operator_addr.expect("an operator listener"));
        for path in ["/operator/sign-in", "/operator", "/api/v1/operator/devices"] {
            let res = p.operator(reqwest::Method::GET, path).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "public {path}");
        }
        assert_eq!(p.http.get(p.url("/api/v1/trust-list")).send().await.unwrap().status(), StatusCode::OK, "the public side serves");
        let on = |path: &str| p.http.get(format!("{internal}{path}")).bearer_auth(&p.keys.admin).send();
        assert_eq!(on("/operator/sign-in").await.unwrap().status(), StatusCode::OK);
        assert_eq!(on("/api/v1/operator/devices").await.unwrap().status(), StatusCode::OK);
        assert_eq!(on("/healthz").await.unwrap().status(), StatusCode::OK);
        for path in ["/api/v1/trust-list", "/c/AQAB", "/e"] {
            assert_eq!(on(path).await.unwrap().status(), StatusCode::NOT_FOUND, "internal {path}");
        }
    }
}
