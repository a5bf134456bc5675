//! Acceptance tests of the first issue: assign a license and see it survive a
//! restart, be refused a license with no seat left, and see why a Helpdesk
//! account cannot change licenses.

use licensedesk_e2e::App;

const VOICE_PRO: &str = "Voice Pro";
const CONTACT_CENTER: &str = "Contact Center Agent";

/// A part of the name to search by: the last name.
fn search_term(name: &str) -> &str {
    name.rsplit(' ').next().unwrap_or(name)
}

#[tokio::test]
async fn assigned_license_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");

    let app = App::start(&db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_text("Signed in as dana.reyes (Super Admin)")
        .await;
    let before = app.license_counts(VOICE_PRO).await;
    let name = app.unlicensed_user().await;
    eprintln!("e2e: assigning {VOICE_PRO} to {name}; before: {before:?}");
    let found = app.search_users(search_term(&name)).await;
    assert!(found.row_with_button(&format!("Edit {name}")).is_some());

    app.assign_in_editor(&name, VOICE_PRO, before.available)
        .await;
    // The editor stays open on the setup checklist; closing it is the admin's choice.
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    app.quit().await;

    let app = App::start(&db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    let found = app.search_users(search_term(&name)).await;
    let row = found
        .row_with_button(&format!("Edit {name}"))
        .unwrap_or_else(|| panic!("{name} not found after restart: {found:?}"));
    assert_eq!(row.cell("License"), VOICE_PRO);
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    let selected = app.selected_option(&license).await;
    assert!(
        selected.starts_with(&format!("{VOICE_PRO} (")),
        "License shows {selected:?}"
    );
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;

    let after = app.license_counts(VOICE_PRO).await;
    assert_eq!(after.purchased, before.purchased);
    assert_eq!(after.assigned, before.assigned + 1);
    assert_eq!(after.available, before.available - 1);
    app.quit().await;
}

#[tokio::test]
async fn license_with_no_seat_left_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(dir.path().join("org.sqlite")).await;
    app.sign_in("dana.reyes", "super-demo").await;
    let before = app.license_counts(CONTACT_CENTER).await;
    assert_eq!(
        before.available, 0,
        "the demo has no {CONTACT_CENTER} seat left"
    );
    let name = app.unlicensed_user().await;
    eprintln!("e2e: assigning {CONTACT_CENTER} to {name}");

    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    app.select_option(&license, &format!("{CONTACT_CENTER} (0 available)"))
        .await;
    app.click_role("button", "Save").await;
    let alert = app
        .wait_for_message("alert", "A new license must be purchased")
        .await;
    assert!(alert.contains(CONTACT_CENTER), "alert reads {alert:?}");
    // Refused: the editor stays open with the choice, until cancelled and the choice discarded.
    app.find_by_role("dialog", &format!("Edit {name}")).await;
    app.click_role("button", "Cancel").await;
    app.confirm_native_dialog(&format!("Discard changes to {name}?"))
        .await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;

    let table = app.users_table().await;
    let row = table
        .row_with_button(&format!("Edit {name}"))
        .unwrap_or_else(|| panic!("{name} not in {table:?}"));
    assert_eq!(row.cell("License"), "No license");
    assert_eq!(app.license_counts(CONTACT_CENTER).await, before);
    app.quit().await;
}

#[tokio::test]
async fn helpdesk_sees_why_license_is_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(dir.path().join("org.sqlite")).await;
    app.sign_in("priya.nair", "helpdesk-demo").await;
    app.wait_for_text("Signed in as priya.nair (Helpdesk)")
        .await;

    let table = app.users_table().await;
    let name = table.rows[0]
        .buttons
        .iter()
        .find_map(|b| b.strip_prefix("Edit "))
        .expect("an Edit button in the first row")
        .to_string();
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    assert!(
        app.is_disabled(&license).await,
        "Helpdesk can change License"
    );
    let why = app.description(&license).await;
    assert!(
        why.contains("Your role Helpdesk does not include Assign and change licenses."),
        "License is described as {why:?}"
    );
    assert!(why.contains("Dana Reyes"), "{why:?} does not say who can");
    app.quit().await;
}
