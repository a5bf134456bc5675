//! The seats table's SQL: which seat of which product a user holds, and the free ones.

use rusqlite::{params, Connection};

use crate::base::error::{Error, Result};
use crate::storage::engine::Sql;

/// Puts the user's seat back in the pool (still billed); answers its product's monthly price.
pub(crate) fn release_held_by<'a>(db: impl Into<Sql<'a>>, user_id: i64) -> Result<i64> {
    db.into().query_one(
        "UPDATE seats SET status = 'available', user_id = NULL, assigned_at = NULL
         WHERE user_id = ?1
         RETURNING (SELECT monthly_price_cents FROM products p WHERE p.id = seats.product_id)",
        &[&user_id],
        |r| r.get(0),
    )
}

/// The seats of every user of `user_ids` back to the pool, in one statement (the ids as a
/// JSON list, each found through the unique user_id index): a bulk removal's 1,000 seats
/// without a statement, and its statement journal, each. Answers how many were released.
pub(crate) fn release_held_by_many(db: Sql<'_>, user_ids: &[i64]) -> Result<u64> {
    db.execute_for_ids(
        "UPDATE seats SET status = 'available', user_id = NULL, assigned_at = NULL
         WHERE user_id IN {ids}",
        user_ids,
    )
}

/// Gives the seat (checked free by the caller) to the user.
pub(crate) fn assign(db: Sql<'_>, seat_id: i64, user_id: i64, now: &str) -> Result<()> {
    db.execute(
        "UPDATE seats SET status = 'assigned', user_id = ?1, assigned_at = ?2 WHERE id = ?3",
        &[&user_id, &now, &seat_id],
    )?;
    Ok(())
}

/// Gives each seat to its user (`(seat, user)` pairs); answers how many were free and given
/// (the caller compares it with the number of pairs). One statement for all the pairs,
/// passed as a JSON list and found by id (the list drives the join: see the test): a
/// statement per seat paid a statement journal, and the tally trigger's pages copied
/// into it, for every seat.
pub(crate) fn assign_many<'a>(
    db: impl Into<Sql<'a>>,
    pairs: &[(i64, i64)],
    now: &str,
) -> Result<usize> {
    if pairs.is_empty() {
        return Ok(0);
    }
    let list = serde_json::to_string(pairs).map_err(|e| Error::Internal(e.to_string()))?;
    match db.into() {
        Sql::File(conn) => Ok(conn
            .prepare_cached(ASSIGN_MANY)?
            .execute(params![list, now])?),
        #[cfg(feature = "server")]
        db @ Sql::Server(_) => Ok(db.execute(
            "UPDATE seats SET status = 'assigned', user_id = CAST(g.value ->> 1 AS bigint),
                 assigned_at = ?2
             FROM json_array_elements(CAST(CAST(?1 AS text) AS json)) g
             WHERE seats.id = CAST(g.value ->> 0 AS bigint) AND seats.status = 'available'",
            &[&list, &now],
        )? as usize),
    }
}

const ASSIGN_MANY: &str =
    "UPDATE seats SET status = 'assigned', user_id = g.value ->> 1, assigned_at = ?2
     FROM json_each(?1) g
     WHERE seats.id = g.value ->> 0 AND seats.status = 'available'";

/// The `n` lowest-numbered free seats of the product (fewer if there are fewer).
pub(crate) fn free_seats(db: Sql<'_>, product_id: i64, n: usize) -> Result<Vec<i64>> {
    db.query(
        "SELECT id FROM seats WHERE product_id = ?1 AND status = 'available' ORDER BY id LIMIT ?2",
        &[&product_id, &(n as i64)],
        |r| r.get(0),
    )
}

/// The name of the product whose seat the user holds, if any.
pub(crate) fn held_product_name(db: Sql<'_>, user_id: i64) -> Result<Option<String>> {
    db.query_opt(
        "SELECT p.name FROM seats s JOIN products p ON p.id = s.product_id WHERE s.user_id = ?1",
        &[&user_id],
        |r| r.get(0),
    )
}

