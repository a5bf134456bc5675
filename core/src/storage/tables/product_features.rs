//! The product_features table's SQL: which features each license product includes.

use rusqlite::{params, Connection};

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// The keys of the features the product includes, in stored order.
pub(crate) fn keys(db: Sql<'_>, product_id: i64) -> Result<Vec<String>> {
    db.query(
        "SELECT feature FROM product_features WHERE product_id = ?1",
        &[&product_id],
        |r| r.get(0),
    )
}

/// The product includes the feature (by key); saying it twice is harmless.
pub(crate) fn insert(conn: &Connection, product_id: i64, feature: &str) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO product_features (product_id, feature) VALUES (?1, ?2)",
        params![product_id, feature],
    )?;
    Ok(())
}
