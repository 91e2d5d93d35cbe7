//! The platform's files are owner-only on Unix: started on a fresh folder, the database, its
//! journal, the dev TLS key, every photo and partial upload are 0600 in 0700 folders; a
//! folder an older version left readable by everyone is tightened at the next start.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use certdesk_testkit::platform::{Options, TestPlatform};
use reqwest::StatusCode;

/// Every file and folder under `dir` (and `dir` itself) with its permission bits.
fn modes(dir: &Path) -> Vec<(PathBuf, bool, u32)> {
    let meta = std::fs::metadata(dir).unwrap();
    let mut out = vec![(dir.to_owned(), true, meta.permissions().mode() & 0o777)];
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            out.extend(modes(&entry.path()));
        } else {
            out.push((entry.path(), false, entry.metadata().unwrap().permissions().mode() & 0o777));
        }
    }
    out
}

fn assert_owner_only(dir: &Path) -> Vec<PathBuf> {
    let all = modes(dir);
    for (path, is_dir, mode) in &all {
        assert_eq!(*mode, if *is_dir { 0o700 } else { 0o600 }, "{} is {mode:o}", path.display());
    }
    all.into_iter().map(|(p, _, _)| p.strip_prefix(dir).unwrap().to_owned()).collect()
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[tokio::test]
async fn the_database_blobs_and_tls_key_are_owner_only_and_a_loose_folder_is_tightened_at_start() {
    let dir = tempfile::tempdir().unwrap();
    // A fresh folder as a careless administrator made it: readable by everyone.
    set_mode(dir.path(), 0o755);
    let p = TestPlatform::start_in(dir, Options::default()).await;
    let d = p.device(1).await;
    // A whole photo and half of another.
    let whole = vec![7u8; 1000];
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&whole));
    let res = p.http.put(p.url(&format!("/api/v1/blobs/{sha}"))).header("authorization", d.authorization()).body(whole).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let half = [9u8; 100];
    let sha2 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest([9u8; 200]));
    let res = p
        .http
        .patch(p.url(&format!("/api/v1/blobs/{sha2}/upload")))
        .header("authorization", d.authorization())
        .header("content-range", "bytes 0-99/200")
        .body(half.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let dir = p.into_dir().await;
    let seen = assert_owner_only(dir.path());
    // The SQLite database is a file of the folder; a PostgreSQL platform keeps none there.
    let database = (!certdesk_testkit::platform::on_postgres()).then_some("platform.sqlite3");
    for expected in database.into_iter().chain(["tls/server.key", "tls/dev-ca.pem"]) {
        assert!(seen.contains(&PathBuf::from(expected)), "{expected} in {seen:?}");
    }
    let in_blobs = |name: &str| seen.iter().any(|p| p.starts_with("blobs") && p.to_string_lossy().contains(name));
    assert!(in_blobs(&sha) && in_blobs(&sha2), "the photo and the partial upload: {seen:?}");

    // An older platform's loose files: tightened when the platform starts on them again.
    set_mode(dir.path(), 0o755);
    for loose in database.into_iter().chain(["tls/server.key"]) {
        set_mode(&dir.path().join(loose), 0o644);
    }
    set_mode(&dir.path().join("tls"), 0o755);
    let p = TestPlatform::start_in(dir, Options::default()).await;
    let dir = p.into_dir().await;
    assert_owner_only(dir.path());
}
