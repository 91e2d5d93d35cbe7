//! Issue 10's fault run: three desks of agency A and one of agency B against the real platform
//! over TLS, the platform a process of its own killed with SIGKILL at random moments and started
//! again, the desks of A reaching it through a loopback proxy that cuts connections at random.
//! Each round one desk of A, offline from the others, does one thing at random: enrols a person
//! (now and then one another desk enrolled already), corrects a field of a worker, trains a
//! worker to eligibility (a class, attendance, an exam, the supervision form), applies for a
//! certificate (the platform approves at once), prints a card, adds a clerk or disables or
//! enables one; or it syncs, has its `sync-once` process killed mid-way, or has the platform
//! killed under its sync. Halfway, the first desk's database is backed up (the backup's
//! consistent snapshot, taken while the desk is open).
//!
//! At the end the line holds and every desk syncs until nothing moves. Then every desk of A
//! holds the same data (a canonical dump of everything that syncs: workers with every field and
//! who wrote it, their photos' bytes, training, certificates, card prints, staff accounts),
//! every entry a desk of A wrote and saw acknowledged is on the platform exactly once (its
//! receipts), the platform holds one worker per person, B holds nothing of A's, and the backup,
//! restored on a new PC and enrolled again, catches up by sync to the same data and adds
//! nothing to the platform.
//!
//! `CERTDESK_AGENCY_FAULT_ROUNDS` sets the rounds (100 here; the documented long run takes 1,000)
//! and `CERTDESK_AGENCY_FAULT_SEED` the seed.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use certdesk_domain::{CardLayout, WorkerStatus};
use certdesk_store::{Desk, NewUser, Role};
use certdesk_sync::{enrol, sync, EnrolParams, RetryPolicy, SecretPreference, SyncOptions};
use certdesk_testkit::desk::{agency, train_to_eligibility, worker_form};
use certdesk_testkit::enrolled::TestDesk;
use certdesk_testkit::platform::{client, issue_enrolment_code, operator_keys, register_agency};
use certdesk_testkit::id_number;
use serde_json::{json, Value};

use crate::agency_desks::canonical;
use crate::sync::{env_number, fault_proxy_choosing, platform_process_with, png, sync_once_duration, sync_once_killed_after, Fault, PlatformProcess, Rng};

const PASSWORD: &str = "password-fault";

/// A TCP proxy on loopback in front of `target` that, while `faulty` is set, cuts one
/// connection in three after a random number of bytes from the platform (mid-handshake,
/// mid-push, mid-download). Returns its address and the number of cuts made.
async fn flaky_proxy(target: SocketAddr, seed: u64, faulty: Arc<AtomicBool>) -> (SocketAddr, Arc<AtomicUsize>) {
    let mut rng = Rng(seed | 1);
    fault_proxy_choosing(target, move |_| {
        if faulty.load(Ordering::SeqCst) && rng.next().is_multiple_of(3) {
            Fault::CutAfter((rng.next() % 30_000) as usize + 1)
        } else {
            Fault::Pass
        }
    })
    .await
}

/// The operator's side of the platform process, over HTTPS.
struct Operator {
    http: reqwest::Client,
    base: String,
    admin: String,
}

impl Operator {
    /// Registers agency `n` and issues an enrolment code for it.
    async fn agency(&self, n: u32) -> (uuid::Uuid, String) {
        let agency = register_agency(&self.http, &self.base, &self.admin, n, "黄浦区").await;
        (agency, self.code(agency).await)
    }

    async fn code(&self, agency: uuid::Uuid) -> String {
        issue_enrolment_code(&self.http, &self.base, &self.admin, agency).await
    }
}

/// A desk set up with its own first manager `manager`, enrolled at `url` with `code`.
async fn desk_enrolled(url: &str, ca_pem: &str, code: &str, manager: &str) -> TestDesk {
    let dir = tempfile::tempdir().unwrap();
    let mut desk = Desk::open(dir.path()).unwrap();
    let boss = NewUser { username: manager.into(), display_name: format!("经理{manager}"), role: Role::Manager, password: PASSWORD.into() };
    let me = desk.setup(&agency(), &boss).unwrap();
    let mut d = TestDesk { desk, me, dir };
    let params = EnrolParams { platform_url: url.into(), code: code.into(), ca_pem: Some(ca_pem.into()), device_name: format!("前台{manager}"), secret: SecretPreference::File };
    enrol(&mut d.desk, Some(&d.me), &params).await.expect("the desk enrols");
    d
}

