//! The user_search index's SQL (kept in step with users and phone_numbers by triggers).

use rusqlite::Connection;

use crate::base::error::Result;

/// Merges the index's segments: written in one go, the index is in many segments, and every
/// search would look up each of its trigrams in each one.
pub(crate) fn optimize(conn: &Connection) -> Result<()> {
    conn.execute_batch("INSERT INTO user_search (user_search) VALUES ('optimize')")?;
    Ok(())
}
