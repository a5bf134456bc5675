//! The voicemail_settings table's SQL.

use rusqlite::{params, Connection, OptionalExtension};

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// Switches the user's voicemail off; the settings and messages stay.
pub(crate) fn disable(db: Sql<'_>, user_id: i64) -> Result<()> {
    db.execute(
        "UPDATE voicemail_settings SET enabled = 0 WHERE user_id = ?1",
        &[&user_id],
    )?;
    Ok(())
}

/// The user's settings: switched on, email notification, a PIN is set. None when never set.
pub(crate) fn of_user(conn: &Connection, user_id: i64) -> Result<Option<(bool, bool, bool)>> {
    Ok(conn
        .query_row(
            "SELECT enabled, email_notification, pin_hash IS NOT NULL
             FROM voicemail_settings WHERE user_id = ?1",
            [user_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// Stores the settings; a None `pin_hash` keeps the PIN already set.
pub(crate) fn set(
    conn: &Connection,
    user_id: i64,
    enabled: bool,
    email_notification: bool,
    pin_hash: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO voicemail_settings (user_id, enabled, email_notification, pin_hash)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id) DO UPDATE SET enabled = ?2, email_notification = ?3,
             pin_hash = coalesce(?4, pin_hash)",
        params![user_id, enabled, email_notification, pin_hash],
    )?;
    Ok(())
}

/// The users whose voicemail is set up and switched on.
pub(crate) fn users_enabled(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT user_id FROM voicemail_settings WHERE enabled = 1")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}
