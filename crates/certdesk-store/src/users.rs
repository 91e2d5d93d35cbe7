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
use certdesk_protocol::staff::StaffAccount;
use certdesk_protocol::sync::{SyncEntity, SyncOp};
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditEntity, AuditRecord};
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

pub use certdesk_domain::Role;

/// Reads `clerk` / `manager` (also 前台 / 管理员), or says what is wrong.
pub fn parse_role(s: &str) -> Result<Role, FieldError> {
    Role::from_label(s).ok_or_else(|| messages::role_invalid(s.trim()))
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
    /// Disabled: cannot sign in on any desk of the agency.
    pub disabled: bool,
}

impl UserInfo {
    /// Whether the user is a manager.
    pub fn is_manager(&self) -> bool {
        self.role == Role::Manager
    }
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
        let info = UserInfo { id, username, display_name, role: user.role, created_at: now, disabled: false };
        table::users::insert(tx, &info, &hash)?;
        let id = &info.id;
        let by = actor.map(|a| a.id.clone()).unwrap_or_else(|| id.clone());
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: Some(&by),
                entity: AuditEntity::User,
                entity_id: id,
                action: AuditAction::Create,
                field: Some("role"),
                old_value: None,
                new_value: Some(user.role.code()),
                reason: None,
            },
        )?;
        self.push_account_outbox(tx, &info.id)?;
        Ok(info)
    }

    /// Announces a user's account to the agency's other desks (issue 10 item 3).
    fn push_account_outbox(&self, tx: &rusqlite::Transaction<'_>, id: &str) -> DeskResult<()> {
        let account = table::users::account(tx, id)?.ok_or_else(|| DeskError::internal(format!("user {id} does not read as an account")))?;
        let payload = serde_json::to_value(&account).map_err(DeskError::internal)?;
        self.append_outbox(tx, SyncEntity::User, id, SyncOp::Upsert, &payload)
    }

    fn user_named(&self, username: &str) -> DeskResult<String> {
        table::users::id_of_username(&self.conn, username.trim())?.ok_or_else(|| messages::user_unknown(username.trim()))
    }

    /// 停用 / 启用 a user (who may, a manager, is decided in `certdesk-core`): a disabled user
    /// can no longer sign in, here and, after the next sync, on every desk of the agency. A
    /// manager cannot disable their own account or the last enabled manager.
    pub fn set_user_disabled(&mut self, actor: &SessionUser, username: &str, disabled: bool) -> DeskResult<UserInfo> {
        let id = self.user_named(username)?;
        let held = table::users::account(&self.conn, &id)?.ok_or_else(|| messages::user_unknown(username.trim()))?;
        if held.disabled != disabled {
            if disabled && id == actor.id {
                return Err(messages::cannot_disable_self());
            }
            if disabled && held.role == Role::Manager && table::users::enabled_managers(&self.conn)? <= 1 {
                return Err(messages::last_manager());
            }
            let flag = |d: bool| if d { "1" } else { "0" };
            let action = if disabled { AuditAction::Disable } else { AuditAction::Enable };
            let at = self.now_text();
            return self.change_account(actor, &id, (action, "disabled", Some(flag(held.disabled)), Some(flag(disabled))), |tx| {
                table::users::set_disabled(tx, &id, disabled, &at)
            });
        }
        self.user_info(&id)
    }

    /// 重置密码: gives a user a new password (a manager's; checked in `certdesk-core`), which
    /// reaches every desk of the agency at the next sync as its hash.
    pub fn reset_password(&mut self, actor: &SessionUser, username: &str, password: &str) -> DeskResult<UserInfo> {
        let id = self.user_named(username)?;
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(DeskError::field(messages::password_too_short(MIN_PASSWORD_CHARS)));
        }
        let hash = hash_password(password)?;
        let at = self.now_text();
        self.change_account(actor, &id, (AuditAction::ResetPassword, "password", None, None), |tx| table::users::set_password(tx, &id, &hash, &at))
    }

    /// A manager's change of one account: written by `write`, audited (`action` on `field`,
    /// from `old` to `new`) and announced to the agency's other desks, in one transaction.
    fn change_account(
        &self,
        actor: &SessionUser,
        id: &str,
        (action, field, old, new): (AuditAction, &str, Option<&str>, Option<&str>),
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>,
    ) -> DeskResult<UserInfo> {
        let tx = self.conn.unchecked_transaction()?;
        write(&tx)?;
        self.append_audit(
            &tx,
            &AuditRecord { user_id: Some(&actor.id), entity: AuditEntity::User, entity_id: id, action, field: Some(field), old_value: old, new_value: new, reason: None },
        )?;
        self.push_account_outbox(&tx, id)?;
        tx.commit()?;
        self.user_info(id)
    }

    fn user_info(&self, id: &str) -> DeskResult<UserInfo> {
        table::users::all(&self.conn)?.into_iter().find(|u| u.id == id).ok_or_else(|| DeskError::internal("a user just written is gone"))
    }

    /// Keeps an account another desk of the agency holds, as the pull brings it (inside its
    /// transaction): a new user, or the parts of a held one that are newer
    /// ([`StaffAccount::merged_into`]). `Some(changed)`: taken in, and whether it changed
    /// anything (this desk's own account coming back, or an older write, changes nothing).
    /// `None`, changing nothing, when it does not read as an account, or its username belongs
    /// to another user here (the platform refuses that; a desk does not trust it blindly).
    pub(crate) fn keep_staff_account(&self, tx: &rusqlite::Transaction<'_>, payload: &serde_json::Value) -> DeskResult<Option<bool>> {
        let Ok(incoming) = serde_json::from_value::<StaffAccount>(payload.clone()) else { return Ok(None) };
        let id = incoming.id.to_string();
        if table::users::id_of_username(tx, &incoming.username)?.is_some_and(|holder| holder != id) {
            return Ok(None);
        }
        let kept = match table::users::account(tx, &id)? {
            Some(held) => {
                let merged = incoming.merged_into(&held);
                if merged == held {
                    return Ok(Some(false));
                }
                merged
            }
            None => incoming,
        };
        table::users::put_account(tx, &kept)?;
        self.append_audit(
            tx,
            &AuditRecord {
                user_id: None,
                entity: AuditEntity::User,
                entity_id: &id,
                action: AuditAction::AgencyAccount,
                field: Some("disabled"),
                old_value: None,
                new_value: Some(if kept.disabled { "1" } else { "0" }),
                reason: Some(&kept.username),
            },
        )?;
        Ok(Some(true))
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
        let role = parse_role(&role).map_err(DeskError::internal)?;
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
                entity: AuditEntity::Settings,
                entity_id: IDLE_LOCK_KEY,
                action: AuditAction::Update,
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
