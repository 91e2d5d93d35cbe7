//! Deadlines people miss (issue 13): a health check or a policy that ends within
//! [`EXPIRY_NOTICE_DAYS`] days (or has ended), and a lost or damaged card, which must be
//! replaced within [`REPLACEMENT_WORKING_DAYS`] working days of the report, with a warning on
//! the last [`REPLACEMENT_WARNING_DAYS`] of them.
//!
//! Working days are Monday to Friday. The State Council's yearly holiday and make-up-day
//! calendar is not built in: a holiday counts as a working day here, so the deadline shown is
//! never later than the real one. This module must never read a clock.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A health check or policy ending within this many days is listed.
pub const EXPIRY_NOTICE_DAYS: i64 = 30;
/// A lost or damaged card is replaced within this many working days of the report.
pub const REPLACEMENT_WORKING_DAYS: u32 = 5;
/// The replacement deadline warns on its last this many working days.
pub const REPLACEMENT_WARNING_DAYS: u32 = 2;

/// What is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DeadlineKind {
    /// A new health check (体检).
    HealthCheck,
    /// A new insurance policy (保险).
    Insurance,
    /// A replacement card (补办) for a lost or damaged one.
    CardReplacement,
}

crate::closed_set!(DeadlineKind, "deadline kind", {
    HealthCheck => "health_check",
    Insurance => "insurance",
    CardReplacement => "card_replacement",
});

impl DeadlineKind {
    /// Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            DeadlineKind::HealthCheck => "体检",
            DeadlineKind::Insurance => "保险",
            DeadlineKind::CardReplacement => "补办证卡",
        }
    }
}

/// How pressing a deadline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Urgency {
    /// Past: expired, or the replacement is late.
    Overdue,
    /// Within its warning window (the last working days of a replacement).
    Warn,
    /// Listed ahead of time.
    Upcoming,
}

crate::closed_set!(Urgency, "urgency", {
    Overdue => "overdue",
    Warn => "warn",
    Upcoming => "upcoming",
});

fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn next_day(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}

/// The `n`th working day after `from` (`from` itself not counted).
pub fn add_working_days(from: NaiveDate, n: u32) -> NaiveDate {
    let mut d = from;
    let mut left = n;
    while left > 0 {
        d = next_day(d);
        if is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// Working days from `today` to `due`, `due` counted and `today` not: 0 on the day itself
/// (or a weekend just before it), negative when late (-1 the first working day after).
pub fn working_days_left(today: NaiveDate, due: NaiveDate) -> i64 {
    let (mut d, mut n) = (today, 0i64);
    if today <= due {
        while d < due {
            d = next_day(d);
            if is_working_day(d) {
                n += 1;
            }
        }
        n
    } else {
        while d > due {
            if is_working_day(d) {
                n -= 1;
            }
            d = d.pred_opt().unwrap_or(due);
        }
        n
    }
}

/// A health check or a policy whose last day is `until`: listed (with its urgency) when it
/// ends within [`EXPIRY_NOTICE_DAYS`] days or has ended; `None` when it is far off.
pub fn expiry(today: NaiveDate, until: NaiveDate) -> Option<(i64, Urgency)> {
    let days = (until - today).num_days();
    match days {
        d if d < 0 => Some((d, Urgency::Overdue)),
        d if d <= EXPIRY_NOTICE_DAYS => Some((d, Urgency::Upcoming)),
        _ => None,
    }
}

/// A card reported lost or damaged on `reported_on`: its replacement's due day, the working
/// days left and the urgency (warn on the last [`REPLACEMENT_WARNING_DAYS`] working days).
pub fn replacement(today: NaiveDate, reported_on: NaiveDate) -> (NaiveDate, i64, Urgency) {
    let due = add_working_days(reported_on, REPLACEMENT_WORKING_DAYS);
    let left = working_days_left(today, due);
    let urgency = if today > due {
        Urgency::Overdue
    } else if left < i64::from(REPLACEMENT_WARNING_DAYS) {
        Urgency::Warn
    } else {
        Urgency::Upcoming
    };
    (due, left, urgency)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn five_working_days_skip_the_weekend() {
        // Thursday 2026-12-03 + 5 working days = Thursday 2026-12-10.
        assert_eq!(add_working_days(day("2026-12-03"), 5), day("2026-12-10"));
        // Reported on a Saturday: Monday is the first working day, Friday the fifth.
        assert_eq!(add_working_days(day("2026-12-05"), 5), day("2026-12-11"));
        assert_eq!(working_days_left(day("2026-12-03"), day("2026-12-10")), 5);
        assert_eq!(working_days_left(day("2026-12-10"), day("2026-12-10")), 0);
        assert_eq!(working_days_left(day("2026-12-11"), day("2026-12-10")), -1);
        assert_eq!(working_days_left(day("2026-12-14"), day("2026-12-10")), -2, "the weekend does not count late");
    }

    #[test]
    fn a_replacement_warns_on_its_last_two_working_days_and_is_overdue_after() {
        let reported = day("2026-12-03");
        assert_eq!(replacement(day("2026-12-04"), reported), (day("2026-12-10"), 4, Urgency::Upcoming));
        assert_eq!(replacement(day("2026-12-08"), reported).2, Urgency::Upcoming, "2 working days left: not yet the last two");
        assert_eq!(replacement(day("2026-12-09"), reported), (day("2026-12-10"), 1, Urgency::Warn));
        assert_eq!(replacement(day("2026-12-10"), reported), (day("2026-12-10"), 0, Urgency::Warn), "the last day warns");
        assert_eq!(replacement(day("2026-12-11"), reported).2, Urgency::Overdue);
    }

    #[test]
    fn expiries_within_thirty_days_or_past_are_listed() {
        let today = day("2026-12-03");
        assert_eq!(expiry(today, day("2027-01-02")), Some((30, Urgency::Upcoming)));
        assert_eq!(expiry(today, day("2027-01-03")), None, "31 days off: not yet");
        assert_eq!(expiry(today, today), Some((0, Urgency::Upcoming)), "the last day still counts");
        assert_eq!(expiry(today, day("2026-12-02")), Some((-1, Urgency::Overdue)));
    }
}
