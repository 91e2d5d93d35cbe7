//! `certdesk bench`: the figures the issues name, measured on a real database file.
//!
//! Seeds a desk with N synthetic workers (valid ID numbers, Chinese names), then times
//! enrolments (fsync included) and every kind of search query, and prints percentiles.
//! Nothing here asserts a time: a slow machine prints slow figures, it does not fail a test.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use certdesk_domain::check_char;
use certdesk_core::{Lobby, Session};
use certdesk_store::{Agency, Desk, NewUser, Role, SessionUser, WorkerInput};

/// Options of `certdesk bench`.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// What to measure: search (and enrolment), import (a 10,000-row .xlsx), or roster (export
    /// of every seeded worker as .xlsx and .csv).
    #[arg(value_parser = ["search", "import", "roster"], default_value = "search")]
    pub suite: String,
    /// How many workers to seed.
    #[arg(long, default_value_t = 200_000)]
    pub workers: usize,
    /// Where to build the database (default: a fresh temporary folder). An existing seeded
    /// folder is reused.
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Timed runs per query.
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
    /// Measure a plain (unencrypted) database, to compare with the encrypted one (the next
    /// ordinary open of the folder encrypts it).
    #[arg(long)]
    pub plain: bool,
    /// Rows of the generated spreadsheet for `bench import`.
    #[arg(long, default_value_t = 10_000)]
    pub rows: usize,
}

/// A small deterministic generator: the same seed gives the same workers on every run.
pub(crate) struct Rng(pub(crate) u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰红梅小红春梅海燕凤英志强文丽雪梅秀珍丹晓燕晨宇欣怡子涵浩然梓轩佳怡雨桐";

/// A valid 18-digit ID number for the i-th synthetic worker (unique per i).
pub fn synthetic_id_number(i: usize) -> String {
    let districts = ["310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112", "310115", "320102", "340104", "410105"];
    // i → (birth day, district, sequence) one to one, so every synthetic number is distinct.
    let seq = i % 1000;
    let rest = i / 1000;
    let d = districts[rest % districts.len()];
    let day = (rest / districts.len() * 97) % 16_000;
    let birth = chrono::NaiveDate::from_ymd_opt(1962, 1, 1).expect("date") + chrono::Days::new(day as u64);
    let first17 = format!("{d}{}{seq:03}", birth.format("%Y%m%d"));
    let c = check_char(&first17).expect("17 digits");
    format!("{first17}{c}")
}

pub(crate) fn synthetic_input(i: usize, rng: &mut Rng) -> WorkerInput {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    let mut name = String::new();
    name.push(s[rng.below(s.len() as u64) as usize]);
    for _ in 0..(1 + rng.below(2)) {
        name.push(g[rng.below(g.len() as u64) as usize]);
    }
    let phone = format!("1{}{:09}", 3 + rng.below(7), i * 7 + 100_000_000);
    let mut form = certdesk_domain::WorkerInput {
        name,
        id_number: synthetic_id_number(i),
        phone,
        address: format!("上海市徐汇区漕溪北路{}号", i % 999 + 1),
        service_types: vec!["保洁".into()],
        emergency_contact_name: "李四".into(),
        emergency_contact_phone: "021-64870000".into(),
        consent_date: Some("2026-01-05".into()),
        agency_check_done: true,
    };
    if i.is_multiple_of(3) {
        form.service_types.push("养老护理".into());
    }
    WorkerInput { form, photo_sha256: None }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx].as_secs_f64() * 1000.0
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label:<44} p50 {:>7.3} ms   p95 {:>7.3} ms   max {:>7.3} ms   (n={})",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 1.0),
        times.len()
    );
}

