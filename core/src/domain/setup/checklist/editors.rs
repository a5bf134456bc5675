//! The setup editors' commands: each changes one part of a user's setup and answers with the
//! whole of it, checklist included.

use crate::storage::tables::device_activations;

use crate::base::error::{Error, Result};
use crate::domain::setup::app_access::{set_app_access_in, AppAccessUpdate};
use crate::domain::setup::devices::{activate_device_in, deactivate_device_in, ActivateDevice};
use crate::domain::setup::forwarding::{
    delete_forwarding_rule_in, set_forwarding_rule_in, ForwardCondition, ForwardingRuleInput,
};
use crate::domain::setup::voicemail::{
    set_greeting_in, set_voicemail_in, use_default_greeting_in, VoicemailUpdate,
};
use crate::domain::users::directory;
use crate::kernel::action::Action;
use crate::kernel::org::{Actor, Org};

use super::{user_setup, UserSetup};

impl Org {
    pub fn set_app_access(&mut self, actor: Actor, req: &AppAccessUpdate) -> Result<UserSetup> {
        self.change(actor, Action::AppsUpdate, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            set_app_access_in(tx, ctx, &user, req)?;
            user_setup(tx, user.id)
        })
    }

    pub fn activate_device(&mut self, actor: Actor, req: &ActivateDevice) -> Result<UserSetup> {
        self.change(actor, Action::DeviceActivate, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            activate_device_in(tx, ctx, &user, req)?;
            user_setup(tx, user.id)
        })
    }

    pub fn deactivate_device(&mut self, actor: Actor, device_id: i64) -> Result<UserSetup> {
        self.change(actor, Action::DeviceDeactivate, |tx, ctx| {
            let user_id = device_activations::owner(tx, device_id)?.ok_or(Error::NotFound {
                what: "Device activation",
                id: device_id,
            })?;
            let user = directory::user_detail(tx, user_id)?;
            deactivate_device_in(tx, ctx, &user, device_id)?;
            user_setup(tx, user.id)
        })
    }

    /// Adds the rule for its condition, or replaces the one there.
    pub fn set_forwarding_rule(
        &mut self,
        actor: Actor,
        req: &ForwardingRuleInput,
    ) -> Result<UserSetup> {
        self.change(actor, Action::ForwardingSet, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            set_forwarding_rule_in(tx, ctx, &user, req)?;
            user_setup(tx, user.id)
        })
    }

    pub fn delete_forwarding_rule(
        &mut self,
        actor: Actor,
        user_id: i64,
        condition: ForwardCondition,
    ) -> Result<UserSetup> {
        self.change(actor, Action::ForwardingDelete, |tx, ctx| {
            let user = directory::user_detail(tx, user_id)?;
            delete_forwarding_rule_in(tx, ctx, &user, condition)?;
            user_setup(tx, user.id)
        })
    }

    pub fn set_voicemail(&mut self, actor: Actor, req: &VoicemailUpdate) -> Result<UserSetup> {
        self.change(actor, Action::VoicemailUpdate, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            set_voicemail_in(tx, ctx, &user, req)?;
            user_setup(tx, user.id)
        })
    }

    /// Stores an uploaded WAV as the user's greeting.
    pub fn set_greeting(&mut self, actor: Actor, user_id: i64, audio: &[u8]) -> Result<UserSetup> {
        self.change(actor, Action::VoicemailGreeting, |tx, ctx| {
            let user = directory::user_detail(tx, user_id)?;
            set_greeting_in(tx, ctx, &user, audio)?;
            user_setup(tx, user.id)
        })
    }

    /// Goes back to the recorded default greeting.
    pub fn use_default_greeting(&mut self, actor: Actor, user_id: i64) -> Result<UserSetup> {
        self.change(actor, Action::VoicemailGreeting, |tx, ctx| {
            let user = directory::user_detail(tx, user_id)?;
            use_default_greeting_in(tx, ctx, &user)?;
            user_setup(tx, user.id)
        })
    }
}
