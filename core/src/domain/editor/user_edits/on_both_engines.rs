//! The editor's one Save on both storage engines (docs/ARCHITECTURE.md §Server): the same
//! fields saved, the same refusals with nothing stored, a stale editor refused naming who
//! changed the user, and a removal saved with the profile.

use super::*;
use crate::domain::setup::numbers::SetNumbers;
use crate::domain::setup::voicemail::VoicemailUpdate;
use crate::tests::engines::{chain_intact, ids, number, same_on_each_engine};
use crate::tests::testing::sign_in;

/// The user's profile as the editor shows it.
fn profile_of(org: &Org, user: &UserDetail) -> NewUser {
    NewUser {
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        email: user.email.clone(),
        department: user.department.clone(),
        site_id: Some(number(
            org,
            "SELECT site_id FROM users WHERE id = ?1",
            &[&user.id],
        )),
    }
}

/// What a refusal might have changed: the users, the user's setup and the audit log.
fn state(org: &Org, actor: Actor, user_id: i64) -> (UserDetail, UserSetup, i64) {
    (
        org.user(actor, user_id).unwrap(),
        org.user_setup(actor, user_id).unwrap(),
        number(org, "SELECT count(*) FROM audit_log", &[]),
    )
}

/// The user without its moment of change, which is each engine's own.
fn without_moment(u: UserDetail) -> UserDetail {
    UserDetail {
        updated_at: String::new(),
        ..u
    }
}

