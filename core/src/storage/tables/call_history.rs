//! The call_history table's SQL.

use rusqlite::{params, Connection};

use crate::base::error::Result;

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
