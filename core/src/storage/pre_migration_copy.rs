//! The file as it was before this version migrated it: copied into memory at open, written
//! to the backup folder at the first successful sign-in (`org_backups`). Opening a file writes
//! nothing outside it (docs/ARCHITECTURE.md), so the copy waits for someone who may use the
//! file.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::base::error::{Error, Result};
use crate::storage::backup;

/// Opens the file with `db::open`, copying it when it is about to be migrated.
pub(crate) fn open(path: &Path) -> Result<(Connection, Option<PreMigrationCopy>)> {
    crate::storage::db::open(path, |conn| PreMigrationCopy::take(conn, path))
}

pub(crate) struct PreMigrationCopy {
    pub(crate) copy: Connection,
    pub(crate) taken_at: DateTime<Utc>,
    /// A write at an earlier sign-in failed (its warning is shown until one succeeds).
    pub(crate) failed_before: bool,
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
