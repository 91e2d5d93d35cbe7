//! Desk releases (signed updates of the desk app, issue 15 item 2): the releases folder the
//! platform serves them from, how a release manager publishes into it, and what an update
//! check is offered.
//!
//! Layout: `<releases>/<version>/release.json` ([`ReleaseManifest`]) with each package file and
//! its `<file>.sig` beside it. The folder is read on every request (it holds a handful of
//! versions), so a version published while the platform runs, or by another instance sharing
//! the folder, is served at once, and nothing is cached to go stale. Publishing stages a
//! version in a hidden folder inside the releases folder and renames it into place, so a
//! reader sees a version whole or not at all.
//!
//! The platform must never serve a file a `release.json` does not list, nor offer a package
//! without its signature; it never checks a signature's key (the desk holds the public key and
//! verifies), only that the file is a minisign signature for the version it is published as.

use std::io;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use certdesk_protocol::release::{DeskArch, DeskBundle, DeskTarget, ReleaseManifest, ReleasePackage};
use chrono::{DateTime, Utc};
use semver::Version;

/// Where the releases are.
#[derive(Debug, Clone)]
pub struct Releases {
    dir: PathBuf,
}

/// A release offered to a desk: the release, its package for the desk's system, and the
/// package's signature file as it is on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offered {
    /// The release.
    pub manifest: ReleaseManifest,
    /// The package for the desk's system.
    pub package: ReleasePackage,
    /// The `.sig` file's content, unchanged.
    pub signature: String,
}

/// One version of the folder, as `release list` shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The version.
    pub version: Version,
    /// Its manifest.
    pub manifest: ReleaseManifest,
    /// For each package, whether its file and its `.sig` are there (only then is it offered).
    pub servable: Vec<bool>,
}

impl Releases {
    /// The releases in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Releases {
        Releases { dir: dir.into() }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every readable release, newest first. A folder that is not a version, or whose
    /// `release.json` does not read or does not match its folder, is left out with a warning
    /// (hidden folders, such as a publication being staged, silently).
    pub fn published(&self) -> io::Result<Vec<(Version, ReleaseManifest)>> {
        let mut all = Vec::new();
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            if name.starts_with('.') || !entry.file_type()?.is_dir() {
                continue;
            }
            if let Some(release) = self.release(&name) {
                all.push(release);
            }
        }
        all.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(all)
    }

    /// The release in folder `name`, if it is one.
    fn release(&self, name: &str) -> Option<(Version, ReleaseManifest)> {
        let Ok(version) = Version::parse(name) else {
            tracing::warn!(folder = name, "a folder of the releases folder is not a version: ignored");
            return None;
        };
        let path = self.dir.join(name).join(ReleaseManifest::FILE);
        let manifest: ReleaseManifest = match std::fs::read(&path).map_err(|e| e.to_string()).and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string())) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(folder = name, error = %e, "a release's release.json does not read: not offered");
                return None;
            }
        };
        if manifest.version != name {
            tracing::warn!(folder = name, version = %manifest.version, "a release.json names another version than its folder: not offered");
            return None;
        }
        if let Some(bad) = manifest.packages.iter().find(|p| !servable_name(&p.file)) {
            tracing::warn!(folder = name, file = %bad.file, "a release.json lists a file that cannot be served: not offered");
            return None;
        }
        Some((version, manifest))
    }

    /// The newest release after `current` with a package for this system whose file and
    /// signature are both there. A package without its `.sig` (copied in by hand) is passed over
    /// with a warning, and an older release is offered instead if it has one.
    pub fn newest_for(&self, current: &Version, target: DeskTarget, arch: DeskArch, bundle: DeskBundle) -> io::Result<Option<Offered>> {
        for (version, manifest) in self.published()? {
            if version <= *current {
                break;
            }
            let Some(package) = manifest.package(target, arch, bundle).cloned() else { continue };
            let folder = self.dir.join(&manifest.version);
            if !folder.join(&package.file).is_file() {
                tracing::warn!(%version, file = %package.file, "a release lists a package that is not in its folder: not offered");
                continue;
            }
            match std::fs::read_to_string(folder.join(sig_name(&package.file))) {
                Ok(signature) => return Ok(Some(Offered { manifest, package, signature })),
                Err(e) => {
                    tracing::warn!(%version, file = %package.file, error = %e, "a release's package has no readable .sig: not offered");
                }
            }
        }
        Ok(None)
    }

    /// The path of `file` of release `version`, when that release lists it as a package (and
    /// it is there); None for anything else: another file of the folder (release.json, a .sig),
    /// a name with a folder part, an unknown version.
    pub fn package_file(&self, version: &str, file: &str) -> Option<PathBuf> {
        if Version::parse(version).is_err() || !servable_name(file) {
            return None;
        }
        let (_, manifest) = self.release(version)?;
        let listed = manifest.packages.iter().any(|p| p.file == file);
        let path = self.dir.join(version).join(file);
        (listed && path.is_file()).then_some(path)
    }

    /// Every release with whether each package would be offered, newest first.
    pub fn list(&self) -> io::Result<Vec<Listed>> {
        Ok(self
            .published()?
            .into_iter()
            .map(|(version, manifest)| {
                let folder = self.dir.join(&manifest.version);
                let servable = manifest
                    .packages
                    .iter()
                    .map(|p| folder.join(&p.file).is_file() && folder.join(sig_name(&p.file)).is_file())
                    .collect();
                Listed { version, manifest, servable }
            })
            .collect())
    }
}

