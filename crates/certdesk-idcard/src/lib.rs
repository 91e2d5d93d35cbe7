//! The second-generation resident ID-card reader (二代证读卡器, issue 15 item 4): the desktop
//! readers agencies buy speak one serial protocol (the SAM module's, over USB-serial), and this
//! crate reads a card's text fields through it so enrolment can be filled from the card.
//!
//! # Frames
//! Every frame starts with the preamble `AA AA AA 96 69` and a two-byte big-endian length of
//! what follows. A command is `CMD PARA [data] CHK`; an answer is `SW1 SW2 SW3 [data] CHK`;
//! `CHK` is the XOR of the length bytes and everything after them but itself. A card is read in
//! three steps: find (`20 01`, answered `00 00 9F`), select (`20 02`, `00 00 90`), read the base
//! information (`30 01`, `00 00 90` and the data: text length, photo length, both big-endian,
//! the 256 bytes of text in UCS-2 little-endian, then the photo). The photo is in the card's
//! own compressed format (WLT) that only the vendor's library decodes: it is left out, and the
//! worker's photo comes from the webcam or a file.
//!
//! Nothing here fills anything on its own: [`read_card`] answers the whole card or a
//! [`ReaderError`] (no reader on the port, no card, a card taken away mid-read, a damaged or
//! short frame, a card whose fields do not parse), and the caller fills the form only with a
//! whole card.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use certdesk_domain::Gender;
use chrono::NaiveDate;
use serde::Serialize;

mod ethnicity;
mod messages;
#[cfg(all(unix, feature = "simulator"))]
pub mod simulator;

pub use ethnicity::ethnicity_name;

/// Every frame's first five bytes.
pub const PREAMBLE: [u8; 5] = [0xAA, 0xAA, 0xAA, 0x96, 0x69];
/// Find a card.
pub const FIND: [u8; 2] = [0x20, 0x01];
/// Select the card found.
pub const SELECT: [u8; 2] = [0x20, 0x02];
/// Read its text and photo.
pub const READ_BASE: [u8; 2] = [0x30, 0x01];
/// The status of a success.
pub const SW_OK: [u8; 3] = [0x00, 0x00, 0x90];
/// The status of a card found.
pub const SW_FOUND: [u8; 3] = [0x00, 0x00, 0x9F];
/// The status of no card on the reader.
pub const SW_NO_CARD: [u8; 3] = [0x00, 0x00, 0x80];
/// The status of a card that could not be selected (taken away, or moved).
pub const SW_SELECT_FAILED: [u8; 3] = [0x00, 0x00, 0x81];
/// The status of a read that failed (the card left the field mid-read).
pub const SW_READ_FAILED: [u8; 3] = [0x00, 0x00, 0x41];
/// The card's text block: 256 bytes of UCS-2 little-endian.
pub const TEXT_LEN: usize = 256;
/// Longest answer accepted (text, photo and the status), so a broken reader cannot make the
/// desk wait for megabytes.
pub const MAX_FRAME: usize = 4096;

/// Why a card was not read; nothing was filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderError {
    /// The port could not be opened (no reader there, or it is another device's).
    NoReader(String),
    /// No card on the reader.
    NoCard,
    /// The card was taken away (or moved) before it was read whole.
    CardRemoved,
    /// The reader did not answer in time.
    Timeout,
    /// An answer that is not a frame of the protocol: a wrong preamble, length or checksum,
    /// a status this step never answers, or a short block.
    DamagedFrame(String),
    /// A whole, well-formed answer whose fields are not a card's: this one does not parse (or,
    /// for [`CardField::SexOrBirth`], disagrees with the card's own ID number).
    Unreadable(CardField),
}

/// A field of the card's text, named in the clerk's sentence when it does not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardField {
    /// 姓名.
    Name,
    /// 性别.
    Sex,
    /// 民族.
    Ethnicity,
    /// 出生.
    BirthDate,
    /// 住址.
    Address,
    /// 公民身份号码.
    IdNumber,
    /// 签发机关.
    Authority,
    /// 有效期限, its first day.
    ValidFrom,
    /// 有效期限, its last day.
    ValidUntil,
    /// The printed sex or birth date is not what the card's ID number encodes.
    SexOrBirth,
}

impl ReaderError {
    /// What the clerk reads: (Chinese, English).
    pub fn sentence(&self) -> (String, String) {
        messages::sentence(self)
    }
}

impl std::fmt::Display for ReaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sentence().1)
    }
}

