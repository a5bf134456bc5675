use super::*;
use crate::testing::{demo_org, product_id, sign_in, snapshot, unlicensed_user};

const TABLES: &[&str] = &[
    "users",
    "seats",
    "phone_numbers",
    "voicemail_settings",
    "forwarding_rules",
    "app_access",
    "device_activations",
    "audit_log",
];

/// A license, a suggested extension and a voicemail PIN for an unlicensed user, as an admin
/// types them into a new user's editor.
fn first_setup(org: &Org, admin: Actor, user: &UserDetail, pin: &str) -> UserEdits {
    let extension = org.suggest_extension(admin, user.id).unwrap();
    UserEdits {
        user_id: user.id,
        expected_version: user.version,
        assign_product_id: Some(product_id(org, "Voice Pro")),
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
        ..UserEdits::default()
    }
}

fn audit_actions_since(org: &Org, id: i64) -> Vec<String> {
    let mut stmt = org
        .conn
        .prepare("SELECT action FROM audit_log WHERE id > ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([id], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn last_audit_id(org: &Org) -> i64 {
    org.conn
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
        Some("Voicemail PIN"),
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
