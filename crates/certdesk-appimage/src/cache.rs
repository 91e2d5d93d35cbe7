//! Where a start runs the program from: the image extracted once into this user's cache
//! (`$XDG_CACHE_HOME/certdesk-appimage/<digest>`, else `~/.cache/...`, the folder 0700 and
//! refused unless it is this user's), keyed by a SHA-256 of the whole `.AppImage` so a new or
//! changed file is never confused with the one before.
//!
//! A folder is used only when complete: extraction goes into `<digest>.partial-<pid>`, the marker
//! file is written last, and the folder is renamed into place in one step, so a start killed
//! half-way leaves a partial folder that no start ever runs (and the next one clears). Folders
//! of other images not started for a week are removed (a desk that updated leaves one behind),
//! unless a program still runs from one.

use std::fs::DirBuilder;
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::{extract, format, io_at, Error};

/// Written last into a complete folder.
pub const COMPLETE: &str = ".certdesk-appimage-complete";
/// A folder of another image not started for this long is removed.
const UNUSED_FOR: Duration = Duration::from_secs(7 * 24 * 3600);

/// This user's folder for extracted images, from the environment's `XDG_CACHE_HOME` or `HOME`.
pub fn cache_root(xdg_cache_home: Option<&Path>, home: Option<&Path>) -> Result<PathBuf, Error> {
    let base = match (xdg_cache_home.filter(|p| p.is_absolute()), home.filter(|p| p.is_absolute())) {
        (Some(xdg), _) => xdg.to_path_buf(),
        (None, Some(home)) => home.join(".cache"),
        (None, None) => return Err(Error::NoCacheHome),
    };
    Ok(base.join("certdesk-appimage"))
}

/// The key of the image at `path`: the first 128 bits of its SHA-256, in hex.
pub fn digest(path: &Path) -> Result<String, Error> {
    let mut file = std::fs::File::open(path).map_err(io_at(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io_at(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(&hasher.finalize()[..16]))
}

/// Makes `cache` (0700) if missing, and refuses it unless it is a folder of this user.
fn own_folder(cache: &Path) -> Result<(), Error> {
    DirBuilder::new().recursive(true).mode(0o700).create(cache).map_err(io_at(cache))?;
    let me = std::fs::metadata("/proc/self").map_err(io_at("/proc/self"))?.uid();
    let meta = std::fs::symlink_metadata(cache).map_err(io_at(cache))?;
    if !meta.is_dir() || meta.uid() != me {
        return Err(Error::CacheNotOurs(cache.to_path_buf()));
    }
    if meta.permissions().mode() & 0o777 != 0o700 {
        std::fs::set_permissions(cache, std::fs::Permissions::from_mode(0o700)).map_err(io_at(cache))?;
    }
    Ok(())
}

fn is_complete(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(COMPLETE)).is_ok_and(|m| m.is_file())
}

/// The folder the AppImage at `appimage` runs from, extracted into `cache` first if this image
/// was never extracted completely.
pub fn prepared(appimage: &Path, cache: &Path) -> Result<PathBuf, Error> {
    let offset = format::image_offset(appimage)?;
    own_folder(cache)?;
    let key = digest(appimage)?;
    let dir = cache.join(&key);
    if is_complete(&dir) {
        touch(&dir);
        tidy(cache, &key);
        return Ok(dir);
    }
    if std::fs::symlink_metadata(&dir).is_ok() {
        // Not ours to run (nothing renames an incomplete folder here): cleared and made again.
        std::fs::remove_dir_all(&dir).map_err(io_at(&dir))?;
    }
    let partial = cache.join(format!("{key}.partial-{}", std::process::id()));
    if std::fs::symlink_metadata(&partial).is_ok() {
        std::fs::remove_dir_all(&partial).map_err(io_at(&partial))?;
    }
    DirBuilder::new().mode(0o700).create(&partial).map_err(io_at(&partial))?;
    let made = extract::extract(appimage, offset, &partial).and_then(|()| {
        let marker = partial.join(COMPLETE);
        let file = std::fs::File::create(&marker).map_err(io_at(&marker))?;
        file.sync_all().map_err(io_at(&marker))
    });
    if let Err(e) = made {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(e);
    }
    if let Err(e) = std::fs::rename(&partial, &dir) {
        // Another start of the same image finished first: its folder is as good as this one.
        let _ = std::fs::remove_dir_all(&partial);
        if !is_complete(&dir) {
            return Err(Error::Io(dir, e));
        }
    }
    tidy(cache, &key);
    Ok(dir)
}

/// Records that the folder `dir` was started now (its marker's time).
fn touch(dir: &Path) {
    if let Ok(f) = std::fs::File::options().write(true).open(dir.join(COMPLETE)) {
        let _ = f.set_modified(SystemTime::now());
    }
}

/// Removes what no start will use: partial folders whose process is gone, and other images'
/// folders not started for [`UNUSED_FOR`]. Best effort: a failure leaves the folder for later.
fn tidy(cache: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(cache) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if let Some((_, pid)) = name.split_once(".partial-") {
            if !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(&path);
            }
        } else if name != keep && name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
            let modified = std::fs::metadata(path.join(COMPLETE)).and_then(|m| m.modified());
            let unused = modified.is_ok_and(|t| t.elapsed().is_ok_and(|age| age > UNUSED_FOR)) || !is_complete(&path);
            // A desk left running for longer than that (started before the week, never closed)
            // keeps its folder while it runs.
            if unused && !runs_from(&path) {
                let _ = std::fs::remove_dir_all(&path);
            }
        }
    }
}

