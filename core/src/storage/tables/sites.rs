//! The sites table's SQL: the places users work at, each with its pool of numbers.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::base::error::Result;
use crate::storage::engine::Sql;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Site {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
}

/// Every site, by name (ordered here, byte by byte as the file's BINARY collation: the
/// server's collation orders text otherwise).
pub(crate) fn all<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<Site>> {
    let mut sites = db.into().query("SELECT id, name FROM sites", &[], |r| {
        Ok(Site {
            id: r.get(0)?,
            name: r.get(1)?,
        })
    })?;
    sites.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(sites)
}

pub(crate) fn exists<'a>(db: impl Into<Sql<'a>>, site_id: i64) -> Result<bool> {
    Ok(db
        .into()
        .query_opt("SELECT id FROM sites WHERE id = ?1", &[&site_id], |r| {
            r.get::<i64>(0)
        })?
        .is_some())
}

pub(crate) fn name<'a>(db: impl Into<Sql<'a>>, site_id: i64) -> Result<String> {
    db.into()
        .query_one("SELECT name FROM sites WHERE id = ?1", &[&site_id], |r| {
            r.get(0)
        })
}

/// Adds a site; its id.
pub(crate) fn insert(conn: &Connection, name: &str) -> Result<i64> {
    conn.execute("INSERT INTO sites (name) VALUES (?1)", [name])?;
    Ok(conn.last_insert_rowid())
}

/// Adds a site in `country` (ISO 3166 alpha-2); its id.
pub(crate) fn insert_in<'a>(db: impl Into<Sql<'a>>, name: &str, country: &str) -> Result<i64> {
    db.into().query_one(
        "INSERT INTO sites (name, country) VALUES (?1, ?2) RETURNING id",
        &[&name, &country],
        |r| r.get(0),
    )
}

/// Each site's country, by site id.
pub(crate) fn countries<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<(i64, String)>> {
    db.into().query(
        "SELECT id, country FROM sites ORDER BY sites.id",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
