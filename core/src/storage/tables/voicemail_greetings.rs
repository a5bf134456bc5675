//! The voicemail_greetings table's SQL: the user's own (standard) greeting.

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// The user's own greeting: when it was recorded and its WAV.
pub(crate) fn standard(db: Sql<'_>, user_id: i64) -> Result<Option<(String, Vec<u8>)>> {
    db.query_opt(
        "SELECT created_at, audio FROM voicemail_greetings WHERE user_id = ?1 AND kind = 'standard'",
        &[&user_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The WAV of the user's own greeting.
pub(crate) fn standard_audio(db: Sql<'_>, user_id: i64) -> Result<Option<Vec<u8>>> {
    db.query_opt(
        "SELECT audio FROM voicemail_greetings WHERE user_id = ?1 AND kind = 'standard'",
        &[&user_id],
        |r| r.get(0),
    )
}

pub(crate) fn set_standard(db: Sql<'_>, user_id: i64, now: &str, audio: &[u8]) -> Result<()> {
    db.execute(
        "INSERT INTO voicemail_greetings (user_id, kind, created_at, audio)
         VALUES (?1, 'standard', ?2, ?3)
         ON CONFLICT (user_id, kind) DO UPDATE SET created_at = ?2, audio = ?3",
        &[&user_id, &now, &audio],
    )?;
    Ok(())
}

/// Drops the user's own greeting; true when there was one.
pub(crate) fn delete_standard(db: Sql<'_>, user_id: i64) -> Result<bool> {
    let removed = db.execute(
        "DELETE FROM voicemail_greetings WHERE user_id = ?1 AND kind = 'standard'",
        &[&user_id],
    )?;
    Ok(removed > 0)
}

/// The users with a recorded greeting.
pub(crate) fn users_with_any<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<i64>> {
    db.into().query(
        "SELECT DISTINCT user_id FROM voicemail_greetings",
        &[],
        |r| r.get(0),
    )
}
