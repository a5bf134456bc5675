//! The app as a desktop program: the menu's accelerators reach the page through GTK (keys sent
//! to the X window with xdotool, as a keyboard would), Help > About names the version, the
//! organization file and the schema, and the window opens again where and as large as it was.

use std::path::Path;
use std::time::Duration;

use licensedesk_e2e::{on_server, shown_place, App, LICENSE_COLUMNS};
use tokio::time::sleep;

#[tokio::test]
async fn menu_accelerators_and_about() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = App::start(&db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.find_by_role("searchbox", "Search users").await;

    // View > Licenses is Ctrl+2.
    app.main_window_key("ctrl+2").await;
    app.wait_for_table(&LICENSE_COLUMNS, |t| !t.rows.is_empty())
        .await;

    // Help > Keyboard shortcuts is F1; it lists the shortcuts and closes with Esc.
    app.main_window_key("F1").await;
    let dialog = app.find_by_role("dialog", "Keyboard shortcuts").await;
    let text = app.texts_in(&dialog, "row").await.join(" | ");
    for listed in ["Ctrl+F", "Ctrl+S", "Esc", "Ctrl+Page Down", "Ctrl+Page Up"] {
        assert!(text.contains(listed), "{listed} is not listed: {text}");
    }
    app.main_window_key("Escape").await;
    app.wait_until_gone("dialog", "Keyboard shortcuts").await;

    // Help > About through the menu bar: F10 opens File; Left wraps round to Help, whose last
    // item is About.
    app.main_window_key("F10").await;
    sleep(Duration::from_millis(300)).await;
    app.main_window_key("Left").await;
    sleep(Duration::from_millis(300)).await;
    app.main_window_key("Up").await;
    sleep(Duration::from_millis(200)).await;
    app.main_window_key("Return").await;
    let about = app.find_by_role("dialog", "About LicenseDesk").await;
    app.wait_for_text(&shown_place(&db)).await;
    let place = if on_server() {
        "Server"
    } else {
        "Organization file"
    };
    let terms = app.texts_in(&about, "term").await;
    assert!(terms.iter().any(|t| t == place), "About says {terms:?}");
    app.screenshot_if_asked("about").await;
    app.wait_for_text(&format!("LicenseDesk {}", env!("CARGO_PKG_VERSION")))
        .await;
    app.wait_for_text("Database schema").await;
    app.wait_for_text("Open-source components").await;
    app.wait_for_text("tauri").await;
    app.click_role("button", "Close").await;
    app.wait_until_gone("dialog", "About LicenseDesk").await;
    app.quit().await;
}

#[tokio::test]
async fn window_opens_where_it_was_closed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let config = dir.path().join("config");
    let config = config.to_str().unwrap();
    let env = [("XDG_CONFIG_HOME", config)];

    let app = App::start_with_env(&db, &env).await;
    app.find_by_role_within("textbox", "Account", licensedesk_e2e::START_TIMEOUT)
        .await;
    app.client()
        .set_window_rect(60, 40, 1000, 700)
        .await
        .expect("set window rect");
    sleep(Duration::from_millis(500)).await;
    let placed = app.client().get_window_rect().await.expect("window rect");
    eprintln!("e2e: window placed at {placed:?}");
    // Quit as a person does (File > Quit, Ctrl+Q): the app saves where its window is.
    let saved = Path::new(config).join("com.licensedesk.app/.window-state.json");
    app.main_window_key("ctrl+q").await;
    for _ in 0..100 {
        if saved.is_file() {
            break;
        }
        sleep(Duration::from_millis(100)).await;
    }
    assert!(saved.is_file(), "no window state in {}", saved.display());
    app.quit().await;

    let app = App::start_with_env(&db, &env).await;
    app.find_by_role_within("textbox", "Account", licensedesk_e2e::START_TIMEOUT)
        .await;
    let again = app.client().get_window_rect().await.expect("window rect");
    assert_eq!(again, placed, "the window did not open where it was closed");
    app.quit().await;
}
