//! The safety_archives table's SQL: the archive written before each removal, its file name,
//! its expiry and its stored copy.

use rusqlite::Connection;

use crate::base::error::Result;
use crate::storage::engine::{Row, Sql};

/// An archive as the user's list shows it.
pub(crate) struct ListedArchive {
    pub id: i64,
    /// The stored file name (a full path for archives written before names were stored).
    pub path: String,
    pub created_at: String,
    pub expires_at: String,
    pub restored_at: Option<String>,
    pub batch_id: Option<i64>,
    /// The database still holds its copy (dropped once it expired).
    pub has_copy: bool,
}

/// An archive as a restore reads it: its row and what it was checked against.
pub(crate) struct StoredArchive {
    pub id: i64,
    pub user_id: i64,
    pub path: String,
    pub sha256: String,
    pub created_at: String,
    pub expires_at: String,
    pub restored_at: Option<String>,
    pub restored_by: Option<String>,
    pub batch_id: Option<i64>,
}

/// An archive the start after a sign-in must tend: expired, or with a stored copy.
pub(crate) struct ArchiveToTend {
    pub id: i64,
    pub path: String,
    pub expired: bool,
    /// The stored copy's size in bytes; None once it was dropped.
    pub copy_bytes: Option<u64>,
}

/// Records an archive with its stored copy and no file name yet; answers its id, which names
/// the file ([`set_path`]).
pub(crate) fn insert(
    db: Sql<'_>,
    user_id: i64,
    sha256: &str,
    created_at: &str,
    expires_at: &str,
    zip: &[u8],
) -> Result<i64> {
    db.query_one(
        "INSERT INTO safety_archives (user_id, path, sha256, created_at, expires_at, zip)
         VALUES (?1, '', ?2, ?3, ?4, ?5) RETURNING id",
        &[&user_id, &sha256, &created_at, &expires_at, &zip],
        |r| r.get(0),
    )
}

pub(crate) fn set_path(db: Sql<'_>, id: i64, path: &str) -> Result<()> {
    db.execute(
        "UPDATE safety_archives SET path = ?2 WHERE id = ?1",
        &[&id, &path],
    )?;
    Ok(())
}

/// The user's archives, the newest first.
pub(crate) fn for_user<'a>(db: impl Into<Sql<'a>>, user_id: i64) -> Result<Vec<ListedArchive>> {
    db.into().query(
        "SELECT a.id, a.path, a.created_at, a.expires_at, a.restored_at, a.batch_id,
                CAST(CASE WHEN a.zip IS NULL THEN 0 ELSE 1 END AS bigint)
         FROM safety_archives a WHERE a.user_id = ?1 ORDER BY a.id DESC",
        &[&user_id],
        |r| {
            Ok(ListedArchive {
                id: r.get(0)?,
                path: r.get(1)?,
                created_at: r.get(2)?,
                expires_at: r.get(3)?,
                restored_at: r.get(4)?,
                batch_id: r.get(5)?,
                has_copy: r.get::<i64>(6)? == 1,
            })
        },
    )
}

