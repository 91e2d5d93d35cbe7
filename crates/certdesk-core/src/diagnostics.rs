//! 导出诊断信息: one zip a clerk sends to support when something went wrong: the desk's log
//! files, the versions (program, database schema, OS), the sizes of what is in the data folder
//! and the sync's counts and times.
//!
//! It must never carry personal data: no database, no photo, no export, no record, no name. The
//! logs are redacted when written and again when bundled; the data folder is described by its
//! top-level entries' sizes only (file names below them may be content hashes or a clerk's
//! export names); the sync status leaves out the agency's name and the platform's sentences.

use std::io::Write;
use std::path::Path;

use certdesk_store::{Desk, DeskError, DeskResult};
use serde::Serialize;
use serde_json::json;
use zip::write::SimpleFileOptions;

use crate::log::{log_dir, redact, KEEP_FILES, LOG_FILE};

/// The zip's entry holding the versions.
pub const VERSIONS: &str = "versions.json";
/// The zip's entry holding the data folder's sizes.
pub const DATA_FOLDER: &str = "data_folder.json";
/// The zip's entry holding the sync status.
pub const SYNC: &str = "sync.json";

/// Which program made the bundle.
#[derive(Debug, Clone, Copy)]
pub struct Program<'a> {
    /// `certdesk-app` or `certdesk`.
    pub name: &'a str,
    /// Its version (`CARGO_PKG_VERSION`).
    pub version: &'a str,
}

/// One top-level entry of the data folder.
#[derive(Debug, Serialize)]
struct Entry {
    name: String,
    kind: &'static str,
    files: u64,
    bytes: u64,
}

/// Files and bytes under `path` (a file counts as one).
fn size_of(path: &Path) -> (u64, u64) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return (0, 0);
    };
    if !meta.is_dir() {
        return (1, meta.len());
    }
    let mut total = (0, 0);
    for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
        let (f, b) = size_of(&entry.path());
        total = (total.0 + f, total.1 + b);
    }
    total
}

fn data_folder(dir: &Path) -> Vec<Entry> {
    let mut entries: Vec<Entry> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let (files, bytes) = size_of(&e.path());
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            Entry {
                name: redact(&e.file_name().to_string_lossy()).into_owned(),
                kind: if is_dir { "folder" } else { "file" },
                files,
                bytes,
            }
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}

/// The OS's own name for itself (`PRETTY_NAME` of `/etc/os-release` on Linux), if it says.
fn os_release() -> Option<String> {
    let text = std::fs::read_to_string("/etc/os-release").ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_string())
}

/// Write the bundle for `desk` to `out`; the names of the entries written.
pub fn write_bundle(desk: &Desk, program: Program<'_>, out: &Path) -> DeskResult<Vec<String>> {
    let io = |e: std::io::Error| crate::messages::diagnostics_write(out, e);
    let versions = json!({
        "program": program.name,
        "version": program.version,
        "schema_version": desk.schema_version()?,
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "os_release": os_release(),
        "made_at": desk.now_rfc3339(),
    });
    let status = desk.sync_status()?;
    let sync = json!({
        "enrolled": status.enrolled,
        "platform_url": status.platform_url,
        "pending": status.pending,
        "held": status.held,
        "rejections": status.rejections,
        "trust_keys": status.trust_keys,
        "trust_list_age_seconds": status.trust_list_age_seconds,
        "last_success_at": status.last_success_at,
        "last_error_code": status.last_error.as_ref().map(|e| e.code.clone()),
        "last_error_at": status.last_error.as_ref().map(|e| e.at.clone()),
        "stale_warning": status.stale_warning,
        "cursor": status.cursor,
    });
    let folder = data_folder(desk.data_dir());

    let file = std::fs::File::create(out).map_err(io)?;
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default();
    let mut names = Vec::new();
    let mut put = |zip: &mut zip::ZipWriter<std::fs::File>, name: String, bytes: &[u8]| -> DeskResult<()> {
        zip.start_file(name.as_str(), options).map_err(DeskError::internal)?;
        zip.write_all(bytes).map_err(io)?;
        names.push(name);
        Ok(())
    };
    let pretty = |v: &serde_json::Value| serde_json::to_vec_pretty(v).expect("JSON values serialise");
    put(&mut zip, VERSIONS.into(), &pretty(&versions))?;
    put(&mut zip, DATA_FOLDER.into(), &pretty(&serde_json::to_value(&folder).expect("entries serialise")))?;
    put(&mut zip, SYNC.into(), &pretty(&sync))?;
    let logs = log_dir(desk.data_dir());
    for n in 0..KEEP_FILES {
        let name = if n == 0 { LOG_FILE.to_string() } else { format!("{LOG_FILE}.{n}") };
        if let Ok(bytes) = std::fs::read(logs.join(&name)) {
            // Redacted when written; again here, in case a file came from an older version.
            let text = String::from_utf8_lossy(&bytes);
            put(&mut zip, format!("logs/{name}"), redact(&text).as_bytes())?;
        }
    }
    zip.finish().map_err(DeskError::internal)?;
    tracing::info!(entries = names.len(), "diagnostics exported");
    Ok(names)
}
