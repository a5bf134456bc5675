//! The product_features table's SQL: which features each license product includes.

use rusqlite::{params, Connection};

use crate::base::error::Result;

/// The keys of the features the product includes, in stored order.
pub(crate) fn keys(conn: &Connection, product_id: i64) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT feature FROM product_features WHERE product_id = ?1")?;
    let keys = stmt
        .query_map([product_id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(keys)
}

/// The product includes the feature (by key); saying it twice is harmless.
pub(crate) fn insert(conn: &Connection, product_id: i64, feature: &str) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO product_features (product_id, feature) VALUES (?1, ?2)",
        params![product_id, feature],
    )?;
    Ok(())
}
