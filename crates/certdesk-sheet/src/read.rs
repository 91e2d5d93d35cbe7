//! Reading an .xlsx or .csv into rows of [`Cell`]s, within every cap of the crate docs.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{DataRef, Reader, Xlsx};

use crate::cell::Cell;
use crate::date::serial_date;

/// The largest file read.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// The most an .xlsx may unzip to: what it declares is checked first, then every part is
/// inflated and refused if it gives more than it declared.
pub const MAX_UNZIPPED_BYTES: u64 = 400 * 1024 * 1024;
/// The most data rows read.
pub const MAX_ROWS: usize = 100_000;
/// Rows allowed above the data (titles, the header, notes) on top of [`MAX_ROWS`].
pub const HEADER_ROOM: usize = 10;
/// Columns kept from the left; cells further right are ignored.
pub const MAX_COLUMNS: usize = 100;
/// A cell's text is cut to this many characters.
pub const MAX_CELL_CHARS: usize = 1_000;
/// The most text read from an .xlsx in all.
pub const MAX_TEXT_BYTES: usize = 256 * 1024 * 1024;

/// Which kind of file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Excel's .xlsx.
    Xlsx,
    /// Delimited text.
    Csv,
}

/// A sheet as rows of cells.
#[derive(Debug)]
pub struct Sheet {
    /// (row number as Excel shows it, cells from column A); rows without a cell are absent.
    pub rows: Vec<(usize, Vec<Cell>)>,
    /// What the file was.
    pub format: Format,
    /// A text file's encoding: `utf-8`, `utf-16` or `gb18030`.
    pub encoding: Option<String>,
    /// The worksheet read (an .xlsx's first).
    pub name: Option<String>,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Unreadable(std::io::Error),
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge {
        /// The file's size.
        bytes: u64,
    },
    /// An .xlsx declaring more than [`MAX_UNZIPPED_BYTES`].
    UnzipsTooLarge {
        /// What it declares.
        declared: u64,
    },
    /// An .xlsx with a part that inflates to more than the zip declares for it: a zip bomb
    /// lying about its size, refused as soon as the first byte past the declared size comes out.
    UnzipsBeyondDeclared,
    /// An .xlsx holding more than [`MAX_TEXT_BYTES`] of text.
    TooMuchText,
    /// Not a spreadsheet this crate reads (an image, a PDF, a broken zip, invalid text).
    NotASpreadsheet,
    /// An old binary Excel file (.xls).
    XlsUnsupported,
    /// An .xlsx without a worksheet.
    NoWorksheet,
    /// More than [`MAX_ROWS`] + [`HEADER_ROOM`] rows.
    TooManyRows,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Unreadable(e) => write!(f, "cannot read the file: {e}"),
            ReadError::TooLarge { bytes } => write!(f, "the file is too large ({bytes} bytes; at most {MAX_FILE_BYTES})"),
            ReadError::UnzipsTooLarge { declared } => write!(f, "the file unzips to {declared} bytes (at most {MAX_UNZIPPED_BYTES})"),
            ReadError::UnzipsBeyondDeclared => write!(f, "the file unzips to more than it declares"),
            ReadError::TooMuchText => write!(f, "the file holds more than {MAX_TEXT_BYTES} bytes of text"),
            ReadError::NotASpreadsheet => write!(f, "not a spreadsheet (.xlsx or .csv)"),
            ReadError::XlsUnsupported => write!(f, "an old Excel (.xls) file"),
            ReadError::NoWorksheet => write!(f, "the file has no worksheet"),
            ReadError::TooManyRows => write!(f, "more than {MAX_ROWS} rows"),
        }
    }
}

impl std::error::Error for ReadError {}

/// Reads a file, refusing it before reading when it is larger than [`MAX_FILE_BYTES`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Unreadable)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge { bytes: meta.len() });
    }
    std::fs::read(path).map_err(ReadError::Unreadable)
}

fn cut(s: &str) -> String {
    if s.chars().count() > MAX_CELL_CHARS {
        s.chars().take(MAX_CELL_CHARS).collect()
    } else {
        s.to_string()
    }
}

