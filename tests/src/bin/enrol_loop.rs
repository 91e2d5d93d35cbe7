//! Test helper: enrols synthetic workers one at a time on the given data folder and prints
//! `saved <id>` after each commit returns, exactly when the window would show 已保存.
//! The crash test kills it with SIGKILL at a random moment.

use certdesk_store::{Agency, Desk, NewUser, Role};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: enrol-loop DIR START"));
    let start: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut desk = Desk::open(&dir).expect("open");
    let me = if desk.has_users().expect("users") {
        desk.login("admin", "secret123").expect("login")
    } else {
        desk.setup(
            &Agency {
                name: "上海好帮手家政服务有限公司".into(),
                credit_code: "91310104MA1FL8L970".into(),
                district: "徐汇区".into(),
                address: "上海市徐汇区".into(),
                phone: "021-64870000".into(),
                updated_at: String::new(),
            },
            &NewUser { username: "admin".into(), display_name: "王经理".into(), role: Role::Manager, password: "secret123".into() },
        )
        .expect("setup")
    };
    println!("ready");
    for i in start.. {
        let w = desk.enrol_worker(&me, &certdesk_tests::worker_input(i)).expect("enrol");
        println!("saved {}", w.id);
    }
}
