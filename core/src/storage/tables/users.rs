//! The users table's SQL.

use rusqlite::{params, Connection, OptionalExtension};

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

/// Every extension in use.
pub(crate) fn extensions(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT extension FROM users WHERE extension IS NOT NULL")?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

/// The highest of the longest extensions of the user's site, None when it has none.
pub(crate) fn highest_extension_of_site_of(
    conn: &Connection,
    user_id: i64,
) -> Result<Option<String>> {
    Ok(conn.query_row(
        "SELECT max(o.extension) FROM users o JOIN users u ON u.site_id = o.site_id
         WHERE u.id = ?1 AND length(o.extension) = (
             SELECT max(length(extension)) FROM users x WHERE x.site_id = u.site_id)",
        [user_id],
        |r| r.get(0),
    )?)
}

/// Gives the user an extension, or takes it away (None).
pub(crate) fn set_extension(
    conn: &Connection,
    user_id: i64,
    extension: Option<&str>,
) -> Result<()> {
    conn.prepare_cached("UPDATE users SET extension = ?1 WHERE id = ?2")?
        .execute(params![extension, user_id])?;
    Ok(())
}

/// "First Last (2041)", or without the parentheses when the user has no extension.
pub(crate) fn name_with_extension(conn: &Connection, user_id: i64) -> Result<String> {
    Ok(conn.query_row(
        "SELECT first_name || ' ' || last_name || coalesce(' (' || extension || ')', '')
         FROM users WHERE id = ?1",
        [user_id],
        |r| r.get(0),
    )?)
}