/// `<file>.sig`.
fn sig_name(file: &str) -> String {
    format!("{file}.sig")
}

/// Whether a release may list `file` as a package: one plain name (no folder part, not hidden,
/// not `.`/`..`), and neither the manifest nor a signature.
fn servable_name(file: &str) -> bool {
    !file.is_empty()
        && file.len() <= 255
        && !file.starts_with('.')
        && !file.contains(['/', '\\', '\0'])
        && !file.chars().any(char::is_control)
        && file != ReleaseManifest::FILE
        && !file.ends_with(".sig")
}

// ---- Signatures -----------------------------------------------------------------------------

/// Why a `.sig` file is not a minisign signature as the Tauri signer writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureFault {
    /// The file is not base64.
    NotBase64,
    /// It does not decode to UTF-8 text.
    NotText,
    /// The text is not the four lines of a minisign signature.
    Lines,
    /// The second line is not an Ed25519 minisign signature (74 bytes, `Ed`/`ED`).
    SignatureLine,
    /// The fourth line is not a 64-byte signature.
    GlobalSignatureLine,
}

/// A minisign signature's comments, read from a `.sig` file as the Tauri signer writes it:
/// base64 of `untrusted comment: …\n<signature>\ntrusted comment: …\n<global signature>\n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinisignSignature {
    /// The untrusted comment (after `untrusted comment: `).
    pub untrusted_comment: String,
    /// The trusted comment (after `trusted comment: `), covered by the global signature.
    pub trusted_comment: String,
}

impl MinisignSignature {
    /// Reads a `.sig` file's content (surrounding whitespace ignored). Only the shape is
    /// checked; no key.
    pub fn parse(file: &str) -> Result<MinisignSignature, SignatureFault> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let bytes = b64.decode(file.trim()).map_err(|_| SignatureFault::NotBase64)?;
        let text = String::from_utf8(bytes).map_err(|_| SignatureFault::NotText)?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
        let [untrusted, signature, trusted, global] = lines[..] else { return Err(SignatureFault::Lines) };
        let untrusted = untrusted.strip_prefix("untrusted comment: ").ok_or(SignatureFault::Lines)?;
        let trusted = trusted.strip_prefix("trusted comment: ").ok_or(SignatureFault::Lines)?;
        match b64.decode(signature.trim()) {
            Ok(sig) if sig.len() == 74 && matches!(&sig[..2], b"Ed" | b"ED") => {}
            _ => return Err(SignatureFault::SignatureLine),
        }
        match b64.decode(global.trim()) {
            Ok(g) if g.len() == 64 => {}
            _ => return Err(SignatureFault::GlobalSignatureLine),
        }
        Ok(MinisignSignature { untrusted_comment: untrusted.to_owned(), trusted_comment: trusted.to_owned() })
    }

    /// The version the trusted comment signs (`version:0.1.1` among its tab-separated fields),
    /// if it names one.
    pub fn signed_version(&self) -> Option<&str> {
        self.trusted_comment.split('\t').find_map(|field| field.trim().strip_prefix("version:")).map(str::trim)
    }
}

// ---- Publishing -----------------------------------------------------------------------------

/// What `release publish` is asked to publish.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The version (semver).
    pub version: String,
    /// The file holding what changed (UTF-8).
    pub notes_file: PathBuf,
    /// Its packages (one for each system and kind of package it is offered to: the .deb and
    /// the AppImage of a version, say).
    pub packages: Vec<PackageFile>,
    /// The processor.
    pub arch: DeskArch,
}

