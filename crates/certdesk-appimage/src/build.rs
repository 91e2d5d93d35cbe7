//! The builder: an AppDir made into a `.AppImage`. The runtime's bytes (with the magic written
//! into its header), then a gzip squashfs image of the AppDir, then the file made executable.
//! The image is reproducible (owner root, one fixed time), and the output appears whole or not
//! at all (written beside it, then renamed). Never runs on a desk; `scripts/package` runs it.

use std::fs::File;
use std::io::{Cursor, Seek, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use backhand::compression::Compressor;
use backhand::{FilesystemCompressor, FilesystemWriter, NodeHeader};

use crate::{format, io_at, Error};

/// Every file and folder under `dir`, parents before children, in name order (so two builds of
/// the same AppDir write the same image).
fn walk(dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    let mut names: Vec<_> = std::fs::read_dir(dir).map_err(io_at(dir))?.map(|e| e.map(|e| e.file_name())).collect::<Result<_, _>>().map_err(io_at(dir))?;
    names.sort();
    for name in names {
        let rel = rel.join(&name);
        out.push(rel.clone());
        let path = dir.join(&name);
        if std::fs::symlink_metadata(&path).map_err(io_at(&path))?.is_dir() {
            walk(&path, &rel, out)?;
        }
    }
    Ok(())
}

/// Writes a squashfs image of `appdir` to `out`. The program named by `mark_bundle` (relative
/// to the AppDir) goes in marked as packaged in an AppImage ([`format::mark_bundle_appimage`]).
pub fn squashfs_marked<W: Write + Seek>(appdir: &Path, out: &mut W, mark_bundle: Option<&Path>) -> Result<(), Error> {
    let unwritable = |e: backhand::BackhandError| Error::Image(appdir.to_path_buf(), e.to_string());
    let mut fs = FilesystemWriter::default();
    fs.set_compressor(FilesystemCompressor::new(Compressor::Gzip, None).map_err(unwritable)?);
    fs.set_time(0);
    fs.set_root_mode(0o755);
    fs.set_only_root_id();
    let mut entries = Vec::new();
    walk(appdir, Path::new(""), &mut entries)?;
    let mut marked = false;
    for rel in &entries {
        let path = appdir.join(rel);
        let meta = std::fs::symlink_metadata(&path).map_err(io_at(&path))?;
        let header = NodeHeader::new((meta.permissions().mode() & 0o777) as u16, 0, 0, 0);
        let at = Path::new("/").join(rel);
        if meta.file_type().is_symlink() {
            let link = std::fs::read_link(&path).map_err(io_at(&path))?;
            fs.push_symlink(link, &at, header).map_err(unwritable)?;
        } else if meta.is_dir() {
            fs.push_dir(&at, header).map_err(unwritable)?;
        } else if mark_bundle == Some(rel.as_path()) {
            let mut bytes = std::fs::read(&path).map_err(io_at(&path))?;
            format::mark_bundle_appimage(&mut bytes, &path)?;
            fs.push_file(Cursor::new(bytes), &at, header).map_err(unwritable)?;
            marked = true;
        } else {
            let file = File::open(&path).map_err(io_at(&path))?;
            fs.push_file(file, &at, header).map_err(unwritable)?;
        }
    }
    if let (Some(mark), false) = (mark_bundle, marked) {
        return Err(Error::Io(appdir.join(mark), std::io::ErrorKind::NotFound.into()));
    }
    fs.write(out).map_err(unwritable)?;
    Ok(())
}

/// [`squashfs_marked`] with nothing marked.
pub fn squashfs<W: Write + Seek>(appdir: &Path, out: &mut W) -> Result<(), Error> {
    squashfs_marked(appdir, out, None)
}

/// Builds the AppImage `output` from the runtime program `runtime` and the AppDir `appdir`.
pub fn appimage(runtime: &Path, appdir: &Path, output: &Path, mark_bundle: Option<&Path>) -> Result<(), Error> {
    let mut bytes = std::fs::read(runtime).map_err(io_at(runtime))?;
    let end = format::elf_end(&bytes, runtime)?;
    if end != bytes.len() as u64 {
        return Err(Error::RuntimeNotWhole(runtime.to_path_buf(), end, bytes.len() as u64));
    }
    format::set_magic(&mut bytes, runtime)?;
    let mut image = Cursor::new(Vec::new());
    squashfs_marked(appdir, &mut image, mark_bundle)?;
    bytes.extend_from_slice(image.get_ref());

    let mut partial = output.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let mut file = File::create(&partial).map_err(io_at(&partial))?;
    file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(io_at(&partial))?;
    std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o755)).map_err(io_at(&partial))?;
    std::fs::rename(&partial, output).map_err(io_at(output))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny AppDir, an AppImage of it with this test binary as the runtime, and its files back.
    #[test]
    fn an_appimage_is_the_runtime_then_its_image_and_extracts_back() {
        let dir = tempfile::tempdir().unwrap();
        let appdir = dir.path().join("AppDir");
        std::fs::create_dir_all(appdir.join("usr/bin")).unwrap();
        let program = [b"\x7fELF...".as_slice(), format::BUNDLE_UNKNOWN, b"..."].concat();
        std::fs::write(appdir.join("usr/bin/app"), &program).unwrap();
        std::fs::set_permissions(appdir.join("usr/bin/app"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(appdir.join("AppRun"), b"#!/bin/sh\nexec usr/bin/app\n").unwrap();
        std::os::unix::fs::symlink("usr/bin/app", appdir.join("app")).unwrap();

        let runtime = std::env::current_exe().unwrap();
        let out = dir.path().join("x.AppImage");
        appimage(&runtime, &appdir, &out, Some(Path::new("usr/bin/app"))).unwrap();

        let runtime_len = std::fs::metadata(&runtime).unwrap().len();
        assert_eq!(format::image_offset(&out).unwrap(), runtime_len, "the image starts where the runtime ends");
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(&bytes[runtime_len as usize..runtime_len as usize + 4], b"hsqs", "a squashfs superblock at the offset");
        assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o755);

        let root = dir.path().join("squashfs-root");
        crate::extract::extract_appimage(&out, &root).unwrap();
        let extracted = std::fs::read(root.join("usr/bin/app")).unwrap();
        assert_eq!(extracted, [b"\x7fELF...".as_slice(), format::BUNDLE_APPIMAGE, b"..."].concat(), "the program went in marked");
        assert_eq!(std::fs::metadata(root.join("usr/bin/app")).unwrap().permissions().mode() & 0o777, 0o755);
        assert_eq!(std::fs::read_link(root.join("app")).unwrap(), Path::new("usr/bin/app"));
        assert!(matches!(crate::extract::extract_appimage(&out, &root), Err(Error::TargetExists(_))));
    }

    #[test]
    fn a_runtime_with_bytes_after_its_elf_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = dir.path().join("runtime");
        let mut bytes = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        bytes.extend_from_slice(b"trailing");
        std::fs::write(&runtime, bytes).unwrap();
        std::fs::create_dir(dir.path().join("AppDir")).unwrap();
        let err = appimage(&runtime, &dir.path().join("AppDir"), &dir.path().join("x.AppImage"), None);
        assert!(matches!(err, Err(Error::RuntimeNotWhole(..))), "{err:?}");
    }
}
