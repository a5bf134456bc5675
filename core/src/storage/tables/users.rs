//! The users table's SQL.

use rusqlite::Connection;

use crate::base::error::Result;

/// Takes the user's extension away: a removal or an offboarding.
pub(crate) fn clear_extension(conn: &Connection, user_id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE users SET extension = NULL WHERE id = ?1")?
        .execute([user_id])?;
    Ok(())
}

/// Deactivates the user (an offboarding).
pub(crate) fn suspend(conn: &Connection, user_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE users SET status = 'suspended' WHERE id = ?1",
        [user_id],
    )?;
    Ok(())
}
