use super::*;
use crate::domain::setup::app_access::App;
use crate::tests::testing::{
    demo_org, product_id, sign_in, snapshot, unlicensed_user, user_on, user_with_all_data,
};

const TABLES: &[&str] = &[
    "users",
    "seats",
    "phone_numbers",
    "voicemail_settings",
    "forwarding_rules",
    "app_access",
    "device_activations",
    "voicemail_greetings",
    "call_history",
    "safety_archives",
    "cancellation_requests",
    "audit_log",
];

/// A license, a suggested extension and a voicemail PIN for an unlicensed user, as an admin
/// types them into a new user's editor.
fn first_setup(org: &Org, admin: Actor, user: &UserDetail, pin: &str) -> UserEdits {
    let extension = org.suggest_extension(admin, user.id).unwrap();
    UserEdits {
        license: Some(LicenseEdit::Assign {
            product_id: product_id(org, "Voice Pro"),
        }),
        numbers: Some(SetNumbers {
            user_id: user.id,
            expected_version: user.version,
            extension: Some(extension),
            phone_number: None,
        }),
        voicemail: Some(VoicemailUpdate {
            user_id: user.id,
            enabled: true,
            email_notification: false,
            pin: pin.to_owned(),
        }),
        ..UserEdits::of(user)
    }
}

fn audit_actions_since(org: &Org, id: i64) -> Vec<String> {
    let mut stmt = org
        .conn()
        .prepare("SELECT action FROM audit_log WHERE id > ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([id], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn last_audit_id(org: &Org) -> i64 {
    org.conn()
        .query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn one_save_applies_license_number_and_voicemail_with_an_audit_entry_each() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let user = unlicensed_user(&org);
    let edits = first_setup(&org, admin, &user, "4826");
    let extension = edits.numbers.as_ref().unwrap().extension.clone();
    let since = last_audit_id(&org);

    let saved = org.save_user_edits(admin, &edits).unwrap();

    assert_eq!(
        saved.saved,
        ["License", "Number and extension", "Voicemail"]
    );
    assert!(
        saved
            .message
            .contains("License, Number and extension, Voicemail"),
        "{}",
        saved.message
    );
    assert_eq!(saved.user.extension, extension);
    assert_eq!(
        saved.user.license.as_ref().unwrap().product_name,
        "Voice Pro"
    );
    assert_eq!(
        saved.user.version,
        user.version + 1,
        "the version moves once"
    );
    assert!(saved.setup.voicemail.enabled && saved.setup.voicemail.pin_set);
    assert_eq!(
        audit_actions_since(&org, since),
        ["license.assign", "user.numbers", "voicemail.update"]
    );
}

#[test]
fn a_refused_section_saves_nothing_and_names_its_field() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let user = unlicensed_user(&org);
    // The license and the extension are fine; the PIN is a run of digits.
    let edits = first_setup(&org, admin, &user, "1234");
    let before = snapshot(&org, TABLES);

    let err = org.save_user_edits(admin, &edits).unwrap_err();

    assert_eq!(err.code(), "invalid_input");
    assert_eq!(
        err.payload().field.as_deref(),
        Some("voicemailPin"),
        "{err}"
    );
    assert_eq!(
        snapshot(&org, TABLES),
        before,
        "nothing of the save is kept"
    );
}

#[test]
fn a_user_changed_since_the_editor_opened_is_refused_whole() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let user = unlicensed_user(&org);
    let mut edits = first_setup(&org, admin, &user, "4826");
    edits.expected_version -= 1;
    let before = snapshot(&org, TABLES);

    let err = org.save_user_edits(admin, &edits).unwrap_err();

    assert_eq!(err.code(), "stale_version");
    assert!(err.to_string().contains(&user.full_name()), "{err}");
    assert_eq!(snapshot(&org, TABLES), before);
}

