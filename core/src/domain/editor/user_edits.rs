//! The user editor's one Save: every pending section of the editor applied as one step, all of
//! it or nothing, against the version of the user the editor showed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::domain::editor::new_user::NewUser;
use crate::domain::licenses::change::{change_in, ChangeLicense};
use crate::domain::licenses::inventory;
use crate::domain::licenses::removal::{remove_in, ArchivePlan};
use crate::domain::setup::app_access::{self, AppAccessUpdate};
use crate::domain::setup::checklist::{user_setup, UserSetup};
use crate::domain::setup::devices::{self, ActivateDevice};
use crate::domain::setup::forwarding::{self, ForwardCondition, ForwardingRuleInput};
use crate::domain::setup::numbers::{self, SetNumbers};
use crate::domain::setup::voicemail::{self, VoicemailUpdate};
use crate::domain::users::directory::{self, UserDetail};
use crate::kernel::action::Action;
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::engine::Sql;

mod profile;

/// What the editor's Save does to the license.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LicenseEdit {
    /// A license for a user who holds none.
    Assign {
        #[ts(type = "number")]
        product_id: i64,
    },
    /// Another product: kept data within the license type, a removal and an assignment across.
    Change {
        #[ts(type = "number")]
        product_id: i64,
        /// Also request cancellation of the license given up (needs billing.manage).
        also_request_cancellation: bool,
    },
    /// The license removed, with the data listed in the removal warning.
    Remove,
}

/// What the editor's Save sends: each part the admin changed, the others left out.
/// Each section's `user_id` must be the edited user's.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct UserEdits {
    #[ts(type = "number")]
    pub user_id: i64,
    /// The user's version as the editor showed it.
    #[ts(type = "number")]
    pub expected_version: i64,
    /// The Profile tab: name, email, department and site.
    pub profile: Option<NewUser>,
    pub license: Option<LicenseEdit>,
    pub numbers: Option<SetNumbers>,
    pub voicemail: Option<VoicemailUpdate>,
    /// The recorded default greeting instead of the user's own.
    pub default_greeting: bool,
    /// A WAV read from the file the admin chose (never sent by the window itself).
    #[serde(skip)]
    #[ts(skip)]
    pub greeting: Option<Vec<u8>>,
    pub forwarding: Option<ForwardingRuleInput>,
    /// The forwarding rule of this condition deleted.
    pub forwarding_deleted: Option<ForwardCondition>,
    pub apps: Option<AppAccessUpdate>,
    pub device: Option<ActivateDevice>,
    /// The id of one of the user's devices to deactivate.
    #[ts(type = "number | null")]
    pub device_deactivated: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SavedUserEdits {
    pub user: UserDetail,
    pub setup: UserSetup,
    /// The parts saved, in the order they were applied ("Profile", "License", "Voicemail", …).
    pub saved: Vec<String>,
    /// One sentence for the status message.
    pub message: String,
    /// The product whose seat a removal returned to the pool, still billed.
    #[ts(type = "number | null")]
    pub freed_product_id: Option<i64>,
}

impl UserEdits {
    /// The setup sections present, by the names the editor shows, each with the field an
    /// error about it is shown at.
    fn setup_sections(&self) -> Vec<(&'static str, Field)> {
        let present = [
            (
                self.numbers.is_some(),
                ("Number and extension", Field::Extension),
            ),
            (
                self.voicemail.is_some() || self.default_greeting || self.greeting.is_some(),
                ("Voicemail", Field::Voicemail),
            ),
            (
                self.forwarding.is_some() || self.forwarding_deleted.is_some(),
                ("Call forwarding", Field::ForwardTo),
            ),
            (self.apps.is_some(), ("App access", Field::AppAccess)),
            (
                self.device.is_some() || self.device_deactivated.is_some(),
                ("Devices", Field::DeviceType),
            ),
        ];
        present
            .into_iter()
            .filter_map(|(on, section)| on.then_some(section))
            .collect()
    }
}

impl Org {
    /// Applies every part of `edits` in one transaction, each with its own permission, rules
    /// and audit entry; the first refusal rolls back all of them (and a removal's safety
    /// archive is deleted again).
    pub fn save_user_edits(&mut self, actor: Actor, edits: &UserEdits) -> Result<SavedUserEdits> {
        let mut archive = self.archive_plan();
        let today = self.today();
        // On a server a serialization failure runs the closure again from the start: each run
        // begins with nothing applied, and a removal's safety archive is a row of the
        // database only (no file is written beside a server, `Org::archive_folder`).
        let outcome = self.change_sql(actor, Action::UserSave, |tx, ctx| {
            let user = directory::user_detail(tx, edits.user_id)?;
            directory::check_version(tx, &user, edits.expected_version)?;
            let mut applied = Applied::default();
            apply(tx, ctx, user, edits, &mut archive, today, &mut applied)
        });
        archive.kept_only_if_ok(outcome)
    }
}

/// What the parts applied so far left behind: the removal's safety archive, the seat freed.
#[derive(Default)]
struct Applied {
    archive: Option<crate::domain::licenses::removal::Removed>,
    freed_product_id: Option<i64>,
    notes: Vec<String>,
}

