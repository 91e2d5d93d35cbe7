//! The reader over a real serial device: a pseudo-terminal whose other end is a simulated
//! reader speaking the protocol (find, select, read), as a USB-serial reader would. Each
//! failure a desk meets (no reader, no card, a card moved mid-read, a damaged frame, an answer
//! cut short) comes back as its error, and only a whole card reads.

#![cfg(unix)]

use std::fs::File;
use std::io::{Read, Write};
use std::thread::JoinHandle;

use certdesk_idcard::{answer, read_card_at, text_block, CardText, ReaderError, READ_BASE, SELECT, SW_FOUND, SW_NO_CARD, SW_OK, SW_READ_FAILED};
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
}

fn card() -> CardText {
    CardText {
        name: "买买提·艾力".into(),
        gender: "male".into(),
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

/// What the simulated reader does at each step.
#[derive(Clone, Copy)]
enum Reader {
    /// A card lies on it.
    Card,
    /// Nothing on it.
    Empty,
    /// The card leaves between select and read.
    RemovedMidRead,
    /// The read's answer has one byte changed.
    Damaged,
    /// The read's answer stops halfway.
    CutShort,
}

/// A pseudo-terminal: the simulated reader on the master side (a thread), the path of the
/// slave side for the desk to open as its serial port.
fn reader(kind: Reader) -> (String, JoinHandle<()>) {
    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let path = nix::unistd::ttyname(&pty.slave).expect("the slave's name").display().to_string();
    let mut port = File::from(pty.master);
    let slave_keepalive = File::from(pty.slave);
    let handle = std::thread::spawn(move || {
        let _slave = slave_keepalive; // the pty stays open until the exchange is over
        let mut buf = [0u8; 64];
        let mut pending = Vec::new();
        loop {
            let n = match port.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            };
            pending.extend_from_slice(&buf[..n]);
            // Each command is 10 bytes: preamble, length, CMD PARA, CHK.
            while pending.len() >= 10 {
                let cmd = [pending[7], pending[8]];
                pending.drain(..10);
                let text = text_block(&card(), "05");
                let mut data = vec![0x01, 0x00, 0x04, 0x00];
                data.extend_from_slice(&text);
                data.extend_from_slice(&[0x57; 1024]); // the photo, in the card's own format
                let reply = match (kind, cmd) {
                    (Reader::Empty, _) => answer(SW_NO_CARD, &[]),
                    (_, c) if c == SELECT => answer(SW_OK, &[]),
                    (Reader::RemovedMidRead, c) if c == READ_BASE => answer(SW_READ_FAILED, &[]),
                    (Reader::Damaged, c) if c == READ_BASE => {
                        let mut f = answer(SW_OK, &data);
                        f[300] ^= 0x01;
                        f
                    }
                    (Reader::CutShort, c) if c == READ_BASE => {
                        let f = answer(SW_OK, &data);
                        f[..f.len() / 2].to_vec()
                    }
                    (_, c) if c == READ_BASE => answer(SW_OK, &data),
                    _ => answer(SW_FOUND, &[0; 4]),
                };
                if port.write_all(&reply).is_err() {
                    return;
                }
            }
        }
    });
    (path, handle)
}

#[test]
fn a_card_on_a_reader_at_a_serial_port_reads_whole() {
    let (path, _sim) = reader(Reader::Card);
    let read = read_card_at(&path, today()).expect("the card reads");
    assert_eq!(read, card());
    assert_eq!((read.ethnicity.as_str(), read.valid_until), ("维吾尔", None), "长期 has no end");
}

#[test]
fn each_failure_is_its_own_error_and_nothing_is_read() {
    for (kind, expected) in [
        (Reader::Empty, "NoCard"),
        (Reader::RemovedMidRead, "CardRemoved"),
        (Reader::Damaged, "DamagedFrame"),
        (Reader::CutShort, "DamagedFrame"),
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
