//! A fresh desk on a real file with a fixed clock, shared by the store's integration tests.

#![allow(dead_code)]

use std::path::Path;

use certdesk_store::{Agency, Clock, Desk, NewUser, Role, SessionUser};
use chrono::{DateTime, TimeZone, Utc};

/// Always 2026-03-02 10:00 in Shanghai.
pub struct FixedClock;
impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
    }
}

pub fn fresh(dir: &Path) -> (Desk, SessionUser) {
    let mut desk = Desk::open_with_clock(dir, Box::new(FixedClock)).unwrap();
    let manager = desk
        .setup(
            &Agency {
                name: "上海好帮手家政服务有限公司".into(),
                credit_code: "91310104MA1FL8L970".into(),
                district: "徐汇区".into(),
                address: "上海市徐汇区漕溪北路1号".into(),
                phone: "021-64870000".into(),
                updated_at: String::new(),
            },
            &NewUser { username: "admin".into(), display_name: "王经理".into(), role: Role::Manager, password: "secret123".into() },
        )
        .unwrap();
    (desk, manager)
}

