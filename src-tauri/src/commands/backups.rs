//! Backups: the list, "Back up now", and "Restore backup" behind a native confirmation.

use licensedesk_core::Field;
use licensedesk_core::{BackupInfo, BackupOverview, Error, RestoreReceipt};
use tauri::{AppHandle, State};

use super::CommandResult;
use crate::dialogs;
use crate::state::AppState;

#[tauri::command]
pub async fn backups(state: State<'_, AppState>) -> CommandResult<BackupOverview> {
    let session = state.session()?;
    session.settle_daily_backup().await;
    let actor = session.actor;
    session.with_org(move |org| org.backups(actor)).await
}

#[tauri::command]
pub async fn back_up_now(state: State<'_, AppState>) -> CommandResult<BackupInfo> {
    let session = state.session()?;
    session.settle_daily_backup().await;
    let actor = session.actor;
    session.with_org(move |org| org.back_up_now(actor)).await
}

/// Asks in the native "Restore backup?" dialog, then restores; None when cancelled there.
/// When the signed-in account does not exist in the restored file, the session ends.
#[tauri::command]
pub async fn restore_backup(
    app: AppHandle,
    state: State<'_, AppState>,
    file_name: String,
) -> CommandResult<Option<RestoreReceipt>> {
    let session = state.session()?;
    let actor = session.actor;
    session.settle_daily_backup().await;
    // The permission and the name are checked before anything is asked.
    let overview = session.with_org(move |org| org.backups(actor)).await?;
    let Some(chosen) = overview
        .backups
        .iter()
        .find(|b| b.file_name == file_name)
        .cloned()
    else {
        return Err(Error::invalid(
            Field::Backup,
            format!("There is no backup named {file_name:?}."),
        )
        .payload());
    };
    let message = format!(
        "Replace the whole organization with the backup taken {} UTC?\n\n\
         Every change made since then is undone, accounts included. The current state is \
         backed up first, so this restore can itself be undone.",
        chosen.created_at.replace('T', " ").trim_end_matches('Z')
    );
    if !dialogs::confirm(&app, "Restore backup?", &message, "Restore") {
        return Ok(None);
    }
    let receipt = session
        .with_org(move |org| org.restore_backup(actor, &file_name))
        .await?;
    if !receipt.still_signed_in {
        state.sign_out();
    }
    super::files::refresh_title(&app, &state).await;
    Ok(Some(receipt))
}