#[test]
fn a_section_the_role_may_not_change_refuses_the_whole_save() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let user = unlicensed_user(&org);
    let edits = first_setup(&org, admin, &user, "4826");
    let billing = sign_in(&mut org, "lee.chen");
    let before = snapshot(&org, &TABLES[..TABLES.len() - 1]);

    let err = org.save_user_edits(billing, &edits).unwrap_err();

    assert_eq!(err.code(), "permission_denied");
    assert_eq!(snapshot(&org, &TABLES[..TABLES.len() - 1]), before);
}

/// The profile as stored, as the Profile tab shows it before the admin types.
fn profile_of(org: &Org, user: &UserDetail) -> NewUser {
    let site_id = org
        .conn()
        .query_row("SELECT site_id FROM users WHERE id = ?1", [user.id], |r| {
            r.get(0)
        })
        .unwrap();
    NewUser {
        first_name: user.first_name.clone(),
        last_name: user.last_name.clone(),
        email: user.email.clone(),
        department: user.department.clone(),
        site_id: Some(site_id),
    }
}

fn only(user: &UserDetail) -> UserEdits {
    UserEdits::of(user)
}

fn archive_files(org: &Org) -> usize {
    std::fs::read_dir(&org.archive_dir)
        .map(|d| d.count())
        .unwrap_or(0)
}

#[test]
fn profile_license_change_and_sections_are_one_save() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let user = user_on(&org, "Voice Pro");
    let mut profile = profile_of(&org, &user);
    profile.last_name = "Okonkwo-Lee".to_owned();
    profile.department = "Billing office".to_owned();
    let edits = UserEdits {
        profile: Some(profile),
        license: Some(LicenseEdit::Change {
            product_id: product_id(&org, "Voice Enterprise"),
            also_request_cancellation: false,
        }),
        voicemail: Some(VoicemailUpdate {
            user_id: user.id,
            enabled: true,
            email_notification: true,
            pin: "4826".to_owned(),
        }),
        ..only(&user)
    };
    let since = last_audit_id(&org);

    let saved = org.save_user_edits(admin, &edits).unwrap();

    assert_eq!(saved.saved, ["Profile", "License", "Voicemail"]);
    assert_eq!(saved.user.last_name, "Okonkwo-Lee");
    assert_eq!(saved.user.department, "Billing office");
    assert_eq!(
        saved.user.license.as_ref().unwrap().product_name,
        "Voice Enterprise"
    );
    assert_eq!(saved.user.extension, user.extension, "same type: kept");
    assert_eq!(saved.user.version, user.version + 1);
    assert_eq!(saved.freed_product_id, None);
    assert_eq!(
        audit_actions_since(&org, since),
        ["user.update", "license.change", "voicemail.update"]
    );
}

#[test]
fn a_change_of_type_with_sections_applies_them_to_the_new_license() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let user = user_on(&org, "Voice Pro");
    let edits = UserEdits {
        license: Some(LicenseEdit::Change {
            product_id: product_id(&org, "Meetings Plus"),
            also_request_cancellation: false,
        }),
        apps: Some(AppAccessUpdate {
            user_id: user.id,
            enabled: vec![App::VideoMeetings, App::MobileApp],
        }),
        ..only(&user)
    };

    let saved = org.save_user_edits(admin, &edits).unwrap();

    assert_eq!(saved.saved, ["License", "App access"]);
    assert_eq!(
        saved.user.license.as_ref().unwrap().product_name,
        "Meetings Plus"
    );
    assert_eq!(saved.user.extension, None, "the removal released it");
    let enabled: Vec<App> = saved
        .setup
        .apps
        .iter()
        .filter(|a| a.enabled)
        .map(|a| a.app)
        .collect();
    assert_eq!(enabled, [App::MobileApp, App::VideoMeetings]);
    assert_eq!(
        saved.freed_product_id,
        Some(product_id(&org, "Voice Pro")),
        "the old seat stays billed"
    );
    assert!(saved.message.contains("still billed"), "{}", saved.message);
    assert_eq!(archive_files(&org), 1);
}

