//! `exam_results`: every exam attempt (retakes are new rows; nothing is overwritten), each with
//! the pass mark in force when it was recorded.

use certdesk_domain::training::ExamAttempt;
use chrono::NaiveDate;
use rusqlite::{params, Connection, Row};

use crate::training::ExamResult;

const SELECT: &str =
    "SELECT id, worker_id, class_id, exam_date, attempt, score, score + 0.000000001 >= pass_mark, recorded_at, pass_mark, recorded_by FROM exam_results";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ExamResult> {
    Ok(ExamResult {
        id: r.get(0)?,
        worker_id: r.get(1)?,
        class_id: r.get(2)?,
        exam_date: r.get(3)?,
        attempt: r.get(4)?,
        score: r.get(5)?,
        passed: r.get(6)?,
        recorded_at: r.get(7)?,
        pass_mark: r.get(8)?,
        recorded_by_id: r.get(9)?,
    })
}

/// An attempt as recorded.
pub(crate) struct NewAttempt<'a> {
    pub id: &'a str,
    pub worker_id: &'a str,
    pub class_id: Option<&'a str>,
    pub exam_date: NaiveDate,
    pub attempt: u32,
    pub score: f64,
    pub pass_mark: f64,
}

/// Records an attempt, by `user_id` now.
pub(crate) fn insert(conn: &Connection, a: &NewAttempt<'_>, user_id: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO exam_results (id, worker_id, class_id, exam_date, attempt, score, pass_mark, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![a.id, a.worker_id, a.class_id, a.exam_date.to_string(), a.attempt, a.score, a.pass_mark, now, user_id],
    )?;
    Ok(())
}

/// Whether an attempt with this id is held.
pub(crate) fn exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM exam_results WHERE id = ?1)", [id], |r| r.get(0))
}

/// One attempt; an error when there is none.
pub(crate) fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<ExamResult> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?.query_row([id], from_row)
}

/// A worker's attempts, first attempt first.
pub(crate) fn of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<ExamResult>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE worker_id = ?1 ORDER BY attempt"))?;
    let rows = stmt.query_map([worker_id], from_row)?;
    rows.collect()
}

/// The number a worker's next attempt gets.
pub(crate) fn next_attempt(conn: &Connection, worker_id: &str) -> rusqlite::Result<u32> {
    conn.query_row("SELECT COALESCE(max(attempt), 0) + 1 FROM exam_results WHERE worker_id = ?1", [worker_id], |r| r.get(0))
}

/// How many attempts a worker sat in a class.
pub(crate) fn count_in_class(conn: &Connection, class_id: &str, worker_id: &str) -> rusqlite::Result<u32> {
    conn.query_row("SELECT count(*) FROM exam_results WHERE class_id = ?1 AND worker_id = ?2", [class_id, worker_id], |r| r.get(0))
}

/// A worker's attempts as the eligibility rule takes them.
pub(crate) fn attempts_of_worker(conn: &Connection, worker_id: &str) -> rusqlite::Result<Vec<ExamAttempt>> {
    let mut stmt = conn.prepare_cached("SELECT attempt, exam_date, score FROM exam_results WHERE worker_id = ?1")?;
    let rows = stmt.query_map([worker_id], |r| {
        let date: String = r.get(1)?;
        Ok(ExamAttempt {
            attempt: r.get(0)?,
            date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap_or_default(),
            score: r.get(2)?,
        })
    })?;
    rows.collect()
}

/// Per month (`YYYY-MM`) from `from_month` on: attempts sat, and those that passed.
pub(crate) fn per_month(conn: &Connection, from_month: &str) -> rusqlite::Result<Vec<(String, u64, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT substr(exam_date, 1, 7) AS m, count(*), sum(score + 0.000000001 >= pass_mark)
         FROM exam_results WHERE exam_date >= ?1 GROUP BY m",
    )?;
    let rows = stmt.query_map(params![from_month], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}


/// Every attempt's id, in the order recorded.
pub(crate) fn all_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM exam_results ORDER BY recorded_at, id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Moves a worker's attempt numbers past every number it and `beyond` hold (before its attempts
/// join `beyond`'s, or are numbered again by [`renumber`]): no two rows then share a number.
pub(crate) fn set_aside(conn: &Connection, worker_id: &str, beyond: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE exam_results SET attempt = attempt + (SELECT COALESCE(max(attempt), 0) FROM exam_results WHERE worker_id IN (?1, ?2))
         WHERE worker_id = ?1",
        [worker_id, beyond],
    )?;
    Ok(())
}

/// Numbers a worker's attempts in the order they were sat: by exam date, then when recorded
/// (then the number held, for attempts recorded in the same millisecond, then id). Every desk of
/// the agency holding the same attempts numbers them alike, whichever desk recorded which (two
/// desks recording an attempt offline both took the next number).
/// Returns whether a number changed.
pub(crate) fn renumber(conn: &Connection, worker_id: &str) -> rusqlite::Result<bool> {
    let out_of_order: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM (SELECT attempt, ROW_NUMBER() OVER (ORDER BY exam_date, recorded_at, attempt, id) AS n
                                     FROM exam_results WHERE worker_id = ?1) WHERE attempt <> n)",
        [worker_id],
        |r| r.get(0),
    )?;
    if !out_of_order {
        return Ok(false);
    }
    // Out of the way first: (worker, attempt) is unique at every row's update.
    set_aside(conn, worker_id, worker_id)?;
    conn.execute(
        "UPDATE exam_results SET attempt = (SELECT n FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY exam_date, recorded_at, attempt, id) AS n
                                                           FROM exam_results WHERE worker_id = ?1) r WHERE r.id = exam_results.id)
         WHERE worker_id = ?1",
        [worker_id],
    )?;
    Ok(true)
}
