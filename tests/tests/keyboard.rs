//! Keyboard only: an administrator who never touches the mouse finds a user with the search
//! shortcut, opens the editor, changes the license within its type and saves, with WebDriver
//! key actions alone (no click, no element targeted). Every control passed on the way shows
//! a visible focus ring.

use licensedesk_e2e::{App, Key, USER_COLUMNS};

const VOICE_PRO: &str = "Voice Pro";
const VOICE_ESSENTIALS: &str = "Voice Essentials";

/// A Voice Pro user whose last name no other user shares: (first last, last).
async fn voice_pro_user(app: &App) -> (String, String) {
    let table = app
        .wait_for_table(&USER_COLUMNS, |t| {
            t.rows.iter().any(|r| r.cell("License") == VOICE_PRO)
        })
        .await;
    let names: Vec<String> = table
        .rows
        .iter()
        .filter_map(|r| {
            r.buttons
                .iter()
                .find_map(|b| b.strip_prefix("Edit "))
                .map(String::from)
        })
        .collect();
    let last = |n: &str| n.rsplit(' ').next().unwrap_or(n).to_string();
    table
        .rows
        .iter()
        .filter(|r| r.cell("License") == VOICE_PRO)
        .filter_map(|r| {
            r.buttons
                .iter()
                .find_map(|b| b.strip_prefix("Edit "))
                .map(String::from)
        })
        .find(|n| names.iter().filter(|m| last(m) == last(n)).count() == 1)
        .map(|n| {
            let l = last(&n);
            (n, l)
        })
        .expect("a Voice Pro user with a last name of their own")
}

#[tokio::test]
async fn change_a_license_without_a_click() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(dir.path().join("org.sqlite")).await;

    // Sign in: the Account field has focus on start.
    app.wait_focused("textbox", "Account").await;
    app.type_text("dana.reyes").await;
    app.tab_to("password", "Password", 1).await;
    app.type_text("super-demo").await;
    app.press(&[], Key::Enter).await;
    app.wait_for_text("Signed in as dana.reyes (Super Admin)")
        .await;

    let (name, last) = voice_pro_user(&app).await;
    eprintln!("e2e: {name} moves from {VOICE_PRO} to {VOICE_ESSENTIALS} by keyboard");

    // Away to Licenses (Ctrl+2), then Ctrl+F: back on Users with the search box focused.
    app.press(&[Key::Control], '2').await;
    app.wait_for_table(&["Product", "Family", "Available"], |t| !t.rows.is_empty())
        .await;
    app.press(&[Key::Control], 'f').await;
    let search = app.wait_focused("searchbox", "Search users").await;
    assert!(search.ring, "the search box shows no focus ring");
    app.type_text(&last).await;
    app.wait_for_table(&USER_COLUMNS, |t| {
        !t.rows.is_empty() && t.rows.iter().all(|r| r.mentions(&last))
    })
    .await;

    // Tab to "Edit <First Last>", Enter opens the editor.
    app.tab_to("button", &format!("Edit {name}"), 12).await;
    app.press(&[], Key::Enter).await;
    app.find_by_role("dialog", &format!("Edit {name}")).await;

    // Tab to the "Services and Permissions" tab and open it.
    app.tab_to("tab", "Services and Permissions", 6).await;
    app.press(&[], Key::Enter).await;
    let tab = app.find_by_role("tab", "Services and Permissions").await;
    assert_eq!(
        tab.attr("aria-selected").await.unwrap().as_deref(),
        Some("true")
    );

    // Tab to "License"; Voice Essentials is the option above Voice Pro (products are listed
    // by type, then price): one Up arrow chooses it.
    let combo = app.tab_to("combobox", "License", 6).await;
    assert!(combo.ring);
    let license = app.find_by_role("combobox", "License").await;
    assert!(
        app.selected_option(&license)
            .await
            .starts_with(&format!("{VOICE_PRO} (")),
        "License does not show {VOICE_PRO}"
    );
    let options = app.options(&license).await;
    let at = |p: &str| {
        options
            .iter()
            .position(|o| o.starts_with(&format!("{p} (")))
    };
    assert_eq!(
        at(VOICE_ESSENTIALS).map(|i| i + 1),
        at(VOICE_PRO),
        "{VOICE_ESSENTIALS} is not right above {VOICE_PRO}: {options:?}"
    );
    app.press(&[], Key::Up).await;
    app.wait_for_text(&format!(
        "Pending change: {VOICE_PRO} to {VOICE_ESSENTIALS}, same license type."
    ))
    .await;
    assert!(app
        .selected_option(&license)
        .await
        .starts_with(&format!("{VOICE_ESSENTIALS} (")));

    // Focus stays on License while the change is previewed; Tab on to Save (past the setup
    // sections, which stay editable during a change), Enter.
    app.wait_focused("combobox", "License").await;
    app.tab_to("button", "Save", 60).await;
    app.press(&[], Key::Enter).await;

    let done = app
        .wait_for_message("status", &format!("{name} moved from "))
        .await;
    assert_eq!(
        done,
        format!(
            "{name} moved from {VOICE_PRO} to {VOICE_ESSENTIALS}; number, extension, \
             voicemail, forwarding, devices and history are kept."
        )
    );
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let table = app
        .wait_for_table(&USER_COLUMNS, |t| {
            t.row_with_button(&format!("Edit {name}"))
                .is_some_and(|r| r.cell("License") == VOICE_ESSENTIALS)
        })
        .await;
    let row = table.row_with_button(&format!("Edit {name}")).unwrap();
    assert_eq!(row.cell("License"), VOICE_ESSENTIALS);
    app.quit().await;
}
