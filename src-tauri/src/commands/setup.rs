//! Adding users and what follows a license: number and extension, voicemail (greeting upload
//! through the native open dialog), call forwarding, app access, devices, and offboarding.

use licensedesk_core::{
    ActivateDevice, AppAccessUpdate, ForwardCondition, ForwardingRuleInput, NewUser,
    OffboardReceipt, OffboardUser, SavedUserEdits, SetNumbers, Site, UserDetail, UserEdits,
    UserSetup, VoicemailUpdate,
};
use tauri::ipc::Response;
use tauri::{AppHandle, State};

use super::CommandResult;
use crate::dialogs;
use crate::state::{AppState, UnsavedEdits};

#[tauri::command]
pub async fn sites(state: State<'_, AppState>) -> CommandResult<Vec<Site>> {
    let session = state.session()?;
    let actor = session.actor;
    session.with_org(move |org| org.sites(actor)).await
}

#[tauri::command]
pub async fn add_user(state: State<'_, AppState>, user: NewUser) -> CommandResult<UserDetail> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.add_user(actor, &user))
        .await
}

#[tauri::command]
pub async fn user_setup(state: State<'_, AppState>, user_id: i64) -> CommandResult<UserSetup> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.user_setup(actor, user_id))
        .await
}

#[tauri::command]
pub async fn suggest_extension(state: State<'_, AppState>, user_id: i64) -> CommandResult<String> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.suggest_extension(actor, user_id))
        .await
}

#[tauri::command]
pub async fn set_numbers(state: State<'_, AppState>, req: SetNumbers) -> CommandResult<UserDetail> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.set_numbers(actor, &req))
        .await
}

/// The editor's one Save: every changed section, all of it or nothing.
#[tauri::command]
pub async fn save_user_edits(
    state: State<'_, AppState>,
    edits: UserEdits,
) -> CommandResult<SavedUserEdits> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.save_user_edits(actor, &edits))
        .await
}

/// The window reports the user editor's unsaved edits (None once there are none), so that
/// Quit can ask before dropping them.
#[tauri::command]
pub fn set_unsaved_edits(state: State<'_, AppState>, name: Option<String>, sections: Vec<String>) {
    state.set_unsaved_edits(name.map(|name| UnsavedEdits { name, sections }));
}

/// "Discard changes to <First Last>?" with Discard and Keep editing; true for Discard.
#[tauri::command]
pub async fn confirm_discard(app: AppHandle, name: String, sections: Vec<String>) -> bool {
    dialogs::discard_edits(&app, &name, &sections)
}

#[tauri::command]
pub async fn set_voicemail(
    state: State<'_, AppState>,
    req: VoicemailUpdate,
) -> CommandResult<UserSetup> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.set_voicemail(actor, &req))
        .await
}

/// Asks for a WAV file in the native open dialog; None when the admin cancels it.
#[tauri::command]
pub async fn upload_greeting(
    app: AppHandle,
    state: State<'_, AppState>,
    user_id: i64,
) -> CommandResult<Option<UserSetup>> {
    let session = state.session()?;
    let actor = session.actor;
    let Some(path) =
        dialogs::open_path(&app, "Upload voicemail greeting", ("WAV audio", &["wav"]))?
    else {
        return Ok(None);
    };
    // Refused by its size before it is read when it is too large.
    let audio = licensedesk_core::input_file::read_wav(&path).map_err(|e| e.payload())?;
    session
        .with_org(move |org| org.set_greeting(actor, user_id, &audio).map(Some))
        .await
}

#[tauri::command]
pub async fn use_default_greeting(
    state: State<'_, AppState>,
    user_id: i64,
) -> CommandResult<UserSetup> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.use_default_greeting(actor, user_id))
        .await
}

/// The WAV bytes, sent as a raw buffer rather than a JSON array of numbers.
#[tauri::command]
pub async fn greeting_audio(state: State<'_, AppState>, user_id: i64) -> CommandResult<Response> {
    let session = state.session()?;
    let actor = session.actor;
    let bytes = session
        .with_org(move |org| org.greeting_audio(actor, user_id))
        .await?;
    Ok(Response::new(bytes))
}

#[tauri::command]
pub async fn set_forwarding_rule(
    state: State<'_, AppState>,
    rule: ForwardingRuleInput,
) -> CommandResult<UserSetup> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.set_forwarding_rule(actor, &rule))
        .await
}

#[tauri::command]
pub async fn delete_forwarding_rule(
    state: State<'_, AppState>,
    user_id: i64,
    condition: ForwardCondition,
) -> CommandResult<UserSetup> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.delete_forwarding_rule(actor, user_id, condition))
        .await
}

#[tauri::command]
pub async fn set_app_access(
    state: State<'_, AppState>,
    req: AppAccessUpdate,
) -> CommandResult<UserSetup> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.set_app_access(actor, &req))
        .await
}

#[tauri::command]
pub async fn activate_device(
    state: State<'_, AppState>,
    req: ActivateDevice,
) -> CommandResult<UserSetup> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.activate_device(actor, &req))
        .await
}

#[tauri::command]
pub async fn deactivate_device(
    state: State<'_, AppState>,
    device_id: i64,
) -> CommandResult<UserSetup> {
    let session = state.session()?;
    let actor = session.actor;
    session
        .with_org(move |org| org.deactivate_device(actor, device_id))
        .await
}

/// Asks in the native "Offboard <name>?" dialog, listing the steps and what the removal
/// deletes as core computes it now, then offboards; the `cancelled` error when the admin
/// does not go on.
#[tauri::command]
pub async fn offboard_user(
    app: AppHandle,
    state: State<'_, AppState>,
    req: OffboardUser,
) -> CommandResult<OffboardReceipt> {
    let session = state.session()?;
    let actor = session.actor;
    let user_id = req.user_id;
    let (user, impact) = session
        .with_org(move |org| {
            let user = org.user(actor, user_id)?;
            let impact = match user.license {
                Some(_) => Some(org.removal_impact(actor, user_id)?),
                None => None,
            };
            Ok((user, impact))
        })
        .await?;
    let name = user.full_name();
    let mut message = String::new();
    if let Some(impact) = impact {
        message.push_str(&impact.summary);
        message.push_str("\n\n");
    }
    message.push_str(&format!(
        "{name}'s data goes to a safety archive kept 30 days, then the license is removed, the \
         number and extension are released, and {name} is deactivated."
    ));
    dialogs::confirm_or_cancel(&app, &format!("Offboard {name}?"), &message, "Offboard")?;
    session
        .with_org(move |org| org.offboard_user(actor, &req))
        .await
}
