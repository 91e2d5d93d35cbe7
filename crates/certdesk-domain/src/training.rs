//! Training (上门服务证培训): classes, attendance, credited class hours, exams, supervision
//! forms, and the one rule that decides whether a worker may apply for a certificate
//! ([`eligibility`]).
//!
//! This module must never read the clock, store anything or look at anything but its
//! arguments; the store gathers a worker's classes and exams and asks [`eligibility`].
//!
//! # The crediting rule (课时认定)
//! Hours are counted in half class hours ([`HalfHours`]) so no float is ever compared.
//! One class hour is [`TrainingSettings::class_hour_minutes`] minutes (45 unless the agency
//! sets otherwise).
//! - **Offline, present (出勤)**: the class's full class hours.
//! - **Offline, late (迟到) / left early (早退)**: the minutes actually attended, from
//!   `max(sign-in, class start)` to `min(sign-out, class end)` (a late worker needs a
//!   sign-in time, one who left early a sign-out time; the missing side defaults to the class
//!   start or end), divided by the class-hour length and **rounded down to a half class
//!   hour**, never more than the class's class hours.
//! - **Offline, absent (缺勤)**: 0.
//! - **Online**: the hours completed as the online platform reports them, rounded down to a
//!   half class hour, never more than the class's class hours.
//!
//! # How the exam counts
//! The programme asks for "at least 3 class hours, the assessment included" (不少于3课时，含考核).
//! The desk reads that as: the exam is sat inside a class session, and that session's class
//! hours already include the assessment time. So the exam adds **no hours of its own**: hours
//! come only from attendance, and the exam is a separate requirement (the latest attempt must
//! reach the pass mark). A class that is nothing but the exam is simply a class of, say,
//! 1 class hour that the worker attends.
//!
//! # Eligibility (可申领)
//! All of: consent recorded, agency check done, at least [`REQUIRED_CLASS_HOURS`] credited,
//! the latest exam attempt (highest attempt number; the desk numbers attempts in the order sat,
//! by date then time recorded, alike on every desk of the agency) passed, and every offline class from which
//! the worker was credited hours has its supervision form. Every unmet requirement is listed,
//! each with a stable code and a sentence in Chinese and English.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::agency::parse_required_text;
use crate::error::FieldError;
use crate::messages;
use crate::text::to_halfwidth;

/// Class hours a worker needs before applying (the exam included, see the module docs).
pub const REQUIRED_CLASS_HOURS: HalfHours = HalfHours(6);

/// Default length of one class hour, in minutes.
pub const DEFAULT_CLASS_HOUR_MINUTES: u32 = 45;

/// Default pass mark of the exam.
pub const DEFAULT_PASS_MARK: f64 = 60.0;

/// The most class hours one class may carry (a full week of days is already unusual).
pub const MAX_CLASS_HOURS: HalfHours = HalfHours(80);

/// Stable codes of this module's errors and missing requirements; never rename one.
pub mod codes {
    /// The class's mode is neither offline nor online.
    pub const CLASS_MODE_INVALID: &str = "class_mode_invalid";
    /// Class hours not a positive multiple of 0.5, or too many.
    pub const CLASS_HOURS_INVALID: &str = "class_hours_invalid";
    /// More class hours than fit between the class's start and end.
    pub const CLASS_HOURS_EXCEED_DURATION: &str = "class_hours_exceed_duration";
    /// The class ends before (or when) it starts.
    pub const CLASS_TIME_ORDER: &str = "class_time_order";
    /// A date or time that could not be read.
    pub const DATETIME_INVALID: &str = "datetime_invalid";
    /// The attendance mark is not one of present, late, left early, absent.
    pub const ATTENDANCE_INVALID: &str = "attendance_invalid";
    /// Late without a sign-in time, or left early without a sign-out time.
    pub const ATTENDANCE_TIME_MISSING: &str = "attendance_time_missing";
    /// Sign-out before sign-in.
    pub const ATTENDANCE_TIME_ORDER: &str = "attendance_time_order";
    /// Online hours completed that are negative, unreadable, or more than the class has.
    pub const HOURS_COMPLETED_INVALID: &str = "hours_completed_invalid";
    /// Attendance marks are for offline classes; online classes take hours completed.
    pub const ATTENDANCE_WRONG_MODE: &str = "attendance_wrong_mode";
    /// Exam score not a number from 0 to 100 (at most one decimal).
    pub const SCORE_INVALID: &str = "score_invalid";
    /// Class-hour length setting out of range.
    pub const CLASS_HOUR_MINUTES_INVALID: &str = "class_hour_minutes_invalid";
    /// Pass mark setting out of range.
    pub const PASS_MARK_INVALID: &str = "pass_mark_invalid";
    /// Supervision method is neither on site nor video.
    pub const SUPERVISION_METHOD_INVALID: &str = "supervision_method_invalid";
    /// More identity checks than participants present.
    pub const IDENTITY_CHECKED_EXCEEDS_PRESENT: &str = "identity_checked_exceeds_present";
    /// A count that is not a whole number from 0 to 10,000.
    pub const COUNT_INVALID: &str = "count_invalid";
    /// Supervision forms belong to offline classes only.
    pub const SUPERVISION_ONLINE_CLASS: &str = "supervision_online_class";

    /// Missing requirement: no consent (征信授权书) recorded.
    pub const MISSING_CONSENT: &str = "consent_missing";
    /// Eligibility: the record lacks details to be completed (待补全: address, emergency contact).
    pub const MISSING_DETAILS: &str = "details_missing";
    /// Missing requirement: the agency check (企业核实) not done.
    pub const MISSING_AGENCY_CHECK: &str = "agency_check_missing";
    /// Missing requirement: fewer than 3 class hours credited.
    pub const MISSING_CLASS_HOURS: &str = "class_hours_short";
    /// Missing requirement: no exam sat yet.
    pub const MISSING_EXAM: &str = "exam_missing";
    /// Missing requirement: the latest exam attempt is below the pass mark.
    pub const MISSING_EXAM_FAILED: &str = "exam_failed";
    /// Missing requirement: an offline class that counts has no supervision form.
    pub const MISSING_SUPERVISION: &str = "supervision_missing";
}

