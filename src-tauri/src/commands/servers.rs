//! An organization on a PostgreSQL server (docs/ARCHITECTURE.md §Server): File > Connect to
//! Server opens one in this window, File > Move to a Server copies the open file's
//! organization to an empty database and then works on it there. The address typed in the
//! dialog comes here; the window is told the server's name, never its password.

use std::path::PathBuf;

use licensedesk_core::{is_server_address, Error, Field};
use tauri::{AppHandle, State};

use super::files::{open, refresh_title};
use super::CommandResult;
use crate::state::AppState;

fn checked(address: &str) -> CommandResult<String> {
    let address = address.trim();
    if !is_server_address(address) {
        return Err(Error::invalid(
            Field::Server,
            "a server address starts with postgres:// (for example postgres://licensedesk@db.example.com/office).",
        )
        .payload());
    }
    Ok(address.to_owned())
}

/// Opens the organization at `address` in this window (the sign-in follows) and answers the
/// server's name. When it cannot be opened, the organization open now stays open and the
/// dialog shows why.
#[tauri::command]
pub async fn connect_to_server(
    app: AppHandle,
    state: State<'_, AppState>,
    address: String,
) -> CommandResult<String> {
    let address = checked(&address)?;
    let server = open(PathBuf::from(address)).await?;
    if let Some(failure) = server.failure() {
        return Err(failure.error);
    }
    state.switch_to(server);
    refresh_title(&app, &state).await;
    Ok(state.shown_place())
}

/// Copies the open organization to the empty database at `address` (Super Admin; the file
/// is only read), then works on it there: the sign-in follows. Answers what was moved.
#[tauri::command]
pub async fn move_to_server(
    app: AppHandle,
    state: State<'_, AppState>,
    address: String,
) -> CommandResult<String> {
    let address = checked(&address)?;
    let target = address.clone();
    let moved = state
        .signed_in(move |org, actor| org.move_to_server(actor, &target))
        .await?;
    let server = open(PathBuf::from(address)).await?;
    if let Some(failure) = server.failure() {
        return Err(failure.error);
    }
    state.switch_to(server);
    refresh_title(&app, &state).await;
    Ok(moved.summary(&state.shown_place()))
}
