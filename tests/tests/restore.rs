//! Acceptance tests of issue 21's undo: a license removed, then restored from the History tab
//! with its voicemails and forwarding rules back; a user offboarded, then reactivated from the
//! Profile tab with license and data. Each goes through the preview dialog and the native
//! confirmation.

use std::path::{Path, PathBuf};

use licensedesk_e2e::{organization_as_created, App, Element, USER_COLUMNS};
use serde_json::json;

const RESTORE_CONFIRMATION: &str = "Restore license and data?";

/// Presses the "Reactivate {name}" preview's Reactivate and answers the native question;
/// waits until the preview closes with the message that says so.
async fn reactivate_from_preview(app: &App, preview: &Element, name: &str) {
    let go = app.find_by_role_in(preview, "button", "Reactivate").await;
    app.wait_enabled(&go).await;
    app.click(&go).await;
    app.confirm_native_dialog(&format!("Reactivate {name}?"))
        .await;
    app.wait_for_message("status", &format!("{name} is active again."))
        .await;
    app.wait_until_gone("dialog", &format!("Reactivate {name}"))
        .await;
}

async fn start_as_super_admin(db: &Path) -> App {
    let app = App::start(db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_text("Signed in as dana.reyes (Super Admin)")
        .await;
    app
}

/// A licensed, active user with a unique name, an extension, a number, voicemails and
/// forwarding rules, and that user's row.
async fn user_with_voicemail_and_forwarding(
    app: &App,
    db: &Path,
) -> (String, licensedesk_e2e::Row) {
    let conn = rusqlite::Connection::open_with_flags(
        organization_as_created(db),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open the organization file");
    let name: String = conn
        .query_row(
            "SELECT u.first_name || ' ' || u.last_name FROM users u JOIN seats s ON s.user_id = u.id
             WHERE u.status = 'active' AND u.extension IS NOT NULL
               AND EXISTS (SELECT 1 FROM phone_numbers n WHERE n.user_id = u.id)
               AND EXISTS (SELECT 1 FROM voicemails v WHERE v.user_id = u.id)
               AND EXISTS (SELECT 1 FROM forwarding_rules r WHERE r.user_id = u.id)
               AND (SELECT count(*) FROM users o
                    WHERE o.first_name = u.first_name AND o.last_name = u.last_name) = 1
             ORDER BY u.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("the demo has such a user");
    let row = app.user_row(&name).await;
    (name, row)
}

/// The "Delete rule: …" buttons of the Call forwarding section: one per rule.
async fn forwarding_rules(app: &App, editor: &Element) -> Vec<String> {
    let mut rules: Vec<String> = app
        .names_of_role("button")
        .await
        .into_iter()
        .filter(|n| n.starts_with("Delete rule: "))
        .collect();
    rules.sort();
    let _ = editor;
    rules
}

/// The voicemails the removal warning counts now (the warning is then dismissed with
/// "Keep license": nothing is removed).
async fn voicemails_now(app: &App, editor: &Element) -> i64 {
    let warning = app.start_removal(editor).await;
    let n = warning.count("voicemail message");
    let keep = app
        .find_by_role_in(&warning.region, "button", "Keep license")
        .await;
    app.click(&keep).await;
    app.wait_until_gone("region", "Warning: data loss").await;
    n
}

#[tokio::test]
async fn a_removed_license_is_restored_from_history_with_voicemails_and_forwarding() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = start_as_super_admin(&db).await;
    let (name, row) = user_with_voicemail_and_forwarding(&app, &db).await;
    let product = row.cell("License").to_string();
    let extension = row.cell("Extension").to_string();
    let number = row.cell("Phone number").to_string();

    // What the user has before: forwarding rules on screen, voicemails in the warning.
    let editor = app.open_user_editor(&name).await;
    app.wait_for_text("Call forwarding").await;
    let rules = forwarding_rules(&app, &editor).await;
    assert!(!rules.is_empty(), "{name} has no forwarding rule");
    let warning = app.start_removal(&editor).await;
    let voicemails = warning.count("voicemail message");
    assert!(
        voicemails > 0,
        "{name} has no voicemail: {:?}",
        warning.items
    );
    eprintln!("e2e: removing {product} from {name}: {voicemails} voicemails, rules {rules:?}");
    let go_on = app
        .find_by_role_in(&warning.region, "button", "Continue")
        .await;
    app.click(&go_on).await;
    app.click_role("button", "Save").await;
    app.confirm_native_dialog("Remove license?").await;
    app.wait_for_message("status", &format!("{product} license removed from {name}."))
        .await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    assert_eq!(app.user_row(&name).await.cell("License"), "No license");

    // History: the archive offers the restore; the preview says what comes back.
    let editor = app.open_user_editor(&name).await;
    app.select_tab(&editor, "History").await;
    let restore = app
        .find_by_role_in(&editor, "button", "Restore license and data")
        .await;
    app.screenshot_if_asked("restore-history").await;
    app.click(&restore).await;
    let preview = app.find_by_role("dialog", "Restore license and data").await;
    app.wait_for_text(&format!("{voicemails} voicemail message"))
        .await;
    app.wait_for_text(&format!("Extension {extension} comes back."))
        .await;
    app.wait_for_text(&format!("Number {number} comes back."))
        .await;
    app.screenshot_if_asked("restore-preview").await;

    // Cancel in the native confirmation changes nothing; Restore restores.
    let go = app.find_by_role_in(&preview, "button", "Restore").await;
    app.wait_enabled(&go).await;
    app.click(&go).await;
    app.cancel_native_dialog(RESTORE_CONFIRMATION).await;
    app.find_by_role("dialog", "Restore license and data").await;
    app.click(&go).await;
    app.confirm_native_dialog(RESTORE_CONFIRMATION).await;
    app.wait_for_message(
        "status",
        &format!("Restored {name}'s {product} license and data."),
    )
    .await;
    app.wait_until_gone("dialog", "Restore license and data")
        .await;
    // Restored once: the button goes from the archive (once History is read again).
    app.wait_until_gone("button", "Restore license and data")
        .await;

    // The forwarding rules and the voicemails are back.
    app.select_tab(&editor, "Services and Permissions").await;
    app.wait_for_text("Call forwarding").await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    assert!(app.selected_option(&license).await.starts_with(&product));
    assert_eq!(forwarding_rules(&app, &editor).await, rules);
    assert_eq!(voicemails_now(&app, &editor).await, voicemails);
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let row = app.user_row(&name).await;
    assert_eq!(row.cell("License"), product);
    assert_eq!(row.cell("Extension"), extension);
    assert_eq!(row.cell("Phone number"), number);
    app.quit().await;
}

#[tokio::test]
async fn an_offboarded_user_is_reactivated_with_license_and_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = start_as_super_admin(&db).await;
    let (name, row) = user_with_voicemail_and_forwarding(&app, &db).await;
    let product = row.cell("License").to_string();

    let editor = app.open_user_editor(&name).await;
    app.offboard_in_editor(&editor, &name).await;
    assert_eq!(app.user_row(&name).await.cell("Status"), "Suspended");

    let editor = app.open_user_editor(&name).await;
    app.select_tab(&editor, "Profile").await;
    let reactivate = app.find_by_role_in(&editor, "button", "Reactivate").await;
    app.screenshot_if_asked("reactivate-button").await;
    app.click(&reactivate).await;
    let preview = app
        .find_by_role("dialog", &format!("Reactivate {name}"))
        .await;
    app.wait_for_text("voicemail message").await;
    app.screenshot_if_asked("reactivate-preview").await;
    reactivate_from_preview(&app, &preview, &name).await;
    assert!(app.try_find_by_role("button", "Reactivate").await.is_none());
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let row = app.user_row(&name).await;
    assert_eq!(row.cell("Status"), "Active");
    assert_eq!(row.cell("License"), product);
    app.quit().await;
}

/// The preview dialog on the demo's recent removal, for the README, in the light and the dark
/// theme (see screenshots.rs). Not part of `make test`:
///
///   LICENSEDESK_BIN=$PWD/target/debug/licensedesk cargo test -p licensedesk-e2e \
///     --test restore -- --ignored --test-threads 1
async fn preview_shot(theme: &str, env: &[(&str, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = App::start_with_env(&db, env).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_text("Signed in as dana.reyes (Super Admin)")
        .await;
    // The demo's recent removal: the user of its first safety archive.
    let name: String = rusqlite::Connection::open_with_flags(
        organization_as_created(&db),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
    .query_row(
        "SELECT u.first_name || ' ' || u.last_name FROM safety_archives a
         JOIN users u ON u.id = a.user_id ORDER BY a.id LIMIT 1",
        [],
        |r| r.get(0),
    )
    .expect("the demo holds a recent removal");
    app.user_row(&name).await;
    let editor = app.open_user_editor(&name).await;
    app.select_tab(&editor, "History").await;
    let restore = app
        .find_by_role_in(&editor, "button", "Restore license and data")
        .await;
    app.click(&restore).await;
    app.find_by_role("dialog", "Restore license and data").await;
    app.wait_for_text("voicemail message").await;
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    app.screenshot(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("screenshots")
            .join(format!("restore-preview-{theme}.png")),
    )
    .await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "writes the README's screenshots; run by hand"]
async fn preview_light() {
    preview_shot("light", &[("GTK_THEME", "Adwaita")]).await;
}

#[tokio::test]
#[ignore = "writes the README's screenshots; run by hand"]
async fn preview_dark() {
    preview_shot("dark", &[("GTK_THEME", "Adwaita:dark")]).await;
}

/// The restore and the reactivation called from a script (not the window's buttons) still ask
/// natively first; Cancel there changes nothing, Restore restores.
#[tokio::test]
async fn restore_and_reactivate_called_from_a_script_still_ask_natively() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = start_as_super_admin(&db).await;
    // The demo's recent removal and its offboarded user: the users of its two archives.
    let archives: Vec<(i64, i64)> = {
        let conn = rusqlite::Connection::open_with_flags(
            organization_as_created(&db),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let mut stmt = conn
            .prepare("SELECT id, user_id FROM safety_archives ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let [(archive, _), (_, leaver)] = archives[..] else {
        panic!("the demo holds two safety archives: {archives:?}");
    };
    let preview = app
        .invoke(
            "restore_preview",
            json!({ "archiveId": archive, "wholeBatch": false }),
        )
        .await
        .expect("a preview");
    let u = &preview["users"][0];
    let request = json!({ "request": {
        "archive_id": archive, "whole_batch": false, "purchase_seats": false,
        "choices": [{ "archive_id": archive, "expected_version": u["expected_version"],
                      "extension": u["extension"]["restored"],
                      "phone_number": u["phone_number"]["restored"] }] } });
    let leaver_user = app
        .invoke("get_user", json!({ "userId": leaver }))
        .await
        .unwrap();
    let leaver_name = format!(
        "{} {}",
        leaver_user["first_name"].as_str().unwrap(),
        leaver_user["last_name"].as_str().unwrap()
    );
    let reactivate = json!({ "request": { "user_id": leaver,
        "expected_version": leaver_user["version"], "restore": null } });

    for (command, args, title) in [
        (
            "restore_from_archive",
            request.clone(),
            RESTORE_CONFIRMATION.to_string(),
        ),
        (
            "reactivate_user",
            reactivate,
            format!("Reactivate {leaver_name}?"),
        ),
    ] {
        let call = app.start_invoke(command, args).await;
        app.native_window(&title).await;
        assert!(
            app.try_invoke_outcome(&call).await.is_none(),
            "{command} finished before {title:?} was answered"
        );
        app.cancel_native_dialog(&title).await;
        let err = app
            .invoke_outcome(&call)
            .await
            .expect_err(&format!("{command} went ahead after Cancel"));
        assert_eq!(err["code"], "cancelled", "{command}: {err}");
    }
    let still = app
        .invoke("get_user", json!({ "userId": leaver }))
        .await
        .unwrap();
    assert_eq!(still["status"], "suspended");
    let listed = app
        .invoke("safety_archives", json!({ "userId": u["user_id"] }))
        .await
        .unwrap();
    assert_eq!(listed[0]["restorable"], true, "{listed}");

    let call = app.start_invoke("restore_from_archive", request).await;
    app.confirm_native_dialog(RESTORE_CONFIRMATION).await;
    let receipt = app.invoke_outcome(&call).await.expect("restored");
    assert!(
        receipt["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Restored "),
        "{receipt}"
    );
    app.quit().await;
}

/// Two licensed, active users with unique names and the products they hold.
fn two_licensed_users(db: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open_with_flags(
        organization_as_created(db),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open the organization file");
    let mut stmt = conn
        .prepare(
            "SELECT u.first_name || ' ' || u.last_name, p.name
             FROM users u JOIN seats s ON s.user_id = u.id JOIN products p ON p.id = s.product_id
             WHERE u.status = 'active' AND p.family = 'voice'
               AND (SELECT count(*) FROM users o
                    WHERE o.first_name = u.first_name AND o.last_name = u.last_name) = 1
             ORDER BY u.id LIMIT 2",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A bulk removal of two users, undone in one step from the first one's History tab.
#[tokio::test]
async fn a_bulk_removal_is_restored_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = start_as_super_admin(&db).await;
    let users = two_licensed_users(&db);
    assert_eq!(users.len(), 2);

    let search = app.find_by_role("searchbox", "Search users").await;
    for (name, _) in &users {
        app.type_into(&search, name).await;
        app.user_row(name).await;
        app.click_role("checkbox", &format!("Select {name}")).await;
    }
    app.wait_for_text("2 selected").await;
    app.type_into(&search, "").await;
    app.click_role("button", "Remove license of selected").await;
    let bulk = app
        .find_by_role("dialog", "Change licenses of 2 users")
        .await;
    let apply = app
        .find_by_role_in(&bulk, "button", "Apply to 2 users")
        .await;
    app.wait_enabled(&apply).await;
    app.click(&apply).await;
    app.confirm_native_dialog("Remove licenses?").await;
    app.wait_until_gone("dialog", "Change licenses of 2 users")
        .await;
    for (name, _) in &users {
        app.type_into(&search, name).await;
        assert_eq!(app.user_row(name).await.cell("License"), "No license");
    }

    // The first user's History restores both: one preview, one confirmation.
    let (first, _) = &users[0];
    app.type_into(&search, first).await;
    let editor = app.open_user_editor(first).await;
    app.select_tab(&editor, "History").await;
    let restore = app
        .find_by_role_in(&editor, "button", "Restore license and data")
        .await;
    app.click(&restore).await;
    let preview = app.find_by_role("dialog", "Restore license and data").await;
    // The whole bulk removal is the default: both users are in the preview.
    app.find_by_role_in(
        &preview,
        "checkbox",
        "Restore the whole bulk removal (2 users)",
    )
    .await;
    app.wait_for_text(&users[1].0).await;
    let go = app.find_by_role_in(&preview, "button", "Restore").await;
    app.wait_enabled(&go).await;
    app.click(&go).await;
    app.confirm_native_dialog(RESTORE_CONFIRMATION).await;
    app.wait_until_gone("dialog", "Restore license and data")
        .await;
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {first}"))
        .await;
    for (name, product) in &users {
        app.type_into(&search, name).await;
        assert_eq!(&app.user_row(name).await.cell("License"), product, "{name}");
    }
    app.quit().await;
}

/// An admin far down the Users list offboards the last user and reactivates them at once:
/// the list, read again (status, license), stays where the admin was, not back at its top.
#[tokio::test]
async fn a_reactivation_far_down_the_list_keeps_the_list_where_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as_super_admin(&dir.path().join("org.sqlite")).await;
    app.open_page("Users").await;
    let (list, name) = app.users_list_at_its_end().await;

    let editor = app.open_user_editor(&name).await;
    app.offboard_in_editor(&editor, &name).await;

    let editor = app.open_user_editor(&name).await;
    let before = app.scroll_top(&list).await;
    assert!(before > 300.0, "the list is at {before} px: not far down");
    app.select_tab(&editor, "Profile").await;
    let reactivate = app.find_by_role_in(&editor, "button", "Reactivate").await;
    app.click(&reactivate).await;
    let preview = app
        .find_by_role("dialog", &format!("Reactivate {name}"))
        .await;
    reactivate_from_preview(&app, &preview, &name).await;
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    // Read again in its place (no search typed: that would start the list anew).
    app.wait_for_table(&USER_COLUMNS, |t| {
        t.rows
            .iter()
            .any(|r| r.buttons.contains(&format!("Edit {name}")) && r.cell("Status") == "Active")
    })
    .await;
    assert_eq!(
        app.scroll_top(&list).await,
        before,
        "the list moved after the reactivation"
    );
    app.quit().await;
}
