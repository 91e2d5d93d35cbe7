//! Where the device secret lives: the OS keyring (Secret Service on Linux, the Keychain on
//! macOS, the Credential Manager on Windows), or, when no keyring service is available (a
//! headless machine, CI), the file `device-secret` in the data folder with mode 0600. The
//! enrolment row records which was used, and the desk says so when enrolling.
//!
//! The secret must never be written anywhere else: not in the database, not in a URL, not in
//! a log line or an error message.

use std::path::Path;

use certdesk_secret::{Kept, Preference, Slot};
use uuid::Uuid;

use crate::SyncError;

/// The file used when no keyring is available.
pub const SECRET_FILE: &str = "device-secret";

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
        self.kept().code()
    }

    fn kept(self) -> Kept {
        match self {
            SecretStore::Keyring => Kept::Keyring,
            SecretStore::File => Kept::File,
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
        match Preference::from_env() {
            Preference::File => SecretPreference::File,
            Preference::Auto => SecretPreference::Auto,
        }
    }
}

/// The device's slot: the file `device-secret` bound to the device id (so a stale file is never
/// used for another device), the keyring entry `device-<id>`.
fn with_slot<T>(data_dir: &Path, device_id: Uuid, f: impl FnOnce(&Slot<'_>) -> T) -> T {
    let (user, binding) = (format!("device-{device_id}"), device_id.to_string());
    f(&Slot { dir: data_dir, file: SECRET_FILE, keyring_user: &user, binding: &binding })
}

/// Keeps the secret: in the keyring when preferred and available, else in the file.
pub fn store(data_dir: &Path, device_id: Uuid, secret: &str, pref: SecretPreference) -> Result<SecretStore, SyncError> {
    let pref = match pref {
        SecretPreference::Auto => Preference::Auto,
        SecretPreference::File => Preference::File,
    };
    match with_slot(data_dir, device_id, |slot| certdesk_secret::keep(slot, secret, pref)).map_err(SyncError::Secret)? {
        Kept::Keyring => Ok(SecretStore::Keyring),
        Kept::File => Ok(SecretStore::File),
    }
}

fn kept_of(store: &str) -> Result<Kept, SyncError> {
    match store {
        "keyring" => Ok(Kept::Keyring),
        "file" => Ok(Kept::File),
        other => Err(SyncError::Secret(format!("unknown secret store {other:?}"))),
    }
}

/// Reads the secret of `device_id` from where the enrolment row says it is.
pub fn load(data_dir: &Path, device_id: Uuid, store: &str) -> Result<String, SyncError> {
    let kept = kept_of(store)?;
    with_slot(data_dir, device_id, |slot| certdesk_secret::load(slot, kept)).map_err(SyncError::Secret)
}

/// Forgets an old device's secret (best effort: a failure leaves a useless, revocable secret).
pub fn forget(data_dir: &Path, device_id: Uuid, store: &str) {
    if let Ok(kept) = kept_of(store) {
        with_slot(data_dir, device_id, |slot| certdesk_secret::forget(slot, kept));
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
