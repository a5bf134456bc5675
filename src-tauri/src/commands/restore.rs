//! Restoring a license and its data from a safety archive, and reactivating an offboarded
//! user: the preview, then the native confirmation with the preview core computes now, then
//! the change.

use licensedesk_core::{
    ArchiveRestoreReceipt, ReactivateUser, ReactivationPreview, ReactivationReceipt,
    RestorePreview, RestoreRequest,
};
use tauri::{AppHandle, State};

use super::CommandResult;
use crate::dialogs;
use crate::state::AppState;

#[tauri::command]
pub async fn restore_preview(
    state: State<'_, AppState>,
    archive_id: i64,
    whole_batch: bool,
) -> CommandResult<RestorePreview> {
    state
        .signed_in(move |org, actor| org.restore_preview(actor, archive_id, whole_batch))
        .await
}

/// Asks in the native "Restore license and data?" dialog (Restore / Cancel), with what comes
/// back as core computes it now, then restores; the `cancelled` error when the admin does not
/// go on.
#[tauri::command]
pub async fn restore_from_archive(
    app: AppHandle,
    state: State<'_, AppState>,
    request: RestoreRequest,
) -> CommandResult<ArchiveRestoreReceipt> {
    let session = state.session()?;
    let actor = session.actor;
    let (archive_id, whole_batch) = (request.archive_id, request.whole_batch);
    let preview = session
        .with_org(move |org| org.restore_preview(actor, archive_id, whole_batch))
        .await?;
    dialogs::confirm_or_cancel(
        &app,
        "Restore license and data?",
        &preview.summary,
        "Restore",
    )?;
    session
        .with_org(move |org| org.restore_from_archive(actor, &request))
        .await
}

#[tauri::command]
pub async fn reactivation_preview(
    state: State<'_, AppState>,
    user_id: i64,
) -> CommandResult<ReactivationPreview> {
    state
        .signed_in(move |org, actor| org.reactivation_preview(actor, user_id))
        .await
}

/// Asks in the native "Reactivate <name>?" dialog (Reactivate / Cancel), then reactivates.
#[tauri::command]
pub async fn reactivate_user(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ReactivateUser,
) -> CommandResult<ReactivationReceipt> {
    let session = state.session()?;
    let actor = session.actor;
    let user_id = request.user_id;
    let preview = session
        .with_org(move |org| org.reactivation_preview(actor, user_id))
        .await?;
    dialogs::confirm_or_cancel(
        &app,
        &format!("Reactivate {}?", preview.user_name),
        &preview.summary,
        "Reactivate",
    )?;
    session
        .with_org(move |org| org.reactivate_user(actor, &request))
        .await
}
