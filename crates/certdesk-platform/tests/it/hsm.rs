//! Issue 11 item 3: the PKCS#11 key provider against SoftHSM2 from Debian's packages
//! (`scripts/install-deps` installs `softhsm2`). Each test makes its own token in a temporary
//! folder (through `SOFTHSM2_CONF`); nothing here touches a real HSM.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use certdesk_platform::hsm::Hsm;
use certdesk_platform::ids::{SystemIds, TokenKeys};
use certdesk_platform::keys::PlatformKey;
use certdesk_platform::ids::Ids;
use certdesk_platform::store::Store;
use certdesk_platform::store::sqlite::SqliteStore;
use certdesk_protocol::credential::{issue_url, verify, CredentialClaims, CredentialSigner, RevocationList, Verdict};
use certdesk_domain::certificate_code::CertificateCode;

const MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const PIN: &str = "4321";

/// A fresh SoftHSM2 token labelled `certdesk` in `dir`; `None` (said loudly) without SoftHSM2
/// on a developer's machine, a failure on CI.
fn token(dir: &Path) -> Option<PathBuf> {
    if !Path::new(MODULE).exists() {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{MODULE} is missing and CI=true: scripts/install-deps installs softhsm2");
        eprintln!("\n*** SKIPPED (PKCS#11): {MODULE} is missing; scripts/install-deps installs softhsm2 ***");
        return None;
    }
    let tokens = dir.join("tokens");
    std::fs::create_dir_all(&tokens).unwrap();
    let conf = dir.join("softhsm2.conf");
    std::fs::write(&conf, format!("directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n", tokens.display())).unwrap();
    // Each test runs in a process of its own (nextest), so the variable is this test's.
    std::env::set_var("SOFTHSM2_CONF", &conf);
    let out = std::process::Command::new("softhsm2-util")
        .args(["--init-token", "--free", "--label", "certdesk", "--pin", PIN, "--so-pin", "87654321"])
        .env("SOFTHSM2_CONF", &conf)
        .output()
        .expect("softhsm2-util runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(PathBuf::from(MODULE))
}

fn claims(key_id: u16, serial: u32) -> CredentialClaims {
    let today = certdesk_testkit::shanghai_today();
    CredentialClaims {
        key_id,
        certificate_code: CertificateCode::new(1, 2026, serial).unwrap(),
        card_version: 1,
        valid_from: today,
        valid_until: today + chrono::Days::new(365),
    }
}

#[test]
fn signing_keys_made_in_a_pkcs11_token_sign_cards_the_database_holds_only_their_label_and_a_retired_one_is_destroyed() {
    let hsm_dir = tempfile::tempdir().unwrap();
    let Some(module) = token(hsm_dir.path()) else { return };
    let data = tempfile::tempdir().unwrap();
    // (One context at a time: PKCS#11 finalises the library for the whole process when one goes.)
    assert!(Hsm::open(&module, "certdesk", "wrong pin").is_err(), "a wrong PIN is refused");
    assert!(Hsm::open(&module, "no such token", PIN).is_err(), "an unknown token is refused");
    let hsm = Arc::new(Hsm::open(&module, "certdesk", PIN).expect("the token opens"));
    let store = SqliteStore::open_with(data.path(), None, Some(hsm.clone())).unwrap();
    let ids = TokenKeys { hsm: hsm.clone(), inner: Arc::new(SystemIds) };
    let (today, now) = (certdesk_testkit::shanghai_today(), chrono::Utc::now());

    // The first key is made in the token: it signs, and its secret is nowhere else.
    let (first_id, first) = certdesk_platform::flows::current_signing_key(&store, &ids, today, now).unwrap();
    let PlatformKey::Token { label: first_label, .. } = &first else { panic!("a token key: {first:?}") };
    assert!(first.secret().is_none(), "the secret never leaves the token");
    let card = issue_url("https://p.example/c/", &claims(first_id, 1), &first).unwrap();
    let trust = store.trust_list().unwrap();
    assert!(matches!(verify(&card, &trust, &RevocationList::default(), today), Verdict::Valid(_)), "verified with the published public key");
    let stored: Vec<u8> = rusqlite::Connection::open(data.path().join("platform.sqlite3"))
        .unwrap()
        .query_row("SELECT secret FROM signing_keys WHERE key_id = ?1", [first_id], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, [b"P11:".as_slice(), first_label.as_bytes()].concat(), "the row holds only the key's label");

    // Opened without the token, the database cannot sign, and says why.
    drop(store);
    let without = SqliteStore::open(data.path()).unwrap();
    let err = certdesk_platform::flows::current_signing_key(&without, &SystemIds, today, now).unwrap_err();
    assert!(err.to_string().contains("PKCS#11"), "{err}");
    drop(without);

    // Rotation: the new key is made in the token too, and the retired key's token object is
    // destroyed; cards it signed still verify with its published public key.
    let store = SqliteStore::open_with(data.path(), None, Some(hsm.clone())).unwrap();
    let new_key = ids.new_signing_key().unwrap();
    let second_id = certdesk_platform::flows::rotate_signing_key(&store, &new_key, today, now).unwrap();
    assert_eq!(hsm.public_key(first_label).unwrap(), None, "the retired key is gone from the token");
    assert!(hsm.sign(first_label, b"anything").is_err(), "and signs nothing");
    let (current_id, current) = certdesk_platform::flows::current_signing_key(&store, &ids, today, now).unwrap();
    assert_eq!(current_id, second_id);
    let trust = store.trust_list().unwrap();
    let second_card = issue_url("https://p.example/c/", &claims(current_id, 2), &current).unwrap();
    assert!(matches!(verify(&second_card, &trust, &RevocationList::default(), today), Verdict::Valid(_)));
    assert!(matches!(verify(&card, &trust, &RevocationList::default(), today), Verdict::Valid(_)), "an earlier card still verifies");
    assert_eq!(current.algorithm(), certdesk_protocol::credential::KeyAlgorithm::Ed25519);
}