#[test]
fn the_editors_save_stores_refuses_and_guards_the_same_on_both_engines() {
    same_on_each_engine(|org, place| {
        let engine = place.engine();
        let admin = sign_in(org, "sam.okafor");
        let billing = sign_in(org, "lee.chen");
        // Voice Pro holders with a number: one edited, one whose license the Save removes.
        let on_pro = ids(
            org,
            "SELECT s.user_id FROM seats s JOIN products p ON p.id = s.product_id
             JOIN phone_numbers n ON n.user_id = s.user_id
             WHERE p.name = 'Voice Pro' ORDER BY s.user_id",
        );
        let user = org.user(admin, on_pro[0]).unwrap();
        let leaving = org.user(admin, on_pro[1]).unwrap();

        // Profile, number and voicemail in one Save: one version step, an entry each.
        let since = number(org, "SELECT max(id) FROM audit_log", &[]);
        let mut profile = profile_of(org, &user);
        profile.last_name = "Øster-Müller".into();
        profile.department = "Moved upstairs".into();
        let extension = org.suggest_extension(admin, user.id).unwrap();
        let edits = UserEdits {
            profile: Some(profile.clone()),
            numbers: Some(SetNumbers {
                user_id: user.id,
                expected_version: user.version,
                extension: Some(extension.clone()),
                phone_number: user.phone_number.clone(),
            }),
            voicemail: Some(VoicemailUpdate {
                user_id: user.id,
                enabled: true,
                email_notification: true,
                pin: "480916".into(),
            }),
            ..UserEdits::of(&user)
        };
        let saved = org.save_user_edits(admin, &edits).unwrap();
        assert_eq!(saved.user.version, user.version + 1, "{engine}");
        assert_eq!(
            without_moment(org.user(admin, user.id).unwrap()),
            without_moment(saved.user.clone()),
            "{engine}: the detail reads back otherwise"
        );
        let entries = number(
            org,
            "SELECT count(*) FROM audit_log WHERE id > ?1 AND target_user_id = ?2
               AND action IN ('user.update', 'user.numbers', 'voicemail.update')",
            &[&since, &user.id],
        );
        assert_eq!(entries, 3, "{engine}");

        // Refusals store nothing: a PIN that is a run of digits (with a profile edit that
        // would otherwise pass), an empty first name, a site whose pool the number is not of.
        let before = state(org, admin, user.id);
        let refuse = |org: &mut Org, edits: UserEdits| {
            let e = org.save_user_edits(admin, &edits).unwrap_err();
            (e.code(), e.payload().field, e.to_string())
        };
        let fresh = UserEdits::of(&saved.user);
        let bad_pin = refuse(
            org,
            UserEdits {
                profile: Some(NewUser {
                    department: "Elsewhere".into(),
                    ..profile.clone()
                }),
                voicemail: Some(VoicemailUpdate {
                    pin: "123456".into(),
                    ..edits.voicemail.clone().unwrap()
                }),
                ..fresh.clone()
            },
        );
        let no_name = refuse(
            org,
            UserEdits {
                profile: Some(NewUser {
                    first_name: " ".into(),
                    ..profile.clone()
                }),
                ..fresh.clone()
            },
        );
        let other_site = ids(org, "SELECT id FROM sites ORDER BY id")
            .into_iter()
            .find(|&s| Some(s) != profile.site_id)
            .unwrap();
        let wrong_site = refuse(
            org,
            UserEdits {
                profile: Some(NewUser {
                    site_id: Some(other_site),
                    ..profile.clone()
                }),
                ..fresh.clone()
            },
        );
        assert_eq!(state(org, admin, user.id), before, "{engine}");

        // A role without users.edit: refused whole, and the refusal recorded.
        let denied = org
            .save_user_edits(
                billing,
                &UserEdits {
                    profile: Some(NewUser {
                        department: "Billing's idea".into(),
                        ..profile.clone()
                    }),
                    ..fresh.clone()
                },
            )
            .unwrap_err();
        let (detail, setup, entries) = state(org, admin, user.id);
        assert_eq!((&detail, &setup), (&before.0, &before.1), "{engine}");
        assert_eq!(entries, before.2 + 1, "{engine}");
        let recorded = number(
            org,
            "SELECT count(*) FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)
               AND action = 'user.save' AND outcome = 'refused'
               AND detail = 'missing permission users.edit'",
            &[],
        );
        assert_eq!(recorded, 1, "{engine}: the refusal is not recorded");

        // Another admin saves in another window; this editor's Save is then stale, refused
        // naming who changed what, and stores nothing. (A second later than this editor's own
        // Save: the last change is read from the entries of its second.)
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let mut other = place.open();
        let dana = sign_in(&mut other, "dana.reyes");
        other
            .save_user_edits(
                dana,
                &UserEdits {
                    profile: Some(NewUser {
                        department: "Dana's choice".into(),
                        ..profile.clone()
                    }),
                    ..fresh.clone()
                },
            )
            .unwrap();
        drop(other);
        let before = state(org, admin, user.id);
        let stale = org
            .save_user_edits(
                admin,
                &UserEdits {
                    profile: Some(NewUser {
                        department: "Sam's choice".into(),
                        ..profile.clone()
                    }),
                    ..fresh.clone()
                },
            )
            .unwrap_err();
        let stale = match stale {
            Error::StaleVersion {
                user,
                changed_by,
                what,
                ..
            } => (user, changed_by, what),
            e => panic!("{engine}: a stale Save gave {e:?}"),
        };
        assert_eq!(state(org, admin, user.id), before, "{engine}");

        // The license removed with a profile edit in one Save: the safety archive kept (in
        // the database on a server), the seat back in the pool.
        let archives = number(org, "SELECT count(*) FROM safety_archives", &[]);
        let mut leaving_profile = profile_of(org, &leaving);
        leaving_profile.department = "Left the practice".into();
        let removed = org
            .save_user_edits(
                admin,
                &UserEdits {
                    profile: Some(leaving_profile),
                    license: Some(LicenseEdit::Remove),
                    ..UserEdits::of(&leaving)
                },
            )
            .unwrap();
        assert_eq!(
            number(org, "SELECT count(*) FROM safety_archives", &[]),
            archives + 1,
            "{engine}"
        );
        assert!(chain_intact(org), "{engine}");
        (
            (saved.saved, saved.message, without_moment(saved.user)),
            (saved.setup.checklist, saved.setup.voicemail.pin_set),
            (bad_pin, no_name, wrong_site),
            denied.code(),
            stale,
            (
                removed.saved,
                removed.message,
                removed.freed_product_id,
                without_moment(removed.user),
            ),
        )
    });
}
