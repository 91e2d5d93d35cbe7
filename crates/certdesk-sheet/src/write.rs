//! Writing a table to .xlsx or .csv.

use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format as XlFormat, FormatAlign, Workbook};

use crate::read::Format;

/// A cell of a written table.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteCell {
    /// Always a text cell (ID numbers, phones, codes).
    Text(String),
    /// A number cell.
    Number(f64),
    /// A date cell (`yyyy-mm-dd`).
    Date(NaiveDate),
    /// Nothing.
    Empty,
}

impl WriteCell {
    fn csv(&self) -> String {
        match self {
            WriteCell::Text(t) => neutralise(t),
            WriteCell::Number(n) => {
                if n.fract() == 0.0 {
                    format!("{}", *n as i64)
                } else {
                    format!("{n}")
                }
            }
            WriteCell::Date(d) => d.to_string(),
            WriteCell::Empty => String::new(),
        }
    }
}

/// A csv text cell as a spreadsheet cannot run it: text that starts like a formula (`=`, `+`,
/// `-`, `@`, or a tab or carriage return before one, OWASP's list for CSV injection) gets a
/// leading `'`, so Excel and LibreOffice show it as text instead of evaluating
/// `=HYPERLINK(...)` or `=cmd|...` typed into a worker's name. The one place every csv the desk
/// writes passes through; .xlsx text cells are text by type and need nothing.
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// Why a table was not written.
#[derive(Debug)]
pub enum WriteError<E> {
    /// The file could not be written (the detail as text).
    Io(String),
    /// A row could not be produced (the caller's own error, passed back as it came).
    Row(E),
}

/// Writes a table to `path` as .xlsx or .csv by its extension (default .xlsx): bold header
/// row, set column widths, text cells for text, real numbers and dates; csv in UTF-8 with BOM.
pub fn write_table(
    path: &Path,
    sheet: &str,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<WriteCell>>,
    widths: &[u16],
) -> Result<u64, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("xlsx").to_lowercase();
    let format = if ext == "csv" { Format::Csv } else { Format::Xlsx };
    let mut rows = rows.map(Ok::<_, std::convert::Infallible>);
    write_rows(path, format, sheet, headers, &mut rows, widths).map_err(|e| match e {
        WriteError::Io(e) => e,
        WriteError::Row(never) => match never {},
    })
}

/// Writes rows as they come (constant memory for .xlsx, so a 200,000-row export streams from
/// its query) and returns how many were written; a row that fails stops the writing.
pub fn write_rows<E>(
    path: &Path,
    format: Format,
    sheet: &str,
    headers: &[&str],
    rows: &mut dyn Iterator<Item = Result<Vec<WriteCell>, E>>,
    widths: &[u16],
) -> Result<u64, WriteError<E>> {
    let io = |e: &dyn std::fmt::Display| WriteError::Io(e.to_string());
    let mut n = 0u64;
    match format {
        Format::Csv => {
            let file = std::fs::File::create(path).map_err(|e| io(&e))?;
            let mut out = BufWriter::with_capacity(1 << 16, file);
            out.write_all(b"\xEF\xBB\xBF").map_err(|e| io(&e))?;
            let mut w = csv::Writer::from_writer(out);
            w.write_record(headers).map_err(|e| io(&e))?;
            for row in rows {
                let row = row.map_err(WriteError::Row)?;
                w.write_record(row.iter().map(WriteCell::csv)).map_err(|e| io(&e))?;
                n += 1;
            }
            w.flush().map_err(|e| io(&e))?;
        }
        Format::Xlsx => {
            let mut book = Workbook::new();
            let bold = XlFormat::new().set_bold().set_align(FormatAlign::Center);
            let formats = cell_formats();
            let ws = book.add_worksheet_with_constant_memory();
            let xl = |e: rust_xlsxwriter::XlsxError| io(&e);
            ws.set_name(sheet).map_err(xl)?;
            for (c, w) in widths.iter().enumerate() {
                ws.set_column_width(c as u16, *w).map_err(xl)?;
            }
            for (c, h) in headers.iter().enumerate() {
                ws.write_string_with_format(0, c as u16, *h, &bold).map_err(xl)?;
            }
            ws.set_freeze_panes(1, 0).map_err(xl)?;
            for row in rows {
                let row = row.map_err(WriteError::Row)?;
                n += 1;
                write_cells(ws, n as u32, &row, &formats).map_err(xl)?;
            }
            book.save(path).map_err(xl)?;
        }
    }
    Ok(n)
}

