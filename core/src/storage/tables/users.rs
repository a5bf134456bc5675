//! The users table's SQL.

use rusqlite::{Connection, OptionalExtension};

use crate::base::error::Result;

/// The user who holds an extension: id and full name.
pub(crate) fn extension_holder(
    conn: &Connection,
    extension: &str,
) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, first_name || ' ' || last_name FROM users WHERE extension = ?1",
            [extension],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The site the user works at.
pub(crate) fn site_id(conn: &Connection, user_id: i64) -> Result<i64> {
    Ok(
        conn.query_row("SELECT site_id FROM users WHERE id = ?1", [user_id], |r| {
            r.get(0)
        })?,
    )
}
