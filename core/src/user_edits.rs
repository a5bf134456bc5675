//! The user editor's one Save: every pending section of the editor applied as one step, all of
//! it or nothing, against the version of the user the editor showed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::app_access::{self, AppAccessUpdate};
use crate::devices::{self, ActivateDevice};
use crate::error::{Error, Result};
use crate::forwarding::{self, ForwardingRuleInput};
use crate::licenses;
use crate::numbers::{self, SetNumbers};
use crate::org::{Actor, Org};
use crate::permission::Permission;
use crate::setup::{user_setup, UserSetup};
use crate::users::{self, UserDetail};
use crate::voicemail::{self, VoicemailUpdate};

/// What the editor's Save sends: each section the admin changed, the others left out.
/// Each section's `user_id` must be the edited user's.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct UserEdits {
    #[ts(type = "number")]
    pub user_id: i64,
    /// The user's version as the editor showed it.
    #[ts(type = "number")]
    pub expected_version: i64,
    /// A license for a user who holds none.
    #[ts(type = "number | null")]
    pub assign_product_id: Option<i64>,
    pub numbers: Option<SetNumbers>,
    pub voicemail: Option<VoicemailUpdate>,
    pub forwarding: Option<ForwardingRuleInput>,
    pub apps: Option<AppAccessUpdate>,
    pub device: Option<ActivateDevice>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SavedUserEdits {
    pub user: UserDetail,
    pub setup: UserSetup,
    /// The sections saved, in the order they were applied ("License", "Voicemail", …).
    pub saved: Vec<String>,
    /// One sentence for the status message.
    pub message: String,
}

impl Org {
    /// Applies every section of `edits` in one transaction, each with its own permission, rules
    /// and audit entry; the first refusal rolls back all of them.
    pub fn save_user_edits(&mut self, actor: Actor, edits: &UserEdits) -> Result<SavedUserEdits> {
        self.change(actor, Permission::UsersView, "user.save", |tx, ctx| {
            let mut user = users::user_detail(tx, edits.user_id)?;
            users::check_version(&user, edits.expected_version)?;
            let mut saved = Vec::new();
            if let Some(product_id) = edits.assign_product_id {
                ctx.require(tx, Permission::LicensesAssign)?;
                licenses::assign_in(tx, ctx, &user, product_id)?;
                saved.push("License");
                // The sections below are checked against the features of the new license.
                user = users::user_detail(tx, user.id)?;
            }
            if let Some(req) = &edits.numbers {
                same_user(&user, req.user_id)?;
                ctx.require(tx, Permission::NumbersManage)?;
                if numbers::set_numbers_in(tx, ctx, &user, req)? {
                    saved.push("Number and extension");
                    // The voicemail PIN must not equal the new extension.
                    user = users::user_detail(tx, user.id)?;
                }
            }
            if let Some(req) = &edits.voicemail {
                same_user(&user, req.user_id)?;
                ctx.require(tx, Permission::SettingsManage)?;
                voicemail::set_voicemail_in(tx, ctx, &user, req)?;
                saved.push("Voicemail");
            }
            if let Some(req) = &edits.forwarding {
                same_user(&user, req.user_id)?;
                ctx.require(tx, Permission::SettingsManage)?;
                forwarding::set_forwarding_rule_in(tx, ctx, &user, req)?;
                saved.push("Call forwarding");
            }
            if let Some(req) = &edits.apps {
                same_user(&user, req.user_id)?;
                ctx.require(tx, Permission::SettingsManage)?;
                app_access::set_app_access_in(tx, ctx, &user, req)?;
                saved.push("App access");
            }
            if let Some(req) = &edits.device {
                same_user(&user, req.user_id)?;
                ctx.require(tx, Permission::SettingsManage)?;
                devices::activate_device_in(tx, ctx, &user, req)?;
                saved.push("Devices");
            }
            if !saved.is_empty() {
                users::bump_version(tx, user.id, ctx)?;
            }
            let user = users::user_detail(tx, user.id)?;
            let message = if saved.is_empty() {
                format!("Nothing to save for {}.", user.full_name())
            } else {
                format!("Saved for {}: {}.", user.full_name(), saved.join(", "))
            };
            Ok(SavedUserEdits {
                setup: user_setup(tx, user.id)?,
                user,
                saved: saved.into_iter().map(str::to_owned).collect(),
                message,
            })
        })
    }
}

/// A section addressed to another user than the one edited is a caller's mistake.
fn same_user(user: &UserDetail, section_user_id: i64) -> Result<()> {
    if section_user_id == user.id {
        return Ok(());
    }
    Err(Error::invalid(
        "User",
        format!(
            "a section of the save is for another user than {}.",
            user.full_name()
        ),
    ))
}

#[cfg(test)]
mod tests;
