//! What a desk user may do. One closed set for the desk, where users sign in, and for the
//! protocol, which carries staff accounts between the desks of one agency (issue 10 item 3).

use serde::{Deserialize, Serialize};

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

crate::closed_set!(Role, "role", {
    Clerk => "clerk",
    Manager => "manager",
});

impl Role {
    /// Reads `clerk` / `manager`, or what a clerk types for them (前台, 文员 / 管理员, 经理). A
    /// stored role is read strictly by its code ([`crate::Code::from_code`]).
    pub fn from_label(s: &str) -> Option<Role> {
        match s.trim().to_lowercase().as_str() {
            "clerk" | "前台" | "文员" => Some(Role::Clerk),
            "manager" | "管理员" | "经理" => Some(Role::Manager),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Role;
    use crate::Code;

    #[test]
    fn roles_read_their_codes_and_what_a_clerk_types() {
        for r in [Role::Clerk, Role::Manager] {
            assert_eq!(Role::from_code(r.code()), Some(r));
            assert_eq!(Role::from_label(r.code()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::json!(r.code()));
        }
        assert_eq!(Role::from_label(" 管理员 "), Some(Role::Manager));
        assert_eq!(Role::from_code("管理员"), None, "a stored role is its code, never a label");
        assert_eq!(Role::from_label("admin"), None);
    }
}
