//! Spreadsheets in and out, for the desk's imports and exports: what a file holds, never what
//! it means. The store decides which column is an ID number and what a row must satisfy; this
//! crate reads cells and writes tables, and knows nothing of workers.
//!
//! # Reading ([`read`])
//! `.xlsx`, and `.csv` in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or
//! GBK/GB18030 (what Excel on Chinese Windows writes), delimiter guessed from the first line.
//! A merged area's value fills every cell of it, as Excel shows it; formulas give their cached
//! values; date cells become dates and time or duration cells minutes ([`Cell`]).
//!
//! # Hostile input
//! The reader must never trust the file: it caps the file size ([`MAX_FILE_BYTES`]), the
//! uncompressed size of an .xlsx ([`MAX_UNZIPPED_BYTES`]: the declared sizes, then every part
//! inflated and refused at the first byte past what it declared, so a zip bomb lying about
//! its size is refused without inflating it ([`ReadError::UnzipsBeyondDeclared`])), the rows
//! ([`MAX_ROWS`] plus [`HEADER_ROOM`]), the columns it keeps ([`MAX_COLUMNS`]), each cell's text
//! and the text in all; it streams .xlsx cells instead of materialising the sheet's declared
//! dimensions (one cell at XFD1048576 must not allocate 17 billion cells). Each refusal is a
//! [`ReadError`] the caller turns into its own sentence.
//!
//! # Writing ([`write_table`])
//! A table to .xlsx (bold frozen header, column widths, text cells in Excel's text format so
//! ID numbers and phones never become 1.10105E+17, real numbers and dates, constant memory so
//! rows can stream from a query) or .csv (UTF-8 with BOM so Excel reads the Chinese; a text
//! cell that starts like a formula is [`neutralise`]d so a spreadsheet shows it, never runs it).

#![warn(missing_docs)]

mod cell;
mod date;
mod read;
mod write;

pub use cell::{column_letter, Cell};
pub use date::excel_date;
pub use read::{
    read, read_file, Format, ReadError, Sheet, HEADER_ROOM, MAX_CELL_CHARS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS,
    MAX_TEXT_BYTES, MAX_UNZIPPED_BYTES,
};
pub use write::{neutralise, workbook_bytes, write_rows, write_table, SheetTable, WriteCell, WriteError};
