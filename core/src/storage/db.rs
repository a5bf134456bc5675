//! Opening an organization file: connection settings and schema migrations, in one place.
//!
//! Migrations run in one transaction; a file written by a newer LicenseDesk is refused and
//! left untouched.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::base::error::{Error, Result};

mod schema_check;

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("migrations/0001_init.sql")),
    M::up(include_str!("migrations/0002_user_data.sql")),
    M::up(include_str!("migrations/0003_billing.sql")),
    M::up(include_str!("migrations/0004_user_setup.sql")),
    M::up(include_str!("migrations/0005_search.sql")),
    M::up(include_str!("migrations/0006_scale.sql")),
    M::up(include_str!("migrations/0007_user_texts.sql")),
    M::up(include_str!("migrations/0008_audit_autoincrement.sql")),
    M::up(include_str!("migrations/0009_site_country.sql")),
    M::up(include_str!("migrations/0010_archive_restore.sql")),
    M::up(include_str!("migrations/0011_search_rewrites.sql")),
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
/// An existing file that has something to migrate is first handed to `before_migrating`
/// (`pre_migration_copy` copies it there): its answer is returned, and its failure leaves the
/// file as it was.
pub(crate) fn open<T>(
    path: &Path,
    before_migrating: impl FnOnce(&Connection) -> Result<T>,
) -> Result<(Connection, Option<T>)> {
    // A new file is the user's only (SQLite gives its -wal and -shm the same mode). When
    // this fails (a missing folder, a file already there), SQLite's own open says why.
    let _ = crate::storage::files::create_new(path);
    let mut conn = open_hardened(path)?;
    // Another window or process may hold the write lock for a moment: wait, don't fail.
    conn.busy_timeout(Duration::from_secs(5))?;
    // Read-only checks first: a file that is refused is left exactly as it was (switching it
    // to WAL would already rewrite its header).
    // SQLite quietly opens a file it may not write read-only; every change would then fail.
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        return Err(Error::ReadOnlyFile {
            path: path.display().to_string(),
        });
    }
    let found = user_version(&conn)?;
    if found == 0 {
        refuse_foreign_tables(&conn)?;
    }
    if found > schema_version() {
        return Err(Error::DatabaseTooNew {
            found,
            supported: schema_version(),
        });
    }
    if found > 0 {
        schema_check::check(&conn, found)?;
    }
    configure(&conn)?;
    let copy = if found > 0 && found < schema_version() {
        Some(before_migrating(&conn)?)
    } else {
        None
    };
    migrate(&mut conn)?;
    Ok((conn, copy))
}

/// Opens a connection to a file LicenseDesk did not necessarily write: its schema can carry
/// no SQL function call (a trigger or view calling `load_extension`, or `writefile` should
/// one ever be registered, is not run) and SQL cannot corrupt the file through pragmas or
/// direct writes to its schema table.
pub(crate) fn open_hardened(path: &Path) -> Result<Connection> {
    harden(Connection::open(path)?)
}

/// See [`open_hardened`]; for a connection opened with flags of its own.
pub(crate) fn harden(conn: Connection) -> Result<Connection> {
    conn.pragma_update(None, "trusted_schema", "OFF")?;
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    Ok(conn)
}

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// A file without a LicenseDesk schema version must be empty: tables there belong to another
/// program (a browser's places.sqlite chosen in File > Open), and migrating would write into it.
fn refuse_foreign_tables(conn: &Connection) -> Result<()> {
    let mut stmt =
        conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 4")?;
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if tables.is_empty() {
        return Ok(());
    }
    Err(Error::NotAnOrganization {
        tables: format!("tables {}", tables.join(", ")),
    })
}

/// What changes whenever the file's content may have: a commit by another connection
/// (`data_version`) or any write through this one (its count of changed rows). Equal
/// markers read at two moments mean nothing was written in between.
pub(crate) fn change_marker(conn: &Connection) -> Result<(i64, u64)> {
    let data_version = conn.pragma_query_value(None, "data_version", |r| r.get(0))?;
    Ok((data_version, conn.total_changes()))
}

/// The connection's page cache: `CACHE_SIZE`, or more for one large transaction (negative
/// sizes are KiB, as SQLite counts them).
pub(crate) fn set_cache_size(conn: &Connection, size: i64) -> Result<()> {
    Ok(conn.pragma_update(None, "cache_size", size)?)
}

/// Foreign keys enforced on this connection (SQLite's default is off).
pub(crate) fn enforce_foreign_keys(conn: &Connection) -> Result<()> {
    Ok(conn.pragma_update(None, "foreign_keys", "ON")?)
}

/// The file in write-ahead-log mode again (a restore copies in a file in another mode).
pub(crate) fn use_write_ahead_log(conn: &Connection) -> Result<()> {
    Ok(conn.pragma_update(None, "journal_mode", "WAL")?)
}

/// SQLite's quick integrity check: "ok", or the first problems it found.
pub(crate) fn quick_check(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row("PRAGMA quick_check", [], |r| r.get(0))
}

fn configure(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // Durable commits: an assignment that was confirmed survives a power cut.
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Work on many users (an import, a bulk change) runs the same ~20 statements per user:
    // keep them all prepared (the default cache of 16 would evict them in turn).
    conn.set_prepared_statement_cache_capacity(128);
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

/// Brings a connection to schema `version` exactly (as an older LicenseDesk left it): the
/// schema a file of that version must have, and the migration tests' starting points.
pub(crate) fn migrate_to(conn: &mut Connection, version: usize) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Migrations::from_slice(MIGRATIONS)
        .to_version(conn, version)
        .map_err(|e| Error::Migration(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::pre_migration_copy::open;

    #[test]
    fn a_new_file_gets_the_current_schema_with_foreign_keys_and_wal() {
        let dir = tempfile::tempdir().unwrap();
        let (conn, _) = open(&dir.path().join("org.sqlite")).unwrap();
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

    /// One statement rewriting more than 32 MiB inside a large transaction commits, as the
    /// 1,000,000-user demo's UPDATE of every seat does (built with a 32 MiB
    /// `SQLITE_STMTJRNL_SPILL`, SQLite failed it with SQLITE_FULL).
    #[test]
    fn a_statement_with_a_journal_over_32_mib_commits() {
        let dir = tempfile::tempdir().unwrap();
        let (mut conn, _) = open(&dir.path().join("org.sqlite")).unwrap();
        set_cache_size(&conn, -256_000).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(
            "CREATE TABLE big (id INTEGER PRIMARY KEY, text TEXT NOT NULL,
                 parent INTEGER REFERENCES big (id));
             CREATE INDEX big_parent ON big (parent);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
             INSERT INTO big (id, text) SELECT i, printf('%.200c', 'x') FROM n;",
        )
        .unwrap();
        tx.execute(
            "UPDATE big SET parent = (SELECT min(id) FROM big AS b WHERE b.id = big.id % 7 + 1)",
            [],
        )
        .unwrap();
        tx.commit().unwrap();
        let parents: i64 = conn
            .query_row(
                "SELECT count(*) FROM big WHERE parent IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(parents, 200_000);
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
        let err = open(&path).err().expect("refused");
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