/// A card's text fields, as printed on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CardText {
    /// 姓名.
    pub name: String,
    /// The card's code 1 or 2; always the one its ID number encodes.
    pub gender: Gender,
    /// 民族, its name (汉, 蒙古 … by GB 3304).
    pub ethnicity: String,
    /// 出生.
    pub birth_date: NaiveDate,
    /// 住址.
    pub address: String,
    /// 公民身份号码.
    pub id_number: String,
    /// 签发机关.
    pub authority: String,
    /// 有效期限: first day.
    pub valid_from: NaiveDate,
    /// Last day; `None` for 长期 (no end).
    pub valid_until: Option<NaiveDate>,
}

/// A command frame.
pub fn command(cmd: [u8; 2]) -> Vec<u8> {
    let len: u16 = 3; // CMD, PARA, CHK
    let mut body = vec![(len >> 8) as u8, len as u8, cmd[0], cmd[1]];
    let chk = body.iter().fold(0u8, |a, b| a ^ b);
    body.push(chk);
    [&PREAMBLE[..], &body].concat()
}

/// An answer frame (the reader's side: the tests' simulated reader).
pub fn answer(sw: [u8; 3], data: &[u8]) -> Vec<u8> {
    let len = (3 + data.len() + 1) as u16;
    let mut body = vec![(len >> 8) as u8, len as u8];
    body.extend_from_slice(&sw);
    body.extend_from_slice(data);
    let chk = body.iter().fold(0u8, |a, b| a ^ b);
    body.push(chk);
    [&PREAMBLE[..], &body].concat()
}

/// One answer parsed: its status and data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// SW1 SW2 SW3.
    pub sw: [u8; 3],
    /// What follows the status.
    pub data: Vec<u8>,
}

/// Parses one whole answer frame (exactly its bytes).
pub fn parse_answer(frame: &[u8]) -> Result<Answer, ReaderError> {
    let damaged = |why: &str| ReaderError::DamagedFrame(why.to_owned());
    if frame.len() < PREAMBLE.len() + 2 || frame[..5] != PREAMBLE {
        return Err(damaged("no preamble"));
    }
    let len = usize::from(u16::from_be_bytes([frame[5], frame[6]]));
    if len < 4 || frame.len() != 7 + len {
        return Err(damaged("the length does not match the frame"));
    }
    let chk = frame[5..frame.len() - 1].iter().fold(0u8, |a, b| a ^ b);
    if chk != frame[frame.len() - 1] {
        return Err(damaged("the checksum does not match"));
    }
    Ok(Answer { sw: [frame[7], frame[8], frame[9]], data: frame[10..frame.len() - 1].to_vec() })
}

/// Reads one answer frame from `port`, waiting at most `timeout` in all.
pub fn read_answer<R: Read + ?Sized>(port: &mut R, timeout: Duration) -> Result<Answer, ReaderError> {
    let deadline = Instant::now() + timeout;
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 512];
    loop {
        // Drop noise before a preamble; a frame is whole once its length says so.
        if let Some(start) = buf.windows(5).position(|w| w == PREAMBLE) {
            buf.drain(..start);
            if buf.len() >= 7 {
                let total = 7 + usize::from(u16::from_be_bytes([buf[5], buf[6]]));
                if total > MAX_FRAME {
                    return Err(ReaderError::DamagedFrame(format!("a frame of {total} bytes")));
                }
                if buf.len() >= total {
                    return parse_answer(&buf[..total]);
                }
            }
        } else if buf.len() > MAX_FRAME {
            return Err(ReaderError::DamagedFrame("no preamble".into()));
        }
        if Instant::now() >= deadline {
            return Err(if buf.is_empty() { ReaderError::Timeout } else { ReaderError::DamagedFrame("a frame cut short".into()) });
        }
        match port.read(&mut chunk) {
            Ok(0) => std::thread::sleep(Duration::from_millis(5)),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted) => {}
            Err(e) => return Err(ReaderError::NoReader(e.to_string())),
        }
    }
}

fn ucs2(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units).trim_end_matches(['\u{0}', ' ']).trim().to_owned()
}

fn date(s: &str, what: CardField) -> Result<NaiveDate, ReaderError> {
    NaiveDate::parse_from_str(s, "%Y%m%d").map_err(|_| ReaderError::Unreadable(what))
}

