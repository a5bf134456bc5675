//! The app_access table's SQL: which apps an admin switched on or off for a user.

use rusqlite::{params, Connection};

use crate::base::error::Result;

/// The user's stored choices: app key and switched on.
pub(crate) fn of_user(conn: &Connection, user_id: i64) -> Result<Vec<(String, bool)>> {
    let mut stmt = conn.prepare_cached("SELECT app, enabled FROM app_access WHERE user_id = ?1")?;
    let stored = stmt
        .query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(stored)
}

/// Stores the choice for one app of the user.
pub(crate) fn set(conn: &Connection, user_id: i64, app: &str, enabled: bool) -> Result<()> {
    conn.execute(
        "INSERT INTO app_access (user_id, app, enabled) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id, app) DO UPDATE SET enabled = ?3",
        params![user_id, app, enabled],
    )?;
    Ok(())
}
