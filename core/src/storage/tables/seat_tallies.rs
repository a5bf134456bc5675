//! The seat_tallies table's SQL: seat counts per product and status, kept equal to the seat
//! rows by triggers (migration 0005), read instead of counting seats at 100,000 users.

use rusqlite::Connection;

use crate::base::error::Result;

/// How many seats of the product are free.
pub(crate) fn available(conn: &Connection, product_id: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce((SELECT n FROM seat_tallies
                              WHERE product_id = ?1 AND status = 'available'), 0)",
        )?
        .query_row([product_id], |r| r.get(0))?)
}
