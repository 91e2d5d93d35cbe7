//! `sync_device`: this desk's one enrolment with a platform (row id 1; the secret is never here).

use rusqlite::{params, Connection, OptionalExtension};

use crate::DeviceRecord;

/// The enrolment, if the desk is enrolled.
pub(crate) fn get(conn: &Connection) -> rusqlite::Result<Option<DeviceRecord>> {
    conn.query_row(
        "SELECT platform_url, device_id, device_name, agency_id, agency_name, ca_pem, secret_store, enrolled_at
         FROM sync_device WHERE id = 1",
        [],
        |r| {
            Ok(DeviceRecord {
                platform_url: r.get(0)?,
                device_id: r.get(1)?,
                device_name: r.get(2)?,
                agency_id: r.get(3)?,
                agency_name: r.get(4)?,
                ca_pem: r.get(5)?,
                secret_store: r.get(6)?,
                enrolled_at: r.get(7)?,
            })
        },
    )
    .optional()
}

/// Stores the enrolment (replacing any earlier one), enrolled `now` (`device.enrolled_at` is
/// not read).
pub(crate) fn put(conn: &Connection, device: &DeviceRecord, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sync_device (id, platform_url, device_id, device_name, agency_id, agency_name, ca_pem, secret_store, enrolled_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET platform_url = excluded.platform_url, device_id = excluded.device_id,
           device_name = excluded.device_name, agency_id = excluded.agency_id, agency_name = excluded.agency_name,
           ca_pem = excluded.ca_pem, secret_store = excluded.secret_store, enrolled_at = excluded.enrolled_at",
        params![
            device.platform_url,
            device.device_id,
            device.device_name,
            device.agency_id,
            device.agency_name,
            device.ca_pem,
            device.secret_store,
            now
        ],
    )?;
    Ok(())
}
