//! The desk's SQL, one file per table: every statement that writes a table, and every read
//! whose main table it is (a read that joins others lives with the table it is about), as small
//! functions taking a connection and typed arguments.
//!
//! The area modules (`workers.rs`, `training.rs`, `cards.rs`, `sync.rs`, ...) keep the rules and
//! the order of the steps and call these; they hold no SQL of their own (a test keeps it so).
//! Each function takes `&Connection`: a `Transaction` derefs to one, so a statement runs inside
//! whatever transaction its caller opened, and nothing here opens, commits or decides anything.
//! Closed sets arrive as their domain enums and are written as their codes here.

pub(crate) mod agency;
pub(crate) mod audit;
pub(crate) mod cancellations;
pub(crate) mod card_activations;
pub(crate) mod card_handovers;
pub(crate) mod card_losses;
pub(crate) mod card_prints;
pub(crate) mod class_participants;
pub(crate) mod complaint_answers;
pub(crate) mod database;
pub(crate) mod exam_results;
pub(crate) mod feedback;
pub(crate) mod health_checks;
pub(crate) mod insurance_policies;
pub(crate) mod outbox;
pub(crate) mod parked_decisions;
pub(crate) mod photo_uploads;
pub(crate) mod photos;
pub(crate) mod printers;
pub(crate) mod report_files;
pub(crate) mod revocations;
pub(crate) mod roster_filings;
pub(crate) mod service_visits;
pub(crate) mod settings;
pub(crate) mod supervision_forms;
pub(crate) mod sync_device;
pub(crate) mod sync_rejections;
pub(crate) mod sync_state;
pub(crate) mod training_classes;
pub(crate) mod trust_keys;
pub(crate) mod users;
pub(crate) mod worker_aliases;
pub(crate) mod worker_certificates;
pub(crate) mod worker_checks;
pub(crate) mod worker_name_grams;
pub(crate) mod worker_rejections;
pub(crate) mod worker_status_counts;
pub(crate) mod workers;

#[cfg(test)]
mod tests {
    //! Keeps the layout: SQL only under `table/`, and each table written only from its own file.

    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    fn src() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
    }

    fn rust_files(dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("src is readable")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        files.sort();
        files
    }

    /// The code of a file without its comment lines (doc comments may name statements).
    fn code(path: &Path) -> String {
        std::fs::read_to_string(path)
            .expect("source is readable")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The words of SQL-looking text, stripped of quotes and punctuation.
    fn words(code: &str) -> Vec<String> {
        code.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(str::to_string).collect()
    }

    /// The tables the migrations create.
    fn tables() -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut tables = BTreeSet::new();
        for entry in std::fs::read_dir(dir).expect("migrations are readable") {
            let sql = std::fs::read_to_string(entry.expect("entry").path()).expect("migration is readable");
            let w = words(&sql);
            for i in 0..w.len().saturating_sub(2) {
                if w[i] == "CREATE" && w[i + 1] == "TABLE" {
                    tables.insert(w[i + 2].clone());
                }
            }
        }
        tables
    }

    /// The tables a file's statements write (INSERT ... INTO t, UPDATE t SET, DELETE FROM t).
    fn written(code: &str, tables: &BTreeSet<String>) -> BTreeSet<String> {
        let w = words(code);
        let mut out = BTreeSet::new();
        for i in 1..w.len() {
            let target = match (w[i - 1].as_str(), w[i].as_str()) {
                ("INTO", t) | ("UPDATE", t) => t,
                ("DELETE", "FROM") => w.get(i + 1).map(String::as_str).unwrap_or(""),
                _ => continue,
            };
            if tables.contains(target) {
                out.insert(target.to_string());
            }
        }
        out
    }

    #[test]
    fn area_modules_hold_no_sql_of_their_own() {
        let statements = ["INSERT INTO", "INSERT OR", "UPDATE ", "DELETE FROM", "SELECT "];
        let mut found = Vec::new();
        for path in rust_files(&src()) {
            let code = code(&path);
            for s in statements {
                if code.contains(s) {
                    found.push(format!("{} contains {s:?}", path.file_name().unwrap().to_string_lossy()));
                }
            }
        }
        assert!(found.is_empty(), "SQL belongs in src/table/<table>.rs, called from the area modules: {found:#?}");
    }

    #[test]
    fn each_table_is_written_only_from_its_own_file() {
        let tables = tables();
        assert!(tables.contains("workers") && tables.len() > 20, "the migrations were read: {tables:?}");
        let mut wrong = Vec::new();
        let mut files = BTreeSet::new();
        for path in rust_files(&src().join("table")) {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            if stem == "mod" {
                continue;
            }
            files.insert(stem.clone());
            for t in written(&code(&path), &tables) {
                if t != stem {
                    wrong.push(format!("table/{stem}.rs writes {t}"));
                }
            }
        }
        assert!(wrong.is_empty(), "a table's statements belong in table/<table>.rs: {wrong:#?}");
        // Every table has its file, even one only triggers write (worker_status_counts).
        let missing: Vec<_> = tables.iter().filter(|t| !files.contains(*t)).collect();
        assert!(missing.is_empty(), "tables without a file under src/table/: {missing:?}");
    }

    #[test]
    fn the_write_finder_sees_each_form_of_statement() {
        let tables: BTreeSet<String> = ["outbox", "users", "audit", "settings", "printers"].map(String::from).into();
        let code = r#"
            tx.execute("INSERT INTO outbox (id) VALUES (?1)", [])
            tx.execute("INSERT OR REPLACE INTO settings (key) VALUES (?1)", [])
            tx.execute("UPDATE users SET role = ?1", [])
            tx.execute("DELETE FROM audit WHERE seq = 1", [])
            tx.execute("INSERT INTO x (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = 2", [])
            tx.query_row("SELECT name FROM printers", [])
        "#;
        let expected: BTreeSet<String> = ["outbox", "settings", "users", "audit"].map(String::from).into();
        assert_eq!(written(code, &tables), expected, "writes are found in every form; a read is not a write");
    }
}
