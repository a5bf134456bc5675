//! What the About dialog shows, the commands the application menu sends to the UI, and what
//! a window on a server hears of it. All cross IPC, so they are defined here once and exported
//! to TypeScript.

/// Facts for the About dialog: which build, which file or server, which schema.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct AppInfo {
    pub version: String,
    /// The organization file this window works on, or its server without the password.
    pub database_path: String,
    /// True when `database_path` is a server's address, not a file.
    pub on_server: bool,
    /// The schema version this build writes (see `db::schema_version`).
    #[ts(type = "number")]
    pub schema_version: i64,
}

impl AppInfo {
    /// `place` is the file's path or the server's address as the window shows it.
    pub fn new(version: &str, place: &str, on_server: bool) -> Self {
        Self {
            version: version.to_string(),
            database_path: place.to_string(),
            on_server,
            schema_version: crate::storage::db::schema_version(),
        }
    }
}

/// An application-menu item the UI acts on (the shell handles Quit and Edit itself). File > New
/// and Open go through the UI too, so that every screen reloads from the new file.
/// Serialized as the menu item's id, e.g. `"view_users"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum MenuCommand {
    FileNew,
    FileOpen,
    FileConnectServer,
    FileMoveToServer,
    FileExportUsers,
    ViewUsers,
    ViewLicenses,
    ViewBilling,
    ViewRecordings,
    ViewAuditLog,
    HelpAbout,
    HelpShortcuts,
}

impl MenuCommand {
    pub const ALL: [MenuCommand; 12] = [
        MenuCommand::FileNew,
        MenuCommand::FileOpen,
        MenuCommand::FileConnectServer,
        MenuCommand::FileMoveToServer,
        MenuCommand::FileExportUsers,
        MenuCommand::ViewUsers,
        MenuCommand::ViewLicenses,
        MenuCommand::ViewBilling,
        MenuCommand::ViewRecordings,
        MenuCommand::ViewAuditLog,
        MenuCommand::HelpAbout,
        MenuCommand::HelpShortcuts,
    ];

    /// The menu item's id: the same string the UI receives.
    pub fn id(self) -> &'static str {
        match self {
            MenuCommand::FileNew => "file_new",
            MenuCommand::FileOpen => "file_open",
            MenuCommand::FileConnectServer => "file_connect_server",
            MenuCommand::FileMoveToServer => "file_move_to_server",
            MenuCommand::FileExportUsers => "file_export_users",
            MenuCommand::ViewUsers => "view_users",
            MenuCommand::ViewLicenses => "view_licenses",
            MenuCommand::ViewBilling => "view_billing",
            MenuCommand::ViewRecordings => "view_recordings",
            MenuCommand::ViewAuditLog => "view_audit_log",
            MenuCommand::HelpAbout => "help_about",
            MenuCommand::HelpShortcuts => "help_shortcuts",
        }
    }

    pub fn from_id(id: &str) -> Option<MenuCommand> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_are_what_serde_sends() {
        for c in MenuCommand::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.id());
            assert_eq!(MenuCommand::from_id(c.id()), Some(c));
        }
        assert_eq!(MenuCommand::from_id("quit"), None);
    }
}

/// Whether the window's server answers (the banner, and the window read-only until it does),
/// as the shell's `server_status` event carries it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct ServerStatus {
    pub reachable: bool,
    /// Why not, when it is not.
    pub reason: Option<String>,
}
