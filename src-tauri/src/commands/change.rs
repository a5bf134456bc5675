//! Changing a license to another product; a change of type asks its own native confirmation.

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
    state
        .signed_in(move |org, actor| org.change_preview(actor, user_id, product_id))
        .await
}

/// A change of license type asks in the native "Change license type?" dialog first, with what
/// core computes now that the removal deletes; the `cancelled` error when the admin does not
/// go on. A change within the type deletes nothing and asks nothing.
#[tauri::command]
pub async fn change_license(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ChangeLicense,
) -> CommandResult<ChangeReceipt> {
    let session = state.session()?;
    let actor = session.actor;
    let (user_id, product_id) = (request.user_id, request.product_id);
    let preview = session
        .with_org(move |org| org.change_preview(actor, user_id, product_id))
        .await?;
    if let Some(removal) = preview
        .removal
        .filter(|_| preview.kind == ChangeKind::OtherFamily)
    {
        let message = format!(
            "Changing from {} to {} is a change of license type: the {} license is removed first.\n\n{}\n\nContinue deletes it now; {}.",
            preview.from_product,
            preview.to_product,
            preview.from_product,
            removal.summary,
            licensedesk_core::safety_archive_kept()
        );
        dialogs::confirm_or_cancel(&app, "Change license type?", &message, "Continue")?;
    }
    session
        .with_org(move |org| org.change_license(actor, &request))
        .await
}
