//! The app_access table's SQL: which apps an admin switched on or off for a user.

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// The user's stored choices: app key and switched on.
pub(crate) fn of_user(db: Sql<'_>, user_id: i64) -> Result<Vec<(String, bool)>> {
    db.query(
        "SELECT app, enabled FROM app_access WHERE user_id = ?1",
        &[&user_id],
        |r| Ok((r.get(0)?, r.get::<i64>(1)? != 0)),
    )
}

/// Stores the choice for one app of the user.
pub(crate) fn set(db: Sql<'_>, user_id: i64, app: &str, enabled: bool) -> Result<()> {
    db.execute(
        "INSERT INTO app_access (user_id, app, enabled) VALUES (?1, ?2, ?3)
         ON CONFLICT (user_id, app) DO UPDATE SET enabled = ?3",
        &[&user_id, &app, &i64::from(enabled)],
    )?;
    Ok(())
}
