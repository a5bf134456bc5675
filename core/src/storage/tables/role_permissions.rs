//! The role_permissions table's SQL.

use rusqlite::{params, Connection};

use crate::base::error::Result;

/// Gives the role the permission (by key).
pub(crate) fn insert(conn: &Connection, role_id: i64, permission: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO role_permissions (role_id, permission) VALUES (?1, ?2)",
        params![role_id, permission],
    )?;
    Ok(())
}
