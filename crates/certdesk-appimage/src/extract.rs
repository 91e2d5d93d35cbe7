//! The image's files written into a folder: directories, regular files with their permission
//! bits, symbolic links. An entry whose path leaves the folder (`..`, or a path through a
//! symbolic link the image made) is refused before anything is written for it; devices, pipes
//! and sockets (never in an AppDir) are skipped. Never overwrites: every file is created new.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::{BufReader, BufWriter};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};

use backhand::{FilesystemReader, InnerNode};

use crate::{format, io_at, Error};

/// The path inside the folder an image entry's full path (`/usr/bin/x`) maps to, or a refusal
/// when it would leave the folder. The root itself maps to the empty path.
pub fn inside(fullpath: &Path) -> Result<PathBuf, Error> {
    let mut rel = PathBuf::new();
    for c in fullpath.components() {
        match c {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(name) => rel.push(name),
            Component::ParentDir | Component::Prefix(_) => return Err(Error::Escapes(fullpath.to_path_buf())),
        }
    }
    Ok(rel)
}

/// Refuses `rel` when one of its parents in `root` is not a real folder (a symbolic link the
/// image made, through which a later entry would be written elsewhere).
fn parents_are_folders(root: &Path, rel: &Path, fullpath: &Path) -> Result<(), Error> {
    let mut at = root.to_path_buf();
    let parents: Vec<_> = rel.components().collect();
    for c in parents.iter().take(parents.len().saturating_sub(1)) {
        at.push(c);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_dir() => {}
            Ok(_) => return Err(Error::Escapes(fullpath.to_path_buf())),
            Err(e) => return Err(Error::Io(at, e)),
        }
    }
    Ok(())
}

/// Writes every entry of the squashfs image at `offset` in `image` into `root` (which must exist
/// and be empty).
pub fn extract(image: &Path, offset: u64, root: &Path) -> Result<(), Error> {
    let file = File::open(image).map_err(io_at(image))?;
    let unreadable = |e: backhand::BackhandError| Error::Image(image.to_path_buf(), e.to_string());
    let fs = FilesystemReader::from_reader_with_offset(BufReader::new(file), offset).map_err(unreadable)?;
    // Every path is checked before anything is written.
    let entries = fs.files().map(|n| inside(&n.fullpath).map(|rel| (n, rel))).collect::<Result<Vec<_>, _>>()?;
    for (node, rel) in entries {
        if rel.as_os_str().is_empty() {
            continue;
        }
        parents_are_folders(root, &rel, &node.fullpath)?;
        let to = root.join(&rel);
        let mode = u32::from(node.header.permissions) & 0o777;
        match &node.inner {
            InnerNode::Dir(_) => DirBuilder::new().mode(mode | 0o700).create(&to).map_err(io_at(&to))?,
            InnerNode::File(f) => {
                let out = OpenOptions::new().write(true).create_new(true).mode(mode | 0o400).open(&to).map_err(io_at(&to))?;
                let mut out = BufWriter::with_capacity(1 << 20, out);
                let mut reader = fs.file(f).reader();
                std::io::copy(&mut reader, &mut out).map_err(|e| Error::Image(image.to_path_buf(), e.to_string()))?;
                out.into_inner().map_err(|e| Error::Io(to.clone(), e.into_error()))?.sync_all().map_err(io_at(&to))?;
            }
            InnerNode::Symlink(s) => std::os::unix::fs::symlink(&s.link, &to).map_err(io_at(&to))?,
            _ => {}
        }
    }
    Ok(())
}

