//! Users in and out in bulk: the CSV template, export and import (native open and save
//! dialogs), and bulk license work with its export and native confirmation.

use licensedesk_core::Field;
use licensedesk_core::{
    BulkAction, BulkPreview, BulkReceipt, BulkRequest, BundleReceipt, Error, ImportChoices,
    ImportPreview, ImportReceipt, ProgressEvent,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::CommandResult;
use crate::dialogs;
use crate::state::AppState;

/// Saves the CSV template; the path written, or None when cancelled.
#[tauri::command]
pub async fn save_import_template(app: AppHandle) -> CommandResult<Option<String>> {
    let Some(dest) = dialogs::save_path(
        &app,
        "Save CSV template",
        "licensedesk-users-template.csv",
        ("CSV", &["csv"]),
    )?
    else {
        return Ok(None);
    };
    std::fs::write(
        &dest,
        licensedesk_core::domain::imports::user_csv::template(),
    )
    .map_err(|e| {
        Error::Io {
            path: dest.display().to_string(),
            cause: e.to_string(),
        }
        .payload()
    })?;
    Ok(Some(dest.display().to_string()))
}

/// The chosen CSV, refused by its size before it is read when it is too large.
fn read(path: &std::path::Path) -> CommandResult<Vec<u8>> {
    licensedesk_core::domain::imports::input_file::read_csv(path).map_err(|e| e.payload())
}

/// Picks a CSV in the native open dialog and checks it: [file name, preview], or None.
/// `on_progress` counts the rows checked.
#[tauri::command]
pub async fn choose_import_file(
    app: AppHandle,
    state: State<'_, AppState>,
    on_progress: Channel<ProgressEvent>,
) -> CommandResult<Option<(String, ImportPreview)>> {
    // Signed in, before a dialog is shown.
    state.actor()?;
    let Some(path) = dialogs::open_path(&app, "Import users", ("CSV", &["csv", "txt"]))? else {
        return Ok(None);
    };
    let bytes = read(&path)?;
    let name = path.display().to_string();
    let preview = preview(&state, bytes.clone(), ImportChoices::default(), on_progress).await?;
    state.set_pending_import(Some((path, bytes)));
    Ok(Some((name, preview)))
}

/// Reads the chosen file again (after it was fixed in the spreadsheet, or with other
/// choices: column mapping, a product for other systems' licenses, sites to create) and
/// checks it.
#[tauri::command]
pub async fn recheck_import(
    state: State<'_, AppState>,
    choices: ImportChoices,
    on_progress: Channel<ProgressEvent>,
) -> CommandResult<ImportPreview> {
    let (path, _) = state.pending_import()?;
    let bytes = read(&path)?;
    let preview = preview(&state, bytes.clone(), choices, on_progress).await?;
    state.set_pending_import(Some((path, bytes)));
    Ok(preview)
}

/// Checks `bytes`. Only a finished check becomes the one apply holds the file to: after a
/// cancelled or failed one, the preview on screen still describes what apply would do.
async fn preview(
    state: &AppState,
    bytes: Vec<u8>,
    choices: ImportChoices,
    on_progress: Channel<ProgressEvent>,
) -> CommandResult<ImportPreview> {
    let session = state.session()?;
    let actor = session.actor;
    let mut progress = state.cancel_flag().watch(on_progress);
    session
        .with_org(move |org| org.import_preview(actor, &bytes, &choices, &mut progress))
        .await
}

/// Imports the file exactly as last checked: if it changed since, nothing is imported.
/// `on_progress` counts the users added or updated; Cancel imports nothing.
#[tauri::command]
pub async fn apply_import(
    state: State<'_, AppState>,
    choices: ImportChoices,
    on_progress: Channel<ProgressEvent>,
) -> CommandResult<ImportReceipt> {
    let session = state.session()?;
    let actor = session.actor;
    let (path, checked) = state.pending_import()?;
    let bytes = read(&path)?;
    if bytes != checked {
        return Err(Error::invalid(
            Field::File,
            "it changed since it was checked; press Check again to see what it would do now.",
        )
        .payload());
    }
    let mut progress = state.cancel_flag().watch(on_progress);
    let receipt = session
        .with_org(move |org| org.import_users(actor, &bytes, &choices, &mut progress))
        .await?;
    state.set_pending_import(None);
    Ok(receipt)
}

/// Exports every user as CSV; [path, rows], or None when cancelled.
#[tauri::command]
pub async fn export_users(
    app: AppHandle,
    state: State<'_, AppState>,
    suggested_name: String,
) -> CommandResult<Option<(String, u32)>> {
    let session = state.session()?;
    let actor = session.actor;
    let Some(dest) = dialogs::save_path(&app, "Export users", &suggested_name, ("CSV", &["csv"]))?
    else {
        return Ok(None);
    };
    let shown = dest.display().to_string();
    let rows = session
        .with_org(move |org| org.export_users_to(actor, &dest))
        .await?;
    Ok(Some((shown, rows)))
}

#[tauri::command]
pub async fn bulk_preview(
    state: State<'_, AppState>,
    req: BulkRequest,
) -> CommandResult<BulkPreview> {
    state
        .signed_in(move |org, actor| org.bulk_preview(actor, &req))
        .await
}

/// One ZIP with a folder per selected user; None when the save dialog is cancelled.
/// `on_progress` counts the users; Cancel leaves no file.
#[tauri::command]
pub async fn export_selected_user_data(
    app: AppHandle,
    state: State<'_, AppState>,
    user_ids: Vec<i64>,
    suggested_name: String,
    on_progress: Channel<ProgressEvent>,
) -> CommandResult<Option<BundleReceipt>> {
    let session = state.session()?;
    let actor = session.actor;
    let Some(dest) = dialogs::save_path(
        &app,
        "Export user data",
        &suggested_name,
        ("ZIP archive", &["zip"]),
    )?
    else {
        return Ok(None);
    };
    let mut progress = state.cancel_flag().watch(on_progress);
    session
        .with_org(move |org| {
            org.export_users_data(actor, &user_ids, &dest, &mut progress)
                .map(Some)
        })
        .await
}

/// A bulk change that deletes data asks in the native "Remove licenses?" (or "Change license
/// type?") dialog first, with what core computes now; the `cancelled` error when the admin
/// does not go on.
#[tauri::command]
pub async fn bulk_apply(
    app: AppHandle,
    state: State<'_, AppState>,
    req: BulkRequest,
) -> CommandResult<BulkReceipt> {
    let session = state.session()?;
    let actor = session.actor;
    let check = req.clone();
    let preview = session
        .with_org(move |org| org.bulk_preview(actor, &check))
        .await?;
    if let Some(message) = preview.data_loss {
        let title = match req.action {
            BulkAction::Remove => "Remove licenses?",
            _ => "Change license type?",
        };
        dialogs::confirm_or_cancel(&app, title, &message, "Continue")?;
    }
    session
        .with_org(move |org| org.bulk_apply(actor, &req))
        .await
}