#[test]
fn a_refused_section_after_a_change_of_type_keeps_the_data_and_no_archive() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let user = user_with_all_data(&org);
    let edits = UserEdits {
        license: Some(LicenseEdit::Change {
            product_id: product_id(&org, "Meetings Plus"),
            also_request_cancellation: false,
        }),
        // Meetings Plus has no calling: an extension cannot follow it.
        numbers: Some(SetNumbers {
            user_id: user.id,
            expected_version: user.version,
            extension: Some("2999".to_owned()),
            phone_number: None,
        }),
        ..only(&user)
    };
    let before = snapshot(&org, TABLES);

    let err = org.save_user_edits(admin, &edits).unwrap_err();

    assert_eq!(err.payload().field.as_deref(), Some("extension"), "{err}");
    assert_eq!(snapshot(&org, TABLES), before, "the removal is undone too");
    assert_eq!(archive_files(&org), 0, "its safety archive is deleted");
}

#[test]
fn a_removal_goes_with_the_profile_but_not_with_section_edits() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let user = user_with_all_data(&org);
    let mut profile = profile_of(&org, &user);
    profile.department = "Left the practice".to_owned();
    let with_pin = UserEdits {
        profile: Some(profile.clone()),
        license: Some(LicenseEdit::Remove),
        voicemail: Some(VoicemailUpdate {
            user_id: user.id,
            enabled: true,
            email_notification: false,
            pin: "4826".to_owned(),
        }),
        ..only(&user)
    };
    let before = snapshot(&org, TABLES);

    let err = org.save_user_edits(admin, &with_pin).unwrap_err();
    assert_eq!(err.payload().field.as_deref(), Some("voicemail"), "{err}");
    assert!(err.to_string().contains("undo the removal"), "{err}");
    assert_eq!(snapshot(&org, TABLES), before);

    let saved = org
        .save_user_edits(
            admin,
            &UserEdits {
                profile: Some(profile),
                license: Some(LicenseEdit::Remove),
                ..only(&user)
            },
        )
        .unwrap();
    assert_eq!(saved.saved, ["Profile", "License"]);
    assert!(saved.user.license.is_none());
    assert_eq!(saved.user.department, "Left the practice");
    assert_eq!(
        saved.freed_product_id,
        user.license.as_ref().map(|l| l.product_id)
    );
    assert_eq!(archive_files(&org), 1);
}

