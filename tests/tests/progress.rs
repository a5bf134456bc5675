//! Long work in the real window: a 20,000-row CSV import shows its progress bar, Cancel
//! stops it with nothing imported, and the same import then runs to the end.
//!
//! With LICENSEDESK_SCREENSHOTS=folder it saves the progress view (run it once more with
//! GTK_THEME=Adwaita:dark for the dark theme).

use std::path::Path;

use licensedesk_e2e::App;

const ROWS: usize = 20_000;

/// Saves a screenshot when LICENSEDESK_SCREENSHOTS names a folder (for looking at the UI).
async fn shot(app: &App, name: &str) {
    if let Some(dir) = std::env::var_os("LICENSEDESK_SCREENSHOTS") {
        let theme = match std::env::var("GTK_THEME") {
            Ok(t) if t.ends_with(":dark") => "dark",
            _ => "light",
        };
        app.screenshot(Path::new(&dir).join(format!("{name}-{theme}.png")))
            .await;
    }
}

/// The whole import of 20,000 users in a debug build can take longer than the harness waits.
async fn wait_long_for_status(app: &App, text: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    loop {
        let texts = app.texts_of_role("status").await;
        if texts.iter().any(|t| t.contains(text)) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no status {text:?}; status texts: {texts:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}

/// New users on one site, without licenses: nothing stands in the way of the import.
fn users_csv() -> String {
    let mut csv = String::from("First name,Last name,Email,Department,Site\n");
    for i in 1..=ROWS {
        csv.push_str(&format!(
            "Imported{i},Lindqvist,imported{i}@progress.example,Clinical,Austin\n"
        ));
    }
    csv
}

#[tokio::test]
async fn a_large_import_shows_progress_can_be_cancelled_and_then_completes() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(dir.path().join("org.sqlite")).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_text("40 users").await;
    let csv = dir.path().join("new-staff.csv");
    std::fs::write(&csv, users_csv()).unwrap();

    app.click_role("button", "Import users").await;
    let dialog = app.find_by_role("dialog", "Import users").await;
    let choose = app
        .find_by_role_in(&dialog, "button", "Choose CSV file")
        .await;
    app.click(&choose).await;
    app.answer_open_dialog("Import users", &csv).await;
    let import = app
        .find_by_role_in(&dialog, "button", "Import 20,000 users")
        .await;
    app.wait_enabled(&import).await;

    // Applying 20,000 users takes long enough to show the bar; Cancel undoes all of it.
    app.click(&import).await;
    let view = app
        .find_by_role_in(&dialog, "group", "Importing users")
        .await;
    app.find_by_role_in(&view, "progressbar", "Import progress")
        .await;
    let text = app.texts_in(&dialog, "group").await.join(" ");
    assert!(text.contains(" of 20,000 users"), "{text}");
    shot(&app, "import-progress").await;
    let cancel = app.find_by_role_in(&view, "button", "Cancel").await;
    app.click(&cancel).await;
    app.wait_for_message("status", "Import cancelled: nothing was imported.")
        .await;
    app.wait_until_gone("progressbar", "Import progress").await;

    // Nothing of it is in the organization: the list still has the demo's 40 users.
    let close = app.find_by_role_in(&dialog, "button", "Cancel").await;
    app.click(&close).await;
    app.wait_until_gone("dialog", "Import users").await;
    let search = app.find_by_role("searchbox", "Search users").await;
    app.type_into(&search, "progress.example").await;
    app.wait_for_text("No users match your search and filters.")
        .await;
    app.type_into(&search, "").await;
    app.wait_for_text("40 users").await;

    // The same file again, to the end.
    app.click_role("button", "Import users").await;
    let dialog = app.find_by_role("dialog", "Import users").await;
    let choose = app
        .find_by_role_in(&dialog, "button", "Choose CSV file")
        .await;
    app.click(&choose).await;
    app.answer_open_dialog("Import users", &csv).await;
    let import = app
        .find_by_role_in(&dialog, "button", "Import 20,000 users")
        .await;
    app.wait_enabled(&import).await;
    app.click(&import).await;
    app.find_by_role_in(&dialog, "progressbar", "Import progress")
        .await;
    wait_long_for_status(&app, "Imported: 20,000 users added").await;
    app.wait_until_gone("dialog", "Import users").await;
    app.wait_for_text("20,040 users").await;
    app.quit().await;
}
