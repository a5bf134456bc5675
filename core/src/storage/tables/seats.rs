//! The seats table's SQL: the licenses bought, their status and who holds them.

use rusqlite::{params, Connection};

use crate::base::error::Result;

/// What the billed seats cost a month: assigned, available or pending cancellation.
pub(crate) fn monthly_total_cents(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(p.monthly_price_cents), 0) FROM seats s JOIN products p ON p.id = s.product_id
         WHERE s.status <> 'cancelled'",
        [],
        |r| r.get(0),
    )?)
}

/// The product's seats no one holds.
pub(crate) fn available_count(conn: &Connection, product_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM seats WHERE product_id = ?1 AND status = 'available'",
        [product_id],
        |r| r.get(0),
    )?)
}

/// Adds `quantity` available seats of the product, bought by the order.
pub(crate) fn add_available(
    conn: &Connection,
    product_id: i64,
    quantity: i64,
    purchased_at: &str,
    order_id: i64,
) -> Result<()> {
    let mut insert = conn.prepare_cached(
        "INSERT INTO seats (product_id, status, purchased_at, order_id) VALUES (?1, 'available', ?2, ?3)",
    )?;
    for _ in 0..quantity {
        insert.execute(params![product_id, purchased_at, order_id])?;
    }
    Ok(())
}

/// Moves the `quantity` newest available seats of the product to pending cancellation under
/// the request (the oldest stay for assignment); how many moved.
pub(crate) fn move_to_pending_cancellation(
    conn: &Connection,
    product_id: i64,
    quantity: i64,
    request_id: i64,
    effective_on: &str,
) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE seats SET status = 'pending_cancellation', cancel_effective_on = ?1,
                cancellation_request_id = ?2
         WHERE id IN (SELECT id FROM seats WHERE product_id = ?3 AND status = 'available'
                      ORDER BY id DESC LIMIT ?4)",
        params![effective_on, request_id, product_id, quantity],
    )?)
}

/// The request's pending seats stop being billed; how many.
pub(crate) fn cancel_pending_of_request(conn: &Connection, request_id: i64) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE seats SET status = 'cancelled' WHERE cancellation_request_id = ?1 AND status = 'pending_cancellation'",
        [request_id],
    )?)
}

/// The request's seats go back to the pool.
pub(crate) fn return_to_pool_from_request(conn: &Connection, request_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE seats SET status = 'available', cancel_effective_on = NULL, cancellation_request_id = NULL
         WHERE cancellation_request_id = ?1",
        [request_id],
    )?;
    Ok(())
}
