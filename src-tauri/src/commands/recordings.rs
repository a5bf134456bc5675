//! Call recordings: list, play (raw WAV bytes), export (native save dialog).

use licensedesk_core::{RecordingQuery, RecordingRow};
use tauri::ipc::Response;
use tauri::{AppHandle, State};

use super::{save_as, CommandResult};
use crate::state::AppState;

#[tauri::command]
pub async fn recordings(
    state: State<'_, AppState>,
    query: RecordingQuery,
) -> CommandResult<Vec<RecordingRow>> {
    state
        .signed_in(move |org, actor| org.recordings(actor, &query))
        .await
}

/// The WAV bytes, sent as a raw buffer rather than a JSON array of numbers.
#[tauri::command]
pub async fn recording_audio(
    state: State<'_, AppState>,
    recording_id: i64,
) -> CommandResult<Response> {
    let session = state.session()?;
    let actor = session.actor;
    let bytes = session
        .with_org(move |org| org.recording_audio(actor, recording_id))
        .await?;
    Ok(Response::new(bytes))
}

/// Returns the path written, or None when the admin cancels the save dialog.
#[tauri::command]
pub async fn export_recording(
    app: AppHandle,
    state: State<'_, AppState>,
    recording_id: i64,
    suggested_name: String,
) -> CommandResult<Option<String>> {
    let wav = ("WAV audio", &["wav"][..]);
    save_as(
        &app,
        &state,
        "Export recording",
        &suggested_name,
        wav,
        move |org, actor, dest| org.export_recording(actor, recording_id, dest),
    )
    .await
}
