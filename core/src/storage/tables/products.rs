//! The products table's SQL (with the features each includes).

use rusqlite::{Connection, OptionalExtension};

use crate::base::error::Result;

/// The names of the products that include the feature (by key), cheapest first.
pub(crate) fn names_with_feature(conn: &Connection, feature: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.name FROM products p JOIN product_features f ON f.product_id = p.id
         WHERE f.feature = ?1 ORDER BY p.monthly_price_cents, p.name",
    )?;
    let names = stmt
        .query_map([feature], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

/// The product's name and monthly price in cents.
pub(crate) fn name_and_price(conn: &Connection, product_id: i64) -> Result<Option<(String, i64)>> {
    Ok(conn
        .query_row(
            "SELECT name, monthly_price_cents FROM products WHERE id = ?1",
            [product_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// A product's seats as billing counts them.
pub(crate) struct SeatTally {
    pub id: i64,
    pub name: String,
    pub monthly_price_cents: i64,
    /// Assigned, available or pending cancellation.
    pub billed: i64,
    pub available: i64,
    pub pending_cancellation: i64,
}

/// Every product with its seats counted, by id.
pub(crate) fn seat_tallies(conn: &Connection) -> Result<Vec<SeatTally>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.name, p.monthly_price_cents,
                count(s.id) FILTER (WHERE s.status <> 'cancelled'),
                count(s.id) FILTER (WHERE s.status = 'available'),
                count(s.id) FILTER (WHERE s.status = 'pending_cancellation')
         FROM products p LEFT JOIN seats s ON s.product_id = p.id
         GROUP BY p.id ORDER BY p.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(SeatTally {
                id: r.get(0)?,
                name: r.get(1)?,
                monthly_price_cents: r.get(2)?,
                billed: r.get(3)?,
                available: r.get(4)?,
                pending_cancellation: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A product as the CSV import checks a row's license against it.
pub(crate) struct ImportProduct {
    pub id: i64,
    pub name: String,
    pub monthly_price_cents: i64,
    pub includes_calling: bool,
    pub available_seats: i64,
}

/// Every product, by id.
pub(crate) fn all_for_import(conn: &Connection) -> Result<Vec<ImportProduct>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name, p.monthly_price_cents,
                EXISTS (SELECT 1 FROM product_features f WHERE f.product_id = p.id AND f.feature = 'calling'),
                (SELECT count(*) FROM seats s WHERE s.product_id = p.id AND s.status = 'available')
         FROM products p ORDER BY p.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(ImportProduct {
                id: r.get(0)?,
                name: r.get(1)?,
                monthly_price_cents: r.get(2)?,
                includes_calling: r.get(3)?,
                available_seats: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
