//! Finding workers: one box for any part of the name, the ID number (whole, its start, or its
//! last 4 or more characters), the phone, or the certificate code; results as the clerk types.
//!
//! Every path is an index range: names through the 1- and 2-character gram table, numbers
//! through the number columns and their reversed copies. Nothing here scans the whole table,
//! which is what keeps a query at 200,000 workers within a few milliseconds. Results come
//! newest first (ids are UUIDv7, so id order is enrolment order).

use certdesk_domain::{Gender, WorkerStatus};
use serde::Serialize;

use crate::table::workers::{self, Candidates, RangeColumn};
use crate::table::{worker_name_grams, worker_status_counts};
use crate::workers::reversed;
use crate::{Desk, DeskResult};

/// A row of the worker list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkerSummary {
    pub id: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub gender: Gender,
    pub status: WorkerStatus,
    pub certificate_code: Option<String>,
    pub updated_at: String,
}

/// A page of results and how many matched in all.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchResult {
    pub items: Vec<WorkerSummary>,
    /// How many matched; a lower bound when `total_capped`.
    pub total: u64,
    /// More than [`COUNT_CAP`] matched: `total` is the cap (shown as "10000+").
    pub total_capped: bool,
}

/// The most rows one search returns.
pub const MAX_LIMIT: usize = 500;

/// Counting stops here: nobody reads "共 43,817 人" differently from "10000+", and counting
/// every match of one common character would cost more than the search itself.
pub const COUNT_CAP: u64 = 10_000;

/// What a typed query means.
#[derive(Debug, PartialEq, Eq)]
enum Query {
    All,
    /// Digits (and a final X): ID number or phone, by prefix or suffix.
    Number(String),
    /// Anything else: part of a name, or a certificate code.
    Text(String),
}

fn classify(raw: &str) -> Query {
    // Full-width digits and letters come from Chinese input methods: fold them to ASCII.
    let folded: String = raw
        .chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if folded.is_empty() {
        return Query::All;
    }
    let upper = folded.to_uppercase();
    let body = upper.strip_prefix("+86").unwrap_or(&upper);
    let is_number = body.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || (c == 'X' && i == body.len() - 1));
    if is_number && body.len() >= 3 {
        Query::Number(body.to_string())
    } else {
        Query::Text(folded.to_lowercase())
    }
}

/// The exclusive upper bound of a prefix range: "abc" → "abd".
fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    if let Some(last) = chars.pop() {
        chars.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX));
    }
    chars.into_iter().collect()
}

/// The workers whose `col` starts with `lo`.
fn starts_with(col: RangeColumn, lo: String) -> Candidates {
    let hi = prefix_end(&lo);
    Candidates::range(col, lo, hi)
}

impl Desk {
    fn candidates(&self, query: Query) -> DeskResult<Option<Candidates>> {
        Ok(match query {
            Query::All => None,
            Query::Number(n) => {
                let mut parts = vec![];
                if n.len() >= 4 {
                    parts.push(starts_with(RangeColumn::IdNumber, n.clone()));
                    parts.push(starts_with(RangeColumn::IdRev, reversed(&n)));
                    parts.push(starts_with(RangeColumn::PhoneRev, reversed(&n)));
                }
                parts.push(starts_with(RangeColumn::Phone, n.clone()));
                parts.push(starts_with(RangeColumn::CertificateCode, n));
                parts.into_iter().reduce(Candidates::union)
            }
            Query::Text(t) => {
                let chars: Vec<char> = t.chars().filter(|c| *c != '·' && !c.is_whitespace()).collect();
                let code = t.to_uppercase();
                let mut c = if chars.len() <= 2 {
                    // One or two characters are a gram themselves: an exact index range.
                    worker_name_grams::with_gram(chars.iter().collect())
                } else {
                    // Longer: read the rarest two-character piece's entries, then check the
                    // whole query against each name.
                    let mut best: Option<(u64, String)> = None;
                    for w in chars.windows(2) {
                        let g: String = w.iter().collect();
                        let n = worker_name_grams::count(&self.conn, &g, COUNT_CAP + 1)?;
                        if best.as_ref().is_none_or(|(bn, _)| n < *bn) {
                            best = Some((n, g));
                        }
                    }
                    let gram = best.map(|(_, g)| g).unwrap_or_default();
                    worker_name_grams::with_gram_and_text(gram, chars.iter().collect())
                };
                if code.len() >= 3 && code.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                    c = c.union(starts_with(RangeColumn::CertificateCode, code));
                }
                Some(c)
            }
        })
    }

    /// Search workers; `status` narrows to one lifecycle status.
    pub fn search_workers(&self, query: &str, status: Option<WorkerStatus>, limit: usize) -> DeskResult<SearchResult> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let candidates = self.candidates(classify(query))?;
        let total: u64 = match (&candidates, status) {
            // The whole list: the table's count, or the trigger-kept count per status.
            (None, None) => workers::count(&self.conn)?,
            (None, Some(s)) => worker_status_counts::of(&self.conn, s)?,
            (Some(c), _) => workers::count_matching(&self.conn, c, status, COUNT_CAP + 1)?,
        };
        let items = workers::summaries(&self.conn, candidates.as_ref(), status, limit)?;
        // Only counted searches are capped; the whole list's counts are exact and cheap.
        let capped = candidates.is_some() && total > COUNT_CAP;
        Ok(SearchResult { items, total: if capped { COUNT_CAP } else { total }, total_capped: capped })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_classified_by_what_was_typed() {
        assert_eq!(classify("  "), Query::All);
        assert_eq!(classify("002x"), Query::Number("002X".into()));
        assert_eq!(classify("１３８ ０013"), Query::Number("1380013".into()));
        assert_eq!(classify("+86 138-0013-8000"), Query::Number("13800138000".into()));
        assert_eq!(classify("张三"), Query::Text("张三".into()));
        assert_eq!(classify("X12"), Query::Text("x12".into()), "an X not at the end is not an ID number");
    }

    #[test]
    fn prefix_end_is_the_next_string() {
        assert_eq!(prefix_end("0012"), "0013");
        assert_eq!(prefix_end("X"), "Y");
    }
}
