//! A user's rows in a per-user table (one with a `user_id` column): counted, read as text cells
//! for an export, deleted. Which tables those are, and which columns an export holds, is the
//! domain's (`DELETED_TABLES` in `domain/users/user_data.rs`); the names are constants there,
//! never input.

use rusqlite::Connection;

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// One row as an export holds it: its cells as text, and its audio when asked for.
pub(crate) struct OwnedRow {
    pub cells: Vec<String>,
    pub audio: Option<Vec<u8>>,
}

pub(crate) fn count(db: Sql<'_>, table: &str, user_id: i64) -> Result<i64> {
    db.query_one(
        &format!("SELECT count(*) FROM {table} WHERE user_id = ?1"),
        &[&user_id],
        |r| r.get(0),
    )
}

/// The user's rows in the order of the first column: `columns` as text (NULL as an empty
/// cell), then `audio` as bytes. Every first column is a number but `app_access.app`, a fixed
/// set of names that differ in their first letter, so every collation orders them alike.
pub(crate) fn read(
    db: Sql<'_>,
    table: &str,
    columns: &[&str],
    audio: Option<&str>,
    user_id: i64,
) -> Result<Vec<OwnedRow>> {
    let mut selected: Vec<String> = columns
        .iter()
        .map(|c| format!("CAST({c} AS text)"))
        .collect();
    selected.extend(audio.map(str::to_owned));
    let n = columns.len();
    db.query(
        &format!(
            // Qualified: a server would otherwise order by the output column of that name,
            // the text.
            "SELECT {} FROM {table} WHERE user_id = ?1 ORDER BY {table}.{}",
            selected.join(", "),
            columns[0]
        ),
        &[&user_id],
        |r| {
            let cells = (0..n)
                .map(|i| Ok(r.get::<Option<String>>(i)?.unwrap_or_default()))
                .collect::<Result<Vec<_>>>()?;
            let audio = match audio {
                Some(_) => Some(r.get::<Vec<u8>>(n)?),
                None => None,
            };
            Ok(OwnedRow { cells, audio })
        },
    )
}

/// The row-by-row way, which [`delete_many`] is tested against.
#[cfg(test)]
pub(crate) fn delete(db: Sql<'_>, table: &str, user_id: i64) -> Result<u64> {
    db.execute(
        &format!("DELETE FROM {table} WHERE user_id = ?1"),
        &[&user_id],
    )
}

/// [`delete`] for every user of `user_ids` in one statement (the ids as a JSON list, each
/// found through the table's user_id index): a bulk removal deletes 7 tables' rows of 1,000
/// users with 7 statements instead of 7,000.
pub(crate) fn delete_many(db: Sql<'_>, table: &str, user_ids: &[i64]) -> Result<u64> {
    db.execute_for_ids(
        &format!("DELETE FROM {table} WHERE user_id IN {{ids}}"),
        user_ids,
    )
}

/// Inserts one row of the user's: `columns` set to `values` as text (a file's STRICT tables
/// convert or refuse them; a server converts them with each column's own input function,
/// through `json_populate_record`; the table's CHECK constraints apply), NULL for None;
/// `audio` with its bytes when the table has some. The row gets a new id: an archived id is
/// never reused.
pub(crate) fn insert<'a>(
    db: impl Into<Sql<'a>>,
    table: &str,
    columns: &[&str],
    user_id: i64,
    values: &[Option<String>],
    audio: Option<(&str, &[u8])>,
) -> Result<()> {
    let mut names = vec!["user_id"];
    names.extend(columns);
    names.extend(audio.map(|(column, _)| column));
    match db.into() {
        Sql::File(conn) => insert_in_file(conn, table, &names, user_id, values, audio),
        #[cfg(feature = "server")]
        db @ Sql::Server(_) => {
            let mut record = serde_json::Map::new();
            record.insert("user_id".into(), user_id.into());
            for (name, value) in columns.iter().zip(values) {
                record.insert((*name).into(), value.clone().into());
            }
            if let Some((column, bytes)) = audio {
                // bytea's text input: hex after "\x".
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                record.insert(column.into(), format!("\\x{hex}").into());
            }
            let record = serde_json::Value::Object(record).to_string();
            db.execute(
                &format!(
                    "INSERT INTO {table} ({names}) SELECT {names}
                     FROM json_populate_record(NULL::{table}, CAST(CAST(?1 AS text) AS json))",
                    names = names.join(", ")
                ),
                &[&record],
            )?;
            Ok(())
        }
    }
}

fn insert_in_file(
    conn: &Connection,
    table: &str,
    names: &[&str],
    user_id: i64,
    values: &[Option<String>],
    audio: Option<(&str, &[u8])>,
) -> Result<()> {
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
