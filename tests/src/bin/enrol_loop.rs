//! Test helper: enrols synthetic workers one at a time on the given data folder and prints
//! `saved <id>` after each commit returns, exactly when the window would show 已保存.
//! The crash test kills it with SIGKILL at a random moment.

use certdesk_store::Desk;
use certdesk_testkit::desk::{agency, manager, synthetic_worker, MANAGER, MANAGER_PASSWORD};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: enrol-loop DIR START"));
    let start: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut desk = Desk::open(&dir).expect("open");
    let me = if desk.has_users().expect("users") {
        desk.login(MANAGER, MANAGER_PASSWORD).expect("login")
    } else {
        desk.setup(&agency(), &manager()).expect("setup")
    };
    println!("ready");
    for i in start.. {
        let w = desk.enrol_worker(&me, &synthetic_worker(i)).expect("enrol");
        println!("saved {}", w.id);
    }
}
