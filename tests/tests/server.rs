//! The window on an organization on a PostgreSQL server (issue 25): File > Move to a Server
//! copies the demo there and opens it, File > Connect to Server (or `LICENSEDESK_DB=
//! postgres://…`) opens it in another window; the address is never shown with its password,
//! and a license assigned through the editor lands in the server's database.

use std::sync::Arc;

use licensedesk_core::base::clock::SystemClock;
use licensedesk_core::Org;
use licensedesk_e2e::{blocking, demo_on_a_server, App, LICENSE_COLUMNS};
use licensedesk_pg_cluster::{PgCluster, PASSWORD};

const VOICE_PRO: &str = "Voice Pro";

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
    app.assign_in_editor(&name, VOICE_PRO, before.available)
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

#[tokio::test]
async fn another_admins_change_shows_in_an_open_window_by_itself() {
    let cluster = PgCluster::start();
    let url = demo_on_a_server(&cluster);
    let (first, second) = (App::start(&url).await, App::start(&url).await);
    first.sign_in("dana.reyes", "super-demo").await;
    second.sign_in("sam.okafor", "it-demo").await;
    second
        .wait_for_text("Signed in as sam.okafor (IT Admin)")
        .await;
    let before = second.license_counts(VOICE_PRO).await;

    // The first admin assigns a license; the second does nothing but look.
    let name = first.unlicensed_user().await;
    first
        .assign_in_editor(&name, VOICE_PRO, before.available)
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

/// The server goes down under an open editor: the window says so, locks what would change
/// the organization (with why, and Cancel still works), and once the server is back it
/// unlocks by itself and a change goes through.
#[tokio::test]
async fn while_the_server_cannot_be_reached_the_window_is_read_only() {
    let cluster = PgCluster::start();
    let url = demo_on_a_server(&cluster);
    let app = App::start(&url).await;
    app.sign_in("dana.reyes", "super-demo").await;
    let before = app.license_counts(VOICE_PRO).await;
    let name = app.unlicensed_user().await;
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    assert!(!app.is_disabled(&license).await);

    blocking(|| cluster.stop());
    app.wait_for_text("The server cannot be reached").await;
    let deadline = std::time::Instant::now() + licensedesk_e2e::TIMEOUT;
    while !app.is_disabled(&license).await {
        assert!(
            std::time::Instant::now() < deadline,
            "License stays enabled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    let why = app.description(&license).await;
    assert!(
        why.contains("nothing can be changed until it answers again"),
        "{why}"
    );
    app.screenshot_if_asked("server-unreachable-editor").await;
    let cancel = app.find_by_role_in(&editor, "button", "Cancel").await;
    app.click(&cancel).await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    app.screenshot_if_asked("server-unreachable-users").await;

    blocking(|| cluster.start_again());
    let deadline = std::time::Instant::now() + licensedesk_e2e::TIMEOUT;
    while app
        .page_text()
        .await
        .contains("The server cannot be reached")
    {
        assert!(std::time::Instant::now() < deadline, "the banner stays");
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    app.assign_in_editor(&name, VOICE_PRO, before.available)
        .await;
    app.quit().await;
}
