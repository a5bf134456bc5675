//! Facts about this build and window, for the About dialog.

use licensedesk_core::AppInfo;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// Version, organization file and schema version. Needs no sign-in, like Help > About.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    Ok(AppInfo::new(env!("CARGO_PKG_VERSION"), &state.path()))
}