/// Reads an .xlsx or .csv within every cap of the crate docs.
pub fn read(bytes: &[u8]) -> Result<Sheet, ReadError> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge { bytes: bytes.len() as u64 });
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ReadError::XlsUnsupported);
    }
    read_csv(bytes)
}

/// Whether a zip header (central or local) in `bytes` carries an extended-timestamp extra
/// field (0x5455) of length 0. The zip crate (4.x) subtracts one from that length before it
/// checks it: a panic in a debug build, and in a release build a refusal only by luck of the
/// wrapping arithmetic. Found by the fuzzer (`scripts/fuzz import`). Every place a header's
/// signature appears is looked at, not only the ones the zip crate will use, so nothing it
/// reads escapes; a genuine .xlsx has no such field.
fn has_empty_timestamp_field(bytes: &[u8]) -> bool {
    let u16_at = |b: &[u8], i: usize| b.get(i..i + 2).map_or(0, |x| usize::from(u16::from_le_bytes([x[0], x[1]])));
    // (signature, fixed header length, offset of the name's length, offset of the extra length)
    let headers: [(&[u8; 4], usize, usize, usize); 2] = [(b"PK\x01\x02", 46, 28, 30), (b"PK\x03\x04", 30, 26, 28)];
    headers.iter().any(|&(signature, fixed, name_at, extra_at)| {
        bytes.windows(4).enumerate().filter(|(_, w)| w == signature).any(|(start, _)| {
            let header = &bytes[start..];
            if header.len() < fixed {
                return false;
            }
            let from = fixed + u16_at(header, name_at);
            let to = (from + u16_at(header, extra_at)).min(header.len());
            let extra = header.get(from..to).unwrap_or_default();
            let mut at = 0;
            while at + 4 <= extra.len() {
                let (kind, len) = (u16_at(extra, at), u16_at(extra, at + 2));
                if kind == 0x5455 && len == 0 {
                    return true;
                }
                at += 4 + len;
            }
            false
        })
    })
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, ReadError> {
    if has_empty_timestamp_field(bytes) {
        return Err(ReadError::NotASpreadsheet);
    }
    // What the zip declares it holds, before anything is inflated.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::NotASpreadsheet)?;
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| ReadError::NotASpreadsheet)?;
        declared = declared.saturating_add(f.size());
    }
    if declared > MAX_UNZIPPED_BYTES {
        return Err(ReadError::UnzipsTooLarge { declared });
    }
    // The declared sizes are the file's word; what inflates is the fact. Inflate every part
    // (calamine reads the shared strings whole) and refuse a part that gives more than it
    // declares, stopping one byte past it: so the real total is within the cap as well.
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|_| ReadError::NotASpreadsheet)?;
        let declared = part.size();
        let mut limited = part.take(declared.saturating_add(1));
        let real = std::io::copy(&mut limited, &mut std::io::sink()).map_err(|_| ReadError::NotASpreadsheet)?;
        if real > declared {
            return Err(ReadError::UnzipsBeyondDeclared);
        }
    }
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| ReadError::NotASpreadsheet)?;
    let name = book.sheet_names().first().cloned().ok_or(ReadError::NoWorksheet)?;
    let merges: Vec<calamine::Dimensions> = book.worksheet_merge_cells(&name).and_then(Result::ok).unwrap_or_default();
    let mut rows: Vec<(usize, Vec<Cell>)> = Vec::new();
    let mut text_bytes = 0usize;
    {
        let mut reader = book.worksheet_cells_reader(&name).map_err(|_| ReadError::NotASpreadsheet)?;
        loop {
            let cell = match reader.next_cell() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(_) => return Err(ReadError::NotASpreadsheet),
            };
            let (r, c) = cell.get_position();
            let (r, c) = (r as usize, c as usize);
            if c >= MAX_COLUMNS {
                continue;
            }
            let raw = match cell.get_value() {
                DataRef::Empty => continue,
                DataRef::Int(i) => Cell::Number(*i as f64),
                DataRef::Float(f) => Cell::Number(*f),
                DataRef::String(s) => Cell::Text(cut(s)),
                DataRef::SharedString(s) => Cell::Text(cut(s)),
                DataRef::Bool(b) => Cell::Bool(*b),
                // A duration ([h]:mm) or a bare time of day (2:15:00, below one day) is how long.
                DataRef::DateTime(d) if d.is_duration() || (0.0..1.0).contains(&d.as_f64()) => {
                    Cell::Duration(d.as_f64() * 24.0 * 60.0)
                }
                DataRef::DateTime(d) => match serial_date(d.as_f64()) {
                    Some(day) => Cell::Date(day.and_hms_opt(0, 0, 0).expect("midnight exists")),
                    None => Cell::Number(d.as_f64()),
                },
                DataRef::DateTimeIso(s) => Cell::Text(cut(s)),
                DataRef::DurationIso(s) => Cell::Text(cut(s)),
                DataRef::Error(e) => Cell::Error(e.to_string()),
            };
            if let Cell::Text(t) = &raw {
                text_bytes += t.len();
                if text_bytes > MAX_TEXT_BYTES {
                    return Err(ReadError::TooMuchText);
                }
            }
            let row_no = r + 1;
            if rows.last().map(|(n, _)| *n) != Some(row_no) {
                // Rows come in order; a hostile file that goes back is read as far as it is sane.
                if rows.last().is_some_and(|(n, _)| *n > row_no) {
                    continue;
                }
                if rows.len() > MAX_ROWS + HEADER_ROOM {
                    return Err(ReadError::TooManyRows);
                }
                rows.push((row_no, Vec::new()));
            }
            let cells = &mut rows.last_mut().expect("pushed above").1;
            if cells.len() <= c {
                cells.resize(c + 1, Cell::Empty);
            }
            cells[c] = raw;
        }
    }
    fill_merged(&mut rows, &merges);
    Ok(Sheet { rows, format: Format::Xlsx, encoding: None, name: Some(name) })
}

