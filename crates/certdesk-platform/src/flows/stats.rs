//! The city's statistics (issue 14 item 6), computed from the records: per district the
//! agencies, the workers holding a certificate in force and the cards issued; per month the
//! applications and their decisions, the training classes held (offline, online) and the
//! workers credited hours in them, the exams the agencies synced and how many passed (by
//! each agency's own pass mark, with the domain's rule), the ratings and their average, the
//! complaints, and how many were closed (办结) and in how many days (the median). A pure function of [`StatsFacts`] and today, so a test checks the figures against
//! a known data set.

use std::collections::{BTreeMap, HashMap, HashSet};

use certdesk_domain::training::{passes, ClassMode};
use certdesk_domain::{TrainingSettings, DISTRICTS};
use chrono::{Datelike, Months, NaiveDate};
use uuid::Uuid;

use crate::store::columns::certificate_in_force;
use crate::store::operators::StatsFacts;
use crate::store::repo::ApplicationStatus;

/// One district's row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictRow {
    /// 黄浦区, 徐汇区, ... (the 16 in the programme's order).
    pub district: &'static str,
    /// Agencies registered there.
    pub agencies: u64,
    /// Workers of those agencies holding a certificate in force today (not cancelled, not past
    /// its last valid day).
    pub certified: u64,
    /// Certificates ever issued to those agencies' workers.
    pub certificates: u64,
}

/// One month's row.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Applications made that month.
    pub applications: u64,
    /// Applications approved that month.
    pub approved: u64,
    /// Applications rejected that month.
    pub rejected: u64,
    /// Offline training classes (线下) that started that month.
    pub offline_classes: u64,
    /// Online training classes (线上) that started that month.
    pub online_classes: u64,
    /// Workers credited class hours in a class that started that month (each once a month).
    pub trained: u64,
    /// Exam attempts taken that month.
    pub exams: u64,
    /// Of them, those that passed.
    pub passed: u64,
    /// Ratings given that month.
    pub ratings: u64,
    /// Their average (1–5), when there were any.
    pub average_stars: Option<f64>,
    /// Complaints filed that month.
    pub complaints: u64,
    /// Complaints the office closed (办结) that month.
    pub closed: u64,
    /// The median of how long those took from filing to closing, in days.
    pub median_days_to_close: Option<f64>,
}

impl MonthRow {
    /// The share of exams passed, in per cent, when there were any.
    pub fn pass_rate(&self) -> Option<f64> {
        (self.exams > 0).then(|| self.passed as f64 * 100.0 / self.exams as f64)
    }
}

/// The city's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct CityStats {
    /// The 16 districts, in the programme's order (a district outside them is left out).
    pub districts: Vec<DistrictRow>,
    /// The last twelve months, oldest first, this month last.
    pub months: Vec<MonthRow>,
}

impl CityStats {
    /// The districts' totals: agencies, certified workers, certificates.
    pub fn totals(&self) -> (u64, u64, u64) {
        self.districts.iter().fold((0, 0, 0), |t, d| (t.0 + d.agencies, t.1 + d.certified, t.2 + d.certificates))
    }
}

/// Months shown.
pub const MONTHS: u32 = 12;