/// One package of a publication.
#[derive(Debug, Clone)]
pub struct PackageFile {
    /// The package.
    pub package: PathBuf,
    /// Its signature (`.sig` as the Tauri signer writes it).
    pub signature: PathBuf,
    /// The system; by default the one the package's kind installs on.
    pub target: Option<DeskTarget>,
    /// The kind of package; by default what the file name says.
    pub bundle: Option<DeskBundle>,
}

/// Why a publication is refused; the releases folder is left as it was.
#[derive(Debug)]
pub enum PublishRefusal {
    /// The version is not semver.
    VersionNotSemver(String),
    /// The version is published already (one publication per version).
    VersionExists(String),
    /// The package file is not there.
    PackageMissing(PathBuf),
    /// The package file is empty.
    PackageEmpty(PathBuf),
    /// The package's file name cannot be served.
    PackageName(PathBuf),
    /// No `--bundle`, and the file name does not say.
    BundleUnknown(PathBuf),
    /// The signature file is not there.
    SignatureMissing(PathBuf),
    /// The signature file is not a minisign signature.
    SignatureNotMinisign(PathBuf, SignatureFault),
    /// The trusted comment names another version, or none.
    SignatureVersion {
        /// The version being published.
        version: String,
        /// The version signed, if any.
        signed: Option<String>,
    },
    /// Two packages of one publication share a file name, or are for the same system,
    /// processor and kind of package (a desk would be offered one of them, unsaid which).
    PackageTwice(PathBuf),
    /// Not one signature for every package (`--package` and `--signature` in pairs).
    SignatureCount {
        /// How many packages were given.
        packages: usize,
        /// How many signatures were given.
        signatures: usize,
    },
    /// The notes file does not read as UTF-8.
    NotesUnreadable(PathBuf),
    /// The notes file is blank.
    NotesEmpty(PathBuf),
    /// Writing failed (what was staged is removed).
    Io(io::Error),
}

impl std::fmt::Display for PublishRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = crate::messages::releases::publish_refused(self);
        write!(f, "{}\n{}", why.zh, why.en)
    }
}

impl std::error::Error for PublishRefusal {}

/// Checks a publication and writes it into `releases`: staged in a hidden folder there, then
/// renamed to `<version>` in one step. One publication per version: a version already
/// published is refused, never amended (a desk may have downloaded it). Every refusal comes
/// before anything is written.
pub fn publish(releases: &Path, p: &Publication, now: DateTime<Utc>) -> Result<ReleaseManifest, PublishRefusal> {
    use PublishRefusal as R;
    let version = Version::parse(&p.version).map_err(|_| R::VersionNotSemver(p.version.clone()))?;
    // The folder is named by the version exactly as given, which is what the desk is told.
    let final_dir = releases.join(&p.version);
    if final_dir.exists() {
        return Err(R::VersionExists(p.version.clone()));
    }
    let mut checked: Vec<(ReleasePackage, &Path, Vec<u8>)> = Vec::new();
    for f in &p.packages {
        let (package, signature) = check_package(&version, f, p.arch)?;
        let twice = checked.iter().any(|(c, _, _)| {
            c.file == package.file || (c.target, c.arch, c.bundle) == (package.target, package.arch, package.bundle)
        });
        if twice {
            return Err(R::PackageTwice(f.package.clone()));
        }
        checked.push((package, &f.package, signature));
    }
    if checked.is_empty() {
        return Err(R::SignatureCount { packages: 0, signatures: 0 });
    }
    let notes = std::fs::read_to_string(&p.notes_file).map_err(|_| R::NotesUnreadable(p.notes_file.clone()))?;
    let notes = notes.trim().to_owned();
    if notes.is_empty() {
        return Err(R::NotesEmpty(p.notes_file.clone()));
    }
    let manifest = ReleaseManifest {
        version: p.version.clone(),
        notes,
        pub_date: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        packages: checked.iter().map(|(package, _, _)| package.clone()).collect(),
    };

    // Plain permissions, not the data folder's owner-only ones: the release manager publishes,
    // and the platform's own user (or several instances') must read.
    std::fs::create_dir_all(releases).map_err(R::Io)?;
    let staging = releases.join(format!(".staging-{}", uuid::Uuid::now_v7()));
    let staged = stage(&staging, &manifest, &checked).and_then(|()| {
        // Checked again just before: another publisher may have been quicker. (A rename onto an
        // existing non-empty folder fails anyway.)
        if final_dir.exists() {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, "published meanwhile"));
        }
        std::fs::rename(&staging, &final_dir)
    });
    match staged {
        Ok(()) => {
            // The rename itself reaches the disk with the folder's entry.
            if let Ok(dir) = std::fs::File::open(releases) {
                let _ = dir.sync_all();
            }
            Ok(manifest)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            if e.kind() == io::ErrorKind::AlreadyExists || final_dir.exists() {
                Err(R::VersionExists(p.version.clone()))
            } else {
                Err(R::Io(e))
            }
        }
    }
}

