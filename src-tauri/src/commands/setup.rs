//! Adding users and what follows a license: number and extension, voicemail (greeting upload
//! through the native open dialog), call forwarding, app access, devices, and offboarding.

use licensedesk_core::{
    Actor, Error, LicenseEdit, NewUser, OffboardReceipt, OffboardUser, Org, SavedUserEdits, Site,
    UserDetail, UserEdits, UserSetup, SAFETY_ARCHIVE_DAYS,
};
use tauri::ipc::Response;
use tauri::{AppHandle, State};

use super::CommandResult;
use crate::dialogs;
use crate::state::{AppState, UnsavedEdits};

#[tauri::command]
pub async fn sites(state: State<'_, AppState>) -> CommandResult<Vec<Site>> {
    state.signed_in(move |org, actor| org.sites(actor)).await
}

#[tauri::command]
pub async fn add_user(state: State<'_, AppState>, user: NewUser) -> CommandResult<UserDetail> {
    state
        .signed_in(move |org, actor| org.add_user(actor, &user))
        .await
}

#[tauri::command]
pub async fn user_setup(state: State<'_, AppState>, user_id: i64) -> CommandResult<UserSetup> {
    state
        .signed_in(move |org, actor| org.user_setup(actor, user_id))
        .await
}

#[tauri::command]
pub async fn suggest_extension(state: State<'_, AppState>, user_id: i64) -> CommandResult<String> {
    state
        .signed_in(move |org, actor| org.suggest_extension(actor, user_id))
        .await
}

/// The editor's one Save: every changed part, all of it or nothing. A Save that deletes data
/// (a removal, a change of license type) first asks the same native confirmation as the
/// removal does, with what core computes now; the `cancelled` error when the admin does not go on.
#[tauri::command]
pub async fn save_user_edits(
    app: AppHandle,
    state: State<'_, AppState>,
    edits: UserEdits,
) -> CommandResult<SavedUserEdits> {
    let session = state.session()?;
    let actor = session.actor;
    if let Some(license) = edits.license.clone() {
        let user_id = edits.user_id;
        let question = session
            .with_org(move |org| data_loss_question(org, actor, user_id, &license))
            .await?;
        if let Some((title, message)) = question {
            if !dialogs::confirm(&app, title, &message, "Continue") {
                return Err(Error::Cancelled.payload());
            }
        }
    }
    session
        .with_org(move |org| org.save_user_edits(actor, &edits))
        .await
}

/// The native question for a license edit that deletes data: its title and message.
fn data_loss_question(
    org: &mut Org,
    actor: Actor,
    user_id: i64,
    license: &LicenseEdit,
) -> licensedesk_core::Result<Option<(&'static str, String)>> {
    let saved = format!(
        "Continue deletes it now and saves your other edits; {}.",
        licensedesk_core::safety_archive_kept()
    );
    Ok(match license {
        LicenseEdit::Assign { .. } => None,
        LicenseEdit::Remove => {
            let impact = org.removal_impact(actor, user_id)?;
            Some(("Remove license?", format!("{}\n\n{saved}", impact.summary)))
        }
        LicenseEdit::Change { product_id, .. } => {
            let preview = org.change_preview(actor, user_id, *product_id)?;
            preview.removal.map(|removal| {
                (
                    "Change license type?",
                    format!(
                        "Changing from {} to {} is a change of license type: the {} license is removed first.\n\n{}\n\n{saved}",
                        preview.from_product, preview.to_product, preview.from_product, removal.summary
                    ),
                )
            })
        }
    })
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

/// Asks for a WAV file in the native open dialog and saves it as the user's greeting against the
/// version the editor showed; None when the admin cancels the dialog.
#[tauri::command]
pub async fn upload_greeting(
    app: AppHandle,
    state: State<'_, AppState>,
    user_id: i64,
    expected_version: i64,
) -> CommandResult<Option<SavedUserEdits>> {
    let session = state.session()?;
    let actor = session.actor;
    let Some(path) =
        dialogs::open_path(&app, "Upload voicemail greeting", ("WAV audio", &["wav"]))?
    else {
        return Ok(None);
    };
    // Refused by its size before it is read when it is too large.
    let audio =
        licensedesk_core::domain::imports::input_file::read_wav(&path).map_err(|e| e.payload())?;
    let edits = UserEdits {
        user_id,
        expected_version,
        greeting: Some(audio),
        ..UserEdits::default()
    };
    session
        .with_org(move |org| org.save_user_edits(actor, &edits).map(Some))
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
        "{name}'s data goes to a safety archive kept {SAFETY_ARCHIVE_DAYS} days, then the license \
         is removed, the number and extension are released, and {name} is deactivated."
    ));
    dialogs::confirm_or_cancel(&app, &format!("Offboard {name}?"), &message, "Offboard")?;
    session
        .with_org(move |org| org.offboard_user(actor, &req))
        .await
}
