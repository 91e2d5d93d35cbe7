//! `certdesk backup create` and `restore` as a manager's script runs them (issue 10 item 5): the
//! passphrase from `CERTDESK_BACKUP_PASSPHRASE`, the backup restored into an empty folder where
//! the same workers and accounts are found; a clerk may not make one; a wrong or short
//! passphrase and a folder that holds a desk are refused with a sentence and write nothing.

use std::path::Path;

use certdesk_core::backup::PASSPHRASE_ENV;
use certdesk_store::Desk;
use certdesk_testkit::desk::{MANAGER, MANAGER_PASSWORD};

use crate::roles::desk_with_a_clerk;

const PASSPHRASE: &str = "correct horse battery staple";

/// `certdesk --json` with `user` (and its password) and the passphrase `passphrase` in the
/// environment: the exit code and what it printed on stdout.
fn certdesk(dir: &Path, user: Option<(&str, &str)>, passphrase: &str, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    crate::certdesk_json(dir, user, &[(PASSPHRASE_ENV, passphrase)], args)
}

#[test]
fn a_manager_backs_up_and_restores_with_the_passphrase_from_the_environment_and_refusals_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let id = desk_with_a_clerk(dir.path());
    let manager = Some((MANAGER, MANAGER_PASSWORD));
    let file = dir.path().join("certdesk-2026-12-05.age");
    let file_arg = file.to_str().unwrap();

    // A clerk may not; a passphrase under 8 characters is refused; neither writes a file.
    let (code, refused) = certdesk(dir.path(), Some(("clerk1", "clerkpass1")), PASSPHRASE, &["backup", "create", file_arg]);
    assert_eq!((code, refused["code"].as_str()), (Some(2), Some("forbidden")), "{refused}");
    let (code, short) = certdesk(dir.path(), manager, "short", &["backup", "create", file_arg]);
    assert_ne!(code, Some(0), "{short}");
    assert!(short["message_zh"].as_str().unwrap_or_default().contains('8'), "says how long it must be: {short}");
    assert!(!file.exists(), "nothing written");

    let (code, written) = certdesk(dir.path(), manager, PASSPHRASE, &["backup", "create", file_arg]);
    assert_eq!(code, Some(0), "{written}");
    let sealed = std::fs::read(&file).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1"), "an age file");
    assert!(!sealed.windows(id.len()).any(|w| w == id.as_bytes()), "nothing of the desk in the clear");

    // A wrong passphrase, and a folder that holds a desk already: refused, nothing written.
    let target = tempfile::tempdir().unwrap();
    let into = target.path().join("restored");
    let (code, wrong) = certdesk(&into, None, "not the passphrase at all", &["backup", "restore", file_arg]);
    assert_ne!(code, Some(0), "{wrong}");
    assert_eq!(wrong["code"], "backup_passphrase", "{wrong}");
    assert!(!into.join(certdesk_store::DB_FILE).exists(), "nothing written");
    let (code, taken) = certdesk(dir.path(), None, PASSPHRASE, &["backup", "restore", file_arg]);
    assert_ne!(code, Some(0), "{taken}");
    assert!(Desk::open(dir.path()).unwrap().search_workers(&id, None, 1).unwrap().total == 1, "the desk there is untouched");

    let (code, restored) = certdesk(&into, None, PASSPHRASE, &["backup", "restore", file_arg]);
    assert_eq!(code, Some(0), "{restored}");
    let desk = Desk::open(&into).unwrap();
    assert_eq!(desk.search_workers(&id, None, 1).unwrap().total, 1, "the worker is there");
    desk.login(MANAGER, MANAGER_PASSWORD).expect("and the manager signs in");
    desk.login("clerk1", "clerkpass1").expect("and the clerk");
}
