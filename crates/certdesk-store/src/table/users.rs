//! `users`: the desk's local users, their role and argon2 password hash. Reads that only show a
//! user's display name beside another record join `users` from that record's file.

use rusqlite::{params, Connection, OptionalExtension};

use crate::users::{Role, UserInfo};

/// Whether any user exists (a fresh desk has none).
pub(crate) fn any(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM users)", [], |r| r.get(0))
}

/// Whether a user has this username.
pub(crate) fn username_taken(conn: &Connection, username: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1)", [username], |r| r.get(0))
}

/// A new user.
pub(crate) fn insert(conn: &Connection, user: &UserInfo, password_hash: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO users (id, username, display_name, role, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![user.id, user.username, user.display_name, user.role.code(), password_hash, user.created_at],
    )?;
    Ok(())
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
    let mut stmt = conn.prepare("SELECT id, username, display_name, role, created_at FROM users ORDER BY created_at")?;
    let rows = stmt.query_map([], |r| {
        let role: String = r.get(3)?;
        Ok(UserInfo {
            id: r.get(0)?,
            username: r.get(1)?,
            display_name: r.get(2)?,
            role: if role == "manager" { Role::Manager } else { Role::Clerk },
            created_at: r.get(4)?,
        })
    })?;
    rows.collect()
}
