//! Cancel for the long work in progress (import, export bundle): it stops at its next
//! report and undoes what it began.

use tauri::State;

use super::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn cancel_long_work(state: State<'_, AppState>) -> CommandResult<()> {
    state.cancel_flag().cancel();
    Ok(())
}
