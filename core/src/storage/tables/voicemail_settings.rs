//! The voicemail_settings table's SQL.

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
pub(crate) fn of_user(db: Sql<'_>, user_id: i64) -> Result<Option<(bool, bool, bool)>> {
    db.query_opt(
        "SELECT enabled, email_notification,
                CAST(CASE WHEN pin_hash IS NULL THEN 0 ELSE 1 END AS bigint)
         FROM voicemail_settings WHERE user_id = ?1",
        &[&user_id],
        |r| {
            let flag = |i| Ok::<_, crate::base::error::Error>(r.get::<i64>(i)? != 0);
            Ok((flag(0)?, flag(1)?, flag(2)?))
        },
    )
}

/// Stores the settings; a None `pin_hash` keeps the PIN already set.
pub(crate) fn set(
    db: Sql<'_>,
    user_id: i64,
    enabled: bool,
    email_notification: bool,
    pin_hash: Option<&str>,
) -> Result<()> {
    // The existing row's PIN when none is given (qualified: the stored row, on both engines).
    db.execute(
        "INSERT INTO voicemail_settings (user_id, enabled, email_notification, pin_hash)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user_id) DO UPDATE SET enabled = ?2, email_notification = ?3,
             pin_hash = coalesce(?4, voicemail_settings.pin_hash)",
        &[
            &user_id,
            &i64::from(enabled),
            &i64::from(email_notification),
            &pin_hash,
        ],
    )?;
    Ok(())
}

/// The users whose voicemail is set up and switched on.
pub(crate) fn users_enabled<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<i64>> {
    db.into().query(
        "SELECT user_id FROM voicemail_settings WHERE enabled = 1",
        &[],
        |r| r.get(0),
    )
}
