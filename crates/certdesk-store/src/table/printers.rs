//! `printers`: each printer's calibration (offsets and scale), by printer name.

use rusqlite::{params, Connection, OptionalExtension};

use crate::Calibration;

/// A printer's calibration, `None` when never set.
pub(crate) fn calibration(conn: &Connection, printer: &str) -> rusqlite::Result<Option<Calibration>> {
    conn.query_row("SELECT offset_x_mm, offset_y_mm, scale FROM printers WHERE name = ?1", [printer], |r| {
        Ok(Calibration { offset_x_mm: r.get(0)?, offset_y_mm: r.get(1)?, scale: r.get(2)? })
    })
    .optional()
}

/// Sets (or replaces) a printer's calibration.
pub(crate) fn put(conn: &Connection, printer: &str, c: &Calibration, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO printers (name, offset_x_mm, offset_y_mm, scale, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (name) DO UPDATE SET offset_x_mm = excluded.offset_x_mm, offset_y_mm = excluded.offset_y_mm,
           scale = excluded.scale, updated_at = excluded.updated_at",
        params![printer, c.offset_x_mm, c.offset_y_mm, c.scale, now],
    )?;
    Ok(())
}
