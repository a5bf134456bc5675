//! The roles table's SQL.

use rusqlite::{Connection, OptionalExtension};

use crate::base::error::Result;

/// The id of the role with this name.
pub(crate) fn id_by_name(conn: &Connection, name: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT id FROM roles WHERE name = ?1", [name], |r| r.get(0))
        .optional()?)
}

/// The names of the roles, by id.
pub(crate) fn names(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM roles ORDER BY id")?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names)
}

/// Adds a role; its id.
pub(crate) fn insert(conn: &Connection, name: &str) -> Result<i64> {
    conn.execute("INSERT INTO roles (name) VALUES (?1)", [name])?;
    Ok(conn.last_insert_rowid())
}
