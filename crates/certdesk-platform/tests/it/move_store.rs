//! Moving a platform from SQLite to PostgreSQL (`certdesk-platform migrate-store`, issue 12
//! item 5), and the PostgreSQL backup drill (`pg_dump`, restored into a new database): every
//! agency, device, worker, certificate, key, rating and change arrives, and the desk keeps
//! syncing with the cursor it holds. Both run in the SQLite pass of the suite only (they make
//! their own databases) and need the PostgreSQL test server (`CERTDESK_TEST_PG`).

use std::path::Path;
use std::process::Command;

use certdesk_platform::{start, RunningServer, ServerConfig};
use certdesk_protocol::sync::{ChangeBody, EnrolResponse, EntryOutcome, PullResponse};
use certdesk_protocol::TrustList;
use certdesk_testkit::id_number;
use certdesk_testkit::platform::{client, on_postgres, Options};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::support::scene::{entry, scene_with, worker, Scene};

/// A SQLite platform with records of every kind: two agencies' desks, approved certificates, a
/// reissued card, a rating, the operators and their keys, the change log.
async fn sqlite_city() -> (Scene, EnrolResponse, i64) {
    let s = scene_with(Options::approving_everyone().without_redirects()).await;
    let desk = s.device(s.agency(1, "黄浦区", Some("021-63211234")).await).await;
    let other = s.device(s.agency(2, "徐汇区", None).await).await;
    for n in 1..=3 {
        s.approved(&desk, "张三", &id_number(n), None).await;
    }
    s.approved(&other, "李四", &id_number(9), None).await;
    let pulled: PullResponse = s
        .http
        .get(s.url("/api/v1/sync/pull?since=0"))
        .header("authorization", desk.authorization())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!pulled.has_more);
    (s, desk, pulled.next_cursor)
}

/// Every table's row count in SQLite's file.
fn sqlite_counts(dir: &Path) -> Vec<(String, i64)> {
    let db = rusqlite::Connection::open(dir.join("platform.sqlite3")).unwrap();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.into_iter().map(|t| {
        let n = db.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0)).unwrap();
        (t, n)
    }).collect()
}

/// Every table's row count in a PostgreSQL schema (on a thread: the client blocks).
fn postgres_counts(url: &str, tables: &[String]) -> Vec<(String, i64)> {
    let (url, tables) = (url.to_owned(), tables.to_vec());
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        tables.into_iter().map(|t| {
            let n: i64 = c.query_one(&format!("SELECT count(*) FROM \"{t}\""), &[]).unwrap().get(0);
            (t, n)
        }).collect()
    })
    .join()
    .unwrap()
}

/// The platform on `dir` and the PostgreSQL database `url`.
async fn serve_on_postgres(dir: &Path, url: &str) -> RunningServer {
    start(ServerConfig {
        database: Some(url.to_owned()),
        pool_size: 2,
        providers: vec![Box::new(certdesk_platform::checks::WatchList::parse("", true))],
        ..certdesk_testkit::platform::dev_config(dir)
    })
    .await
    .expect("the platform starts on PostgreSQL")
}

