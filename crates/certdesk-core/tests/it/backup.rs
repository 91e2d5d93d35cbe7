//! 备份与恢复 (issue 10 item 5, the command line's half): a manager's backup is one file, encrypted
//! with a passphrase (age, scrypt), holding every record; it restores into an empty folder, where
//! the desk opens with everything and encrypts it under a new key. A clerk, a short passphrase, a
//! wrong passphrase, a changed byte, a file cut short and a folder that holds a desk are each
//! refused with a sentence, and nothing is written.

use std::path::Path;

use certdesk_core::{backup, DeskApp};
use certdesk_store::{Desk, NewUser, Role};
use certdesk_testkit::desk::{open_desk, worker_form, MANAGER, MANAGER_PASSWORD};
use certdesk_testkit::id_number;

const PASSPHRASE: &str = "长城-2026-backup";

/// Nothing but an empty folder (or no folder) at `dir`.
fn untouched(dir: &Path) -> bool {
    std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(true)
}

#[test]
fn a_backup_restores_every_record_and_every_refusal_writes_nothing() {
    let src = tempfile::tempdir().unwrap();
    let (mut desk, me) = open_desk(src.path());
    for i in 1..=3 {
        desk.enrol_worker(&me, &worker_form(&format!("备份测试{}", ["甲", "乙", "丙"][i - 1]), &id_number(i as u32))).unwrap();
    }
    desk.add_user(Some(&me), &NewUser { username: "clerk1".into(), display_name: "小李".into(), role: Role::Clerk, password: "password1".into() })
        .unwrap();
    let app = DeskApp::new(desk);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("certdesk-2026-12-04.age");

    app.login("clerk1", "password1").unwrap();
    let e = app.manager("backup", |s| s.create_backup(&file, PASSPHRASE)).unwrap_err();
    assert_eq!(e.code, "forbidden", "a clerk makes no backup");
    app.login(MANAGER, MANAGER_PASSWORD).unwrap();
    let e = app.manager("backup", |s| s.create_backup(&file, "short")).unwrap_err();
    assert_eq!(e.code, "backup_passphrase");
    assert!(!file.exists(), "nothing written");

    let written = app.manager("backup", |s| s.create_backup(&file, PASSPHRASE)).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(written.bytes, bytes.len() as u64);
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"), "an age file");
    // Sealed at the fixed work factor (N = 2^18, 256 MiB), not at what this machine measures.
    let stanza = bytes.split(|b| *b == b'\n').nth(1).map(|l| String::from_utf8_lossy(l).into_owned()).unwrap();
    assert!(stanza.starts_with("-> scrypt ") && stanza.ends_with(&format!(" {}", backup::SEAL_WORK_FACTOR)), "{stanza}");
    let name = "备份测试".as_bytes();
    assert!(!bytes.windows(name.len()).any(|w| w == name), "no name in clear");
    assert!(
        std::fs::read_dir(src.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with(".backup")),
        "the plain snapshot is gone"
    );

    // Refusals: nothing is written into the target.
    let target = tempfile::tempdir().unwrap();
    let dir = target.path().join("restored");
    let e = backup::restore(&file, &dir, "not the passphrase").unwrap_err();
    assert_eq!(e.code, "backup_passphrase");
    assert!(e.message_zh.contains("备份密码不正确"), "{}", e.message_zh);
    assert!(untouched(&dir));
    let mut changed = bytes.clone();
    let middle = changed.len() / 2;
    changed[middle] ^= 0x01;
    let bad = out.path().join("changed.age");
    std::fs::write(&bad, &changed).unwrap();
    assert_eq!(backup::restore(&bad, &dir, PASSPHRASE).unwrap_err().code, "backup_damaged");
    std::fs::write(&bad, &bytes[..bytes.len() - 100]).unwrap();
    assert_eq!(backup::restore(&bad, &dir, PASSPHRASE).unwrap_err().code, "backup_damaged", "cut short");
    // A forged header asking N = 2^22 (4 GiB of memory) to open: refused before any work, with
    // a sentence (age's own bound would let this machine try it: it allows 2^4 times what the
    // machine measures).
    let at = bytes.windows(stanza.len()).position(|w| w == stanza.as_bytes()).unwrap();
    let mut forged = bytes.clone();
    forged[at + stanza.len() - 2..at + stanza.len()].copy_from_slice(b"22");
    std::fs::write(&bad, &forged).unwrap();
    let e = backup::restore(&bad, &dir, PASSPHRASE).unwrap_err();
    assert_eq!(e.code, "backup_damaged");
    assert!(e.message_zh.contains("4096 MiB") && e.message_zh.contains("2048 MiB"), "{}", e.message_zh);
    std::fs::write(&bad, b"not a backup at all").unwrap();
    assert_eq!(backup::restore(&bad, &dir, PASSPHRASE).unwrap_err().code, "backup_damaged");
    assert!(
        std::fs::read_dir(&dir).map(|d| d.filter_map(Result::ok).all(|e| e.file_name().to_string_lossy().starts_with('.'))).unwrap_or(true)
            && !dir.join(certdesk_store::DB_FILE).exists(),
        "no database written by a refused restore"
    );

    // The right passphrase: every record, the users, encrypted under a new key at the first open.
    backup::restore(&file, &dir, PASSPHRASE).unwrap();
    let restored = Desk::open(&dir).unwrap();
    assert_eq!(restored.search_workers("备份测试", None, 10).unwrap().total, 3);
    restored.login("clerk1", "password1").expect("the users came back too");
    drop(restored);
    assert!(!std::fs::read(dir.join(certdesk_store::DB_FILE)).unwrap().starts_with(b"SQLite format 3"), "encrypted at its first open");
    let e = backup::restore(&file, &dir, PASSPHRASE).unwrap_err();
    assert_eq!(e.code, "restore_target_taken", "a restore never overwrites a desk");
    assert_eq!(Desk::open(&dir).unwrap().search_workers("备份测试", None, 10).unwrap().total, 3);
}

