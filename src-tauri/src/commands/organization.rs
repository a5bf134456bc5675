//! The first start on an empty file: explore the demo, or set up the admin's organization.

use licensedesk_core::{OrgSetup, SessionInfo};
use tauri::{AppHandle, State};

use super::files::refresh_title;
use super::CommandResult;
use crate::state::AppState;

/// True when the open file holds no organization yet.
#[tauri::command]
pub async fn organization_unset(state: State<'_, AppState>) -> CommandResult<bool> {
    state.with_org(|org| org.is_unset()).await
}

/// Fills the empty file with the demo and signs its Super Admin in.
#[tauri::command]
pub async fn create_demo_organization(
    app: AppHandle,
    state: State<'_, AppState>,
) -> CommandResult<SessionInfo> {
    let session = state.sign_in_with(|org| org.create_demo()).await?;
    refresh_title(&app, &state).await;
    Ok(session)
}

/// Sets up the admin's organization in the empty file and signs its first Super Admin in.
#[tauri::command]
pub async fn setup_organization(
    app: AppHandle,
    state: State<'_, AppState>,
    setup: OrgSetup,
) -> CommandResult<SessionInfo> {
    let session = state
        .sign_in_with(move |org| org.setup_organization(&setup))
        .await?;
    refresh_title(&app, &state).await;
    Ok(session)
}
