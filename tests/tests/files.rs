//! Several organizations in separate files, switched in the running window: File > New (Ctrl+N)
//! creates an empty file and shows the first-run screen, File > Open (Ctrl+O) opens another file
//! at the sign-in, and the window title always names the open file. A file that cannot be
//! opened shows what to do: open another file, create a new organization, or restore one of
//! its backups without the damaged file being changed.

use std::path::{Path, PathBuf};

use licensedesk_e2e::App;

async fn set_up_acme(app: &App) {
    app.click_role("button", "Set up my organization").await;
    let form = app.find_any_by_role("form").await;
    for (role, name, value) in [
        ("textbox", "Organization name", "Acme Dental"),
        ("spinbutton", "Billing day", "1"),
        ("spinbutton", "Notice period", "30"),
        ("textbox", "Sites", "Main office"),
        ("textbox", "Your name", "Pat Morgan"),
        ("textbox", "Account", "pat"),
        ("password", "Password", "acme-dental-2026"),
        ("textbox", "Product 1 name", "Voice Standard"),
        ("textbox", "Product 1 price", "20.00"),
        ("spinbutton", "Product 1 seats", "10"),
    ] {
        let input = app.find_by_role_in(&form, role, name).await;
        app.type_into(&input, value).await;
    }
    let create = app
        .find_by_role_in(&form, "button", "Create organization")
        .await;
    app.click(&create).await;
    app.wait_for_text("Signed in as pat (Super Admin)").await;
}

/// The failure screen of `path` with the actions every failure offers.
async fn failure_screen(app: &App, path: &Path) {
    app.find_by_role("heading", "This organization file cannot be opened")
        .await;
    app.wait_for_text(&path.display().to_string()).await;
    for action in ["Open another file…", "Create a new organization…"] {
        app.find_by_role("button", action).await;
    }
}

#[tokio::test]
async fn new_and_open_switch_the_window_between_organization_files() {
    let dir = tempfile::tempdir().unwrap();
    let maple = dir.path().join("maple.sqlite");
    let acme = dir.path().join("acme.sqlite");
    let app = App::start_with_env(&maple, &[("GTK_THEME", "Adwaita")]).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_window_title("Maple Street Dental — LicenseDesk (maple.sqlite)")
        .await;

    // File > Export users…, by keyboard: F10 opens File, Up goes to Quit, then Export users.
    let csv = dir.path().join("maple-users.csv");
    for key in ["F10", "Up", "Up", "Return"] {
        app.main_window_key(key).await;
    }
    app.answer_save_dialog("Export users", &csv).await;
    app.wait_for_message("status", "40 users exported to").await;
    assert!(std::fs::read_to_string(&csv).unwrap().lines().count() > 40);

    // Ctrl+N: a new, empty file and the first-run choice; Dana's session is over.
    app.main_window_key("ctrl+n").await;
    app.answer_save_dialog("New organization", &acme).await;
    app.find_by_role("heading", "Welcome to LicenseDesk").await;
    app.wait_for_text(&format!("{} is empty.", acme.display()))
        .await;
    app.wait_window_title("LicenseDesk (acme.sqlite)").await;
    assert!(acme.is_file());
    app.screenshot_if_asked("file-new-light").await;
    set_up_acme(&app).await;
    app.wait_window_title("Acme Dental — LicenseDesk (acme.sqlite)")
        .await;
    app.wait_for_text("This organization has no users yet.")
        .await;

    // Ctrl+O back to the first file: the sign-in, and Pat's account means nothing there.
    app.main_window_key("ctrl+o").await;
    app.answer_open_dialog("Open organization", &maple).await;
    app.wait_for_text(&format!(
        "Opened {}. Sign in to work on it.",
        maple.display()
    ))
    .await;
    app.wait_window_title("Maple Street Dental — LicenseDesk (maple.sqlite)")
        .await;
    assert!(
        !app.page_text().await.contains("Signed in as"),
        "the session ended with the switch"
    );
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_text("Maple Street Dental").await;

    // File > New never replaces an existing file: the open organization stays open.
    app.main_window_key("ctrl+n").await;
    app.answer_save_dialog("New organization", &acme).await;
    app.wait_for_message("alert", "acme.sqlite already exists")
        .await;
    app.screenshot_if_asked("file-exists-light").await;
    app.wait_window_title("Maple Street Dental — LicenseDesk (maple.sqlite)")
        .await;
    assert!(app.page_text().await.contains("Signed in as dana.reyes"));

    // A file that is not SQLite: the failure screen, and the file left as it was.
    let notes = dir.path().join("notes.sqlite");
    let text = b"Meeting notes, not an organization.\n".repeat(100);
    std::fs::write(&notes, &text).unwrap();
    app.main_window_key("ctrl+o").await;
    app.answer_open_dialog("Open organization", &notes).await;
    failure_screen(&app, &notes).await;
    app.wait_window_title("LicenseDesk (notes.sqlite)").await;
    assert!(app
        .try_find_by_role("button", "Restore a backup…")
        .await
        .is_none());
    app.screenshot_if_asked("file-failure-light").await;
    assert_eq!(std::fs::read(&notes).unwrap(), text);

    // "Open another file…" on that screen leads back.
    app.click_role("button", "Open another file…").await;
    app.answer_open_dialog("Open organization", &acme).await;
    app.wait_window_title("Acme Dental — LicenseDesk (acme.sqlite)")
        .await;
    app.sign_in("pat", "acme-dental-2026").await;
    app.quit().await;
}

