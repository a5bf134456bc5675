//! Signing in, finding users and assigning licenses.

use licensedesk_core::{
    AssignLicense, ProductInventory, SessionInfo, UserDetail, UserPage, UserQuery,
};
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn sign_in(
    state: State<'_, AppState>,
    login: String,
    password: String,
) -> CommandResult<SessionInfo> {
    state
        .sign_in_with(move |org| org.sign_in(&login, &password))
        .await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> CommandResult<()> {
    state.sign_out();
    Ok(())
}

/// The signed-in account as it is now, or nothing when no one is signed in.
#[tauri::command]
pub async fn current_session(state: State<'_, AppState>) -> CommandResult<Option<SessionInfo>> {
    let Ok(session) = state.session() else {
        return Ok(None);
    };
    let actor = session.actor;
    session
        .with_org(move |org| org.session(actor).map(Some))
        .await
}

#[tauri::command]
pub async fn search_users(state: State<'_, AppState>, query: UserQuery) -> CommandResult<UserPage> {
    state
        .signed_in(move |org, actor| org.search_users(actor, &query))
        .await
}

/// How many users the search and filters match; asked for after the first rows are painted.
#[tauri::command]
pub async fn count_users(state: State<'_, AppState>, query: UserQuery) -> CommandResult<i64> {
    state
        .signed_in(move |org, actor| org.count_users(actor, &query))
        .await
}

#[tauri::command]
pub async fn get_user(state: State<'_, AppState>, user_id: i64) -> CommandResult<UserDetail> {
    state
        .signed_in(move |org, actor| org.user(actor, user_id))
        .await
}

#[tauri::command]
pub async fn license_inventory(state: State<'_, AppState>) -> CommandResult<Vec<ProductInventory>> {
    state
        .signed_in(move |org, actor| org.license_inventory(actor))
        .await
}

#[tauri::command]
pub async fn assign_license(
    state: State<'_, AppState>,
    request: AssignLicense,
) -> CommandResult<UserDetail> {
    state
        .signed_in(move |org, actor| org.assign_license(actor, &request))
        .await
}
