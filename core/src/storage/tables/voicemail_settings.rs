//! The voicemail_settings table's SQL.

use rusqlite::Connection;

use crate::base::error::Result;

/// Switches the user's voicemail off; the settings and messages stay.
pub(crate) fn disable(conn: &Connection, user_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE voicemail_settings SET enabled = 0 WHERE user_id = ?1",
        [user_id],
    )?;
    Ok(())
}