use codes::*;

/// An amount of class hours, counted in halves: `HalfHours(6)` is 3 class hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "number"))]
pub struct HalfHours(pub u32);

impl HalfHours {
    /// As class hours, for display and JSON (exact: halves are representable).
    pub fn as_hours(self) -> f64 {
        f64::from(self.0) / 2.0
    }

    /// From class hours, when they are a non-negative multiple of 0.5 (else `None`).
    pub fn from_hours(hours: f64) -> Option<HalfHours> {
        let halves = hours * 2.0;
        if !hours.is_finite()
            || hours < 0.0
            || (halves - halves.round()).abs() > 1e-9
            || halves > 1e6
        {
            return None;
        }
        Some(HalfHours(halves.round() as u32))
    }

    /// From class hours, rounding down to the half hour (for amounts attended).
    pub fn floor_hours(hours: f64) -> HalfHours {
        if !hours.is_finite() || hours <= 0.0 {
            return HalfHours(0);
        }
        HalfHours((hours * 2.0 + 1e-9).floor().min(1e6) as u32)
    }
}

impl Serialize for HalfHours {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_hours())
    }
}

impl<'de> Deserialize<'de> for HalfHours {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let hours = f64::deserialize(d)?;
        HalfHours::from_hours(hours).ok_or_else(|| serde::de::Error::custom("class hours must be a non-negative multiple of 0.5"))
    }
}

impl std::fmt::Display for HalfHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 & 1 == 0 {
            write!(f, "{}", self.0 / 2)
        } else {
            write!(f, "{}.5", self.0 / 2)
        }
    }
}

/// The agency's training settings (kept in the desk's `settings` table).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TrainingSettings {
    /// Minutes in one class hour (45 by default).
    pub class_hour_minutes: u32,
    /// Lowest passing exam score (60 by default).
    pub pass_mark: f64,
}

impl Default for TrainingSettings {
    fn default() -> Self {
        TrainingSettings {
            class_hour_minutes: DEFAULT_CLASS_HOUR_MINUTES,
            pass_mark: DEFAULT_PASS_MARK,
        }
    }
}

impl TrainingSettings {
    /// Check a settings change: a class hour of 20 to 120 minutes, a pass mark of 0 to 100.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(20..=120).contains(&self.class_hour_minutes) {
            errors.push(messages::class_hour_minutes_invalid(self.class_hour_minutes));
        }
        if !(0.0..=100.0).contains(&self.pass_mark) || !self.pass_mark.is_finite() {
            errors.push(messages::pass_mark_invalid(self.pass_mark));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// How a class is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ClassMode {
    /// 线下: in a classroom; attendance per worker and a supervision form.
    Offline,
    /// 线上: on the online platform; hours completed per worker.
    Online,
}

impl ClassMode {
    /// Both modes.
    pub const ALL: [ClassMode; 2] = [ClassMode::Offline, ClassMode::Online];

    /// Stable code (same as serde).
    pub fn code(&self) -> &'static str {
        match self {
            ClassMode::Offline => "offline",
            ClassMode::Online => "online",
        }
    }

    /// Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            ClassMode::Offline => "线下",
            ClassMode::Online => "线上",
        }
    }

    /// Reads the code, the Chinese or the English label.
    pub fn parse(s: &str) -> Result<ClassMode, FieldError> {
        match s.trim().to_lowercase().as_str() {
            "offline" | "线下" | "线下培训" | "课堂" => Ok(ClassMode::Offline),
            "online" | "线上" | "线上培训" | "网络" => Ok(ClassMode::Online),
            other => Err(messages::class_mode_invalid(other)),
        }
    }
}

crate::closed_set!(ClassMode, "class mode");
crate::closed_set!(Attendance, "attendance");
crate::closed_set!(SupervisionMethod, "supervision method");

/// An offline attendance mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Attendance {
    /// 出勤: on time for the whole class.
    Present,
    /// 迟到: came late (sign-in time needed).
    Late,
    /// 早退: left early (sign-out time needed).
    LeftEarly,
    /// 缺勤: did not come.
    Absent,
}

impl Attendance {
    /// Every mark, in grid order.
    pub const ALL: [Attendance; 4] = [
        Attendance::Present,
        Attendance::Late,
        Attendance::LeftEarly,
        Attendance::Absent,
    ];

    /// Stable code (same as serde).
    pub fn code(&self) -> &'static str {
        match self {
            Attendance::Present => "present",
            Attendance::Late => "late",
            Attendance::LeftEarly => "left_early",
            Attendance::Absent => "absent",
        }
    }

    /// Chinese label.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Attendance::Present => "出勤",
            Attendance::Late => "迟到",
            Attendance::LeftEarly => "早退",
            Attendance::Absent => "缺勤",
        }
    }

    /// Reads the code or the Chinese label (the grid also accepts one-key shortcuts:
    /// `p`/`1` present, `l`/`2` late, `e`/`3` left early, `a`/`4` absent).
    pub fn parse(s: &str) -> Result<Attendance, FieldError> {
        match to_halfwidth(s).trim().to_lowercase().as_str() {
            "present" | "出勤" | "到" | "p" | "1" => Ok(Attendance::Present),
            "late" | "迟到" | "l" | "2" => Ok(Attendance::Late),
            "left_early" | "早退" | "e" | "3" => Ok(Attendance::LeftEarly),
            "absent" | "缺勤" | "缺" | "a" | "4" => Ok(Attendance::Absent),
            other => Err(messages::attendance_invalid(other)),
        }
    }
}

