//! Several platform instances, one city (issue 12 item 2): real `certdesk-platform serve`
//! processes on one PostgreSQL database, behind a real nginx run with the repository's
//! configuration (`docs/deploy/nginx.conf`). Certificate codes stay unique and gapless when the
//! instances approve at the same moment; a rating token issued by one instance is taken by the
//! other; the per-network limit is counted once for the city; and `kill -9` of an instance while
//! a desk pushes through nginx loses and duplicates nothing.
//!
//! These need the PostgreSQL test server (`CERTDESK_TEST_PG`; skipped loudly without it on a
//! developer's machine, a failure with `CI=true`) and nginx (scripts/install-deps installs it).
//! They run in the SQLite pass of the suite only: they make their own database either way.

use std::path::Path;
use std::time::Duration;

use certdesk_protocol::sync::{ChangeBody, EnrolResponse, EntryOutcome, OutboxEntry, PullResponse, PushRequest, PushResponse};
use certdesk_testkit::id_number;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::support::city::City;
use crate::support::scene::{entry, worker};

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_certdesk-platform"))
}

/// One push to `base`; the HTTP error when there is no answer or not 200 (the desk retries).
async fn push(http: &reqwest::Client, base: &str, device: &EnrolResponse, entries: &[OutboxEntry]) -> Result<Vec<EntryOutcome>, String> {
    let res = http
        .post(format!("{base}/api/v1/sync/push"))
        .header("authorization", device.authorization())
        .json(&PushRequest { device_id: device.device_id, entries: entries.to_vec() })
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if res.status() != StatusCode::OK {
        return Err(format!("{}", res.status()));
    }
    Ok(res.json::<PushResponse>().await.map_err(|e| e.to_string())?.results.into_iter().map(|r| r.outcome).collect())
}

/// Applications for `count` new workers (ID numbers from `first`), with their records and
/// training first, as a desk sends them.
fn applications(first: u32, count: u32) -> Vec<OutboxEntry> {
    let apply: Vec<OutboxEntry> =
        (first..first + count).map(|n| entry(0, Uuid::now_v7(), "apply", worker("张三", &id_number(n), None))).collect();
    let mut all = certdesk_testkit::training::for_applications(&apply);
    all.extend(apply);
    all
}

/// Every change the desk's agency may pull, page by page.
async fn pull_everything(http: &reqwest::Client, base: &str, device: &EnrolResponse) -> Vec<ChangeBody> {
    let (mut since, mut all) = (0, Vec::new());
    loop {
        let page: PullResponse = http
            .get(format!("{base}/api/v1/sync/pull?since={since}"))
            .header("authorization", device.authorization())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        since = page.next_cursor;
        all.extend(page.changes.into_iter().map(|c| c.body));
        if !page.has_more {
            return all;
        }
    }
}

