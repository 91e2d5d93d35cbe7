//! `agency`: this desk's agency profile (one row, id 1).

use rusqlite::{params, Connection, OptionalExtension};

use crate::Agency;

/// The profile, if set.
pub(crate) fn get(conn: &Connection) -> rusqlite::Result<Option<Agency>> {
    conn.query_row("SELECT name, credit_code, district, address, phone, updated_at FROM agency WHERE id = 1", [], |r| {
        Ok(Agency {
            name: r.get(0)?,
            credit_code: r.get(1)?,
            district: r.get(2)?,
            address: r.get(3)?,
            phone: r.get(4)?,
            updated_at: r.get(5)?,
        })
    })
    .optional()
}

/// Sets (or replaces) the profile, as of `a.updated_at`, by `user_id`.
pub(crate) fn put(conn: &Connection, a: &Agency, user_id: Option<&str>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO agency (id, name, credit_code, district, address, phone, updated_at, updated_by)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, credit_code = excluded.credit_code,
           district = excluded.district, address = excluded.address, phone = excluded.phone,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![a.name, a.credit_code, a.district, a.address, a.phone, a.updated_at, user_id],
    )?;
    Ok(())
}
