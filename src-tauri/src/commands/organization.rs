//! The first start on an empty file: explore the demo, or set up the admin's organization.

use licensedesk_core::{Actor, OrgSetup, SessionInfo};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// True when the open file holds no organization yet.
#[tauri::command]
pub async fn organization_unset(state: State<'_, AppState>) -> CommandResult<bool> {
    state.with_org(|org| org.is_unset()).await
}

/// Fills the empty file with the demo and signs its Super Admin in.
#[tauri::command]
pub async fn create_demo_organization(state: State<'_, AppState>) -> CommandResult<SessionInfo> {
    let session = state.with_org(|org| org.create_demo()).await?;
    state.set_actor(Some(Actor {
        account_id: session.account_id,
    }));
    Ok(session)
}

/// Sets up the admin's organization in the empty file and signs its first Super Admin in.
#[tauri::command]
pub async fn setup_organization(
    state: State<'_, AppState>,
    setup: OrgSetup,
) -> CommandResult<SessionInfo> {
    let session = state
        .with_org(move |org| org.setup_organization(&setup))
        .await?;
    state.set_actor(Some(Actor {
        account_id: session.account_id,
    }));
    Ok(session)
}
