//! The desk's log: `tracing` events to `logs/certdesk.log` in the data folder, rotated by size
//! (a bounded number of files), for the window and the CLI alike.
//!
//! Personal data must never reach the file. Commands log codes and causes, never sentences or
//! arguments ([`failure`]); and the writer itself ([`redact`]) masks anything shaped like an ID
//! number (15 or 18 characters) or a mobile number (11 digits, with or without 86, spaces or
//! dashes) before a byte is written, so a careless `tracing::error!("{worker:?}")` cannot leak
//! one either. Names and passwords cannot be recognised by shape: they are kept out by never
//! logging a record, an argument or a clerk's sentence.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use certdesk_store::{DeskCode, DeskError};
use tracing_subscriber::fmt::MakeWriter;

/// The log folder inside the data folder.
pub const LOG_DIR: &str = "logs";
/// The current log file's name; older ones are `certdesk.log.1` (newest) to `.4`.
pub const LOG_FILE: &str = "certdesk.log";
/// A file is rotated when a write would take it past this size.
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;
/// Files kept, the current one included: at most 10 MB of log.
pub const KEEP_FILES: usize = 5;
/// What replaces an ID number or a mobile number.
pub const MASK: &str = "[redacted]";

/// The log folder of a data folder.
pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(LOG_DIR)
}

/// Log a failed command: its code, the fields it names and the internal cause.
pub fn failure(command: &str, e: &DeskError) {
    let fields: Vec<String> = e.fields.iter().map(|f| format!("{}:{}", f.field, f.code)).collect();
    if e.code == DeskCode::Internal {
        tracing::error!(command, code = %e.code, cause = e.detail.as_deref().unwrap_or(""), "command failed");
    } else {
        tracing::warn!(command, code = %e.code, fields = %fields.join(","), "command refused");
    }
}

/// `text` with every ID-number-shaped and mobile-shaped run of digits replaced by [`MASK`].
///
/// A run is digits joined by at most one space or dash (`139 1234 5678`, `139-1234-5678`), with
/// a trailing `X`/`x` after 17 digits (the ID number's check character). A run of 11 or more
/// digits is masked whole: 11 is a mobile, 13 a mobile with 86, 15 and 18 ID numbers; nothing
/// the desk logs on purpose (times, counts, sizes, versions) has that many digits in a row.
pub fn redact(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = 0;
        let mut end = i;
        let mut j = i;
        while j < bytes.len() {
            if bytes[j].is_ascii_digit() {
                digits += 1;
                j += 1;
                end = j;
            } else if (bytes[j] == b' ' || bytes[j] == b'-') && j + 1 < bytes.len() && bytes[j + 1].is_ascii_digit() {
                j += 1;
            } else {
                break;
            }
        }
        if digits == 17 && end < bytes.len() && (bytes[end] == b'X' || bytes[end] == b'x') {
            end += 1;
            digits += 1;
        }
        if digits >= 11 {
            let s = out.get_or_insert_with(|| String::with_capacity(text.len()));
            s.push_str(&text[copied..start]);
            s.push_str(MASK);
            copied = end;
        }
        i = end;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut s) => {
            s.push_str(&text[copied..]);
            Cow::Owned(s)
        }
    }
}

/// The current file and its size, shared by every event's writer.
struct Rotating {
    dir: PathBuf,
    file: Option<File>,
    size: u64,
}

impl Rotating {
    fn path(&self, n: usize) -> PathBuf {
        if n == 0 {
            self.dir.join(LOG_FILE)
        } else {
            self.dir.join(format!("{LOG_FILE}.{n}"))
        }
    }

