//! `worker_name_grams`: the name search index, every 1- and 2-character piece of each worker's
//! name (the pieces themselves are cut by `crate::workers::name_grams`).

use std::collections::HashSet;

use rusqlite::types::Value;
use rusqlite::{params, Connection};

use super::workers::Candidates;

/// Replaces a worker's index entries with `grams`.
pub(crate) fn replace(conn: &Connection, worker_id: &str, grams: HashSet<String>) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM worker_name_grams WHERE worker_id = ?1", [worker_id])?;
    let mut stmt = conn.prepare_cached("INSERT OR IGNORE INTO worker_name_grams (gram, worker_id) VALUES (?1, ?2)")?;
    for g in grams {
        stmt.execute(params![g, worker_id])?;
    }
    Ok(())
}

/// How many entries `gram` has, counted no further than `limit`.
pub(crate) fn count(conn: &Connection, gram: &str, limit: u64) -> rusqlite::Result<u64> {
    conn.prepare_cached("SELECT count(*) FROM (SELECT 1 FROM worker_name_grams WHERE gram = ?1 LIMIT ?2)")?
        .query_row(params![gram, limit as i64], |r| r.get(0))
}

/// The workers whose name holds `gram` (one or two characters): an exact index range.
pub(crate) fn with_gram(gram: String) -> Candidates {
    Candidates { sql: "SELECT worker_id AS id FROM worker_name_grams WHERE gram = ?".into(), args: vec![Value::Text(gram)] }
}

/// The workers whose name holds `gram` and, ignoring case, spaces and ·, the whole of `text`.
pub(crate) fn with_gram_and_text(gram: String, text: String) -> Candidates {
    Candidates {
        sql: "SELECT g.worker_id AS id FROM worker_name_grams g JOIN workers n ON n.id = g.worker_id
              WHERE g.gram = ? AND instr(lower(replace(replace(n.name, '·', ''), ' ', '')), ?) > 0"
            .into(),
        args: vec![Value::Text(gram), Value::Text(text)],
    }
}
