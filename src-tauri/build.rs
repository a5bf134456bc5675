const COMMANDS: &[&str] = &[
    "sign_in",
    "sign_out",
    "current_session",
    "search_users",
    "get_user",
    "license_inventory",
    "assign_license",
    "removal_impact",
    "export_user_data",
    "confirm_license_removal",
    "remove_license",
    "safety_archives",
    "recordings",
    "recording_audio",
    "export_recording",
    "purchase_preview",
    "purchase_licenses",
    "cancellation_preview",
    "request_cancellation",
    "withdraw_cancellation",
    "billing_summary",
    "billing_history",
    "export_billing_history",
    "change_preview",
    "confirm_license_change",
    "change_license",
    "open_failure",
    "account_choices",
    "audit_log",
    "verify_audit_log",
    "export_audit_log",
    "accounts",
    "roles",
    "create_account",
    "update_account",
    "reset_password",
    "backups",
    "back_up_now",
    "restore_backup",
];

fn main() {
    // Declaring the app's commands makes each one a permission of its own, so that the
    // capability file grants exactly these and nothing else.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
