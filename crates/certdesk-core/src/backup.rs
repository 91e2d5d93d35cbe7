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

/// The scrypt work factor of every file certdesk seals: N = 2^18 (256 MiB of memory to seal or
/// open, well under a second here), the age reference implementation's own. A fixed one:
/// age's default measures this machine and reached 2^20 on this one, which made every backup
/// and every restore of a desk take 1 GiB of memory at once.
pub const SEAL_WORK_FACTOR: u8 = 18;

/// The largest scrypt work factor a file may ask of the desk that opens it: N = 2^21 (2 GiB;
/// earlier versions sealed with what the PC measured, up to 2^20 on the fastest seen). A file
/// asking more is refused before any work is done, so a forged backup cannot make the desk
/// allocate tens of GiB or compute for hours.
pub const MAX_OPEN_WORK_FACTOR: u8 = 21;

/// What a backup wrote.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    let bytes = seal_file(&snapshot, out, secret)?;
    Ok(BackupWritten { path: out.display().to_string(), bytes })
}

/// Seals `src` with a passphrase (age, scrypt) into `out`, whole or not at all (a temporary
/// file beside it, synced, then renamed); its size. Any `age` tool opens it (`age -d`).
fn seal_file(src: &Path, out: &Path, secret: SecretString) -> DeskResult<u64> {
    let partial = PathBuf::from(format!("{}.partial", out.display()));
    let write = || -> Result<u64, String> {
        let mut input = std::fs::File::open(src).map_err(|e| e.to_string())?;
        let file = certdesk_files::open(std::fs::OpenOptions::new().write(true).create(true).truncate(true), &partial).map_err(|e| e.to_string())?;
        let mut recipient = age::scrypt::Recipient::new(secret);
        recipient.set_work_factor(SEAL_WORK_FACTOR);
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).map_err(|e| e.to_string())?;
        let mut sealed = encryptor.wrap_output(&file).map_err(|e| e.to_string())?;
        std::io::copy(&mut input, &mut sealed).map_err(|e| e.to_string())?;
        sealed.finish().map_err(|e| e.to_string())?.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&partial, out).map_err(|e| e.to_string())?;
        Ok(std::fs::metadata(out).map_err(|e| e.to_string())?.len())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        messages::backup_write(out, e)
    })
}

