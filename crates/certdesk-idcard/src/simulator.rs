//! A simulated reader on a pseudo-terminal (feature `simulator`, Unix; for tests only): the
//! master side answers the protocol (find, select, read) as a USB-serial reader would, and the
//! slave side's path is the "serial port" the desk opens. Each [`Behaviour`] is one of the
//! faults a desk meets at a real reader.

use std::fs::File;
use std::io::{Read, Write};
use std::thread::JoinHandle;

use crate::{answer, text_block, CardText, READ_BASE, SELECT, SW_FOUND, SW_NO_CARD, SW_OK, SW_READ_FAILED};

/// What the simulated reader does at each step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
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

/// Starts a reader holding `card` (ethnicity code `ethnicity_code`, GB 3304) that behaves as
/// `behaviour` for as many reads as the desk makes: the path to open as the serial port, and
/// the thread answering on the other side (it ends when the pseudo-terminal closes).
pub fn start(card: CardText, ethnicity_code: &str, behaviour: Behaviour) -> std::io::Result<(String, JoinHandle<()>)> {
    let pty = nix::pty::openpty(None, None).map_err(std::io::Error::from)?;
    let path = nix::unistd::ttyname(&pty.slave).map_err(std::io::Error::from)?.display().to_string();
    let mut port = File::from(pty.master);
    let slave_keepalive = File::from(pty.slave);
    let text = text_block(&card, ethnicity_code);
    let handle = std::thread::spawn(move || {
        let _slave = slave_keepalive; // the pty stays open between the desk's reads
        let mut data = vec![0x01, 0x00, 0x04, 0x00];
        data.extend_from_slice(&text);
        data.extend_from_slice(&[0x57; 1024]); // the photo, in the card's own format
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
                let reply = match (behaviour, cmd) {
                    (Behaviour::Empty, _) => answer(SW_NO_CARD, &[]),
                    (_, c) if c == SELECT => answer(SW_OK, &[]),
                    (Behaviour::RemovedMidRead, c) if c == READ_BASE => answer(SW_READ_FAILED, &[]),
                    (Behaviour::Damaged, c) if c == READ_BASE => {
                        let mut f = answer(SW_OK, &data);
                        f[300] ^= 0x01;
                        f
                    }
                    (Behaviour::CutShort, c) if c == READ_BASE => {
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
    Ok((path, handle))
}
