//! Fuzz target: the spreadsheet import, `Desk::preview_import`, which the desk's import
//! screen runs on the file a clerk picked: the spreadsheet reader (`certdesk-sheet`: .xlsx and
//! .csv in UTF-8, UTF-16 or GBK, within its caps), then the header search, the column mapping
//! and every row checked with the enrolment form's rules. A hostile file must give a report or
//! a refusal, never a panic; the desk is only read (a preview writes nothing), so each input
//! meets the same desk. `CERTDESK_FUZZ_SHOW=1` prints the report (run on one input).

fn main() {
    let options = certdesk_store::ImportOptions {
        consent_date: Some("2026-11-01".into()),
        agency_checked: true,
        preview_rows: 20,
    };
    // Opened on the first input, in the process that runs them (after AFL's fork), so the
    // desk's database connection is never shared between processes.
    let desk = std::sync::Mutex::new(None);
    afl::fuzz!(|data: &[u8]| {
        let mut slot = desk.lock().unwrap_or_else(|p| p.into_inner());
        let desk = slot.get_or_insert_with(certdesk_fuzz::desk);
        let report = desk.preview_import(data, &options);
        if std::env::var_os("CERTDESK_FUZZ_SHOW").is_some() {
            eprintln!("{report:?}");
        }
    });
}
