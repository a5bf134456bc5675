//! The Tauri shell: opens the organization file, keeps who is signed in, and translates
//! commands into calls on `licensedesk_core`. No rule lives here.

pub mod cli;
mod commands;
mod db_path;
mod dialogs;
#[cfg(test)]
mod lockdown;
mod menu;
mod state;

use tauri::{AppHandle, Manager};
use tauri_plugin_window_state::StateFlags;

pub fn run() {
    if let Err(message) = generate_demo_if_asked() {
        eprintln!("licensedesk: {message}");
        std::process::exit(2);
    }
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
        // Size, position and maximized state, restored at start and saved on close, in the
        // app config folder. Nothing of it is callable from the UI.
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
                .build(),
        )
        .setup(|app| {
            let path = db_path::resolve(app.handle())?;
            app.manage(state::AppState::open(path, db_path::demo_if_empty()));
            Ok(())
        })
        .menu(menu::build)
        .on_menu_event(menu::on_event)
        .invoke_handler(tauri::generate_handler![
            commands::licenses::sign_in,
            commands::licenses::sign_out,
            commands::licenses::current_session,
            commands::licenses::search_users,
            commands::licenses::count_users,
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
            commands::setup::sites,
            commands::setup::add_user,
            commands::setup::user_setup,
            commands::setup::suggest_extension,
            commands::setup::set_numbers,
            commands::setup::set_voicemail,
            commands::setup::upload_greeting,
            commands::setup::use_default_greeting,
            commands::setup::greeting_audio,
            commands::setup::set_forwarding_rule,
            commands::setup::delete_forwarding_rule,
            commands::setup::set_app_access,
            commands::setup::activate_device,
            commands::setup::deactivate_device,
            commands::setup::confirm_offboarding,
            commands::setup::offboard_user,
            commands::users_io::save_import_template,
            commands::users_io::choose_import_file,
            commands::users_io::recheck_import,
            commands::users_io::apply_import,
            commands::users_io::export_users,
            commands::users_io::bulk_preview,
            commands::users_io::export_selected_user_data,
            commands::users_io::confirm_bulk,
            commands::users_io::bulk_apply,
            commands::organization::organization_unset,
            commands::organization::create_demo_organization,
            commands::organization::setup_organization,
            commands::app::app_info,
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

/// `--demo-users N`: builds a demo organization of N users in the `--db` file, with a
/// progress indicator on the terminal, before the window opens on it.
fn generate_demo_if_asked() -> Result<(), String> {
    use std::io::{IsTerminal, Write};

    let Some(users) = db_path::demo_users() else {
        return Ok(());
    };
    let path = db_path::from_command_line().ok_or(
        "--demo-users needs the file to create: licensedesk --db /path/to/new.sqlite --demo-users 100000",
    )?;
    let started = std::time::Instant::now();
    let tty = std::io::stderr().is_terminal();
    let mut last_tenth = 0;
    let spec = licensedesk_core::demo::DemoSpec {
        users,
        ..Default::default()
    };
    licensedesk_core::demo::create(&path, &spec, &mut |done, total| {
        let percent = done * 100 / total.max(1);
        let mut err = std::io::stderr().lock();
        if tty {
            let bar = "#".repeat(percent / 5) + &".".repeat(20 - percent / 5);
            let _ = write!(
                err,
                "\rGenerating demo organization [{bar}] {done}/{total} users ({percent}%)"
            );
            let _ = err.flush();
        } else if percent / 10 > last_tenth || done == total {
            last_tenth = percent / 10;
            let _ = writeln!(
                err,
                "Generating demo organization: {done}/{total} users ({percent}%)"
            );
        }
    })
    .map_err(|e| e.to_string())?;
    if tty {
        eprintln!();
    }
    eprintln!(
        "Created {} with {users} users in {:.1} s; opening it.",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