fn approvals(changes: &[ChangeBody]) -> Vec<(Uuid, String, String)> {
    changes
        .iter()
        .filter_map(|c| match c {
            ChangeBody::Approval { worker_id, certificate_code, credential_url, .. } => {
                Some((*worker_id, certificate_code.clone(), credential_url.clone()))
            }
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_approving_at_once_hand_out_1000_codes_without_a_duplicate_or_a_gap() {
    let Some(city) = City::start(bin(), "instances::codes", 2, 100_000).await else { return };
    let (a, b) = (city.desk(1).await, city.desk(2).await);
    // Desk A sends 500 applications to the first instance while desk B sends 500 to the second;
    // each instance approves what it receives at once (the watch list passes everyone).
    let send = |device: EnrolResponse, base: String, first: u32| {
        let http = city.http.clone();
        async move {
            for batch in 0..10 {
                let entries = applications(first + batch * 50, 50);
                let outcomes = push(&http, &base, &device, &entries).await.expect("the instance answers");
                assert!(outcomes.iter().all(|o| *o == EntryOutcome::Applied), "{outcomes:?}");
            }
        }
    };
    tokio::join!(send(a.clone(), city.direct(0), 1), send(b.clone(), city.direct(1), 501));

    let mut codes = Vec::new();
    for device in [&a, &b] {
        let approved = approvals(&pull_everything(&city.http, &city.base, device).await);
        assert_eq!(approved.len(), 500, "every application of the agency was approved once");
        assert!(approved.iter().all(|(_, _, url)| url.starts_with(&format!("{}/c/", city.base))), "cards point at the city's address");
        codes.extend(approved.into_iter().map(|(_, code, _)| code));
    }
    let serials: std::collections::BTreeSet<u32> = codes
        .iter()
        .map(|c| certdesk_domain::certificate_code::CertificateCode::parse(c).expect("a certificate code").serial())
        .collect();
    assert_eq!(serials.len(), 1000, "no code handed out twice");
    assert_eq!(serials.iter().copied().collect::<Vec<_>>(), (1..=1000).collect::<Vec<_>>(), "and no gap");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_from_one_instance_is_taken_by_the_other_and_the_limit_is_one_for_the_city() {
    let Some(city) = City::start(bin(), "instances::token_and_limit", 2, 30).await else { return };
    let desk = city.desk(1).await;
    let entries = applications(1, 1);
    assert!(push(&city.http, &city.base, &desk, &entries).await.unwrap().iter().all(|o| *o == EntryOutcome::Applied));
    let (_, _, url) = approvals(&pull_everything(&city.http, &city.base, &desk).await).pop().expect("approved");
    let path = &url[city.base.len()..];

    // The page from the first instance; the visit and the rating to the second.
    let page = city.http.get(format!("{}{path}", city.direct(0))).send().await.unwrap();
    let cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
    let html = page.text().await.unwrap();
    let start = html.find("name=\"token\" value=\"").expect("a token") + 20;
    let token = &html[start..start + html[start..].find('"').unwrap()];
    let post = |what: &str, form: Vec<(&'static str, String)>| {
        city.http.post(format!("{}{path}/{what}", city.direct(1))).header("cookie", cookie.clone()).form(&form).send()
    };
    assert_eq!(post("visit", vec![("token", token.to_owned())]).await.unwrap().status(), StatusCode::OK);
    let rated = post("rating", vec![("token", token.to_owned()), ("stars", "5".into()), ("comment", "很好".into())]).await.unwrap();
    assert_eq!(rated.status(), StatusCode::OK, "the other instance takes the first one's token");
    assert!(pull_everything(&city.http, &city.base, &desk).await.iter().any(|c| matches!(c, ChangeBody::Rating { stars: 5, .. })));

    // 30 requests a minute for one network, counted in the database: whichever instance
    // answers, the city allows 30 in all (the requests above counted a few already).
    let mut allowed = 0;
    for n in 0..40 {
        let status = city.http.get(format!("{}/api/v1/trust-list", city.direct(n % 2))).send().await.unwrap().status();
        if status == StatusCode::OK {
            allowed += 1;
        } else {
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        }
    }
    assert!(allowed < 30, "the two instances share one count: {allowed} of 40 allowed");
    // Through nginx, a forged X-Forwarded-For changes nothing: nginx sets it to the connection's
    // address, which is the same network.
    let forged = city.http.get(format!("{}/api/v1/trust-list", city.base)).header("x-forwarded-for", "198.51.100.7").send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_one_instance_while_a_desk_pushes_through_nginx_loses_and_duplicates_nothing() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let Some(mut city) = City::start(bin(), "instances::kill", 2, 100_000).await else { return };
    let desk = city.desk(1).await;
    let batches: Arc<Vec<Vec<OutboxEntry>>> = Arc::new((0..12).map(|b| applications(1 + b * 10, 10)).collect());
    let done = Arc::new(AtomicUsize::new(0));
    // The desk pushes through nginx without pause; the desk's rule: a push without an answer
    // is sent again, unchanged.
    let pushing = {
        let (http, base, desk, batches, done) = (city.http.clone(), city.base.clone(), desk.clone(), batches.clone(), done.clone());
        tokio::spawn(async move {
            let mut retries = 0;
            for batch in batches.iter() {
                loop {
                    match push(&http, &base, &desk, batch).await {
                        Ok(outcomes) => {
                            assert!(outcomes.iter().all(|o| matches!(o, EntryOutcome::Applied | EntryOutcome::Duplicate)), "{outcomes:?}");
                            break;
                        }
                        Err(e) => {
                            retries += 1;
                            assert!(retries < 100, "the desk never got through: {e}");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                }
                done.fetch_add(1, Ordering::SeqCst);
            }
            retries
        })
    };
    // kill -9 of the first instance while the desk is in the middle of its pushes.
    while done.load(Ordering::SeqCst) < 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    drop(city.instances.remove(0));
    let retries = pushing.await.unwrap();
    assert_eq!(done.load(Ordering::SeqCst), 12);

    // Everything arrived once: 120 approvals, one per worker; every entry sent again is a duplicate.
    let approved = approvals(&pull_everything(&city.http, &city.base, &desk).await);
    let workers: std::collections::HashSet<Uuid> = approved.iter().map(|(w, _, _)| *w).collect();
    assert_eq!((approved.len(), workers.len()), (120, 120));
    for batch in batches.iter() {
        let again = push(&city.http, &city.base, &desk, batch).await.unwrap();
        assert!(again.iter().all(|o| *o == EntryOutcome::Duplicate), "{again:?}");
    }
    eprintln!("kill -9 of one instance mid-sync: {retries} pushes sent again");
}

/// Behind nginx on a port of its own (as the repository's configuration runs it), the platform
/// sees the host the browser used, port included: an operator's sign-in form posted with the
/// browser's `Origin` (and no `Sec-Fetch-Site`, as an older browser sends none) is taken, and
/// one from another site is not. With `proxy_set_header Host $host` the port was lost and the
/// form refused as coming from elsewhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_nginx_the_host_keeps_its_port_so_an_operators_form_is_from_this_origin() {
    use certdesk_platform::operator_pages::auth::{SESSION_COOKIE, SIGN_IN_COOKIE};
    let city = City::start_sqlite(bin(), 600).await;
    let sign_in = |origin: String| {
        let (http, base) = (city.http.clone(), city.base.clone());
        async move {
            let form = http.get(format!("{base}/operator/sign-in")).send().await.unwrap();
            let pre = form.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find(|v| v.starts_with(SIGN_IN_COOKIE)).unwrap().split(';').next().unwrap().to_owned();
            let html = form.text().await.unwrap();
            let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
            let csrf = html[at..].split('"').next().unwrap().to_owned();
            http.post(format!("{base}/operator/sign-in"))
                .header("cookie", pre)
                .header("origin", origin)
                .form(&[("csrf", csrf.as_str()), ("user", certdesk_testkit::platform::OFFICE), ("password", certdesk_testkit::platform::OPERATOR_PASSWORD), ("code", "")])
                .send()
                .await
                .unwrap()
        }
    };
    let ours = sign_in(city.base.clone()).await;
    assert_eq!(ours.status(), StatusCode::SEE_OTHER, "{}", ours.text().await.unwrap_or_default());
    assert!(ours.headers().get_all("set-cookie").iter().any(|v| v.to_str().unwrap().starts_with(SESSION_COOKIE)), "signed in");
    let theirs = sign_in("https://evil.example".into()).await;
    assert_eq!(theirs.status(), StatusCode::FORBIDDEN, "another site's form");
}
