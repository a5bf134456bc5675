//! The call_recordings table's SQL. Recordings are kept for admins when a license is removed.

use rusqlite::Connection;

use crate::base::error::Result;

pub(crate) fn count_for_user(conn: &Connection, user_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM call_recordings WHERE user_id = ?1",
        [user_id],
        |r| r.get(0),
    )?)
}
