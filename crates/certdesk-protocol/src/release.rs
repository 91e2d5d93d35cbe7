//! Desk releases (signed updates of the desk app): what the platform's releases folder says of
//! each version ([`ReleaseManifest`], its `release.json`) and what the platform answers the
//! desk's updater ([`UpdateOffer`], the "dynamic server" answer of Tauri's updater plugin).
//!
//! The platform only serves what a release manager signed; it never checks a signature's key
//! (the desk holds the public key and refuses a package that does not verify). This module does
//! no I/O: the platform reads and writes the folder.

use serde::{Deserialize, Serialize};

/// The operating system a package is built for, as Tauri's updater names it (`{{target}}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeskTarget {
    /// Linux.
    Linux,
    /// Windows.
    Windows,
    /// macOS.
    Darwin,
}

certdesk_domain::closed_set!(DeskTarget, "release target", {
    Linux => "linux",
    Windows => "windows",
    Darwin => "darwin",
});

/// The processor a package is built for, as Tauri's updater names it (`{{arch}}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeskArch {
    /// 64-bit x86.
    X86_64,
    /// 64-bit ARM.
    Aarch64,
    /// 32-bit x86.
    I686,
    /// 32-bit ARM.
    Armv7,
}

certdesk_domain::closed_set!(DeskArch, "release architecture", {
    X86_64 => "x86_64",
    Aarch64 => "aarch64",
    I686 => "i686",
    Armv7 => "armv7",
});

/// How a package installs, as Tauri's updater names it (`{{bundle_type}}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DeskBundle {
    /// Debian package (`.deb`).
    Deb,
    /// RPM package (`.rpm`).
    Rpm,
    /// AppImage.
    Appimage,
    /// NSIS installer (`-setup.exe`).
    Nsis,
    /// Windows Installer (`.msi`).
    Msi,
    /// macOS app bundle (`.app.tar.gz`).
    App,
}

certdesk_domain::closed_set!(DeskBundle, "release bundle", {
    Deb => "deb",
    Rpm => "rpm",
    Appimage => "appimage",
    Nsis => "nsis",
    Msi => "msi",
    App => "app",
});

impl DeskBundle {
    /// The operating system this kind of package installs on.
    pub fn target(self) -> DeskTarget {
        match self {
            DeskBundle::Deb | DeskBundle::Rpm | DeskBundle::Appimage => DeskTarget::Linux,
            DeskBundle::Nsis | DeskBundle::Msi => DeskTarget::Windows,
            DeskBundle::App => DeskTarget::Darwin,
        }
    }

    /// The kind of package a file name says (`certdesk_0.1.1_amd64.deb` is `deb`), if any.
    pub fn of_file_name(name: &str) -> Option<DeskBundle> {
        let lower = name.to_ascii_lowercase();
        [
            (".deb", DeskBundle::Deb),
            (".rpm", DeskBundle::Rpm),
            (".appimage", DeskBundle::Appimage),
            (".appimage.tar.gz", DeskBundle::Appimage),
            (".exe", DeskBundle::Nsis),
            (".nsis.zip", DeskBundle::Nsis),
            (".msi", DeskBundle::Msi),
            (".msi.zip", DeskBundle::Msi),
            (".app.tar.gz", DeskBundle::App),
        ]
        .into_iter()
        .filter(|(ending, _)| lower.ends_with(ending))
        .max_by_key(|(ending, _)| ending.len())
        .map(|(_, bundle)| bundle)
    }
}

/// One package of a release: a file in the version's folder, with `<file>.sig` beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReleasePackage {
    /// The operating system.
    pub target: DeskTarget,
    /// The processor.
    pub arch: DeskArch,
    /// How it installs.
    pub bundle: DeskBundle,
    /// The file's name in the version's folder (no folder part).
    pub file: String,
}

/// `<releases>/<version>/release.json`: one published version of the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReleaseManifest {
    /// The version (semver, the folder's name), e.g. `0.1.1`.
    pub version: String,
    /// What changed, for the agency's manager (Chinese).
    pub notes: String,
    /// When it was published (RFC 3339).
    pub pub_date: String,
    /// Its packages.
    pub packages: Vec<ReleasePackage>,
}

impl ReleaseManifest {
    /// The file name of the manifest in a version's folder.
    pub const FILE: &'static str = "release.json";

    /// The package for this system, if the release has one.
    pub fn package(&self, target: DeskTarget, arch: DeskArch, bundle: DeskBundle) -> Option<&ReleasePackage> {
        self.packages.iter().find(|p| p.target == target && p.arch == arch && p.bundle == bundle)
    }
}

/// A newer release for the desk that asked: the answer of
/// `GET /api/v1/desk-releases/{target}/{arch}/{bundle}/{current_version}`, in the shape Tauri's
/// updater plugin expects from a dynamic update server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateOffer {
    /// The newer version, e.g. `0.1.1`.
    pub version: String,
    /// What changed (Chinese).
    pub notes: String,
    /// When it was published (RFC 3339).
    pub pub_date: String,
    /// Where to download the package (HTTPS, the same device credential).
    pub url: String,
    /// The package's minisign signature exactly as the `.sig` file holds it (base64 of the
    /// signature text; its trusted comment carries `version:<version>`).
    pub signature: String,
}

/// The desk-release routes, under [`crate::API_PREFIX`]: the update check at
/// `{DESK_RELEASES_PATH}/{target}/{arch}/{bundle}/{current_version}` and the download at
/// `{DESK_RELEASES_PATH}/{version}/{file}` (the platform's `#[utoipa::path]`s spell it out, as
/// they must be literals; the desk's updater builds its endpoint from this).
pub const DESK_RELEASES_PATH: &str = "/desk-releases";

#[cfg(test)]
mod tests {
    use super::*;
    use certdesk_domain::Code;

    #[test]
    fn the_codes_are_the_serde_names_and_the_updaters_words() {
        fn check<T: Code + Serialize>() {
            for v in T::ALL {
                assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(v.code()));
            }
        }
        check::<DeskTarget>();
        check::<DeskArch>();
        check::<DeskBundle>();
        assert_eq!(DeskArch::X86_64.code(), "x86_64", "Tauri substitutes x86_64, not x86-64");
    }

    #[test]
    fn a_file_name_says_its_bundle() {
        assert_eq!(DeskBundle::of_file_name("certdesk_0.1.1_amd64.deb"), Some(DeskBundle::Deb));
        assert_eq!(DeskBundle::of_file_name("certdesk_0.1.1_x64-setup.exe"), Some(DeskBundle::Nsis));
        assert_eq!(DeskBundle::of_file_name("certdesk.app.tar.gz"), Some(DeskBundle::App));
        assert_eq!(DeskBundle::of_file_name("certdesk_0.1.1_amd64.AppImage"), Some(DeskBundle::Appimage));
        assert_eq!(DeskBundle::of_file_name("notes.txt"), None);
    }
}
