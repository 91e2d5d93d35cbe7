//! The home screen's deadline list (issue 13): each worker's health check and insurance ending
//! within 30 days or ended (the latest of each), and each lost or damaged card not yet replaced
//! (its replacement due within 5 working days of the report). The rules and windows are
//! `certdesk_domain::deadlines`'s; this module only reads the rows they look at. Cancelled
//! workers are left out: nothing of theirs is due.

use certdesk_domain::deadlines::{expiry, replacement, DeadlineKind, Urgency};
use certdesk_domain::Code;
use chrono::NaiveDate;
use serde::Serialize;

use crate::{Desk, DeskResult};

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Deadline {
    pub worker_id: String,
    pub worker_name: String,
    pub kind: DeadlineKind,
    /// The last day (a health check's or policy's valid-until; a replacement's due day).
    pub due: String,
    /// Days to go (calendar days; working days for a replacement); negative when late.
    pub days_left: i64,
    pub urgency: Urgency,
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

impl Desk {
    /// Every deadline due today or coming, the most pressing first (overdue, then warnings,
    /// then by days left).
    pub fn deadlines(&self) -> DeskResult<Vec<Deadline>> {
        let today = self.today();
        let mut out = Vec::new();
        for (worker_id, worker_name, kind, until) in crate::table::workers::latest_cover_ends(&self.conn)? {
            let (Some(until), Some(kind)) = (date(&until), DeadlineKind::from_code(&kind)) else { continue };
            if let Some((days_left, urgency)) = expiry(today, until) {
                out.push(Deadline { worker_id, worker_name, kind, due: until.to_string(), days_left, urgency });
            }
        }
        for (worker_id, worker_name, reported_at) in crate::table::card_losses::unreplaced(&self.conn)? {
            // The report's day in Shanghai (stored as an instant in UTC).
            let Some(reported) = chrono::DateTime::parse_from_rfc3339(&reported_at)
                .ok()
                .map(|t| t.with_timezone(&crate::shanghai()).date_naive())
            else {
                continue;
            };
            let (due, days_left, urgency) = replacement(today, reported);
            out.push(Deadline { worker_id, worker_name, kind: DeadlineKind::CardReplacement, due: due.to_string(), days_left, urgency });
        }
        let rank = |u: Urgency| match u {
            Urgency::Overdue => 0,
            Urgency::Warn => 1,
            Urgency::Upcoming => 2,
        };
        out.sort_by(|a, b| (rank(a.urgency), a.days_left, &a.worker_name).cmp(&(rank(b.urgency), b.days_left, &b.worker_name)));
        Ok(out)
    }
}