/// The newest backup of `db`, as its backup folder holds it.
fn newest_backup(db: &Path) -> PathBuf {
    let dir = db.with_file_name(format!(
        "{}-backups",
        db.file_stem().unwrap().to_string_lossy()
    ));
    let mut backups: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite"))
        .collect();
    backups.sort();
    backups
        .pop()
        .expect("the daily backup taken at the first open")
}

#[tokio::test]
async fn a_damaged_file_is_restored_from_its_backup_and_kept_aside_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let maple = dir.path().join("maple.sqlite");
    let app = App::start_with_env(&maple, &[("GTK_THEME", "Adwaita:dark")]).await;
    app.sign_in("dana.reyes", "super-demo").await;

    // clinic.sqlite: damaged (cut to a third), with a good backup in clinic-backups/.
    let backup = newest_backup(&maple);
    let clinic = dir.path().join("clinic.sqlite");
    let clinic_backups = dir.path().join("clinic-backups");
    std::fs::create_dir(&clinic_backups).unwrap();
    std::fs::copy(&backup, clinic_backups.join(backup.file_name().unwrap())).unwrap();
    let good = std::fs::read(&backup).unwrap();
    let damaged = good[..good.len() / 3].to_vec();
    std::fs::write(&clinic, &damaged).unwrap();

    app.main_window_key("ctrl+o").await;
    app.answer_open_dialog("Open organization", &clinic).await;
    failure_screen(&app, &clinic).await;
    app.wait_window_title("LicenseDesk (clinic.sqlite)").await;
    app.screenshot_if_asked("file-failure-dark").await;
    app.click_role("button", "Restore a backup…").await;
    let choices = app
        .find_by_role("table", "Backups of this file, newest first")
        .await;
    let name = app
        .names_of_role("button")
        .await
        .into_iter()
        .find(|n| n.starts_with("Restore the backup taken"))
        .expect("a Restore button per backup");
    let restore = app.find_by_role_in(&choices, "button", &name).await;
    app.screenshot_if_asked("file-restore-choices-dark").await;

    // Cancelled in the native confirmation: nothing changes.
    app.click(&restore).await;
    app.cancel_native_dialog("Restore backup?").await;
    assert_eq!(std::fs::read(&clinic).unwrap(), damaged);

    app.click(&restore).await;
    app.confirm_native_dialog("Restore backup?").await;
    let notice = app
        .wait_for_message("status", "The damaged file is kept unchanged as")
        .await;
    let kept = notice
        .split("kept unchanged as ")
        .nth(1)
        .and_then(|rest| rest.strip_suffix(". Sign in to go on."))
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("no kept file named in {notice:?}"));
    assert_eq!(std::fs::read(&kept).unwrap(), damaged);
    assert_eq!(kept.parent(), Some(dir.path()));
    app.wait_window_title("Maple Street Dental — LicenseDesk (clinic.sqlite)")
        .await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.quit().await;
}
