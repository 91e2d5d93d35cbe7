//! The bytes that make a file an AppImage type 2: where the runtime ELF ends (and the squashfs
//! image starts), the magic `AI\x02` at offset 8, and the bundle-type marker Tauri's bundler
//! patches into the program it packages. Pure functions over bytes; no I/O beyond reading the
//! head of a file.

use std::io::Read;
use std::path::Path;

use crate::{io_at, Error};

/// Where the magic sits: `e_ident[EI_PAD]`, bytes the ELF loader ignores.
pub const MAGIC_OFFSET: usize = 8;
/// AppImage type 2.
pub const MAGIC: &[u8; 3] = b"AI\x02";
/// Enough of a file to read its ELF header.
pub const HEAD_LEN: usize = 64;

/// What `tauri_utils::platform::bundle_type` reads in a binary the bundler did not touch
/// (`target/release/certdesk-app`; `tauri bundle` writes `__TAURI_BUNDLE_TYPE_VAR_DEB` into the
/// .deb's copy). Unmarked, the updater would ask the platform for the bundle `unknown`, which it
/// refuses, and would install by replacing the file.
pub const BUNDLE_UNKNOWN: &[u8] = b"__TAURI_BUNDLE_TYPE_VAR_UNK";
/// The marker of a program packaged in an AppImage (`BundleType::AppImage`): the updater asks for
/// the `appimage` bundle and installs it by replacing the `.AppImage` file, never with dpkg.
pub const BUNDLE_APPIMAGE: &[u8] = b"__TAURI_BUNDLE_TYPE_VAR_APP";

/// The end of the ELF whose header `head` is, as AppImage's runtime computes it: the section
/// header table comes last, so the file's own bytes end at `e_shoff + e_shnum * e_shentsize`.
/// Only 64-bit little-endian ELF (the runtime this crate builds for x86_64 and aarch64).
pub fn elf_end(head: &[u8], path: &Path) -> Result<u64, Error> {
    let not_elf = || Error::NotElf(path.to_path_buf());
    if head.len() < HEAD_LEN || &head[..4] != b"\x7fELF" || head[4] != 2 || head[5] != 1 {
        return Err(not_elf());
    }
    let u64_at = |at: usize| u64::from_le_bytes(head[at..at + 8].try_into().expect("8 bytes"));
    let u16_at = |at: usize| u64::from(u16::from_le_bytes(head[at..at + 2].try_into().expect("2 bytes")));
    let (shoff, shentsize, shnum) = (u64_at(0x28), u16_at(0x3a), u16_at(0x3c));
    shnum.checked_mul(shentsize).and_then(|t| t.checked_add(shoff)).ok_or_else(not_elf)
}

/// Whether `head` carries the AppImage type 2 magic.
pub fn has_magic(head: &[u8]) -> bool {
    head.get(MAGIC_OFFSET..MAGIC_OFFSET + MAGIC.len()) == Some(&MAGIC[..])
}

/// Writes the magic into a runtime's ELF header (the linker left zeros there).
pub fn set_magic(runtime: &mut [u8], path: &Path) -> Result<(), Error> {
    elf_end(runtime, path)?;
    runtime[MAGIC_OFFSET..MAGIC_OFFSET + MAGIC.len()].copy_from_slice(MAGIC);
    Ok(())
}

/// The first [`HEAD_LEN`] bytes of the file at `path` (fewer if it is shorter).
pub fn read_head(path: &Path) -> Result<Vec<u8>, Error> {
    let mut head = Vec::with_capacity(HEAD_LEN);
    std::fs::File::open(path).and_then(|f| f.take(HEAD_LEN as u64).read_to_end(&mut head)).map_err(io_at(path))?;
    Ok(head)
}

/// Where the image of the AppImage at `path` starts: it must carry the magic.
pub fn image_offset(path: &Path) -> Result<u64, Error> {
    let head = read_head(path)?;
    let end = elf_end(&head, path)?;
    if !has_magic(&head) {
        return Err(Error::NoMagic(path.to_path_buf()));
    }
    Ok(end)
}

