//! Purchases and partial cancellations, each confirmed in a native dialog; the billing page.

use licensedesk_core::{BillingEvent, BillingSummary, CostBreakdown, CostPreview, SeatChange};
use tauri::{AppHandle, State};

use super::{save_as, CommandResult};
use crate::dialogs;
use crate::state::AppState;

#[tauri::command]
pub async fn purchase_preview(
    state: State<'_, AppState>,
    request: SeatChange,
) -> CommandResult<CostPreview> {
    state
        .signed_in(move |org, actor| org.purchase_preview(actor, &request))
        .await
}

/// Shows "Purchase licenses?" with the cost; buys on Purchase. None when cancelled.
#[tauri::command]
pub async fn purchase_licenses(
    app: AppHandle,
    state: State<'_, AppState>,
    request: SeatChange,
) -> CommandResult<Option<CostPreview>> {
    let session = state.session()?;
    let actor = session.actor;
    let check = request.clone();
    let p = session
        .with_org(move |org| org.purchase_preview(actor, &check))
        .await?;
    if !dialogs::confirm(
        &app,
        "Purchase licenses?",
        &p.purchase_question(),
        "Purchase",
    ) {
        return Ok(None);
    }
    session
        .with_org(move |org| org.purchase_licenses(actor, &request).map(Some))
        .await
}

#[tauri::command]
pub async fn cancellation_preview(
    state: State<'_, AppState>,
    request: SeatChange,
) -> CommandResult<CostPreview> {
    state
        .signed_in(move |org, actor| org.cancellation_preview(actor, &request))
        .await
}

/// Shows "Request cancellation?" with the date and saving; requests on confirmation.
#[tauri::command]
pub async fn request_cancellation(
    app: AppHandle,
    state: State<'_, AppState>,
    request: SeatChange,
) -> CommandResult<Option<CostPreview>> {
    let session = state.session()?;
    let actor = session.actor;
    let check = request.clone();
    let p = session
        .with_org(move |org| org.cancellation_preview(actor, &check))
        .await?;
    if !dialogs::confirm(
        &app,
        "Request cancellation?",
        &p.cancellation_question(),
        "Request cancellation",
    ) {
        return Ok(None);
    }
    session
        .with_org(move |org| org.request_cancellation(actor, &request).map(Some))
        .await
}

#[tauri::command]
pub async fn withdraw_cancellation(
    state: State<'_, AppState>,
    request_id: i64,
) -> CommandResult<()> {
    state
        .signed_in(move |org, actor| org.withdraw_cancellation(actor, request_id))
        .await
}

#[tauri::command]
pub async fn billing_summary(state: State<'_, AppState>) -> CommandResult<BillingSummary> {
    state
        .signed_in(move |org, actor| org.billing_summary(actor))
        .await
}

#[tauri::command]
pub async fn billing_history(state: State<'_, AppState>) -> CommandResult<Vec<BillingEvent>> {
    state
        .signed_in(move |org, actor| org.billing_history(actor))
        .await
}

/// Asks where to save the CSV; the path written, or None when cancelled.
#[tauri::command]
pub async fn export_billing_history(
    app: AppHandle,
    state: State<'_, AppState>,
    suggested_name: String,
) -> CommandResult<Option<String>> {
    let csv = ("CSV file", &["csv"][..]);
    save_as(
        &app,
        &state,
        "Export billing history",
        &suggested_name,
        csv,
        |org, actor, dest| org.export_billing_history(actor, dest),
    )
    .await
}

#[tauri::command]
pub async fn cost_breakdown(state: State<'_, AppState>) -> CommandResult<CostBreakdown> {
    state
        .signed_in(move |org, actor| org.cost_breakdown(actor))
        .await
}

/// Asks where to save the CSV; the path written, or None when cancelled.
#[tauri::command]
pub async fn export_cost_breakdown(
    app: AppHandle,
    state: State<'_, AppState>,
    suggested_name: String,
) -> CommandResult<Option<String>> {
    let title = "Export cost by department and site";
    let csv = ("CSV file", &["csv"][..]);
    save_as(
        &app,
        &state,
        title,
        &suggested_name,
        csv,
        |org, actor, dest| org.export_cost_breakdown(actor, dest),
    )
    .await
}
