//! Every destructive command asks its own native confirmation: a script in the page that
//! calls the command directly, past the UI's buttons, still meets the dialog; Cancel there
//! changes nothing and is reported as `cancelled` (or as nothing done) rather than a failure.

use licensedesk_e2e::{on_server, App};
use serde_json::{json, Value};

/// Everything a destructive command could change, as the commands themselves report it.
async fn state(app: &App, user_id: i64) -> Vec<Value> {
    let mut seen = Vec::new();
    for (command, args) in [
        ("get_user", json!({ "userId": user_id })),
        ("license_inventory", json!({})),
        ("billing_history", json!({})),
        ("backups", json!({})),
        ("accounts", json!({})),
    ] {
        let value = app
            .invoke(command, args)
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"));
        seen.push(value);
    }
    seen
}

/// A licensed user and a product of another license type with a free seat.
async fn user_and_other_type(app: &App) -> (Value, Value) {
    let query = json!({ "query": { "search": "", "license": { "kind": "any" }, "status": null,
                                   "after": null, "limit": 200 } });
    let page = app.invoke("search_users", query).await.unwrap();
    let products = app.invoke("license_inventory", json!({})).await.unwrap();
    let products = products.as_array().unwrap();
    for user in page["users"].as_array().unwrap() {
        let Some(family) = user["license"]["family"].as_str() else {
            continue;
        };
        if let Some(other) = products
            .iter()
            .find(|p| p["family"] != family && p["available"].as_i64() > Some(0))
        {
            return (user.clone(), other.clone());
        }
    }
    panic!("no licensed user with a free seat of another type in {products:?}");
}

/// Calls `command` from the page, sees its native dialog `title` appear while the command
/// waits for it, and answers Cancel; the command's outcome.
async fn cancelled_in_dialog(
    app: &App,
    command: &str,
    args: Value,
    title: &str,
) -> Result<Value, Value> {
    eprintln!("e2e: {command} from a script, then Cancel in {title:?}");
    let call = app.start_invoke(command, args).await;
    app.native_window(title).await;
    assert!(
        app.try_invoke_outcome(&call).await.is_none(),
        "{command} finished before {title:?} was answered"
    );
    app.screen_shot_if_asked(&format!("script-{command}")).await;
    app.cancel_native_dialog(title).await;
    app.invoke_outcome(&call).await
}

#[tokio::test]
async fn destructive_commands_called_from_a_script_still_ask_natively() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(dir.path().join("org.sqlite")).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_text("Signed in as dana.reyes (Super Admin)")
        .await;

    let (user, other) = user_and_other_type(&app).await;
    let user_id = user["id"].as_i64().unwrap();
    let name = format!(
        "{} {}",
        user["first_name"].as_str().unwrap(),
        user["last_name"].as_str().unwrap()
    );
    let version = user["version"].clone();
    let held = user["license"]["product_id"].clone();
    // A file keeps backups beside it; a server's are pg_dump's (README), none to restore here.
    let backup = if on_server() {
        None
    } else {
        let newest =
            app.invoke("backups", json!({})).await.unwrap()["backups"][0]["file_name"].clone();
        assert!(newest.is_string(), "no backup to restore");
        Some(newest)
    };
    let before = state(&app, user_id).await;

    let refused = [
        (
            "remove_license",
            json!({ "request": { "user_id": user_id, "expected_version": version } }),
            "Remove license?".to_string(),
        ),
        (
            "change_license",
            json!({ "request": { "user_id": user_id, "product_id": other["product_id"],
                                 "expected_version": version,
                                 "also_request_cancellation": true } }),
            "Change license type?".to_string(),
        ),
        (
            "bulk_apply",
            json!({ "req": { "user_ids": [user_id], "action": { "kind": "remove" } } }),
            "Remove licenses?".to_string(),
        ),
        (
            "bulk_apply",
            json!({ "req": { "user_ids": [user_id],
                             "action": { "kind": "change", "product_id": other["product_id"] } } }),
            "Change license type?".to_string(),
        ),
        (
            "offboard_user",
            json!({ "req": { "user_id": user_id, "expected_version": version } }),
            format!("Offboard {name}?"),
        ),
    ];
    for (command, args, title) in refused {
        let err = cancelled_in_dialog(&app, command, args, &title)
            .await
            .expect_err(&format!("{command} went ahead after Cancel"));
        assert_eq!(err["code"], "cancelled", "{command}: {err}");
    }
    // These three asked natively before; Cancel there is "nothing done" (null).
    let mut asked = vec![
        (
            "purchase_licenses",
            json!({ "request": { "product_id": held, "quantity": "3" } }),
            "Purchase licenses?",
        ),
        (
            "request_cancellation",
            json!({ "request": { "product_id": other["product_id"], "quantity": "1" } }),
            "Request cancellation?",
        ),
    ];
    if let Some(backup) = backup {
        asked.push((
            "restore_backup",
            json!({ "fileName": backup }),
            "Restore backup?",
        ));
    }
    for (command, args, title) in asked {
        let done = cancelled_in_dialog(&app, command, args, title).await;
        assert_eq!(done, Ok(Value::Null), "{command}");
    }
    assert_eq!(
        state(&app, user_id).await,
        before,
        "a cancelled command changed something"
    );

    // The dialog is what stands between a script and the deletion: answered Continue, the
    // same call removes the license.
    let call = app
        .start_invoke(
            "remove_license",
            json!({ "request": { "user_id": user_id, "expected_version": version } }),
        )
        .await;
    app.confirm_native_dialog("Remove license?").await;
    let receipt = app.invoke_outcome(&call).await.expect("removed");
    assert!(receipt["user"]["license"].is_null(), "{receipt}");
    app.quit().await;
}