/// The window's plan: a manager sets a folder, how many to keep and the passphrase (kept in the
/// keyring, or a 0600 file here); 立即备份 writes into the folder and the oldest beyond the count
/// go; the automatic backup writes only when a day has passed; a clerk sets nothing; a relative
/// folder and a count of 0 are refused, naming their fields.
#[test]
fn the_managers_plan_writes_into_its_folder_and_keeps_the_last_ones() {
    let src = tempfile::tempdir().unwrap();
    let (mut desk, me) = open_desk(src.path());
    desk.enrol_worker(&me, &worker_form("计划备份", &id_number(1))).unwrap();
    desk.add_user(Some(&me), &NewUser { username: "clerk1".into(), display_name: "小李".into(), role: Role::Clerk, password: "password1".into() })
        .unwrap();
    let app = DeskApp::new(desk);
    let usb = tempfile::tempdir().unwrap();
    let folder = usb.path().join("certdesk");
    let folder_text = folder.display().to_string();

    app.login("clerk1", "password1").unwrap();
    assert_eq!(app.manager("plan", |s| s.set_backup_plan(&folder_text, 2, Some(PASSPHRASE))).unwrap_err().code, "forbidden");
    app.login(MANAGER, MANAGER_PASSWORD).unwrap();
    assert_eq!(app.manager("now", |s| s.backup_now()).unwrap_err().code, "backup_passphrase", "no plan yet");
    let e = app.manager("plan", |s| s.set_backup_plan("relative/folder", 0, Some(PASSPHRASE))).unwrap_err();
    let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["folder", "keep"]);

    let plan = app.manager("plan", |s| s.set_backup_plan(&folder_text, 2, Some(PASSPHRASE))).unwrap();
    assert!(plan.passphrase_kept && plan.days_since.is_none());
    for _ in 0..3 {
        app.manager("now", |s| s.backup_now()).unwrap();
    }
    let files: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 2, "the oldest beyond two are gone: {files:?}");
    let plan = app.manager("plan", |s| s.backup_plan()).unwrap();
    assert_eq!(plan.days_since, Some(0));
    assert!(files.iter().any(|f| Some(f.display().to_string()) == plan.settings.last_file));
    // Not due again today.
    let mut desk = Desk::open(src.path()).unwrap();
    assert!(certdesk_core::Lobby::new(&mut desk).backup_if_due().unwrap().is_none());
    // What it wrote restores with the passphrase.
    let target = tempfile::tempdir().unwrap();
    backup::restore(&files[0], &target.path().join("d"), PASSPHRASE).unwrap();
    assert_eq!(Desk::open(&target.path().join("d")).unwrap().search_workers("计划备份", None, 5).unwrap().total, 1);
}

/// Opens an age file sealed with `passphrase`.
fn open_sealed(file: &Path, passphrase: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let d = age::Decryptor::new(std::io::BufReader::new(std::fs::File::open(file).unwrap())).map_err(|e| e.to_string())?;
    let identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(passphrase.to_owned()));
    let mut plain = Vec::new();
    d.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| e.to_string())?.read_to_end(&mut plain).map_err(|e| e.to_string())?;
    Ok(plain)
}