/// One sheet of a workbook written whole by [`workbook_bytes`].
#[derive(Debug, Clone, PartialEq)]
pub struct SheetTable<'a> {
    /// The sheet's name (at most 31 characters, no `[]:*?/\\`).
    pub name: &'a str,
    /// The header row.
    pub headers: &'a [&'a str],
    /// Column widths, in characters.
    pub widths: &'a [u16],
    /// The rows.
    pub rows: Vec<Vec<WriteCell>>,
}

/// The cell formats: "@" is Excel's Text format (the cell stays text even when the clerk
/// edits it), dates as `yyyy-mm-dd`.
fn cell_formats() -> (XlFormat, XlFormat) {
    (XlFormat::new().set_num_format("@"), XlFormat::new().set_num_format("yyyy-mm-dd"))
}

/// One row's cells, in the formats of [`cell_formats`].
fn write_cells(ws: &mut rust_xlsxwriter::Worksheet, r: u32, row: &[WriteCell], (text, date): &(XlFormat, XlFormat)) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (c, cell) in row.iter().enumerate() {
        let c = c as u16;
        match cell {
            WriteCell::Text(t) if !t.is_empty() => {
                ws.write_string_with_format(r, c, t, text)?;
            }
            WriteCell::Number(v) => {
                ws.write_number(r, c, *v)?;
            }
            WriteCell::Date(d) => {
                use chrono::Datelike;
                let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_date_with_format(r, c, &dt, date)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// A workbook of several sheets as .xlsx bytes (for a small document kept in memory, such as a
/// funding pack the platform answers with): each sheet with its bold header row frozen, set
/// column widths, text cells as text, numbers and dates as such.
pub fn workbook_bytes(sheets: &[SheetTable<'_>]) -> Result<Vec<u8>, String> {
    let xl = |e: rust_xlsxwriter::XlsxError| e.to_string();
    let mut book = Workbook::new();
    let bold = XlFormat::new().set_bold().set_align(FormatAlign::Center);
    let formats = cell_formats();
    for sheet in sheets {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name).map_err(xl)?;
        for (c, w) in sheet.widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w).map_err(xl)?;
        }
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold).map_err(xl)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xl)?;
        for (i, row) in sheet.rows.iter().enumerate() {
            write_cells(ws, i as u32 + 1, row, &formats).map_err(xl)?;
        }
    }
    book.save_to_buffer().map_err(xl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_of_two_sheets_reads_back_sheet_by_sheet() {
        let one = SheetTable { name: "人员", headers: &["身份证号", "课时"], widths: &[20, 6], rows: vec![vec![WriteCell::Text("11010519491231002X".into()), WriteCell::Number(3.5)]] };
        let two = SheetTable { name: "问题", headers: &["问题"], widths: &[40], rows: vec![] };
        let bytes = workbook_bytes(&[one, two]).unwrap();
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        use calamine::Reader;
        assert_eq!(book.sheet_names(), ["人员", "问题"]);
        let range = book.worksheet_range("人员").unwrap();
        assert_eq!(range.get_value((1, 0)).unwrap().to_string(), "11010519491231002X", "the ID number stays text");
        assert_eq!(range.get_value((1, 1)).unwrap().to_string(), "3.5");
    }

    #[test]
    fn a_written_table_reads_back_with_text_staying_text() {
        let dir = std::env::temp_dir().join(format!("certdesk-sheet-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["t.xlsx", "t.csv"] {
            let path = dir.join(name);
            let rows = vec![vec![WriteCell::Text("11010519491231002X".into()), WriteCell::Number(85.0), WriteCell::Date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap())]];
            assert_eq!(write_table(&path, "表", &["身份证号", "成绩", "日期"], rows.into_iter(), &[20, 8, 12]).unwrap(), 1);
            let sheet = crate::read(&std::fs::read(&path).unwrap()).unwrap();
            assert_eq!(sheet.rows[0].1[0].text(), "身份证号", "{name}");
            assert_eq!(sheet.rows[1].1[0], crate::Cell::Text("11010519491231002X".into()), "{name}: the ID number stays text");
            assert_eq!(sheet.rows[1].1[1].text(), "85", "{name}");
            assert_eq!(crate::excel_date(&sheet.rows[1].1[2]), NaiveDate::from_ymd_opt(2026, 1, 5), "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
