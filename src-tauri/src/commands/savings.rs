//! The savings view and its guided reclaim step, which asks its own native confirmation
//! "Reclaim licenses?" (after the save dialog of the optional export).

use licensedesk_core::{ReclaimPreview, ReclaimReceipt, ReclaimRequest, Savings};
use tauri::{AppHandle, State};

use super::CommandResult;
use crate::dialogs;
use crate::state::AppState;

#[tauri::command]
pub async fn savings(state: State<'_, AppState>) -> CommandResult<Savings> {
    state.signed_in(move |org, actor| org.savings(actor)).await
}

#[tauri::command]
pub async fn savings_idle_days(state: State<'_, AppState>) -> CommandResult<i64> {
    state
        .signed_in(move |org, actor| org.savings_idle_days(actor))
        .await
}

#[tauri::command]
pub async fn set_savings_idle_days(state: State<'_, AppState>, days: String) -> CommandResult<i64> {
    state
        .signed_in(move |org, actor| org.set_savings_idle_days(actor, &days))
        .await
}

#[tauri::command]
pub async fn reclaim_preview(
    state: State<'_, AppState>,
    request: ReclaimRequest,
) -> CommandResult<ReclaimPreview> {
    state
        .signed_in(move |org, actor| org.reclaim_preview(actor, &request))
        .await
}

/// With `export`, asks where to save the chosen users' data first; then shows "Reclaim
/// licenses?" with what core computes now, and reclaims on "Reclaim". The `cancelled` error
/// when the admin closes either dialog: nothing is written.
#[tauri::command]
pub async fn reclaim(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ReclaimRequest,
    export: bool,
) -> CommandResult<ReclaimReceipt> {
    let session = state.session()?;
    let actor = session.actor;
    let check = request.clone();
    let preview = session
        .with_org(move |org| org.reclaim_preview(actor, &check))
        .await?;
    let dest = if export {
        let name = session
            .with_org(move |org| Ok(org.reclaim_export_file_name()))
            .await?;
        match dialogs::save_path(&app, "Export user data", &name, ("ZIP archive", &["zip"]))? {
            Some(dest) => Some(dest),
            None => return Err(licensedesk_core::Error::Cancelled.payload()),
        }
    } else {
        None
    };
    let mut question = preview.question.clone();
    if let Some(dest) = &dest {
        question.push_str(&format!(
            "\n\nTheir data is exported first to {}.",
            dest.display()
        ));
    }
    dialogs::confirm_or_cancel(&app, "Reclaim licenses?", &question, "Reclaim")?;
    session
        .with_org(move |org| org.reclaim(actor, &request, dest.as_deref()))
        .await
}