/// The card's fields from its 256-byte text block (UCS-2 little-endian): name 30 bytes, gender
/// 2, ethnicity 4, birth 16, address 70, ID number 36, authority 30, valid from 16, valid until
/// 16 (`长期` for no end), 36 reserved. `today` judges the ID number.
pub fn parse_text(text: &[u8], today: NaiveDate) -> Result<CardText, ReaderError> {
    if text.len() < TEXT_LEN {
        return Err(ReaderError::DamagedFrame(format!("a text block of {} bytes", text.len())));
    }
    let field = |from: usize, len: usize| ucs2(&text[from..from + len]);
    let name = field(0, 30);
    let gender = match field(30, 2).as_str() {
        "1" => Gender::Male,
        "2" => Gender::Female,
        _ => return Err(ReaderError::Unreadable(CardField::Sex)),
    };
    let ethnicity = ethnicity_name(&field(32, 4)).ok_or(ReaderError::Unreadable(CardField::Ethnicity))?;
    let birth_date = date(&field(36, 16), CardField::BirthDate)?;
    let address = field(52, 70);
    let id = field(122, 36);
    let id_number = certdesk_domain::IdNumber::parse(&id, today).map_err(|_| ReaderError::Unreadable(CardField::IdNumber))?;
    let authority = field(158, 30);
    let valid_from = date(&field(188, 16), CardField::ValidFrom)?;
    let until = field(204, 16);
    let valid_until = if until.starts_with("长期") { None } else { Some(date(&until, CardField::ValidUntil)?) };
    // A card whose printed sex or birth date is not what its own number encodes was not
    // written by the issuing authority (or the read went wrong): nothing from it is trusted.
    if id_number.gender() != gender || id_number.birth_date() != birth_date {
        return Err(ReaderError::Unreadable(CardField::SexOrBirth));
    }
    let name = certdesk_domain::parse_person_name(&name, "name").map_err(|_| ReaderError::Unreadable(CardField::Name))?;
    if address.is_empty() {
        return Err(ReaderError::Unreadable(CardField::Address));
    }
    if authority.is_empty() {
        return Err(ReaderError::Unreadable(CardField::Authority));
    }
    Ok(CardText {
        name,
        gender,
        ethnicity: ethnicity.to_owned(),
        birth_date,
        address,
        id_number: id_number.as_str().to_owned(),
        authority,
        valid_from,
        valid_until,
    })
}

/// The 256-byte text block of `card` (the simulated reader's side, and the tests').
pub fn text_block(card: &CardText, ethnicity_code: &str) -> Vec<u8> {
    let mut out = vec![0u8; TEXT_LEN];
    let mut put = |from: usize, len: usize, s: &str| {
        let bytes: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        // Unused space is spaces, as the cards carry it.
        for (i, b) in out[from..from + len].iter_mut().enumerate() {
            *b = if i % 2 == 0 { b' ' } else { 0 };
        }
        let n = bytes.len().min(len);
        out[from..from + n].copy_from_slice(&bytes[..n]);
    };
    put(0, 30, &card.name);
    put(30, 2, if card.gender == Gender::Male { "1" } else { "2" });
    put(32, 4, ethnicity_code);
    put(36, 16, &card.birth_date.format("%Y%m%d").to_string());
    put(52, 70, &card.address);
    put(122, 36, &card.id_number);
    put(158, 30, &card.authority);
    put(188, 16, &card.valid_from.format("%Y%m%d").to_string());
    put(204, 16, &card.valid_until.map_or_else(|| "长期".to_owned(), |d| d.format("%Y%m%d").to_string()));
    out
}

/// Reads the card on the reader at `port` (find, select, read), each answer within `timeout`.
pub fn read_card<P: Read + Write + ?Sized>(port: &mut P, timeout: Duration, today: NaiveDate) -> Result<CardText, ReaderError> {
    let mut ask = |cmd: [u8; 2]| -> Result<Answer, ReaderError> {
        port.write_all(&command(cmd)).and_then(|()| port.flush()).map_err(|e| ReaderError::NoReader(e.to_string()))?;
        read_answer(port, timeout)
    };
    match ask(FIND)?.sw {
        SW_FOUND | SW_OK => {}
        SW_NO_CARD => return Err(ReaderError::NoCard),
        sw => return Err(ReaderError::DamagedFrame(format!("status {sw:02X?} to find"))),
    }
    match ask(SELECT)?.sw {
        SW_OK => {}
        SW_SELECT_FAILED | SW_NO_CARD => return Err(ReaderError::CardRemoved),
        sw => return Err(ReaderError::DamagedFrame(format!("status {sw:02X?} to select"))),
    }
    let read = ask(READ_BASE)?;
    match read.sw {
        SW_OK => {}
        SW_READ_FAILED | SW_NO_CARD | SW_SELECT_FAILED => return Err(ReaderError::CardRemoved),
        sw => return Err(ReaderError::DamagedFrame(format!("status {sw:02X?} to read"))),
    }
    let d = &read.data;
    if d.len() < 4 {
        return Err(ReaderError::DamagedFrame("a read without its lengths".into()));
    }
    let text_len = usize::from(u16::from_be_bytes([d[0], d[1]]));
    let photo_len = usize::from(u16::from_be_bytes([d[2], d[3]]));
    if text_len < TEXT_LEN || d.len() != 4 + text_len + photo_len {
        return Err(ReaderError::DamagedFrame(format!("{} bytes where the lengths say {}", d.len(), 4 + text_len + photo_len)));
    }
    parse_text(&d[4..4 + TEXT_LEN], today)
}