    fn open(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            std::fs::create_dir_all(&self.dir)?;
            let f = OpenOptions::new().create(true).append(true).open(self.path(0))?;
            self.size = f.metadata()?.len();
            self.file = Some(f);
        }
        Ok(self.file.as_mut().expect("opened above"))
    }

    /// certdesk.log → .1 → .2 …; the oldest beyond [`KEEP_FILES`] is deleted.
    fn rotate(&mut self) -> io::Result<()> {
        self.file = None;
        let _ = std::fs::remove_file(self.path(KEEP_FILES - 1));
        for n in (0..KEEP_FILES - 1).rev() {
            let from = self.path(n);
            if from.exists() {
                std::fs::rename(&from, self.path(n + 1))?;
            }
        }
        self.size = 0;
        Ok(())
    }

    fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        self.open()?;
        if self.size > 0 && self.size + line.len() as u64 > MAX_FILE_BYTES {
            self.rotate()?;
        }
        let f = self.open()?;
        f.write_all(line)?;
        self.size += line.len() as u64;
        Ok(())
    }
}

/// The writer `tracing_subscriber` asks for per event: it collects the formatted event and, when
/// dropped, writes it redacted to the rotating file in one piece (a masked number can never be
/// split across two writes).
#[derive(Clone)]
pub struct LogWriter {
    inner: Arc<Mutex<Rotating>>,
}

impl LogWriter {
    /// A writer into `data_dir/logs/`.
    pub fn new(data_dir: &Path) -> LogWriter {
        LogWriter { inner: Arc::new(Mutex::new(Rotating { dir: log_dir(data_dir), file: None, size: 0 })) }
    }
}

/// One event being written.
pub struct EventWriter {
    inner: Arc<Mutex<Rotating>>,
    buf: Vec<u8>,
}

impl Write for EventWriter {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.buf);
        let clean = redact(&text);
        let mut r = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        // A log that cannot be written must not stop the desk.
        let _ = r.write_line(clean.as_bytes());
    }
}

impl<'a> MakeWriter<'a> for LogWriter {
    type Writer = EventWriter;
    fn make_writer(&'a self) -> EventWriter {
        EventWriter { inner: self.inner.clone(), buf: Vec::new() }
    }
}

/// The subscriber that writes the desk's log into `data_dir` (`info` and above, or what
/// `CERTDESK_LOG` says, e.g. `debug`). Tests use it with `tracing::subscriber::with_default`.
pub fn subscriber(data_dir: &Path) -> impl tracing::Subscriber + Send + Sync {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("CERTDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_target(false)
        .with_writer(LogWriter::new(data_dir))
        .finish()
}

/// Make the desk's log the process's log (the window's and the CLI's start), and log panics
/// there too. Calling it twice keeps the first.
pub fn init(data_dir: &Path, program: &str, version: &str) {
    if tracing::subscriber::set_global_default(subscriber(data_dir)).is_err() {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "panicked");
        previous(info);
    }));
    tracing::info!(program, version, os = std::env::consts::OS, "started");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_and_mobiles_are_masked_and_times_are_not() {
        let cases = [
            ("id 11010519491231002X end", "id [redacted] end"),
            ("id 11010519491231002x", "id [redacted]"),
            ("legacy 110105491231002", "legacy [redacted]"),
            ("phone 13912345678.", "phone [redacted]."),
            ("phone +86 139-1234-5678", "phone +[redacted]"),
            ("phone 139 1234 5678", "phone [redacted]"),
            ("at 2026-12-03T06:58:25.123Z v3 n=1234567890", "at 2026-12-03T06:58:25.123Z v3 n=1234567890"),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "redacting {input:?}");
        }
    }

    #[test]
    fn the_file_rotates_and_keeps_a_bounded_number() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Rotating { dir: log_dir(dir.path()), file: None, size: 0 };
        let line = vec![b'a'; (MAX_FILE_BYTES / 2 + 1) as usize];
        for _ in 0..(KEEP_FILES * 2 + 3) {
            r.write_line(&line).unwrap();
        }
        let files = std::fs::read_dir(log_dir(dir.path())).unwrap().count();
        assert_eq!(files, KEEP_FILES, "old files beyond the bound are deleted");
        for n in 0..KEEP_FILES {
            assert!(std::fs::metadata(r.path(n)).unwrap().len() <= MAX_FILE_BYTES, "no file grows past the cap");
        }
    }
}
