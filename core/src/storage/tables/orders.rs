//! The orders table's SQL: seats bought.

use rusqlite::Connection;

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// Records an order; its id.
pub(crate) fn insert(
    db: Sql<'_>,
    product_id: i64,
    quantity: i64,
    unit_price_cents: i64,
    ordered_at: &str,
    account_id: i64,
) -> Result<i64> {
    db.query_one(
        "INSERT INTO orders (product_id, quantity, unit_price_cents, ordered_at, account_id)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
        &[
            &product_id,
            &quantity,
            &unit_price_cents,
            &ordered_at,
            &account_id,
        ],
        |r| r.get(0),
    )
}

/// An order as the billing history shows it.
pub(crate) struct OrderLine {
    pub id: i64,
    pub ordered_at: String,
    pub product_name: String,
    pub quantity: i64,
    pub monthly_change_cents: i64,
    pub by: Option<String>,
}

/// Every order, unsorted (the history sorts orders and requests together, in Rust).
pub(crate) fn history(db: Sql<'_>) -> Result<Vec<OrderLine>> {
    db.query(
        "SELECT o.id, o.ordered_at, p.name, o.quantity, o.quantity * o.unit_price_cents, a.display_name
         FROM orders o JOIN products p ON p.id = o.product_id LEFT JOIN accounts a ON a.id = o.account_id",
        &[],
        |r| {
            Ok(OrderLine {
                id: r.get(0)?,
                ordered_at: r.get(1)?,
                product_name: r.get(2)?,
                quantity: r.get(3)?,
                monthly_change_cents: r.get(4)?,
                by: r.get(5)?,
            })
        },
    )
}

/// One order per product for the seats it has, by no account (the demo's starting orders).
pub(crate) fn insert_one_per_product_for_seats(conn: &Connection, ordered_at: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO orders (product_id, quantity, unit_price_cents, ordered_at)
         SELECT p.id, count(s.id), p.monthly_price_cents, ?1
         FROM products p JOIN seats s ON s.product_id = p.id GROUP BY p.id ORDER BY p.id",
        [ordered_at],
    )?;
    Ok(())
}
