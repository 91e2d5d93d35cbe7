//! How long a desk upgraded to this version takes at its first start to announce the records it
//! already held (desk migration 15): `cargo run --release -p certdesk-store --example announce --
//! DATA_DIR` on a copy of a desk's folder (the agency_restore benchmark keeps one with
//! CERTDESK_BENCH_KEEP). The folder is changed: the entries stay queued.

use std::time::Instant;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: announce DATA_DIR"));
    let raw = certdesk_store::open_raw(&dir).expect("the desk's database opens");
    let count = |sql: &str| -> i64 { raw.query_row(sql, [], |r| r.get(0)).unwrap() };
    let (workers, before) = (count("SELECT count(*) FROM workers"), count("SELECT count(*) FROM outbox"));
    raw.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('relay.announce_held', '1')", []).unwrap();
    let started = Instant::now();
    let desk = certdesk_store::Desk::open(&dir).expect("the desk opens and announces");
    let secs = started.elapsed().as_secs_f64();
    drop(desk);
    let queued = count("SELECT count(*) FROM outbox") - before;
    println!("announced {queued} records of a desk with {workers} workers at its first start in {secs:.2} s");
}
