//! Changing a license to another product; a change of type is confirmed in a native dialog.

use licensedesk_core::{ChangeKind, ChangeLicense, ChangePreview, ChangeReceipt};
use tauri::{AppHandle, State};

use super::CommandResult;
use crate::dialogs;
use crate::state::AppState;

#[tauri::command]
pub async fn change_preview(
    state: State<'_, AppState>,
    user_id: i64,
    product_id: i64,
) -> CommandResult<ChangePreview> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.change_preview(actor, user_id, product_id))
        .await
}

/// "Change license type?" with what the removal deletes; true for Continue.
#[tauri::command]
pub async fn confirm_license_change(
    app: AppHandle,
    state: State<'_, AppState>,
    user_id: i64,
    product_id: i64,
) -> CommandResult<bool> {
    let session = state.session()?;
    let actor = session.actor;
    let preview = session
        .with_org(move |org| org.change_preview(actor, user_id, product_id))
        .await?;
    let Some(removal) = preview
        .removal
        .filter(|_| preview.kind == ChangeKind::OtherFamily)
    else {
        return Ok(true);
    };
    let message = format!(
        "Changing from {} to {} is a change of license type: the {} license is removed first.\n\n{}\n\nNothing is deleted until you press Save.",
        preview.from_product, preview.to_product, preview.from_product, removal.summary
    );
    Ok(dialogs::confirm(
        &app,
        "Change license type?",
        &message,
        "Continue",
    ))
}

#[tauri::command]
pub async fn change_license(
    state: State<'_, AppState>,
    request: ChangeLicense,
) -> CommandResult<ChangeReceipt> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.change_license(actor, &request))
        .await
}