/// When a class runs and how many class hours it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassTiming {
    /// Start (Shanghai local time).
    pub starts_at: NaiveDateTime,
    /// End (Shanghai local time).
    pub ends_at: NaiveDateTime,
    /// Class hours a worker present throughout is credited.
    pub class_hours: HalfHours,
}

/// What the class form sends (all as typed). A closed set's field stays the text typed, so that
/// a wrong value is a field error naming the field (the CLI and the imports send labels too);
/// its TypeScript type is the set's codes, so the window can only send one of them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassInput {
    /// 培训主题.
    pub title: String,
    /// `offline` or `online` (or 线下 / 线上).
    #[cfg_attr(feature = "ts", ts(as = "ClassMode"))]
    pub mode: String,
    /// Start, `YYYY-MM-DD HH:MM` (or with a `T`).
    pub starts_at: String,
    /// End, same format.
    pub ends_at: String,
    /// 培训地点; required offline, ignored online.
    pub place: String,
    /// 培训讲师.
    pub trainer: String,
    /// Class hours, a multiple of 0.5.
    pub class_hours: f64,
}

/// A validated class.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidClass {
    /// Trimmed title.
    pub title: String,
    /// Offline or online.
    pub mode: ClassMode,
    /// Start, end and class hours.
    pub timing: ClassTiming,
    /// Place (empty for online classes).
    pub place: String,
    /// Trainer.
    pub trainer: String,
}

/// Reads a local date-time as clerks and spreadsheets write it: `2026-01-05 09:00`,
/// `2026-01-05T09:00[:00]`, `2026/1/5 9:00`.
pub fn parse_datetime(typed: &str, field: &str) -> Result<NaiveDateTime, FieldError> {
    let t = to_halfwidth(typed)
        .trim()
        .replace('T', " ")
        .replace('/', "-");
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&t, f).ok())
        .ok_or_else(|| messages::datetime_invalid(field, &messages::training_field_label(field), typed.trim()))
}

/// Reads a sign-in/out time: a full date-time, or just `HH:MM` on the class's day.
pub fn parse_clock_time(
    typed: &str,
    field: &str,
    day: NaiveDate,
) -> Result<NaiveDateTime, FieldError> {
    let t = to_halfwidth(typed).trim().replace('：', ":");
    if let Ok(time) = chrono::NaiveTime::parse_from_str(&t, "%H:%M") {
        return Ok(day.and_time(time));
    }
    parse_datetime(&t, field)
}

/// Validate the class form; every wrong field at once.
///
/// Offline classes need a place. The class hours must fit between start and end
/// (`class_hours × class_hour_minutes ≤ minutes between start and end`), which is what keeps a
/// typo of 30 instead of 3 class hours out.
pub fn validate_class(
    input: &ClassInput,
    settings: &TrainingSettings,
) -> Result<ValidClass, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut keep = Collector(&mut errors);
    let title = keep.take(parse_required_text(&input.title, "title", 100));
    let mode = keep.take(ClassMode::parse(&input.mode));
    let starts_at = keep.take(parse_datetime(&input.starts_at, "starts_at"));
    let ends_at = keep.take(parse_datetime(&input.ends_at, "ends_at"));
    let place = match mode {
        Some(ClassMode::Offline) => keep.take(parse_required_text(&input.place, "place", 200)),
        _ => Some(input.place.trim().to_string()),
    };
    let trainer = keep.take(parse_required_text(&input.trainer, "trainer", 50));
    let class_hours = keep.take(match HalfHours::from_hours(input.class_hours) {
        Some(h) if h.0 > 0 && h <= MAX_CLASS_HOURS => Ok(h),
        _ => Err(messages::class_hours_invalid(MAX_CLASS_HOURS, input.class_hours)),
    });
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            keep.take(Err::<(), _>(messages::class_time_order(
                &e.format("%Y-%m-%d %H:%M").to_string(),
                &s.format("%Y-%m-%d %H:%M").to_string(),
            )));
        } else if let Some(h) = class_hours {
            let minutes = (e - s).num_minutes();
            let needed = i64::from(h.0) * i64::from(settings.class_hour_minutes) / 2;
            if needed > minutes {
                keep.take(Err::<(), _>(messages::class_hours_exceed_duration(h, needed, settings.class_hour_minutes, minutes)));
            }
        }
    }
    match (title, mode, starts_at, ends_at, place, trainer, class_hours) {
        (
            Some(title),
            Some(mode),
            Some(starts_at),
            Some(ends_at),
            Some(place),
            Some(trainer),
            Some(class_hours),
        ) if errors.is_empty() => Ok(ValidClass {
            title,
            mode,
            timing: ClassTiming {
                starts_at,
                ends_at,
                class_hours,
            },
            place,
            trainer,
        }),
        _ => Err(errors),
    }
}

/// Class hours credited for an offline attendance mark; see the module docs for the rule.
///
/// A late mark needs `sign_in` and a left-early mark needs `sign_out`; sign-out before sign-in
/// is refused. Present is the full class hours whatever the times say; absent is 0.
pub fn credit_offline(
    class: &ClassTiming,
    attendance: Attendance,
    sign_in: Option<NaiveDateTime>,
    sign_out: Option<NaiveDateTime>,
    settings: &TrainingSettings,
) -> Result<HalfHours, FieldError> {
    if let (Some(i), Some(o)) = (sign_in, sign_out) {
        if o < i {
            return Err(messages::attendance_time_order(&o.format("%H:%M").to_string(), &i.format("%H:%M").to_string()));
        }
    }
    match attendance {
        Attendance::Present => Ok(class.class_hours),
        Attendance::Absent => Ok(HalfHours(0)),
        Attendance::Late | Attendance::LeftEarly => {
            if attendance == Attendance::Late && sign_in.is_none() {
                return Err(messages::late_needs_sign_in());
            }
            if attendance == Attendance::LeftEarly && sign_out.is_none() {
                return Err(messages::left_early_needs_sign_out());
            }
            let from = sign_in.map_or(class.starts_at, |i| i.max(class.starts_at));
            let to = sign_out.map_or(class.ends_at, |o| o.min(class.ends_at));
            let minutes = (to - from).num_minutes().max(0) as u64;
            // Whole half class hours attended: minutes / (class_hour_minutes / 2), rounded down.
            let halves = (minutes * 2 / u64::from(settings.class_hour_minutes.max(1))) as u32;
            Ok(HalfHours(halves.min(class.class_hours.0)))
        }
    }
}

