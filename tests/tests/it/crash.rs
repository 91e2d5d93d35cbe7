//! Nothing the clerk saw saved is lost: a process enrolling workers is killed with SIGKILL at
//! random moments, and every worker it had reported saved is in the file afterwards, with its
//! audit and outbox entries, and the audit chain intact.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn kill_9_right_after_saved_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut saved: Vec<String> = Vec::new();
    let mut next = 0usize;
    for round in 0..8u64 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_enrol-loop"))
            .arg(dir.path())
            .arg(next.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert_eq!(lines.next().unwrap().unwrap(), "ready");
        // A different moment every round: after 5 to 40 saves, then kill mid-stream.
        let stop_after = 5 + (round * 7919 % 36) as usize;
        let started = Instant::now();
        let mut this_round = 0;
        while this_round < stop_after && started.elapsed() < Duration::from_secs(60) {
            let line = lines.next().unwrap().unwrap();
            saved.push(line.strip_prefix("saved ").unwrap().to_string());
            this_round += 1;
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        // Whatever else it printed before dying was also acknowledged.
        for line in lines.map_while(Result::ok) {
            if let Some(id) = line.strip_prefix("saved ") {
                saved.push(id.to_string());
                this_round += 1;
            }
        }
        next += this_round + 100; // the last, unacknowledged one may or may not be in
    }
    let desk = certdesk_store::Desk::open(dir.path()).unwrap();
    for id in &saved {
        desk.worker(id).unwrap_or_else(|e| panic!("worker {id} was reported saved but is missing: {e}"));
    }
    let conn = certdesk_store::open_raw(dir.path()).unwrap();
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    let workers = q("SELECT count(*) FROM workers");
    assert!(workers as usize >= saved.len());
    assert_eq!(q("SELECT count(*) FROM outbox WHERE entity = 'worker'"), workers, "one outbox entry per enrolment, never torn apart");
    assert_eq!(q("SELECT count(*) FROM audit WHERE action = 'enrol'"), workers, "one audit entry per enrolment");
    desk.verify_audit_chain().expect("the audit chain survives kills");
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
}
