//! Whether a worker may go through a household's door today, in one colour (issue 13): **green**
//! (the card is genuine and in force, the health check and the insurance are in date),
//! **yellow** (genuine and in force, but the health check or the insurance is missing, expired
//! or failed: it says which and since when), **red** (replaced, revoked, expired, forged,
//! unknown). The colour is always said in words too (绿 green, 黄 yellow, 红 red), so nobody
//! needs to tell colours apart.
//!
//! The platform's public page decides it from its live records, the desk's verify screen from
//! its synced ones: both call [`Standing::of`] and [`Standing::colour`]. This module must never
//! read a clock: "today" is an argument.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::health::HealthResult;
use crate::Bilingual;

/// The three colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Colour {
    /// 绿: genuine, in force, health check and insurance in date.
    Green,
    /// 黄: genuine and in force, but the health check or the insurance is not in date.
    Yellow,
    /// 红: not a card in force (replaced, revoked, expired, forged, unknown).
    Red,
}

crate::closed_set!(Colour, "colour", {
    Green => "green",
    Yellow => "yellow",
    Red => "red",
});

impl Colour {
    /// The colour said in Chinese: 绿, 黄, 红.
    pub fn word_zh(&self) -> &'static str {
        match self {
            Colour::Green => "绿",
            Colour::Yellow => "黄",
            Colour::Red => "红",
        }
    }

    /// The colour said in English: GREEN, YELLOW, RED.
    pub fn word_en(&self) -> &'static str {
        match self {
            Colour::Green => "GREEN",
            Colour::Yellow => "YELLOW",
            Colour::Red => "RED",
        }
    }
}

/// One health check as the colour sees it (the desk's and the synced record's field names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthFact {
    /// 体检日期.
    pub checked_on: NaiveDate,
    /// 合格 / 不合格.
    pub result: HealthResult,
    /// The last day it counts.
    pub valid_until: NaiveDate,
}

/// One insurance policy as the colour sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverFact {
    /// The first day covered.
    pub valid_from: NaiveDate,
    /// The last day covered.
    pub valid_until: NaiveDate,
}

/// Where the health check stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum HealthStanding {
    /// The latest check passed and counts until `until`.
    InDate {
        /// Its last day.
        until: NaiveDate,
    },
    /// The latest check passed but lapsed: not in date since `since`.
    Expired {
        /// The first day it no longer counted.
        since: NaiveDate,
    },
    /// The latest check, on `on`, found the worker unfit (不合格).
    Failed {
        /// Its date.
        on: NaiveDate,
    },
    /// No check recorded.
    Missing,
}

/// Where the insurance stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CoverStanding {
    /// A policy covers today, until `until`.
    InDate {
        /// The last day covered.
        until: NaiveDate,
    },
    /// The last cover ended: none since `since`.
    Expired {
        /// The first day without cover.
        since: NaiveDate,
    },
    /// The only policies start later, from `from`.
    NotYet {
        /// The first day covered.
        from: NaiveDate,
    },
    /// No policy recorded.
    Missing,
}

/// A worker's health check and insurance on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// The health check.
    pub health: HealthStanding,
    /// The insurance.
    pub insurance: CoverStanding,
}

fn day_after(d: NaiveDate) -> NaiveDate {
    d.checked_add_days(Days::new(1)).unwrap_or(d)
}

impl Standing {
    /// The rule: the **latest** health check decides (a later 不合格 outweighs an earlier 合格
    /// still in date); any policy covering today covers (the latest end wins).
    pub fn of(health: &[HealthFact], cover: &[CoverFact], today: NaiveDate) -> Standing {
        let latest = health.iter().max_by_key(|h| (h.checked_on, h.valid_until));
        let health = match latest {
            None => HealthStanding::Missing,
            Some(h) if h.result == HealthResult::Fail => HealthStanding::Failed { on: h.checked_on },
            Some(h) if h.valid_until >= today => HealthStanding::InDate { until: h.valid_until },
            Some(h) => HealthStanding::Expired { since: day_after(h.valid_until) },
        };
        let covering = cover.iter().filter(|c| c.valid_from <= today && today <= c.valid_until).map(|c| c.valid_until).max();
        let ended = cover.iter().filter(|c| c.valid_until < today).map(|c| c.valid_until).max();
        let future = cover.iter().filter(|c| c.valid_from > today).map(|c| c.valid_from).min();
        let insurance = match (covering, future, ended) {
            (Some(until), _, _) => CoverStanding::InDate { until },
            (None, Some(from), _) => CoverStanding::NotYet { from },
            (None, None, Some(last)) => CoverStanding::Expired { since: day_after(last) },
            (None, None, None) => CoverStanding::Missing,
        };
        Standing { health, insurance }
    }

    /// Both in date.
    pub fn in_date(&self) -> bool {
        matches!(self.health, HealthStanding::InDate { .. }) && matches!(self.insurance, CoverStanding::InDate { .. })
    }

    /// The colour of a card whose verdict is `card_in_force` (genuine, current and not
    /// revoked or expired) with this standing.
    pub fn colour(&self, card_in_force: bool) -> Colour {
        match (card_in_force, self.in_date()) {
            (false, _) => Colour::Red,
            (true, true) => Colour::Green,
            (true, false) => Colour::Yellow,
        }
    }