#[test]
fn a_profile_with_a_taken_email_or_a_number_of_another_site_is_refused() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let user = user_on(&org, "Voice Pro");
    let other = unlicensed_user(&org);
    let before = snapshot(&org, TABLES);

    let mut taken = profile_of(&org, &user);
    taken.email = other.email.to_uppercase();
    let err = org
        .save_user_edits(
            admin,
            &UserEdits {
                profile: Some(taken),
                ..only(&user)
            },
        )
        .unwrap_err();
    assert_eq!(err.payload().field.as_deref(), Some("email"), "{err}");
    assert!(err.to_string().contains(&other.full_name()), "{err}");

    // Own email in other case is no clash; moving site with the old site's number is.
    let mut moved = profile_of(&org, &user);
    moved.email = user.email.to_uppercase();
    let other_site: i64 = org
        .conn()
        .query_row(
            "SELECT id FROM sites WHERE id <> ?1 ORDER BY id LIMIT 1",
            [moved.site_id.unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    moved.site_id = Some(other_site);
    let edits = UserEdits {
        profile: Some(moved),
        ..only(&user)
    };
    assert!(user.phone_number.is_some(), "the demo user has a number");
    let err = org.save_user_edits(admin, &edits).unwrap_err();
    assert_eq!(err.payload().field.as_deref(), Some("site"), "{err}");
    assert_eq!(snapshot(&org, TABLES), before);

    // Releasing the number in the same Save moves the user.
    let saved = org
        .save_user_edits(
            admin,
            &UserEdits {
                numbers: Some(SetNumbers {
                    user_id: user.id,
                    expected_version: user.version,
                    extension: user.extension.clone(),
                    phone_number: None,
                }),
                ..edits
            },
        )
        .unwrap();
    assert_ne!(saved.user.site, user.site);
    assert_eq!(saved.user.phone_number, None);
}

#[test]
fn a_role_without_users_edit_cannot_change_the_profile() {
    let (_dir, mut org) = demo_org();
    let billing = sign_in(&mut org, "lee.chen");
    let user = user_on(&org, "Voice Pro");
    let mut profile = profile_of(&org, &user);
    profile.first_name = "Changed".to_owned();
    let before = snapshot(&org, &TABLES[..TABLES.len() - 1]);

    let err = org
        .save_user_edits(
            billing,
            &UserEdits {
                profile: Some(profile),
                ..only(&user)
            },
        )
        .unwrap_err();

    assert_eq!(err.code(), "permission_denied");
    assert_eq!(snapshot(&org, &TABLES[..TABLES.len() - 1]), before);
}

/// Two windows on one file: each opened the user at the same version.
#[test]
fn two_sessions_on_one_file_never_overwrite_each_other() {
    let (dir, mut first) = demo_org();
    let mut second = Org::open_with_system_clock(&dir.path().join("org.sqlite")).unwrap();
    let sam = sign_in(&mut first, "sam.okafor");
    let dana = sign_in(&mut second, "dana.reyes");
    let user = user_with_all_data(&first);
    let device_id = first.user_setup(sam, user.id).unwrap().devices[0].id;
    let condition = first.user_setup(sam, user.id).unwrap().forwarding[0].condition;
    let mut profile = profile_of(&first, &user);
    profile.department = "Moved".to_owned();
    let greeting = crate::domain::setup::audio::tone_sequence(&[440.0, 660.0], 500).unwrap();

    // Dana saves voicemail and forwarding in the second window.
    second
        .save_user_edits(
            dana,
            &UserEdits {
                voicemail: Some(VoicemailUpdate {
                    user_id: user.id,
                    enabled: true,
                    email_notification: true,
                    pin: "5927".to_owned(),
                }),
                forwarding_deleted: Some(condition),
                ..only(&user)
            },
        )
        .unwrap();
    let after_dana = snapshot(&first, TABLES);

    // Every part Sam's editor can save, each on its own as the section buttons do, is refused.
    let parts = [
        UserEdits {
            profile: Some(profile),
            ..only(&user)
        },
        UserEdits {
            license: Some(LicenseEdit::Remove),
            ..only(&user)
        },
        UserEdits {
            numbers: Some(SetNumbers {
                user_id: user.id,
                expected_version: user.version,
                extension: None,
                phone_number: None,
            }),
            ..only(&user)
        },
        UserEdits {
            voicemail: Some(VoicemailUpdate {
                user_id: user.id,
                enabled: false,
                email_notification: false,
                pin: String::new(),
            }),
            ..only(&user)
        },
        UserEdits {
            default_greeting: true,
            ..only(&user)
        },
        UserEdits {
            forwarding_deleted: Some(condition),
            ..only(&user)
        },
        UserEdits {
            apps: Some(AppAccessUpdate {
                user_id: user.id,
                enabled: vec![],
            }),
            ..only(&user)
        },
        UserEdits {
            device_deactivated: Some(device_id),
            ..only(&user)
        },
        UserEdits {
            greeting: Some(greeting),
            ..only(&user)
        },
    ];
    for part in &parts {
        let err = first.save_user_edits(sam, part).unwrap_err();
        assert_eq!(err.code(), "stale_version", "{part:?}");
        let message = err.to_string();
        let dana_name = second.user(dana, user.id).unwrap().updated_by.unwrap();
        assert!(
            message.contains(&format!(
                "{dana_name} changed voicemail and call forwarding at"
            )),
            "{message}"
        );
        assert!(message.contains(&user.full_name()), "{message}");
    }
    assert_eq!(snapshot(&first, TABLES), after_dana, "nothing overwritten");
}
