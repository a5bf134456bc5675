// The app's commands, declared once (a file of its own: build.rs includes it too). build.rs
// makes each a permission of its own and describes each function's parameters and result,
// lib.rs registers them with `tauri::generate_handler!`, and a test writes them as the
// TypeScript types that ui/src/backend/index.ts calls with, so a renamed or misspelled
// command, argument key or result type fails to compile on both sides.
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            licenses::sign_in,
            licenses::sign_out,
            licenses::current_session,
            licenses::search_users,
            licenses::count_users,
            licenses::get_user,
            licenses::license_inventory,
            licenses::assign_license,
            removal::removal_impact,
            removal::export_user_data,
            removal::remove_license,
            removal::safety_archives,
            restore::restore_preview,
            restore::restore_from_archive,
            restore::reactivation_preview,
            restore::reactivate_user,
            recordings::recordings,
            recordings::recording_audio,
            recordings::export_recording,
            billing::purchase_preview,
            billing::purchase_licenses,
            billing::cancellation_preview,
            billing::request_cancellation,
            billing::withdraw_cancellation,
            billing::billing_summary,
            billing::billing_history,
            billing::export_billing_history,
            savings::savings,
            savings::savings_idle_days,
            savings::set_savings_idle_days,
            savings::reclaim_preview,
            savings::reclaim,
            billing::cost_breakdown,
            billing::export_cost_breakdown,
            change::change_preview,
            change::change_license,
            admin::open_failure,
            admin::account_choices,
            admin::audit_log,
            admin::verify_audit_log,
            admin::file_problems,
            admin::export_audit_log,
            admin::accounts,
            admin::roles,
            admin::create_account,
            admin::update_account,
            admin::reset_password,
            setup::sites,
            setup::add_user,
            setup::user_setup,
            setup::suggest_extension,
            setup::save_user_edits,
            setup::set_unsaved_edits,
            setup::confirm_discard,
            setup::upload_greeting,
            setup::greeting_audio,
            setup::offboard_user,
            users_io::save_import_template,
            users_io::choose_import_file,
            users_io::recheck_import,
            users_io::apply_import,
            users_io::export_users,
            users_io::bulk_preview,
            users_io::export_selected_user_data,
            users_io::bulk_apply,
            organization::organization_unset,
            organization::create_demo_organization,
            organization::setup_organization,
            files::new_organization_file,
            files::open_organization_file,
            files::reopen_organization_file,
            files::restore_damaged_file,
            servers::connect_to_server,
            servers::move_to_server,
            app::app_info,
            app::window_ready,
            backups::backups,
            backups::back_up_now,
            backups::restore_backup,
            long_work::cancel_long_work,
        }
    };
}

/// The names of the commands listed above (build.rs's permissions, the tests).
#[cfg_attr(not(test), allow(unused_macros))]
macro_rules! command_names {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// Module and name of each command (build.rs reads each one's function; the crate itself
/// does not use this).
#[allow(unused_macros)]
macro_rules! command_paths {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$((stringify!($module), stringify!($name))),*]
    };
}
