//! The file as it was before this version migrated it: copied into memory at open, written
//! to the backup folder at the first successful sign-in. Opening a file writes nothing
//! outside it (docs/ARCHITECTURE.md), so the copy waits for someone who may use the file.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::backup::{self, BackupReason};
use crate::error::{Error, Result};
use crate::org::Org;

/// Opens the file with `db::open`, copying it when it is about to be migrated.
pub(crate) fn open(path: &Path) -> Result<(Connection, Option<PreMigrationCopy>)> {
    crate::db::open(path, |conn| PreMigrationCopy::take(conn, path))
}

pub(crate) struct PreMigrationCopy {
    copy: Connection,
    taken_at: DateTime<Utc>,
    /// A write at an earlier sign-in failed (its warning is shown until one succeeds).
    failed_before: bool,
}

impl PreMigrationCopy {
    /// Copies `conn` (not yet migrated) into memory. Fails, so that the file is not migrated,
    /// when the backup folder beside `db_path` plainly cannot take the copy later.
    pub(crate) fn take(conn: &Connection, db_path: &Path) -> Result<Self> {
        refuse_unwritable_folder(&backup::dir_for(db_path))?;
        let mut copy = Connection::open_in_memory()?;
        backup::copy(conn, &mut copy)?;
        Ok(Self {
            copy,
            taken_at: Utc::now(),
            failed_before: false,
        })
    }
}

/// Checked from metadata only: nothing is created here.
fn refuse_unwritable_folder(dir: &Path) -> Result<()> {
    let unwritable = |cause: &str| Error::Io {
        path: dir.display().to_string(),
        cause: format!("{cause}; the file is not updated to this version without its backup there"),
    };
    match std::fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => Err(unwritable("a file is in the way of the backup folder")),
        Ok(meta) if meta.permissions().readonly() => {
            Err(unwritable("the backup folder is read-only"))
        }
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let parent = dir.parent().unwrap_or(Path::new("."));
            match std::fs::metadata(parent) {
                Ok(meta) if meta.permissions().readonly() => {
                    Err(unwritable("its folder is read-only"))
                }
                _ => Ok(()),
            }
        }
        Err(e) => Err(unwritable(&e.to_string())),
    }
}

impl Org {
    /// After a successful sign-in: writes the copy taken before migrating, if any. A failure
    /// keeps the copy for the next sign-in and is shown on the Backups page.
    pub(crate) fn write_pre_migration_copy(&mut self) {
        let Some(mut pending) = self.pre_migration_copy.take() else {
            return;
        };
        let dir = self.backup_dir();
        let written = backup::create(
            &pending.copy,
            &dir,
            pending.taken_at,
            BackupReason::BeforeMigration,
        )
        .and_then(|_| backup::prune(&dir, backup::KEEP));
        match written {
            Ok(()) if pending.failed_before => self.backup_warning = None,
            Ok(()) => {}
            Err(e) => {
                self.backup_warning = Some(format!(
                    "The copy of this file as it was before this version updated it could not \
                     be written to the backup folder: {e}. It is tried again at the next sign-in."
                ));
                pending.failed_before = true;
                self.pre_migration_copy = Some(pending);
            }
        }
    }
}
