//! The README's screenshots in the light and the dark theme (GTK_THEME=Adwaita:dark, which
//! WebKitGTK passes on to the page as prefers-color-scheme: dark). Not part of `make test`:
//!
//!   LICENSEDESK_BIN=$PWD/target/debug/licensedesk cargo test -p licensedesk-e2e \
//!     --test screenshots -- --ignored --test-threads 1
//!
//! writes tests/screenshots/{users,editor,licenses,billing-costs}-{light,dark}.png; look at each before
//! committing it.

use std::path::PathBuf;

use licensedesk_e2e::{App, USER_COLUMNS};

fn out(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("screenshots")
        .join(name)
}

/// Fonts and the first layout (WebDriver's screenshot is of the page, without the menu bar).
async fn settle() {
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
}

async fn shots(theme: &str, env: &[(&str, &str)]) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start_with_env(dir.path().join("org.sqlite"), env).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_table(&USER_COLUMNS, |t| t.rows.len() > 10)
        .await;
    // Settle: fonts and the first layout.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    settle().await;
    app.screenshot(out(&format!("users-{theme}.png"))).await;

    let table = app.users_table().await;
    let name = table
        .rows
        .iter()
        .find(|r| r.cell("License") == "Voice Pro")
        .and_then(|r| r.buttons.iter().find_map(|b| b.strip_prefix("Edit ")))
        .expect("a Voice Pro user")
        .to_string();
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    let essentials = app
        .options(&license)
        .await
        .into_iter()
        .find(|o| o.starts_with("Voice Essentials ("))
        .expect("Voice Essentials offered");
    app.select_option(&license, &essentials).await;
    app.wait_for_text("Pending change: Voice Pro to Voice Essentials")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    settle().await;
    app.screenshot(out(&format!("editor-{theme}.png"))).await;
    // The pending change is unsaved: Cancel asks first.
    app.click_role("button", "Cancel").await;
    app.confirm_native_dialog(&format!("Discard changes to {name}?"))
        .await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;

    app.open_page("Licenses").await;
    app.wait_for_table(&["Product", "Available"], |t| !t.rows.is_empty())
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    settle().await;
    app.screenshot(out(&format!("licenses-{theme}.png"))).await;

    app.open_page("Billing").await;
    app.table(&["Department", "Monthly cost"]).await;
    app.client()
        .execute(
            "document.getElementById('costs-heading').scrollIntoView({ block: 'start' })",
            vec![],
        )
        .await
        .expect("scroll to the cost breakdown");
    settle().await;
    app.screenshot(out(&format!("billing-costs-{theme}.png")))
        .await;
    app.quit().await;
}

#[tokio::test]
#[ignore = "writes the README's screenshots; run by hand"]
async fn light_theme() {
    shots("light", &[("GTK_THEME", "Adwaita")]).await;
}

#[tokio::test]
#[ignore = "writes the README's screenshots; run by hand"]
async fn dark_theme() {
    shots("dark", &[("GTK_THEME", "Adwaita:dark")]).await;
}
