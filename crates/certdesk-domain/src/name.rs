//! Person names as they appear on ID cards: Han names, minority names joined by a middle dot
//! (买买提·艾力), and foreign names in Latin letters.
//!
//! The stored name must match the ID card character for character, because the police
//! comparison matches name and ID number together; so this module normalises only the dot
//! variants IMEs produce and otherwise refuses rather than "fixes". It must never transliterate
//! or change the case of a name.

use crate::error::FieldError;
use crate::messages as msg;

const MIN_CHARS: usize = 2;
const MAX_CHARS: usize = 30;
/// The middle dot ID cards print between the parts of a minority name.
const DOT: char = '\u{00B7}';

/// Validates and normalises a person's name typed into `field` (e.g. `"name"`,
/// `"emergency_contact_name"`).
///
/// Trims; collapses nothing else; 2 to 30 characters (not bytes). Allowed: CJK ideographs
/// (the basic block, Extension A and the supplementary planes, since rare characters in names
/// live there), the middle dot in its common IME forms (· • ‧ ・, stored as ·) between two
/// name parts, and Latin letters with single spaces between them for foreign names.
pub fn parse_person_name(input: &str, field: &str) -> Result<String, FieldError> {
    let chars: Vec<char> = input
        .trim()
        .chars()
        .map(|c| if is_dot_variant(c) { DOT } else { c })
        .collect();
    if chars.is_empty() {
        return Err(msg::name_empty(field));
    }
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        if is_han(c) || is_latin_letter(c) {
            continue;
        }
        if c == DOT {
            if prev.is_none() || next.is_none() || prev == Some(DOT) || next == Some(DOT) {
                return Err(msg::name_misplaced_dot(field));
            }
            continue;
        }
        if c == ' ' {
            let between_letters =
                prev.is_some_and(is_latin_letter) && next.is_some_and(is_latin_letter);
            if !between_letters {
                return Err(msg::name_misplaced_space(field));
            }
            continue;
        }
        return Err(msg::name_bad_char(field, c));
    }
    if !(MIN_CHARS..=MAX_CHARS).contains(&chars.len()) {
        return Err(msg::name_length(field, chars.len()));
    }
    Ok(chars.into_iter().collect())
}

/// The public-lookup form of a name: first and last character kept, the rest starred
/// (张*三, 王*), so a citizen can match the card without the full name being exposed.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// Two-character Chinese surnames (复姓) kept whole by [`mask_for_public`], so 欧阳娜娜 reads
/// 欧阳** rather than 欧**娜. Only the common ones: an unlisted one is masked like any name.
const COMPOUND_SURNAMES: [&str; 30] = [
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "闻人", "万俟", "澹台",
    "公冶", "太史", "申屠", "钟离", "赫连", "第五",
];

/// The name as the public verification page shows it to whoever scans a card: enough for a
/// citizen to match the person at the door, not enough to learn the name.
///
/// * Han names keep the surname and, from three characters on, the last character:
///   王五 → 王*, 张小三 → 张*三, 司马相如 → 司马**, 欧阳娜 → 欧阳*.
/// * Names in parts (买买提·艾力, John Smith) keep their first and last letters and their
///   separators: 买**·*力, J*** ****h.
/// * Anything shorter than two characters is a single star.
///
/// Each hidden character becomes one `*`, as on the card itself the name's length is visible.
/// This function must never return more than two characters of a Han given name.
pub fn mask_for_public(name: &str) -> String {
    let name = name.trim();
    let chars: Vec<char> = name.chars().collect();
    let n = chars.len();
    if n < 2 {
        return "*".to_owned();
    }
    let is_separator = |c: char| c == DOT || c == ' ';
    if !chars.iter().any(|&c| is_separator(c)) {
        if n >= 3 && COMPOUND_SURNAMES.iter().any(|s| name.starts_with(s)) {
            return format!(
                "{}{}",
                &chars[..2].iter().collect::<String>(),
                "*".repeat(n - 2)
            );
        }
        if n == 2 {
            return format!("{}*", chars[0]);
        }
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i == 0 || i == n - 1 || is_separator(c) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

fn is_dot_variant(c: char) -> bool {
    matches!(c, '\u{00B7}' | '\u{2022}' | '\u{2027}' | '\u{30FB}')
}

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'       // CJK Unified Ideographs
        | '\u{3400}'..='\u{4DBF}'     // Extension A
        | '\u{20000}'..='\u{2FFFD}'   // Supplementary Ideographic Plane (Ext B-F, I, compatibility)
        | '\u{30000}'..='\u{3FFFD}'   // Tertiary Ideographic Plane (Ext G, H and later)
    )
}