/// The archives expired at `now` or still holding a stored copy.
pub(crate) fn to_tend(conn: &Connection, now: &str) -> Result<Vec<ArchiveToTend>> {
    let mut stmt = conn.prepare(
        "SELECT id, path, expires_at < ?1, length(zip) FROM safety_archives
         WHERE expires_at < ?1 OR zip IS NOT NULL",
    )?;
    let rows = stmt
        .query_map([now], |r| {
            Ok(ArchiveToTend {
                id: r.get(0)?,
                path: r.get(1)?,
                expired: r.get(2)?,
                copy_bytes: r.get::<_, Option<i64>>(3)?.map(|n| n as u64),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The stored copy of an archive (read only when its file is missing or of another size: the
/// start stays quick).
pub(crate) fn stored_copy(conn: &Connection, id: i64) -> Result<Vec<u8>> {
    Ok(
        conn.query_row("SELECT zip FROM safety_archives WHERE id = ?1", [id], |r| {
            r.get(0)
        })?,
    )
}

/// Drops the stored copies of the archives expired at `now`; their listing stays.
/// How many archives past their expiry at `now` still hold their stored copy.
pub(crate) fn expired_copies(db: Sql<'_>, now: &str) -> Result<i64> {
    db.query_one(
        "SELECT count(*) FROM safety_archives WHERE expires_at < ?1 AND zip IS NOT NULL",
        &[&now],
        |r| r.get(0),
    )
}

pub(crate) fn drop_expired_copies(db: Sql<'_>, now: &str) -> Result<()> {
    db.execute(
        "UPDATE safety_archives SET zip = NULL WHERE expires_at < ?1 AND zip IS NOT NULL",
        &[&now],
    )?;
    Ok(())
}

const STORED: &str = "SELECT a.id, a.user_id, a.path, a.sha256, a.created_at, a.expires_at,
        a.restored_at, acc.login, a.batch_id
     FROM safety_archives a LEFT JOIN accounts acc ON acc.id = a.restored_by";

fn stored_row(r: &Row<'_>) -> Result<StoredArchive> {
    Ok(StoredArchive {
        id: r.get(0)?,
        user_id: r.get(1)?,
        path: r.get(2)?,
        sha256: r.get(3)?,
        created_at: r.get(4)?,
        expires_at: r.get(5)?,
        restored_at: r.get(6)?,
        restored_by: r.get(7)?,
        batch_id: r.get(8)?,
    })
}

/// One archive's row, None when there is no such archive.
pub(crate) fn get<'a>(db: impl Into<Sql<'a>>, id: i64) -> Result<Option<StoredArchive>> {
    db.into()
        .query_opt(&format!("{STORED} WHERE a.id = ?1"), &[&id], stored_row)
}

/// The archives of one bulk removal, in the order they were written.
pub(crate) fn of_batch<'a>(db: impl Into<Sql<'a>>, batch_id: i64) -> Result<Vec<StoredArchive>> {
    db.into().query(
        &format!("{STORED} WHERE a.batch_id = ?1 ORDER BY a.id"),
        &[&batch_id],
        stored_row,
    )
}

/// The stored copy of an archive, None once it expired (or for archives written before copies
/// were stored).
pub(crate) fn stored_copy_if_any<'a>(db: impl Into<Sql<'a>>, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(db
        .into()
        .query_opt(
            "SELECT a.zip FROM safety_archives a WHERE a.id = ?1",
            &[&id],
            |r| r.get::<Option<Vec<u8>>>(0),
        )?
        .flatten())
}

/// Links the archives of one bulk removal: each gets the lowest of their ids.
pub(crate) fn link_batch<'a>(db: impl Into<Sql<'a>>, ids: &[i64]) -> Result<()> {
    let Some(first) = ids.iter().min() else {
        return Ok(());
    };
    db.into().execute_for_ids(
        &format!("UPDATE safety_archives SET batch_id = {first} WHERE id IN {{ids}}"),
        ids,
    )?;
    Ok(())
}

/// Marks the archive restored by `account_id` at `now`; false when it already was.
pub(crate) fn mark_restored<'a>(
    db: impl Into<Sql<'a>>,
    id: i64,
    now: &str,
    account_id: i64,
) -> Result<bool> {
    Ok(db.into().execute(
        "UPDATE safety_archives SET restored_at = ?2, restored_by = ?3
         WHERE id = ?1 AND restored_at IS NULL",
        &[&id, &now, &account_id],
    )? == 1)
}

/// The newest archive of the user not restored yet (an offboarding's archive), if any.
pub(crate) fn newest_unrestored_of_user<'a>(
    db: impl Into<Sql<'a>>,
    user_id: i64,
) -> Result<Option<i64>> {
    db.into().query_opt(
        "SELECT a.id FROM safety_archives a WHERE a.user_id = ?1 AND a.restored_at IS NULL
         ORDER BY a.id DESC LIMIT 1",
        &[&user_id],
        |r| r.get(0),
    )
}