/// Opens the reader at `path` (`/dev/ttyUSB0`, `COM3`) at 115200 baud and reads the card.
pub fn read_card_at(path: &str, today: NaiveDate) -> Result<CardText, ReaderError> {
    let mut port = serialport::new(path, 115_200)
        .timeout(Duration::from_millis(100))
        .open()
        .map_err(|e| ReaderError::NoReader(format!("{path}: {e}")))?;
    // Whatever an earlier, interrupted read left in the buffers is not this card's.
    let _ = port.clear(serialport::ClearBuffer::All);
    read_card(&mut port, Duration::from_secs(3), today)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn card() -> CardText {
        CardText {
            name: "张三".into(),
            gender: Gender::Female,
            ethnicity: "汉".into(),
            birth_date: NaiveDate::from_ymd_opt(1990, 3, 7).unwrap(),
            address: "上海市徐汇区漕溪北路1号".into(),
            id_number: "110105199003070025".into(),
            authority: "上海市公安局徐汇分局".into(),
            valid_from: NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(),
            valid_until: Some(NaiveDate::from_ymd_opt(2040, 5, 1).unwrap()),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    #[test]
    fn a_text_block_reads_back_as_the_card_and_long_term_validity_has_no_end() {
        assert_eq!(parse_text(&text_block(&card(), "01"), today()), Ok(card()));
        let forever = CardText { valid_until: None, ethnicity: "蒙古".into(), ..card() };
        assert_eq!(parse_text(&text_block(&forever, "02"), today()), Ok(forever));
    }

    #[test]
    fn frames_round_trip_and_one_changed_byte_is_a_damaged_frame() {
        let f = answer(SW_OK, &[1, 2, 3]);
        assert_eq!(parse_answer(&f), Ok(Answer { sw: SW_OK, data: vec![1, 2, 3] }));
        for i in 0..f.len() {
            let mut bad = f.clone();
            bad[i] ^= 0x10;
            assert!(matches!(parse_answer(&bad), Err(ReaderError::DamagedFrame(_))), "byte {i}");
        }
        assert_eq!(&command(FIND)[..], &[0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22]);
    }

    #[test]
    fn fields_that_are_not_a_cards_are_refused() {
        let bad_id = CardText { id_number: "110105199003070021".into(), ..card() };
        assert_eq!(parse_text(&text_block(&bad_id, "01"), today()), Err(ReaderError::Unreadable(CardField::IdNumber)), "a wrong check digit");
        assert_eq!(parse_text(&text_block(&card(), "99"), today()), Err(ReaderError::Unreadable(CardField::Ethnicity)), "no such ethnicity");
        assert!(matches!(parse_text(&[0u8; 100], today()), Err(ReaderError::DamagedFrame(_))));
        // A card whose printed sex or birth date its own number does not encode (a forged or
        // misread card) fills nothing.
        let other_sex = CardText { gender: Gender::Male, ..card() };
        assert_eq!(parse_text(&text_block(&other_sex, "01"), today()), Err(ReaderError::Unreadable(CardField::SexOrBirth)), "sex");
        let other_birth = CardText { birth_date: NaiveDate::from_ymd_opt(1990, 3, 8).unwrap(), ..card() };
        assert_eq!(parse_text(&text_block(&other_birth, "01"), today()), Err(ReaderError::Unreadable(CardField::SexOrBirth)), "birth date");
        // The clerk's sentence names the field in each language, nothing in the other's.
        let (zh, en) = ReaderError::Unreadable(CardField::Ethnicity).sentence();
        assert!(zh.contains("（民族）") && !zh.is_ascii() && en.contains("(ethnicity)"), "{zh} / {en}");
        assert!(ReaderError::Unreadable(CardField::SexOrBirth).sentence().0.contains("与证件号码不符"));
    }
}