/// What the billed seats cost a month: assigned, available or pending cancellation.
pub(crate) fn monthly_total_cents<'a>(db: impl Into<Sql<'a>>) -> Result<i64> {
    // A server's sum of bigints is a numeric: cast back.
    db.into().query_one(
        "SELECT CAST(coalesce(sum(p.monthly_price_cents), 0) AS bigint)
         FROM seats s JOIN products p ON p.id = s.product_id WHERE s.status <> 'cancelled'",
        &[],
        |r| r.get(0),
    )
}

/// The unassigned seats (not pending cancellation) and what they cost a month.
pub(crate) fn available_total<'a>(db: impl Into<Sql<'a>>) -> Result<(i64, i64)> {
    // A server's sum of bigints is a numeric: cast back.
    db.into().query_one(
        "SELECT count(*), CAST(coalesce(sum(p.monthly_price_cents), 0) AS bigint)
         FROM seats s JOIN products p ON p.id = s.product_id WHERE s.status = 'available'",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Adds `quantity` available seats of the product, bought by the order, in one statement
/// (a counter written the same on both engines).
pub(crate) fn add_available(
    db: Sql<'_>,
    product_id: i64,
    quantity: i64,
    purchased_at: &str,
    order_id: i64,
) -> Result<()> {
    db.execute(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS bigint) UNION ALL
                                 SELECT i + 1 FROM n WHERE i < CAST(?2 AS bigint))
         INSERT INTO seats (product_id, status, purchased_at, order_id)
         SELECT ?1, 'available', ?3, ?4 FROM n WHERE CAST(?2 AS bigint) > 0",
        &[&product_id, &quantity, &purchased_at, &order_id],
    )?;
    Ok(())
}

/// Moves the `quantity` newest available seats of the product to pending cancellation under
/// the request (the oldest stay for assignment); how many moved.
pub(crate) fn move_to_pending_cancellation(
    db: Sql<'_>,
    product_id: i64,
    quantity: i64,
    request_id: i64,
    effective_on: &str,
) -> Result<u64> {
    db.execute(
        "UPDATE seats SET status = 'pending_cancellation', cancel_effective_on = ?1,
                cancellation_request_id = ?2
         WHERE id IN (SELECT id FROM seats WHERE product_id = ?3 AND status = 'available'
                      ORDER BY id DESC LIMIT ?4)",
        &[&effective_on, &request_id, &product_id, &quantity],
    )
}

/// The request's pending seats stop being billed; how many.
pub(crate) fn cancel_pending_of_request(db: Sql<'_>, request_id: i64) -> Result<u64> {
    db.execute(
        "UPDATE seats SET status = 'cancelled'
         WHERE cancellation_request_id = ?1 AND status = 'pending_cancellation'",
        &[&request_id],
    )
}

/// The request's seats go back to the pool.
pub(crate) fn return_to_pool_from_request(db: Sql<'_>, request_id: i64) -> Result<()> {
    db.execute(
        "UPDATE seats SET status = 'available', cancel_effective_on = NULL, cancellation_request_id = NULL
         WHERE cancellation_request_id = ?1",
        &[&request_id],
    )?;
    Ok(())
}

/// One assigned seat and its holder, as the savings view reads them.
pub(crate) struct HeldSeat {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub user_status: String,
    pub product_id: i64,
    pub assigned_at: Option<String>,
}

/// Every assigned seat with its holder, by the holder's last and first name (compared as
/// bytes, in Rust: never by a server's collation), then id.
pub(crate) fn held_with_holders(db: Sql<'_>) -> Result<Vec<HeldSeat>> {
    let mut rows = db.query(
        "SELECT s.user_id, u.first_name, u.last_name, u.status, s.product_id, s.assigned_at
         FROM seats s JOIN users u ON u.id = s.user_id
         WHERE s.status = 'assigned'",
        &[],
        |r| {
            Ok(HeldSeat {
                user_id: r.get(0)?,
                first_name: r.get(1)?,
                last_name: r.get(2)?,
                user_status: r.get(3)?,
                product_id: r.get(4)?,
                assigned_at: r.get(5)?,
            })
        },
    )?;
    rows.sort_by(|a, b| {
        (&a.last_name, &a.first_name, a.user_id).cmp(&(&b.last_name, &b.first_name, b.user_id))
    });
    Ok(rows)
}

