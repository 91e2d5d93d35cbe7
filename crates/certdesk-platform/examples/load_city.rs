//! A simulated city against the platform (issue 12, "Load"): agencies with two desks each that
//! sync on a compressed five-minute cycle (each sync sends a class with its attendance,
//! supervision form and exam, then pulls), and citizens scanning cards through nginx, against
//! (a) one instance on SQLite and (b) two instances on PostgreSQL, both behind the same nginx
//! configuration (`docs/deploy/nginx.conf`). Then nginx serves the same page bytes as a static
//! file at the same concurrency, for comparison, and the floor under that comparison: an nginx
//! front proxying the same bytes from an upstream that does nothing but send them, beside that
//! front's own static file (`floor`). Prints requests per second, p50/p99 of the
//! public page and of push and pull, errors, and the database's size per 10,000 workers.
//!
//! ```sh
//! scripts/load-city            # builds in release, starts a throwaway PostgreSQL, runs both
//! load_city [--mode sqlite|postgres|both] [--agencies 600] [--workers 5] [--seconds 20]
//!           [--scanners 64] [--sync-every 10]
//! ```
//!
//! The generator shares the machine (two cores here) with nginx, the instances and the
//! database, so every figure is a floor. Nothing here passes or fails on time.

#[path = "../tests/it/support/city.rs"]
mod city;
#[path = "../tests/it/support/scene.rs"]
mod scene;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use certdesk_protocol::sync::{ChangeBody, EnrolResponse, EntryOutcome, OutboxEntry, PullResponse, PushRequest, PushResponse};
use city::City;
use uuid::Uuid;

#[derive(Clone, Copy)]
struct Args {
    agencies: u32,
    workers: u32,
    seconds: u64,
    scanners: usize,
    sync_every: u64,
}

fn arg(name: &str, default: u64) -> u64 {
    let all: Vec<String> = std::env::args().collect();
    all.iter().position(|a| a == name).and_then(|i| all.get(i + 1)).map_or(default, |v| v.parse().expect("a number"))
}

/// Latencies of one kind, and its errors.
#[derive(Default)]
struct Timings {
    ms: Mutex<Vec<f64>>,
    errors: AtomicU64,
}

