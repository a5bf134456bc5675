//! The cancellation_requests table's SQL: seats asked to stop being billed at a date.

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// Pending requests whose effective date is `today` or before: id and product name.
pub(crate) fn due(db: Sql<'_>, today: &str) -> Result<Vec<(i64, String)>> {
    db.query(
        "SELECT c.id, p.name FROM cancellation_requests c JOIN products p ON p.id = c.product_id
         WHERE c.status = 'pending' AND c.effective_on <= ?1 ORDER BY c.id",
        &[&today],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Closes the request as 'effective' or 'withdrawn'.
pub(crate) fn close<'a>(
    db: impl Into<Sql<'a>>,
    id: i64,
    status: &str,
    closed_at: &str,
) -> Result<()> {
    db.into().execute(
        "UPDATE cancellation_requests SET status = ?3, closed_at = ?2 WHERE id = ?1",
        &[&id, &closed_at, &status],
    )?;
    Ok(())
}

/// The request's status ('pending', 'withdrawn' or 'effective'), if it exists.
pub(crate) fn status(db: Sql<'_>, id: i64) -> Result<Option<String>> {
    db.query_opt(
        "SELECT status FROM cancellation_requests WHERE id = ?1",
        &[&id],
        |r| r.get(0),
    )
}

/// Records a pending request; its id.
pub(crate) fn insert_pending(
    db: Sql<'_>,
    product_id: i64,
    quantity: i64,
    requested_at: &str,
    effective_on: &str,
    account_id: i64,
) -> Result<i64> {
    db.query_one(
        "INSERT INTO cancellation_requests (product_id, quantity, requested_at, effective_on, status, account_id)
         VALUES (?1, ?2, ?3, ?4, 'pending', ?5) RETURNING id",
        &[&product_id, &quantity, &requested_at, &effective_on, &account_id],
        |r| r.get(0),
    )
}

/// A request as the billing history shows it.
pub(crate) struct RequestLine {
    pub id: i64,
    pub requested_at: String,
    pub product_name: String,
    pub quantity: i64,
    pub monthly_change_cents: i64,
    pub by: Option<String>,
    pub effective_on: String,
    pub status: String,
}

/// Every request, unsorted (the history sorts orders and requests together, in Rust).
pub(crate) fn history(db: Sql<'_>) -> Result<Vec<RequestLine>> {
    db.query(
        "SELECT c.id, c.requested_at, p.name, c.quantity, -c.quantity * p.monthly_price_cents,
                a.display_name, c.effective_on, c.status
         FROM cancellation_requests c JOIN products p ON p.id = c.product_id
         LEFT JOIN accounts a ON a.id = c.account_id",
        &[],
        |r| {
            Ok(RequestLine {
                id: r.get(0)?,
                requested_at: r.get(1)?,
                product_name: r.get(2)?,
                quantity: r.get(3)?,
                monthly_change_cents: r.get(4)?,
                by: r.get(5)?,
                effective_on: r.get(6)?,
                status: r.get(7)?,
            })
        },
    )
}
