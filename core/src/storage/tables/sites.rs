//! The sites table's SQL.

use rusqlite::Connection;

use crate::base::error::Result;

/// Every site: id and name.
pub(crate) fn all(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare("SELECT id, name FROM sites")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
