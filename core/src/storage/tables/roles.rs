//! The roles table's SQL.

use rusqlite::Connection;

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// The id of the role with this name.
pub(crate) fn id_by_name(db: Sql<'_>, name: &str) -> Result<Option<i64>> {
    db.query_opt("SELECT id FROM roles WHERE name = ?1", &[&name], |r| {
        r.get(0)
    })
}

/// The names of the roles, by id.
pub(crate) fn names(db: Sql<'_>) -> Result<Vec<String>> {
    db.query("SELECT name FROM roles ORDER BY id", &[], |r| r.get(0))
}

/// Adds a role; its id.
pub(crate) fn insert(conn: &Connection, name: &str) -> Result<i64> {
    conn.execute("INSERT INTO roles (name) VALUES (?1)", [name])?;
    Ok(conn.last_insert_rowid())
}