/// Issue 15 item 3: a roster export holds every listed worker's ID number and phone. Sealed
/// with a passphrase it is an age file (`.age` added to its name) that opens only with it; no
/// plain copy is left anywhere, a short passphrase writes nothing, and the audit names the
/// sealed file. Without a passphrase the export is written plain, as before.
#[test]
fn a_sealed_roster_export_opens_only_with_its_passphrase_and_leaves_no_plain_copy() {
    use certdesk_store::{RosterFilter, RosterFormat};
    let src = tempfile::tempdir().unwrap();
    let (mut desk, me) = open_desk(src.path());
    let id = id_number(7);
    desk.enrol_worker(&me, &worker_form("名册加密", &id)).unwrap();
    let app = DeskApp::new(desk);
    app.login(MANAGER, MANAGER_PASSWORD).unwrap();
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("名册.csv");
    let all = RosterFilter::everyone();

    let e = app.manager("roster_export", |s| s.export_roster(&path, RosterFormat::Csv, &all, Some("short"))).unwrap_err();
    assert_eq!(e.code, "backup_passphrase");
    assert!(untouched(out.path()), "nothing written");

    let done = app.manager("roster_export", |s| s.export_roster(&path, RosterFormat::Csv, &all, Some(PASSPHRASE))).unwrap();
    assert!(done.sealed && done.rows == 1);
    let sealed = out.path().join("名册.csv.age");
    assert_eq!(done.path, sealed.display().to_string());
    let names: Vec<String> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["名册.csv.age"], "only the sealed file");
    let bytes = std::fs::read(&sealed).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    assert!(!bytes.windows(id.len()).any(|w| w == id.as_bytes()), "no ID number in clear");
    let plain = String::from_utf8(open_sealed(&sealed, PASSPHRASE).expect("the passphrase opens it")).unwrap();
    assert!(plain.contains(&id) && plain.contains("名册加密"), "{plain}");
    assert!(open_sealed(&sealed, "another passphrase").is_err(), "no other passphrase does");
    assert!(
        std::fs::read_dir(src.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with(".export")),
        "the plain copy inside the data folder is gone"
    );
    let plain_path = out.path().join("plain.csv");
    let done = app.manager("roster_export", |s| s.export_roster(&plain_path, RosterFormat::Csv, &all, None)).unwrap();
    assert!(!done.sealed && std::fs::read_to_string(&plain_path).unwrap().contains(&id), "without a passphrase, plain as before");

    drop(app);
    let audit = Desk::open(src.path()).unwrap().timeline(certdesk_store::AuditEntity::Roster, "roster").unwrap();
    let said: Vec<String> = audit.into_iter().filter_map(|a| a.new_value).collect();
    assert!(said.iter().any(|s| s.contains("名册.csv.age") && s.contains("sealed")), "{said:?}");
}

/// Enrols worker `n` with a photo of its own.
fn enrol(desk: &mut Desk, me: &certdesk_store::SessionUser, n: u32) {
    let img = image::RgbImage::from_pixel(200, 240, image::Rgb([(n % 251) as u8, 90, 160]));
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut png, image::ImageFormat::Png).unwrap();
    let mut form = worker_form("并发备份", &id_number(n));
    form.photo_sha256 = Some(desk.prepare_photo(png.get_ref()).unwrap().sha256);
    desk.enrol_worker(me, &form).unwrap();
}

/// Issue 10 item 5: "a consistent snapshot while the window keeps working". Another handle on
/// the same desk (as the window is) enrols workers with photos the whole time three backups are
/// taken; each backup restores to a desk whose every worker has its photo and whose audit chain
/// holds, with at least the workers saved before it began and at most those saved by its end.
#[test]
fn backups_taken_while_the_desk_keeps_enrolling_with_photos_restore_consistent() {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
    use std::sync::Arc;
    let src = tempfile::tempdir().unwrap();
    let (mut desk, me) = open_desk(src.path());
    for n in 1..=5 {
        enrol(&mut desk, &me, n);
    }
    let (stop, saved) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU32::new(5)));
    let window = {
        let (stop, saved, dir) = (stop.clone(), saved.clone(), src.path().to_owned());
        std::thread::spawn(move || {
            let (mut desk, me) = (Desk::open(&dir).unwrap(), me);
            let mut n = 6;
            // At most a few hundred: the search that counts them afterwards lists 500.
            while !stop.load(Ordering::SeqCst) && n < 450 {
                enrol(&mut desk, &me, n);
                saved.store(n, Ordering::SeqCst);
                n += 1;
            }
        })
    };
    let out = tempfile::tempdir().unwrap();
    let mut taken = Vec::new();
    for i in 0..3 {
        let before = saved.load(Ordering::SeqCst);
        let file = out.path().join(format!("backup-{i}.age"));
        backup::create(src.path(), &file, PASSPHRASE).expect("a backup while the desk keeps working");
        taken.push((file, before, saved.load(Ordering::SeqCst)));
    }
    stop.store(true, Ordering::SeqCst);
    window.join().unwrap();
    assert!(saved.load(Ordering::SeqCst) > 5, "the other handle really wrote meanwhile");
    for (file, before, after) in taken {
        let dir = out.path().join(format!("{}-restored", file.file_stem().unwrap().to_string_lossy()));
        backup::restore(&file, &dir, PASSPHRASE).unwrap();
        let restored = Desk::open(&dir).unwrap();
        let workers = restored.search_workers("并发备份", None, 10_000).unwrap();
        let n = workers.total as u32;
        assert!((before..=after + 1).contains(&n), "{n} workers: between the {before} saved before it began and the {after} by its end");
        for w in &workers.items {
            let sha = restored.worker(&w.id).unwrap().photo_sha256.expect("every worker has its photo");
            assert!(restored.photo(&sha).unwrap().is_some(), "and the photo's bytes are in the backup");
        }
        restored.verify_audit_chain().expect("the audit chain holds in the snapshot");
    }
}
