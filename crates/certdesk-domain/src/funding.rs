//! The funding pack (项目资金材料, issue 14 item 3): for one roster filing (名册备案), every worker
//! on the filed roster checked against the training records, and every problem listed with the
//! worker and what is missing. An agency needs the pack to apply for programme funds (项目资金);
//! the desk makes it from its own tables, the programme office from the records the agency
//! synced, and the two must agree. So this module holds the **one** rule and the **one** pack
//! type; each side only gathers facts ([`FiledRow`], [`HeldTraining`]) and calls
//! [`FundingPack::build`].
//!
//! # The rule (per worker on the roster)
//! - the worker is in the training records (a filed row whose certificate nobody holds here is
//!   [`PackProblem::NotInRecords`] and nothing else is said of it);
//! - the training itself: at least 3 class hours (the exam included), the latest exam passed,
//!   every offline class credited has its supervision form: [`crate::training::training_gaps`],
//!   the very function eligibility uses;
//! - the row as filed still says what the records say: the class hours and the latest exam's
//!   score (a retake or an attendance correction after the filing shows here).
//!
//! This module never reads the clock or anything but its arguments.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::messages;
use crate::training::{training_gaps, ClassCredit, ClassMode, ExamAttempt, HalfHours, TrainingGap, TrainingSettings};
use crate::Bilingual;

/// The filing a pack is for (from its signed receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackFiling {
    /// The filing number (备案号).
    pub number: String,
    /// The agency as registered with the platform.
    pub agency_name: String,
    /// First day of the period.
    pub period_from: NaiveDate,
    /// Last day of the period.
    pub period_to: NaiveDate,
    /// When the platform took the filing.
    pub filed_at: DateTime<Utc>,
    /// The filing it corrects.
    pub replaces: Option<String>,
}

/// One row of the roster as it was filed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FiledRow {
    /// 姓名.
    pub name: String,
    /// 身份证号.
    pub id_number: String,
    /// 上门服务证编码.
    pub certificate_code: String,
    /// First day of training.
    pub training_from: Option<NaiveDate>,
    /// Last day of training.
    pub training_to: Option<NaiveDate>,
    /// Class hours as filed.
    pub hours: HalfHours,
    /// The exam score as filed.
    pub exam_score: Option<f64>,
    /// The exam date as filed.
    pub exam_date: Option<NaiveDate>,
}

/// A worker's training as one side holds it: every class with the hours credited and whether
/// it has its supervision form, and every exam attempt.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HeldTraining {
    /// Every class the worker is in.
    pub classes: Vec<ClassCredit>,
    /// Every exam attempt.
    pub exams: Vec<ExamAttempt>,
}

/// One problem of a worker on the roster. A closed set: each has its code and its sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PackProblem {
    /// No training record holds the roster row's certificate.
    NotInRecords,
    /// A requirement of the training is not met.
    Training {
        /// Which.
        gap: TrainingGap,
    },
    /// The roster states other class hours than the records credit.
    HoursDifferFromFiling {
        /// As filed.
        filed: HalfHours,
        /// As the records credit them.
        held: HalfHours,
    },
    /// The roster states another exam score than the latest attempt's.
    ExamDiffersFromFiling {
        /// As filed.
        filed: Option<f64>,
        /// The latest attempt's.
        held: Option<f64>,
    },
}

impl PackProblem {
    /// Stable code: `not_in_records`, a training gap's code (`class_hours_short`,
    /// `exam_missing`, `exam_failed`, `supervision_missing`), `hours_differ_from_filing`,
    /// `exam_differs_from_filing`.
    pub fn code(&self) -> &'static str {
        match self {
            PackProblem::NotInRecords => "not_in_records",
            PackProblem::Training { gap } => gap.code(),
            PackProblem::HoursDifferFromFiling { .. } => "hours_differ_from_filing",
            PackProblem::ExamDiffersFromFiling { .. } => "exam_differs_from_filing",
        }
    }

    /// What is missing, as the clerk and the office read it.
    pub fn sentence(&self) -> Bilingual {
        match self {
            PackProblem::NotInRecords => messages::funding::not_in_records(),
            PackProblem::Training { gap } => gap.sentence(),
            PackProblem::HoursDifferFromFiling { filed, held } => messages::funding::hours_differ(*filed, *held),
            PackProblem::ExamDiffersFromFiling { filed, held } => messages::funding::exam_differs(*filed, *held),
        }
    }
}

/// One worker of the pack: the row as filed, the figures the records give, the problems.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackWorker {
    /// The row as filed.
    pub filed: FiledRow,
    /// Class hours the records credit (`None`: not in the records).
    pub held_hours: Option<HalfHours>,
    /// The latest exam attempt's score.
    pub latest_score: Option<f64>,
    /// Whether the latest attempt passed.
    pub exam_passed: bool,
    /// Offline classes the worker was credited for.
    pub offline_classes: u32,
    /// Of those, the ones with their supervision form.
    pub offline_supervised: u32,
    /// Every problem, in the order of the rule (see the module docs); empty when all holds.
    pub problems: Vec<PackProblem>,
}