/// What a desk holding `cursor` gets next, and a new application it sends: nothing lost, nothing
/// again, and the change log going on after the numbers it had.
async fn desk_carries_on(http: &reqwest::Client, base: &str, desk: &EnrolResponse, cursor: i64, keys_before: &TrustList) {
    let pulled: PullResponse = http
        .get(format!("{base}/api/v1/sync/pull?since={cursor}"))
        .header("authorization", desk.authorization())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(pulled.changes.is_empty() && !pulled.has_more, "nothing the desk already had comes again: {:?}", pulled.changes);
    let trust: TrustList = http.get(format!("{base}/api/v1/trust-list")).send().await.unwrap().json().await.unwrap();
    assert_eq!(&trust, keys_before, "the signing keys arrived");

    let worker_id = Uuid::now_v7();
    let apply = [entry(1, worker_id, "apply", worker("王五", &id_number(20), None))];
    let mut batch = certdesk_testkit::training::for_applications(&apply);
    batch.extend(apply);
    let res: certdesk_protocol::sync::PushResponse = http
        .post(format!("{base}/api/v1/sync/push"))
        .header("authorization", desk.authorization())
        .json(&certdesk_protocol::sync::PushRequest { device_id: desk.device_id, entries: batch })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(res.results.iter().all(|r| r.outcome == EntryOutcome::Applied), "{:?}", res.results);
    let pulled: PullResponse = http
        .get(format!("{base}/api/v1/sync/pull?since={cursor}"))
        .header("authorization", desk.authorization())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(pulled.changes.iter().all(|c| c.seq > cursor));
    let serial = pulled.changes.iter().find_map(|c| match &c.body {
        ChangeBody::Approval { worker_id: w, certificate_code, .. } if *w == worker_id => Some(certificate_code.clone()),
        _ => None,
    });
    let code = certdesk_domain::certificate_code::CertificateCode::parse(&serial.expect("approved on PostgreSQL")).unwrap();
    assert_eq!(code.serial(), 4, "黄浦区's serials go on after the three moved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_platform_moves_to_postgresql_whole_and_desks_keep_their_cursors() {
    if on_postgres() {
        return;
    }
    let Some(db) = std::thread::spawn(|| certdesk_testkit::pg::database("move_store::moves")).join().unwrap() else { return };
    let (s, desk, cursor) = sqlite_city().await;
    let keys = s.keys.clone();
    let trust: TrustList = s.http.get(s.url("/api/v1/trust-list")).send().await.unwrap().json().await.unwrap();
    let ca = s.ca_pem.clone();
    let dir = s.0.into_dir().await;
    let before = sqlite_counts(dir.path());
    assert!(before.iter().filter(|(_, n)| *n > 0).count() >= 10, "records of many kinds: {before:?}");

    let run = |url: &str| {
        Command::new(env!("CARGO_BIN_EXE_certdesk-platform")).args(["migrate-store", "--from"]).arg(dir.path()).args(["--to", url]).output().unwrap()
    };
    let out = run(db.url());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("workers\t4") && report.contains("certificates\t4"), "{report}");
    let tables: Vec<String> = before.iter().map(|(t, _)| t.clone()).collect();
    let after = postgres_counts(db.url(), &tables);
    let before_rows: Vec<(String, i64)> = before.into_iter().filter(|(t, _)| t != "schema_version").collect();
    let after_rows: Vec<(String, i64)> = after.into_iter().filter(|(t, _)| t != "schema_version").collect();
    assert_eq!(after_rows, before_rows, "every row of every table arrived");

    // Again into the same database: refused, nothing doubled.
    let again = run(db.url());
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("already holds records"));
    assert_eq!(postgres_counts(db.url(), &tables).into_iter().filter(|(t, _)| t != "schema_version").collect::<Vec<_>>(), before_rows);

    // The platform on PostgreSQL: the desk carries on; the operators' keys still work.
    let server = serve_on_postgres(dir.path(), db.url()).await;
    let base = format!("https://{}", server.addr);
    let http = client(&ca, false);
    desk_carries_on(&http, &base, &desk, cursor, &trust).await;
    let devices = http.get(format!("{base}/api/v1/operator/devices")).bearer_auth(&keys.admin).send().await.unwrap();
    assert_eq!(devices.status(), StatusCode::OK, "an operator's API key moved with its operator");
    server.shutdown().await.unwrap();
    drop(db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_dump_restored_into_a_new_database_serves_and_the_desk_loses_nothing() {
    if on_postgres() {
        return;
    }
    let Some(db) = std::thread::spawn(|| certdesk_testkit::pg::database("move_store::drill")).join().unwrap() else { return };
    // A platform on PostgreSQL with records (moved there from SQLite, as above).
    let (s, desk, cursor) = sqlite_city().await;
    let trust: TrustList = s.http.get(s.url("/api/v1/trust-list")).send().await.unwrap().json().await.unwrap();
    let ca = s.ca_pem.clone();
    let dir = s.0.into_dir().await;
    let out = Command::new(env!("CARGO_BIN_EXE_certdesk-platform")).args(["migrate-store", "--from"]).arg(dir.path()).args(["--to", db.url()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The drill of docs/platform.md: pg_dump, a new database, pg_restore, serve it.
    let server_url = std::env::var(certdesk_testkit::pg::ENV).unwrap();
    let dump = dir.path().join("certdesk.dump");
    let pg_bin = postgres_bin();
    let dumped = Command::new(pg_bin.join("pg_dump"))
        .args(["--format=custom", "--no-owner", "--schema", db.schema(), "--file"])
        .arg(&dump)
        .arg(&server_url)
        .output()
        .unwrap();
    assert!(dumped.status.success(), "pg_dump: {}", String::from_utf8_lossy(&dumped.stderr));
    let restored_db = format!("drill_{}", Uuid::now_v7().simple());
    let admin = |sql: String| {
        let url = server_url.clone();
        std::thread::spawn(move || postgres::Client::connect(&url, postgres::NoTls).unwrap().batch_execute(&sql).unwrap()).join().unwrap()
    };
    admin(format!("CREATE DATABASE {restored_db}"));
    let restored_server = server_url.replacen("/postgres?", &format!("/{restored_db}?"), 1);
    let restored = Command::new(pg_bin.join("pg_restore")).args(["--no-owner", "--dbname", &restored_server]).arg(&dump).output().unwrap();
    assert!(restored.status.success(), "pg_restore: {}", String::from_utf8_lossy(&restored.stderr));
    let restored_url = format!("{restored_server}&options=-c%20search_path%3D{}", db.schema());
    drop(db); // the original is gone: only the dump is left

    let server = serve_on_postgres(dir.path(), &restored_url).await;
    let base = format!("https://{}", server.addr);
    desk_carries_on(&client(&ca, false), &base, &desk, cursor, &trust).await;
    server.shutdown().await.unwrap();
    admin(format!("DROP DATABASE {restored_db} WITH (FORCE)"));
}

/// The installed PostgreSQL's programs (pg_dump and pg_restore of the server's version).
fn postgres_bin() -> std::path::PathBuf {
    ["17", "16", "15"]
        .iter()
        .map(|v| std::path::PathBuf::from(format!("/usr/lib/postgresql/{v}/bin")))
        .find(|p| p.join("pg_dump").exists())
        .expect("PostgreSQL's programs (scripts/install-deps installs postgresql)")
}

/// Issue 12 item 4: `/readyz` fails while the database does not answer (a load balancer then
/// sends no one there) and passes again when it is back, without a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_while_the_database_is_unreachable_and_recovers_when_it_is_back() {
    if on_postgres() {
        return;
    }
    let Ok(server_url) = std::env::var(certdesk_testkit::pg::ENV) else {
        let _ = certdesk_testkit::pg::server("move_store::readiness");
        return;
    };
    let name = format!("ready_{}", Uuid::now_v7().simple());
    let admin = |sql: String| {
        let url = server_url.clone();
        std::thread::spawn(move || postgres::Client::connect(&url, postgres::NoTls).unwrap().batch_execute(&sql).unwrap()).join().unwrap()
    };
    admin(format!("CREATE DATABASE {name}"));
    let url = server_url.replacen("/postgres?", &format!("/{name}?"), 1);
    let dir = tempfile::tempdir().unwrap();
    let server = serve_on_postgres(dir.path(), &url).await;
    let http = client(&std::fs::read_to_string(dir.path().join("tls/dev-ca.pem")).unwrap(), false);
    let ready = || http.get(format!("https://{}/readyz", server.addr)).send();
    assert_eq!(ready().await.unwrap().status(), StatusCode::OK);

    // The database stops taking connections and the open ones are cut.
    admin(format!(
        "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ));
    assert_eq!(ready().await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE, "not ready without its database");
    assert_eq!(http.get(format!("https://{}/healthz", server.addr)).send().await.unwrap().status(), StatusCode::OK, "but alive");

    admin(format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true"));
    let mut back = false;
    for _ in 0..20 {
        if ready().await.unwrap().status() == StatusCode::OK {
            back = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(back, "ready again once the database answers, without a restart");
    server.shutdown().await.unwrap();
    admin(format!("DROP DATABASE {name} WITH (FORCE)"));
}
