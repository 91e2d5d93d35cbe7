//! 备份与恢复 without the platform (issue 10 item 5, the command line): `certdesk backup create
//! FILE` writes a consistent snapshot of the desk (every record, every photo and report file,
//! all of which live in the database) encrypted with a passphrase in the age format (scrypt);
//! `certdesk backup restore FILE --data-dir DIR` puts it into an empty data folder, where the
//! next start encrypts it under a new key. A wrong passphrase or a damaged file is refused with a
//! sentence and writes nothing. A restored desk older than the platform catches up by sync: its
//! outbox entries keep their ids, so the platform recognises what it already has.
//!
//! The plain snapshot only ever exists inside the data folder (0700) while it is being
//! encrypted or checked, and is deleted whatever happens.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use certdesk_store::{DeskError, DeskResult};

use crate::messages;

/// The shortest passphrase taken.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The environment variable a passphrase may come from (else it is asked for).
pub const PASSPHRASE_ENV: &str = "CERTDESK_BACKUP_PASSPHRASE";

/// What a backup wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupWritten {
    /// The file.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// A private working folder inside the data folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(data_dir: &Path, what: &str) -> DeskResult<Scratch> {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let dir = data_dir.join(format!(".{what}-{}-{stamp}", std::process::id()));
        certdesk_files::create_dir(&dir).map_err(|e| messages::backup_write(&dir, e))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn check_passphrase(passphrase: &str) -> DeskResult<SecretString> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(messages::backup_passphrase_short(MIN_PASSPHRASE_CHARS));
    }
    Ok(SecretString::from(passphrase.to_owned()))
}

/// Writes the encrypted backup of the desk in `data_dir` to `out` (whole or not at all: a
/// temporary file beside it, synced, then renamed).
pub fn create(data_dir: &Path, out: &Path, passphrase: &str) -> DeskResult<BackupWritten> {
    let secret = check_passphrase(passphrase)?;
    let scratch = Scratch::new(data_dir, "backup")?;
    let snapshot = scratch.0.join("snapshot.db");
    certdesk_store::snapshot_plain(data_dir, &snapshot)?;
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let write = || -> Result<u64, String> {
        let mut src = std::fs::File::open(&snapshot).map_err(|e| e.to_string())?;
        let file = certdesk_files::open(std::fs::OpenOptions::new().write(true).create(true).truncate(true), &partial).map_err(|e| e.to_string())?;
        let mut sealed = age::Encryptor::with_user_passphrase(secret).wrap_output(&file).map_err(|e| e.to_string())?;
        std::io::copy(&mut src, &mut sealed).map_err(|e| e.to_string())?;
        sealed.finish().map_err(|e| e.to_string())?.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&partial, out).map_err(|e| e.to_string())?;
        Ok(std::fs::metadata(out).map_err(|e| e.to_string())?.len())
    };
    match write() {
        Ok(bytes) => Ok(BackupWritten { path: out.display().to_string(), bytes }),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(messages::backup_write(out, e))
        }
    }
}

/// Restores the backup `file` into `data_dir`, which must hold no desk yet.
pub fn restore(file: &Path, data_dir: &Path, passphrase: &str) -> DeskResult<()> {
    if std::fs::metadata(data_dir.join(certdesk_store::DB_FILE)).is_ok_and(|m| m.len() > 0) {
        return Err(certdesk_store::messages::restore_target_taken(data_dir));
    }
    let secret = SecretString::from(passphrase.to_owned());
    let input = std::fs::File::open(file).map_err(|e| messages::backup_read(file, e))?;
    let damaged = || certdesk_store::messages::backup_damaged(file);
    let decryptor = age::Decryptor::new(std::io::BufReader::new(input)).map_err(|_| damaged())?;
    if !decryptor.is_scrypt() {
        return Err(damaged());
    }
    let identity = age::scrypt::Identity::new(secret);
    let mut plain = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => messages::backup_passphrase_wrong(),
        _ => damaged(),
    })?;
    // The data folder is made (0700) only once the passphrase opened the file.
    certdesk_files::prepare_data_dir(data_dir).map_err(|e| certdesk_store::messages::data_dir_create(data_dir, e))?;
    let scratch = Scratch::new(data_dir, "restore")?;
    let snapshot = scratch.0.join("snapshot.db");
    let mut out = certdesk_files::open(std::fs::OpenOptions::new().write(true).create(true).truncate(true), &snapshot)
        .map_err(|e| messages::backup_write(&snapshot, e))?;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        // A payload chunk that does not authenticate (a changed or cut file) fails here.
        let n = plain.read(&mut buf).map_err(|_| damaged())?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n]).map_err(|e| messages::backup_write(&snapshot, e))?;
    }
    drop(out);
    certdesk_store::restore_plain(&snapshot, data_dir)
}

/// The passphrase from [`PASSPHRASE_ENV`], when set.
pub fn passphrase_from_env() -> Option<String> {
    std::env::var(PASSPHRASE_ENV).ok().filter(|p| !p.is_empty())
}

/// Refusals that are not about the file.
pub fn is_passphrase_error(e: &DeskError) -> bool {
    e.code == certdesk_store::DeskCode::BackupPassphrase
}