/// The pack's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackTotals {
    /// Workers on the roster.
    pub workers: u32,
    /// Workers with no problem.
    pub workers_clear: u32,
    /// Workers with at least one.
    pub workers_with_problems: u32,
    /// Problems in all.
    pub problems: u32,
}

/// The funding pack of one filing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundingPack {
    /// The filing it is based on.
    pub filing: PackFiling,
    /// The agency's training settings it was checked with.
    pub settings: TrainingSettings,
    /// Every worker of the roster, by certificate code.
    pub workers: Vec<PackWorker>,
    /// The counts.
    pub totals: PackTotals,
}

/// One worker checked by the rule (see the module docs).
pub fn check_worker(filed: FiledRow, held: Option<&HeldTraining>, settings: &TrainingSettings) -> PackWorker {
    let Some(held) = held else {
        return PackWorker {
            filed,
            held_hours: None,
            latest_score: None,
            exam_passed: false,
            offline_classes: 0,
            offline_supervised: 0,
            problems: vec![PackProblem::NotInRecords],
        };
    };
    // The classes in a fixed order, so two sides that read them in different orders list the
    // same problems in the same order.
    let mut classes = held.classes.clone();
    classes.sort_by(|a, b| a.class_id.cmp(&b.class_id));
    let verdict = training_gaps(&classes, &held.exams, settings);
    let latest_score = verdict.latest.map(|e| e.score);
    let exam_passed = verdict.latest.is_some() && !verdict.gaps.iter().any(|g| matches!(g, TrainingGap::ExamFailed { .. }));
    let mut problems: Vec<PackProblem> = verdict.gaps.iter().cloned().map(|gap| PackProblem::Training { gap }).collect();
    if filed.hours != verdict.credited {
        problems.push(PackProblem::HoursDifferFromFiling { filed: filed.hours, held: verdict.credited });
    }
    if filed.exam_score != latest_score {
        problems.push(PackProblem::ExamDiffersFromFiling { filed: filed.exam_score, held: latest_score });
    }
    let offline: Vec<&ClassCredit> = classes.iter().filter(|c| c.mode == ClassMode::Offline && c.credited.0 > 0).collect();
    PackWorker {
        held_hours: Some(verdict.credited),
        latest_score,
        exam_passed,
        offline_classes: offline.len() as u32,
        offline_supervised: offline.iter().filter(|c| c.supervision_filed).count() as u32,
        problems,
        filed,
    }
}

impl FundingPack {
    /// The pack of `filing`: each filed row with the training the side holds for it (`None`:
    /// nobody here holds its certificate), checked with the agency's `settings`.
    pub fn build(filing: PackFiling, rows: Vec<(FiledRow, Option<HeldTraining>)>, settings: TrainingSettings) -> FundingPack {
        let mut workers: Vec<PackWorker> =
            rows.into_iter().map(|(filed, held)| check_worker(filed, held.as_ref(), &settings)).collect();
        workers.sort_by(|a, b| {
            a.filed.certificate_code.cmp(&b.filed.certificate_code).then_with(|| a.filed.id_number.cmp(&b.filed.id_number))
        });
        let with_problems = workers.iter().filter(|w| !w.problems.is_empty()).count() as u32;
        let totals = PackTotals {
            workers: workers.len() as u32,
            workers_clear: workers.len() as u32 - with_problems,
            workers_with_problems: with_problems,
            problems: workers.iter().map(|w| w.problems.len() as u32).sum(),
        };
        FundingPack { filing, settings, workers, totals }
    }

    /// Every problem with its worker, in the pack's order.
    pub fn problems(&self) -> impl Iterator<Item = (&PackWorker, &PackProblem)> {
        self.workers.iter().flat_map(|w| w.problems.iter().map(move |p| (w, p)))
    }

