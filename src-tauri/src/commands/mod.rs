//! The commands the UI may call. Each takes the signed-in actor, calls core on the blocking
//! pool, and maps the error; native dialogs are shown here and only here.

pub mod admin;
pub mod app;
pub mod backups;
pub mod billing;
pub mod change;
pub mod files;
pub mod licenses;
pub mod long_work;
pub mod organization;
pub mod recordings;
pub mod removal;
pub mod restore;
pub mod savings;
pub mod servers;
pub mod setup;
pub mod users_io;

use licensedesk_core::{Actor, ErrorPayload, Org};
use tauri::AppHandle;

use crate::state::AppState;

pub type CommandResult<T> = Result<T, ErrorPayload>;

/// Asks in the native save dialog where to write, then has core write there as the signed-in
/// actor; the path written, or None when the admin cancels the dialog.
pub(crate) async fn save_as<F>(
    app: &AppHandle,
    state: &AppState,
    title: &str,
    suggested_name: &str,
    filter: (&str, &[&str]),
    write: F,
) -> CommandResult<Option<String>>
where
    F: FnOnce(&mut Org, Actor, &std::path::Path) -> licensedesk_core::Result<()> + Send + 'static,
{
    let session = state.session()?;
    let actor = session.actor;
    let Some(dest) = crate::dialogs::save_path(app, title, suggested_name, filter)? else {
        return Ok(None);
    };
    let shown = dest.display().to_string();
    session
        .with_org(move |org| write(org, actor, &dest))
        .await?;
    Ok(Some(shown))
}
