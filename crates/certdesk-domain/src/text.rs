//! Small text helpers shared by the parsers: undoing what Chinese input methods do to ASCII.
//!
//! Internal only. It must never decide whether a value is valid; it only normalises.

/// Maps full-width ASCII forms (U+FF01..U+FF5E, typed by Chinese IMEs in full-width mode)
/// and the ideographic space to their ASCII equivalents, so "１３８" is read as "138".
pub(crate) fn to_halfwidth(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Renders a character for an error message so invisible ones (tabs, control characters,
/// odd spaces) are still identifiable to the clerk and to support staff.
pub(crate) fn show_char(c: char) -> String {
    if c.is_control() || (c.is_whitespace() && c != ' ') {
        format!("U+{:04X}", c as u32)
    } else if c == ' ' {
        "空格".to_owned()
    } else {
        c.to_string()
    }
}

/// English twin of [`show_char`].
pub(crate) fn show_char_en(c: char) -> String {
    if c.is_control() || (c.is_whitespace() && c != ' ') {
        format!("U+{:04X}", c as u32)
    } else if c == ' ' {
        "space".to_owned()
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_letters_and_ideographic_space_become_ascii() {
        assert_eq!(to_halfwidth("１３８　ｘＸ－（）＋"), "138 xX-()+");
    }

    #[test]
    fn invisible_characters_are_shown_by_code_point() {
        assert_eq!(show_char('\t'), "U+0009");
        assert_eq!(show_char(' '), "空格");
        assert_eq!(show_char_en(' '), "space");
        assert_eq!(show_char('3'), "3");
    }
}
