//! Checks of the harness itself, independent of the app's pages: sessions
//! start and end cleanly, also in parallel, and the role finder, typing,
//! selects and tables work on a page of known controls put into the window.

use licensedesk_e2e::{group_members, time_cold_start, App};
use serde_json::json;

const FIXTURE: &str = r#"
<nav aria-label="Main"><button>Users</button><button>Licenses</button></nav>
<form id="signin"><label>Account <input type="text"></label></form>
<label for="pw">Password</label><input id="pw" type="password">
<input type="search" aria-label="Search users">
<button disabled>Save</button>
<div style="display:none"><button>Hidden</button></div>
<div role="status" id="status"></div>
<div role="dialog" aria-labelledby="title">
  <h2 id="title">Edit  Olivia
    Johnson</h2>
  <div role="tab">Services and Permissions</div>
  <label for="lic"><span>License</span></label>
  <select id="lic" aria-describedby="why help">
    <option value="none">No license</option>
    <option value="2">Voice Pro (2 available)</option>
  </select>
  <p id="why">Your role Helpdesk does not include Assign and change licenses.</p>
  <p id="help">Ask Dana Reyes.</p>
</div>
<table>
  <thead><tr><th scope="col">Name</th><th scope="col">License</th>
    <th scope="col"><span>Actions</span></th></tr></thead>
  <tbody><tr><th scope="row"><div>Olivia Johnson</div><div>Sales</div></th>
    <td><span>No license</span></td>
    <td><button aria-label="Edit Olivia Johnson">Edit</button></td></tr></tbody>
  <tfoot><tr><th scope="row">Total</th><td>1</td><td></td></tr></tfoot>
</table>
"#;

// A change listener stands in for React's: it proves a change event fired.
const INSTALL: &str = r#"
document.body.innerHTML = arguments[0];
document.getElementById('signin').addEventListener('submit', (e) => {
  e.preventDefault();
  document.getElementById('status').textContent = 'Submitted';
});
document.getElementById('lic').addEventListener('change', (e) => {
  document.getElementById('status').textContent = 'License now ' + e.target.value;
});
"#;

const WINDOW_TITLE: &str = "Maple Street Dental — LicenseDesk (org.sqlite)";

fn gone(groups: &[i32]) -> bool {
    groups.iter().all(|&g| group_members(g).is_empty())
}

#[tokio::test]
async fn finds_types_selects_and_reads_tables() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(dir.path().join("org.sqlite")).await;
    // The window names the organization and its file.
    app.native_window(WINDOW_TITLE).await;
    app.client()
        .execute(INSTALL, vec![json!(FIXTURE)])
        .await
        .unwrap();

    let account = app.find_by_role("textbox", "Account").await;
    app.type_into(&account, "dana.reyes").await;
    app.type_into(&account, "sam").await;
    assert_eq!(app.value(&account).await, "sam");
    // xdotool types into the focused window, as it will answer native dialogs.
    app.native_keys(WINDOW_TITLE, &["x"]).await;
    assert_eq!(app.value(&account).await, "samx");
    app.press_enter(&account).await;
    app.wait_for_message("status", "Submitted").await;
    let password = app.find_by_role("password", "Password").await;
    app.type_into(&password, "super-demo").await;
    app.find_by_role("searchbox", "Search users").await;
    let nav = app.find_any_by_role("navigation").await;
    app.find_by_role_in(&nav, "button", "Licenses").await;
    assert!(app.try_find_by_role("button", "Hidden").await.is_none());
    let save = app.find_by_role("button", "Save").await;
    assert!(app.is_disabled(&save).await);

    let dialog = app.find_by_role("dialog", "Edit Olivia Johnson").await;
    app.find_by_role_in(&dialog, "tab", "Services and Permissions")
        .await;
    let license = app.find_by_role_in(&dialog, "combobox", "License").await;
    assert!(!app.is_disabled(&license).await);
    assert_eq!(
        app.description(&license).await,
        "Your role Helpdesk does not include Assign and change licenses. Ask Dana Reyes."
    );
    app.select_option(&license, "Voice Pro (2 available)").await;
    app.wait_for_message("status", "License now 2").await;
    assert_eq!(
        app.selected_option(&license).await,
        "Voice Pro (2 available)"
    );

    let table = app.table(&["Name", "License"]).await;
    assert_eq!(table.rows.len(), 1, "{table:?}");
    let row = table.row_where("License", "No license").unwrap();
    assert_eq!(row.cell("Name"), "Olivia Johnson Sales");
    assert_eq!(row.buttons, ["Edit Olivia Johnson"]);
    assert!(table.row_with_button("Edit Olivia Johnson").is_some());

    let groups = app.process_groups();
    app.quit().await;
    assert!(gone(&groups), "processes left behind");
}

#[tokio::test]
async fn parallel_sessions_end_without_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = tokio::join!(
        App::start(dir.path().join("a.sqlite")),
        App::start(dir.path().join("b.sqlite"))
    );
    assert_ne!(a.display(), b.display());
    for app in [&a, &b] {
        let answer = app.client().execute("return 6 * 7", vec![]).await;
        assert_eq!(answer.unwrap(), json!(42));
    }
    let groups = [a.process_groups(), b.process_groups()].concat();
    a.quit().await;
    drop(b); // the path a failing test takes
    assert!(gone(&groups), "processes left behind");
}

/// `make bench` times cold starts this way; here it has to work at all (no time is judged).
#[tokio::test]
async fn a_cold_start_is_timed_to_the_sign_in_screen_the_ui_reports_ready() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let ms = tokio::task::spawn_blocking(move || time_cold_start(&db))
        .await
        .unwrap()
        .expect("the app reports its sign-in screen ready");
    assert!(ms.is_finite() && ms > 0.0, "{ms}");
}
