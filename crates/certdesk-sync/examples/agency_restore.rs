//! Issue 10's figures for the desks of one agency (prints them; nothing passes or fails on time):
//!
//! 1. an agency of N workers, each with their own photo (default 10,000), enrolled on one desk
//!    and pushed to the platform over loopback TLS; then a **new desk of the agency restores
//!    them** in its first sync: wall time, and the restoring desk's peak resident memory (the
//!    restore runs in a process of its own, this program run again as `restore DIR`);
//! 2. **a sync with nothing to do** on each of three desks of the agency: p50 and max of 20.
//!
//!   cargo run --release -p certdesk-sync --example agency_restore -- [N]
//!
//! With `CERTDESK_BENCH_KEEP=DIR` the first desk's data folder is copied to DIR at the end (for
//! timing a backup of it: `certdesk --data-dir DIR backup create FILE`).

use std::time::Instant;

use certdesk_store::{Desk, NewUser, Role};
use certdesk_sync::{enrol, sync, sync_blocking, SyncOptions, SyncReport};
use certdesk_testkit::desk::synthetic_worker;
use certdesk_testkit::enrolled::{enrol_params, enrolled_desk, TestDesk};
use certdesk_testkit::platform::{Options, TestPlatform};

/// Peak resident memory of this process (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// The child: one sync of the desk in `dir`; prints its report and peak memory.
fn restore(dir: &str) {
    let mut desk = Desk::open(std::path::Path::new(dir)).expect("the desk opens");
    let started = Instant::now();
    let report = sync_blocking(&mut desk, &SyncOptions::default()).expect("the restore succeeds");
    let secs = started.elapsed().as_secs_f64();
    println!("{} {} {} {secs:.2} {:.1}", report.pulled.workers, report.files_fetched, report.pulled.refused, peak_rss_mb());
}

/// A patterned PNG per worker, so that every worker has a photo of their own, about as large
/// as a real one once prepared.
fn png(i: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(240, 300, |x, y| {
        image::Rgb([((x * 7 + i) % 256) as u8, ((y * 5 + i / 256) % 256) as u8, ((x ^ y ^ i) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn desk_of_agency(p: &TestPlatform, first: &TestDesk, manager: &str) -> TestDesk {
    let agency_id = first.desk.sync_device().unwrap().expect("enrolled").agency_id;
    let code = p.enrolment_code(agency_id.parse().unwrap()).await;
    let dir = tempfile::tempdir().unwrap();
    let mut desk = Desk::open(dir.path()).unwrap();
    let boss = NewUser { username: manager.into(), display_name: manager.into(), role: Role::Manager, password: "password-b".into() };
    let me = desk.setup(&certdesk_testkit::desk::agency(), &boss).unwrap();
    let mut d = TestDesk { desk, me, dir };
    enrol(&mut d.desk, Some(&d.me), &enrol_params(p, &code)).await.expect("the desk enrols");
    d
}

async fn synced(d: &mut TestDesk) -> SyncReport {
    sync(&mut d.desk, &SyncOptions::default()).await.expect("the sync succeeds")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("restore") {
        return restore(&args[2]);
    }
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(bench(&args));
}

async fn bench(args: &[String]) {
    let n: u32 = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let p = TestPlatform::start(Options::default()).await;
    let mut a = enrolled_desk(&p, 1).await;

    let started = Instant::now();
    let me = a.me.clone();
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let inputs: Vec<_> = chunk
            .iter()
            .map(|&i| {
                let mut input = synthetic_worker(i);
                input.photo_sha256 = Some(a.desk.prepare_photo(&png(i)).unwrap().sha256);
                input
            })
            .collect();
        a.desk.enrol_workers(&me, &inputs).unwrap();
    }
    println!("enrolled {n} workers with their photos on the first desk in {:.1} s", started.elapsed().as_secs_f64());
    let started = Instant::now();
    let pushed = synced(&mut a).await;
    let photo_kb = {
        let w = a.desk.search_workers("", None, 1).unwrap().items[0].id.clone();
        let sha = a.desk.worker(&w).unwrap().photo_sha256.unwrap();
        a.desk.photo(&sha).unwrap().unwrap().len() as f64 / 1024.0
    };
    println!(
        "pushed them to the platform in {:.1} s ({} entries applied, {} distinct photos uploaded, {photo_kb:.0} KB each)",
        started.elapsed().as_secs_f64(),
        pushed.pushed.applied,
        pushed.photos_uploaded
    );

    // The new desk: set up and enrolled, then its first sync in a process of its own.
    let mut b = desk_of_agency(&p, &a, "boss.b").await;
    let dir = b.dir.path().to_str().unwrap().to_owned();
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || std::process::Command::new(std::env::current_exe().unwrap()).args(["restore", &dir]).output().unwrap())
        .await
        .unwrap();
    let wall = started.elapsed().as_secs_f64();
    let line = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = line.split_whitespace().collect();
    assert!(out.status.success() && f.len() == 5, "the restore failed: {line} {}", String::from_utf8_lossy(&out.stderr));
    println!(
        "restore onto a new desk: {} workers and {} photos ({} refused) in {wall:.1} s wall ({} s in the sync), peak resident memory of the restoring desk {} MB",
        f[0], f[1], f[2], f[3], f[4]
    );
    let held = b.desk.search_workers("", None, 1).unwrap().total;
    println!("the new desk holds {held} workers");

    if let Ok(keep) = std::env::var("CERTDESK_BENCH_KEEP") {
        let status = std::process::Command::new("cp").args(["-a", a.dir.path().to_str().unwrap(), &keep]).status().unwrap();
        assert!(status.success(), "copy the first desk to {keep}");
        println!("the first desk's data folder is kept in {keep}");
    }

    // Three desks of the agency, nothing to do.
    let mut c = desk_of_agency(&p, &a, "boss.c").await;
    synced(&mut c).await;
    synced(&mut a).await;
    synced(&mut b).await;
    for (name, d) in [("first", &mut a), ("restored", &mut b), ("third", &mut c)] {
        let mut ms = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let r = synced(d).await;
            assert_eq!((r.pulled.changes, r.pushed.applied), (0, 0), "nothing to do");
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        ms.sort_by(|x, y| x.total_cmp(y));
        println!("a sync with nothing to do, {name} desk: p50 {:.1} ms, max {:.1} ms", ms[ms.len() / 2], ms[ms.len() - 1]);
    }
}
