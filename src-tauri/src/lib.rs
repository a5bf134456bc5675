//! The Tauri shell: opens the organization file, keeps who is signed in, and translates
//! commands into calls on `licensedesk_core`. No rule lives here.

mod commands;
mod db_path;
mod dialogs;
#[cfg(test)]
mod lockdown;
mod state;

use tauri::{AppHandle, Manager};

pub fn run() {
    tauri::Builder::default()
        // First, so that a second start on the same file hands over and exits before
        // anything else runs.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(db_path::instance_id(&db_path::from_command_line()))
                .callback(|app, _args, _cwd| focus_main_window(app))
                .build(),
        )
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let path = db_path::resolve(app.handle())?;
            app.manage(state::AppState::open(path));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::licenses::sign_in,
            commands::licenses::sign_out,
            commands::licenses::current_session,
            commands::licenses::search_users,
            commands::licenses::get_user,
            commands::licenses::license_inventory,
            commands::licenses::assign_license,
            commands::removal::removal_impact,
            commands::removal::export_user_data,
            commands::removal::confirm_license_removal,
            commands::removal::remove_license,
            commands::removal::safety_archives,
            commands::recordings::recordings,
            commands::recordings::recording_audio,
            commands::recordings::export_recording,
            commands::billing::purchase_preview,
            commands::billing::purchase_licenses,
            commands::billing::cancellation_preview,
            commands::billing::request_cancellation,
            commands::billing::withdraw_cancellation,
            commands::billing::billing_summary,
            commands::billing::billing_history,
            commands::billing::export_billing_history,
            commands::change::change_preview,
            commands::change::confirm_license_change,
            commands::change::change_license,
            commands::admin::open_failure,
            commands::admin::account_choices,
            commands::admin::audit_log,
            commands::admin::verify_audit_log,
            commands::admin::export_audit_log,
            commands::admin::accounts,
            commands::admin::roles,
            commands::admin::create_account,
            commands::admin::update_account,
            commands::admin::reset_password,
            commands::backups::backups,
            commands::backups::back_up_now,
            commands::backups::restore_backup,
        ])
        .run(tauri::generate_context!())
        .expect("LicenseDesk could not start its window");
}

/// A second start on the same organization file lands here: the running window comes forward.
fn focus_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
