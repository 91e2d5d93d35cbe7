//! A cell as read, before it means anything, and Excel's column letters.

/// A cell as read, before it means anything.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in it.
    Empty,
    /// Text (at most [`crate::MAX_CELL_CHARS`] characters).
    Text(String),
    /// A number (integers too).
    Number(f64),
    /// A date cell (Excel's 1900 system), at midnight.
    Date(chrono::NaiveDateTime),
    /// A boolean cell.
    Bool(bool),
    /// A formula error (`#N/A`, `#REF!`…), as Excel shows it.
    Error(String),
    /// A time or duration cell (`2:15:00`, `[h]:mm`), in minutes: how long, not when.
    Duration(f64),
}

impl Cell {
    /// Empty, or text of blanks only.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way a person reads it (numbers without a trailing .0).
    pub fn text(&self) -> String {
        match self {
            Cell::Duration(m) => {
                let m = m.round() as i64;
                format!("{}:{:02}", m / 60, m % 60)
            }
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) => number_text(*n),
            Cell::Date(d) => d.date().to_string(),
            Cell::Bool(b) => if *b { "是" } else { "否" }.into(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// A number as a person writes it: integers without `.0`.
pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Excel's letters for column `c` (0 = A, 26 = AA).
pub fn column_letter(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push((b'A' + (c % 26) as u8) as char);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
