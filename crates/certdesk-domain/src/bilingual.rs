//! One sentence a clerk reads, in Chinese and in English: the value every crate's `messages`
//! module returns, instead of a `(zh, en)` pair of loose strings.
//!
//! The clerks work in Chinese, so `Display` shows the Chinese; the English is for logs, support
//! and developers. Types that cross a wire or are stored keep their `message_zh`/`message_en`
//! fields (the JSON never changes): they are built from a `Bilingual` with
//! [`Bilingual::into_pair`] and read back with [`Bilingual::new`]. This module must never hold
//! a sentence itself; sentences live in the `messages` module of the crate that says them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A sentence in Chinese and English. Serialised as `{"zh": …, "en": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Bilingual {
    /// What the clerk reads, in Chinese.
    pub zh: String,
    /// The same, in English.
    pub en: String,
}

impl Bilingual {
    /// A sentence from its two wordings.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Bilingual { zh: zh.into(), en: en.into() }
    }

    /// The two wordings, for a wire type that keeps its `message_zh`/`message_en` fields.
    pub fn into_pair(self) -> (String, String) {
        (self.zh, self.en)
    }

    /// This sentence with `prefix` before each wording (e.g. "第 3 行：" / "Row 3: ").
    pub fn prefixed(self, zh: &str, en: &str) -> Self {
        Bilingual { zh: format!("{zh}{}", self.zh), en: format!("{en}{}", self.en) }
    }

    /// Several sentences as one, joined the way each language joins a list of clauses
    /// (a Chinese semicolon, an English "; ").
    pub fn join<'a>(parts: impl IntoIterator<Item = &'a Bilingual>) -> Self {
        let (zh, en): (Vec<&str>, Vec<&str>) = parts.into_iter().map(|b| (b.zh.as_str(), b.en.as_str())).unzip();
        Bilingual { zh: zh.join("；"), en: en.join("; ") }
    }
}

impl fmt::Display for Bilingual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.zh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_serialises_as_zh_and_en_and_reads_back() {
        let b = Bilingual::new("请先登录", "Please sign in first");
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(json, r#"{"zh":"请先登录","en":"Please sign in first"}"#, "the shape other programs read");
        assert_eq!(serde_json::from_str::<Bilingual>(&json).unwrap(), b);
    }

    #[test]
    fn display_is_the_chinese_because_clerks_read_chinese() {
        assert_eq!(Bilingual::new("中文", "English").to_string(), "中文");
    }

    #[test]
    fn join_uses_each_languages_separator() {
        let parts = [Bilingual::new("甲", "a"), Bilingual::new("乙", "b")];
        assert_eq!(Bilingual::join(&parts), Bilingual::new("甲；乙", "a; b"));
        assert_eq!(Bilingual::new("错", "wrong").prefixed("第 2 行：", "Row 2: "), Bilingual::new("第 2 行：错", "Row 2: wrong"));
    }
}