impl Timings {
    fn add(&self, started: Instant, ok: bool) {
        if ok {
            self.ms.lock().unwrap().push(started.elapsed().as_secs_f64() * 1000.0);
        } else {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn per_second(&self, seconds: f64) -> f64 {
        self.ms.lock().unwrap().len() as f64 / seconds
    }

    fn line(&self, what: &str, seconds: f64) -> String {
        let mut ms = self.ms.lock().unwrap().clone();
        ms.sort_by(f64::total_cmp);
        let at = |p: f64| ms.get(((ms.len() as f64 * p) as usize).min(ms.len().saturating_sub(1))).copied().unwrap_or(f64::NAN);
        format!(
            "{what:<22} {:>8} ok {:>6} errors {:>9.0} req/s   p50 {:>7.1} ms   p99 {:>7.1} ms",
            ms.len(),
            self.errors.load(Ordering::Relaxed),
            self.per_second(seconds),
            at(0.50),
            at(0.99)
        )
    }
}

async fn push(http: &reqwest::Client, base: &str, desk: &EnrolResponse, entries: Vec<OutboxEntry>) -> bool {
    let Ok(res) = http
        .post(format!("{base}/api/v1/sync/push"))
        .header("authorization", desk.authorization())
        .json(&PushRequest { device_id: desk.device_id, entries })
        .send()
        .await
    else {
        return false;
    };
    res.status().is_success()
        && res.json::<PushResponse>().await.is_ok_and(|r| r.results.iter().all(|e| matches!(e.outcome, EntryOutcome::Applied | EntryOutcome::Duplicate)))
}

async fn pull(http: &reqwest::Client, base: &str, desk: &EnrolResponse, since: i64) -> Option<PullResponse> {
    let res = http.get(format!("{base}/api/v1/sync/pull?since={since}")).header("authorization", desk.authorization()).send().await.ok()?;
    if !res.status().is_success() {
        return None;
    }
    res.json().await.ok()
}

/// Agencies with two desks and approved workers; the card paths and every desk with a worker of
/// its agency.
async fn seed(city: &Arc<City>, a: Args) -> (Vec<String>, Vec<(EnrolResponse, Uuid)>) {
    let started = Instant::now();
    let limit = Arc::new(tokio::sync::Semaphore::new(8));
    let mut tasks = Vec::new();
    for n in 1..=a.agencies {
        let (city, limit) = (city.clone(), limit.clone());
        tasks.push(tokio::spawn(async move {
            let _slot = limit.acquire().await.unwrap();
            let agency = city.agency(n).await;
            let (first, second) = (city.desk_of(agency).await, city.desk_of(agency).await);
            let apply: Vec<OutboxEntry> = (0..a.workers)
                .map(|w| scene::entry(0, Uuid::now_v7(), "apply", scene::worker("张三", &certdesk_testkit::id_number(n * 1000 + w), None)))
                .collect();
            let mut entries = certdesk_testkit::training::for_applications(&apply);
            entries.extend(apply);
            assert!(push(&city.http, &city.base, &first, entries).await, "seeding agency {n}");
            let pulled = pull(&city.http, &city.base, &first, 0).await.expect("a pull");
            let cards: Vec<(Uuid, String)> = pulled
                .changes
                .into_iter()
                .filter_map(|c| match c.body {
                    ChangeBody::Approval { worker_id, credential_url, .. } => Some((worker_id, credential_url)),
                    _ => None,
                })
                .collect();
            let worker = cards.first().expect("approved").0;
            let paths: Vec<String> = cards.into_iter().map(|(_, url)| url[city.base.len()..].to_owned()).collect();
            (paths, vec![(first, worker), (second, worker)])
        }));
    }
    let (mut paths, mut desks) = (Vec::new(), Vec::new());
    for t in tasks {
        let (p, d) = t.await.unwrap();
        paths.extend(p);
        desks.extend(d);
    }
    println!("  seeded {} agencies, {} desks, {} certificates in {:.0} s", a.agencies, desks.len(), paths.len(), started.elapsed().as_secs_f64());
    (paths, desks)
}

/// Scanners on `paths` (round robin) for `seconds`.
async fn scan(http: &reqwest::Client, base: &str, paths: Arc<Vec<String>>, scanners: usize, seconds: u64, t: Arc<Timings>) {
    let until = Instant::now() + Duration::from_secs(seconds);
    let next = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..scanners)
        .map(|_| {
            let (http, base, paths, t, next) = (http.clone(), base.to_owned(), paths.clone(), t.clone(), next.clone());
            tokio::spawn(async move {
                while Instant::now() < until {
                    let path = &paths[next.fetch_add(1, Ordering::Relaxed) as usize % paths.len()];
                    let started = Instant::now();
                    let ok = match http.get(format!("{base}{path}")).send().await {
                        Ok(res) => res.status().is_success() && res.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    t.add(started, ok);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

/// The most any platform behind this configuration could serve: nginx (the same TLS, HTTP/2 and
/// proxy settings as `docs/deploy/nginx.conf`) in front of an upstream that does nothing but send
/// the page's bytes, itself an nginx over TLS on loopback, measured with the same scanners beside
/// that front's own static file. The page's goal (half of the static file) is out of reach for
/// any platform when this proxied figure is itself near or under half.
async fn floor(city: &City, page: &[u8], a: Args) {
    let run = city.dir.path().join("floor");
    let files = run.join("static");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join("page.html"), page).unwrap();
    let tls = city.dir.path().join("tls");
    let (front, upstream) = (city::free_port(), city::free_port());
    let (cert, key, ca) = (tls.join("server.pem"), tls.join("server.key"), tls.join("dev-ca.pem"));
    let (run_dir, files) = (run.display(), files.display());
    let (cert, key, ca) = (cert.display(), key.display(), ca.display());
    let user = if city::is_root() { "user root;" } else { "" };
    let conf = format!(
        "{user}
worker_processes 2;
daemon off;
pid {run_dir}/nginx.pid;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {run_dir}/client_body;
    proxy_temp_path {run_dir}/proxy;
    fastcgi_temp_path {run_dir}/fastcgi;
    uwsgi_temp_path {run_dir}/uwsgi;
    scgi_temp_path {run_dir}/scgi;
    upstream does_nothing {{ server 127.0.0.1:{upstream}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{front} ssl http2;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        location = /page.html {{ root {files}; }}
        location = /proxied/page.html {{
            proxy_pass https://does_nothing/page.html;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_ssl_verify on;
            proxy_ssl_trusted_certificate {ca};
            proxy_ssl_name localhost;
            proxy_ssl_session_reuse on;
        }}
    }}
    server {{
        listen 127.0.0.1:{upstream} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        keepalive_requests 1000000;
        root {files};
    }}
}}
"
    );
    let _nginx = city::start_nginx(&run, front, &conf);
    let base = format!("https://127.0.0.1:{front}");
    let seconds = a.seconds.min(10);
    let mut figures = Vec::new();
    for (path, label) in [("/page.html", "floor: nginx, static file"), ("/proxied/page.html", "floor: nginx ← upstream doing nothing")] {
        let t = Arc::new(Timings::default());
        scan(&city.http, &base, Arc::new(vec![path.to_owned()]), a.scanners, seconds, t.clone()).await;
        println!("  {}", t.line(label, seconds as f64));
        figures.push(t.per_second(seconds as f64));
    }
    println!("  floor: proxying alone serves {:.0} % of the static file", 100.0 * figures[1] / figures[0]);
}

async fn run(city: City, label: &str, a: Args) {
    let city = Arc::new(city);
    println!("== {label} ==");
    let (paths, desks) = seed(&city, a).await;
    let paths = Arc::new(paths);
    // The page's bytes as a static file of nginx, for the comparison.
    let page = city.http.get(format!("{}{}", city.base, paths[0])).send().await.unwrap().bytes().await.unwrap();
    std::fs::write(city.dir.path().join("nginx/static/static-public-page.html"), &page).unwrap();

    let (scans, pushes, pulls) = (Arc::new(Timings::default()), Arc::new(Timings::default()), Arc::new(Timings::default()));
    let until = Instant::now() + Duration::from_secs(a.seconds);
    let cycle = Duration::from_secs(a.sync_every);
    let n = desks.len() as u32;
    let syncing: Vec<_> = desks
        .into_iter()
        .enumerate()
        .map(|(i, (desk, worker))| {
            let (city, pushes, pulls) = (city.clone(), pushes.clone(), pulls.clone());
            tokio::spawn(async move {
                // Desks spread over the cycle, as a city's are over five minutes.
                tokio::time::sleep(cycle * i as u32 / n).await;
                let mut since = 0;
                while Instant::now() < until {
                    let started = Instant::now();
                    pushes.add(started, push(&city.http, &city.base, &desk, certdesk_testkit::training::complete(worker)).await);
                    loop {
                        let started = Instant::now();
                        let got = pull(&city.http, &city.base, &desk, since).await;
                        pulls.add(started, got.is_some());
                        match got {
                            Some(p) if p.has_more => since = p.next_cursor,
                            Some(p) => {
                                since = p.next_cursor;
                                break;
                            }
                            None => break,
                        }
                    }
                    tokio::time::sleep(cycle.saturating_sub(started.elapsed())).await;
                }
            })
        })
        .collect();
    scan(&city.http, &city.base, paths.clone(), a.scanners, a.seconds, scans.clone()).await;
    for s in syncing {
        s.await.unwrap();
    }
    let secs = a.seconds as f64;
    println!("  {}", scans.line("public page (/c/…)", secs));
    println!("  {}", pushes.line("push (4 entries)", secs));
    println!("  {}", pulls.line("pull", secs));

    let statics = Arc::new(Timings::default());
    let static_paths = Arc::new(vec!["/static-public-page.html".to_owned()]);
    scan(&city.http, &city.base, static_paths, a.scanners, a.seconds.min(10), statics.clone()).await;
    println!("  {}", statics.line("nginx, same bytes", a.seconds.min(10) as f64));
    floor(&city, &page, a).await;

    let workers = a.agencies * a.workers;
    let bytes = database_bytes(&city);
    println!(
        "  database: {:.1} MB for {workers} workers = {:.1} MB per 10,000 workers",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / f64::from(workers) * 10_000.0
    );
}

fn database_bytes(city: &City) -> u64 {
    match city.database_url() {
        None => ["platform.sqlite3", "platform.sqlite3-wal"].iter().filter_map(|f| std::fs::metadata(city.dir.path().join(f)).ok()).map(|m| m.len()).sum(),
        Some(url) => std::thread::scope(|s| {
            s.spawn(|| {
                let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                let n: i64 = c
                    .query_one(
                        "SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
                         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'",
                        &[],
                    )
                    .unwrap()
                    .get(0);
                n as u64
            })
            .join()
            .unwrap()
        }),
    }
}

#[tokio::main]
async fn main() {
    let a = Args {
        agencies: arg("--agencies", 600) as u32,
        workers: arg("--workers", 5) as u32,
        seconds: arg("--seconds", 20),
        scanners: arg("--scanners", 64) as usize,
        sync_every: arg("--sync-every", 10),
    };
    let all: Vec<String> = std::env::args().collect();
    let mode = all.iter().position(|x| x == "--mode").and_then(|i| all.get(i + 1)).cloned().unwrap_or_else(|| "both".into());
    let bin = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().join("certdesk-platform");
    assert!(bin.exists(), "{} (cargo build --release -p certdesk-platform)", bin.display());
    println!(
        "{} agencies × 2 desks syncing every {} s (a compressed 5 minutes), {} scanners, {} s",
        a.agencies, a.sync_every, a.scanners, a.seconds
    );
    if mode == "sqlite" || mode == "both" {
        run(City::start_sqlite(&bin, u32::MAX).await, "(a) one instance on SQLite, behind nginx", a).await;
    }
    if mode == "postgres" || mode == "both" {
        let city = City::start(&bin, "load_city", 2, u32::MAX).await.expect("CERTDESK_TEST_PG: a PostgreSQL server (scripts/load-city starts one)");
        run(city, "(b) two instances on PostgreSQL, behind nginx", a).await;
    }
}
