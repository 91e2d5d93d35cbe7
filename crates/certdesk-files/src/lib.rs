//! A data folder's files are its owner's: the database (every ID number), the photos, the
//! platform's dev TLS key and the desk's secret are created owner-only on Unix (files 0600,
//! folders 0700, whatever the umask) and what an older version left looser is tightened at
//! start. Elsewhere the folder's ACL decides; these calls then only create. The one place both
//! the desk (`certdesk-store`) and the platform take this from.
//!
//! [`prepare_data_dir`] runs before a store opens; what is written later goes through
//! [`create_dir`] and [`open`], so nothing is ever readable by another account, not even for the
//! moment between creating and tightening.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Owner-only folders.
pub const DIR_MODE: u32 = 0o700;
/// Owner-only files.
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` (and missing parents, owner-only) and sets it to [`DIR_MODE`].
pub fn create_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir)?;
    tighten(dir)
}

/// Opens `path` with `options`, a file it creates being [`FILE_MODE`] from the start, and
/// sets the file to [`FILE_MODE`] (the umask can only have made it stricter; an old file may
/// be looser).
pub fn open(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))?;
    }
    Ok(file)
}

/// Creates an SQLite database file owner-only before SQLite opens it (its -wal and -shm files
/// then take its mode), and leaves an existing one alone: closing any other descriptor of a file
/// this process already has open in SQLite would release that connection's POSIX locks, and
/// another process could then checkpoint and delete the write-ahead log under it. An existing
/// database is tightened by [`prepare_data_dir`] (a `chmod`, no descriptor).
pub fn create_database_file(path: &Path) -> io::Result<()> {
    match open(OpenOptions::new().append(true).create_new(true), path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Writes `contents` to `path` (created or truncated) as an owner-only file.
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut f = open(OpenOptions::new().write(true).create(true).truncate(true), path)?;
    f.write_all(contents)
}

/// Sets a folder to [`DIR_MODE`] or a file to [`FILE_MODE`] (symbolic links are left alone).
pub fn tighten(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::symlink_metadata(path)?;
        let mode = if meta.is_dir() {
            DIR_MODE
        } else if meta.is_file() {
            FILE_MODE
        } else {
            return Ok(());
        };
        if meta.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates the data folder owner-only and tightens what it holds two levels down (the
/// database and its journal files, `tls/` and its key, `blobs/` and its prefix folders; a
/// photo deeper down is behind those folders and was created owner-only).
pub fn prepare_data_dir(dir: &Path) -> io::Result<()> {
    create_dir(dir)?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        tighten(&entry.path())?;
        if entry.file_type()?.is_dir() {
            for inner in std::fs::read_dir(entry.path())? {
                tighten(&inner?.path())?;
            }
        }
    }
    Ok(())
}
