//! A user's rows in a per-user table (one with a `user_id` column): counted, read as text cells
//! for an export, deleted. Which tables those are, and which columns an export holds, is the
//! domain's (`DELETED_TABLES` in `domain/users/user_data.rs`); the names are constants there,
//! never input.

use rusqlite::types::ValueRef;
use rusqlite::Connection;

use crate::base::error::Result;

/// One row as an export holds it: its cells as text, and its audio when asked for.
pub(crate) struct OwnedRow {
    pub cells: Vec<String>,
    pub audio: Option<Vec<u8>>,
}

pub(crate) fn count(conn: &Connection, table: &str, user_id: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(&format!("SELECT count(*) FROM {table} WHERE user_id = ?1"))?
        .query_row([user_id], |r| r.get(0))?)
}

/// The user's rows in the order of the first column: `columns` as text, then `audio` as bytes.
pub(crate) fn read(
    conn: &Connection,
    table: &str,
    columns: &[&str],
    audio: Option<&str>,
    user_id: i64,
) -> Result<Vec<OwnedRow>> {
    let mut selected = columns.to_vec();
    selected.extend(audio);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM {table} WHERE user_id = ?1 ORDER BY 1",
        selected.join(", ")
    ))?;
    let n = columns.len();
    let rows = stmt
        .query_map([user_id], |r| {
            let cells = (0..n)
                .map(|i| r.get_ref(i).map(cell_text))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let audio = match audio {
                Some(_) => Some(r.get::<_, Vec<u8>>(n)?),
                None => None,
            };
            Ok(OwnedRow { cells, audio })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn delete(conn: &Connection, table: &str, user_id: i64) -> Result<usize> {
    Ok(conn
        .prepare_cached(&format!("DELETE FROM {table} WHERE user_id = ?1"))?
        .execute([user_id])?)
}

fn cell_text(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null => String::new(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    }
}
