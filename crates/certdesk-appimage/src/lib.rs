//! The desk's AppImage, made on this machine with nothing downloaded (Tauri's AppImage bundler
//! fetches linuxdeploy from GitHub). The file is the AppImage type 2 format: an ELF runtime
//! carrying the magic `AI\x02` at offset 8 (in `e_ident`'s padding), followed by a squashfs image
//! of the AppDir that starts exactly where the ELF ends (`e_shoff + e_shnum * e_shentsize`, as
//! AppImage's own runtime computes it), so `--appimage-offset`, `--appimage-extract` and tools
//! such as `unsquashfs -o OFFSET` read it as they read any AppImage.
//!
//! - [`format`]: the offset, the magic, and the bundle-type marker Tauri's updater reads;
//! - [`extract`]: the image's files written into a folder, refusing any entry whose path
//!   escapes it;
//! - [`cache`]: the runtime's per-user folder an image is extracted into once, used only when
//!   complete;
//! - [`build`]: the builder, AppDir to `.AppImage`.
//!
//! Unlike AppImage's runtime it needs no FUSE: a start extracts (once per image) instead of
//! mounting. Never run anything from a folder that is not known complete, and never write
//! outside the folder being extracted into.

#[cfg(feature = "image")]
pub mod build;
#[cfg(feature = "image")]
pub mod cache;
#[cfg(feature = "image")]
pub mod extract;
pub mod format;
pub mod messages;

use std::path::PathBuf;

/// Why an AppImage could not be read, extracted, started or built; its sentence (Chinese, then
/// English) is in [`messages`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file is not a 64-bit little-endian ELF (the runtime this crate builds).
    #[error("{}", messages::not_elf(.0))]
    NotElf(PathBuf),
    /// The file carries no AppImage type 2 magic.
    #[error("{}", messages::no_magic(.0))]
    NoMagic(PathBuf),
    /// The ELF's section headers do not end where the file ends (a runtime must be whole).
    #[error("{}", messages::runtime_not_whole(.0, *.1, *.2))]
    RuntimeNotWhole(PathBuf, u64, u64),
    /// The squashfs image after the runtime cannot be read.
    #[error("{}", messages::image_unreadable(.0, .1))]
    Image(PathBuf, String),
    /// An entry of the image would land outside the folder it is extracted into.
    #[error("{}", messages::escapes(.0))]
    Escapes(PathBuf),
    /// The Tauri bundle-type marker is not in the binary exactly once.
    #[error("{}", messages::bundle_marker(.0, *.1))]
    BundleMarker(PathBuf, usize),
    /// No folder to extract into (neither XDG_CACHE_HOME nor HOME is set).
    #[error("{}", messages::no_cache_home())]
    NoCacheHome,
    /// The cache folder belongs to another user or is not a folder.
    #[error("{}", messages::cache_not_ours(.0))]
    CacheNotOurs(PathBuf),
    /// The folder `--appimage-extract` writes to is there already.
    #[error("{}", messages::extract_target_exists(.0))]
    TargetExists(PathBuf),
    /// A file could not be read or written.
    #[error("{}", messages::io(.0, .1))]
    Io(PathBuf, std::io::Error),
}

/// An I/O error about `path`.
pub(crate) fn io_at(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |e| Error::Io(path, e)
}
