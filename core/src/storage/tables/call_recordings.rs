//! The call_recordings table's SQL. Recordings are kept for admins when a license is removed.

use rusqlite::Connection;

use crate::base::error::Result;
use crate::storage::engine::Sql;

pub(crate) fn count_for_user(db: Sql<'_>, user_id: i64) -> Result<i64> {
    db.query_one(
        "SELECT count(*) FROM call_recordings WHERE user_id = ?1",
        &[&user_id],
        |r| r.get(0),
    )
}

/// A recording as the Recordings page lists it.
pub(crate) struct RecordingLine {
    pub id: i64,
    pub user_id: i64,
    pub user_name: String,
    /// The product the user holds now.
    pub user_license: Option<String>,
    pub recorded_at: String,
    pub remote_number: String,
    pub duration_seconds: i64,
}

/// The recordings (of one user, or of all), newest first (ordered here, byte by byte as the
/// file's BINARY collation: the server's collation orders text otherwise).
pub(crate) fn list<'a>(db: impl Into<Sql<'a>>, user_id: Option<i64>) -> Result<Vec<RecordingLine>> {
    let mut lines = db.into().query(
        "SELECT r.id, r.user_id, u.first_name || ' ' || u.last_name, p.name,
                r.recorded_at, r.remote_number, r.duration_seconds
         FROM call_recordings r
         JOIN users u ON u.id = r.user_id
         LEFT JOIN seats s ON s.user_id = u.id
         LEFT JOIN products p ON p.id = s.product_id
         WHERE CAST(?1 AS bigint) IS NULL OR r.user_id = ?1",
        &[&user_id],
        |r| {
            Ok(RecordingLine {
                id: r.get(0)?,
                user_id: r.get(1)?,
                user_name: r.get(2)?,
                user_license: r.get(3)?,
                recorded_at: r.get(4)?,
                remote_number: r.get(5)?,
                duration_seconds: r.get(6)?,
            })
        },
    )?;
    lines.sort_by(|a, b| b.recorded_at.cmp(&a.recorded_at).then(b.id.cmp(&a.id)));
    Ok(lines)
}

/// The recording's WAV.
pub(crate) fn audio<'a>(db: impl Into<Sql<'a>>, id: i64) -> Result<Option<Vec<u8>>> {
    db.into().query_opt(
        "SELECT audio FROM call_recordings WHERE id = ?1",
        &[&id],
        |r| r.get(0),
    )
}

/// The user the recording is of: id and full name.
pub(crate) fn user_of<'a>(db: impl Into<Sql<'a>>, id: i64) -> Result<(i64, String)> {
    db.into().query_one(
        "SELECT u.id, u.first_name || ' ' || u.last_name FROM call_recordings r
         JOIN users u ON u.id = r.user_id WHERE r.id = ?1",
        &[&id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

pub(crate) fn insert(
    conn: &Connection,
    user_id: i64,
    recorded_at: &str,
    remote_number: &str,
    duration_seconds: i64,
    audio: &[u8],
) -> Result<()> {
    conn.execute(
        "INSERT INTO call_recordings (user_id, recorded_at, remote_number, duration_seconds, audio)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![user_id, recorded_at, remote_number, duration_seconds, audio],
    )?;
    Ok(())
}

/// The users with at least one call recording.
pub(crate) fn users_with_any<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<i64>> {
    db.into()
        .query("SELECT DISTINCT user_id FROM call_recordings", &[], |r| {
            r.get(0)
        })
}
