//! A desk on a real SQLite file in a folder the test owns, set up as an agency's first run
//! does: the agency's details and a manager, signed in. Clocks a test can fix or move, and the
//! enrolment form of a worker who passes every check.

use std::path::Path;
use std::sync::{Arc, Mutex};

use certdesk_domain::training::{ClassInput, SupervisionInput};
use certdesk_store::{Agency, AttendanceInput, Clock, Desk, ExamInput, NewUser, Role, SessionUser, WorkerInput};
use chrono::{DateTime, Utc};

/// The manager's user name on every test desk.
pub const MANAGER: &str = "admin";
/// The manager's password on every test desk.
pub const MANAGER_PASSWORD: &str = "secret123";
/// The test agency's unified social credit code (valid).
pub const AGENCY_CREDIT_CODE: &str = "91310104MA1FL8L970";

/// The agency every test desk belongs to.
pub fn agency() -> Agency {
    Agency {
        name: "上海好帮手家政服务有限公司".into(),
        credit_code: AGENCY_CREDIT_CODE.into(),
        district: "徐汇区".into(),
        address: "上海市徐汇区漕溪北路1号".into(),
        phone: "021-64870000".into(),
        updated_at: String::new(),
    }
}

/// The first user of a test desk: a manager ([`MANAGER`], [`MANAGER_PASSWORD`]).
pub fn manager() -> NewUser {
    NewUser { username: MANAGER.into(), display_name: "王经理".into(), role: Role::Manager, password: MANAGER_PASSWORD.into() }
}

/// Opens a new desk in `dir` on the machine's clock, sets it up with [`agency`] and
/// [`manager`], and returns it with the manager signed in.
pub fn open_desk(dir: &Path) -> (Desk, SessionUser) {
    set_up(Desk::open(dir).expect("the desk opens"))
}

/// [`open_desk`] with the desk's clock replaced (a [`FixedClock`] or a [`MovableClock`]).
pub fn open_desk_with_clock(dir: &Path, clock: Box<dyn Clock>) -> (Desk, SessionUser) {
    set_up(Desk::open_with_clock(dir, clock).expect("the desk opens"))
}

fn set_up(mut desk: Desk) -> (Desk, SessionUser) {
    let me = desk.setup(&agency(), &manager()).expect("a new desk accepts its first set-up");
    (desk, me)
}

/// A clock that always says the same instant.
pub struct FixedClock(pub DateTime<Utc>);

impl FixedClock {
    /// The clock stopped at `rfc3339` (e.g. `"2026-03-02T02:00:00Z"`).
    pub fn at(rfc3339: &str) -> FixedClock {
        FixedClock(rfc3339.parse().expect("an RFC 3339 instant"))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A clock the test moves forward; clones share the same time, so the test keeps one and
/// gives the desk another.
#[derive(Clone)]
pub struct MovableClock(Arc<Mutex<DateTime<Utc>>>);

impl MovableClock {
    /// A clock that starts at `rfc3339`.
    pub fn at(rfc3339: &str) -> MovableClock {
        MovableClock(Arc::new(Mutex::new(rfc3339.parse().expect("an RFC 3339 instant"))))
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for MovableClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// The enrolment form of a worker who passes every check: `name` and `id_number` as given,
/// a valid mobile, an address in Xuhui, cleaning (保洁), an emergency contact, consent signed
/// on 2026-01-05 and the agency's in-person check done. Tests change the fields they are about.
pub fn worker_form(name: &str, id_number: &str) -> WorkerInput {
    WorkerInput {
        form: certdesk_domain::WorkerInput {
            name: name.into(),
            id_number: id_number.into(),
            phone: "13800138000".into(),
            address: "上海市徐汇区漕溪北路2号".into(),
            service_types: vec!["保洁".into()],
            emergency_contact_name: "李四".into(),
            emergency_contact_phone: "13900000000".into(),
            consent_date: Some("2026-01-05".into()),
            agency_check_done: true,
        },
        photo_sha256: None,
    }
}

/// The `i`-th of many synthetic workers, each with its own ID number ([`crate::id_number`])
/// and phone, for tests that enrol in bulk.
pub fn synthetic_worker(i: u32) -> WorkerInput {
    let mut input = worker_form(&format!("测试{}", ["甲", "乙", "丙", "丁", "戊"][i as usize % 5]), &crate::id_number(i));
    input.form.phone = format!("139{i:08}");
    input.form.address = "上海市徐汇区".into();
    input
}

/// Trains `workers` the real way until the training rules make them eligible: one offline
/// class of 3 class hours on 2026-01-10, each present, each passing the exam with
/// `exam_score`, and the class's supervision form filed.
pub fn train_to_eligibility(desk: &mut Desk, me: &SessionUser, workers: &[String], exam_score: &str) {
    complete_training(desk, me, workers, exam_score);
    for id in workers {
        assert_eq!(desk.worker(id).unwrap().status, "eligible", "training completed makes the worker eligible");
    }
}

/// The training of [`train_to_eligibility`] (a 3-hour class attended, the exam taken with
/// `exam_score`, the supervision form filed) without asserting where it leaves the workers.
pub fn complete_training(desk: &mut Desk, me: &SessionUser, workers: &[String], exam_score: &str) {
    let class = train_without_supervision(desk, me, workers, exam_score);
    desk.file_supervision(
        me,
        &class,
        &SupervisionInput {
            supervisor_name: "督导员".into(),
            method: "on_site".into(),
            supervised_at: "2026-01-10 10:00".into(),
            place: "徐汇区培训中心".into(),
            participants_present: workers.len() as u32,
            identity_checked: workers.len() as u32,
            trainer: "陈老师".into(),
            remarks: String::new(),
        },
    )
    .expect("the supervision form is filed");
}

/// The training of [`complete_training`] but the supervision form: the offline class (its id
/// returned), attendance and a passed exam; the class's hours count for nobody until a form is
/// filed (by the desk, or by the programme office on the platform).
pub fn train_without_supervision(desk: &mut Desk, me: &SessionUser, workers: &[String], exam_score: &str) -> String {
    let class = desk
        .create_class(
            me,
            &ClassInput {
                title: "上门服务规范".into(),
                mode: "offline".into(),
                starts_at: "2026-01-10 09:00".into(),
                ends_at: "2026-01-10 12:00".into(),
                place: "徐汇区培训中心".into(),
                trainer: "陈老师".into(),
                class_hours: 3.0,
            },
        )
        .expect("the class is created");
    for id in workers {
        desk.add_to_class(me, &class.id, id).expect("the worker joins the class");
        desk.record_attendance(me, &class.id, id, &AttendanceInput { attendance: Some("present".into()), ..Default::default() })
            .expect("attendance is recorded");
        desk.record_exam(me, &ExamInput { worker: id.clone(), exam_date: Some("2026-01-10".into()), score: exam_score.into(), class_id: None })
            .expect("the exam is recorded");
    }
    class.id
}
