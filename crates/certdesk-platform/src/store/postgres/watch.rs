//! What the public page reads, kept in this instance between changes (issue 12 item 3: the
//! public page served without the writer). Every scanned card asks for its certificate and the
//! trust list; on PostgreSQL each was four queries on the readers' pool, competing with the
//! desks' syncs, so a city's scans stalled behind its pushes.
//!
//! Migration `0016_public_notify` makes every statement that writes a table the page reads
//! (certificates, workers, agencies, blobs, the synced records it shows (migration 17:
//! [`crate::store::public::PUBLIC_RECORDS`]), the signing keys) notify the
//! channel [`CHANNEL`] with the agency it concerns when its transaction commits, whichever
//! instance wrote it. One thread per instance listens on a connection of its own and notes when
//! each agency (or everything: the signing keys) last moved; a cached certificate is used only
//! while its agency has not moved since it was read, so a revocation or an approval shows on the
//! next scan on every instance (as long as the notification takes to arrive: milliseconds), and
//! one agency's syncs leave the other agencies' certificates cached. While the listening
//! connection is down nothing is served from the cache, and reconnecting makes everything read
//! before it old.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use ::postgres::fallible_iterator::FallibleIterator;
use ::postgres::NoTls;
use certdesk_protocol::TrustList;
use uuid::Uuid;

use crate::store::public::PublicCertificate;

/// The channel the migration's triggers notify.
pub const CHANNEL: &str = "certdesk_public";

/// Certificates kept at most; past it the cache starts again (a city's daily scans touch far
/// fewer, and an entry is a few hundred bytes).
const MAX_ENTRIES: usize = 50_000;

/// The listener's state and the answers read at a moment. Every notification takes the next
/// number of [`Watch::seq`] and records it for its agency (or for all); an answer read when the
/// number was `n` is used while nothing it depends on moved past `n`.
#[derive(Default)]
pub(super) struct Watch {
    seq: AtomicU64,
    listening: AtomicBool,
    stop: AtomicBool,
    moved: Mutex<Moved>,
    trust: Mutex<Option<(u64, TrustList)>>,
    certificates: Mutex<HashMap<String, (u64, Option<PublicCertificate>)>>,
    /// This instance's marks ([`Watch::mark`]): its name among the instances, the last handed
    /// out, the last heard back.
    instance: String,
    marked: AtomicU64,
    heard: Mutex<u64>,
    heard_moved: Condvar,
}

/// The payload of a mark begins with this; no agency id does.
const MARK: &str = "mark:";

/// How long a write waits to hear its own mark before treating everything as moved.
const MARK_WAIT: Duration = Duration::from_secs(1);

/// When things last moved, by [`Watch::seq`].
#[derive(Default)]
struct Moved {
    /// Everything (the signing keys, a reconnection).
    all: u64,
    /// Anything at all (for a certificate that did not exist: any agency may approve it).
    any: u64,
    /// Each agency's records.
    agency: HashMap<Uuid, u64>,
}

impl Watch {
    /// Starts the listening thread on its own connection to `config`'s database.
    pub(super) fn start(config: ::postgres::Config) -> Arc<Watch> {
        use std::hash::{BuildHasher, Hasher};
        // A name no other instance has: the process and a per-process random number.
        let random = std::collections::hash_map::RandomState::new().build_hasher().finish();
        let instance = format!("{}-{random:x}", std::process::id());
        let watch = Arc::new(Watch { instance, ..Watch::default() });
        let listener = watch.clone();
        std::thread::Builder::new()
            .name("public-watch".into())
            .spawn(move || listener.listen(&config))
            .expect("a thread for the public page's cache");
        watch
    }

