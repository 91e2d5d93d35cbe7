//! The agency profile (机构): one row, set at first start and corrected by a manager.

use certdesk_protocol::sync::{SyncEntity, SyncOp};
use certdesk_domain::{parse_contact_phone, parse_district, parse_required_text, CreditCode, FieldError};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditEntity, AuditRecord};
use crate::messages;
use crate::table;
use crate::users::NewUser;
use crate::{Desk, DeskError, DeskResult, SessionUser};

/// The agency as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Agency {
    /// 机构名称.
    pub name: String,
    /// 统一社会信用代码 (GB 32100-2015, checked).
    pub credit_code: String,
    /// One of the 16 Shanghai districts.
    pub district: String,
    /// Office address.
    pub address: String,
    /// Contact phone (mobile or landline), normalised.
    pub phone: String,
    /// Last change (RFC 3339, UTC); empty or left out on input.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub updated_at: String,
}

fn validate_agency(input: &Agency) -> Result<Agency, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut ok = |r: Result<String, FieldError>| match r {
        Ok(v) => v,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    let name = ok(parse_required_text(&input.name, "name", 100));
    let credit_code = ok(CreditCode::parse(&input.credit_code).map(|c| c.as_str().to_string()));
    let district = ok(parse_district(&input.district));
    let address = ok(parse_required_text(&input.address, "address", 200));
    let phone = ok(parse_contact_phone(&input.phone, "phone"));
    if errors.is_empty() {
        Ok(Agency { name, credit_code, district, address, phone, updated_at: String::new() })
    } else {
        Err(errors)
    }
}

impl Desk {
    /// The agency profile, if set.
    pub fn agency(&self) -> DeskResult<Option<Agency>> {
        Ok(table::agency::get(&self.conn)?)
    }

    /// First start: the agency profile and the first manager, together or not at all. A desk
    /// that began joining its agency ([`Desk::join_agency`]) and holds no account yet may still
    /// be set up this way.
    pub fn setup(&mut self, agency: &Agency, manager: &NewUser) -> DeskResult<SessionUser> {
        if self.has_users()? {
            return Err(messages::already_set_up());
        }
        let mut errors = validate_agency(agency).err().unwrap_or_default();
        if manager.role != crate::Role::Manager {
            return Err(messages::first_user_manager());
        }
        // Validate the manager too before writing anything, so the form shows every error at once.
        let tx = self.conn.unchecked_transaction()?;
        let user = match self.insert_user(&tx, None, manager) {
            Ok(u) => Some(u),
            Err(e) if e.code == "validation" => {
                errors.extend(e.fields);
                None
            }
            Err(e) => return Err(e),
        };
        if !errors.is_empty() {
            return Err(DeskError::validation(errors));
        }
        let user = user.expect("no errors means the user was inserted");
        let session = SessionUser {
            id: user.id,
            username: user.username,
            display_name: user.display_name,
            role: user.role,
        };
        self.write_agency(&tx, Some(&session), agency)?;
        tx.commit()?;
        Ok(session)
    }

    /// First start of a new or replaced PC of an agency that already uses certdesk (issue 10
    /// item 4): the agency profile without a manager of its own; the agency's accounts and
    /// records then arrive with the first sync, and the clerks sign in with the accounts they
    /// have. Refused once the desk holds an account (it is set up: sign in). Recorded against
    /// no user.
    pub fn join_agency(&mut self, agency: &Agency) -> DeskResult<Agency> {
        if self.has_users()? {
            return Err(messages::already_set_up());
        }
        let tx = self.conn.unchecked_transaction()?;
        let stored = self.write_agency(&tx, None, agency)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Set or correct the agency profile (a manager's action; `certdesk-core` checks the role).
    pub fn set_agency(&mut self, actor: &SessionUser, agency: &Agency) -> DeskResult<Agency> {
        let tx = self.conn.unchecked_transaction()?;
        let stored = self.write_agency(&tx, Some(actor), agency)?;
        tx.commit()?;
        Ok(stored)
    }

    fn write_agency(&self, tx: &Transaction<'_>, actor: Option<&SessionUser>, input: &Agency) -> DeskResult<Agency> {
        let mut a = validate_agency(input).map_err(DeskError::validation)?;
        a.updated_at = self.now_text();
        let old = self.agency()?;
        let actor = actor.map(|a| a.id.as_str());
        table::agency::put(tx, &a, actor)?;
        let fields: [(&str, &str, Option<&str>); 5] = [
            ("name", &a.name, old.as_ref().map(|o| o.name.as_str())),
            ("credit_code", &a.credit_code, old.as_ref().map(|o| o.credit_code.as_str())),
            ("district", &a.district, old.as_ref().map(|o| o.district.as_str())),
            ("address", &a.address, old.as_ref().map(|o| o.address.as_str())),
            ("phone", &a.phone, old.as_ref().map(|o| o.phone.as_str())),
        ];
        for (field, new, old) in fields {
            if old != Some(new) {
                self.append_audit(
                    tx,
                    &AuditRecord {
                        user_id: actor,
                        entity: AuditEntity::Agency,
                        entity_id: "1",
                        action: if old.is_none() { AuditAction::Create } else { AuditAction::Update },
                        field: Some(field),
                        old_value: old,
                        new_value: Some(new),
                        reason: None,
                    },
                )?;
            }
        }
        self.append_outbox(tx, SyncEntity::Agency, "1", SyncOp::Upsert, &serde_json::to_value(&a).map_err(DeskError::internal)?)?;
        Ok(a)
    }
}

/// The setting that names the ID-card reader's serial port.
const IDCARD_PORT: &str = "idcard.port";

impl crate::Desk {
    /// The ID-card reader's serial port (`/dev/ttyUSB0`, `COM3`), if one was chosen.
    pub fn idcard_port(&self) -> crate::DeskResult<Option<String>> {
        Ok(crate::table::settings::get(&self.conn, IDCARD_PORT)?)
    }

    /// Chooses the ID-card reader's serial port (a manager's setting; audited).
    pub fn set_idcard_port(&self, actor: &crate::SessionUser, port: &str) -> crate::DeskResult<()> {
        let port = port.trim();
        if port.is_empty() || port.chars().count() > 200 {
            return Err(crate::messages::idcard_port_invalid());
        }
        let old = self.idcard_port()?;
        let tx = self.conn.unchecked_transaction()?;
        crate::table::settings::put(&tx, IDCARD_PORT, port)?;
        self.append_audit(
            &tx,
            &crate::audit::AuditRecord {
                user_id: Some(&actor.id),
                entity: AuditEntity::Settings,
                entity_id: IDCARD_PORT,
                action: AuditAction::Update,
                field: Some(IDCARD_PORT),
                old_value: old.as_deref(),
                new_value: Some(port),
                reason: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}
