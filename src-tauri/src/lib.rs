//! The Tauri shell: opens the organization file, keeps who is signed in, and translates
//! commands into calls on `licensedesk_core`. No rule lives here.

mod commands;
mod db_path;
mod state;

use tauri::Manager;

pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let path = db_path::resolve(app.handle())?;
            app.manage(state::AppState::open(path));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::sign_in,
            commands::sign_out,
            commands::current_session,
            commands::search_users,
            commands::get_user,
            commands::license_inventory,
            commands::assign_license,
        ])
        .run(tauri::generate_context!())
        .expect("LicenseDesk could not start its window");
}