/// Turns each field's result into an `Option`, collecting the errors on the side, so every
/// field is checked even after an earlier one failed.
struct Collector<'a>(&'a mut Vec<FieldError>);

impl Collector<'_> {
    fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }
}

/// Class hours credited for an online class: what the platform reports as completed, read
/// from the typed text (`2.5`, `２`), rounded down to a half hour; more than the class has or
/// a negative amount is refused.
pub fn credit_online(class: &ClassTiming, hours_completed: f64) -> Result<HalfHours, FieldError> {
    if !hours_completed.is_finite()
        || hours_completed < 0.0
        || hours_completed > class.class_hours.as_hours()
    {
        return Err(messages::hours_completed_invalid(class.class_hours, hours_completed));
    }
    Ok(HalfHours::floor_hours(hours_completed))
}

/// Reads an exam score: 0 to 100, at most one decimal (`87.5`), full-width digits accepted.
pub fn parse_score(typed: &str) -> Result<f64, FieldError> {
    let t = to_halfwidth(typed).trim().to_string();
    let ok = t.parse::<f64>().ok().filter(|v| {
        v.is_finite() && (0.0..=100.0).contains(v) && ((v * 10.0) - (v * 10.0).round()).abs() < 1e-9
    });
    ok.ok_or_else(|| messages::score_invalid(&t))
}

/// Whether a score passes.
pub fn passes(score: f64, settings: &TrainingSettings) -> bool {
    score + 1e-9 >= settings.pass_mark
}

/// How the supervisor watched the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SupervisionMethod {
    /// 现场督导.
    OnSite,
    /// 视频督导.
    Video,
}

impl SupervisionMethod {
    /// Both methods.
    pub const ALL: [SupervisionMethod; 2] = [SupervisionMethod::OnSite, SupervisionMethod::Video];

    /// Stable code (same as serde).
    pub fn code(&self) -> &'static str {
        match self {
            SupervisionMethod::OnSite => "on_site",
            SupervisionMethod::Video => "video",
        }
    }

    /// Reads the code or the Chinese label.
    pub fn parse(s: &str) -> Result<SupervisionMethod, FieldError> {
        match s.trim().to_lowercase().as_str() {
            "on_site" | "onsite" | "现场" | "现场督导" => Ok(SupervisionMethod::OnSite),
            "video" | "视频" | "视频督导" => Ok(SupervisionMethod::Video),
            other => Err(messages::supervision_method_invalid(other)),
        }
    }
}

/// What the supervision form (培训督导单) sends.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SupervisionInput {
    /// 督导人员姓名.
    pub supervisor_name: String,
    /// `on_site` or `video`.
    #[cfg_attr(feature = "ts", ts(as = "SupervisionMethod"))]
    pub method: String,
    /// When the supervision took place, `YYYY-MM-DD HH:MM`.
    pub supervised_at: String,
    /// 培训地点.
    pub place: String,
    /// 实到人数.
    pub participants_present: u32,
    /// 身份核验人数: participants whose identity the supervisor checked.
    pub identity_checked: u32,
    /// 培训讲师.
    pub trainer: String,
    /// 备注.
    pub remarks: String,
}

/// A validated supervision form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidSupervision {
    /// Supervisor's name.
    pub supervisor_name: String,
    /// On site or video.
    pub method: SupervisionMethod,
    /// When.
    pub supervised_at: NaiveDateTime,
    /// Where.
    pub place: String,
    /// Participants present.
    pub participants_present: u32,
    /// Identities checked (≤ present).
    pub identity_checked: u32,
    /// Trainer.
    pub trainer: String,
    /// Remarks (may be empty).
    pub remarks: String,
}

/// Validate a supervision form; every wrong field at once.
pub fn validate_supervision(input: &SupervisionInput) -> Result<ValidSupervision, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut keep = Collector(&mut errors);
    let supervisor_name = keep.take(crate::name::parse_person_name(
        &input.supervisor_name,
        "supervisor_name",
    ));
    let method = keep.take(SupervisionMethod::parse(&input.method));
    let supervised_at = keep.take(parse_datetime(&input.supervised_at, "supervised_at"));
    let place = keep.take(parse_required_text(&input.place, "place", 200));
    let trainer = keep.take(parse_required_text(&input.trainer, "trainer", 50));
    let remarks = input.remarks.trim().to_string();
    for (field, n) in [
        ("participants_present", input.participants_present),
        ("identity_checked", input.identity_checked),
    ] {
        if n > 10_000 {
            keep.take(Err::<(), _>(messages::count_invalid(field, n)));
        }
    }
    if input.identity_checked > input.participants_present {
        keep.take(Err::<(), _>(messages::identity_checked_exceeds_present(input.identity_checked, input.participants_present)));
    }
    match (supervisor_name, method, supervised_at, place, trainer) {
        (Some(supervisor_name), Some(method), Some(supervised_at), Some(place), Some(trainer))
            if errors.is_empty() =>
        {
            Ok(ValidSupervision {
                supervisor_name,
                method,
                supervised_at,
                place,
                trainer,
                remarks,
                participants_present: input.participants_present,
                identity_checked: input.identity_checked,
            })
        }
        _ => Err(errors),
    }
}

