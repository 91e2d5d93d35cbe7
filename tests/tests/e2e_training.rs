//! End-to-end through the real window for training (issue 3): the release app under Xvfb,
//! driven by tauri-driver and WebKitWebDriver. The agency and one worker come from the
//! `certdesk` CLI; in the window a clerk creates an offline class, adds the worker by typing the
//! ID number, records attendance and an exam score of 85 in the grid with the keyboard alone,
//! files the supervision form, and sees the worker become eligible (可申领) on the worker page and
//! in the list. Then the home screen, a CSV import and a roster export. Screenshots go to
//! tests/screenshots/t-*.png.
//!
//! Run by `scripts/test`; alone:
//! `CERTDESK_APP_BIN=target/release/certdesk-app xvfb-run -a cargo test -p certdesk-tests --test e2e_training -- --ignored`
//!
//! Its tauri-driver listens on 4446/4447, so that it can run beside `e2e` (4444/4445).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

const DRIVER_PORT: &str = "4446";
const NATIVE_PORT: &str = "4447";
const WORKER_NAME: &str = "韩梅梅";

/// tauri-driver, killed with everything it started when dropped (killing it alone leaves
/// WebKitWebDriver running, holding the port).
struct Driver(Child);

impl Driver {
    fn start() -> Driver {
        let bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| {
            let home = std::env::var("HOME").unwrap_or_default();
            let local = format!("{home}/.cargo/bin/tauri-driver");
            if Path::new(&local).exists() { local } else { "tauri-driver".into() }
        });
        let child = Command::new(bin)
            .args(["--port", DRIVER_PORT, "--native-port", NATIVE_PORT])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver must be installed (scripts/install-deps does it)");
        Driver(child)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Kill the driver and everything it started (WebKitWebDriver, the app), found through
        // /proc by parent pid: precise, unlike a kill by name or by command line.
        let mut pids = descendants(self.0.id());
        pids.push(self.0.id());
        for pid in pids {
            let _ = Command::new("kill").args(["-s", "KILL", &pid.to_string()]).status();
        }
        let _ = self.0.wait();
    }
}

/// Every process below `root`.
fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // The command name may hold spaces or parentheses: the fields start after the last ')'.
        let Some(ppid) = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok()) else { continue };
        parent_of.push((pid, ppid));
    }
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(p) = todo.pop() {
        for &(child, parent) in &parent_of {
            if parent == p {
                out.push(child);
                todo.push(child);
            }
        }
    }
    out
}

