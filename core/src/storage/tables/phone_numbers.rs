//! The phone_numbers table's SQL: the organization's pool of numbers, by site, and who holds
//! each.

use rusqlite::{Connection, OptionalExtension};

use crate::base::error::Result;

/// A number of the pool: its site and, when assigned, its holder (id and full name).
pub(crate) struct PoolNumber {
    pub site_id: i64,
    pub holder: Option<(i64, String)>,
}

/// The number in the pool, None when the pool does not have it.
pub(crate) fn in_pool(conn: &Connection, e164: &str) -> Result<Option<PoolNumber>> {
    Ok(conn
        .query_row(
            "SELECT n.site_id, u.id, u.first_name || ' ' || u.last_name
             FROM phone_numbers n LEFT JOIN users u ON u.id = n.user_id WHERE n.e164 = ?1",
            [e164],
            |r| {
                let holder: Option<i64> = r.get(1)?;
                Ok(PoolNumber {
                    site_id: r.get(0)?,
                    holder: match holder {
                        Some(id) => Some((id, r.get(2)?)),
                        None => None,
                    },
                })
            },
        )
        .optional()?)
}

/// The user who holds a number: id and full name.
pub(crate) fn holder(conn: &Connection, e164: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT u.id, u.first_name || ' ' || u.last_name
             FROM phone_numbers n JOIN users u ON u.id = n.user_id WHERE n.e164 = ?1",
            [e164],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// The free numbers of the user's site, in order.
pub(crate) fn free_in_site_of(conn: &Connection, user_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT n.e164 FROM phone_numbers n JOIN users u ON u.site_id = n.site_id
         WHERE u.id = ?1 AND n.status = 'available' ORDER BY n.e164",
    )?;
    let numbers = stmt
        .query_map([user_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(numbers)
}

/// A number of the pool as the import reads it.
pub(crate) struct PoolEntry {
    pub e164: String,
    pub site_id: i64,
    pub user_id: Option<i64>,
}

/// The whole pool, in one query.
pub(crate) fn all(conn: &Connection) -> Result<Vec<PoolEntry>> {
    let mut stmt = conn.prepare("SELECT e164, site_id, user_id FROM phone_numbers")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(PoolEntry {
                e164: r.get(0)?,
                site_id: r.get(1)?,
                user_id: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
