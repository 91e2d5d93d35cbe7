//! Where the device secret lives: the OS keyring (Secret Service on Linux, the Keychain on
//! macOS, the Credential Manager on Windows), or, when no keyring service is available (a
//! headless machine, CI), the file `device-secret` in the data folder with mode 0600. The
//! enrolment row records which was used, and the desk says so when enrolling.
//!
//! The secret must never be written anywhere else: not in the database, not in a URL, not in
//! a log line or an error message.

use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::SyncError;

/// The file used when no keyring is available.
pub const SECRET_FILE: &str = "device-secret";
/// The keyring's service name.
const SERVICE: &str = "certdesk";

/// Where the secret went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SecretStore {
    /// The OS keyring.
    Keyring,
    /// `device-secret` in the data folder (0600).
    File,
}

impl SecretStore {
    /// As stored in the enrolment row.
    pub fn code(self) -> &'static str {
        match self {
            SecretStore::Keyring => "keyring",
            SecretStore::File => "file",
        }
    }
}

/// Where the caller wants the secret kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretPreference {
    /// The keyring when one answers, else the file.
    #[default]
    Auto,
    /// The file (tests, kiosks without a keyring); also chosen by `CERTDESK_SECRET_STORE=file`.
    File,
}

impl SecretPreference {
    /// `Auto`, unless `CERTDESK_SECRET_STORE=file`.
    pub fn from_env() -> Self {
        match std::env::var("CERTDESK_SECRET_STORE").as_deref() {
            Ok("file") => SecretPreference::File,
            _ => SecretPreference::Auto,
        }
    }
}

fn secret_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SECRET_FILE)
}

fn keyring_user(device_id: Uuid) -> String {
    format!("device-{device_id}")
}

/// Whether a keyring service can be asked at all. On Linux the Secret Service lives on the
/// session bus; without one, asking could only fail (or try to launch a bus), so don't.
fn keyring_reachable() -> bool {
    if cfg!(target_os = "linux") {
        let has_env = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty());
        let has_socket =
            std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| !d.is_empty() && Path::new(&d).join("bus").exists());
        has_env || has_socket
    } else {
        true
    }
}

fn try_keyring(device_id: Uuid, secret: &str) -> Result<(), String> {
    let entry = keyring::Entry::new(SERVICE, &keyring_user(device_id)).map_err(|e| e.to_string())?;
    entry.set_password(secret).map_err(|e| e.to_string())?;
    // Some back ends accept a write they cannot keep; read it back before trusting it.
    match entry.get_password() {
        Ok(back) if back == secret => Ok(()),
        Ok(_) => Err("the keyring returned a different value".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Keeps the secret: in the keyring when preferred and available, else in the file.
pub fn store(data_dir: &Path, device_id: Uuid, secret: &str, pref: SecretPreference) -> Result<SecretStore, SyncError> {
    if pref == SecretPreference::Auto && keyring_reachable() {
        match try_keyring(device_id, secret) {
            Ok(()) => {
                // A file left by an earlier enrolment must not outlive it.
                let _ = std::fs::remove_file(secret_path(data_dir));
                return Ok(SecretStore::Keyring);
            }
            Err(why) => tracing::warn!(reason = %why, "no usable keyring; keeping the device secret in a 0600 file"),
        }
    }
    write_file(&secret_path(data_dir), device_id, secret)?;
    Ok(SecretStore::File)
}

/// Reads the secret of `device_id` from where the enrolment row says it is.
pub fn load(data_dir: &Path, device_id: Uuid, store: &str) -> Result<String, SyncError> {
    match store {
        "keyring" => keyring::Entry::new(SERVICE, &keyring_user(device_id))
            .and_then(|e| e.get_password())
            .map_err(|e| SyncError::Secret(format!("keyring: {e}"))),
        "file" => read_file(&secret_path(data_dir), device_id),
        other => Err(SyncError::Secret(format!("unknown secret store {other:?}"))),
    }
}

/// Forgets an old device's secret (best effort: a failure leaves a useless, revocable secret).
pub fn forget(data_dir: &Path, device_id: Uuid, store: &str) {
    match store {
        "keyring" => {
            if let Ok(e) = keyring::Entry::new(SERVICE, &keyring_user(device_id)) {
                let _ = e.delete_credential();
            }
        }
        _ => {
            if read_file(&secret_path(data_dir), device_id).is_ok() {
                let _ = std::fs::remove_file(secret_path(data_dir));
            }
        }
    }
}

/// The file holds `<device id>\n<secret>\n`, so a stale file is never used for another device.
/// Written to a temporary file with mode 0600 from the start, synced, then renamed over.
fn write_file(path: &Path, device_id: Uuid, secret: &str) -> Result<(), SyncError> {
    use std::io::Write;
    let err = |e: std::io::Error| SyncError::Secret(format!("{}: {e}", path.display()));
    let tmp = path.with_extension("partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(err)?;
    #[cfg(unix)]
    {
        // `mode` only applies when the file is created; make sure of it for a leftover file.
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(err)?;
    }
    f.write_all(format!("{device_id}\n{secret}\n").as_bytes()).map_err(err)?;
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

fn read_file(path: &Path, device_id: Uuid) -> Result<String, SyncError> {
    let text = std::fs::read_to_string(path).map_err(|e| SyncError::Secret(format!("{}: {e}", path.display())))?;
    let mut lines = text.lines();
    match (lines.next(), lines.next()) {
        (Some(id), Some(secret)) if id.trim() == device_id.to_string() && !secret.trim().is_empty() => {
            Ok(secret.trim().to_owned())
        }
        _ => Err(SyncError::Secret(format!("{} does not hold this device's secret", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_fallback_is_private_and_bound_to_its_device() {
        let dir = tempfile::tempdir().unwrap();
        let device = Uuid::now_v7();
        let used = store(dir.path(), device, "s3cret", SecretPreference::File).unwrap();
        assert_eq!(used, SecretStore::File);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SECRET_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the desk's user may read the secret");
        }
        assert_eq!(load(dir.path(), device, "file").unwrap(), "s3cret");
        assert!(load(dir.path(), Uuid::now_v7(), "file").is_err(), "another device's file is not this device's secret");
        forget(dir.path(), device, "file");
        assert!(!dir.path().join(SECRET_FILE).exists());
    }

    #[test]
    fn backoff_grows_exponentially_within_its_cap_and_jitter() {
        let p = crate::RetryPolicy {
            max_attempts: 10,
            base_delay: std::time::Duration::from_millis(100),
            max_delay: std::time::Duration::from_millis(1000),
        };
        for (attempt, full) in [(1, 100), (2, 200), (3, 400), (4, 800), (5, 1000), (9, 1000)] {
            let d = p.delay(attempt).as_millis() as u64;
            assert!((full / 2..=full).contains(&d), "attempt {attempt}: {d} ms should lie in [{}, {full}]", full / 2);
        }
    }
}
