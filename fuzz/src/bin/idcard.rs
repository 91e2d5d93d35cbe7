//! Fuzz target: what the ID-card reader sends the desk (issue 15 item 4), through the real
//! reading code: `certdesk_idcard::read_card` over a port that answers with the fuzzer's bytes
//! (find, select and read in one stream), `parse_answer` on a single frame, and `parse_text` on
//! a text block. Besides never panicking, a card read whole must carry an ID number that parses
//! and a name the enrolment form takes.

use std::io::{Read, Write};
use std::time::Duration;

/// A serial port whose reader sends `data`, then fails (the cable pulled), and swallows what the
/// desk writes.
struct Port<'a>(&'a [u8]);

impl Read for Port<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.0.is_empty() {
            return Err(std::io::Error::other("the reader is gone"));
        }
        let n = buf.len().min(self.0.len()).min(97);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

impl Write for Port<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    let today = certdesk_fuzz::today();
    afl::fuzz!(|data: &[u8]| {
        let _ = certdesk_idcard::parse_answer(data);
        let _ = certdesk_idcard::parse_text(data, today);
        if let Ok(card) = certdesk_idcard::read_card(&mut Port(data), Duration::from_millis(50), today) {
            certdesk_domain::IdNumber::parse(&card.id_number, today).expect("a card read whole has an ID number that parses");
            certdesk_domain::parse_person_name(&card.name, "name").expect("and a name the form takes");
        }
    });
}
