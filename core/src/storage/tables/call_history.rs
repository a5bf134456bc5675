//! The call_history table's SQL.

use rusqlite::{params, Connection};

use crate::base::error::Result;
use crate::storage::engine::Sql;

pub(crate) fn insert(
    conn: &Connection,
    user_id: i64,
    started_at: &str,
    direction: &str,
    remote_number: &str,
    duration_seconds: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO call_history (user_id, started_at, direction, remote_number, duration_seconds)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            user_id,
            started_at,
            direction,
            remote_number,
            duration_seconds
        ],
    )?;
    Ok(())
}

/// Each user's latest call (`started_at`), for users with any call recorded.
pub(crate) fn last_call_by_user<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<(i64, String)>> {
    db.into().query(
        "SELECT user_id, max(started_at) FROM call_history GROUP BY user_id",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The `n` active users with the highest ids who hold a seat and have calls recorded (the
/// demo's idle users are picked from these).
pub(crate) fn last_active_licensed_callers(conn: &Connection, n: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id FROM users u JOIN seats s ON s.user_id = u.id
         WHERE u.status = 'active' AND EXISTS (SELECT 1 FROM call_history c WHERE c.user_id = u.id)
         ORDER BY u.id DESC LIMIT ?1",
    )?;
    let ids = stmt
        .query_map([n], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Moves every call of the user `days` days earlier.
pub(crate) fn move_earlier(conn: &Connection, user_id: i64, days: i64) -> Result<()> {
    conn.execute(
        "UPDATE call_history
         SET started_at = strftime('%Y-%m-%dT%H:%M:%SZ', started_at, printf('-%d days', ?2))
         WHERE user_id = ?1",
        params![user_id, days],
    )?;
    Ok(())
}
