//! Numbers at a glance (首页统计): how many workers stand at each stage, and trainings and exam
//! passes per month for the home screen's chart.
//!
//! Read-only: nothing here writes. Every figure is one indexed aggregate, so the home screen
//! stays instant at 200,000 workers.

use certdesk_domain::WorkerStatus;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::table;
use crate::{Desk, DeskResult};

/// Workers per stage. `certified` is approved + printed + issued (持证).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StageCounts {
    pub enrolled: u64,
    pub in_training: u64,
    pub eligible: u64,
    pub applied: u64,
    pub certified: u64,
    pub rejected: u64,
    pub cancelled: u64,
    pub total: u64,
}

/// One month of the chart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthStats {
    /// `YYYY-MM`.
    pub month: String,
    /// Classes that started this month.
    pub classes: u64,
    /// Distinct workers credited hours in classes that started this month.
    pub trained: u64,
    /// Exam attempts sat this month.
    pub exams: u64,
    /// Of those, attempts that passed (against the pass mark in force when recorded).
    pub passed: u64,
}

/// The home screen's numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeskStats {
    pub stages: StageCounts,
    /// Oldest month first, ending with the current month; months with nothing are zeros.
    pub months: Vec<MonthStats>,
    /// The database key is kept in `database-key` in the data folder because no keyring
    /// answered: the home screen warns the manager (whoever copies the folder can read it).
    pub database_key_in_file: bool,
    /// Whole days since the last backup (`None`: never): the home screen warns the manager after
    /// [`crate::BACKUP_STALE_AFTER_DAYS`].
    pub days_since_backup: Option<i64>,
}

fn month_start(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1).expect("day 1 exists")
}

fn previous_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 1 { (d.year() - 1, 12) } else { (d.year(), d.month() - 1) };
    NaiveDate::from_ymd_opt(y, m, 1).expect("day 1 exists")
}

impl Desk {
    /// Counts by stage and the last `months` months (1 to 60) of trainings and passes.
    pub fn stats(&self, months: u32) -> DeskResult<DeskStats> {
        let mut stages = StageCounts::default();
        // Kept by triggers on `workers` (0001_init.sql): no count over 200,000 rows.
        for (status, n) in table::worker_status_counts::all(&self.conn)? {
            stages.total += n;
            match status {
                WorkerStatus::Enrolled => stages.enrolled += n,
                WorkerStatus::InTraining => stages.in_training += n,
                WorkerStatus::Eligible => stages.eligible += n,
                WorkerStatus::Applied => stages.applied += n,
                WorkerStatus::Approved | WorkerStatus::Printed | WorkerStatus::Issued => stages.certified += n,
                WorkerStatus::Rejected => stages.rejected += n,
                WorkerStatus::Cancelled => stages.cancelled += n,
            }
        }

        let months = months.clamp(1, 60);
        let mut firsts = vec![month_start(self.today())];
        while firsts.len() < months as usize {
            let prev = previous_month(*firsts.last().expect("not empty"));
            firsts.push(prev);
        }
        firsts.reverse();
        let from = firsts[0].format("%Y-%m").to_string();
        let mut by_month: Vec<MonthStats> =
            firsts.iter().map(|d| MonthStats { month: d.format("%Y-%m").to_string(), ..Default::default() }).collect();
        let mut put = |month: String, f: &mut dyn FnMut(&mut MonthStats)| {
            if let Some(m) = by_month.iter_mut().find(|m| m.month == month) {
                f(m);
            }
        };
        let rows = table::training_classes::per_month(&self.conn, &from)?;
        for (m, classes, trained) in rows {
            put(m, &mut |s| {
                s.classes = classes;
                s.trained = trained;
            });
        }
        let rows = table::exam_results::per_month(&self.conn, &from)?;
        for (m, exams, passed) in rows {
            put(m, &mut |s| {
                s.exams = exams;
                s.passed = passed;
            });
        }
        let database_key_in_file = crate::db::key_kept(&self.data_dir) == Some(certdesk_secret::Kept::File);
        let days_since_backup = self.days_since_backup()?;
        Ok(DeskStats { stages, months: by_month, database_key_in_file, days_since_backup })
    }
}