/// Adds seats with one statement prepared once (the demo generator's bulk): assigned to
/// `user_id` (at `purchased_at`), or available (None).
pub(crate) struct GeneratedSeatInsert<'conn>(rusqlite::Statement<'conn>);

impl<'conn> GeneratedSeatInsert<'conn> {
    pub(crate) fn prepare(conn: &'conn Connection) -> Result<Self> {
        Ok(Self(conn.prepare(
            "INSERT INTO seats (product_id, status, user_id, purchased_at, assigned_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?))
    }

    pub(crate) fn insert(
        &mut self,
        product_id: i64,
        user_id: Option<i64>,
        purchased_at: &str,
    ) -> Result<()> {
        let (status, assigned_at) = match user_id {
            Some(_) => ("assigned", Some(purchased_at)),
            None => ("available", None),
        };
        self.0.execute(params![
            product_id,
            status,
            user_id,
            purchased_at,
            assigned_at
        ])?;
        Ok(())
    }
}

/// Every seat belongs to its product's one order (the demo's starting orders).
pub(crate) fn link_to_product_orders(conn: &Connection) -> Result<()> {
    conn.execute(
        "UPDATE seats SET order_id = (SELECT o.id FROM orders o WHERE o.product_id = seats.product_id)",
        [],
    )?;
    Ok(())
}

/// How the billed seats are grouped by who holds them.
#[derive(Debug, Clone, Copy)]
pub(crate) enum HolderGroup {
    Department,
    Site,
}

/// Billed seats (assigned, available, pending cancellation) of one group: those held by the
/// users of one department or site, or (`name` None) those nobody holds.
pub(crate) struct BilledGroup {
    pub name: Option<String>,
    pub seats: i64,
    pub users: i64,
    pub monthly_cents: i64,
}

/// The billed seats by the holder's department or site, the unheld ones as one group; the
/// costliest first, then by name (the unheld group first; names compared as bytes, in Rust).
pub(crate) fn billed_by_holder(db: Sql<'_>, by: HolderGroup) -> Result<Vec<BilledGroup>> {
    let (column, join) = match by {
        HolderGroup::Department => ("u.department", ""),
        HolderGroup::Site => ("st.name", "LEFT JOIN sites st ON st.id = u.site_id"),
    };
    // A server's sum of bigints is a numeric: cast back.
    let mut rows = db.query(
        &format!(
            "SELECT CASE WHEN s.user_id IS NULL THEN NULL ELSE {column} END AS grp,
                    count(*), count(DISTINCT s.user_id),
                    CAST(sum(p.monthly_price_cents) AS bigint)
             FROM seats s JOIN products p ON p.id = s.product_id
             LEFT JOIN users u ON u.id = s.user_id {join}
             WHERE s.status <> 'cancelled'
             GROUP BY s.user_id IS NULL, grp"
        ),
        &[],
        |r| {
            Ok(BilledGroup {
                name: r.get(0)?,
                seats: r.get(1)?,
                users: r.get(2)?,
                monthly_cents: r.get(3)?,
            })
        },
    )?;
    rows.sort_by(|a, b| {
        b.monthly_cents
            .cmp(&a.monthly_cents)
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(rows)
}

/// Seats billed over the same span: bought on `from` (a date), billed until the day before
/// `until` (a cancellation's effective date), or still billed.
pub(crate) struct BilledSpan {
    pub from: String,
    pub until: Option<String>,
    pub monthly_cents: i64,
}

/// Every seat ever bought, as spans of billing (few rows: seats bought and cancelled
/// together share one): the ledger a month's total is counted from.
pub(crate) fn billed_spans(db: Sql<'_>) -> Result<Vec<BilledSpan>> {
    // A server's sum of bigints is a numeric: cast back.
    db.query(
        "SELECT substr(s.purchased_at, 1, 10), s.cancel_effective_on,
                CAST(sum(p.monthly_price_cents) AS bigint)
         FROM seats s JOIN products p ON p.id = s.product_id
         GROUP BY substr(s.purchased_at, 1, 10), s.cancel_effective_on",
        &[],
        |r| {
            Ok(BilledSpan {
                from: r.get(0)?,
                until: r.get(1)?,
                monthly_cents: r.get(2)?,
            })
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, query_plan, user_on};

    /// The seat goes back to the pool unassigned, and its product's price is answered for the
    /// billing note.
    #[test]
    fn a_released_seat_is_available_and_its_price_is_answered() {
        let (_dir, org) = demo_org();
        let user = user_on(&org, "Voice Pro");
        let (seat_id, price): (i64, i64) = org
            .conn()
            .query_row(
                "SELECT s.id, p.monthly_price_cents FROM seats s JOIN products p ON p.id = s.product_id
                 WHERE s.user_id = ?1",
                [user.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(release_held_by(org.conn(), user.id).unwrap(), price);
        let row: (String, Option<i64>, Option<String>) = org
            .conn()
            .query_row(
                "SELECT status, user_id, assigned_at FROM seats WHERE id = ?1",
                [seat_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(row, ("available".into(), None, None));
        assign(
            org.conn().into(),
            seat_id,
            user.id,
            "2026-01-01T00:00:00.000Z",
        )
        .unwrap();
        let holder: Option<i64> = org
            .conn()
            .query_row("SELECT user_id FROM seats WHERE id = ?1", [seat_id], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(holder, Some(user.id));
    }

    /// The list drives the join and each seat is found by its id, not every seat walked for
    /// each entry of the list.
    #[test]
    fn seats_are_given_by_their_id() {
        let (_dir, org) = demo_org();
        let plan = query_plan(&org, ASSIGN_MANY, params!["[]", "now"]);
        assert_eq!(plan.len(), 2, "{plan:?}");
        assert!(plan[0].starts_with("SCAN g"), "{plan:?}");
        assert!(
            plan[1].contains("SEARCH seats USING INTEGER PRIMARY KEY"),
            "{plan:?}"
        );
    }

    /// Only free seats are given; the count says how many.
    #[test]
    fn only_free_seats_are_given() {
        let (_dir, org) = demo_org();
        let holder = user_on(&org, "Voice Pro");
        let (held, product): (i64, i64) = org
            .conn()
            .query_row(
                "SELECT id, product_id FROM seats WHERE user_id = ?1",
                [holder.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let free = free_seats(org.conn().into(), product, 1).unwrap()[0];
        let taker: i64 = org
            .conn()
            .query_row(
                "SELECT u.id FROM users u
                 WHERE NOT EXISTS (SELECT 1 FROM seats s WHERE s.user_id = u.id) LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let now = "2026-01-01T00:00:00.000Z";
        assert_eq!(assign_many(org.conn(), &[], now).unwrap(), 0);
        assert_eq!(
            assign_many(org.conn(), &[(held, taker), (free, taker)], now).unwrap(),
            1
        );
        let holders: Vec<(i64, Option<i64>, Option<String>)> = org
            .conn()
            .prepare("SELECT id, user_id, assigned_at FROM seats WHERE id IN (?1, ?2) ORDER BY id")
            .unwrap()
            .query_map([held.min(free), held.max(free)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let of = |id: i64| holders.iter().find(|h| h.0 == id).unwrap().clone();
        assert_eq!(of(held).1, Some(holder.id));
        assert_eq!(of(free).1, Some(taker));
        assert_eq!(of(free).2.as_deref(), Some(now));
    }
}
