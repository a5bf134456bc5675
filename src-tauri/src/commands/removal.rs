//! Removing a license: impact, export (native save dialog), and the removal, which asks its own
//! native confirmation.

use licensedesk_core::{
    BundleReceipt, ProgressEvent, RemovalImpact, RemovalReceipt, RemoveLicense, SafetyArchive,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::CommandResult;
use crate::dialogs;
use crate::state::AppState;

#[tauri::command]
pub async fn removal_impact(
    state: State<'_, AppState>,
    user_id: i64,
) -> CommandResult<RemovalImpact> {
    state
        .signed_in(move |org, actor| org.removal_impact(actor, user_id))
        .await
}

/// Asks where to save, then writes the bundle; None when the admin cancels the dialog.
/// `on_progress` counts the files; Cancel leaves no file.
#[tauri::command]
pub async fn export_user_data(
    app: AppHandle,
    state: State<'_, AppState>,
    user_id: i64,
    on_progress: Channel<ProgressEvent>,
) -> CommandResult<Option<BundleReceipt>> {
    let session = state.session()?;
    let actor = session.actor;
    let name = session
        .with_org(move |org| org.export_file_name(actor, user_id))
        .await?;
    let Some(dest) =
        dialogs::save_path(&app, "Export user data", &name, ("ZIP archive", &["zip"]))?
    else {
        return Ok(None);
    };
    let mut progress = state.cancel_flag().watch(on_progress);
    session
        .with_org(move |org| {
            org.export_user_data(actor, user_id, &dest, &mut progress)
                .map(Some)
        })
        .await
}

/// Asks in the native "Remove license?" dialog, with the impact core computes now, then
/// removes; the `cancelled` error when the admin does not go on.
#[tauri::command]
pub async fn remove_license(
    app: AppHandle,
    state: State<'_, AppState>,
    request: RemoveLicense,
) -> CommandResult<RemovalReceipt> {
    let session = state.session()?;
    let actor = session.actor;
    let user_id = request.user_id;
    let impact = session
        .with_org(move |org| org.removal_impact(actor, user_id))
        .await?;
    let message = format!(
        "{}\n\nContinue deletes it now; {}.",
        impact.summary,
        licensedesk_core::safety_archive_kept()
    );
    dialogs::confirm_or_cancel(&app, "Remove license?", &message, "Continue")?;
    session
        .with_org(move |org| org.remove_license(actor, &request))
        .await
}

#[tauri::command]
pub async fn safety_archives(
    state: State<'_, AppState>,
    user_id: i64,
) -> CommandResult<Vec<SafetyArchive>> {
    state
        .signed_in(move |org, actor| org.safety_archives(actor, user_id))
        .await
}
