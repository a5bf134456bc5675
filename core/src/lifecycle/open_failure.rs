//! Why an organization file could not be opened, and what the admin can do about it: the
//! failure screen's text and which of its actions apply (open another file and create a new
//! organization always; restore a backup when the file itself is damaged and backups exist).

use std::path::Path;

use crate::base::error::Error;
use crate::storage::backup::{self, BackupInfo};

/// What went wrong, as far as the admin's next step is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// Not SQLite, truncated, or damaged inside.
    Damaged,
    /// A database of another program.
    NotAnOrganization,
    /// Written by a newer LicenseDesk.
    TooNew,
    /// Its tables, indexes, triggers or views were changed by another program.
    Tampered,
    /// The file or its folder cannot be written.
    ReadOnly,
    /// Another program holds it locked.
    Locked,
    /// Its folder does not exist.
    MissingFolder,
    Other,
}

#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct OpenFailure {
    /// The file's path, or (on a server) the server's address without its password.
    pub path: String,
    /// The organization is on a server (`postgres://…`), not in a file.
    pub on_server: bool,
    pub kind: FailureKind,
    pub error: crate::ErrorPayload,
    pub advice: String,
    /// Backups that can replace the file, newest first; empty unless the file is damaged.
    pub backups: Vec<BackupInfo>,
}

fn kind_of(path: &Path, error: &Error) -> FailureKind {
    if path
        .parent()
        .is_some_and(|dir| !dir.as_os_str().is_empty() && !dir.is_dir())
    {
        return FailureKind::MissingFolder;
    }
    let text = error.to_string();
    match error {
        Error::DatabaseTooNew { .. } => FailureKind::TooNew,
        Error::NotAnOrganization { .. } => FailureKind::NotAnOrganization,
        Error::ReadOnlyFile { .. } => FailureKind::ReadOnly,
        Error::SchemaTampered { .. } => FailureKind::Tampered,
        Error::Database(_) if text.contains("not a database") || text.contains("malformed") => {
            FailureKind::Damaged
        }
        Error::Database(_) if text.contains("readonly") || text.contains("read-only") => {
            FailureKind::ReadOnly
        }
        Error::Database(_) if text.contains("locked") || text.contains("busy") => {
            FailureKind::Locked
        }
        Error::Migration(_) => FailureKind::Damaged,
        _ => FailureKind::Other,
    }
}

impl OpenFailure {
    pub fn new(path: &Path, error: &Error) -> Self {
        let kind = kind_of(path, error);
        let backups = match kind {
            FailureKind::Damaged => backup::list(&backup::dir_for(path)).unwrap_or_default(),
            _ => Vec::new(),
        };
        let unchanged = "LicenseDesk did not change the file.";
        let elsewhere = "Or open another file, or create a new organization.";
        let folder = path
            .parent()
            .map_or_else(String::new, |d| d.display().to_string());
        let advice = match kind {
            FailureKind::Damaged if backups.is_empty() => format!(
                "This file is not a LicenseDesk organization, or it is damaged. {unchanged} No \
                 backups of it were found in {}. If you keep a copy elsewhere, open that copy, or \
                 create a new organization.",
                backup::dir_for(path).display()
            ),
            FailureKind::Damaged => format!(
                "This file is damaged. {unchanged} Restore a backup: the damaged file is kept \
                 unchanged beside it under another name. {elsewhere}"
            ),
            FailureKind::NotAnOrganization => format!(
                "Choose the organization file itself (LicenseDesk files hold one organization \
                 each). {elsewhere}"
            ),
            FailureKind::TooNew => format!(
                "Open this file with the newer version of LicenseDesk. {unchanged} {elsewhere}"
            ),
            FailureKind::Tampered => format!(
                "Its structure no longer matches what LicenseDesk creates, so its records (the \
                 audit log among them) cannot be trusted. Open the original file or a backup \
                 taken before the change, or ask whoever sent it for a fresh copy. {unchanged} \
                 {elsewhere}"
            ),
            FailureKind::ReadOnly => format!(
                "LicenseDesk cannot write to this file or its folder ({folder}). Check their \
                 permissions, or copy the file into a folder of yours and open the copy. \
                 {unchanged} {elsewhere}"
            ),
            FailureKind::Locked => format!(
                "Another program holds this file locked (another LicenseDesk, or a backup or sync \
                 tool). Close it, then open the file again. {unchanged} {elsewhere}"
            ),
            FailureKind::MissingFolder => format!(
                "The folder {folder} does not exist: a drive that is not connected, or a mistyped \
                 path. Connect or create it, then open the file again. LicenseDesk created \
                 nothing. {elsewhere}"
            ),
            FailureKind::Other => format!("{unchanged} {elsewhere}"),
        };
        Self {
            path: path.display().to_string(),
            on_server: false,
            kind,
            error: error.payload(),
            advice,
            backups,
        }
    }
}

