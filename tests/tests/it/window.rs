//! Helpers shared by the end-to-end tests: tauri-driver and its process tree, a WebDriver
//! session on the real window, waiting, typing and screenshots.
//!
//! Gotchas paid for: WebKitWebDriver does not click a `<tr>` (click a cell) and leaves cells
//! with `text-overflow` out of an element's visible text (read `textContent`); killing
//! tauri-driver alone leaves WebKitWebDriver holding its port; never kill by command-line
//! pattern, which also matches any shell that merely mentions the path.

#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

/// tauri-driver, killed with everything it started when dropped (killing it alone leaves
/// WebKitWebDriver running, holding the port).
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Start tauri-driver on `port` (WebKitWebDriver on `port + 1`): each test file has its own
    /// pair, so that test binaries never fight over a port.
    pub fn start(port: u16) -> Driver {
        Driver::start_with_env(port, &[])
    }

    /// [`Driver::start`], with variables the driver passes on to the program it starts (the
    /// AppImage tests' cache folder).
    pub fn start_with_env(port: u16, env: &[(&str, &Path)]) -> Driver {
        let bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| {
            let home = std::env::var("HOME").unwrap_or_default();
            let local = format!("{home}/.cargo/bin/tauri-driver");
            if Path::new(&local).exists() { local } else { "tauri-driver".into() }
        });
        let child = Command::new(bin)
            .args(["--port", &port.to_string(), "--native-port", &(port + 1).to_string()])
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver must be installed (scripts/install-deps does it)");
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Kill the driver and everything it started (WebKitWebDriver, the app), found through
        // /proc by parent pid: precise, unlike a kill by name or by command line.
        let mut pids = descendants(self.child.id());
        pids.push(self.child.id());
        for pid in pids {
            let _ = Command::new("kill").args(["-s", "KILL", &pid.to_string()]).status();
        }
        let _ = self.child.wait();
    }
}

/// Every process below `root`, children before their parents' siblings.
pub fn descendants(root: u32) -> Vec<u32> {
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

pub fn app_bin() -> PathBuf {
    let p = PathBuf::from(std::env::var("CERTDESK_APP_BIN").expect("set CERTDESK_APP_BIN to the built certdesk-app (scripts/test does)"));
    assert!(p.exists(), "{} does not exist: build it with cargo build --release -p certdesk-app", p.display());
    p
}

pub fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub async fn session(driver: &Driver, app: &Path, data_dir: &Path) -> WebDriver {
    let mut caps = Capabilities::new();
    caps.set("browserName", "wry").unwrap();
    caps.set("tauri:options", serde_json::json!({ "application": app, "args": ["--data-dir", data_dir] })).unwrap();
    let started = Instant::now();
    loop {
        match WebDriver::new(&format!("http://127.0.0.1:{}", driver.port), caps.clone()).await {
            Ok(d) => return d,
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => panic!("no WebDriver session: {e}"),
        }
    }
}

pub fn tid(id: &str) -> By {
    By::Css(format!("[data-testid='{id}']"))
}

pub async fn wait(d: &WebDriver, by: By) -> WebElement {
    let started = Instant::now();
    loop {
        match d.query(by.clone()).wait(Duration::from_secs(2), Duration::from_millis(100)).first().await {
            Ok(el) => return el,
            // Not there yet, or found while the page re-rendered it (WebKitWebDriver then answers
            // "stale element reference", which the query does not retry): ask again.
            Err(_) if started.elapsed() < Duration::from_secs(20) => tokio::time::sleep(Duration::from_millis(100)).await,
            Err(e) => panic!("{by:?} did not appear: {e}"),
        }
    }
}

/// Wait until the element's text contains `needle`.
pub async fn wait_text(d: &WebDriver, by: By, needle: &str) -> String {
    let started = Instant::now();
    loop {
        if let Ok(el) = d.find(by.clone()).await {
            // textContent, not the WebDriver "visible text": WebKitWebDriver leaves out cells
            // styled with text-overflow although they are plainly on screen.
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

pub async fn type_into(d: &WebDriver, css_id: &str, text: &str) {
    type_by(d, By::Id(css_id), text).await
}

pub async fn type_by(d: &WebDriver, by: By, text: &str) {
    // A controlled input re-rendering under the keys (the clear's state update landing after
    // the first typed character) can drop a character: type again, up to three times, until
    // the field holds what was typed.
    for _ in 0..3 {
        let el = wait(d, by.clone()).await;
        el.clear().await.ok();
        // clear() does not always reach React's state: select all and delete too.
        el.send_keys(Key::Control + "a").await.unwrap();
        el.send_keys(Key::Backspace).await.unwrap();
        el.send_keys(text).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        if let Ok(Some(v)) = el.prop("value").await {
            if v == text {
                return;
            }
        }
    }
    // A field that reformats what is typed (a date, a code) never holds it as typed: the test's
    // own assertions judge what it shows.
}

/// Save a screenshot after the frame has been painted.
pub async fn shot(d: &WebDriver, name: &str) {
    let _ = d
        .execute_async(
            "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        )
        .await;
    d.screenshot(&screenshots().join(format!("{name}.png"))).await.unwrap();
}

/// Wait until no element matches.
pub async fn wait_gone(d: &WebDriver, by: By) {
    let started = Instant::now();
    while !d.find_all(by.clone()).await.unwrap_or_default().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(20), "{by:?} is still there");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Signs in on the sign-in screen as `username` with `password`, pressing Enter in the password
/// field as a clerk does.
pub async fn sign_in(d: &WebDriver, username: &str, password: &str) {
    wait(d, tid("login-form")).await;
    type_into(d, "login_username", username).await;
    type_into(d, "login_password", password).await;
    wait(d, By::Id("login_password")).await.send_keys(Key::Enter).await.unwrap();
}

/// End the session whatever happened in `outcome`, then pass a failure on: a failed assertion
/// reports at once instead of leaving the session open, the window as it was then in
/// `failed.png`.
pub async fn finish(d: WebDriver, outcome: std::thread::Result<()>) {
    if outcome.is_err() {
        let _ = d.screenshot(&screenshots().join("failed.png")).await;
    }
    let _ = d.quit().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}


/// Click once nothing lies over the element any more (a closing dialog's mask, a toast) and it
/// is not being re-rendered (a list refreshing under a search leaves a stale reference): found
/// again and retried for up to 10 s.
/// Waits until exactly `n` elements match `by` (a list re-rendering under the query may make
/// WebKitWebDriver answer "stale element": asked again).
pub async fn wait_count(d: &WebDriver, by: By, n: usize, what: &str) {
    let started = Instant::now();
    while d.find_all(by.clone()).await.map(|v| v.len()).ok() != Some(n) {
        assert!(started.elapsed() < Duration::from_secs(20), "{what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn click_when_free(d: &WebDriver, by: By) {
    let started = Instant::now();
    loop {
        match wait(d, by.clone()).await.click().await {
            Ok(()) => return,
            Err(e) if started.elapsed() < Duration::from_secs(10) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("{by:?} stayed covered or stale: {e}"),
        }
    }
}

/// The value of the input with this id.
pub async fn value(d: &WebDriver, id: &str) -> String {
    wait(d, By::Id(id)).await.prop("value").await.unwrap().unwrap_or_default()
}

/// Waits until the input with this id holds `expected`.
pub async fn wait_value(d: &WebDriver, id: &str, expected: &str) {
    let started = std::time::Instant::now();
    loop {
        let now = value(d, id).await;
        if now == expected {
            return;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "#{id} holds {now:?}, not {expected:?}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
