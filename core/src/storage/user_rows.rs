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

/// The row-by-row way, which [`delete_many`] is tested against.
#[cfg(test)]
pub(crate) fn delete(conn: &Connection, table: &str, user_id: i64) -> Result<usize> {
    Ok(conn
        .prepare_cached(&format!("DELETE FROM {table} WHERE user_id = ?1"))?
        .execute([user_id])?)
}

/// [`delete`] for every user of `user_ids` in one statement (the ids as a JSON list, each
/// found through the table's user_id index): a bulk removal deletes 7 tables' rows of 1,000
/// users with 7 statements instead of 7,000.
pub(crate) fn delete_many(conn: &Connection, table: &str, user_ids: &[i64]) -> Result<usize> {
    if user_ids.is_empty() {
        return Ok(0);
    }
    Ok(conn
        .prepare_cached(&format!(
            "DELETE FROM {table} WHERE user_id IN (SELECT value FROM json_each(?1))"
        ))?
        .execute([id_list(user_ids)?])?)
}

/// Ids as a JSON list, for `json_each`.
pub(crate) fn id_list(ids: &[i64]) -> Result<String> {
    serde_json::to_string(ids).map_err(|e| crate::base::error::Error::Internal(e.to_string()))
}

/// Inserts one row of the user's: `columns` set to `values` as text (SQLite's STRICT tables
/// convert or refuse them, and the table's CHECK constraints apply), NULL for None; `audio`
/// with its bytes when the table has some. The row gets a new id: an archived id is never reused.
pub(crate) fn insert(
    conn: &Connection,
    table: &str,
    columns: &[&str],
    user_id: i64,
    values: &[Option<String>],
    audio: Option<(&str, &[u8])>,
) -> Result<()> {
    let mut names = vec!["user_id"];
    names.extend(columns);
    names.extend(audio.map(|(column, _)| column));
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let mut params: Vec<rusqlite::types::Value> = vec![user_id.into()];
    params.extend(values.iter().map(|v| match v {
        Some(text) => rusqlite::types::Value::Text(text.clone()),
        None => rusqlite::types::Value::Null,
    }));
    params.extend(audio.map(|(_, bytes)| rusqlite::types::Value::Blob(bytes.to_vec())));
    conn.prepare_cached(&format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        marks.join(", ")
    ))?
    .execute(rusqlite::params_from_iter(params))?;
    Ok(())
}

fn cell_text(v: ValueRef<'_>) -> String {
    match v {
        ValueRef::Null => String::new(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) | ValueRef::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    }
}