    /// The file name stem of the pack's exports: `BA2026-000001.pack`.
    pub fn file_stem(&self) -> String {
        format!("{}.pack", self.filing.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filed(code: &str, hours: u32, score: Option<f64>) -> FiledRow {
        FiledRow {
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            certificate_code: code.into(),
            training_from: NaiveDate::from_ymd_opt(2026, 3, 1),
            training_to: NaiveDate::from_ymd_opt(2026, 3, 2),
            hours: HalfHours(hours),
            exam_score: score,
            exam_date: NaiveDate::from_ymd_opt(2026, 3, 2),
        }
    }

    fn class(id: &str, mode: ClassMode, halves: u32, supervised: bool) -> ClassCredit {
        ClassCredit { class_id: id.into(), title: format!("班{id}"), mode, credited: HalfHours(halves), supervision_filed: supervised }
    }

    fn exam(attempt: u32, score: f64) -> ExamAttempt {
        ExamAttempt { attempt, date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(), score }
    }

    fn filing() -> PackFiling {
        PackFiling {
            number: "BA2026-000001".into(),
            agency_name: "上海好帮手家政服务有限公司".into(),
            period_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            period_to: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            filed_at: "2026-07-01T02:00:00Z".parse().unwrap(),
            replaces: None,
        }
    }

    fn codes(w: &PackWorker) -> Vec<&'static str> {
        w.problems.iter().map(PackProblem::code).collect()
    }

    #[test]
    fn a_worker_with_hours_a_passed_exam_and_supervised_classes_has_no_problem() {
        let held = HeldTraining { classes: vec![class("a", ClassMode::Offline, 4, true), class("b", ClassMode::Online, 2, false)], exams: vec![exam(1, 80.0)] };
        let w = check_worker(filed("31010126000001", 6, Some(80.0)), Some(&held), &TrainingSettings::default());
        assert!(w.problems.is_empty(), "3 class hours, passed, the offline class supervised: {:?}", w.problems);
        assert_eq!((w.held_hours, w.exam_passed, w.offline_classes, w.offline_supervised), (Some(HalfHours(6)), true, 1, 1));
    }

    #[test]
    fn each_missing_requirement_is_listed_with_what_is_missing() {
        let s = TrainingSettings::default();
        let unsupervised = HeldTraining { classes: vec![class("a", ClassMode::Offline, 6, false)], exams: vec![exam(1, 90.0)] };
        let w = check_worker(filed("c1", 6, Some(90.0)), Some(&unsupervised), &s);
        assert_eq!(codes(&w), ["supervision_missing"]);
        assert!(w.problems[0].sentence().zh.contains("班a"), "the sentence names the class: {}", w.problems[0].sentence());

        let failed = HeldTraining { classes: vec![class("a", ClassMode::Offline, 6, true)], exams: vec![exam(1, 90.0), exam(2, 40.0)] };
        let w = check_worker(filed("c2", 6, Some(40.0)), Some(&failed), &s);
        assert_eq!(codes(&w), ["exam_failed"], "the latest attempt counts, not the best");
        assert!(!w.exam_passed);

        let short = HeldTraining { classes: vec![class("a", ClassMode::Online, 5, false)], exams: vec![] };
        let w = check_worker(filed("c3", 5, None), Some(&short), &s);
        assert_eq!(codes(&w), ["class_hours_short", "exam_missing"]);

        let absent_offline = HeldTraining { classes: vec![class("a", ClassMode::Offline, 0, false), class("b", ClassMode::Online, 6, false)], exams: vec![exam(1, 60.0)] };
        let w = check_worker(filed("c4", 6, Some(60.0)), Some(&absent_offline), &s);
        assert!(w.problems.is_empty(), "a class the worker was not credited for needs no form for them: {:?}", w.problems);
    }

    #[test]
    fn a_row_that_no_longer_agrees_with_the_records_is_a_problem() {
        let held = HeldTraining { classes: vec![class("a", ClassMode::Online, 8, false)], exams: vec![exam(1, 70.0), exam(2, 85.0)] };
        let w = check_worker(filed("c1", 6, Some(70.0)), Some(&held), &TrainingSettings::default());
        assert_eq!(codes(&w), ["hours_differ_from_filing", "exam_differs_from_filing"]);
        assert_eq!(w.problems[0], PackProblem::HoursDifferFromFiling { filed: HalfHours(6), held: HalfHours(8) });
    }

    #[test]
    fn a_row_nobody_holds_says_only_that() {
        let w = check_worker(filed("c1", 6, Some(70.0)), None, &TrainingSettings::default());
        assert_eq!(codes(&w), ["not_in_records"]);
    }

    #[test]
    fn the_pack_does_not_depend_on_the_order_the_facts_came_in() {
        let a = HeldTraining { classes: vec![class("x", ClassMode::Offline, 4, false), class("y", ClassMode::Offline, 4, false)], exams: vec![exam(1, 90.0)] };
        let b = HeldTraining { classes: a.classes.iter().rev().cloned().collect(), exams: a.exams.clone() };
        let rows = |h: HeldTraining| vec![(filed("c2", 8, Some(90.0)), Some(h)), (filed("c1", 6, Some(70.0)), None)];
        let one = FundingPack::build(filing(), rows(a), TrainingSettings::default());
        let mut two_rows = rows(b);
        two_rows.reverse();
        let two = FundingPack::build(filing(), two_rows, TrainingSettings::default());
        assert_eq!(one, two);
        assert_eq!(one.workers[0].filed.certificate_code, "c1", "by certificate code");
        assert_eq!(one.totals, PackTotals { workers: 2, workers_clear: 0, workers_with_problems: 2, problems: 3 });
        assert_eq!(one.problems().count(), 3);
        let json = serde_json::to_string(&one).unwrap();
        assert_eq!(serde_json::from_str::<FundingPack>(&json).unwrap(), one, "the pack reads back from its JSON");
    }
}
