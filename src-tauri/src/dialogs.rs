//! Native dialogs. They block until answered, so they are only shown from async commands,
//! never on the main thread.

use std::path::PathBuf;

use licensedesk_core::{Error, ErrorPayload};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

/// A warning with custom buttons, the affirmative first; true when it was chosen.
pub fn confirm<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    message: &str,
    affirmative: &str,
) -> bool {
    let mut dialog = app
        .dialog()
        .message(message)
        .title(title)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            affirmative.to_owned(),
            "Cancel".to_owned(),
        ));
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.parent(&window);
    }
    dialog.blocking_show()
}

/// The native save dialog; None when the admin cancels it.
pub fn save_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    file_name: &str,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, ErrorPayload> {
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(filter.0, filter.1);
    // Start where people keep files, not in whatever folder the app was started from.
    if let Ok(dir) = app.path().document_dir().or_else(|_| app.path().home_dir()) {
        if dir.is_dir() {
            dialog = dialog.set_directory(dir);
        }
    }
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    match dialog.blocking_save_file() {
        None => Ok(None),
        Some(path) => path
            .into_path()
            .map(Some)
            .map_err(|e| Error::Internal(format!("the chosen path is not usable: {e}")).payload()),
    }
}
