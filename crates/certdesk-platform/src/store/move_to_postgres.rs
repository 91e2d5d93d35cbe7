//! Moving a platform from its SQLite file to PostgreSQL (`certdesk-platform migrate-store
//! --from DATA_DIR --to postgres://…`, issue 12 item 5): every row of every table, in one
//! PostgreSQL transaction, so the move is whole or nothing. Both schemas are first brought to
//! this program's newest version; the rows then cross by column name, each value converted by
//! PostgreSQL itself to its column's type (`json_populate_recordset`: RFC 3339 text to
//! `timestamptz`, text to `uuid`, 0/1 to `boolean`, blobs as hex to `bytea`). Change numbers
//! and audit numbers keep their values, and the sequences continue after them, so desks keep
//! pulling with the cursors they hold. The signing keys stay sealed under the same key file,
//! and the photos stay in the data folder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ::postgres::{Client, NoTls};
use rusqlite::types::ValueRef;

use super::{StoreError, StoreResult};

/// Rows sent to PostgreSQL in one statement.
const BATCH: usize = 500;

/// What was moved: each table and its rows, in the order they were copied.
pub type Moved = Vec<(String, u64)>;

fn refused(why: String) -> StoreError {
    StoreError::Database(why)
}

/// Copies every row of the SQLite platform in `data_dir` into the empty PostgreSQL database at
/// `url` (both migrated first). Refused, with nothing written, when the database already holds
/// records or a column has no place in the other schema.
pub fn sqlite_to_postgres(data_dir: &Path, key_file: &Path, url: &str) -> StoreResult<Moved> {
    let source_file = data_dir.join(super::sqlite::FILE);
    if !source_file.exists() {
        return Err(refused(format!("{} holds no platform database", data_dir.display())));
    }
    // Both schemas at this program's version (and the key file the keys are sealed under).
    drop(super::sqlite::SqliteStore::open_with_key_file(data_dir, Some(key_file))?);
    drop(super::postgres::PgStore::open(url, key_file, None, 1)?);
    let source = rusqlite::Connection::open_with_flags(&source_file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut target = Client::connect(url, NoTls)?;
    let mut tx = target.transaction()?;
    // No platform instance may write while the rows move.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&super::postgres::WRITER_LOCK])?;

    let tables = tables_in_order(&mut tx)?;
    for table in &tables {
        let n: i64 = tx.query_one(&format!("SELECT count(*) FROM \"{table}\""), &[])?.get(0);
        if n > 0 && table != "schema_version" {
            return Err(refused(format!("the PostgreSQL database already holds records (table {table}): move into an empty database")));
        }
    }
    let source_tables: BTreeSet<String> = source
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if let Some(orphan) = source_tables.iter().find(|t| !tables.contains(t)) {
        return Err(refused(format!("table {orphan} has no place in the PostgreSQL schema")));
    }

    let mut moved = Vec::new();
    for table in tables.iter().filter(|t| source_tables.contains(*t) && *t != "schema_version") {
        let target_columns: BTreeSet<String> = tx
            .query("SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1", &[table])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let columns: Vec<String> =
            source.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        if let Some(c) = columns.iter().find(|c| !target_columns.contains(*c)) {
            return Err(refused(format!("column {table}.{c} has no place in the PostgreSQL schema")));
        }
        let list = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
        let insert = format!(
            "INSERT INTO \"{table}\" ({list}) OVERRIDING SYSTEM VALUE SELECT {list} FROM json_populate_recordset(NULL::\"{table}\", $1::text::json)"
        );
        let mut stmt = source.prepare(&format!("SELECT {list} FROM \"{table}\""))?;
        let mut rows = stmt.query([])?;
        let (mut batch, mut count) = (Vec::with_capacity(BATCH), 0u64);
        while let Some(row) = rows.next()? {
            let mut object = serde_json::Map::new();
            for (i, c) in columns.iter().enumerate() {
                object.insert(c.clone(), json_of(row.get_ref(i)?));
            }
            batch.push(serde_json::Value::Object(object));
            if batch.len() == BATCH {
                count += send(&mut tx, &insert, &mut batch)?;
            }
        }
        count += send(&mut tx, &insert, &mut batch)?;
        let arrived: i64 = tx.query_one(&format!("SELECT count(*) FROM \"{table}\""), &[])?.get(0);
        if arrived as u64 != count {
            return Err(refused(format!("table {table}: {count} rows read, {arrived} arrived")));
        }
        moved.push((table.clone(), count));
    }
    // Sequences (change numbers, audit lines) continue after the numbers moved.
    for r in tx.query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')",
        &[],
    )? {
        let (table, column): (String, String) = (r.get(0), r.get(1));
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), COALESCE((SELECT max(\"{column}\") FROM \"{table}\"), 0) + 1, false)"
            ),
            &[],
        )?;
    }
    tx.commit()?;
    Ok(moved)
}

fn send(tx: &mut ::postgres::Transaction<'_>, insert: &str, batch: &mut Vec<serde_json::Value>) -> StoreResult<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let json = serde_json::Value::Array(std::mem::take(batch)).to_string();
    Ok(tx.execute(insert, &[&json])?)
}

/// A SQLite value as PostgreSQL's record input reads it.
fn json_of(v: ValueRef<'_>) -> serde_json::Value {
    match v {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        ValueRef::Blob(b) => format!("\\x{}", hex::encode(b)).into(),
    }
}

/// The schema's tables, each after the tables its foreign keys name.
fn tables_in_order(tx: &mut ::postgres::Transaction<'_>) -> StoreResult<Vec<String>> {
    let all: Vec<String> =
        tx.query("SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1", &[])?.iter().map(|r| r.get(0)).collect();
    let mut needs: BTreeMap<String, BTreeSet<String>> = all.iter().map(|t| (t.clone(), BTreeSet::new())).collect();
    for r in tx.query(
        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
         WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace",
        &[],
    )? {
        let (child, parent): (String, String) = (r.get(0), r.get(1));
        let (child, parent) = (unqualified(&child), unqualified(&parent));
        if child != parent {
            needs.entry(child).or_default().insert(parent);
        }
    }
    let mut ordered = Vec::new();
    while !needs.is_empty() {
        let ready: Vec<String> = needs.iter().filter(|(_, n)| n.iter().all(|p| ordered.contains(p))).map(|(t, _)| t.clone()).collect();
        if ready.is_empty() {
            return Err(StoreError::Corrupt(format!("foreign keys in a cycle among {:?}", needs.keys().collect::<Vec<_>>())));
        }
        for t in ready {
            needs.remove(&t);
            ordered.push(t);
        }
    }
    Ok(ordered)
}

fn unqualified(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).trim_matches('"').to_owned()
}
