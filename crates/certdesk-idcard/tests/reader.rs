//! The reader over a real serial device: a pseudo-terminal whose other end is a simulated
//! reader speaking the protocol (find, select, read), as a USB-serial reader would. Each
//! failure a desk meets (no reader, no card, a card moved mid-read, a damaged frame, an answer
//! cut short) comes back as its error, and only a whole card reads.

#![cfg(unix)]

use std::thread::JoinHandle;

use certdesk_idcard::simulator::{self, Behaviour};
use certdesk_idcard::{read_card_at, CardText, ReaderError};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
}

fn card() -> CardText {
    CardText {
        name: "买买提·艾力".into(),
        gender: certdesk_domain::Gender::Male,
        ethnicity: "维吾尔".into(),
        birth_date: NaiveDate::from_ymd_opt(1985, 11, 2).unwrap(),
        address: "新疆乌鲁木齐市天山区解放南路100号".into(),
        id_number: certdesk_testkit_free_id(),
        authority: "乌鲁木齐市公安局天山分局".into(),
        valid_from: NaiveDate::from_ymd_opt(2015, 6, 1).unwrap(),
        valid_until: None,
    }
}

/// An ID number with a right check character for 1985-11-02 (male).
fn certdesk_testkit_free_id() -> String {
    let body = "65010219851102001";
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: &[u8; 11] = b"10X98765432";
    let sum: u32 = body.chars().zip(W).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    format!("{body}{}", C[(sum % 11) as usize] as char)
}

/// A simulated reader holding [`card`] on a pseudo-terminal.
fn reader(kind: Behaviour) -> (String, JoinHandle<()>) {
    simulator::start(card(), "05", kind).expect("a pseudo-terminal")
}

#[test]
fn a_card_on_a_reader_at_a_serial_port_reads_whole() {
    let (path, _sim) = reader(Behaviour::Card);
    let read = read_card_at(&path, today()).expect("the card reads");
    assert_eq!(read, card());
    assert_eq!((read.ethnicity.as_str(), read.valid_until), ("维吾尔", None), "长期 has no end");
}

#[test]
fn each_failure_is_its_own_error_and_nothing_is_read() {
    for (kind, expected) in [
        (Behaviour::Empty, "NoCard"),
        (Behaviour::RemovedMidRead, "CardRemoved"),
        (Behaviour::Damaged, "DamagedFrame"),
        (Behaviour::CutShort, "DamagedFrame"),
    ] {
        let (path, _sim) = reader(kind);
        let e = read_card_at(&path, today()).unwrap_err();
        assert!(format!("{e:?}").starts_with(expected), "{expected}: {e:?}");
        let (zh, en) = e.sentence();
        assert!(zh.contains("未填入任何内容") && en.contains("Nothing was filled"), "{zh} / {en}");
    }
    let e = read_card_at("/dev/certdesk-no-such-reader", today()).unwrap_err();
    assert!(matches!(e, ReaderError::NoReader(_)), "{e:?}");
    assert!(e.sentence().0.contains("设置中选择正确的端口"));
}
