//! The seat_tallies table's SQL: seat counts per product and status, kept equal to the seat
//! rows by triggers (migration 0005), read instead of counting seats at 100,000 users.

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// How many seats of the product are free.
pub(crate) fn available<'a>(db: impl Into<Sql<'a>>, product_id: i64) -> Result<i64> {
    db.into().query_one(
        "SELECT coalesce((SELECT n FROM seat_tallies
                          WHERE product_id = ?1 AND status = 'available'), 0)",
        &[&product_id],
        |r| r.get(0),
    )
}
