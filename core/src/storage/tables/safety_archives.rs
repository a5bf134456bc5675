//! The safety_archives table's SQL: the archive written before each removal, its file name,
//! its expiry and its stored copy.

use rusqlite::{params, Connection};

use crate::base::error::Result;

/// An archive as the user's list shows it.
pub(crate) struct ListedArchive {
    /// The stored file name (a full path for archives written before names were stored).
    pub path: String,
    pub created_at: String,
    pub expires_at: String,
}

/// An archive the start after a sign-in must tend: expired, or with a stored copy.
pub(crate) struct ArchiveToTend {
    pub id: i64,
    pub path: String,
    pub expired: bool,
    pub has_copy: bool,
}

/// Records an archive with its stored copy and no file name yet; answers its id, which names
/// the file ([`set_path`]).
pub(crate) fn insert(
    conn: &Connection,
    user_id: i64,
    sha256: &str,
    created_at: &str,
    expires_at: &str,
    zip: &[u8],
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO safety_archives (user_id, path, sha256, created_at, expires_at, zip)
         VALUES (?1, '', ?2, ?3, ?4, ?5)",
    )?
    .execute(params![user_id, sha256, created_at, expires_at, zip])?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn set_path(conn: &Connection, id: i64, path: &str) -> Result<()> {
    conn.prepare_cached("UPDATE safety_archives SET path = ?2 WHERE id = ?1")?
        .execute(params![id, path])?;
    Ok(())
}

/// The user's archives, the newest first.
pub(crate) fn for_user(conn: &Connection, user_id: i64) -> Result<Vec<ListedArchive>> {
    let mut stmt = conn.prepare(
        "SELECT path, created_at, expires_at FROM safety_archives WHERE user_id = ?1 ORDER BY id DESC",
    )?;
    let rows = stmt
        .query_map([user_id], |r| {
            Ok(ListedArchive {
                path: r.get(0)?,
                created_at: r.get(1)?,
                expires_at: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The archives expired at `now` or still holding a stored copy.
pub(crate) fn to_tend(conn: &Connection, now: &str) -> Result<Vec<ArchiveToTend>> {
    let mut stmt = conn.prepare(
        "SELECT id, path, expires_at < ?1, zip IS NOT NULL FROM safety_archives
         WHERE expires_at < ?1 OR zip IS NOT NULL",
    )?;
    let rows = stmt
        .query_map([now], |r| {
            Ok(ArchiveToTend {
                id: r.get(0)?,
                path: r.get(1)?,
                expired: r.get(2)?,
                has_copy: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The stored copy of an archive (read only when its file is missing: the start stays quick).
pub(crate) fn stored_copy(conn: &Connection, id: i64) -> Result<Vec<u8>> {
    Ok(
        conn.query_row("SELECT zip FROM safety_archives WHERE id = ?1", [id], |r| {
            r.get(0)
        })?,
    )
}

/// Drops the stored copies of the archives expired at `now`; their listing stays.
pub(crate) fn drop_expired_copies(conn: &Connection, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE safety_archives SET zip = NULL WHERE expires_at < ?1 AND zip IS NOT NULL",
        [now],
    )?;
    Ok(())
}