fn app_bin() -> PathBuf {
    let p = PathBuf::from(std::env::var("CERTDESK_APP_BIN").expect("set CERTDESK_APP_BIN to the built certdesk-app (scripts/test does)"));
    assert!(p.exists(), "{} does not exist: build it with cargo build --release -p certdesk-app", p.display());
    p
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn session(app: &Path, data_dir: &Path) -> WebDriver {
    let mut caps = Capabilities::new();
    caps.set("browserName", "wry").unwrap();
    caps.set("tauri:options", serde_json::json!({ "application": app, "args": ["--data-dir", data_dir] })).unwrap();
    let started = Instant::now();
    let url = format!("http://127.0.0.1:{DRIVER_PORT}");
    loop {
        match WebDriver::new(&url, caps.clone()).await {
            Ok(d) => return d,
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("no WebDriver session: {e}"),
        }
    }
}

fn tid(id: &str) -> By {
    By::Css(format!("[data-testid='{id}']"))
}

async fn wait(d: &WebDriver, by: By) -> WebElement {
    d.query(by.clone()).wait(Duration::from_secs(20), Duration::from_millis(100)).first().await
        .unwrap_or_else(|e| panic!("{by:?} did not appear: {e}"))
}

/// Wait until the element's text (textContent) contains `needle`.
async fn wait_text(d: &WebDriver, by: By, needle: &str) -> String {
    let started = Instant::now();
    loop {
        if let Ok(el) = d.find(by.clone()).await {
            if let Ok(Some(t)) = el.prop("textContent").await {
                if t.contains(needle) {
                    return t;
                }
                if started.elapsed() > Duration::from_secs(20) {
                    panic!("{by:?} says {t:?}, expected it to contain {needle:?}");
                }
            }
        } else if started.elapsed() > Duration::from_secs(20) {
            panic!("{by:?} never appeared (waiting for {needle:?})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Wait until no element matches.
async fn wait_gone(d: &WebDriver, by: By) {
    let started = Instant::now();
    while !d.find_all(by.clone()).await.unwrap_or_default().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(20), "{by:?} is still there");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn type_into(d: &WebDriver, css_id: &str, text: &str) {
    let el = wait(d, By::Id(css_id)).await;
    el.clear().await.ok();
    // clear() does not always reach React's state: select all and delete too.
    el.send_keys(Key::Control + "a").await.unwrap();
    el.send_keys(Key::Backspace).await.unwrap();
    el.send_keys(text).await.unwrap();
}

/// Save a screenshot after the frame has been painted.
async fn shot(d: &WebDriver, name: &str) {
    let _ = d
        .execute_async(
            "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        )
        .await;
    d.screenshot(&screenshots().join(format!("t-{name}.png"))).await.unwrap();
}

/// Run the `certdesk` CLI built beside the app on the test's data folder.
fn cli(app: &Path, data_dir: &Path, args: &[&str]) {
    let out = Command::new(app.with_file_name("certdesk"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("the certdesk CLI is built beside the app");
    assert!(out.status.success(), "certdesk {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// The agency and its manager, and one worker with consent and agency check: all that is
/// missing for a certificate is the training.
fn set_up_with_cli(app: &Path, data_dir: &Path, id_number: &str) {
    cli(app, data_dir, &[
        "setup", "--name", "上海好帮手家政服务有限公司", "--credit-code", "91310104MA1FL8L970",
        "--district", "徐汇区", "--address", "上海市徐汇区漕溪北路1号", "--phone", "021-64870000",
        "--manager", "admin", "--manager-name", "王经理", "--manager-password", "secret123",
    ]);
    cli(app, data_dir, &[
        "--user", "admin", "--password", "secret123", "worker", "add", "--name", WORKER_NAME,
        "--id-number", id_number, "--phone", "13812345678", "--address", "上海市徐汇区龙华路88号",
        "--service-types", "保洁", "--emergency-name", "李雷", "--emergency-phone", "13900000000", "--agency-checked",
    ]);
}

/// End the session whatever happened in `outcome`, then pass a failure on.
async fn finish(d: WebDriver, outcome: std::thread::Result<()>) {
    let _ = d.quit().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, tauri-driver and a display: run by scripts/test"]
async fn a_clerk_trains_a_worker_in_the_grid_and_sees_them_become_eligible() {
    use futures::FutureExt;
    use std::panic::AssertUnwindSafe;
    let app = app_bin();
    let data = tempfile::tempdir().unwrap();
    let id_number = certdesk_tests::id_number(4242);
    set_up_with_cli(&app, data.path(), &id_number);
    let _driver = Driver::start();
    let d = session(&app, data.path()).await;
    let outcome = AssertUnwindSafe(train(&d, &id_number, data.path())).catch_unwind().await;
    finish(d, outcome).await;
}

async fn train(d: &WebDriver, id_number: &str, data_dir: &Path) {
    d.set_window_rect(0, 0, 1280, 800).await.ok();
    wait(d, tid("login-form")).await;
    type_into(d, "login_username", "admin").await;
    type_into(d, "login_password", "secret123").await;
    wait(d, By::Id("login_password")).await.send_keys(Key::Enter).await.unwrap();
    wait(d, tid("worker-table")).await;

    // Before training the worker page says what is missing, exactly.
    wait(d, By::Css("[data-testid='worker-row'] td")).await.click().await.unwrap();
    wait(d, tid("training-panel")).await;
    wait(d, tid("missing-class_hours_short")).await;
    wait(d, tid("missing-exam_missing")).await;
    shot(d, "01-worker-not-eligible").await;

    // A new offline class, today 09:00-12:00, 3 class hours.
    wait(d, tid("nav-classes")).await.click().await.unwrap();
    wait(d, tid("class-new")).await.click().await.unwrap();
    wait(d, tid("class-form")).await;
    type_into(d, "class_title", "上门服务规范与安全").await;
    type_into(d, "class_place", "徐汇区漕溪北路1号3楼培训室").await;
    type_into(d, "class_trainer", "周老师").await;
    shot(d, "02-class-form").await;
    wait(d, By::Id("class_trainer")).await.send_keys(Key::Enter).await.unwrap();
    wait(d, tid("class-page")).await;
    wait_text(d, tid("class-incomplete"), "未完成").await;

    // Add the worker by typing the ID number, as a scanner would, then Enter.
    let add = wait(d, By::Id("class_add_id")).await;
    add.send_keys(id_number).await.unwrap();
    add.send_keys(Key::Enter).await.unwrap();
    wait_text(d, tid("grid-name"), WORKER_NAME).await;
    wait_text(d, tid("grid-status"), "培训").await;

    // The grid with the keyboard alone: "1" = present; → → → to the score, "85", Enter.
    wait(d, tid("cell-attendance")).await.click().await.unwrap();
    let grid = wait(d, tid("class-grid")).await;
    grid.send_keys("1").await.unwrap();
    wait_text(d, tid("cell-attendance"), "出勤").await;
    wait_text(d, tid("cell-credited"), "3").await;
    for _ in 0..3 {
        grid.send_keys(Key::Right).await.unwrap();
    }
    grid.send_keys("85").await.unwrap();
    grid.send_keys(Key::Enter).await.unwrap();
    wait_text(d, tid("cell-score"), "85").await;
    // Hours and a pass are not enough: the offline class still lacks its supervision form.
    let status = wait_text(d, tid("grid-status"), "").await;
    assert!(!status.contains("可申领"), "without the supervision form the worker is not eligible yet: {status}");
    shot(d, "03-class-grid").await;

    // The supervision form (督导单): place, time, trainer and counts are prefilled.
    type_into(d, "sup_supervisor_name", "刘建国").await;
    let present = wait(d, By::Id("sup_participants_present")).await.prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(present, "1", "the count present is prefilled from the attendance recorded");
    wait(d, tid("supervision-submit")).await.click().await.unwrap();
    wait_text(d, tid("supervision-status"), "已提交").await;
    wait_gone(d, tid("class-incomplete")).await;
    wait_text(d, tid("grid-status"), "可申领").await;
    shot(d, "04-supervision-filed").await;

    // The worker page: eligible, 3 of 3 hours, score 85.
    d.find(tid("grid-name")).await.unwrap().click().await.unwrap();
    wait_text(d, tid("eligibility"), "可申领").await;
    wait_text(d, tid("worker-status"), "可申领").await;
    let summary = wait_text(d, tid("eligibility-summary"), "85").await;
    assert!(summary.contains('3'), "three class hours credited: {summary}");
    shot(d, "05-worker-eligible").await;

    // The list shows the new status too.
    wait(d, tid("nav-workers")).await.click().await.unwrap();
    wait_text(d, tid("worker-table"), "可申领").await;

    // The class list no longer marks the class incomplete.
    wait(d, tid("nav-classes")).await.click().await.unwrap();
    wait_text(d, tid("class-table"), "上门服务规范与安全").await;
    wait_gone(d, tid("class-row-incomplete")).await;
    shot(d, "06-classes").await;

    // Home: one eligible worker, and this month's bar.
    wait(d, tid("nav-home")).await.click().await.unwrap();
    wait_text(d, tid("stage-count-eligible"), "1").await;
    wait(d, tid("month-chart")).await;
    shot(d, "07-home").await;

    // Import a CSV without consent or agency-check columns: the clerk confirms both.
    let csv = data_dir.join("workers.csv");
    let good1 = certdesk_tests::id_number(7001);
    let good2 = certdesk_tests::id_number(7002);
    std::fs::write(
        &csv,
        format!(
            "姓名,身份证号,手机号,住址,服务类型,紧急联系人,紧急联系人电话\n\
             林小红,{good1},13811110001,上海市静安区,保洁,林大山,13900000001\n\
             吴美丽,{good2},13811110002,上海市黄浦区,烹饪,吴大海,13900000002\n\
             错号码,110105194912310025,13811110003,上海市,保洁,某人,13900000003\n"
        ),
    )
    .unwrap();
    wait(d, tid("nav-import")).await.click().await.unwrap();
    wait(d, By::Id("import_file")).await.send_keys(csv.display().to_string()).await.unwrap();
    wait(d, tid("import-preview")).await;
    type_into(d, "import_consent_date", "2026-01-05").await;
    wait(d, By::Id("import_agency_checked")).await.click().await.unwrap();
    shot(d, "08-import-preview").await;
    wait(d, tid("import-run")).await.click().await.unwrap();
    let result = wait_text(d, tid("import-result"), "2").await;
    assert!(result.contains("新增 2 人"), "two valid rows imported, the wrong ID number reported: {result}");
    wait_text(d, tid("import-issues"), "身份证号").await;
    shot(d, "09-import-result").await;

    // The roster of everyone as .csv into the test's folder.
    wait(d, tid("nav-roster")).await.click().await.unwrap();
    let roster = data_dir.join("roster.csv");
    wait(d, tid("roster-format-csv")).await.click().await.unwrap();
    let status = wait(d, By::Id("roster_status")).await;
    status.click().await.unwrap();
    status.send_keys("全部").await.unwrap();
    status.send_keys(Key::Enter).await.unwrap();
    type_into(d, "roster_path", &roster.display().to_string()).await;
    wait(d, tid("roster-export")).await.click().await.unwrap();
    wait_text(d, tid("roster-done"), "3 人").await;
    shot(d, "10-roster").await;
    let text = std::fs::read_to_string(&roster).unwrap();
    assert!(text.contains(id_number) && text.contains(WORKER_NAME), "the roster lists the trained worker with the ID number");
    assert!(text.contains("85"), "and the exam score");
}