/// Writes the version's folder at `staging`: each package and its signature, the manifest, each
/// synced.
fn stage(staging: &Path, manifest: &ReleaseManifest, packages: &[(ReleasePackage, &Path, Vec<u8>)]) -> io::Result<()> {
    use std::io::Write;
    std::fs::create_dir(staging)?;
    let write = |name: &str, bytes: &[u8]| -> io::Result<()> {
        let mut f = std::fs::File::create(staging.join(name))?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    for (package, source, signature) in packages {
        std::fs::copy(source, staging.join(&package.file))?;
        std::fs::File::open(staging.join(&package.file))?.sync_all()?;
        write(&sig_name(&package.file), signature)?;
    }
    let json = serde_json::to_vec_pretty(manifest).map_err(io::Error::other)?;
    write(ReleaseManifest::FILE, &json)?;
    std::fs::File::open(staging)?.sync_all()
}

/// Checks one package of a publication of `version`: there, not empty, a name that can be
/// served, a kind, a minisign signature made for this version. Its entry in the manifest and
/// the signature's bytes.
fn check_package(version: &Version, f: &PackageFile, arch: DeskArch) -> Result<(ReleasePackage, Vec<u8>), PublishRefusal> {
    use PublishRefusal as R;
    let size = match std::fs::metadata(&f.package) {
        Ok(m) if m.is_file() => m.len(),
        _ => return Err(R::PackageMissing(f.package.clone())),
    };
    if size == 0 {
        return Err(R::PackageEmpty(f.package.clone()));
    }
    let file = f
        .package
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| servable_name(n))
        .ok_or_else(|| R::PackageName(f.package.clone()))?
        .to_owned();
    let bundle = f.bundle.or_else(|| DeskBundle::of_file_name(&file)).ok_or_else(|| R::BundleUnknown(f.package.clone()))?;
    let signature = match std::fs::read(&f.signature) {
        Ok(bytes) => bytes,
        Err(_) => return Err(R::SignatureMissing(f.signature.clone())),
    };
    let text = String::from_utf8(signature.clone()).map_err(|_| R::SignatureNotMinisign(f.signature.clone(), SignatureFault::NotBase64))?;
    let parsed = MinisignSignature::parse(&text).map_err(|fault| R::SignatureNotMinisign(f.signature.clone(), fault))?;
    let signed_as = parsed.signed_version().and_then(|v| Version::parse(v).ok());
    if signed_as.as_ref() != Some(version) {
        return Err(R::SignatureVersion { version: version.to_string(), signed: parsed.signed_version().map(str::to_owned) });
    }
    Ok((ReleasePackage { target: f.target.unwrap_or_else(|| bundle.target()), arch, bundle, file }, signature))
}

