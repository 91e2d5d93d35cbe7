//! Finding workers: one box for any part of the name, the ID number (whole, its start, or its
//! last 4 or more characters), the phone, or the certificate code; results as the clerk types.
//!
//! Every path is an index range: names through the 1- and 2-character gram table, numbers
//! through the number columns and their reversed copies. Nothing here scans the whole table,
//! which is what keeps a query at 200,000 workers within a few milliseconds. Results come
//! newest first (ids are UUIDv7, so id order is enrolment order).

use certdesk_domain::{Gender, WorkerStatus};
use rusqlite::{params_from_iter, types::Value};
use serde::Serialize;

use crate::column;
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

const SUMMARY: &str = "w.id, w.name, w.id_number, w.phone, w.gender, w.status, w.certificate_code, w.updated_at";

/// A set of matching worker ids (a column `id`) as SQL, with its parameters.
struct Candidates {
    sql: String,
    args: Vec<Value>,
}

fn range_sql(col: &str, lo: String, parts: &mut Vec<String>, args: &mut Vec<Value>) {
    parts.push(format!("SELECT id FROM workers WHERE {col} >= ? AND {col} < ?"));
    let hi = prefix_end(&lo);
    args.push(Value::Text(lo));
    args.push(Value::Text(hi));
}

impl Desk {
    /// How many index entries a name gram has, counted up to the cap.
    fn gram_count(&self, gram: &str) -> DeskResult<u64> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM worker_name_grams WHERE gram = ?1 LIMIT ?2)")?
            .query_row(rusqlite::params![gram, COUNT_CAP as i64 + 1], |r| r.get(0))?)
    }

    fn candidates(&self, query: Query) -> DeskResult<Option<Candidates>> {
        Ok(match query {
            Query::All => None,
            Query::Number(n) => {
                let (mut parts, mut args) = (vec![], vec![]);
                if n.len() >= 4 {
                    range_sql("id_number", n.clone(), &mut parts, &mut args);
                    range_sql("id_rev", reversed(&n), &mut parts, &mut args);
                    range_sql("phone_rev", reversed(&n), &mut parts, &mut args);
                }
                range_sql("phone", n.clone(), &mut parts, &mut args);
                range_sql("certificate_code", n, &mut parts, &mut args);
                Some(Candidates { sql: parts.join(" UNION "), args })
            }
            Query::Text(t) => {
                let chars: Vec<char> = t.chars().filter(|c| *c != '·' && !c.is_whitespace()).collect();
                let code = t.to_uppercase();
                let mut c = if chars.len() <= 2 {
                    // One or two characters are a gram themselves: an exact index range.
                    Candidates {
                        sql: "SELECT worker_id AS id FROM worker_name_grams WHERE gram = ?".into(),
                        args: vec![Value::Text(chars.iter().collect())],
                    }
                } else {
                    // Longer: read the rarest two-character piece's entries, then check the
                    // whole query against each name.
                    let mut best: Option<(u64, String)> = None;
                    for w in chars.windows(2) {
                        let g: String = w.iter().collect();
                        let n = self.gram_count(&g)?;
                        if best.as_ref().is_none_or(|(bn, _)| n < *bn) {
                            best = Some((n, g));
                        }
                    }
                    let gram = best.map(|(_, g)| g).unwrap_or_default();
                    Candidates {
                        sql: "SELECT g.worker_id AS id FROM worker_name_grams g JOIN workers n ON n.id = g.worker_id
                              WHERE g.gram = ? AND instr(lower(replace(replace(n.name, '·', ''), ' ', '')), ?) > 0"
                            .into(),
                        args: vec![Value::Text(gram), Value::Text(chars.iter().collect())],
                    }
                };
                if code.len() >= 3 && code.chars().all(|ch| ch.is_ascii_alphanumeric()) {
                    c.sql = format!(
                        "{} UNION SELECT id FROM workers WHERE certificate_code >= ? AND certificate_code < ?",
                        c.sql
                    );
                    c.args.push(Value::Text(code.clone()));
                    c.args.push(Value::Text(prefix_end(&code)));
                }
                Some(c)
            }
        })
    }

    /// Search workers; `status` narrows to one lifecycle status.
    pub fn search_workers(&self, query: &str, status: Option<WorkerStatus>, limit: usize) -> DeskResult<SearchResult> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let status = status.map(|s| s.code());
        let candidates = self.candidates(classify(query))?;
        let (from, mut args) = match &candidates {
            None => ("workers w".to_string(), vec![]),
            // CROSS JOIN keeps the candidates as the outer loop: SQLite must not walk
            // every worker of a status and probe the candidates instead.
            Some(c) => (format!("({}) m CROSS JOIN workers w ON w.id = m.id", c.sql), c.args.clone()),
        };
        let status_sql = if status.is_some() { "WHERE w.status = ?" } else { "" };
        if let Some(s) = status {
            args.push(Value::Text(s.to_string()));
        }
        let total: u64 = match (&candidates, status) {
            // The whole list: the table's count, or the trigger-kept count per status.
            (None, None) => self.conn.prepare_cached("SELECT count(*) FROM workers")?.query_row([], |r| r.get(0))?,
            (None, Some(s)) => self
                .conn
                .prepare_cached("SELECT COALESCE((SELECT n FROM worker_status_counts WHERE status = ?1), 0)")?
                .query_row([s], |r| r.get(0))?,
            _ => {
                let mut count_args = args.clone();
                count_args.push(Value::Integer(COUNT_CAP as i64 + 1));
                self.conn
                    .prepare_cached(&format!("SELECT count(*) FROM (SELECT 1 FROM {from} {status_sql} LIMIT ?)"))?
                    .query_row(params_from_iter(count_args.iter()), |r| r.get(0))?
            }
        };
        let order = if candidates.is_some() { "m.id" } else { "w.id" };
        args.push(Value::Integer(limit as i64));
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {SUMMARY} FROM {from} {status_sql} ORDER BY {order} DESC LIMIT ?"))?;
        let items = stmt
            .query_map(params_from_iter(args.iter()), |r| {
                Ok(WorkerSummary {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    id_number: r.get(2)?,
                    phone: r.get(3)?,
                    gender: column::code(r, 4)?,
                    status: column::code(r, 5)?,
                    certificate_code: r.get(6)?,
                    updated_at: r.get(7)?,
                })
            })?
            .collect::<Result<_, _>>()?;
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
