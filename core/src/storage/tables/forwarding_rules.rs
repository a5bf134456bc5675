//! The forwarding_rules table's SQL.

use rusqlite::Connection;

use crate::base::error::Result;

/// Switches every forwarding rule of the user off; the rules stay.
pub(crate) fn disable_all(conn: &Connection, user_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE forwarding_rules SET enabled = 0 WHERE user_id = ?1",
        [user_id],
    )?;
    Ok(())
}