fn apply(
    tx: Sql<'_>,
    ctx: &ChangeContext<'_>,
    mut user: UserDetail,
    edits: &UserEdits,
    archive: &mut ArchivePlan,
    today: chrono::NaiveDate,
    applied: &mut Applied,
) -> Result<SavedUserEdits> {
    let mut saved = Vec::new();
    if let Some(p) = &edits.profile {
        ctx.require(tx, Permission::UsersEdit)?;
        if profile::set_profile_in(tx, ctx, &user, p)? {
            saved.push("Profile");
            user = directory::user_detail(tx, user.id)?;
        }
    }
    let sections = edits.setup_sections();
    match &edits.license {
        None => {}
        Some(LicenseEdit::Assign { product_id }) => {
            ctx.require(tx, Permission::LicensesAssign)?;
            inventory::assign_in(tx, ctx, &user, *product_id)?;
            saved.push("License");
        }
        Some(LicenseEdit::Change {
            product_id,
            also_request_cancellation,
        }) => {
            let req = ChangeLicense {
                user_id: user.id,
                product_id: *product_id,
                expected_version: user.version,
                also_request_cancellation: *also_request_cancellation,
            };
            let changed = change_in(tx, ctx, &user, &req, archive, today)?;
            applied.notes.push(changed.message(&user));
            applied.freed_product_id = changed.freed_product_id();
            applied.archive = changed.removed;
            saved.push("License");
        }
        Some(LicenseEdit::Remove) => {
            // The setup sections are deleted with the license: an edit to one cannot apply.
            if let Some((_, first)) = sections.first() {
                let names: Vec<&str> = sections.iter().map(|(name, _)| *name).collect();
                return Err(Error::invalid(
                    *first,
                    format!(
                        "the license of {} is removed in this same Save, which deletes this section; \
                         undo the removal or the edits in {}.",
                        user.full_name(),
                        names.join(", ")
                    ),
                ));
            }
            ctx.require(tx, Permission::LicensesRemove)?;
            let removed = remove_in(tx, ctx, &user, archive)?;
            applied.notes.push(format!(
                "{} license removed from {}. {}",
                removed.impact.product_name,
                user.full_name(),
                removed.billing_note()
            ));
            applied.freed_product_id = user.license.as_ref().map(|l| l.product_id);
            applied.archive = Some(removed);
            saved.push("License");
        }
    }
    if edits.license.is_some() {
        // The sections below are checked against the license the user holds now.
        user = directory::user_detail(tx, user.id)?;
    }
    if let Some(req) = &edits.numbers {
        same_user(&user, req.user_id)?;
        ctx.require(tx, Permission::NumbersManage)?;
        if numbers::set_numbers_in(tx, ctx, &user, req)? {
            saved.push("Number and extension");
            // The voicemail PIN must not equal the new extension.
            user = directory::user_detail(tx, user.id)?;
        }
    }
    if sections.iter().any(|(name, _)| *name == "Voicemail") {
        ctx.require(tx, Permission::SettingsManage)?;
        if let Some(req) = &edits.voicemail {
            same_user(&user, req.user_id)?;
            voicemail::set_voicemail_in(tx, ctx, &user, req)?;
        }
        if edits.default_greeting {
            voicemail::use_default_greeting_in(tx, ctx, &user)?;
        }
        if let Some(audio) = &edits.greeting {
            voicemail::set_greeting_in(tx, ctx, &user, audio)?;
        }
        saved.push("Voicemail");
    }
    if sections.iter().any(|(name, _)| *name == "Call forwarding") {
        ctx.require(tx, Permission::SettingsManage)?;
        if let Some(condition) = edits.forwarding_deleted {
            forwarding::delete_forwarding_rule_in(tx, ctx, &user, condition)?;
        }
        if let Some(req) = &edits.forwarding {
            same_user(&user, req.user_id)?;
            forwarding::set_forwarding_rule_in(tx, ctx, &user, req)?;
        }
        saved.push("Call forwarding");
    }
    if let Some(req) = &edits.apps {
        same_user(&user, req.user_id)?;
        ctx.require(tx, Permission::SettingsManage)?;
        app_access::set_app_access_in(tx, ctx, &user, req)?;
        saved.push("App access");
    }
    if sections.iter().any(|(name, _)| *name == "Devices") {
        ctx.require(tx, Permission::SettingsManage)?;
        if let Some(device_id) = edits.device_deactivated {
            devices::deactivate_device_in(tx, ctx, &user, device_id)?;
        }
        if let Some(req) = &edits.device {
            same_user(&user, req.user_id)?;
            devices::activate_device_in(tx, ctx, &user, req)?;
        }
        saved.push("Devices");
    }
    if saved.contains(&"Profile") {
        profile::check_number_site(tx, user.id)?;
    }
    if !saved.is_empty() {
        directory::bump_version(tx, user.id, ctx)?;
    }
    let user = directory::user_detail(tx, user.id)?;
    let message = match (saved.as_slice(), applied.notes.is_empty()) {
        ([], _) => format!("Nothing to save for {}.", user.full_name()),
        (_, true) => format!("Saved for {}: {}.", user.full_name(), saved.join(", ")),
        // A license change alone says what it did, as the removal and the change always have.
        (["License"], false) => applied.notes.join(" "),
        (_, false) => format!(
            "Saved for {}: {}. {}",
            user.full_name(),
            saved.join(", "),
            applied.notes.join(" ")
        ),
    };
    Ok(SavedUserEdits {
        setup: user_setup(tx, user.id)?,
        user,
        saved: saved.into_iter().map(str::to_owned).collect(),
        message,
        freed_product_id: applied.freed_product_id,
    })
}

/// A section addressed to another user than the one edited is a caller's mistake.
fn same_user(user: &UserDetail, section_user_id: i64) -> Result<()> {
    if section_user_id == user.id {
        return Ok(());
    }
    Err(Error::invalid(
        Field::User,
        format!(
            "a section of the save is for another user than {}.",
            user.full_name()
        ),
    ))
}

#[cfg(test)]
mod tests;

#[cfg(all(test, feature = "server"))]
mod on_both_engines;
