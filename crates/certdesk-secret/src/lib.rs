//! Where the desk keeps a secret: the OS keyring (Secret Service on Linux, the Keychain on
//! macOS, the Credential Manager on Windows), or, when no keyring service answers (a headless
//! machine, CI, a kiosk), an owner-only file (0600) in the data folder. Two secrets live here:
//! the device secret the platform enrolled (certdesk-sync) and the database key (certdesk-store,
//! SQLCipher). Each is a [`Slot`]: its file name, the keyring entry's user name, and the line
//! that binds the file to what it is for (a stale file is never taken for another secret).
//!
//! A secret must never be written anywhere else: not in the database, not in a URL, not in a log
//! line or an error message.

use std::path::{Path, PathBuf};

/// The keyring's service name.
const SERVICE: &str = "certdesk";

/// Where a secret went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// The OS keyring.
    Keyring,
    /// An owner-only file in the data folder.
    File,
}

impl Kept {
    /// As recorded (the desk's enrolment row, the status the manager sees).
    pub fn code(self) -> &'static str {
        match self {
            Kept::Keyring => "keyring",
            Kept::File => "file",
        }
    }
}

/// Where the caller wants a secret kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Preference {
    /// The keyring when one answers, else the file.
    #[default]
    Auto,
    /// The file (tests, kiosks without a keyring); also chosen by `CERTDESK_SECRET_STORE=file`.
    File,
}

impl Preference {
    /// `Auto`, unless `CERTDESK_SECRET_STORE=file`.
    pub fn from_env() -> Self {
        match std::env::var("CERTDESK_SECRET_STORE").as_deref() {
            Ok("file") => Preference::File,
            _ => Preference::Auto,
        }
    }
}

/// A short tag naming a data folder in a keyring entry's user name: the first 8 bytes of the
/// SHA-256 of its canonical path, in hex. The keyring (often readable by every program of the
/// session) never learns where the desk keeps its data, and each folder's secret stays its own.
pub fn folder_tag(dir: &Path) -> String {
    use sha2::{Digest, Sha256};
    let folder = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    hex::encode(&Sha256::digest(folder.to_string_lossy().as_bytes())[..8])
}

/// One secret's place.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    /// The data folder (the file lives in it).
    pub dir: &'a Path,
    /// The file's name in it.
    pub file: &'a str,
    /// The keyring entry's user name.
    pub keyring_user: &'a str,
    /// The file's first line: what the secret is for.
    pub binding: &'a str,
}

impl Slot<'_> {
    /// The file's path.
    pub fn path(&self) -> PathBuf {
        self.dir.join(self.file)
    }
}

/// Whether a keyring service can be asked at all. On Linux the Secret Service lives on the
/// session bus; without one, asking could only fail (or try to launch a bus), so don't.
pub fn keyring_reachable() -> bool {
    if cfg!(target_os = "linux") {
        let has_env = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty());
        let has_socket =
            std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| !d.is_empty() && Path::new(&d).join("bus").exists());
        has_env || has_socket
    } else {
        true
    }
}

fn entry(slot: &Slot<'_>) -> Result<keyring::Entry, String> {
    keyring::Entry::new(SERVICE, slot.keyring_user).map_err(|e| e.to_string())
}

fn try_keyring(slot: &Slot<'_>, secret: &str) -> Result<(), String> {
    let entry = entry(slot)?;
    entry.set_password(secret).map_err(|e| e.to_string())?;
    // Some back ends accept a write they cannot keep; read it back before trusting it.
    match entry.get_password() {
        Ok(back) if back == secret => Ok(()),
        Ok(_) => Err("the keyring returned a different value".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Keeps `secret` in `slot`: in the keyring when preferred and available (and then no file is
/// left behind), else in the file, written whole or not at all.
pub fn keep(slot: &Slot<'_>, secret: &str, pref: Preference) -> Result<Kept, String> {
    if pref == Preference::Auto && keyring_reachable() {
        match try_keyring(slot, secret) {
            Ok(()) => {
                // A file left by an earlier secret must not outlive it.
                let _ = std::fs::remove_file(slot.path());
                return Ok(Kept::Keyring);
            }
            Err(why) => tracing::warn!(reason = %why, file = slot.file, "no usable keyring; keeping the secret in a 0600 file"),
        }
    }
    let path = slot.path();
    write_whole(&path, format!("{}\n{secret}\n", slot.binding).as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Kept::File)
}

/// Writes an owner-only file whole or not at all: a temporary file, synced, renamed over, and
/// the folder synced, so a power cut leaves the old secret or the new one, never half of one.
fn write_whole(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("partial");
    let mut f = certdesk_files::open(std::fs::OpenOptions::new().write(true).create(true).truncate(true), &tmp)?;
    f.write_all(contents)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Reads the secret from where `kept` says it is.
pub fn load(slot: &Slot<'_>, kept: Kept) -> Result<String, String> {
    match kept {
        Kept::Keyring => entry(slot)?.get_password().map_err(|e| format!("keyring: {e}")),
        Kept::File => read_file(slot),
    }
}

/// Finds the secret wherever it is: the file first (it exists only where no keyring was
/// usable), then the keyring; `None` when neither holds it.
pub fn find(slot: &Slot<'_>) -> Option<(String, Kept)> {
    if slot.path().exists() {
        return read_file(slot).ok().map(|s| (s, Kept::File));
    }
    if keyring_reachable() {
        if let Ok(secret) = entry(slot).and_then(|e| e.get_password().map_err(|e| e.to_string())) {
            return Some((secret, Kept::Keyring));
        }
    }
    None
}

/// Forgets a secret (best effort: what cannot be removed is useless without what it unlocked).
pub fn forget(slot: &Slot<'_>, kept: Kept) {
    match kept {
        Kept::Keyring => {
            if let Ok(e) = entry(slot) {
                let _ = e.delete_credential();
            }
        }
        Kept::File => {
            if read_file(slot).is_ok() {
                let _ = std::fs::remove_file(slot.path());
            }
        }
    }
}

/// The file holds `<binding>\n<secret>\n`.
fn read_file(slot: &Slot<'_>) -> Result<String, String> {
    let path = slot.path();
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    match (lines.next(), lines.next()) {
        (Some(binding), Some(secret)) if binding.trim() == slot.binding && !secret.trim().is_empty() => Ok(secret.trim().to_owned()),
        _ => Err(format!("{} does not hold this secret", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_fallback_is_private_and_bound_to_what_it_is_for() {
        let dir = tempfile::tempdir().unwrap();
        let slot = Slot { dir: dir.path(), file: "some-secret", keyring_user: "test-user", binding: "for-this" };
        assert_eq!(keep(&slot, "s3cret", Preference::File).unwrap(), Kept::File);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(slot.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the desk's user may read the secret");
        }
        assert_eq!(load(&slot, Kept::File).unwrap(), "s3cret");
        assert_eq!(find(&slot), Some(("s3cret".to_owned(), Kept::File)));
        let other = Slot { binding: "for-another", ..slot };
        assert!(load(&other, Kept::File).is_err(), "a file bound to another secret is not this one");
        forget(&slot, Kept::File);
        assert!(!slot.path().exists());
        if !keyring_reachable() {
            assert_eq!(find(&slot), None, "gone");
        }
    }
}