/// The figures for `today` (Shanghai's date).
pub fn city_stats(facts: &StatsFacts, today: NaiveDate) -> CityStats {
    let district_of: HashMap<Uuid, &str> = facts.agencies.iter().map(|(id, d)| (*id, d.as_str())).collect();
    let mut districts: Vec<DistrictRow> =
        DISTRICTS.iter().map(|d| DistrictRow { district: d, agencies: 0, certified: 0, certificates: 0 }).collect();
    let row = |rows: &mut Vec<DistrictRow>, agency: &Uuid| -> Option<usize> {
        let d = district_of.get(agency)?;
        rows.iter().position(|r| r.district == *d)
    };
    for (id, _) in &facts.agencies {
        if let Some(i) = row(&mut districts, id) {
            districts[i].agencies += 1;
        }
    }
    let mut in_force: HashSet<Uuid> = HashSet::new();
    for (agency, worker, until, revoked) in &facts.certificates {
        if let Some(i) = row(&mut districts, agency) {
            districts[i].certificates += 1;
            // The stores write `valid_until` as an ISO date; one that does not read is in force
            // for no one.
            let until = until.parse::<NaiveDate>();
            if until.is_ok_and(|until| certificate_in_force(*revoked, until, today)) && in_force.insert(*worker) {
                districts[i].certified += 1;
            }
        }
    }

    let first = today.with_day(1).expect("the first of the month") - Months::new(MONTHS - 1);
    let mut months: BTreeMap<String, MonthRow> = (0..MONTHS)
        .map(|k| {
            let m = (first + Months::new(k)).format("%Y-%m").to_string();
            (m.clone(), MonthRow { month: m, applications: 0, approved: 0, rejected: 0, offline_classes: 0, online_classes: 0, trained: 0, exams: 0, passed: 0, ratings: 0, average_stars: None, complaints: 0, closed: 0, median_days_to_close: None })
        })
        .collect();
    for (_, applied, status, decided) in &facts.applications {
        if let Some(m) = months.get_mut(applied) {
            m.applications += 1;
        }
        if let Some(m) = decided.as_ref().and_then(|d| months.get_mut(d)) {
            match status {
                ApplicationStatus::Approved => m.approved += 1,
                ApplicationStatus::Rejected => m.rejected += 1,
                ApplicationStatus::Pending | ApplicationStatus::Withdrawn => {}
            }
        }
    }
    // Trainings: the classes held each month by mode, and who was credited hours in them.
    let mut class_month: HashMap<&str, &str> = HashMap::new();
    for (id, starts_at, mode) in &facts.classes {
        let Some(month) = starts_at.get(..7) else { continue };
        let Some(m) = months.get_mut(month) else { continue };
        match mode {
            ClassMode::Offline => m.offline_classes += 1,
            ClassMode::Online => m.online_classes += 1,
        }
        class_month.insert(id.as_str(), month);
    }
    let mut trained: HashSet<(&str, &str)> = HashSet::new();
    for (class, worker, hours) in &facts.participants {
        if *hours > 0.0 {
            if let Some(month) = class_month.get(class.as_str()) {
                if trained.insert((month, worker.as_str())) {
                    months.get_mut(*month).expect("a shown month").trained += 1;
                }
            }
        }
    }
    let settings: HashMap<Uuid, TrainingSettings> = facts
        .settings
        .iter()
        .filter_map(|(agency, json)| serde_json::from_value(json.clone()).ok().map(|s| (*agency, s)))
        .collect();
    let default = TrainingSettings::default();
    for (agency, date, score) in &facts.exams {
        if let Some(m) = date.get(..7).and_then(|month| months.get_mut(month)) {
            m.exams += 1;
            if passes(*score, settings.get(agency).unwrap_or(&default)) {
                m.passed += 1;
            }
        }
    }
    let mut stars: HashMap<String, u64> = HashMap::new();
    for (month, s) in &facts.ratings {
        if let Some(m) = months.get_mut(month) {
            m.ratings += 1;
            *stars.entry(month.clone()).or_default() += u64::from(*s);
        }
    }
    for m in months.values_mut() {
        m.average_stars = (m.ratings > 0).then(|| stars[&m.month] as f64 / m.ratings as f64);
    }
    let mut to_close: HashMap<String, Vec<i64>> = HashMap::new();
    for (filed, closed) in &facts.complaints {
        if let Some(m) = months.get_mut(filed) {
            m.complaints += 1;
        }
        if let Some((month, minutes)) = closed {
            if let Some(m) = months.get_mut(month) {
                m.closed += 1;
                to_close.entry(month.clone()).or_default().push(*minutes);
            }
        }
    }
    for (month, mut minutes) in to_close {
        minutes.sort_unstable();
        let n = minutes.len();
        let median = if n % 2 == 1 { minutes[n / 2] as f64 } else { (minutes[n / 2 - 1] + minutes[n / 2]) as f64 / 2.0 };
        if let Some(m) = months.get_mut(&month) {
            m.median_days_to_close = Some(median / 1440.0);
        }
    }
    CityStats { districts, months: months.into_values().collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_follow_the_records_and_each_agencys_pass_mark() {
        let (a, b, c) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let (w1, w2, w3) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let facts = StatsFacts {
            agencies: vec![(a, "黄浦区".into()), (b, "黄浦区".into()), (c, "崇明区".into())],
            certificates: vec![
                (a, w1, "2029-01-01".into(), false),
                (a, w2, "2026-12-01".into(), false), // ended three days ago
                (b, w3, "2029-01-01".into(), true),  // cancelled
            ],
            applications: vec![
                (a, "2026-11".into(), ApplicationStatus::Approved, Some("2026-12".into())),
                (a, "2026-12".into(), ApplicationStatus::Rejected, Some("2026-12".into())),
                (b, "2026-12".into(), ApplicationStatus::Pending, None),
                (b, "2024-01".into(), ApplicationStatus::Approved, Some("2024-01".into())), // too long ago
            ],
            exams: vec![(a, "2026-12-01".into(), 62.0), (b, "2026-12-02".into(), 62.0), (b, "2026-11-30".into(), 90.0)],
            classes: vec![
                ("c1".into(), "2026-12-01 09:00".into(), ClassMode::Offline),
                ("c2".into(), "2026-12-02 09:00".into(), ClassMode::Online),
                ("c3".into(), "2026-11-20 09:00".into(), ClassMode::Offline),
                ("c4".into(), "2025-01-20 09:00".into(), ClassMode::Offline), // too long ago
            ],
            participants: vec![
                ("c1".into(), "w1".into(), 3.0),
                ("c2".into(), "w1".into(), 1.0), // the same worker twice in December: once
                ("c2".into(), "w2".into(), 0.0), // credited nothing: not trained
                ("c3".into(), "w3".into(), 3.0),
                ("c4".into(), "w4".into(), 3.0),
                ("c9".into(), "w5".into(), 3.0), // a class the platform does not hold
            ],
            settings: vec![(b, serde_json::json!({"class_hour_minutes": 45, "pass_mark": 65.0}))],
            ratings: vec![("2026-12".into(), 5), ("2026-12".into(), 2)],
            complaints: vec![
                ("2026-11".into(), Some(("2026-12".into(), 3 * 1440))),
                ("2026-12".into(), Some(("2026-12".into(), 1440 / 2))),
                ("2026-12".into(), Some(("2026-12".into(), 10 * 1440))),
                ("2026-12".into(), None),
            ],
        };
        let s = city_stats(&facts, NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
        assert_eq!(s.districts.len(), 16);
        let huangpu = &s.districts[0];
        assert_eq!((huangpu.district, huangpu.agencies, huangpu.certified, huangpu.certificates), ("黄浦区", 2, 1, 3));
        assert_eq!(s.districts.iter().find(|d| d.district == "崇明区").unwrap().agencies, 1);
        assert_eq!(s.totals(), (3, 1, 3));
        assert_eq!(s.months.len(), 12);
        assert_eq!(s.months[0].month, "2026-01");
        let dec = s.months.last().unwrap();
        assert_eq!((dec.month.as_str(), dec.applications, dec.approved, dec.rejected), ("2026-12", 2, 1, 1));
        assert_eq!((dec.exams, dec.passed), (2, 1), "62 passes at agency a (60) but not at b (65)");
        assert_eq!((dec.offline_classes, dec.online_classes, dec.trained), (1, 1, 1), "classes by mode; each worker credited once a month");
        assert_eq!((s.months[10].offline_classes, s.months[10].trained), (1, 1));
        assert_eq!(dec.pass_rate(), Some(50.0));
        assert_eq!((dec.ratings, dec.average_stars), (2, Some(3.5)));
        assert_eq!((dec.complaints, dec.closed, dec.median_days_to_close), (3, 3, Some(3.0)), "closed in half a day, 3 and 10 days: the median is 3");
        let nov = &s.months[10];
        assert_eq!((nov.month.as_str(), nov.applications, nov.exams, nov.passed, nov.complaints), ("2026-11", 1, 1, 1, 1));
        assert_eq!((nov.average_stars, nov.closed, nov.median_days_to_close), (None, 0, None));
    }
}
