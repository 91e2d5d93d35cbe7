//! Local users of a shared front-desk PC: clerks and managers, each with an argon2 password.
//!
//! Passwords are never stored or logged in clear; a wrong username and a wrong password get the
//! same answer, so the sign-in screen does not tell a stranger which usernames exist.
//!
//! Sign-in is throttled (issue 15 item 3): after [`FREE_ATTEMPTS`] wrong passwords in a row for
//! one typed username (known or not, so the answer tells nothing), the next try waits 30 seconds,
//! doubling with each further wrong password up to 15 minutes; the count survives a restart of
//! the program and a right password clears it.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use password_hash::rand_core::OsRng;
use argon2::Argon2;
use certdesk_domain::{parse_required_text, FieldError};
use serde::{Deserialize, Serialize};

use crate::audit::AuditRecord;
use crate::messages;
use crate::table;
use crate::{Desk, DeskError, DeskResult};

/// Wrong passwords in a row for one username before sign-in waits.
pub const FREE_ATTEMPTS: u32 = 5;
/// The first wait; each further wrong password doubles it, up to [`MAX_WAIT_SECONDS`].
pub const FIRST_WAIT_SECONDS: i64 = 30;
/// The longest wait.
pub const MAX_WAIT_SECONDS: i64 = 15 * 60;
/// The setting that counts a username's wrong passwords (`<count> <time of the last one>`).
const THROTTLE_PREFIX: &str = "sign_in.failures.";

/// How long sign-in waits after `failures` wrong passwords in a row (from the last one).
fn throttle_wait(failures: u32) -> Option<chrono::Duration> {
    let over = failures.checked_sub(FREE_ATTEMPTS)?;
    let seconds = FIRST_WAIT_SECONDS.saturating_mul(1i64 << over.min(20)).min(MAX_WAIT_SECONDS);
    Some(chrono::Duration::seconds(seconds))
}

/// Minutes without a key or a click after which the window locks, unless a manager set others.
pub const IDLE_LOCK_DEFAULT_MINUTES: u32 = 15;
/// The longest idle time a manager may set (a shift).
pub const IDLE_LOCK_MAX_MINUTES: u32 = 480;
/// The setting holding a manager's idle time.
const IDLE_LOCK_KEY: &str = "window.idle_lock_minutes";

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Role {
    /// Front-desk clerk: enrols and updates workers.
    Clerk,
    /// Agency manager: also the agency profile and users.
    Manager,
}

impl Role {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Manager => "manager",
        }
    }

    /// Parse `clerk` / `manager` (also 前台 / 管理员).
    pub fn parse(s: &str) -> Result<Role, FieldError> {
        match s.trim().to_lowercase().as_str() {
            "clerk" | "前台" | "文员" => Ok(Role::Clerk),
            "manager" | "管理员" | "经理" => Ok(Role::Manager),
            other => Err(messages::role_invalid(other)),
        }
    }
}

/// The signed-in user: who every change is recorded against.
///
/// Only a successful sign-in ([`Desk::login`]) or the first set-up ([`Desk::setup`]) makes one:
/// the fields are private to this crate and there is no public constructor or `Deserialize`, so
/// no caller can make a user up (or promote a clerk) to get past a check. Read it through the
/// accessors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SessionUser {
    /// The user's id.
    pub(crate) id: String,
    /// Sign-in name.
    pub(crate) username: String,
    /// The name shown in timelines.
    pub(crate) display_name: String,
    /// What the user may do.
    pub(crate) role: Role,
}

/// Neither building a `SessionUser` nor reading one from JSON compiles outside this crate:
///
/// ```compile_fail
/// let forged = certdesk_store::SessionUser {
///     id: "x".into(), username: "x".into(), display_name: "x".into(), role: certdesk_store::Role::Manager,
/// };
/// ```
///
/// ```compile_fail
/// let forged: certdesk_store::SessionUser = serde_json::from_str(r#"{"id":"x","username":"x","display_name":"x","role":"manager"}"#).unwrap();
/// ```
impl SessionUser {
    /// The user's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Sign-in name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The name shown in timelines.
    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    /// What the user may do.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Whether the user is a manager.
    pub fn is_manager(&self) -> bool {
        self.role == Role::Manager
    }
}

/// A user as listed for a manager.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserInfo {
    /// The user's id.
    pub id: String,
    /// Sign-in name.
    pub username: String,
    /// The name shown in timelines.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// When the user was created.
    pub created_at: String,
}

/// A user to create.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewUser {
    /// Sign-in name (letters, digits, `._-`, 2 to 32).
    pub username: String,
    /// The name shown in timelines.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// At least 8 characters.
    pub password: String,
}

/// Minimum password length.
pub const MIN_PASSWORD_CHARS: usize = 8;

fn validate_new_user(u: &NewUser) -> Result<(String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let username = u.username.trim().to_string();
    let ok_chars = username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    let len = username.chars().count();
    if !(2..=32).contains(&len) || !ok_chars {
        errors.push(messages::username_invalid());
    }
    let display = match parse_required_text(&u.display_name, "display_name", 30) {
        Ok(d) => d,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    if u.password.chars().count() < MIN_PASSWORD_CHARS {
        errors.push(messages::password_too_short(MIN_PASSWORD_CHARS));
    }
    if errors.is_empty() {
        Ok((username, display))
    } else {
        Err(errors)
    }
}

fn hash_password(password: &str) -> DeskResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(DeskError::internal)
}

