//! Opening an organization file: connection settings and schema migrations, in one place.
//!
//! Migrations run in one transaction; a file written by a newer LicenseDesk is refused and
//! left untouched.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::error::{Error, Result};

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_init.sql")),
    M::up(include_str!("migrations/0002_user_data.sql")),
    M::up(include_str!("migrations/0003_billing.sql")),
    M::up(include_str!("migrations/0004_user_setup.sql")),
    M::up(include_str!("migrations/0005_search.sql")),
    M::up(include_str!("migrations/0006_scale.sql")),
];

/// 32 MiB of pages (SQLite's default is 2): at 100,000 users the list's tables and indexes
/// (users, their numbers and seats, the search indexes) stay in memory between pages.
pub(crate) const CACHE_SIZE: i64 = -32_768;

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Opens (creating if needed) the organization file at `path` and brings its schema up to date.
///
/// An existing file that has something to migrate is backed up first (see [`crate::backup`]);
/// if that backup fails, the file is not migrated.
pub fn open(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    configure(&conn)?;
    let found = user_version(&conn)?;
    if found > 0 && found < schema_version() {
        crate::backup::before_migration(&conn, path)?;
    }
    migrate(&mut conn)?;
    Ok(conn)
}

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

fn configure(conn: &Connection) -> Result<()> {
    // Another window or process may hold the write lock for a moment: wait, don't fail.
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // Durable commits: an assignment that was confirmed survives a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "cache_size", CACHE_SIZE)?;
    // Plans that do not depend on bound values: otherwise SQLite prepares a cached statement
    // with `LIMIT ?` again on every run (a page of the list spent more on that than on
    // reading its rows).
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let found = user_version(conn)?;
    if found > schema_version() {
        return Err(Error::DatabaseTooNew {
            found,
            supported: schema_version(),
        });
    }
    Migrations::from_slice(MIGRATIONS)
        .to_latest(conn)
        .map_err(|e| Error::Migration(e.to_string()))
}

/// Brings a connection to schema `version` exactly (as an older LicenseDesk left it), for
/// the migration tests; covers every migration in [`MIGRATIONS`], later ones included.
#[cfg(test)]
pub(crate) fn migrate_to(conn: &mut Connection, version: usize) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Migrations::from_slice(MIGRATIONS)
        .to_version(conn, version)
        .map_err(|e| Error::Migration(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_gets_the_current_schema_with_foreign_keys_and_wal() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("org.sqlite")).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, schema_version());
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn migrations_are_valid() {
        Migrations::from_slice(MIGRATIONS).validate().unwrap();
    }

    #[test]
    fn a_file_from_a_newer_version_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.sqlite");
        drop(open(&path).unwrap());
        let newer = schema_version() + 1;
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", newer)
            .unwrap();
        let err = open(&path).unwrap_err();
        assert_eq!(err.code(), "database_too_new");
        let after: i64 = Connection::open(&path)
            .unwrap()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(after, newer);
    }

    #[test]
    fn reopening_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.sqlite");
        drop(open(&path).unwrap());
        drop(open(&path).unwrap());
    }
}

/// Why an organization file could not be opened, and what the admin can do about it.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct OpenFailure {
    pub path: String,
    pub error: crate::ErrorPayload,
    pub advice: String,
}

impl OpenFailure {
    pub fn new(path: &Path, error: &Error) -> Self {
        let start = "start LicenseDesk with: licensedesk --db /path/to/other.sqlite";
        let other = format!("To work with another organization, {start}.");
        let advice = match error {
            Error::DatabaseTooNew { .. } => format!(
                "Open this file with the newer version of LicenseDesk. LicenseDesk did not change it. {other}"
            ),
            Error::Database(e) if e.to_string().contains("not a database") => format!(
                "This file is not a LicenseDesk organization, or it is damaged. LicenseDesk did not change it. Restore a backup copy of the file, or, to work with another organization, {start}."
            ),
            Error::Database(e) if e.to_string().contains("readonly") || e.to_string().contains("read-only") => format!(
                "The file or its folder cannot be written to. Check its permissions (LicenseDesk needs to write beside it). {other}"
            ),
            Error::Database(e) if e.to_string().contains("locked") || e.to_string().contains("busy") => format!(
                "Another program is holding this file. Close the other LicenseDesk window or program, then start LicenseDesk again. {other}"
            ),
            _ => format!("LicenseDesk did not change the file. {other}"),
        };
        Self {
            path: path.display().to_string(),
            error: error.payload(),
            advice,
        }
    }
}

#[cfg(test)]
mod damaged_file_tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_database_is_refused_and_left_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.sqlite");
        let text = b"These are meeting notes, not an organization. ".repeat(200);
        std::fs::write(&path, &text).unwrap();
        let err = crate::Org::open_with_system_clock(&path).err().unwrap();
        let failure = OpenFailure::new(&path, &err);
        assert!(
            failure.advice.contains("not a LicenseDesk organization"),
            "{}",
            failure.advice
        );
        assert_eq!(std::fs::read(&path).unwrap(), text);
    }

    #[test]
    fn a_truncated_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.sqlite");
        drop(crate::Org::open_with_system_clock(&path).unwrap());
        let bytes = std::fs::read(&path).unwrap();
        let cut = dir.path().join("cut.sqlite");
        std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
        let before = std::fs::read(&cut).unwrap();
        assert!(crate::Org::open_with_system_clock(&cut).is_err());
        assert_eq!(std::fs::read(&cut).unwrap(), before);
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
        let err = crate::Org::open_with_system_clock(&path).err().unwrap();
        assert!(OpenFailure::new(&path, &err)
            .advice
            .contains("newer version"));
    }
}