impl OpenFailure {
    /// An organization on a server that could not be opened: the server named as the window
    /// shows it (never its password), and what to check. Nothing is kept offline for it.
    pub fn on_server(shown: &str, error: &Error) -> Self {
        let cause = match error {
            Error::ServerUnreachable { .. } => {
                "The server did not answer: check that it is running and that this computer \
                 reaches it (network, VPN), then open it again."
            }
            Error::InvalidInput { .. } => "Check the address, then open it again.",
            _ => "Ask the server's administrator, then open it again.",
        };
        Self {
            path: shown.to_owned(),
            on_server: true,
            kind: FailureKind::Other,
            error: error.payload(),
            advice: format!(
                "{cause} LicenseDesk changed nothing, and keeps nothing of a server's \
                 organization on this computer: work offline in an organization file. Or open \
                 another file, or create a new organization."
            ),
            backups: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::storage::db::schema_version;
    use crate::storage::pre_migration_copy::open;

    fn failure(path: &Path) -> OpenFailure {
        let err = crate::Org::open_with_system_clock(path).err().unwrap();
        OpenFailure::new(path, &err)
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_and_left_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.sqlite");
        let text = b"These are meeting notes, not an organization. ".repeat(200);
        std::fs::write(&path, &text).unwrap();
        let failure = failure(&path);
        assert_eq!(failure.kind, FailureKind::Damaged);
        assert!(
            failure.advice.contains("not a LicenseDesk organization"),
            "{}",
            failure.advice
        );
        assert!(failure.backups.is_empty());
        assert_eq!(std::fs::read(&path).unwrap(), text);
    }

    #[test]
    fn a_truncated_database_is_refused_and_its_backups_are_offered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.sqlite");
        drop(crate::Org::open_with_system_clock(&path).unwrap());
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
        let before = std::fs::read(&path).unwrap();
        let failure = failure(&path);
        assert_eq!(failure.kind, FailureKind::Damaged, "{:?}", failure.error);
        // The demo's first open took the daily backup.
        assert_eq!(failure.backups.len(), 1);
        assert!(failure.advice.contains("Restore a backup"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_newer_file_gets_advice_to_use_the_newer_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.sqlite");
        drop(open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", schema_version() + 5)
            .unwrap();
        let failure = failure(&path);
        assert_eq!(failure.kind, FailureKind::TooNew);
        assert!(failure.advice.contains("newer version"));
    }

    #[test]
    fn another_programs_database_is_refused_without_a_single_byte_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("places.sqlite");
        let other = Connection::open(&path).unwrap();
        other
            .execute_batch("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places (url) VALUES ('https://example.org');")
            .unwrap();
        drop(other);
        let before = std::fs::read(&path).unwrap();
        let failure = failure(&path);
        assert_eq!(failure.kind, FailureKind::NotAnOrganization);
        assert_eq!(failure.error.code, "not_an_organization");
        assert!(failure.error.message.contains("moz_places"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        assert!(!dir.path().join("places.sqlite-wal").exists());
    }

    /// Makes `path` read-only for this process: its mode, and for root (who ignores modes)
    /// the immutable attribute. Undone on drop so that the temporary folder can go.
    struct ReadOnly<'a>(&'a Path, bool);

    impl<'a> ReadOnly<'a> {
        fn new(path: &'a Path) -> Self {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).unwrap();
            let writable = std::fs::OpenOptions::new().write(true).open(path).is_ok();
            if writable {
                let status = std::process::Command::new("chattr")
                    .arg("+i")
                    .arg(path)
                    .status()
                    .expect("chattr (e2fsprogs) makes the file read-only for root");
                assert!(status.success());
                assert!(std::fs::OpenOptions::new().write(true).open(path).is_err());
            }
            Self(path, writable)
        }
    }

    impl Drop for ReadOnly<'_> {
        fn drop(&mut self) {
            if self.1 {
                let _ = std::process::Command::new("chattr")
                    .arg("-i")
                    .arg(self.0)
                    .status();
            }
        }
    }

    #[test]
    fn a_read_only_file_is_refused_with_advice_about_permissions_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.sqlite");
        drop(crate::Org::open_with_system_clock(&path).unwrap());
        let before = std::fs::read(&path).unwrap();
        let _read_only = ReadOnly::new(&path);
        let failure = failure(&path);
        assert_eq!(failure.kind, FailureKind::ReadOnly, "{:?}", failure.error);
        assert!(
            failure.advice.contains("cannot write"),
            "{}",
            failure.advice
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_file_locked_by_another_process_is_refused_with_advice_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.sqlite");
        drop(crate::Org::open_with_system_clock(&path).unwrap());
        // Another program's connection takes the file for itself and keeps it.
        let holder = Connection::open(&path).unwrap();
        holder
            .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")
            .unwrap();
        let before = std::fs::read(&path).unwrap();
        let failure = failure(&path);
        assert_eq!(failure.kind, FailureKind::Locked, "{:?}", failure.error);
        assert!(failure.advice.contains("Another program holds this file"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        drop(holder);
    }

    #[test]
    fn a_path_in_a_missing_folder_is_refused_and_nothing_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("usb-stick");
        let path = missing.join("org.sqlite");
        let failure = failure(&path);
        assert_eq!(failure.kind, FailureKind::MissingFolder);
        assert!(failure.advice.contains("does not exist"));
        assert!(failure.advice.contains(&missing.display().to_string()));
        assert!(!missing.exists());
    }
}
