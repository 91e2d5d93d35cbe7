//! The CLI's log and `certdesk diagnostics`: a failing command is logged in the data folder by
//! its name and code, without the ID number, phone, name or password it was given, and the
//! bundle carries the log and versions but nothing personal.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use certdesk_testkit::desk::{open_desk, MANAGER, MANAGER_PASSWORD};
use certdesk_testkit::id_number;

const NAME: &str = "张晓燕";
const PHONE: &str = "13912345678";
const WRONG_PASSWORD: &str = "Wrong-Pass-7731";

fn certdesk(dir: &Path, password: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_certdesk"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--user", MANAGER, "--password", password])
        .args(args)
        .env_remove("CERTDESK_LOG")
        .output()
        .expect("the CLI runs")
}

#[test]
fn a_failing_cli_command_is_logged_without_personal_data_and_diagnostics_bundle_it() {
    let dir = tempfile::tempdir().unwrap();
    drop(open_desk(dir.path()));
    let id = id_number(7);
    let add = [
        "worker", "add", "--name", NAME, "--id-number", &id, "--phone", PHONE, "--address", "上海市徐汇区漕溪北路2号",
        "--service-types", "保洁", "--emergency-name", "李四", "--emergency-phone", "13900000000", "--agency-checked",
    ];
    assert!(certdesk(dir.path(), MANAGER_PASSWORD, &add).status.success(), "the first enrolment succeeds");
    let again = certdesk(dir.path(), MANAGER_PASSWORD, &add);
    assert_eq!(again.status.code(), Some(2), "the same ID number is refused");
    let wrong = certdesk(dir.path(), WRONG_PASSWORD, &["worker", "list"]);
    assert_eq!(wrong.status.code(), Some(2), "a wrong password is refused");

    let log = std::fs::read_to_string(dir.path().join("logs/certdesk.log")).expect("the CLI writes the desk's log");
    for expected in ["worker add", "duplicate_id_number", "worker list", "bad_credentials"] {
        assert!(log.contains(expected), "the log names the failed command and its code ({expected}):\n{log}");
    }
    for secret in [id.as_str(), PHONE, NAME, WRONG_PASSWORD, MANAGER_PASSWORD] {
        assert!(!log.contains(secret), "the log must not hold {secret:?}:\n{log}");
    }

    let zip_path = dir.path().join("support.zip");
    let out = certdesk(dir.path(), MANAGER_PASSWORD, &["diagnostics", "-o", zip_path.to_str().unwrap()]);
    assert!(out.status.success(), "diagnostics: {}", String::from_utf8_lossy(&out.stderr));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).expect("a valid zip");
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        for secret in [id.as_str(), PHONE, NAME, MANAGER_PASSWORD] {
            assert!(!text.contains(secret), "{} must not hold {secret:?}", f.name());
        }
        if f.name() == "versions.json" {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["program"], "certdesk");
            assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
            assert!(v["schema_version"].as_u64().unwrap() > 0);
        }
        names.push(f.name().to_string());
    }
    assert_eq!(names, ["versions.json", "data_folder.json", "sync.json", "logs/certdesk.log"]);
}
