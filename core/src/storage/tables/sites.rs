//! The sites table's SQL: the places users work at, each with its pool of numbers.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::base::error::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Site {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
}

/// Every site, by name.
pub(crate) fn all(conn: &Connection) -> Result<Vec<Site>> {
    let mut stmt = conn.prepare_cached("SELECT id, name FROM sites ORDER BY name")?;
    let sites = stmt
        .query_map([], |r| {
            Ok(Site {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(sites)
}

pub(crate) fn exists(conn: &Connection, site_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sites WHERE id = ?1)")?
        .query_row([site_id], |r| r.get(0))?)
}

pub(crate) fn name(conn: &Connection, site_id: i64) -> Result<String> {
    Ok(
        conn.query_row("SELECT name FROM sites WHERE id = ?1", [site_id], |r| {
            r.get(0)
        })?,
    )
}

/// Adds a site; its id.
pub(crate) fn insert(conn: &Connection, name: &str) -> Result<i64> {
    conn.execute("INSERT INTO sites (name) VALUES (?1)", [name])?;
    Ok(conn.last_insert_rowid())
}

/// Adds a site in `country` (ISO 3166 alpha-2); its id.
pub(crate) fn insert_in(conn: &Connection, name: &str, country: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO sites (name, country) VALUES (?1, ?2)",
        [name, country],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Each site's country, by site id.
pub(crate) fn countries(conn: &Connection) -> Result<Vec<(i64, String)>> {
    let mut stmt = conn.prepare_cached("SELECT id, country FROM sites")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
