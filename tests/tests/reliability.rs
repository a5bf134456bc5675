//! Reliability in the window: backups listed and restored from the Settings page behind a
//! native confirmation; a mutating command called over IPC before sign-in is refused; a
//! hostile name is shown as text, never run.

use licensedesk_e2e::App;
use serde_json::json;

#[tokio::test]
async fn mutating_commands_before_sign_in_are_refused_and_a_hostile_name_is_text() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(dir.path().join("org.sqlite")).await;
    app.find_by_role_within("textbox", "Account", licensedesk_e2e::START_TIMEOUT)
        .await;

    let hostile = "<img src=x onerror=\"document.title='pwned'\">";
    let attempts = [
        (
            "create_account",
            json!({ "account": { "login": "intruder", "display_name": hostile,
                                 "role": "Super Admin", "password": "Intruder-2026!" } }),
        ),
        (
            "assign_license",
            json!({ "request": { "user_id": 1, "product_id": 1, "expected_version": 1 } }),
        ),
        (
            "remove_license",
            json!({ "request": { "user_id": 1, "expected_version": 1 } }),
        ),
        ("withdraw_cancellation", json!({ "requestId": 1 })),
        (
            "reset_password",
            json!({ "accountId": 1, "password": "Intruder-2026!" }),
        ),
        ("back_up_now", json!({})),
        ("restore_backup", json!({ "fileName": "x.sqlite" })),
    ];
    for (command, args) in attempts {
        let err = app
            .invoke(command, args)
            .await
            .expect_err(&format!("{command} ran before sign-in"));
        assert_eq!(err["code"], "not_signed_in", "{command}: {err}");
    }

    app.sign_in("dana.reyes", "super-demo").await;
    // Nothing of the attempts happened: no intruder account.
    let accounts = app.invoke("accounts", json!({})).await.unwrap();
    assert!(!accounts.to_string().contains("intruder"), "{accounts}");

    // Signed in, the same name is stored as given and shown as text.
    let created = app
        .invoke(
            "create_account",
            json!({ "account": { "login": "odd.name", "display_name": hostile,
                             "role": "Auditor", "password": "Odd-name-2026!" } }),
        )
        .await
        .unwrap();
    assert_eq!(created["display_name"], hostile);
    app.open_page("Admin accounts").await;
    app.wait_for_text(hostile).await;
    let page = app
        .client()
        .execute(
            // The app's own brand mark is an image; the name's would have an onerror handler.
            "return { images: document.querySelectorAll('img[onerror], img[src=\"x\"]').length, title: document.title };",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(page["images"], 0, "{page}");
    assert_eq!(page["title"], "LicenseDesk", "{page}");
    app.quit().await;
}

#[tokio::test]
async fn settings_lists_backups_and_restores_one_after_native_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = App::start(&db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.open_page("Settings").await;
    app.wait_for_text(&db.display().to_string()).await;
    let columns = ["Taken", "Kind", "Size", "File"];
    // The first start took the daily backup.
    let table = app.wait_for_table(&columns, |t| t.rows.len() == 1).await;
    assert_eq!(table.rows[0].cell("Kind"), "Daily");

    app.click_role("button", "Back up now").await;
    app.wait_for_message("status", "taken").await;
    let table = app.wait_for_table(&columns, |t| t.rows.len() == 2).await;
    let manual = table
        .row_where("Kind", "Backed up by hand")
        .expect("the manual backup is listed")
        .clone();
    assert!(dir
        .path()
        .join("org-backups")
        .join(manual.cell("File"))
        .is_file());

    // A change made after the backup.
    app.invoke(
        "create_account",
        json!({ "account": { "login": "after.backup", "display_name": "After Backup",
                             "role": "Auditor", "password": "After-backup-2026" } }),
    )
    .await
    .unwrap();
    let restore = format!("Restore backup {}", manual.cell("Taken"));

    // Cancelled in the native dialog: nothing changes.
    app.click_role("button", &restore).await;
    app.cancel_native_dialog("Restore backup?").await;
    let accounts = app.invoke("accounts", json!({})).await.unwrap();
    assert!(accounts.to_string().contains("after.backup"));

    // Confirmed: the organization is as it was at the backup, and the page says so.
    app.click_role("button", &restore).await;
    app.confirm_native_dialog("Restore backup?").await;
    app.wait_for_message("status", "Restored the backup taken")
        .await;
    let accounts = app.invoke("accounts", json!({})).await.unwrap();
    assert!(!accounts.to_string().contains("after.backup"), "{accounts}");
    // The state before the restore was itself backed up.
    let table = app.wait_for_table(&columns, |t| t.rows.len() == 3).await;
    assert!(table.row_where("Kind", "Before a restore").is_some());

    // The restore is in the audit log of the restored organization.
    app.open_page("Audit log").await;
    app.wait_for_text("Backup restore").await;
    app.quit().await;
}