/// 持证人员名册 sealed with `passphrase` (issue 15 item 3): written plain only inside the data
/// folder (0700), sealed to `path` with `.age` added when it lacks it, the plain copy removed
/// whatever happens; audited with the sealed file's name.
pub fn export_roster_sealed(
    desk: &certdesk_store::Desk,
    actor: &certdesk_store::SessionUser,
    path: &Path,
    format: certdesk_store::RosterFormat,
    filter: &certdesk_store::RosterFilter,
    passphrase: &str,
) -> DeskResult<certdesk_store::RosterExport> {
    check_passphrase(passphrase)?;
    let out = if path.extension().is_some_and(|e| e == "age") { path.to_path_buf() } else { PathBuf::from(format!("{}.age", path.display())) };
    let scratch = Scratch::new(desk.data_dir(), "export")?;
    let plain = scratch.0.join(path.file_name().unwrap_or(std::ffi::OsStr::new("roster")));
    let seal = |plain: &Path| -> DeskResult<PathBuf> {
        seal_file(plain, &out, SecretString::from(passphrase.to_owned()))?;
        Ok(out.clone())
    };
    desk.export_roster_sealed(actor, &plain, format, filter, &seal)
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
    let mut identity = age::scrypt::Identity::new(secret);
    identity.set_max_work_factor(MAX_OPEN_WORK_FACTOR);
    let mut plain = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => messages::backup_passphrase_wrong(),
        age::DecryptError::ExcessiveWork { required, .. } => messages::backup_work_excessive(file, required, MAX_OPEN_WORK_FACTOR),
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

/// Refusals that are not about the file.
pub fn is_passphrase_error(e: &DeskError) -> bool {
    e.code == certdesk_store::DeskCode::BackupPassphrase
}

// ---- The manager's plan: a folder, daily while the window runs, the last N kept ---------------

/// Where the automatic backups' passphrase is kept: the keyring, or `backup-passphrase` (0600)
/// in the data folder where none answers (the backups on the USB drive are what it protects).
/// The automatic backups' passphrase's place: `backup-passphrase` in the data folder, or the
/// keyring entry named by the folder's tag (as the database key's).
fn with_passphrase_slot<T>(data_dir: &Path, f: impl FnOnce(&certdesk_secret::Slot<'_>) -> T) -> T {
    passphrase_slot(data_dir, &certdesk_secret::folder_tag(data_dir), f)
}

/// Where the version before named the passphrase's keyring entry: after the folder's path
/// itself, which told any program reading the keyring where the desk's data is. A passphrase
/// found there moves to the tagged entry.
fn with_old_passphrase_slot<T>(data_dir: &Path, f: impl FnOnce(&certdesk_secret::Slot<'_>) -> T) -> T {
    passphrase_slot(data_dir, &data_dir.display().to_string(), f)
}

fn passphrase_slot<T>(data_dir: &Path, name: &str, f: impl FnOnce(&certdesk_secret::Slot<'_>) -> T) -> T {
    let user = format!("backup-{name}");
    f(&certdesk_secret::Slot { dir: data_dir, file: "backup-passphrase", keyring_user: &user, binding: "certdesk-backup-passphrase" })
}

/// Keeps the passphrase the automatic backups use.
pub fn keep_passphrase(data_dir: &Path, passphrase: &str) -> DeskResult<()> {
    check_passphrase(passphrase)?;
    with_passphrase_slot(data_dir, |slot| certdesk_secret::keep(slot, passphrase, certdesk_secret::Preference::from_env()))
        .map(|_| ())
        .map_err(|e| messages::backup_write(data_dir, e))
}

fn kept_passphrase(data_dir: &Path) -> Option<String> {
    if let Some((p, _)) = with_passphrase_slot(data_dir, certdesk_secret::find) {
        return Some(p);
    }
    let (p, kept) = with_old_passphrase_slot(data_dir, certdesk_secret::find)?;
    if kept == certdesk_secret::Kept::Keyring && keep_passphrase(data_dir, &p).is_ok() {
        with_old_passphrase_slot(data_dir, |slot| certdesk_secret::forget(slot, kept));
    }
    Some(p)
}

/// The plan as the window shows it.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupPlan {
    /// Folder, how many kept, the last backup.
    pub settings: certdesk_store::BackupSettings,
    /// Whether a passphrase is kept for the automatic backups.
    pub passphrase_kept: bool,
    /// Whole days since the last backup (`None`: never).
    pub days_since: Option<i64>,
}

/// The plan of the desk.
pub fn plan(desk: &certdesk_store::Desk) -> DeskResult<BackupPlan> {
    Ok(BackupPlan {
        settings: desk.backup_settings()?,
        passphrase_kept: kept_passphrase(desk.data_dir()).is_some(),
        days_since: desk.days_since_backup()?,
    })
}

/// A backup's file name: `certdesk-YYYYMMDD-HHMMSS-mmm.age` (UTC), which is also how pruning
/// recognises the files it may delete.
fn file_name(now: chrono::DateTime<chrono::Utc>) -> String {
    format!("certdesk-{}.age", now.format("%Y%m%d-%H%M%S-%3f"))
}

fn is_ours(name: &str) -> bool {
    const SHAPE: &str = "certdesk-########-######-###.age";
    name.len() == SHAPE.len() && name.chars().zip(SHAPE.chars()).all(|(c, s)| if s == '#' { c.is_ascii_digit() } else { c == s })
}

/// Deletes the oldest of this desk's backups in `folder` beyond `keep` (only files named as
/// certdesk names them; nothing else in the folder is touched).
fn prune(folder: &Path, keep: u32) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    let mut ours: Vec<String> = entries.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| is_ours(n)).collect();
    ours.sort();
    let extra = ours.len().saturating_sub(keep as usize);
    for old in &ours[..extra] {
        let _ = std::fs::remove_file(folder.join(old));
    }
}

/// 立即备份: one backup into the plan's folder with the kept passphrase, the oldest beyond the
/// plan's count deleted, and the time recorded.
pub fn run_now(desk: &mut certdesk_store::Desk) -> DeskResult<BackupWritten> {
    let settings = desk.backup_settings()?;
    let Some(folder) = settings.folder else {
        return Err(messages::backup_not_planned());
    };
    let Some(passphrase) = kept_passphrase(desk.data_dir()) else {
        return Err(messages::backup_not_planned());
    };
    let folder = PathBuf::from(folder);
    std::fs::create_dir_all(&folder).map_err(|e| messages::backup_write(&folder, e))?;
    let out = folder.join(file_name(desk.now_utc()));
    let written = create(desk.data_dir(), &out, &passphrase)?;
    desk.record_backup(&written.path)?;
    prune(&folder, settings.keep);
    Ok(written)
}

/// The automatic backup: when a folder and a passphrase are set and the last backup is a day
/// old or more (or there was none), one now; `None` when none was due.
pub fn run_if_due(desk: &mut certdesk_store::Desk) -> DeskResult<Option<BackupWritten>> {
    let settings = desk.backup_settings()?;
    if settings.folder.is_none() || kept_passphrase(desk.data_dir()).is_none() {
        return Ok(None);
    }
    let due = match settings.last_at.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) {
        Some(last) => desk.now_utc() - last.with_timezone(&chrono::Utc) >= chrono::Duration::hours(24),
        None => true,
    };
    if !due {
        return Ok(None);
    }
    run_now(desk).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_certdesk_backups_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let names = ["certdesk-20261201-020000-000.age", "certdesk-20261202-020000-000.age", "certdesk-20261203-020000-000.age", "certdesk-notes.age", "photos.zip"];
        for n in names {
            std::fs::write(dir.path().join(n), b"x").unwrap();
        }
        prune(dir.path(), 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, ["certdesk-20261202-020000-000.age", "certdesk-20261203-020000-000.age", "certdesk-notes.age", "photos.zip"]);
        assert!(is_ours(&file_name(chrono::Utc::now())));
    }
}
