//! Shared helpers for the workspace tests: valid synthetic workers.

use certdesk_domain::check_char;
use certdesk_store::WorkerInput;

/// A valid ID number, distinct for every `i` below 1,000,000.
pub fn id_number(i: usize) -> String {
    let birth = format!("19{:02}{:02}{:02}", 60 + (i / 28_000) % 40, 1 + (i / 1000) % 12, 1 + (i / 12_000) % 28);
    let first17 = format!("310104{birth}{:03}", i % 1000);
    format!("{first17}{}", check_char(&first17).expect("17 digits"))
}

/// A valid enrolment form for the `i`-th synthetic worker.
pub fn worker_input(i: usize) -> WorkerInput {
    WorkerInput {
        form: certdesk_domain::WorkerInput {
            name: format!("测试{}", ["甲", "乙", "丙", "丁", "戊"][i % 5]),
            id_number: id_number(i),
            phone: format!("139{:08}", i),
            address: "上海市徐汇区".into(),
            service_types: vec!["保洁".into()],
            emergency_contact_name: "李四".into(),
            emergency_contact_phone: "13900000000".into(),
            consent_date: Some("2026-01-05".into()),
            agency_check_done: true,
        },
        photo_sha256: None,
    }
}
