//! 工作人员账号 between the desks of one agency (issue 10 item 3): a user added on one desk
//! signs in on every desk of the agency, and a manager who disables a user disables them
//! everywhere at the next sync. The account travels as the payload of a `user` record
//! ([`crate::sync::SyncEntity::User`]): its argon2 password hash, never the password.
//!
//! Two desks may change one account while offline. Each desk keeps, per part of the account,
//! the later write ([`StaffAccount::newer_details`], [`StaffAccount::newer_status`]): the details
//! (display name, role, password) by `changed_at`, whether it is disabled by `status_at`, a tie
//! broken by the content, so every desk ends with the same account whatever order the records
//! reach it in. The username never changes; the platform refuses a second account of the agency
//! with a username another one holds (`username_taken`).

use certdesk_domain::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One staff account of the agency, as every desk of it holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    /// The user's id (made on the desk that added the user).
    pub id: Uuid,
    /// Sign-in name, unique in the agency (case does not count).
    pub username: String,
    /// The name shown in timelines.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// The argon2 hash of the password (PHC string).
    pub password_hash: String,
    /// Disabled: the user can no longer sign in on any desk.
    pub disabled: bool,
    /// When the user was added.
    pub created_at: DateTime<Utc>,
    /// When the display name, role or password last changed.
    pub changed_at: DateTime<Utc>,
    /// When the user was last disabled or enabled.
    pub status_at: DateTime<Utc>,
}

impl StaffAccount {
    /// Whether `self`'s details (display name, role, password) win over `held`'s: written later,
    /// or at the same moment with a greater content (so that both desks pick the same).
    pub fn newer_details(&self, held: &StaffAccount) -> bool {
        (self.changed_at, &self.password_hash, self.role.code(), &self.display_name)
            > (held.changed_at, &held.password_hash, held.role.code(), &held.display_name)
    }

    /// Whether `self`'s disabled mark wins over `held`'s: set later, or at the same moment and
    /// disabled (disabling wins a tie).
    pub fn newer_status(&self, held: &StaffAccount) -> bool {
        (self.status_at, self.disabled) > (held.status_at, held.disabled)
    }

    /// `held` with what wins of `self` merged in: the same whichever of the two is `held`.
    pub fn merged_into(&self, held: &StaffAccount) -> StaffAccount {
        let mut out = held.clone();
        if self.newer_details(held) {
            out.display_name = self.display_name.clone();
            out.role = self.role;
            out.password_hash = self.password_hash.clone();
            out.changed_at = self.changed_at;
        }
        if self.newer_status(held) {
            out.disabled = self.disabled;
            out.status_at = self.status_at;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn account() -> StaffAccount {
        StaffAccount {
            id: Uuid::from_u128(1),
            username: "li.na".into(),
            display_name: "李娜".into(),
            role: Role::Clerk,
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$a$b".into(),
            disabled: false,
            created_at: at("2026-12-01T01:00:00Z"),
            changed_at: at("2026-12-01T01:00:00Z"),
            status_at: at("2026-12-01T01:00:00Z"),
        }
    }

    /// One desk disabled the user while another, offline, gave them a new password: every
    /// desk ends with the user disabled and holding the new password, whichever record it
    /// received first.
    #[test]
    fn two_offline_changes_merge_to_the_same_account_in_either_order() {
        let base = account();
        let disabled = StaffAccount { disabled: true, status_at: at("2026-12-02T09:00:00Z"), ..base.clone() };
        let new_password =
            StaffAccount { password_hash: "$argon2id$new".into(), changed_at: at("2026-12-02T10:00:00Z"), ..base.clone() };
        let a = new_password.merged_into(&disabled);
        let b = disabled.merged_into(&new_password);
        assert_eq!(a, b);
        assert!(a.disabled && a.password_hash == "$argon2id$new");
        // An older record changes nothing.
        assert_eq!(base.merged_into(&a), a);
        // Enabling later than the disabling wins; at the same moment disabling wins.
        let enabled = StaffAccount { disabled: false, status_at: at("2026-12-02T11:00:00Z"), ..base.clone() };
        assert!(!enabled.merged_into(&a).disabled);
        let same_moment = StaffAccount { disabled: false, status_at: at("2026-12-02T09:00:00Z"), ..base.clone() };
        assert!(same_moment.merged_into(&disabled).disabled && disabled.merged_into(&same_moment).disabled);
    }

    #[test]
    fn the_account_on_the_wire_names_the_role_by_its_code_and_carries_no_password() {
        let json = serde_json::to_value(account()).unwrap();
        assert_eq!(json["role"], "clerk");
        assert!(json.get("password").is_none());
        assert_eq!(serde_json::from_value::<StaffAccount>(json).unwrap(), account());
    }
}
