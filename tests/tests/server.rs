//! The window on an organization on a PostgreSQL server (issue 25): File > Move to a Server
//! copies the demo there and opens it, File > Connect to Server (or `LICENSEDESK_DB=
//! postgres://…`) opens it in another window; the address is never shown with its password,
//! and a license assigned through the editor lands in the server's database.

use std::sync::Arc;

use licensedesk_core::base::clock::SystemClock;
use licensedesk_core::Org;
use licensedesk_e2e::{App, LICENSE_COLUMNS};
use licensedesk_pg_cluster::{PgCluster, PASSWORD};

const VOICE_PRO: &str = "Voice Pro";

/// Runs `f` off the test's runtime: the synchronous PostgreSQL client starts one of its own.
fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

/// Voice Pro's seats assigned, as the server's database holds them.
fn assigned_on_server(url: &str) -> i64 {
    let mut org = Org::open_on_server(url, Arc::new(SystemClock)).unwrap();
    let admin = org.sign_in("dana.reyes", "super-demo").unwrap();
    org.license_inventory(licensedesk_core::Actor {
        account_id: admin.account_id,
    })
    .unwrap()
    .into_iter()
    .find(|p| p.name == VOICE_PRO)
    .map(|p| p.assigned)
    .unwrap()
}

/// Types `address` into the server dialog `title` and presses its button `button`.
async fn answer_server_dialog(app: &App, title: &str, address: &str, button: &str) {
    let dialog = app.find_by_role("dialog", title).await;
    let field = app
        .find_by_role_in(&dialog, "textbox", "Server address")
        .await;
    app.type_into(&field, address).await;
    let press = app.find_by_role_in(&dialog, "button", button).await;
    app.click(&press).await;
}

#[tokio::test]
async fn an_organization_moved_to_a_server_is_worked_on_there() {
    let cluster = PgCluster::start();
    let url = blocking(|| cluster.new_database());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("org.sqlite");

    let app = App::start(&file).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_text("Signed in as dana.reyes (Super Admin)")
        .await;
    let before = app.license_counts(VOICE_PRO).await;
    let entries_in_file = || {
        let conn = rusqlite::Connection::open_with_flags(
            &file,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        conn.query_row("SELECT count(*), max(id) FROM audit_log", [], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .unwrap()
    };
    let file_log = entries_in_file();

    // A mistyped address is named under the field, and nothing moves.
    app.main_window_key("ctrl+shift+m").await;
    answer_server_dialog(&app, "Move to a server", "db.example.com/office", "Move").await;
    app.wait_for_text("a server address starts with postgres://")
        .await;
    app.screenshot_if_asked("server-dialog-mistake").await;
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", "Move to a server").await;

    app.main_window_key("ctrl+shift+m").await;
    answer_server_dialog(&app, "Move to a server", &url, "Move").await;
    app.wait_for_text("audit entries, each table checked against the file")
        .await;
    app.screenshot_if_asked("server-moved").await;
    assert_eq!(entries_in_file(), file_log, "the file is left as it was");
    let title = app.window_title().await;
    assert!(
        title.contains("LicenseDesk (licensedesk_admin@") && !title.contains(PASSWORD),
        "the title names the server, never its password: {title}"
    );
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_text("Signed in as dana.reyes (Super Admin)")
        .await;
    assert_eq!(app.license_counts(VOICE_PRO).await, before);
    let assigned = blocking(|| assigned_on_server(&url));

    let name = app.unlicensed_user().await;
    let last_name = name.rsplit(' ').next().unwrap_or(&name).to_owned();
    let found = app.search_users(&last_name).await;
    assert!(found.row_with_button(&format!("Edit {name}")).is_some());
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    let option = format!("{VOICE_PRO} ({} available)", before.available);
    app.select_option(&license, &option).await;
    app.click_role("button", "Save").await;
    app.wait_for_message("status", &format!("{VOICE_PRO} assigned to {name}."))
        .await;
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    // Backups of a server are the server's own: the page says so, naming the server.
    app.open_page("Settings").await;
    app.wait_for_text("its backups are the server's own").await;
    app.screenshot_if_asked("server-settings").await;
    app.quit().await;

    assert_eq!(
        blocking(|| assigned_on_server(&url)),
        assigned + 1,
        "the assignment is in the server's database"
    );

    // Another admin's window, opened on the server's address, sees it.
    let other = App::start(&url).await;
    other.sign_in("dana.reyes", "super-demo").await;
    assert_eq!(
        other.license_counts(VOICE_PRO).await.assigned,
        before.assigned + 1
    );
    other.quit().await;
}

/// The demo organization moved from a new file to a new database of `cluster`; its address.
fn demo_on_a_server(cluster: &PgCluster) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut file = Org::open_with_system_clock(&dir.path().join("demo.sqlite")).unwrap();
    let admin = file.sign_in("dana.reyes", "super-demo").unwrap();
    let url = cluster.new_database();
    let actor = licensedesk_core::Actor {
        account_id: admin.account_id,
    };
    file.move_to_server(actor, &url).unwrap();
    url
}

#[tokio::test]
async fn another_admins_change_shows_in_an_open_window_by_itself() {
    let cluster = PgCluster::start();
    let url = blocking(|| demo_on_a_server(&cluster));
    let (first, second) = (App::start(&url).await, App::start(&url).await);
    first.sign_in("dana.reyes", "super-demo").await;
    second.sign_in("sam.okafor", "it-demo").await;
    second
        .wait_for_text("Signed in as sam.okafor (IT Admin)")
        .await;
    let before = second.license_counts(VOICE_PRO).await;

    // The first admin assigns a license; the second does nothing but look.
    let name = first.unlicensed_user().await;
    let editor = first.open_user_editor(&name).await;
    let license = first.find_by_role_in(&editor, "combobox", "License").await;
    let option = format!("{VOICE_PRO} ({} available)", before.available);
    first.select_option(&license, &option).await;
    first.click_role("button", "Save").await;
    first
        .wait_for_message("status", &format!("{VOICE_PRO} assigned to {name}."))
        .await;
    let saved = std::time::Instant::now();
    let assigned = (before.assigned + 1).to_string();
    second
        .wait_for_table(&LICENSE_COLUMNS, |t| {
            t.row_where("Product", VOICE_PRO)
                .is_some_and(|r| r.cell("Assigned") == assigned)
        })
        .await;
    eprintln!(
        "e2e: the other window showed the assignment {:?} after the save",
        saved.elapsed()
    );
    first.quit().await;
    second.quit().await;
}