fn bad_credentials() -> DeskError {
    messages::bad_credentials()
}

impl Desk {
    /// Whether any user exists yet (a fresh desk has none and asks for setup).
    pub fn has_users(&self) -> DeskResult<bool> {
        Ok(table::users::any(&self.conn)?)
    }

    /// Create a user, recorded against `actor`. The very first user of a fresh desk needs no
    /// actor and must be a manager; after that an actor is required. Who may add users (a
    /// manager) is decided above the store, in `certdesk-core`.
    pub fn add_user(&mut self, actor: Option<&SessionUser>, user: &NewUser) -> DeskResult<UserInfo> {
        let first = !self.has_users()?;
        if first {
            if user.role != Role::Manager {
                return Err(messages::first_user_manager());
            }
        } else if actor.is_none() {
            return Err(DeskError::unauthorized());
        }
        let tx = self.conn.unchecked_transaction()?;
        let info = self.insert_user(&tx, actor, user)?;
        tx.commit()?;
        Ok(info)
    }

    pub(crate) fn insert_user(
        &self,
        tx: &rusqlite::Transaction<'_>,
        actor: Option<&SessionUser>,
        user: &NewUser,
    ) -> DeskResult<UserInfo> {
        let (username, display_name) = validate_new_user(user).map_err(DeskError::validation)?;
        if table::users::username_taken(tx, &username)? {
            return Err(DeskError::field(messages::username_taken(&username)));
        }
        let id = self.new_id();
        let now = self.now_text();
        let hash = hash_password(&user.password)?;
        let info = UserInfo { id, username, display_name, role: user.role, created_at: now };
        table::users::insert(tx, &info, &hash)?;
        let id = &info.id;
        let by = actor.map(|a| a.id.clone()).unwrap_or_else(|| id.clone());
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&by),
                entity: "user",
                entity_id: id,
                action: "create",
                field: Some("role"),
                old_value: None,
                new_value: Some(user.role.code()),
                reason: None,
            },
        )?;
        Ok(info)
    }

    /// Check a username and password; the user to record changes against.
    pub fn login(&self, username: &str, password: &str) -> DeskResult<SessionUser> {
        let key = format!("{THROTTLE_PREFIX}{}", username.trim().to_lowercase());
        let now = self.clock.now();
        let (failures, last) = table::settings::get(&self.conn, &key)?
            .and_then(|v| {
                let (n, at) = v.split_once(' ')?;
                Some((n.parse::<u32>().ok()?, chrono::DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&chrono::Utc)))
            })
            .unwrap_or((0, now));
        if let Some(wait) = throttle_wait(failures) {
            let left = (last + wait - now).num_seconds();
            if left > 0 {
                return Err(messages::sign_in_throttled(left));
            }
        }
        let failed = || -> DeskResult<DeskError> {
            let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            table::settings::put(&self.conn, &key, &format!("{} {stamp}", failures + 1))?;
            Ok(bad_credentials())
        };
        let row = table::users::for_sign_in(&self.conn, username.trim())?;
        let Some((id, username, display_name, role, hash)) = row else {
            // Spend the same time as a real check so timing does not reveal the usernames.
            let _ = hash_password(password);
            return Err(failed()?);
        };
        let parsed = PasswordHash::new(&hash).map_err(DeskError::internal)?;
        if Argon2::default().verify_password(password.as_bytes(), &parsed).is_err() {
            return Err(failed()?);
        }
        if failures > 0 {
            table::settings::remove(&self.conn, &key)?;
        }
        let role = Role::parse(&role).map_err(DeskError::internal)?;
        Ok(SessionUser { id, username, display_name, role })
    }

    /// Minutes without a key or a click after which the window locks (the manager's setting,
    /// [`IDLE_LOCK_DEFAULT_MINUTES`] until set).
    pub fn idle_lock_minutes(&self) -> DeskResult<u32> {
        Ok(table::settings::get(&self.conn, IDLE_LOCK_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(IDLE_LOCK_DEFAULT_MINUTES))
    }

    /// Sets the window's idle time, 1 to [`IDLE_LOCK_MAX_MINUTES`] minutes (`certdesk-core`
    /// checks that `actor` is a manager); audited.
    pub fn set_idle_lock_minutes(&mut self, actor: &SessionUser, minutes: u32) -> DeskResult<u32> {
        if !(1..=IDLE_LOCK_MAX_MINUTES).contains(&minutes) {
            return Err(DeskError::field(messages::idle_lock_invalid(IDLE_LOCK_MAX_MINUTES)));
        }
        let old = self.idle_lock_minutes()?;
        let tx = self.conn.unchecked_transaction()?;
        table::settings::put(&tx, IDLE_LOCK_KEY, &minutes.to_string())?;
        self.append_audit(
            &tx,
            &AuditRecord {
                user_id: Some(&actor.id),
                entity: "settings",
                entity_id: IDLE_LOCK_KEY,
                action: "update",
                field: Some("idle_lock_minutes"),
                old_value: Some(&old.to_string()),
                new_value: Some(&minutes.to_string()),
                reason: None,
            },
        )?;
        tx.commit()?;
        Ok(minutes)
    }

    /// Every user (a manager's list; `certdesk-core` checks the role).
    pub fn list_users(&self) -> DeskResult<Vec<UserInfo>> {
        Ok(table::users::all(&self.conn)?)
    }
}