/// One class a worker took part in, as eligibility sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassCredit {
    /// The class's id (for links in the UI).
    pub class_id: String,
    /// Its title (named in messages).
    pub title: String,
    /// Offline or online.
    pub mode: ClassMode,
    /// Hours credited to this worker.
    pub credited: HalfHours,
    /// Whether the class has its supervision form (always true for online classes).
    pub supervision_filed: bool,
}

/// One exam attempt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExamAttempt {
    /// 1 for the first sitting, 2 for the first retake, ...
    pub attempt: u32,
    /// The date sat.
    pub date: NaiveDate,
    /// The score.
    pub score: f64,
}

/// Everything eligibility looks at for one worker.
#[derive(Debug, Clone, PartialEq)]
pub struct EligibilityFacts {
    /// A consent (征信授权书) date is recorded.
    pub consent_recorded: bool,
    /// The agency check (企业核实) is done.
    pub agency_check_done: bool,
    /// Every class the worker is in.
    pub classes: Vec<ClassCredit>,
    /// Every exam attempt (retakes kept).
    pub exams: Vec<ExamAttempt>,
    /// The record's details still to be completed (待补全, [`crate::missing_details`]).
    pub details_missing: Vec<&'static str>,
}

/// One unmet requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Missing {
    /// Stable code: `details_missing`, `consent_missing`, `agency_check_missing`, `class_hours_short`,
    /// `exam_missing`, `exam_failed`, `supervision_missing`.
    pub code: String,
    /// For `supervision_missing`: the class that needs its form.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub class_id: Option<String>,
    /// What the clerk reads.
    pub message_zh: String,
    /// The same in English.
    pub message_en: String,
}

impl Missing {
    fn new(code: &str, message: crate::Bilingual) -> Missing {
        let (message_zh, message_en) = message.into_pair();
        Missing {
            code: code.into(),
            class_id: None,
            message_zh,
            message_en,
        }
    }
}

/// The verdict for one worker.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Eligibility {
    /// True exactly when `missing` is empty.
    pub eligible: bool,
    /// Every unmet requirement, in the order: details, consent, agency check, hours, exam, supervision.
    pub missing: Vec<Missing>,
    /// Class hours credited in all.
    pub credited_hours: HalfHours,
    /// Class hours needed.
    pub required_hours: HalfHours,
    /// The latest attempt's score, if any.
    pub latest_score: Option<f64>,
    /// The pass mark applied.
    pub pass_mark: f64,
}

/// One requirement of the training itself that a worker does not meet: the part of the rule
/// that eligibility and the funding pack ([`crate::funding`]) share, so both read the same
/// hours, the same latest exam and the same supervision forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "gap", rename_all = "snake_case")]
pub enum TrainingGap {
    /// Fewer than [`REQUIRED_CLASS_HOURS`] credited.
    ClassHoursShort {
        /// Credited in all.
        credited: HalfHours,
        /// Needed.
        required: HalfHours,
    },
    /// No exam sat.
    ExamMissing,
    /// The latest attempt is below the pass mark.
    ExamFailed {
        /// Its attempt number.
        attempt: u32,
        /// The day sat.
        date: NaiveDate,
        /// The score.
        score: f64,
        /// The pass mark applied.
        pass_mark: f64,
    },
    /// An offline class the worker was credited for has no supervision form.
    SupervisionMissing {
        /// The class.
        class_id: String,
        /// Its title.
        title: String,
    },
}

impl TrainingGap {
    /// Its stable code (the same as [`Missing::code`]).
    pub fn code(&self) -> &'static str {
        match self {
            TrainingGap::ClassHoursShort { .. } => MISSING_CLASS_HOURS,
            TrainingGap::ExamMissing => MISSING_EXAM,
            TrainingGap::ExamFailed { .. } => MISSING_EXAM_FAILED,
            TrainingGap::SupervisionMissing { .. } => MISSING_SUPERVISION,
        }
    }

    /// What the clerk reads.
    pub fn sentence(&self) -> crate::Bilingual {
        match self {
            TrainingGap::ClassHoursShort { credited, required } => {
                messages::missing::class_hours(*credited, *required, HalfHours(required.0.saturating_sub(credited.0)))
            }
            TrainingGap::ExamMissing => messages::missing::exam(),
            TrainingGap::ExamFailed { attempt, date, score, pass_mark } => messages::missing::exam_failed(*attempt, date, *score, *pass_mark),
            TrainingGap::SupervisionMissing { title, .. } => messages::missing::supervision(title),
        }
    }

    fn missing(&self) -> Missing {
        let mut m = Missing::new(self.code(), self.sentence());
        if let TrainingGap::SupervisionMissing { class_id, .. } = self {
            m.class_id = Some(class_id.clone());
        }
        m
    }
}

/// What [`training_gaps`] found: the gaps, and the figures they were decided on.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingVerdict<'a> {
    /// Every gap, in the order: hours, exam, supervision (classes in the order given).
    pub gaps: Vec<TrainingGap>,
    /// Class hours credited in all.
    pub credited: HalfHours,
    /// The latest exam attempt (highest attempt number, then latest date).
    pub latest: Option<&'a ExamAttempt>,
}

/// The training part of the rule: at least [`REQUIRED_CLASS_HOURS`] credited, the latest exam
/// attempt passed, and every offline class the worker was credited for supervised.
pub fn training_gaps<'a>(classes: &[ClassCredit], exams: &'a [ExamAttempt], settings: &TrainingSettings) -> TrainingVerdict<'a> {
    let mut gaps = Vec::new();
    let credited = HalfHours(classes.iter().map(|c| c.credited.0).sum());
    if credited < REQUIRED_CLASS_HOURS {
        gaps.push(TrainingGap::ClassHoursShort { credited, required: REQUIRED_CLASS_HOURS });
    }
    let latest = exams.iter().max_by(|a, b| a.attempt.cmp(&b.attempt).then(a.date.cmp(&b.date)));
    match latest {
        None => gaps.push(TrainingGap::ExamMissing),
        Some(e) if !passes(e.score, settings) => {
            gaps.push(TrainingGap::ExamFailed { attempt: e.attempt, date: e.date, score: e.score, pass_mark: settings.pass_mark })
        }
        Some(_) => {}
    }
    for c in classes {
        if c.mode == ClassMode::Offline && c.credited.0 > 0 && !c.supervision_filed {
            gaps.push(TrainingGap::SupervisionMissing { class_id: c.class_id.clone(), title: c.title.clone() });
        }
    }
    TrainingVerdict { gaps, credited, latest }
}

