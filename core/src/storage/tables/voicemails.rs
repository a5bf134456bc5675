//! The voicemails table's SQL.

use rusqlite::{params, Connection};

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// A voicemail left for a user.
pub(crate) struct NewVoicemail<'a> {
    pub user_id: i64,
    pub received_at: &'a str,
    pub caller_number: &'a str,
    pub duration_seconds: i64,
    pub heard: bool,
    pub audio: &'a [u8],
}

pub(crate) fn insert(conn: &Connection, v: &NewVoicemail<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO voicemails (user_id, received_at, caller_number, duration_seconds, heard, audio)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![v.user_id, v.received_at, v.caller_number, v.duration_seconds, v.heard, v.audio],
    )?;
    Ok(())
}

/// The users with at least one voicemail.
pub(crate) fn users_with_any<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<i64>> {
    db.into()
        .query("SELECT DISTINCT user_id FROM voicemails", &[], |r| r.get(0))
}
