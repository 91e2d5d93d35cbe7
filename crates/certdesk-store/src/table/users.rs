//! `users`: the desk's local users, their role and argon2 password hash. Reads that only show a
//! user's display name beside another record join `users` from that record's file.

use rusqlite::{params, Connection, OptionalExtension};

use certdesk_protocol::staff::StaffAccount;

use crate::column;
use crate::users::{Role, UserInfo};

/// Whether any user exists (a fresh desk has none).
pub(crate) fn any(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM users)", [], |r| r.get(0))
}

/// Whether a user with this id is held.
pub(crate) fn exists(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM users WHERE id = ?1)", [id], |r| r.get(0))
}

/// Whether a user has this username.
pub(crate) fn username_taken(conn: &Connection, username: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1)", [username], |r| r.get(0))
}

/// A new user.
pub(crate) fn insert(conn: &Connection, user: &UserInfo, password_hash: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO users (id, username, display_name, role, password_hash, created_at, changed_at, status_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6)",
        params![user.id, user.username, user.display_name, user.role.code(), password_hash, user.created_at],
    )?;
    Ok(())
}

/// A user's whole account as the agency's desks share it (`None`: no such user, or a row
/// that does not read as an account).
pub(crate) fn account(conn: &Connection, id: &str) -> rusqlite::Result<Option<StaffAccount>> {
    conn.query_row(
        "SELECT id, username, display_name, role, password_hash, disabled, created_at,
                coalesce(changed_at, created_at), coalesce(status_at, created_at)
         FROM users WHERE id = ?1",
        [id],
        |r| {
            let time = |i: usize| -> rusqlite::Result<Option<chrono::DateTime<chrono::Utc>>> {
                Ok(r.get::<_, String>(i)?.parse().ok())
            };
            let (Ok(id), Some(role), Some(created_at), Some(changed_at), Some(status_at)) = (
                uuid::Uuid::parse_str(&r.get::<_, String>(0)?),
                Some(column::code::<Role>(r, 3)?),
                time(6)?,
                time(7)?,
                time(8)?,
            ) else {
                return Ok(None);
            };
            Ok(Some(StaffAccount {
                id,
                username: r.get(1)?,
                display_name: r.get(2)?,
                role,
                password_hash: r.get(4)?,
                disabled: r.get(5)?,
                created_at,
                changed_at,
                status_at,
            }))
        },
    )
    .optional()
    .map(Option::flatten)
}

/// The id of the user holding `username` (case does not count), if any.
pub(crate) fn id_of_username(conn: &Connection, username: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT id FROM users WHERE username = ?1", [username], |r| r.get(0)).optional()
}

/// Writes an account another desk of the agency holds: a new row, or every part of this one
/// (the caller merged them). The username of a held row never changes.
pub(crate) fn put_account(conn: &Connection, a: &StaffAccount) -> rusqlite::Result<()> {
    let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    conn.execute(
        "INSERT INTO users (id, username, display_name, role, password_hash, disabled, created_at, changed_at, status_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
           password_hash = excluded.password_hash, disabled = excluded.disabled,
           changed_at = excluded.changed_at, status_at = excluded.status_at",
        params![
            a.id.to_string(),
            a.username,
            a.display_name,
            a.role.code(),
            a.password_hash,
            a.disabled,
            stamp(a.created_at),
            stamp(a.changed_at),
            stamp(a.status_at)
        ],
    )?;
    Ok(())
}

/// Disables or enables a user, stamped `at`.
pub(crate) fn set_disabled(conn: &Connection, id: &str, disabled: bool, at: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE users SET disabled = ?2, status_at = ?3 WHERE id = ?1", params![id, disabled, at])?;
    Ok(())
}

/// Gives a user a new password hash, stamped `at`.
pub(crate) fn set_password(conn: &Connection, id: &str, password_hash: &str, at: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE users SET password_hash = ?2, changed_at = ?3 WHERE id = ?1", params![id, password_hash, at])?;
    Ok(())
}

/// How many enabled managers the desk has.
pub(crate) fn enabled_managers(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM users WHERE role = 'manager' AND disabled = 0", [], |r| r.get(0))
}

/// An enabled user's id, username, display name, stored role and password hash.
pub(crate) type SignInRow = (String, String, String, String, String);

/// The enabled user with this username, for checking a password.
pub(crate) fn for_sign_in(conn: &Connection, username: &str) -> rusqlite::Result<Option<SignInRow>> {
    conn.query_row(
        "SELECT id, username, display_name, role, password_hash FROM users
         WHERE username = ?1 AND disabled = 0",
        [username],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
    .optional()
}

/// Every user, first created first.
pub(crate) fn all(conn: &Connection) -> rusqlite::Result<Vec<UserInfo>> {
    let mut stmt = conn.prepare("SELECT id, username, display_name, role, created_at, disabled FROM users ORDER BY created_at")?;
    let rows = stmt.query_map([], |r| {
        Ok(UserInfo {
            id: r.get(0)?,
            username: r.get(1)?,
            display_name: r.get(2)?,
            role: column::code(r, 3)?,
            created_at: r.get(4)?,
            disabled: r.get(5)?,
        })
    })?;
    rows.collect()
}