/// Whether a process of this machine runs a program from the folder `dir`.
fn runs_from(dir: &Path) -> bool {
    let Ok(procs) = std::fs::read_dir("/proc") else { return false };
    procs.flatten().any(|p| std::fs::read_link(p.path().join("exe")).is_ok_and(|exe| exe.starts_with(dir)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build;

    fn appimage(dir: &Path, content: &[u8]) -> PathBuf {
        let appdir = dir.join("AppDir");
        let _ = std::fs::remove_dir_all(&appdir);
        std::fs::create_dir_all(&appdir).unwrap();
        std::fs::write(appdir.join("AppRun"), content).unwrap();
        let out = dir.join(format!("x-{}.AppImage", content.len()));
        build::appimage(&std::env::current_exe().unwrap(), &appdir, &out, None).unwrap();
        out
    }

    #[test]
    fn the_cache_folder_comes_from_xdg_then_home() {
        let (xdg, home) = (Path::new("/x/cache"), Path::new("/home/u"));
        assert_eq!(cache_root(Some(xdg), Some(home)).unwrap(), Path::new("/x/cache/certdesk-appimage"));
        assert_eq!(cache_root(Some(Path::new("relative")), Some(home)).unwrap(), Path::new("/home/u/.cache/certdesk-appimage"));
        assert!(matches!(cache_root(None, None), Err(Error::NoCacheHome)));
    }

    #[test]
    fn an_image_is_extracted_once_into_a_private_folder_and_a_partial_one_is_never_used() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache/certdesk-appimage");
        let image = appimage(dir.path(), b"one");
        let first = prepared(&image, &cache).unwrap();
        assert_eq!(std::fs::read(first.join("AppRun")).unwrap(), b"one");
        assert!(is_complete(&first));
        assert_eq!(std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777, 0o700);

        // A second start uses the folder as it is (a file added to it stays).
        std::fs::write(first.join("seen"), b"").unwrap();
        assert_eq!(prepared(&image, &cache).unwrap(), first);
        assert!(first.join("seen").exists());

        // A folder without its marker (a start killed before renaming could not leave one, but
        // a hand may) is made again, and a dead start's partial folder is cleared.
        std::fs::remove_file(first.join(COMPLETE)).unwrap();
        let dead = cache.join(format!("{}.partial-999999999", digest(&image).unwrap()));
        std::fs::create_dir(&dead).unwrap();
        assert_eq!(prepared(&image, &cache).unwrap(), first);
        assert!(!first.join("seen").exists(), "extracted again");
        assert!(!dead.exists(), "the dead start's partial folder is gone");

        // Another image gets a folder of its own.
        let other = prepared(&appimage(dir.path(), b"second"), &cache).unwrap();
        assert_ne!(other, first);
        assert_eq!(std::fs::read(other.join("AppRun")).unwrap(), b"second");
    }

    #[test]
    fn another_image_s_folder_goes_after_a_week_unused_but_not_while_a_program_runs_from_it() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache/certdesk-appimage");
        let image = appimage(dir.path(), b"current");
        prepared(&image, &cache).unwrap();
        // The folder of a version before, last started eight days ago, its program still running.
        let old = cache.join("0123456789abcdef0123456789abcdef");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::copy("/bin/sleep", old.join("sleep")).unwrap();
        let marker = std::fs::File::create(old.join(COMPLETE)).unwrap();
        marker.set_modified(SystemTime::now() - Duration::from_secs(8 * 24 * 3600)).unwrap();
        let mut running = std::process::Command::new(old.join("sleep")).arg("30").spawn().unwrap();
        prepared(&image, &cache).unwrap();
        assert!(old.exists(), "kept while its program runs");
        running.kill().unwrap();
        running.wait().unwrap();
        prepared(&image, &cache).unwrap();
        assert!(!old.exists(), "removed once nothing runs from it");
    }

    #[test]
    fn a_file_without_the_magic_is_not_run() {
        let dir = tempfile::tempdir().unwrap();
        let err = prepared(&std::env::current_exe().unwrap(), &dir.path().join("c"));
        assert!(matches!(err, Err(Error::NoMagic(_))), "{err:?}");
    }
}