/// ASCII letters plus the accented Latin letters of Latin-1 Supplement and Latin Extended-A/B
/// (José, Müller), excluding the × and ÷ signs that sit in that range.
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic()
        || (matches!(c, '\u{00C0}'..='\u{024F}') && c != '\u{00D7}' && c != '\u{00F7}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::codes;

    fn ok(input: &str) -> String {
        parse_person_name(input, "name").unwrap()
    }

    fn err(input: &str) -> FieldError {
        parse_person_name(input, "name").unwrap_err()
    }

    #[test]
    fn han_names_are_accepted_and_trimmed() {
        assert_eq!(ok("王五"), "王五");
        assert_eq!(ok("  欧阳娜娜\u{3000}"), "欧阳娜娜");
    }

    #[test]
    fn minority_name_with_middle_dot_is_accepted() {
        assert_eq!(ok("买买提·艾力"), "买买提·艾力");
    }

    #[test]
    fn dot_variants_are_normalised_to_the_middle_dot() {
        assert_eq!(ok("阿依古丽•吐尔逊"), "阿依古丽·吐尔逊");
        assert_eq!(ok("阿依古丽‧吐尔逊"), "阿依古丽·吐尔逊");
        assert_eq!(ok("阿依古丽・吐尔逊"), "阿依古丽·吐尔逊");
    }

    #[test]
    fn extension_a_and_supplementary_ideographs_are_accepted() {
        assert_eq!(ok("王㐀"), "王㐀");
        assert_eq!(ok("王\u{20000}"), "王\u{20000}");
        assert_eq!(ok("张\u{30000}"), "张\u{30000}");
    }

    #[test]
    fn foreign_names_with_single_spaces_are_accepted() {
        assert_eq!(ok("John Smith"), "John Smith");
        assert_eq!(ok("José Müller"), "José Müller");
    }

    #[test]
    fn empty_name_is_refused_naming_the_field() {
        let e = parse_person_name("   ", "emergency_contact_name").unwrap_err();
        assert_eq!(e.code, codes::NAME_EMPTY);
        assert_eq!(e.field, "emergency_contact_name");
        assert!(e.message_zh.contains("紧急联系人姓名"), "{}", e.message_zh);
    }

    #[test]
    fn single_character_is_too_short() {
        let e = err("张");
        assert_eq!(e.code, codes::NAME_LENGTH);
        assert!(
            e.message_zh.contains("2到30") && e.message_zh.contains("1 个字"),
            "{}",
            e.message_zh
        );
    }

    #[test]
    fn thirty_characters_are_the_limit_counted_in_chars_not_bytes() {
        assert!(parse_person_name(&"王".repeat(30), "name").is_ok());
        let e = err(&"王".repeat(31));
        assert_eq!(e.code, codes::NAME_LENGTH);
        assert!(e.message_zh.contains("31 个字"), "{}", e.message_zh);
    }

    #[test]
    fn digit_is_refused_naming_it() {
        let e = err("张3");
        assert_eq!(e.code, codes::NAME_CHARS);
        assert!(e.message_zh.contains("“3”"), "{}", e.message_zh);
        assert!(e.message_en.contains("\"3\""), "{}", e.message_en);
    }

    #[test]
    fn full_stop_is_not_a_middle_dot() {
        let e = err("买买提．艾力");
        assert_eq!(e.code, codes::NAME_CHARS);
        assert!(e.message_zh.contains("．"), "{}", e.message_zh);
        assert_eq!(err("买买提.艾力").code, codes::NAME_CHARS);
    }

    #[test]
    fn dot_at_start_end_or_doubled_is_refused() {
        for bad in ["·艾力", "艾力·", "买买提··艾力", "买买提·•艾力"] {
            let e = err(bad);
            assert_eq!(e.code, codes::NAME_CHARS, "{bad}");
            assert!(e.message_zh.contains("·"), "{}", e.message_zh);
        }
    }

    #[test]
    fn double_space_is_refused_not_collapsed() {
        let e = err("John  Smith");
        assert_eq!(e.code, codes::NAME_CHARS);
        assert!(e.message_zh.contains("空格"), "{}", e.message_zh);
    }

    #[test]
    fn space_inside_a_chinese_name_is_refused() {
        let e = err("张 三");
        assert_eq!(e.code, codes::NAME_CHARS);
        assert!(e.message_zh.contains("空格"), "{}", e.message_zh);
    }

    #[test]
    fn control_characters_are_named_by_code_point() {
        let e = err("张\t三");
        assert_eq!(e.code, codes::NAME_CHARS);
        assert!(e.message_zh.contains("U+0009"), "{}", e.message_zh);
    }

    #[test]
    fn public_masking_of_han_names_keeps_the_surname_and_at_most_the_last_character() {
        assert_eq!(mask_for_public("王五"), "王*");
        assert_eq!(mask_for_public("张小三"), "张*三");
        assert_eq!(mask_for_public("张王小明"), "张**明");
        assert_eq!(
            mask_for_public(" 李四 "),
            "李*",
            "surrounding spaces are not letters"
        );
    }

    #[test]
    fn public_masking_keeps_a_compound_surname_whole_and_hides_the_given_name() {
        assert_eq!(mask_for_public("欧阳娜娜"), "欧阳**");
        assert_eq!(mask_for_public("欧阳娜"), "欧阳*");
        assert_eq!(mask_for_public("司马相如"), "司马**");
        assert_eq!(
            mask_for_public("欧阳"),
            "欧*",
            "two characters are surname and given name, whatever they spell"
        );
    }

    #[test]
    fn public_masking_of_names_in_parts_keeps_the_separators() {
        assert_eq!(mask_for_public("买买提·艾力"), "买**·*力");
        assert_eq!(mask_for_public("阿依古丽·吐尔逊"), "阿***·**逊");
        assert_eq!(mask_for_public("John Smith"), "J*** ****h");
    }

    #[test]
    fn public_masking_of_supplementary_characters_counts_characters_not_bytes() {
        assert_eq!(mask_for_public("王\u{20000}"), "王*");
        assert_eq!(mask_for_public("\u{20000}小明"), "\u{20000}*明");
    }

    #[test]
    fn public_masking_never_shows_a_one_character_name() {
        assert_eq!(mask_for_public(""), "*");
        assert_eq!(mask_for_public("张"), "*");
    }

    #[test]
    fn masking_keeps_first_and_last_character() {
        assert_eq!(mask_name("张小三"), "张*三");
        assert_eq!(mask_name("王五"), "王*");
        assert_eq!(mask_name("买买提·艾力"), "买****力");
        assert_eq!(mask_name(""), "");
    }
}