/// Excel shows a merged area's value in every cell of it; give every cell that value so a
/// merged 服务类型 or date applies to each row it spans. Only areas within the kept rows and
/// columns are filled, so a hostile merge of a whole sheet allocates nothing new.
fn fill_merged(rows: &mut [(usize, Vec<Cell>)], merges: &[calamine::Dimensions]) {
    let index: HashMap<usize, usize> = rows.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
    for m in merges {
        let (r0, c0) = (m.start.0 as usize + 1, m.start.1 as usize);
        let Some(value) = index.get(&r0).and_then(|&i| rows[i].1.get(c0)).cloned() else { continue };
        let c1 = (m.end.1 as usize).min(MAX_COLUMNS - 1);
        for (n, cells) in rows.iter_mut() {
            if *n < r0 || *n > m.end.0 as usize + 1 {
                continue;
            }
            // A merged area over rows the file left empty does not create them.
            for c in c0..=c1 {
                if cells.len() <= c {
                    cells.resize(c + 1, Cell::Empty);
                }
                if cells[c].is_blank() {
                    cells[c] = value.clone();
                }
            }
        }
    }
}

fn decode_text(bytes: &[u8]) -> Result<(String, &'static str), ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).map(|s| (s.to_string(), "utf-8")).map_err(|_| ReadError::NotASpreadsheet);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, enc, errors) = encoding_rs::UTF_16LE.decode(bytes);
        if errors {
            return Err(ReadError::NotASpreadsheet);
        }
        let _ = enc;
        return Ok((text.into_owned(), "utf-16"));
    }
    // Binary files (images, PDFs, executables) carry NUL bytes; text never does.
    if bytes.contains(&0) || bytes.starts_with(b"%PDF") {
        return Err(ReadError::NotASpreadsheet);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), "utf-8"));
    }
    let (text, errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if errors {
        return Err(ReadError::NotASpreadsheet);
    }
    Ok((text.into_owned(), "gb18030"))
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, ReadError> {
    let (text, encoding) = decode_text(bytes)?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| first_line.matches(*d as char).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|_| ReadError::NotASpreadsheet)?;
        if rows.len() > MAX_ROWS + HEADER_ROOM {
            return Err(ReadError::TooManyRows);
        }
        let cells: Vec<Cell> = record.iter().take(MAX_COLUMNS).map(|s| Cell::Text(cut(s))).collect();
        rows.push((i + 1, cells));
    }
    Ok(Sheet { rows, format: Format::Csv, encoding: Some(encoding.to_string()), name: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_encodings_are_detected() {
        assert_eq!(decode_text("姓名\n".as_bytes()).unwrap().1, "utf-8");
        assert_eq!(decode_text(b"\xEF\xBB\xBFname\n").unwrap(), ("name\n".to_string(), "utf-8"));
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,身份证号\n");
        assert_eq!(decode_text(&gbk).unwrap(), ("姓名,身份证号\n".to_string(), "gb18030"));
        assert!(matches!(decode_text(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err(), ReadError::NotASpreadsheet));
        // Excel's "Unicode text": UTF-16 LE with a BOM, tab separated.
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("姓名\t手机\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode_text(&utf16).unwrap(), ("姓名\t手机\n".to_string(), "utf-16"));
    }

    /// The fuzzer's inputs (`scripts/fuzz import`) that made the zip crate panic on an
    /// extended-timestamp field of length 0: each is refused as not a spreadsheet.
    #[test]
    fn a_zip_with_an_empty_timestamp_field_is_refused_not_a_panic() {
        let found: [&[u8]; 3] = [
            b"\x50\x4b\x03\x04\x50\x4b\x01\x02\x0b\x27\x0b\x26\x50\x4b\x05\x06\x00\x00\x00\x00\x01\x1b\x70\x6c\x1b\x0b\x1a\x19\x00\x00\x00\x00\x00\x00\x20\x00\x00\x00\x00\x57\x01\x19\x01\x01\x01\x01\x01\x1b\x6e\x01\x01\x00\x00\x00\x01\x00\x00\x00\x55\x54\x00\x00\xff\xff\x01\x0f\x01\x00\x04\x1b\x71\x6a\x50\x38\x50\x06\x01\x00\x00\x00\x00\x00\x09\x01\x01\x01\x01\x32\x01\x8f\x01\x01\x00\x00\x20\x01",
            b"\x50\x4b\x03\x04\x50\x4b\x01\x02\x0b\x27\x0b\x26\x50\x4b\x05\x06\x00\x00\x00\x00\x01\x1b\x70\x6c\x1b\x0b\x1a\x19\x00\x00\x00\x00\x00\x00\x20\x00\x00\x00\x00\x38\x01\x19\x01\x01\x01\x01\x01\x1b\x6e\x01\x01\x00\x00\x00\x01\x00\x00\x00\x55\x54\x00\x00\x00\xff\x01\x0f\x01\x01\x01\x1b\x71\x6a\xfc\x00\x05\x06\x01\x00\x00\x00\x00\x00\x09\x01\x01\x01\x01\x32\x01\x8f\x01\x01\x00\x00\x20\x01",
            b"\x50\x4b\x03\x04\x50\x4b\x01\x02\x00\x00\x66\x00\x67\x53\x54\xfe\x01\x30\x11\x07\x50\x4b\x05\x06\x01\x01\x01\x01\x00\x04\x79\x6e\x37\x00\x1a\x00\x01\x00\x00\x00\x00\x00\x20\x00\x00\x00\x76\x50\x4b\x05\x06\x00\x00\x00\x00\x00\x04\x79\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x50\x4b\x05\x06\x01\x01\x01\x01\x00\x04\x7a\x6b\x52\x30\x69\x6a\x0a\x3b\x13\x85\xe4\xcc\x20\x20\x2f\xb1\x3e\x75\x09\xc3\xed\x8c\xd9\xa5\xdd\x4b\x55\x54\x00\x00\x00\x01\x99\x07\x00\x01\x01\x41\x45\x01\x00\x79\x50\x4b\x05\x06\x38\x00\xf0\x00\x00\x00\x00",
        ];
        for (i, bytes) in found.iter().enumerate() {
            assert!(has_empty_timestamp_field(bytes), "input {i} carries the empty field");
            assert!(matches!(read(bytes), Err(ReadError::NotASpreadsheet)), "input {i} is refused as not a spreadsheet");
        }
    }
}