/// Everything of the agency that syncs, as it must read on every desk: each worker (every
/// field, who wrote it and when, the status), its photo's bytes, its training, certificate and
/// card prints, and the staff accounts.
fn full_dump(d: &TestDesk) -> Value {
    let all = d.desk.search_workers("", None, 10_000).unwrap();
    let mut ids: Vec<String> = all.items.into_iter().map(|w| w.id).collect();
    ids.sort();
    let workers: Vec<Value> = ids
        .iter()
        .map(|id| {
            let w = d.desk.worker(id).unwrap();
            let photo = w.photo_sha256.as_deref().map(|sha| d.desk.photo(sha).unwrap().expect("the photo's bytes are held"));
            let training = d.desk.worker_training(id).unwrap();
            let card = d.desk.card_state(id).unwrap();
            json!({
                "worker": canonical(d, id),
                "photo": photo,
                "training": {"status": training.status, "classes": training.classes, "exams": training.exams},
                "certificate": card.certificate,
                "prints": card.prints,
            })
        })
        .collect();
    let mut users: Vec<Value> = d.desk.list_users().unwrap().into_iter().map(|u| json!([u.id, u.username, u.display_name, u.role, u.disabled])).collect();
    users.sort_by_key(|u| u[1].as_str().unwrap_or_default().to_owned());
    json!({"workers": workers, "users": users})
}

/// The first difference between two dumps, for a readable failure.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter().find_map(|k| first_difference(x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), &format!("{at}.{k}")))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_difference(p, q, &format!("{at}[{i}]")))
        }
        _ if a == b => None,
        _ => Some(format!("{at}: {} ≠ {}", short(a), short(b))),
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 300 { format!("{}…", s.chars().take(300).collect::<String>()) } else { s }
}