/// One value of a closed set given to the `release` command's `--{flag}`, or the sentence
/// naming the values allowed.
pub fn flag_value<T: certdesk_domain::Code>(flag: &str, given: &str) -> Result<T, String> {
    T::from_code(given).ok_or_else(|| {
        crate::messages::releases::flag_value_unknown(flag, given, &T::ALL.iter().map(|v| v.code()).collect::<Vec<_>>())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `.sig` file as `tauri signer sign --app-version` writes it, with `trusted` as its
    /// trusted comment.
    pub(crate) fn sig_file(trusted: &str) -> String {
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

    #[test]
    fn a_tauri_signature_names_the_version_it_signs() {
        let s = MinisignSignature::parse(&sig_file("timestamp:1764921600\tfile:certdesk_0.1.1_amd64.deb\tversion:0.1.1")).unwrap();
        assert_eq!(s.untrusted_comment, "signature from tauri secret key");
        assert_eq!(s.signed_version(), Some("0.1.1"));
    }

    #[test]
    fn a_signature_without_a_version_names_none() {
        let s = MinisignSignature::parse(&sig_file("timestamp:1764921600\tfile:certdesk_0.1.1_amd64.deb")).unwrap();
        assert_eq!(s.signed_version(), None, "a signature made without --app-version signs no version");
    }

    #[test]
    fn a_trailing_newline_after_the_base64_is_allowed() {
        let file = format!("{}\n", sig_file("version:0.2.0"));
        assert_eq!(MinisignSignature::parse(&file).unwrap().signed_version(), Some("0.2.0"));
    }

    #[test]
    fn what_is_not_a_minisign_signature_says_why() {
        let b64 = base64::engine::general_purpose::STANDARD;
        assert_eq!(MinisignSignature::parse("not base64 at all!"), Err(SignatureFault::NotBase64));
        assert_eq!(MinisignSignature::parse(&b64.encode([0xff, 0xfe, 0x00])), Err(SignatureFault::NotText));
        assert_eq!(MinisignSignature::parse(&b64.encode("hello\nworld\n")), Err(SignatureFault::Lines));
        // The raw minisign text, not base64 of it (as minisign itself writes a .minisig).
        let raw = String::from_utf8(b64.decode(sig_file("version:0.1.1")).unwrap()).unwrap();
        assert_eq!(MinisignSignature::parse(&raw), Err(SignatureFault::NotBase64));
        let short_sig = format!("untrusted comment: x\n{}\ntrusted comment: version:0.1.1\n{}\n", b64.encode(b"Ed123"), b64.encode([1u8; 64]));
        assert_eq!(MinisignSignature::parse(&b64.encode(short_sig)), Err(SignatureFault::SignatureLine));
        let mut wrong_alg = b"Xx".to_vec();
        wrong_alg.extend([0u8; 72]);
        let wrong_alg = format!("untrusted comment: x\n{}\ntrusted comment: version:0.1.1\n{}\n", b64.encode(&wrong_alg), b64.encode([1u8; 64]));
        assert_eq!(MinisignSignature::parse(&b64.encode(wrong_alg)), Err(SignatureFault::SignatureLine));
        let mut sig = b"Ed".to_vec();
        sig.extend([0u8; 72]);
        let short_global = format!("untrusted comment: x\n{}\ntrusted comment: version:0.1.1\n{}\n", b64.encode(&sig), b64.encode([1u8; 32]));
        assert_eq!(MinisignSignature::parse(&b64.encode(short_global)), Err(SignatureFault::GlobalSignatureLine));
        let swapped = format!("trusted comment: x\n{}\nuntrusted comment: version:0.1.1\n{}\n", b64.encode(&sig), b64.encode([1u8; 64]));
        assert_eq!(MinisignSignature::parse(&b64.encode(swapped)), Err(SignatureFault::Lines));
    }

    #[test]
    fn only_a_listed_package_is_a_package_file() {
        let dir = tempfile::tempdir().unwrap();
        let work = tempfile::tempdir().unwrap();
        let (package, sig, notes) = (work.path().join("certdesk_0.1.1_amd64.deb"), work.path().join("p.sig"), work.path().join("notes"));
        std::fs::write(&package, b"bytes").unwrap();
        std::fs::write(&sig, sig_file("timestamp:1\tfile:certdesk_0.1.1_amd64.deb\tversion:0.1.1")).unwrap();
        std::fs::write(&notes, "修复").unwrap();
        std::fs::write(dir.path().join("outside.txt"), b"no").unwrap();
        let packages = vec![PackageFile { package, signature: sig, target: None, bundle: None }];
        let p = Publication { version: "0.1.1".into(), notes_file: notes, packages, arch: DeskArch::X86_64 };
        publish(dir.path(), &p, "2026-12-05T09:00:00Z".parse().unwrap()).unwrap();
        let r = Releases::new(dir.path());
        assert!(r.package_file("0.1.1", "certdesk_0.1.1_amd64.deb").is_some());
        for (version, file) in [
            ("0.1.1", ".."),
            ("0.1.1", "."),
            ("0.1.1", "../outside.txt"),
            ("0.1.1", "..\\outside.txt"),
            ("0.1.1", "release.json"),
            ("0.1.1", "certdesk_0.1.1_amd64.deb.sig"),
            ("0.1.1", "/etc/passwd"),
            ("..", "outside.txt"),
            ("../0.1.1", "certdesk_0.1.1_amd64.deb"),
            ("0.1.2", "certdesk_0.1.1_amd64.deb"),
        ] {
            assert_eq!(r.package_file(version, file), None, "{version}/{file} is not a listed package");
        }
    }

    #[test]
    fn only_plain_package_names_are_servable() {
        for bad in ["", ".", "..", "../x.deb", "a/b.deb", "a\\b.deb", ".hidden.deb", "release.json", "x.deb.sig", "x\n.deb"] {
            assert!(!servable_name(bad), "{bad:?} must never be served");
        }
        assert!(servable_name("certdesk_0.1.1_amd64.deb"));
    }
}
