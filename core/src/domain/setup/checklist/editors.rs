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
        self.change_sql(actor, Action::AppsUpdate, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            set_app_access_in(tx, ctx, &user, req)?;
            user_setup(tx, user.id)
        })
    }

    pub fn activate_device(&mut self, actor: Actor, req: &ActivateDevice) -> Result<UserSetup> {
        self.change_sql(actor, Action::DeviceActivate, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            activate_device_in(tx, ctx, &user, req)?;
            user_setup(tx, user.id)
        })
    }

    pub fn deactivate_device(&mut self, actor: Actor, device_id: i64) -> Result<UserSetup> {
        self.change_sql(actor, Action::DeviceDeactivate, |tx, ctx| {
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
        self.change_sql(actor, Action::ForwardingSet, |tx, ctx| {
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
        self.change_sql(actor, Action::ForwardingDelete, |tx, ctx| {
            let user = directory::user_detail(tx, user_id)?;
            delete_forwarding_rule_in(tx, ctx, &user, condition)?;
            user_setup(tx, user.id)
        })
    }

    pub fn set_voicemail(&mut self, actor: Actor, req: &VoicemailUpdate) -> Result<UserSetup> {
        self.change_sql(actor, Action::VoicemailUpdate, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            set_voicemail_in(tx, ctx, &user, req)?;
            user_setup(tx, user.id)
        })
    }

    /// Stores an uploaded WAV as the user's greeting.
    pub fn set_greeting(&mut self, actor: Actor, user_id: i64, audio: &[u8]) -> Result<UserSetup> {
        self.change_sql(actor, Action::VoicemailGreeting, |tx, ctx| {
            let user = directory::user_detail(tx, user_id)?;
            set_greeting_in(tx, ctx, &user, audio)?;
            user_setup(tx, user.id)
        })
    }

    /// Goes back to the recorded default greeting.
    pub fn use_default_greeting(&mut self, actor: Actor, user_id: i64) -> Result<UserSetup> {
        self.change_sql(actor, Action::VoicemailGreeting, |tx, ctx| {
            let user = directory::user_detail(tx, user_id)?;
            use_default_greeting_in(tx, ctx, &user)?;
            user_setup(tx, user.id)
        })
    }
}

/// Every setup editor on both storage engines (docs/ARCHITECTURE.md §Server): the same
/// setup, checklist, refusals and audit chain on the organization file and on a server.
#[cfg(all(test, feature = "server"))]
mod on_both_engines {

    use crate::domain::setup::app_access::App;
    use crate::domain::setup::devices::DeviceType;
    use crate::domain::setup::numbers::SetNumbers;
    use crate::tests::engines::{chain_intact, ids, same_on_each_engine};
    use crate::tests::testing::sign_in;
    use crate::{ActivateDevice, AppAccessUpdate, ForwardCondition, ForwardingRuleInput};
    use crate::{Error, VoicemailUpdate};

    #[test]
    fn every_setup_editor_gives_the_same_setup_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let helpdesk = sign_in(org, "priya.nair");
            let on_pro = ids(
                org,
                "SELECT s.user_id FROM seats s JOIN products p ON p.id = s.product_id
                 WHERE p.name = 'Voice Pro' AND s.user_id IS NOT NULL ORDER BY s.user_id",
            );
            let (user, other) = (
                org.user(admin, on_pro[0]).unwrap(),
                org.user(admin, on_pro[1]).unwrap(),
            );

            // Number and extension: the suggestion and a free number of the site's pool; an
            // extension another user holds is refused, naming them.
            let before = org.user_setup(admin, user.id).unwrap();
            let extension = org.suggest_extension(admin, user.id).unwrap();
            let numbers = SetNumbers {
                user_id: user.id,
                expected_version: user.version,
                extension: Some(extension.clone()),
                phone_number: before.available_numbers.first().cloned(),
            };
            let saved = org.set_numbers(admin, &numbers).unwrap();
            assert_eq!(saved.extension.as_ref(), Some(&extension), "{engine}");
            let taken = SetNumbers {
                expected_version: saved.version,
                extension: other.extension.clone(),
                ..numbers.clone()
            };
            match org.set_numbers(admin, &taken) {
                Err(Error::AlreadyTaken { holder, .. }) => {
                    assert_eq!(holder, other.full_name(), "{engine}")
                }
                outcome => panic!("{engine}: a taken extension gave {outcome:?}"),
            }

            // Voicemail with a PIN and a greeting of its own.
            let voicemail = VoicemailUpdate {
                user_id: user.id,
                enabled: true,
                email_notification: true,
                pin: "480916".into(),
            };
            org.set_voicemail(helpdesk, &voicemail).unwrap();
            let greeting =
                crate::domain::setup::audio::tone_sequence(&[440.0, 550.0], 700).unwrap();
            org.set_greeting(helpdesk, user.id, &greeting).unwrap();
            assert_eq!(
                org.greeting_audio(admin, user.id).unwrap(),
                greeting,
                "{engine}"
            );

            // Forwarding: to another user's extension on busy, to a number on no answer; the
            // busy rule taken away again.
            let rule = |condition, destination: &str, rings| ForwardingRuleInput {
                user_id: user.id,
                condition,
                destination: destination.to_owned(),
                rings,
            };
            let busy = rule(
                ForwardCondition::Busy,
                other.extension.as_ref().unwrap(),
                None,
            );
            org.set_forwarding_rule(helpdesk, &busy).unwrap();
            let no_answer = rule(ForwardCondition::NoAnswer, "+15125550100", Some(4));
            org.set_forwarding_rule(helpdesk, &no_answer).unwrap();
            org.delete_forwarding_rule(helpdesk, user.id, ForwardCondition::Busy)
                .unwrap();

            // Apps, and a desk phone whose MAC address no one else may activate.
            let apps = AppAccessUpdate {
                user_id: user.id,
                enabled: vec![App::MobileApp],
            };
            org.set_app_access(helpdesk, &apps).unwrap();
            let phone = |user_id| ActivateDevice {
                user_id,
                device_type: DeviceType::DeskPhone,
                model: "Yealink T54W".into(),
                mac_address: "00:15:65:AA:BB:CC".into(),
            };
            let with_phone = org.activate_device(helpdesk, &phone(user.id)).unwrap();
            let refused = org.activate_device(helpdesk, &phone(other.id)).unwrap_err();
            let first_device = with_phone.devices[0].id;
            org.deactivate_device(helpdesk, first_device).unwrap();

            let setup = org.user_setup(admin, user.id).unwrap();
            assert!(chain_intact(org), "{engine}");
            // The moments (activations, the greeting's upload) are each engine's own.
            (
                setup.checklist,
                (setup.extension, setup.phone_number),
                (setup.voicemail.enabled, setup.voicemail.pin_set),
                setup.voicemail.custom_greeting.map(|g| g.seconds),
                setup.forwarding,
                setup.apps,
                setup
                    .devices
                    .iter()
                    .map(|d| (d.label.clone(), d.mac_address.clone()))
                    .collect::<Vec<_>>(),
                refused.code(),
            )
        });
    }
}