/// Marks a Tauri program as packaged in an AppImage: its one unpatched bundle-type marker
/// becomes the AppImage one (same length, so nothing moves). Refused unless the marker is there
/// exactly once, so a program packaged as something else is never silently relabelled.
pub fn mark_bundle_appimage(program: &mut [u8], path: &Path) -> Result<(), Error> {
    let found: Vec<usize> = program.windows(BUNDLE_UNKNOWN.len()).enumerate().filter(|(_, w)| *w == BUNDLE_UNKNOWN).map(|(i, _)| i).collect();
    match found.as_slice() {
        [at] => {
            program[*at..*at + BUNDLE_APPIMAGE.len()].copy_from_slice(BUNDLE_APPIMAGE);
            Ok(())
        }
        _ => Err(Error::BundleMarker(path.to_path_buf(), found.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 64-bit little-endian ELF header with its section headers at `shoff`.
    fn header(shoff: u64, shentsize: u16, shnum: u16) -> Vec<u8> {
        let mut h = vec![0u8; HEAD_LEN];
        h[..4].copy_from_slice(b"\x7fELF");
        h[4] = 2;
        h[5] = 1;
        h[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
        h[0x3a..0x3c].copy_from_slice(&shentsize.to_le_bytes());
        h[0x3c..0x3e].copy_from_slice(&shnum.to_le_bytes());
        h
    }

    #[test]
    fn the_image_starts_where_the_section_headers_end() {
        let p = Path::new("x");
        assert_eq!(elf_end(&header(1000, 64, 30), p).unwrap(), 1000 + 64 * 30);
    }

    #[test]
    fn the_offset_of_this_test_binary_is_its_length() {
        // A linked program ends with its section header table: what the builder relies on.
        let me = std::env::current_exe().unwrap();
        let len = std::fs::metadata(&me).unwrap().len();
        assert_eq!(elf_end(&read_head(&me).unwrap(), &me).unwrap(), len);
    }

    #[test]
    fn what_is_not_a_64_bit_little_endian_elf_is_refused() {
        let p = Path::new("x");
        assert!(matches!(elf_end(b"#!/bin/sh\n", p), Err(Error::NotElf(_))));
        let mut h = header(1, 1, 1);
        h[4] = 1; // 32-bit
        assert!(matches!(elf_end(&h, p), Err(Error::NotElf(_))));
        let mut h = header(u64::MAX, 64, 2); // an offset past u64
        h[4] = 2;
        assert!(matches!(elf_end(&h, p), Err(Error::NotElf(_))));
    }

    #[test]
    fn the_magic_is_written_into_the_header_padding_and_read_back() {
        let p = Path::new("x");
        let mut h = header(64, 64, 0);
        assert!(!has_magic(&h));
        set_magic(&mut h, p).unwrap();
        assert!(has_magic(&h));
        assert_eq!(&h[8..11], b"AI\x02");
        // The rest of the header is untouched: the ELF still reads the same.
        assert_eq!(elf_end(&h, p).unwrap(), 64);
    }

    #[test]
    fn the_bundle_marker_is_patched_once_or_refused() {
        let p = Path::new("x");
        let mut one = [b"abc".as_slice(), BUNDLE_UNKNOWN, b"def"].concat();
        mark_bundle_appimage(&mut one, p).unwrap();
        assert_eq!(one, [b"abc".as_slice(), BUNDLE_APPIMAGE, b"def"].concat());
        // Packaged already (no unknown marker left) or ambiguous: refused.
        assert!(matches!(mark_bundle_appimage(&mut one, p), Err(Error::BundleMarker(_, 0))));
        let mut two = [BUNDLE_UNKNOWN, BUNDLE_UNKNOWN].concat();
        assert!(matches!(mark_bundle_appimage(&mut two, p), Err(Error::BundleMarker(_, 2))));
    }
}