    /// Stops the thread (within half a second) and serves nothing from the cache any more.
    pub(super) fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.listening.store(false, Ordering::SeqCst);
    }

    /// The moment answers read now belong to, when the cache may be used.
    pub(super) fn current(&self) -> Option<u64> {
        self.listening.load(Ordering::SeqCst).then(|| self.seq.load(Ordering::SeqCst))
    }

    fn moved(&self) -> std::sync::MutexGuard<'_, Moved> {
        self.moved.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The trust list, if read since the signing keys last moved.
    pub(super) fn trust(&self) -> Option<TrustList> {
        self.current()?;
        let all = self.moved().all;
        let held = self.trust.lock().unwrap_or_else(|e| e.into_inner());
        held.as_ref().filter(|(at, _)| *at >= all).map(|(_, t)| t.clone())
    }

    /// When `agency`'s records last moved, as heard.
    #[cfg(test)]
    pub(super) fn agency_moved(&self, agency: Uuid) -> Option<u64> {
        self.moved().agency.get(&agency).copied()
    }

    /// Keeps the trust list read at `at` (taken from [`Watch::current`] before reading it).
    pub(super) fn keep_trust(&self, at: u64, list: &TrustList) {
        *self.trust.lock().unwrap_or_else(|e| e.into_inner()) = Some((at, list.clone()));
    }

    /// The certificate `code`, if read since anything it shows last moved (`Some(None)`: it did
    /// not exist).
    pub(super) fn certificate(&self, code: &str) -> Option<Option<PublicCertificate>> {
        self.current()?;
        let (at, record) = self.certificates.lock().unwrap_or_else(|e| e.into_inner()).get(code).cloned()?;
        let moved = self.moved();
        let since = match &record {
            Some(r) => moved.agency.get(&r.agency_id).copied().unwrap_or(0),
            None => moved.any,
        };
        (at >= since.max(moved.all)).then_some(record)
    }

    /// Keeps the certificate `code` as read at `at` (taken from [`Watch::current`] before
    /// reading it).
    pub(super) fn keep_certificate(&self, at: u64, code: &str, record: &Option<PublicCertificate>) {
        let mut held = self.certificates.lock().unwrap_or_else(|e| e.into_inner());
        if held.len() >= MAX_ENTRIES {
            held.clear();
        }
        held.insert(code.to_owned(), (at, record.clone()));
    }

    /// A mark for a write of this instance to send last in its transaction (`pg_notify` on
    /// [`CHANNEL`] with the payload), and its number to [wait for](Watch::wait_for) after the
    /// commit; `None` while the cache is not used. PostgreSQL delivers notifications in commit
    /// order, so once the listener hears the mark it has heard every change of that
    /// transaction: a page read on this instance after the write returns never shows what the
    /// write replaced (a clerk's approval, then a scan).
    pub(super) fn mark(&self) -> Option<(u64, String)> {
        self.current()?;
        let n = self.marked.fetch_add(1, Ordering::SeqCst) + 1;
        Some((n, format!("{MARK}{}:{n}", self.instance)))
    }

    /// Waits until the listener has heard mark `n`; after [`MARK_WAIT`] without it (the
    /// connection lost), everything read before counts as moved.
    pub(super) fn wait_for(&self, n: u64) {
        let heard = self.heard.lock().unwrap_or_else(|e| e.into_inner());
        let (heard, timeout) = self
            .heard_moved
            .wait_timeout_while(heard, MARK_WAIT, |h| *h < n && self.listening.load(Ordering::SeqCst))
            .unwrap_or_else(|e| e.into_inner());
        let missed = *heard < n && (timeout.timed_out() || !self.listening.load(Ordering::SeqCst));
        drop(heard);
        if missed {
            self.notified("");
        }
    }

    /// A notification: `payload` names an agency, or is empty for everything, or is a mark
    /// (this instance's, heard; another's, nothing). An answer read at the number taken before
    /// this one is older than the change.
    fn notified(&self, payload: &str) {
        if let Some(mark) = payload.strip_prefix(MARK) {
            if let Some(n) = mark.strip_prefix(self.instance.as_str()).and_then(|m| m.strip_prefix(':')).and_then(|n| n.parse::<u64>().ok()) {
                let mut heard = self.heard.lock().unwrap_or_else(|e| e.into_inner());
                *heard = (*heard).max(n);
                self.heard_moved.notify_all();
            }
            return;
        }
        let mut moved = self.moved();
        let n = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        moved.any = n;
        match Uuid::parse_str(payload) {
            Ok(agency) => {
                moved.agency.insert(agency, n);
            }
            Err(_) => moved.all = n,
        }
    }

    /// Listens until stopped: connects, listens, moves the generation on every notification;
    /// on any failure serves nothing from the cache until listening again.
    fn listen(&self, config: &::postgres::Config) {
        while !self.stop.load(Ordering::SeqCst) {
            let mut client = match config.connect(NoTls) {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "public page cache: cannot connect to listen; serving without it");
                    std::thread::sleep(Duration::from_secs(1));
                    continue;
                }
            };
            if let Err(e) = client.batch_execute(&format!("LISTEN {CHANNEL}")) {
                tracing::warn!(error = %e, "public page cache: LISTEN failed; serving without it");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
            // Whatever changed while not listening is older than what is read from now on.
            self.notified("");
            self.listening.store(true, Ordering::SeqCst);
            loop {
                if self.stop.load(Ordering::SeqCst) {
                    return;
                }
                let next = client.notifications().timeout_iter(Duration::from_millis(500)).next();
                match next {
                    Ok(Some(n)) => self.notified(n.payload()),
                    Ok(None) if !client.is_closed() => {}
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "public page cache: the listening connection failed; serving without it");
                        break;
                    }
                }
            }
            self.listening.store(false, Ordering::SeqCst);
            self.notified("");
            // Writes waiting for their marks stop waiting: everything moved.
            let _heard = self.heard.lock().unwrap_or_else(|e| e.into_inner());
            self.heard_moved.notify_all();
        }
    }
}
