//! A crafted organization file opened in the real window: its safety archive rows point
//! outside the organization's folder (absolute paths, `..`, a separator, an archive folder
//! that is a symbolic link). After the start, a sign-in and a look at the user's history,
//! a sentinel tree outside the file's folder is exactly as it was, and the window names each
//! refused archive. A file whose rows break a rule has them named right after the sign-in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use licensedesk_e2e::{App, START_TIMEOUT};

/// Every entry under `root`: a file's bytes, a link's target, or a folder.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, String> {
    let mut seen = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let what = if meta.is_symlink() {
                format!("link to {:?}", std::fs::read_link(&path).unwrap())
            } else if meta.is_dir() {
                todo.push(path.clone());
                "folder".to_string()
            } else {
                format!("{:?}", std::fs::read(&path).unwrap())
            };
            seen.insert(path, what);
        }
    }
    seen
}

#[tokio::test]
async fn hostile_archive_paths_touch_nothing_outside_and_are_named_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("org");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("org.sqlite");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(outside.join("autostart")).unwrap();
    std::fs::write(outside.join("victim.zip"), b"do not delete").unwrap();
    std::fs::write(
        outside.join("autostart/existing.desktop"),
        b"[Desktop Entry]",
    )
    .unwrap();

    // The demo organization, written by LicenseDesk itself.
    let app = App::start(&db).await;
    app.find_by_role_within("textbox", "Account", START_TIMEOUT)
        .await;
    app.quit().await;

    // Then changed by another program.
    let out = |rel: &str| outside.join(rel).display().to_string();
    let hostile = [
        (out("victim.zip"), true),
        (out("autostart/evil.desktop"), false),
        ("../../outside/victim.zip".to_string(), true),
        ("sub/evil.zip".to_string(), false),
        ("linked.zip".to_string(), false),
    ];
    // The demo's own archives (its recent removal and offboarding) are in that folder: it is
    // replaced by a link.
    let _ = std::fs::remove_dir_all(folder.join("org-safety-archives"));
    std::os::unix::fs::symlink(
        outside.join("autostart"),
        folder.join("org-safety-archives"),
    )
    .unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (first, last): (String, String) = conn
        .query_row(
            "SELECT first_name, last_name FROM users ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    for (path, expired) in &hostile {
        let expires = if *expired {
            "2000-01-01T00:00:00.000Z"
        } else {
            "2999-01-01T00:00:00.000Z"
        };
        conn.execute(
            "INSERT INTO safety_archives (user_id, path, sha256, created_at, expires_at, zip)
             VALUES ((SELECT min(id) FROM users), ?1, 'x', '2026-01-01T00:00:00.000Z', ?2,
                     x'504b0506')",
            rusqlite::params![path, expires],
        )
        .unwrap();
    }
    drop(conn);
    let before = snapshot(&outside);

    // Opened in the window, signed in to, and the user's history looked at.
    let app = App::start(&db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    let name = format!("{first} {last}");
    app.search_users(&name).await;
    let editor = app.open_user_editor(&name).await;
    app.select_tab(&editor, "History").await;
    // A plain name is refused because its folder is a symbolic link; the others by themselves.
    for (path, _) in hostile.iter().filter(|(p, _)| p != "linked.zip") {
        app.wait_for_text(&format!(
            "the safety archive recorded as {path:?} is ignored"
        ))
        .await;
    }
    app.wait_for_text("org-safety-archives is a symbolic link; LicenseDesk does not follow it")
        .await;
    app.screenshot_if_asked("hostile-archive-paths").await;
    app.quit().await;

    assert_eq!(
        snapshot(&outside),
        before,
        "something outside the organization's folder changed"
    );
}

/// A file another program changed with its constraints switched off: the window names the
/// rule and the rows right after the sign-in, before anyone asks for Verify integrity.
#[tokio::test]
async fn rows_that_break_a_rule_are_named_after_the_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = App::start(&db).await;
    app.find_by_role_within("textbox", "Account", START_TIMEOUT)
        .await;
    app.quit().await;

    let conn = rusqlite::Connection::open(&db).unwrap();
    let order: i64 = conn
        .query_row("SELECT min(id) FROM orders", [], |r| r.get(0))
        .unwrap();
    conn.execute_batch(&format!(
        "PRAGMA ignore_check_constraints = ON; UPDATE orders SET quantity = -5 WHERE id = {order}"
    ))
    .unwrap();
    drop(conn);

    let app = App::start(&db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    let title = "This organization file was changed outside LicenseDesk";
    app.find_by_role("alert", title).await;
    app.wait_for_text(&format!(
        "an order's quantity must be more than 0 and its price not negative): order {order}."
    ))
    .await;
    app.screenshot_if_asked("file-problems-after-sign-in").await;
    app.click_role("button", "Dismiss").await;
    app.wait_until_gone("alert", title).await;
    app.quit().await;
}