/// Extracts the AppImage at `appimage` into `root` (`--appimage-extract`): refused when it
/// exists already.
pub fn extract_appimage(appimage: &Path, root: &Path) -> Result<(), Error> {
    let offset = format::image_offset(appimage)?;
    if std::fs::symlink_metadata(root).is_ok() {
        return Err(Error::TargetExists(root.to_path_buf()));
    }
    DirBuilder::new().mode(0o755).create(root).map_err(io_at(root))?;
    extract(appimage, offset, root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_that_leaves_the_folder_is_refused() {
        assert_eq!(inside(Path::new("/usr/bin/x")).unwrap(), Path::new("usr/bin/x"));
        assert_eq!(inside(Path::new("/")).unwrap(), Path::new(""));
        for bad in ["/../etc/passwd", "/usr/../../x", "../x"] {
            assert!(matches!(inside(Path::new(bad)), Err(Error::Escapes(_))), "{bad} must be refused");
        }
    }

    #[test]
    fn a_path_through_a_symbolic_link_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("link")).unwrap();
        let err = parents_are_folders(root.path(), Path::new("link/evil"), Path::new("/link/evil"));
        assert!(matches!(err, Err(Error::Escapes(_))), "{err:?}");
        std::fs::create_dir(root.path().join("real")).unwrap();
        parents_are_folders(root.path(), Path::new("real/ok"), Path::new("/real/ok")).unwrap();
    }

    /// Stores every block as it is (compressing makes it longer), so a name can be changed in
    /// the image's bytes.
    struct Stored;
    impl backhand::compression::CompressionAction for Stored {
        fn decompress(&self, bytes: &[u8], out: &mut Vec<u8>, _: backhand::compression::Compressor) -> Result<(), backhand::BackhandError> {
            out.extend_from_slice(bytes);
            Ok(())
        }
        fn compress(&self, bytes: &[u8], _: backhand::FilesystemCompressor, _: u32) -> Result<Vec<u8>, backhand::BackhandError> {
            Ok([bytes, b"longer"].concat())
        }
        fn compression_options(
            &self,
            superblock: &mut backhand::SuperBlock,
            kind: &backhand::kind::Kind,
            fs: backhand::FilesystemCompressor,
        ) -> Result<Vec<u8>, backhand::BackhandError> {
            backhand::compression::DefaultCompressor.compression_options(superblock, kind, fs)
        }
    }

    /// An image with a folder named `..` (the writer never writes one; an attacker's image can:
    /// here a folder's name is changed in the image's bytes).
    #[test]
    fn an_image_with_a_parent_entry_is_refused_and_writes_nothing() {
        use backhand::compression::Compressor;
        use backhand::{FilesystemCompressor, FilesystemWriter, NodeHeader};
        let dir = tempfile::tempdir().unwrap();
        let mut fs = FilesystemWriter::default();
        fs.set_kind(backhand::kind::Kind::new(&Stored));
        fs.set_compressor(FilesystemCompressor::new(Compressor::Gzip, None).unwrap());
        let header = NodeHeader::new(0o755, 0, 0, 0);
        fs.push_dir("QZ", header).unwrap();
        fs.push_file(std::io::Cursor::new(b"owned".to_vec()), "QZ/evil", header).unwrap();
        fs.push_file(std::io::Cursor::new(b"#!/bin/sh\n".to_vec()), "AppRun", header).unwrap();
        let mut image = Vec::new();
        fs.write(&mut std::io::Cursor::new(&mut image)).unwrap();
        let at: Vec<usize> = image.windows(2).enumerate().filter(|(_, w)| w == b"QZ").map(|(i, _)| i).collect();
        assert_eq!(at.len(), 1, "the directory table is stored as it is, with the name once");
        image[at[0]..at[0] + 2].copy_from_slice(b"..");
        let file = dir.path().join("evil.squashfs");
        std::fs::write(&file, &image).unwrap();

        let root = dir.path().join("root/inner");
        std::fs::create_dir_all(&root).unwrap();
        // backhand's reader refuses the name itself; `inside` would refuse the path next.
        let err = extract(&file, 0, &root);
        assert!(matches!(err, Err(Error::Escapes(_) | Error::Image(..))), "{err:?}");
        assert!(!dir.path().join("root/evil").exists(), "nothing was written outside");
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 0, "nothing was written at all");
    }
}
