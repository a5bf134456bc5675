//! Facts about this build and window, for the About dialog.

use licensedesk_core::AppInfo;
use tauri::State;

use super::CommandResult;
use crate::state::AppState;

/// Version, organization file and schema version. Needs no sign-in, like Help > About.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> CommandResult<AppInfo> {
    // The server's address without its password, or the file's path.
    Ok(AppInfo::new(
        env!("CARGO_PKG_VERSION"),
        &state.shown_place(),
        state.is_on_server(),
    ))
}

/// The window's first screen is painted and takes input: the work that waited for it starts
/// (see `OpenFile::start_background_work`). With `LICENSEDESK_PERF_LOG` set, the moment is
/// written to stderr for `make bench`, which times a cold start up to this line.
#[tauri::command]
pub fn window_ready(state: State<'_, AppState>, screen: String) {
    if std::env::var_os("LICENSEDESK_PERF_LOG").is_some() {
        eprintln!("licensedesk: ready {screen}");
    }
    state.window_ready();
}