/// The ids of the entries the desk sent of the kinds the platform takes.
fn sent_entries(dir: &Path) -> BTreeSet<String> {
    let conn = certdesk_store::open_raw(dir).unwrap();
    let entities = certdesk_store::SYNCED_ENTITIES.iter().map(|e| format!("'{e}'")).collect::<Vec<_>>().join(", ");
    let mut stmt = conn.prepare(&format!("SELECT id FROM outbox WHERE entity IN ({entities}) AND pushed_at IS NOT NULL")).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// The platform's receipts of one device, as (entry id) rows: each once by its key.
fn receipts(platform: &Path, device_id: &str) -> Vec<String> {
    let db = rusqlite::Connection::open_with_flags(platform.join("platform.sqlite3"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = db.prepare("SELECT entry_id FROM receipts WHERE device_id = ?1").unwrap();
    stmt.query_map([device_id], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

/// What the platform holds for agency `agency`: its workers and its relayed records.
fn platform_counts(platform: &Path, agency: &str) -> (i64, i64) {
    let db = rusqlite::Connection::open_with_flags(platform.join("platform.sqlite3"), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let workers = db.query_row("SELECT count(*) FROM workers WHERE agency_id = ?1", [agency], |r| r.get(0)).unwrap();
    let records = db.query_row("SELECT count(*) FROM agency_records WHERE agency_id = ?1", [agency], |r| r.get(0)).unwrap();
    (workers, records)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_desks_and_the_platform_killed_and_cut_at_random_end_with_one_agency_on_every_desk_each_entry_once() {
    let rounds = env_number("CERTDESK_AGENCY_FAULT_ROUNDS", 100);
    let seed = env_number("CERTDESK_AGENCY_FAULT_SEED", 0xfa17);
    let mut rng = Rng(seed | 1);
    let data = tempfile::tempdir().unwrap();
    let pdir = data.path().to_owned();
    let keys = operator_keys(&certdesk_platform::store::Location::sqlite(&pdir), chrono::Utc::now());
    let started = {
        let pdir = pdir.clone();
        tokio::task::spawn_blocking(move || platform_process_with(&pdir, "127.0.0.1:0", true)).await.unwrap()
    };
    let addr = started.addr;
    let mut platform: Option<PlatformProcess> = Some(started);
    let ca_pem = std::fs::read_to_string(pdir.join("tls").join("dev-ca.pem")).unwrap();
    let op = Operator { http: client(&ca_pem, true), base: format!("https://{addr}"), admin: keys.admin.clone() };
    let faulty = Arc::new(AtomicBool::new(false));
    let (proxy, cuts) = flaky_proxy(addr, seed, faulty.clone()).await;
    let via_proxy = format!("https://{proxy}");

    let (agency_a, code) = op.agency(1).await;
    let a1 = desk_enrolled(&via_proxy, &ca_pem, &code, "boss.a").await;
    let a2 = desk_enrolled(&via_proxy, &ca_pem, &op.code(agency_a).await, "boss.b").await;
    let a3 = desk_enrolled(&via_proxy, &ca_pem, &op.code(agency_a).await, "boss.c").await;
    let (_, code_b) = op.agency(2).await;
    let mut b = desk_enrolled(&op.base, &ca_pem, &code_b, "boss.x").await;
    let mut desks = [a1, a2, a3];
    let first_dir = desks[0].dir.path().to_owned();
    let window = tokio::task::spawn_blocking(move || sync_once_duration(&first_dir)).await.unwrap() * 2;
    let round_opts = || SyncOptions {
        batch_size: 5,
        pull_limit: 20,
        retry: RetryPolicy { max_attempts: 2, base_delay: Duration::from_millis(5), max_delay: Duration::from_millis(20) },
        request_timeout: Duration::from_secs(10),
        ..SyncOptions::default()
    };
    faulty.store(true, Ordering::SeqCst);

    let mut persons: Vec<u32> = Vec::new();
    let mut known: Vec<String> = Vec::new();
    let mut clerks = 0u32;
    let mut done: std::collections::BTreeMap<&str, u32> = Default::default();
    let backup = data.path().join("desk-a1-backup.db");
    for round in 0..rounds {
        if round == rounds / 2 {
            certdesk_store::snapshot_plain(desks[0].dir.path(), &backup).expect("the backup's snapshot while the desk is open");
        }
        let d = &mut desks[(rng.next() % 3) as usize];
        let me = d.me.clone();
        let held = |d: &TestDesk, wanted: &[WorkerStatus]| -> Vec<String> {
            let mut ids: Vec<String> = known.iter().filter_map(|id| d.desk.worker(id).ok()).filter(|w| wanted.contains(&w.status)).map(|w| w.id).collect();
            ids.sort();
            ids.dedup();
            ids
        };
        let pick = |rng: &mut Rng, ids: &[String]| ids[(rng.next() % ids.len() as u64) as usize].clone();
        let what = match rng.next() % 10 {
            0 | 1 => {
                let unknown_here: Vec<u32> = persons.iter().copied().filter(|n| d.desk.search_workers(&id_number(*n), None, 1).unwrap().total == 0).collect();
                let n = if !unknown_here.is_empty() && rng.next().is_multiple_of(3) {
                    unknown_here[(rng.next() % unknown_here.len() as u64) as usize]
                } else {
                    persons.push(301 + persons.len() as u32);
                    *persons.last().unwrap()
                };
                let mut form = worker_form("陈静", &id_number(n));
                if rng.next().is_multiple_of(2) {
                    form.photo_sha256 = Some(d.desk.prepare_photo(&png((n % 251) as u8)).unwrap().sha256);
                }
                known.push(d.desk.enrol_worker(&me, &form).unwrap().id);
                "enrol"
            }
            2 => {
                let ids = held(d, &[WorkerStatus::Enrolled, WorkerStatus::InTraining, WorkerStatus::Eligible, WorkerStatus::Approved, WorkerStatus::Printed]);
                if ids.is_empty() {
                    continue;
                }
                let w = d.desk.worker(&pick(&mut rng, &ids)).unwrap();
                let mut form = crate::agency_desks::form_of(&w);
                let phone = format!("139{:08}", rng.next() % 100_000_000);
                if form.form.phone == phone {
                    continue;
                }
                form.form.phone = phone;
                std::thread::sleep(Duration::from_millis(2));
                d.desk.update_worker(&me, &w.id, &form, None).unwrap();
                "correct"
            }
            3 => {
                let ids = held(d, &[WorkerStatus::Enrolled]);
                if ids.is_empty() {
                    continue;
                }
                train_to_eligibility(&mut d.desk, &me, &[pick(&mut rng, &ids)], "88");
                "train"
            }
            4 => {
                let ids = held(d, &[WorkerStatus::Eligible]);
                if ids.is_empty() {
                    continue;
                }
                d.desk.apply_worker(&me, &pick(&mut rng, &ids)).expect("an eligible worker is applied for");
                "apply"
            }
            5 => {
                let ids: Vec<String> =
                    held(d, &[WorkerStatus::Approved, WorkerStatus::Printed]).into_iter().filter(|id| d.desk.card_state(id).unwrap().print_refusal.is_none()).collect();
                if ids.is_empty() {
                    continue;
                }
                d.desk.record_prints(&me, &[pick(&mut rng, &ids)], CardLayout::Cr80, "pdf:cards.pdf", "2026.1", false).expect("an approved worker's card is printed");
                "print"
            }
            6 => {
                let here: Vec<(String, bool)> = d.desk.list_users().unwrap().into_iter().filter(|u| u.role == Role::Clerk).map(|u| (u.username, u.disabled)).collect();
                if here.is_empty() || rng.next().is_multiple_of(2) {
                    clerks += 1;
                    let clerk = NewUser { username: format!("clerk.{clerks}"), display_name: "李娜".into(), role: Role::Clerk, password: PASSWORD.into() };
                    d.desk.add_user(Some(&me), &clerk).unwrap();
                    "add a clerk"
                } else {
                    let (username, disabled) = &here[(rng.next() % here.len() as u64) as usize];
                    std::thread::sleep(Duration::from_millis(2));
                    d.desk.set_user_disabled(&me, username, !disabled).unwrap();
                    "disable or enable a clerk"
                }
            }
            7 => {
                if let Err(e) = sync(&mut d.desk, &round_opts()).await {
                    assert!(e.is_transient(), "only the cut line fails a sync: {e:?}");
                }
                "sync"
            }
            8 => {
                let dir = d.dir.path().to_owned();
                let after = Duration::from_micros(rng.next() % window.as_micros().max(1) as u64);
                tokio::task::spawn_blocking(move || sync_once_killed_after(&dir, after)).await.unwrap();
                "sync-once killed"
            }
            _ => {
                let after = Duration::from_micros(rng.next() % window.as_micros().max(1) as u64);
                let mut victim = platform.take().unwrap();
                // The pause is the fault being injected (a random moment), not a wait.
                let killer = tokio::task::spawn_blocking(move || {
                    std::thread::sleep(after);
                    victim.child.kill().expect("SIGKILL is delivered");
                    victim.child.wait().expect("the platform is reaped");
                });
                if let Err(e) = sync(&mut d.desk, &round_opts()).await {
                    assert!(e.is_transient(), "only the dead platform fails a sync: {e:?}");
                }
                killer.await.unwrap();
                let (pdir, listen) = (pdir.clone(), addr.to_string());
                platform = Some(tokio::task::spawn_blocking(move || platform_process_with(&pdir, &listen, true)).await.unwrap());
                "platform killed"
            }
        };
        *done.entry(what).or_default() += 1;
    }
    faulty.store(false, Ordering::SeqCst);
    eprintln!("agency fault run (seed {seed}): {done:?}; {} connections cut; {} persons", cuts.load(Ordering::SeqCst), persons.len());
    assert!(done.get("platform killed").copied().unwrap_or(0) > 0 && cuts.load(Ordering::SeqCst) > 0, "the faults really happened: {done:?}");

    // The line holds: every desk syncs until nothing moves (an application needs a push, the
    // platform's approval and a pull).
    for _ in 0..3 {
        for d in desks.iter_mut() {
            sync(&mut d.desk, &SyncOptions::default()).await.expect("a sync over a line that holds");
        }
    }
    for (i, d) in desks.iter().enumerate() {
        assert_eq!(d.desk.pending_outbox_count().unwrap(), 0, "desk {} sent everything", i + 1);
        assert!(d.desk.sync_rejections(true).unwrap().is_empty(), "desk {}: nothing refused (seed {seed}): {:?}", i + 1, d.desk.sync_rejections(true).unwrap());
    }
    let first = full_dump(&desks[0]);
    assert_eq!(first["workers"].as_array().unwrap().len(), persons.len(), "one worker per person enrolled on any desk");
    for (i, d) in desks.iter().enumerate().skip(1) {
        let other = full_dump(d);
        assert_eq!(first_difference(&first, &other, "dump"), None, "desk {} differs from the first (seed {seed})", i + 1);
    }
    for id in &known {
        for d in &desks {
            assert!(d.desk.worker(id).is_ok(), "every record id made on any desk finds its worker on every desk");
        }
    }
    for (i, d) in desks.iter().enumerate() {
        let device = d.desk.sync_device().unwrap().unwrap().device_id;
        let taken = receipts(&pdir, &device);
        let unique: BTreeSet<String> = taken.iter().cloned().collect();
        assert_eq!(unique.len(), taken.len(), "desk {}: no entry taken twice", i + 1);
        assert_eq!(unique, sent_entries(d.dir.path()), "desk {}: every entry it saw acknowledged is on the platform, once (seed {seed})", i + 1);
    }
    let (platform_workers, platform_records) = platform_counts(&pdir, &agency_a.to_string());
    assert_eq!(platform_workers as usize, persons.len(), "the platform holds one worker per person");
    sync(&mut b.desk, &SyncOptions::default()).await.unwrap();
    assert_eq!(b.desk.search_workers("", None, 10).unwrap().total, 0, "agency B holds nothing of A's");
    assert_eq!(b.desk.list_users().unwrap().len(), 1, "nor any of its accounts");

    // The first desk's PC dies; its backup from halfway is restored on a new PC, enrolled again
    // (the device secret stayed in the old PC's keyring), and catches up by sync.
    let restored_dir = tempfile::tempdir().unwrap();
    certdesk_store::restore_plain(&backup, restored_dir.path()).expect("the backup restores");
    let mut restored = Desk::open(restored_dir.path()).unwrap();
    let me = restored.login("boss.a", PASSWORD).expect("the manager signs in on the restored desk");
    let params = EnrolParams { platform_url: op.base.clone(), code: op.code(agency_a).await, ca_pem: Some(ca_pem.clone()), device_name: "前台boss.a（恢复）".into(), secret: SecretPreference::File };
    enrol(&mut restored, Some(&me), &params).await.expect("the restored desk enrols again");
    let mut restored = TestDesk { desk: restored, me, dir: restored_dir };
    for _ in 0..2 {
        let r = sync(&mut restored.desk, &SyncOptions::default()).await.expect("the restored desk syncs");
        assert_eq!(r.pushed.rejected + r.pushed.conflict, 0, "what it sends again is taken: {r:?}");
    }
    assert_eq!(first_difference(&first, &full_dump(&restored), "dump"), None, "the restored desk holds the agency as the others do (seed {seed})");
    assert_eq!(platform_counts(&pdir, &agency_a.to_string()), (platform_workers, platform_records), "and added nothing to the platform");
    for d in desks.iter_mut() {
        sync(&mut d.desk, &SyncOptions::default()).await.unwrap();
        assert_eq!(first_difference(&first, &full_dump(d), "dump"), None, "nor changed anything on the other desks (seed {seed})");
    }
    let mut last = platform.take().unwrap();
    last.child.kill().unwrap();
    last.child.wait().unwrap();
}
