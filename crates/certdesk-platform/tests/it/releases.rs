//! Desk releases (issue 15 item 2): `certdesk-platform release publish` writes the releases
//! folder and refuses, changing nothing, what a desk could not install; a platform serving it
//! (`serve --releases`) offers an enrolled device the newest signed release newer than its own
//! for its system, in Tauri's updater format, and streams only the packages a release lists.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use certdesk_protocol::release::UpdateOffer;
use certdesk_protocol::sync::EnrolResponse;
use certdesk_protocol::ApiError;
use certdesk_testkit::platform::{Options, TestPlatform};
use reqwest::StatusCode;

/// A `.sig` file as `tauri signer sign` writes it (base64 of the minisign text), with
/// `trusted` as its trusted comment. Its key is nobody's: the platform checks no key.
fn sig_file(trusted: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut sig = b"Ed".to_vec();
    sig.extend([7u8; 72]);
    let text = format!(
        "untrusted comment: signature from tauri secret key\n{}\ntrusted comment: {trusted}\n{}\n",
        b64.encode(&sig),
        b64.encode([9u8; 64])
    );
    b64.encode(text)
}

/// A signature made for `version` of `file`, as `tauri signer sign --app-version` makes it.
fn signed_for(version: &str, file: &str) -> String {
    sig_file(&format!("timestamp:1764921600\tfile:{file}\tversion:{version}"))
}

/// A release manager's work folder: package, signature and notes files made here.
struct Bench {
    dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Bench {
        Bench { dir: tempfile::tempdir().unwrap() }
    }

    fn releases(&self) -> PathBuf {
        self.dir.path().join("releases")
    }

    /// Writes `name` in the work folder.
    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join("work").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// `release publish` with these files and extra flags.
    fn publish_files(&self, version: &str, package: &Path, signature: &Path, extra: &[&str]) -> Output {
        let notes = self.file(&format!("notes-{version}.txt"), format!("新增：{version} 的改动\n修复：同步页进度条"));
        Command::new(env!("CARGO_BIN_EXE_certdesk-platform"))
            .args(["release", "publish", "--releases"])
            .arg(self.releases())
            .args(["--version", version, "--notes-file"])
            .arg(notes)
            .arg("--package")
            .arg(package)
            .arg("--signature")
            .arg(signature)
            .args(extra)
            .output()
            .unwrap()
    }

