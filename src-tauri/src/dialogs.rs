//! Native dialogs. They block until answered, so they are only shown from async commands,
//! never on the main thread.

use std::path::PathBuf;

use licensedesk_core::{Error, ErrorPayload};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_dialog::{
    DialogExt, FileDialogBuilder, FilePath, MessageDialogButtons, MessageDialogKind,
};

/// A warning with custom buttons "<affirmative>" and "Cancel"; true when the first was chosen.
pub fn confirm<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    message: &str,
    affirmative: &str,
) -> bool {
    ask(app, title, message, affirmative, "Cancel")
}

/// The confirmation a destructive command asks before it changes anything: Ok when the admin
/// chose `affirmative`, otherwise the `cancelled` error, so that the command stops there
/// whoever called it (the window's own buttons or a script in the page).
pub fn confirm_or_cancel<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    message: &str,
    affirmative: &str,
) -> Result<(), ErrorPayload> {
    if confirm(app, title, message, affirmative) {
        Ok(())
    } else {
        Err(Error::Cancelled.payload())
    }
}

/// The question asked before unsaved edits in the user editor are dropped; true for Discard.
pub fn discard_edits<R: Runtime>(app: &AppHandle<R>, name: &str, sections: &[String]) -> bool {
    let message = format!(
        "Unsaved edits in: {}.\n\nDiscard them, or keep editing and press Save.",
        sections.join(", ")
    );
    ask(
        app,
        &format!("Discard changes to {name}?"),
        &message,
        "Discard",
        "Keep editing",
    )
}

/// A warning with two custom buttons, the affirmative first; true when it was chosen.
fn ask<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    message: &str,
    affirmative: &str,
    negative: &str,
) -> bool {
    let mut dialog = app
        .dialog()
        .message(message)
        .title(title)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            affirmative.to_owned(),
            negative.to_owned(),
        ));
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.parent(&window);
    }
    dialog.blocking_show()
}

/// A file dialog over the main window, starting where people keep files rather than in
/// whatever folder the app was started from.
fn file_dialog<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    filter: (&str, &[&str]),
) -> FileDialogBuilder<R> {
    let mut dialog = app
        .dialog()
        .file()
        .set_title(title)
        .add_filter(filter.0, filter.1);
    if let Ok(dir) = app.path().document_dir().or_else(|_| app.path().home_dir()) {
        if dir.is_dir() {
            dialog = dialog.set_directory(dir);
        }
    }
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    dialog
}

fn chosen(path: Option<FilePath>) -> Result<Option<PathBuf>, ErrorPayload> {
    match path {
        None => Ok(None),
        Some(path) => path
            .into_path()
            .map(Some)
            .map_err(|e| Error::Internal(format!("the chosen path is not usable: {e}")).payload()),
    }
}

/// The native save dialog; None when the admin cancels it.
pub fn save_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    file_name: &str,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, ErrorPayload> {
    chosen(
        file_dialog(app, title, filter)
            .set_file_name(file_name)
            .blocking_save_file(),
    )
}

/// The native open dialog for one file; None when the admin cancels it.
pub fn open_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    filter: (&str, &[&str]),
) -> Result<Option<PathBuf>, ErrorPayload> {
    chosen(file_dialog(app, title, filter).blocking_pick_file())
}
