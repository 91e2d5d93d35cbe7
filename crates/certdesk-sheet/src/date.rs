//! Dates as Excel and the people who type into it write them.

use chrono::{Duration, NaiveDate};

use crate::cell::{number_text, Cell};

/// A date from any of the forms Excel writes: a date cell, a serial number (1900 system),
/// `2026-01-05`, `2026/1/5`, `2026.1.5`, `2026年1月5日`, `20260105`, with or without a time.
pub fn excel_date(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::Date(d) => Some(d.date()),
        Cell::Number(n) => serial_date(*n).or_else(|| compact_date(&number_text(*n))),
        Cell::Text(t) => text_date(t),
        _ => None,
    }
}

/// The day of an Excel serial number, or `None` outside 1 March 1900 ..= 9999-12-31.
pub(crate) fn serial_date(n: f64) -> Option<NaiveDate> {
    // 1 = 1900-01-01 in Excel's 1900 system (which counts a 29 Feb 1900 that never was, so
    // the base is 1899-12-30 for every date after February 1900). 2958465 = 9999-12-31.
    if !(61.0..=2_958_465.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(n.trunc() as i64))
}

fn compact_date(t: &str) -> Option<NaiveDate> {
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        NaiveDate::parse_from_str(t, "%Y%m%d").ok()
    } else {
        None
    }
}

fn text_date(t: &str) -> Option<NaiveDate> {
    let t: String = t
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect();
    // Drop a time part: "2026-01-05 00:00:00", "2026-01-05T00:00".
    let day = t.split([' ', 'T']).next().unwrap_or("");
    let unified: String = day
        .replace(['年', '月'], "-")
        .replace('日', "")
        .replace(['/', '.'], "-");
    if let Ok(d) = NaiveDate::parse_from_str(&unified, "%Y-%m-%d") {
        return Some(d);
    }
    if let Some(d) = compact_date(day) {
        return Some(d);
    }
    // A serial number written as text ("46027") by a csv export.
    day.parse::<f64>().ok().and_then(serial_date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_date_form_excel_writes_is_read() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        for t in ["2026-01-05", "2026/1/5", "2026.1.5", "2026年1月5日", "20260105", "2026-01-05 00:00:00", "46027", "２０２６/１/５"] {
            assert_eq!(excel_date(&Cell::Text(t.into())), Some(d), "{t}");
        }
        assert_eq!(excel_date(&Cell::Number(46027.0)), Some(d), "serial number");
        assert_eq!(excel_date(&Cell::Number(20260105.0)), Some(d), "a compact date typed as a number");
        assert_eq!(excel_date(&Cell::Date(d.and_hms_opt(0, 0, 0).unwrap())), Some(d));
        assert_eq!(excel_date(&Cell::Text("2026-02-30".into())), None);
        assert_eq!(excel_date(&Cell::Text("上周".into())), None);
    }
}
