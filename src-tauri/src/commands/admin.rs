//! Admin accounts, the account picker, and the audit log.

use licensedesk_core::{
    AccountChoice, AccountRow, AccountUpdate, AuditPage, AuditQuery, AuditVerification, NewAccount,
    OpenFailure,
};
use tauri::{AppHandle, State};

use super::CommandResult;
use crate::dialogs;
use crate::state::AppState;

/// Why the organization file could not be opened, if it could not.
#[tauri::command]
pub async fn open_failure(state: State<'_, AppState>) -> CommandResult<Option<OpenFailure>> {
    Ok(state.open_failure())
}

/// The accounts "Switch account" offers; needs no sign-in, like an OS login screen.
#[tauri::command]
pub async fn account_choices(state: State<'_, AppState>) -> CommandResult<Vec<AccountChoice>> {
    state.with_org(|org| org.account_choices()).await
}

#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>, query: AuditQuery) -> CommandResult<AuditPage> {
    state
        .signed_in(move |org, actor| org.audit_log(actor, &query))
        .await
}

#[tauri::command]
pub async fn verify_audit_log(state: State<'_, AppState>) -> CommandResult<AuditVerification> {
    state
        .signed_in(move |org, actor| org.verify_audit_log(actor))
        .await
}

/// Rows of the file that break a rule LicenseDesk keeps, asked for once after the sign-in.
#[tauri::command]
pub async fn file_problems(state: State<'_, AppState>) -> CommandResult<Vec<String>> {
    let problems = state
        .signed_in(move |org, actor| org.file_problems(actor))
        .await;
    // The check's own connection read the whole file through its cache: give those pages back.
    crate::state::release_freed_memory();
    problems
}

/// Asks where to save; returns the path and how many entries were written, or None.
#[tauri::command]
pub async fn export_audit_log(
    app: AppHandle,
    state: State<'_, AppState>,
    query: AuditQuery,
    suggested_name: String,
) -> CommandResult<Option<(String, i64)>> {
    let session = state.session()?;
    let actor = session.actor;
    let Some(dest) = dialogs::save_path(
        &app,
        "Export audit log",
        &suggested_name,
        ("CSV file", &["csv"]),
    )?
    else {
        return Ok(None);
    };
    let shown = dest.display().to_string();
    let n = session
        .with_org(move |org| org.export_audit_log(actor, &query, &dest))
        .await?;
    Ok(Some((shown, n)))
}

#[tauri::command]
pub async fn accounts(state: State<'_, AppState>) -> CommandResult<Vec<AccountRow>> {
    state.signed_in(move |org, actor| org.accounts(actor)).await
}

#[tauri::command]
pub async fn roles(state: State<'_, AppState>) -> CommandResult<Vec<String>> {
    state.signed_in(move |org, actor| org.roles(actor)).await
}

#[tauri::command]
pub async fn create_account(
    state: State<'_, AppState>,
    account: NewAccount,
) -> CommandResult<AccountRow> {
    state
        .signed_in(move |org, actor| org.create_account(actor, &account))
        .await
}

#[tauri::command]
pub async fn update_account(
    state: State<'_, AppState>,
    update: AccountUpdate,
) -> CommandResult<AccountRow> {
    state
        .signed_in(move |org, actor| org.update_account(actor, &update))
        .await
}

#[tauri::command]
pub async fn reset_password(
    state: State<'_, AppState>,
    account_id: i64,
    password: String,
) -> CommandResult<()> {
    state
        .signed_in(move |org, actor| org.reset_password(actor, account_id, &password))
        .await
}