/// Decide whether a worker may apply for a certificate; see the module docs for the rule.
pub fn eligibility(facts: &EligibilityFacts, settings: &TrainingSettings) -> Eligibility {
    let mut missing = Vec::new();
    if !facts.details_missing.is_empty() {
        missing.push(Missing::new(MISSING_DETAILS, messages::missing::details(&facts.details_missing)));
    }
    if !facts.consent_recorded {
        missing.push(Missing::new(MISSING_CONSENT, messages::missing::consent()));
    }
    if !facts.agency_check_done {
        missing.push(Missing::new(MISSING_AGENCY_CHECK, messages::missing::agency_check()));
    }
    let training = training_gaps(&facts.classes, &facts.exams, settings);
    missing.extend(training.gaps.iter().map(TrainingGap::missing));
    Eligibility {
        eligible: missing.is_empty(),
        missing,
        credited_hours: training.credited,
        required_hours: REQUIRED_CLASS_HOURS,
        latest_score: training.latest.map(|e| e.score),
        pass_mark: settings.pass_mark,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, 5)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    /// 09:00–12:00, 3 class hours.
    fn morning() -> ClassTiming {
        ClassTiming {
            starts_at: at(9, 0),
            ends_at: at(12, 0),
            class_hours: HalfHours(6),
        }
    }

    fn s() -> TrainingSettings {
        TrainingSettings::default()
    }

    fn class(id: &str, mode: ClassMode, halves: u32, filed: bool) -> ClassCredit {
        ClassCredit {
            class_id: id.into(),
            title: format!("班{id}"),
            mode,
            credited: HalfHours(halves),
            supervision_filed: filed,
        }
    }

    fn exam(attempt: u32, score: f64) -> ExamAttempt {
        ExamAttempt {
            attempt,
            date: NaiveDate::from_ymd_opt(2026, 1, attempt).unwrap(),
            score,
        }
    }

    fn complete() -> EligibilityFacts {
        EligibilityFacts {
            consent_recorded: true,
            agency_check_done: true,
            classes: vec![class("a", ClassMode::Offline, 6, true)],
            exams: vec![exam(1, 80.0)],
            details_missing: vec![],
        }
    }

    #[test]
    fn a_record_to_be_completed_cannot_apply_and_is_told_which_details_first() {
        let facts = EligibilityFacts { details_missing: vec!["address", "emergency_contact_phone"], ..complete() };
        let e = eligibility(&facts, &s());
        assert!(!e.eligible, "training done but the record is 待补全");
        assert_eq!(codes_of(&e), [MISSING_DETAILS]);
        assert_eq!(e.missing[0].message_zh, "待补全：缺少住址、紧急联系人电话，补全后才能申领");
        assert!(e.missing[0].message_en.contains("Address, Emergency contact phone missing"), "{}", e.missing[0].message_en);
    }

    fn codes_of(e: &Eligibility) -> Vec<&str> {
        e.missing.iter().map(|m| m.code.as_str()).collect()
    }

    #[test]
    fn present_is_credited_the_full_class_hours_and_absent_nothing() {
        assert_eq!(
            credit_offline(&morning(), Attendance::Present, None, None, &s()),
            Ok(HalfHours(6))
        );
        assert_eq!(
            credit_offline(&morning(), Attendance::Absent, Some(at(9, 0)), None, &s()),
            Ok(HalfHours(0))
        );
    }

    #[test]
    fn late_is_credited_the_minutes_attended_rounded_down_to_half_hours() {
        // 10:00–12:00 is 120 minutes = 2.67 class hours of 45 → 2.5.
        assert_eq!(
            credit_offline(&morning(), Attendance::Late, Some(at(10, 0)), None, &s()),
            Ok(HalfHours(5))
        );
        // 11:30–12:00 is 30 minutes: 0.67 → 0.5.
        assert_eq!(
            credit_offline(&morning(), Attendance::Late, Some(at(11, 30)), None, &s()),
            Ok(HalfHours(1))
        );
        // 11:50–12:00 is 10 minutes: less than half a class hour → 0.
        assert_eq!(
            credit_offline(&morning(), Attendance::Late, Some(at(11, 50)), None, &s()),
            Ok(HalfHours(0))
        );
    }

    #[test]
    fn a_little_late_within_the_slack_of_a_long_class_still_gets_the_full_hours_but_never_more() {
        // 09:10–12:00 is 170 minutes = 3.78 class hours, capped at the class's 3.
        assert_eq!(
            credit_offline(&morning(), Attendance::Late, Some(at(9, 10)), None, &s()),
            Ok(HalfHours(6))
        );
    }

    #[test]
    fn left_early_counts_from_the_start_to_the_sign_out() {
        // 09:00–10:30 is 90 minutes = 2 class hours exactly.
        assert_eq!(
            credit_offline(
                &morning(),
                Attendance::LeftEarly,
                None,
                Some(at(10, 30)),
                &s()
            ),
            Ok(HalfHours(4))
        );
        // Both late and early: 09:30–10:30 is 60 minutes → 1.33 → 1.
        assert_eq!(
            credit_offline(
                &morning(),
                Attendance::LeftEarly,
                Some(at(9, 30)),
                Some(at(10, 30)),
                &s()
            ),
            Ok(HalfHours(2))
        );
    }

    #[test]
    fn the_agency_class_hour_length_changes_the_credit() {
        let hour60 = TrainingSettings {
            class_hour_minutes: 60,
            ..s()
        };
        // 10:00–12:00 is 120 minutes = 2 class hours of 60.
        assert_eq!(
            credit_offline(&morning(), Attendance::Late, Some(at(10, 0)), None, &hour60),
            Ok(HalfHours(4))
        );
    }

    #[test]
    fn late_without_sign_in_and_early_without_sign_out_are_refused() {
        let e =
            credit_offline(&morning(), Attendance::Late, None, Some(at(12, 0)), &s()).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("sign_in", ATTENDANCE_TIME_MISSING)
        );
        let e = credit_offline(
            &morning(),
            Attendance::LeftEarly,
            Some(at(9, 0)),
            None,
            &s(),
        )
        .unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("sign_out", ATTENDANCE_TIME_MISSING)
        );
    }

    #[test]
    fn sign_out_before_sign_in_is_refused() {
        let e = credit_offline(
            &morning(),
            Attendance::Present,
            Some(at(11, 0)),
            Some(at(10, 0)),
            &s(),
        )
        .unwrap_err();
        assert_eq!(e.code, ATTENDANCE_TIME_ORDER);
    }

    #[test]
    fn online_hours_are_rounded_down_and_capped_by_the_class() {
        assert_eq!(credit_online(&morning(), 2.7), Ok(HalfHours(5)));
        assert_eq!(credit_online(&morning(), 3.0), Ok(HalfHours(6)));
        assert_eq!(
            credit_online(&morning(), 3.5).unwrap_err().code,
            HOURS_COMPLETED_INVALID
        );
        assert_eq!(
            credit_online(&morning(), -1.0).unwrap_err().code,
            HOURS_COMPLETED_INVALID
        );
    }

    #[test]
    fn attendance_marks_read_codes_labels_and_grid_shortcuts() {
        for a in Attendance::ALL {
            assert_eq!(Attendance::parse(a.code()), Ok(a));
            assert_eq!(Attendance::parse(a.label_zh()), Ok(a));
        }
        assert_eq!(Attendance::parse("２"), Ok(Attendance::Late));
        assert_eq!(Attendance::parse("x").unwrap_err().code, ATTENDANCE_INVALID);
    }

    #[test]
    fn scores_from_0_to_100_with_one_decimal_are_read() {
        assert_eq!(parse_score("87.5"), Ok(87.5));
        assert_eq!(parse_score(" １００ "), Ok(100.0));
        assert_eq!(parse_score("0"), Ok(0.0));
        for bad in ["101", "-1", "abc", "", "87.55", "NaN"] {
            assert_eq!(parse_score(bad).unwrap_err().code, SCORE_INVALID, "{bad}");
        }
    }

    #[test]
    fn the_pass_mark_is_inclusive_and_follows_the_setting() {
        assert!(passes(60.0, &s()));
        assert!(!passes(59.5, &s()));
        let strict = TrainingSettings {
            pass_mark: 80.0,
            ..s()
        };
        assert!(!passes(79.0, &strict));
    }

    #[test]
    fn settings_out_of_range_are_refused() {
        let bad = TrainingSettings {
            class_hour_minutes: 5,
            pass_mark: 120.0,
        };
        let codes: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, [CLASS_HOUR_MINUTES_INVALID, PASS_MARK_INVALID]);
        assert!(s().validate().is_ok());
    }

    fn class_input() -> ClassInput {
        ClassInput {
            title: "上门服务规范".into(),
            mode: "线下".into(),
            starts_at: "2026-01-05 09:00".into(),
            ends_at: "2026-01-05T12:00".into(),
            place: "徐汇区培训中心".into(),
            trainer: "刘老师".into(),
            class_hours: 3.0,
        }
    }

    #[test]
    fn a_good_class_form_is_validated() {
        let c = validate_class(&class_input(), &s()).unwrap();
        assert_eq!(c.mode, ClassMode::Offline);
        assert_eq!(c.timing, morning());
    }

    #[test]
    fn an_offline_class_needs_a_place_and_an_online_one_does_not() {
        let mut i = class_input();
        i.place = " ".into();
        let errs = validate_class(&i, &s()).unwrap_err();
        assert_eq!(errs[0].field, "place");
        i.mode = "online".into();
        assert!(validate_class(&i, &s()).is_ok());
    }

    #[test]
    fn class_hours_must_be_half_steps_and_fit_in_the_class_time() {
        let mut i = class_input();
        i.class_hours = 2.3;
        assert_eq!(
            validate_class(&i, &s()).unwrap_err()[0].code,
            CLASS_HOURS_INVALID
        );
        i.class_hours = 30.0;
        let e = &validate_class(&i, &s()).unwrap_err()[0];
        assert_eq!(e.code, CLASS_HOURS_EXCEED_DURATION);
        assert!(
            e.message_zh.contains("180"),
            "names the minutes available: {}",
            e.message_zh
        );
    }

    #[test]
    fn a_class_ending_before_it_starts_is_refused_and_every_field_is_reported() {
        let i = ClassInput {
            ends_at: "2026-01-05 08:00".into(),
            mode: "tv".into(),
            ..class_input()
        };
        let codes: Vec<String> = validate_class(&i, &s())
            .unwrap_err()
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(codes, [CLASS_MODE_INVALID, CLASS_TIME_ORDER]);
        let e = validate_class(
            &ClassInput {
                starts_at: "明天".into(),
                ..class_input()
            },
            &s(),
        )
        .unwrap_err();
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("starts_at", DATETIME_INVALID)
        );
    }

    #[test]
    fn sign_times_may_be_typed_as_hours_and_minutes() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(parse_clock_time("9：05", "sign_in", day), Ok(at(9, 5)));
        assert_eq!(
            parse_clock_time("2026/1/5 9:05", "sign_in", day),
            Ok(at(9, 5))
        );
        assert_eq!(
            parse_clock_time("25:00", "sign_in", day).unwrap_err().code,
            DATETIME_INVALID
        );
    }

    fn supervision() -> SupervisionInput {
        SupervisionInput {
            supervisor_name: "陈督导".into(),
            method: "现场".into(),
            supervised_at: "2026-01-05 09:30".into(),
            place: "徐汇区培训中心".into(),
            participants_present: 30,
            identity_checked: 30,
            trainer: "刘老师".into(),
            remarks: String::new(),
        }
    }

    #[test]
    fn a_good_supervision_form_is_validated() {
        let v = validate_supervision(&supervision()).unwrap();
        assert_eq!(v.method, SupervisionMethod::OnSite);
        assert_eq!(v.supervised_at, at(9, 30));
    }

    #[test]
    fn more_identity_checks_than_participants_present_is_refused() {
        let i = SupervisionInput {
            identity_checked: 31,
            ..supervision()
        };
        let e = validate_supervision(&i).unwrap_err();
        assert_eq!(e[0].code, IDENTITY_CHECKED_EXCEEDS_PRESENT);
    }

    #[test]
    fn an_empty_supervision_form_reports_every_required_field() {
        let fields: Vec<String> = validate_supervision(&SupervisionInput::default())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "supervisor_name",
                "method",
                "supervised_at",
                "place",
                "trainer"
            ]
        );
    }

    #[test]
    fn a_complete_worker_is_eligible_with_nothing_missing() {
        let e = eligibility(&complete(), &s());
        assert!(e.eligible);
        assert!(e.missing.is_empty());
        assert_eq!(e.credited_hours, HalfHours(6));
        assert_eq!(e.latest_score, Some(80.0));
    }

    #[test]
    fn a_worker_with_nothing_done_is_told_everything_that_is_missing_in_order() {
        let facts = EligibilityFacts {
            consent_recorded: false,
            agency_check_done: false,
            classes: vec![],
            exams: vec![],
            details_missing: vec![],
        };
        let e = eligibility(&facts, &s());
        assert!(!e.eligible);
        assert_eq!(
            codes_of(&e),
            [
                MISSING_CONSENT,
                MISSING_AGENCY_CHECK,
                MISSING_CLASS_HOURS,
                MISSING_EXAM
            ]
        );
        assert!(e
            .missing
            .iter()
            .all(|m| !m.message_zh.is_empty() && !m.message_en.is_empty()));
    }

    #[test]
    fn fewer_than_3_class_hours_is_named_with_the_hours_to_go() {
        let mut f = complete();
        f.classes = vec![
            class("a", ClassMode::Offline, 3, true),
            class("b", ClassMode::Online, 2, true),
        ];
        let e = eligibility(&f, &s());
        assert_eq!(codes_of(&e), [MISSING_CLASS_HOURS]);
        assert!(
            e.missing[0].message_zh.contains("2.5") && e.missing[0].message_zh.contains("0.5"),
            "{}",
            e.missing[0].message_zh
        );
        f.classes.push(class("c", ClassMode::Online, 1, true));
        assert!(
            eligibility(&f, &s()).eligible,
            "hours add up across classes and modes"
        );
    }

    #[test]
    fn only_the_latest_attempt_counts_so_a_retake_can_pass_or_fail() {
        let mut f = complete();
        f.exams = vec![exam(2, 75.0), exam(1, 40.0)];
        assert!(
            eligibility(&f, &s()).eligible,
            "a passed retake clears an earlier failure"
        );
        f.exams = vec![exam(1, 90.0), exam(2, 55.0)];
        let e = eligibility(&f, &s());
        assert_eq!(codes_of(&e), [MISSING_EXAM_FAILED]);
        assert!(e.missing[0].message_zh.contains("55") && e.missing[0].message_zh.contains("60"));
        assert_eq!(e.latest_score, Some(55.0));
    }

    #[test]
    fn the_agency_pass_mark_decides() {
        let mut f = complete();
        f.exams = vec![exam(1, 70.0)];
        let e = eligibility(
            &f,
            &TrainingSettings {
                pass_mark: 75.0,
                ..s()
            },
        );
        assert_eq!(codes_of(&e), [MISSING_EXAM_FAILED]);
    }

    #[test]
    fn an_offline_class_that_counts_needs_its_supervision_form() {
        let mut f = complete();
        f.classes = vec![
            class("a", ClassMode::Offline, 6, false),
            class("b", ClassMode::Offline, 0, false), // absent: does not count, needs nothing
        ];
        let e = eligibility(&f, &s());
        assert_eq!(codes_of(&e), [MISSING_SUPERVISION]);
        assert_eq!(e.missing[0].class_id.as_deref(), Some("a"));
        assert!(e.missing[0].message_zh.contains("班a"));
    }

    #[test]
    fn consent_and_agency_check_are_each_required() {
        let mut f = complete();
        f.consent_recorded = false;
        assert_eq!(codes_of(&eligibility(&f, &s())), [MISSING_CONSENT]);
        let mut f = complete();
        f.agency_check_done = false;
        assert_eq!(codes_of(&eligibility(&f, &s())), [MISSING_AGENCY_CHECK]);
    }

    #[test]
    fn half_hours_display_and_serialize_as_class_hours() {
        assert_eq!(HalfHours(5).to_string(), "2.5");
        assert_eq!(HalfHours(6).to_string(), "3");
        assert_eq!(
            serde_json::to_value(HalfHours(5)).unwrap(),
            serde_json::json!(2.5)
        );
        assert_eq!(HalfHours::from_hours(2.5), Some(HalfHours(5)));
        assert_eq!(HalfHours::from_hours(2.4), None);
        assert_eq!(HalfHours::floor_hours(2.99), HalfHours(5));
    }
}
