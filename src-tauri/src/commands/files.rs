//! Which organization file the window works on: File > New and File > Open (native dialogs),
//! "Try again" and "Restore a backup…" on the screen of a file that cannot be opened. Each
//! switch signs out and puts the file's name in the window title.

use std::path::PathBuf;

use licensedesk_core::base::clock::{Clock, SystemClock};
use licensedesk_core::Field;
use licensedesk_core::{DamagedRestoreReceipt, Error};
use tauri::{AppHandle, Manager, State};

use super::CommandResult;
use crate::dialogs;
use crate::state::{AppState, OpenFile};

const FILTER: (&str, &[&str]) = ("LicenseDesk organization (*.sqlite)", &["sqlite"]);

/// "Acme Dental — LicenseDesk (acme.sqlite)" on the window, after every switch and setup.
pub async fn refresh_title(app: &AppHandle, state: &AppState) {
    let title = state.window_title().await;
    if let Some(window) = app.get_webview_window("main") {
        if let Err(e) = window.set_title(&title) {
            eprintln!("licensedesk: window title: {e}");
        }
    }
}

/// Opens `path` on the blocking pool (migrations and the daily backup take a moment).
pub(super) async fn open(path: PathBuf) -> CommandResult<OpenFile> {
    tauri::async_runtime::spawn_blocking(move || OpenFile::open(path, false))
        .await
        .map_err(|e| Error::Internal(e.to_string()).payload())
}

/// Works on `path` from now on; answers its name as the window shows it (a server's
/// without its password).
async fn switch(app: &AppHandle, state: &AppState, path: PathBuf) -> CommandResult<String> {
    let file = open(path).await?;
    state.switch_to(file);
    refresh_title(app, state).await;
    Ok(state.shown_place())
}

/// A name typed without an extension gets `.sqlite`, so that File > Open finds it again.
fn with_extension(path: PathBuf) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension("sqlite")
    }
}

/// Asks where to create a new, empty organization file, then works on it (the first-run
/// screen follows); the path, or None when cancelled. An existing file is never replaced,
/// and when the new file cannot be created the open organization stays open.
#[tauri::command]
pub async fn new_organization_file(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CommandResult<Option<String>> {
    let Some(path) = dialogs::save_path(&app, "New organization", "organization.sqlite", FILTER)?
    else {
        return Ok(None);
    };
    let path = with_extension(path);
    if path.exists() {
        return Err(Error::invalid(
            Field::File,
            format!(
                "{} already exists. LicenseDesk never replaces an organization file: choose a new \
                 name, or open that file with File > Open.",
                path.display()
            ),
        )
        .payload());
    }
    let file = open(path.clone()).await?;
    if let Some(failure) = file.failure() {
        // Whatever SQLite had begun to write is removed: the file did not exist before.
        drop(file);
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = path.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(name);
        }
        return Err(failure.error);
    }
    state.switch_to(file);
    refresh_title(&app, &state).await;
    Ok(Some(path.display().to_string()))
}

/// Asks which organization file to open, then works on it: the sign-in follows, or the
/// failure screen naming this file and what to do. None when cancelled.
#[tauri::command]
pub async fn open_organization_file(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CommandResult<Option<String>> {
    let Some(path) = dialogs::open_path(&app, "Open organization", FILTER)? else {
        return Ok(None);
    };
    switch(&app, &state, path).await.map(Some)
}

/// Opens the same file again, after the lock was released, the drive connected or the
/// permissions fixed.
#[tauri::command]
pub async fn reopen_organization_file(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CommandResult<String> {
    let path = state.path();
    switch(&app, &state, path).await
}

/// Replaces the damaged file that could not be opened with one of its backups, after the
/// native confirmation; the damaged file is kept aside unchanged. None when cancelled.
#[tauri::command]
pub async fn restore_damaged_file(
    app: AppHandle,
    state: State<'_, AppState>,
    file_name: String,
) -> CommandResult<Option<DamagedRestoreReceipt>> {
    let path = state.path();
    let Some(chosen) = state.open_failure().and_then(|failure| {
        failure
            .backups
            .into_iter()
            .find(|b| b.file_name == file_name)
    }) else {
        return Err(Error::invalid(
            Field::Backup,
            format!("There is no backup named {file_name:?} to restore over this file."),
        )
        .payload());
    };
    let shown = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let message = format!(
        "Replace {shown} with the backup taken {} UTC?\n\nThe damaged file is not deleted: it is \
         kept unchanged in the same folder, renamed with \".damaged-\" and today's date. Changes \
         made after the backup was taken are not in the backup.",
        chosen.created_at.replace('T', " ").trim_end_matches('Z')
    );
    if !dialogs::confirm(&app, "Restore backup?", &message, "Restore") {
        return Ok(None);
    }
    let at = SystemClock.now();
    let target = path.clone();
    let receipt = tauri::async_runtime::spawn_blocking(move || {
        licensedesk_core::lifecycle::damaged_restore::restore_over_damaged(&target, &file_name, at)
            .map_err(|e| e.payload())
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()).payload())??;
    switch(&app, &state, path).await?;
    Ok(Some(receipt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_without_extension_gets_sqlite() {
        assert_eq!(
            with_extension("/d/acme".into()),
            PathBuf::from("/d/acme.sqlite")
        );
        assert_eq!(
            with_extension("/d/acme.sqlite".into()),
            PathBuf::from("/d/acme.sqlite")
        );
        assert_eq!(
            with_extension("/d/acme.db".into()),
            PathBuf::from("/d/acme.db")
        );
    }
}