    /// What is not in date, one sentence each (health check first); empty when green.
    pub fn lapses(&self) -> Vec<Bilingual> {
        let mut out = Vec::new();
        match self.health {
            HealthStanding::InDate { .. } => {}
            HealthStanding::Expired { since } => out.push(crate::messages::standing::health_expired(since)),
            HealthStanding::Failed { on } => out.push(crate::messages::standing::health_failed(on)),
            HealthStanding::Missing => out.push(crate::messages::standing::health_missing()),
        }
        match self.insurance {
            CoverStanding::InDate { .. } => {}
            CoverStanding::Expired { since } => out.push(crate::messages::standing::insurance_expired(since)),
            CoverStanding::NotYet { from } => out.push(crate::messages::standing::insurance_not_yet(from)),
            CoverStanding::Missing => out.push(crate::messages::standing::insurance_missing()),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn check(on: &str, result: HealthResult, until: &str) -> HealthFact {
        HealthFact { checked_on: day(on), result, valid_until: day(until) }
    }

    fn cover(from: &str, until: &str) -> CoverFact {
        CoverFact { valid_from: day(from), valid_until: day(until) }
    }

    const TODAY: &str = "2026-12-03";

    #[test]
    fn green_only_when_the_card_is_in_force_and_both_are_in_date() {
        let s = Standing::of(&[check("2026-03-01", HealthResult::Pass, "2027-02-28")], &[cover("2026-01-01", "2026-12-31")], day(TODAY));
        assert_eq!(s.health, HealthStanding::InDate { until: day("2027-02-28") });
        assert_eq!(s.insurance, CoverStanding::InDate { until: day("2026-12-31") });
        assert_eq!((s.colour(true), s.colour(false)), (Colour::Green, Colour::Red), "a card not in force is red whatever else");
        assert!(s.lapses().is_empty());
        // The last day still counts.
        let last_day = Standing::of(&[check("2025-12-03", HealthResult::Pass, TODAY)], &[cover("2026-12-03", TODAY)], day(TODAY));
        assert_eq!(last_day.colour(true), Colour::Green);
    }

    #[test]
    fn yellow_says_which_is_missing_or_lapsed_and_since_when() {
        let none = Standing::of(&[], &[], day(TODAY));
        assert_eq!((none.health, none.insurance), (HealthStanding::Missing, CoverStanding::Missing));
        assert_eq!(none.colour(true), Colour::Yellow);
        let zh: Vec<String> = none.lapses().into_iter().map(|b| b.zh).collect();
        assert_eq!(zh, ["未登记体检", "未登记保险"]);

        let lapsed = Standing::of(&[check("2025-11-01", HealthResult::Pass, "2026-10-31")], &[cover("2025-01-01", "2025-12-31"), cover("2026-01-01", "2026-11-30")], day(TODAY));
        assert_eq!(lapsed.health, HealthStanding::Expired { since: day("2026-11-01") });
        assert_eq!(lapsed.insurance, CoverStanding::Expired { since: day("2026-12-01") }, "the latest end counts");
        let zh: Vec<String> = lapsed.lapses().into_iter().map(|b| b.zh).collect();
        assert_eq!(zh, ["体检已过期（自 2026-11-01 起）", "保险已过期（自 2026-12-01 起）"]);
        let en: Vec<String> = lapsed.lapses().into_iter().map(|b| b.en).collect();
        assert_eq!(en, ["Health check expired (since 2026-11-01)", "Insurance expired (since 2026-12-01)"]);
    }

    #[test]
    fn the_latest_health_check_decides_and_a_policy_not_started_does_not_cover() {
        let failed_later = Standing::of(
            &[check("2026-03-01", HealthResult::Pass, "2027-02-28"), check("2026-11-20", HealthResult::Fail, "2027-11-19")],
            &[cover("2026-12-10", "2027-12-09")],
            day(TODAY),
        );
        assert_eq!(failed_later.health, HealthStanding::Failed { on: day("2026-11-20") });
        assert_eq!(failed_later.insurance, CoverStanding::NotYet { from: day("2026-12-10") });
        assert_eq!(failed_later.colour(true), Colour::Yellow);
        let zh: Vec<String> = failed_later.lapses().into_iter().map(|b| b.zh).collect();
        assert_eq!(zh, ["最近一次体检（2026-11-20）结论为不合格", "保险尚未生效（自 2026-12-10 起）"]);
        // A new passed check after the failed one is green again.
        let passed_again = Standing::of(
            &[check("2026-11-20", HealthResult::Fail, "2027-11-19"), check("2026-12-01", HealthResult::Pass, "2027-11-30")],
            &[cover("2026-01-01", "2027-01-01")],
            day(TODAY),
        );
        assert_eq!(passed_again.colour(true), Colour::Green);
    }

    #[test]
    fn facts_read_from_the_synced_records_field_names() {
        let h: HealthFact = serde_json::from_value(serde_json::json!({
            "id": "x", "worker_id": "w", "checked_on": "2026-03-01", "institution": "医院", "category": "home",
            "result": "pass", "valid_until": "2027-02-28", "report_sha256": null
        }))
        .unwrap();
        assert_eq!(h, check("2026-03-01", HealthResult::Pass, "2027-02-28"));
        let c: CoverFact = serde_json::from_value(serde_json::json!({
            "insurer": "中国平安", "policy_number": "P1", "kind": "accident", "valid_from": "2026-01-01", "valid_until": "2026-12-31"
        }))
        .unwrap();
        assert_eq!(c, cover("2026-01-01", "2026-12-31"));
        assert_eq!((Colour::Yellow.word_zh(), Colour::Yellow.word_en(), Colour::Yellow.code()), ("黄", "YELLOW", "yellow"));
    }
}