    /// Publishes a package `name` holding `bytes`, signed for `version`; asserts it worked.
    fn publish(&self, version: &str, name: &str, bytes: &[u8], extra: &[&str]) {
        let package = self.file(name, bytes);
        let signature = self.file(&format!("{name}.sig"), signed_for(version, name));
        let out = self.publish_files(version, &package, &signature, extra);
        assert!(out.status.success(), "publishing {version}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// Every file under the releases folder with its bytes (what a refusal must leave as it was).
    fn tree(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for e in entries {
                let path = e.unwrap().path();
                if path.is_dir() {
                    out.push((path.clone(), Vec::new()));
                    walk(&path, out);
                } else {
                    out.push((path.clone(), std::fs::read(&path).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.releases(), &mut out);
        out.sort();
        out
    }
}

fn deb(version: &str) -> String {
    format!("certdesk_{version}_amd64.deb")
}

/// The bytes of version `v`'s package: distinct per version, and over one read buffer long.
fn package_bytes(v: &str) -> Vec<u8> {
    (0..200_000u32).map(|i| (i % 251) as u8 ^ v.len() as u8).chain(v.bytes()).collect()
}

/// The releases most tests start from: 0.1.1, 0.9.0 and 0.10.0 with signed .debs (0.10.0 is
/// newer than 0.9.0 in semver, not in text), 0.11.0 whose .deb was copied in by hand without
/// its .sig, and 0.12.0 with only an .rpm.
fn several(bench: &Bench) {
    for v in ["0.9.0", "0.1.1", "0.10.0", "0.11.0"] {
        bench.publish(v, &deb(v), &package_bytes(v), &[]);
    }
    std::fs::remove_file(bench.releases().join("0.11.0").join(format!("{}.sig", deb("0.11.0")))).unwrap();
    bench.publish("0.12.0", "certdesk-0.12.0-1.x86_64.rpm", b"an rpm", &[]);
}

async fn check(p: &TestPlatform, device: &EnrolResponse, path: &str) -> reqwest::Response {
    p.http.get(p.url(&format!("/api/v1/desk-releases/{path}"))).header("authorization", device.authorization()).send().await.unwrap()
}

#[tokio::test]
async fn release_check_offers_the_newest_newer_signed_release_and_its_download_is_the_exact_bytes() {
    let bench = Bench::new();
    several(&bench);
    let p = TestPlatform::start(Options::default().with_releases(bench.releases())).await;
    let d = p.device(1).await;

    let res = check(&p, &d, "linux/x86_64/deb/0.1.0").await;
    assert_eq!(res.status(), StatusCode::OK);
    let offer: UpdateOffer = res.json().await.unwrap();
    assert_eq!(offer.version, "0.10.0", "0.11.0 has no .sig and is never offered; 0.12.0 has no .deb; 0.10.0 > 0.9.0 in semver");
    assert_eq!(offer.url, p.url(&format!("/api/v1/desk-releases/0.10.0/{}", deb("0.10.0"))), "the download is on the host the desk asked");
    assert_eq!(offer.signature, signed_for("0.10.0", &deb("0.10.0")), "the .sig file exactly as published");
    assert!(offer.notes.contains("新增：0.10.0 的改动"), "{}", offer.notes);
    assert!(chrono::DateTime::parse_from_rfc3339(&offer.pub_date).is_ok(), "pub_date is RFC 3339: {}", offer.pub_date);

    let res = p.http.get(&offer.url).header("authorization", d.authorization()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
    assert_eq!(res.headers()["content-length"], package_bytes("0.10.0").len().to_string().as_str());
    assert_eq!(res.bytes().await.unwrap().to_vec(), package_bytes("0.10.0"), "the package's exact bytes");

    // The rpm of 0.12.0 for a desk installed from an rpm.
    let res = check(&p, &d, "linux/x86_64/rpm/0.1.0").await;
    assert_eq!(res.json::<UpdateOffer>().await.unwrap().version, "0.12.0");
}

#[tokio::test]
async fn release_check_answers_204_when_nothing_newer_is_published_for_the_system() {
    let bench = Bench::new();
    several(&bench);
    let p = TestPlatform::start(Options::default().with_releases(bench.releases())).await;
    let d = p.device(1).await;
    for (path, why) in [
        ("linux/x86_64/deb/0.10.0", "the newest signed .deb is the desk's own version"),
        ("linux/x86_64/deb/0.13.0", "every release is older"),
        ("linux/x86_64/deb/0.11.0", "0.11.0's .deb has no .sig, and nothing signed is newer"),
        ("linux/aarch64/deb/0.1.0", "no package for this processor"),
        ("linux/x86_64/appimage/0.1.0", "no package of this kind"),
        ("windows/x86_64/nsis/0.1.0", "no package for this system"),
        ("linux/x86_64/rpm/0.12.0", "equal is not newer"),
    ] {
        let res = check(&p, &d, path).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}: {why}");
        assert!(res.bytes().await.unwrap().is_empty());
    }
    // A package copied in by hand without its .sig is not offered, even as the only newer one.
    let res = check(&p, &d, "linux/x86_64/deb/0.10.1").await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT, "0.11.0 has no .sig");
}

#[tokio::test]
async fn release_check_refuses_a_version_or_system_outside_its_set_with_400() {
    let bench = Bench::new();
    several(&bench);
    let p = TestPlatform::start(Options::default().with_releases(bench.releases())).await;
    let d = p.device(1).await;
    for path in [
        "linux/x86_64/deb/0.1",
        "linux/x86_64/deb/v0.1.0",
        "linux/x86_64/deb/latest",
        "plan9/x86_64/deb/0.1.0",
        "linux/x86-64/deb/0.1.0",
        "linux/x86_64/dmg/0.1.0",
    ] {
        let res = check(&p, &d, path).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{path}");
        let e: ApiError = res.json().await.unwrap();
        assert_eq!(e.code, "invalid_field", "{path}");
        assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
    }
}

#[tokio::test]
async fn release_routes_need_a_live_device_credential() {
    let bench = Bench::new();
    several(&bench);
    let p = TestPlatform::start(Options::default().with_releases(bench.releases())).await;
    let d = p.device(1).await;
    let download = format!("/api/v1/desk-releases/0.10.0/{}", deb("0.10.0"));
    let check_path = "/api/v1/desk-releases/linux/x86_64/deb/0.1.0";
    for path in [check_path, download.as_str()] {
        let res = p.http.get(p.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path} without a credential");
        let wrong = format!("Bearer {}.not-the-secret", d.device_id);
        let res = p.http.get(p.url(path)).header("authorization", wrong).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path} with a wrong secret");
        let res = p.http.get(p.url(path)).header("authorization", d.authorization()).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path} with the device's credential");
    }
    let res = p.operator(reqwest::Method::POST, &format!("/api/v1/operator/devices/{}/revoke", d.device_id)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    for path in [check_path, download.as_str()] {
        let res = p.http.get(p.url(path)).header("authorization", d.authorization()).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}: a revoked device gets no release");
        assert_eq!(res.json::<ApiError>().await.unwrap().code, "unauthorized");
    }
}

#[tokio::test]
async fn release_download_serves_only_a_package_its_release_lists() {
    let bench = Bench::new();
    several(&bench);
    let releases = bench.releases();
    std::fs::write(releases.join("secret.txt"), "outside any release").unwrap();
    std::fs::write(releases.join("0.10.0").join("notes.txt"), "in the folder, not listed").unwrap();
    let p = TestPlatform::start(Options::default().with_releases(&releases)).await;
    let d = p.device(1).await;
    let deb10 = deb("0.10.0");
    for path in [
        "0.10.0/release.json".to_owned(),
        format!("0.10.0/{deb10}.sig"),
        "0.10.0/notes.txt".to_owned(),
        "0.10.0/..%2Fsecret.txt".to_owned(),
        "0.10.0/..%2F0.9.0%2Frelease.json".to_owned(),
        format!("0.10.0/..%2F0.9.0%2F{}", deb("0.9.0")),
        format!("0.10.0/.%2F{deb10}"),
        format!("0.9.0/{deb10}"),
        format!("0.10.1/{deb10}"),
        format!("..%2F0.10.0/{deb10}"),
        "..%2F..%2F..%2Fetc/passwd".to_owned(),
        "0.10.0/%2Fetc%2Fpasswd".to_owned(),
        format!("0.10.0/{deb10}%00"),
    ] {
        let res = check(&p, &d, &path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path} is not a listed package");
        assert_eq!(res.json::<ApiError>().await.unwrap().code, "not_found", "{path}");
    }
    // (A literal `..` segment never leaves the client, which resolves it; the folder's own
    // unit test `releases::tests::only_a_listed_package_is_a_package_file` tries it.)
    let res = check(&p, &d, &format!("0.10.0/{deb10}")).await;
    assert_eq!(res.status(), StatusCode::OK, "the listed package itself is served");
}

#[tokio::test]
async fn release_routes_answer_404_when_the_platform_publishes_none() {
    let p = TestPlatform::start(Options::default()).await;
    let d = p.device(1).await;
    for path in ["linux/x86_64/deb/0.1.0", "0.1.1/certdesk_0.1.1_amd64.deb"] {
        let res = check(&p, &d, path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        let e: ApiError = res.json().await.unwrap();
        assert_eq!(e.code, "not_found");
        assert!(e.message_en.contains("no releases published"), "{}", e.message_en);
    }
}

#[tokio::test]
async fn a_release_published_while_the_platform_runs_is_offered_at_once() {
    let bench = Bench::new();
    bench.publish("0.1.1", &deb("0.1.1"), b"one", &[]);
    let p = TestPlatform::start(Options::default().with_releases(bench.releases())).await;
    let d = p.device(1).await;
    assert_eq!(check(&p, &d, "linux/x86_64/deb/0.1.0").await.json::<UpdateOffer>().await.unwrap().version, "0.1.1");
    bench.publish("0.2.0", &deb("0.2.0"), b"two", &[]);
    assert_eq!(
        check(&p, &d, "linux/x86_64/deb/0.1.0").await.json::<UpdateOffer>().await.unwrap().version,
        "0.2.0",
        "the folder is read on every check: another instance's publication counts"
    );
}

#[test]
fn release_publish_refusals_say_what_is_wrong_and_leave_the_folder_unchanged() {
    let bench = Bench::new();
    bench.publish("0.1.1", &deb("0.1.1"), b"the first", &[]);
    let before = bench.tree();
    let good = bench.file(&deb("0.2.0"), b"a package");
    let good_sig = bench.file(&format!("{}.sig", deb("0.2.0")), signed_for("0.2.0", &deb("0.2.0")));
    let empty = bench.file("certdesk_0.2.0_empty_amd64.deb", b"");
    let b64 = base64::engine::general_purpose::STANDARD;
    let raw_minisign = String::from_utf8(b64.decode(signed_for("0.2.0", &deb("0.2.0"))).unwrap()).unwrap();
    let cases: Vec<(&str, String, PathBuf, PathBuf, &str)> = vec![
        ("not semver", "0.2".into(), good.clone(), good_sig.clone(), "semantic version"),
        ("a v prefix", "v0.2.0".into(), good.clone(), good_sig.clone(), "semantic version"),
        ("published already", "0.1.1".into(), bench.file(&deb("0.1.1"), b"other bytes"), bench.file("old.sig", signed_for("0.1.1", "x")), "published already"),
        ("no package", "0.2.0".into(), bench.dir.path().join("missing.deb"), good_sig.clone(), "does not exist"),
        ("an empty package", "0.2.0".into(), empty, good_sig.clone(), "is empty"),
        ("no signature", "0.2.0".into(), good.clone(), bench.dir.path().join("missing.sig"), "does not exist"),
        ("a signature of garbage", "0.2.0".into(), good.clone(), bench.file("garbage.sig", "this is no signature"), "not a minisign signature"),
        ("the raw minisign text", "0.2.0".into(), good.clone(), bench.file("raw.sig", raw_minisign), "not a minisign signature"),
        ("base64 of other text", "0.2.0".into(), good.clone(), bench.file("other.sig", b64.encode("hello\n")), "not a minisign signature"),
        ("signed for another version", "0.2.0".into(), good.clone(), bench.file("other-version.sig", signed_for("0.1.9", "x")), "for version 0.1.9"),
        ("signed without a version", "0.2.0".into(), good.clone(), bench.file("no-version.sig", sig_file("timestamp:1\tfile:x")), "carries no version"),
    ];
    for (what, version, package, signature, says) in cases {
        let out = bench.publish_files(&version, &package, &signature, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{what}: refused");
        assert!(stderr.contains(says), "{what}: the refusal says why ({says}): {stderr}");
        assert!(stderr.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{what}: in Chinese too: {stderr}");
        assert!(stderr.contains("nothing was published") || stderr.contains("nothing was changed"), "{what}: {stderr}");
        assert_eq!(bench.tree(), before, "{what}: the releases folder is as it was");
    }
    // An unknown --bundle is refused by the command before anything is read.
    let out = bench.publish_files("0.2.0", &good, &good_sig, &["--bundle", "dmg"]);
    assert!(!out.status.success());
    assert_eq!(bench.tree(), before);
    // And the good one publishes.
    let out = bench.publish_files("0.2.0", &good, &good_sig, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(bench.releases().join("0.2.0/release.json")).unwrap()).unwrap();
    assert_eq!(manifest["packages"][0], serde_json::json!({"target": "linux", "arch": "x86_64", "bundle": "deb", "file": deb("0.2.0")}));
    assert_eq!(std::fs::read_to_string(bench.releases().join(format!("0.2.0/{}.sig", deb("0.2.0")))).unwrap(), signed_for("0.2.0", &deb("0.2.0")));
    assert!(
        std::fs::read_dir(bench.releases()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with('.')),
        "no staging folder is left behind"
    );
}

/// One version published with its .deb and its AppImage (as `scripts/package` builds them): a
/// desk installed from the .deb is offered the .deb, one run from the AppImage the AppImage,
/// each with its own signature and bytes; two packages of one kind, or packages and signatures
/// not in pairs, are refused with the folder unchanged.
#[tokio::test]
async fn a_version_published_with_a_deb_and_an_appimage_offers_each_desk_its_own_kind() {
    let bench = Bench::new();
    let appimage = |v: &str| format!("certdesk_{v}_amd64.AppImage");
    let files = |v: &str| {
        let deb_file = bench.file(&deb(v), package_bytes(v));
        let deb_sig = bench.file(&format!("{}.sig", deb(v)), signed_for(v, &deb(v)));
        let ai_file = bench.file(&appimage(v), [b"\x7fELF appimage ".as_slice(), &package_bytes(v)].concat());
        let ai_sig = bench.file(&format!("{}.sig", appimage(v)), signed_for(v, &appimage(v)));
        (deb_file, deb_sig, ai_file, ai_sig)
    };
    let (deb_file, deb_sig, ai_file, ai_sig) = files("0.2.0");
    let both = ["--package", ai_file.to_str().unwrap(), "--signature", ai_sig.to_str().unwrap()];
    let out = bench.publish_files("0.2.0", &deb_file, &deb_sig, &both);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("linux/x86_64/deb") && said.contains("linux/x86_64/appimage"), "{said}");

    let p = TestPlatform::start(Options::default().with_releases(bench.releases())).await;
    let d = p.device(1).await;
    for (bundle, file) in [("deb", deb("0.2.0")), ("appimage", appimage("0.2.0"))] {
        let offer: UpdateOffer = check(&p, &d, &format!("linux/x86_64/{bundle}/0.1.0")).await.json().await.unwrap();
        assert_eq!(offer.url, p.url(&format!("/api/v1/desk-releases/0.2.0/{file}")), "a {bundle} desk gets the {bundle}");
        assert_eq!(offer.signature, signed_for("0.2.0", &file), "with its own signature");
        let got = p.http.get(&offer.url).header("authorization", d.authorization()).send().await.unwrap().bytes().await.unwrap();
        assert_eq!(got.to_vec(), std::fs::read(bench.dir.path().join("work").join(&file)).unwrap(), "{bundle}: the exact bytes");
    }

    // Refused, nothing written: two .debs in one version; a package without its signature.
    let before = bench.tree();
    let (deb_file, deb_sig, _, _) = files("0.3.0");
    let other_deb = bench.file("certdesk_0.3.0_other_amd64.deb", b"another deb");
    let other_sig = bench.file("other.sig", signed_for("0.3.0", "x"));
    let twice = ["--package", other_deb.to_str().unwrap(), "--signature", other_sig.to_str().unwrap()];
    let unpaired = ["--package", ai_file.to_str().unwrap()];
    for (what, extra, says) in [("two .debs", &twice[..], "same system, processor and kind"), ("no signature for the AppImage", &unpaired[..], "2 packages, 1 signatures")] {
        let out = bench.publish_files("0.3.0", &deb_file, &deb_sig, extra);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains(says), "{what}: refused saying why: {stderr}");
        assert_eq!(bench.tree(), before, "{what}: the releases folder is as it was");
    }
}

#[test]
fn release_list_shows_each_version_and_whether_its_packages_are_offered() {
    let bench = Bench::new();
    several(&bench);
    let out = Command::new(env!("CARGO_BIN_EXE_certdesk-platform")).args(["release", "list", "--releases"]).arg(bench.releases()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let versions: Vec<&str> = text.lines().filter(|l| !l.starts_with('\t')).map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(versions, ["0.12.0", "0.11.0", "0.10.0", "0.9.0", "0.1.1"], "newest first, in semver order");
    assert!(text.contains(&format!("linux/x86_64/deb\t{}\tNOT offered", deb("0.11.0"))), "{text}");
    assert!(text.contains(&format!("linux/x86_64/deb\t{}\toffered", deb("0.10.0"))), "{text}");
}