/// Run the benchmark and print the figures.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    if args.suite == "import" {
        return crate::bench_training::import(args.rows);
    }
    let tmp;
    let dir = match &args.dir {
        Some(d) => d.clone(),
        None => {
            tmp = std::env::temp_dir().join(format!("certdesk-bench-{}", std::process::id()));
            tmp
        }
    };
    let opening = Instant::now();
    let mut desk = if args.plain { certdesk_core::open_plain_for_benchmark(&dir) } else { Desk::open(&dir) }.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "opened the {} database in {:.2} s (an existing plain one is encrypted in place by an ordinary open)",
        if args.plain { "plain" } else { "encrypted" },
        opening.elapsed().as_secs_f64()
    );
    let password = "bench-password";
    let actor: SessionUser = if Lobby::new(&mut desk).has_users().map_err(|e| anyhow::anyhow!("{e}"))? {
        Lobby::new(&mut desk).login("bench", password).map_err(|e| anyhow::anyhow!("{e}"))?
    } else {
        Lobby::new(&mut desk).setup(
            &Agency {
                name: "上海基准家政服务有限公司".into(),
                credit_code: "91310104MA1FL0000X".into(),
                district: "徐汇区".into(),
                address: "上海市徐汇区".into(),
                phone: "021-64870000".into(),
                updated_at: String::new(),
            },
            &NewUser { username: "bench".into(), display_name: "基准".into(), role: Role::Manager, password: password.into() },
        )
        .or_else(|_| {
            // The credit code above may not carry the right check character: compute one.
            let first17 = "91310104MA1FL0000";
            let c = certdesk_domain::credit_check_char(first17).expect("valid charset");
            Lobby::new(&mut desk).setup(
                &Agency {
                    name: "上海基准家政服务有限公司".into(),
                    credit_code: format!("{first17}{c}"),
                    district: "徐汇区".into(),
                    address: "上海市徐汇区".into(),
                    phone: "021-64870000".into(),
                    updated_at: String::new(),
                },
                &NewUser { username: "bench".into(), display_name: "基准".into(), role: Role::Manager, password: password.into() },
            )
        })
        .map_err(|e| anyhow::anyhow!("{e}"))?
    };
    // Every measured call goes through the application layer, as the window's and the CLI's do.
    let mut s = Session::new(&mut desk, &actor);
    let have = s.search_workers("", None, 1).map_err(|e| anyhow::anyhow!("{e}"))?.total as usize;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut sample = Vec::new();
    if have < args.workers {
        let start = Instant::now();
        let chunk = 10_000;
        let mut i = have;
        while i < args.workers {
            let end = (i + chunk).min(args.workers);
            let inputs: Vec<WorkerInput> = (i..end).map(|k| synthetic_input(k, &mut rng)).collect();
            s.enrol_workers(&inputs).map_err(|e| anyhow::anyhow!("seeding row {i}: {e}"))?;
            i = end;
            eprint!("\rseeded {i}/{} workers", args.workers);
        }
        eprintln!();
        println!("seeded {} workers in {:.1} s", args.workers - have, start.elapsed().as_secs_f64());
    }
    if args.suite == "roster" {
        crate::bench_training::roster(&mut s)?;
        if args.dir.is_none() {
            drop(desk);
            let _ = std::fs::remove_dir_all(&dir);
        }
        return Ok(());
    }
    // Pick real workers to search for.
    let picks = s.search_workers("", None, 500).map_err(|e| anyhow::anyhow!("{e}"))?.items;
    sample.extend(picks);
    println!("database: {} ({} workers)", dir.display(), s.search_workers("", None, 1).map_err(|e| anyhow::anyhow!("{e}"))?.total);

    let runs = args.runs.max(1);
    let time_query = |label: &str, query: &dyn Fn(usize) -> String, status: Option<certdesk_domain::WorkerStatus>| -> anyhow::Result<()> {
        let mut times = Vec::with_capacity(runs);
        for k in 0..runs {
            let q = query(k);
            let t = Instant::now();
            let r = s.search_workers(&q, status, 50).map_err(|e| anyhow::anyhow!("{e}"))?;
            times.push(t.elapsed());
            std::hint::black_box(r);
        }
        report(label, times);
        Ok(())
    };
    let sample = &sample;
    println!("\nsearch (limit 50, total counted):");
    time_query("exact ID number (18)", &|k| sample[k % sample.len()].id_number.clone(), None)?;
    time_query("exact phone (11)", &|k| sample[k % sample.len()].phone.clone(), None)?;
    time_query("ID number, last 4", &|k| sample[k % sample.len()].id_number[14..].to_string(), None)?;
    time_query("ID number, last 6", &|k| sample[k % sample.len()].id_number[12..].to_string(), None)?;
    time_query("ID number, first 10 (typing)", &|k| sample[k % sample.len()].id_number[..10].to_string(), None)?;
    time_query("phone, first 7", &|k| sample[k % sample.len()].phone[..7].to_string(), None)?;
    time_query("name, 1 character (surname)", &|k| sample[k % sample.len()].name.chars().take(1).collect(), None)?;
    time_query("name, 2 characters", &|k| sample[k % sample.len()].name.chars().take(2).collect(), None)?;
    time_query("name, whole", &|k| sample[k % sample.len()].name.clone(), None)?;
    time_query("name, last character", &|k| sample[k % sample.len()].name.chars().last().unwrap().to_string(), None)?;
    time_query("empty query (newest first)", &|_| String::new(), None)?;
    time_query("empty query, status filter", &|_| String::new(), Some(certdesk_domain::WorkerStatus::Enrolled))?;
    time_query("name, 1 character, status filter", &|k| sample[k % sample.len()].name.chars().take(1).collect(), Some(certdesk_domain::WorkerStatus::Enrolled))?;
    time_query("no match", &|k| format!("不存在{k}"), None)?;

    println!("\nenrol one worker (validation, duplicate check, row, audit, outbox, fsync):");
    let mut times = Vec::new();
    let base = args.workers.max(have) + 1_000_000;
    for k in 0..runs {
        let input = synthetic_input(base + k, &mut rng);
        let t = Instant::now();
        s.enrol_worker(&input).map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(t.elapsed());
    }
    report("enrol (commit with synchronous=FULL)", times);
    if args.dir.is_none() {
        drop(desk);
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}
