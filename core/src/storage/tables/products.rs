//! The products table's SQL (with the features each includes).

use rusqlite::Connection;

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
