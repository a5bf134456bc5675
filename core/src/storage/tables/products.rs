//! The products table's SQL: the license products, their names, families and seat counts.

use rusqlite::Connection;

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// One product with its seat counts as of a day, as the inventory lists it.
pub(crate) struct InventoryRow {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub family: String,
    pub monthly_price_cents: i64,
    pub assigned: i64,
    pub available: i64,
    pub pending_cancellation: i64,
}

/// Every product with its seat counts as of `today`: a cancellation whose date has come no
/// longer counts, even before the seats are marked cancelled. Assigned and available come
/// from `seat_tallies`, which triggers keep equal to the seat rows (migration 0005). Voice
/// first, then contact center, then the rest; cheapest first within a family (then by name,
/// byte by byte on both engines).
pub(crate) fn inventory(db: Sql<'_>, today: &str) -> Result<Vec<InventoryRow>> {
    let mut rows = db.query(
        "SELECT p.id, p.sku, p.name, p.family, p.monthly_price_cents,
                coalesce((SELECT n FROM seat_tallies t WHERE t.product_id = p.id AND t.status = 'assigned'), 0),
                coalesce((SELECT n FROM seat_tallies t WHERE t.product_id = p.id AND t.status = 'available'), 0),
                (SELECT count(*) FROM seats s WHERE s.product_id = p.id
                    AND s.status = 'pending_cancellation' AND s.cancel_effective_on > ?1)
         FROM products p",
        &[&today],
        |r| {
            Ok(InventoryRow {
                id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                family: r.get(3)?,
                monthly_price_cents: r.get(4)?,
                assigned: r.get(5)?,
                available: r.get(6)?,
                pending_cancellation: r.get(7)?,
            })
        },
    )?;
    let family_rank = |family: &str| match family {
        "voice" => 0,
        "contact_center" => 1,
        _ => 2,
    };
    rows.sort_by(|a, b| {
        (family_rank(&a.family), a.monthly_price_cents, &a.name).cmp(&(
            family_rank(&b.family),
            b.monthly_price_cents,
            &b.name,
        ))
    });
    Ok(rows)
}

/// The product's name, None when there is no such product.
pub(crate) fn name(db: Sql<'_>, product_id: i64) -> Result<Option<String>> {
    db.query_opt(
        "SELECT name FROM products WHERE id = ?1",
        &[&product_id],
        |r| r.get(0),
    )
}

/// The key of the product's family ("voice", ..).
/// The product of that name (names are unique), None when there is none.
pub(crate) fn id_by_name<'a>(db: impl Into<Sql<'a>>, name: &str) -> Result<Option<i64>> {
    db.into().query_opt(
        "SELECT p.id FROM products p WHERE p.name = ?1",
        &[&name],
        |r| r.get(0),
    )
}

pub(crate) fn family_key(db: Sql<'_>, product_id: i64) -> Result<String> {
    db.query_one(
        "SELECT family FROM products WHERE id = ?1",
        &[&product_id],
        |r| r.get(0),
    )
}

/// The names of the products that include the feature (by key), cheapest first.
pub(crate) fn names_with_feature(db: Sql<'_>, feature: &str) -> Result<Vec<String>> {
    let mut products: Vec<(i64, String)> = db.query(
        "SELECT p.monthly_price_cents, p.name FROM products p
         JOIN product_features f ON f.product_id = p.id WHERE f.feature = ?1",
        &[&feature],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    // Names compared byte by byte on both engines.
    products.sort();
    Ok(products.into_iter().map(|(_, name)| name).collect())
}

/// The product's name and monthly price in cents.
pub(crate) fn name_and_price<'a>(
    db: impl Into<Sql<'a>>,
    product_id: i64,
) -> Result<Option<(String, i64)>> {
    db.into().query_opt(
        "SELECT name, monthly_price_cents FROM products WHERE id = ?1",
        &[&product_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
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
pub(crate) fn seat_tallies(db: Sql<'_>) -> Result<Vec<SeatTally>> {
    db.query(
        "SELECT p.id, p.name, p.monthly_price_cents,
                count(s.id) FILTER (WHERE s.status <> 'cancelled'),
                count(s.id) FILTER (WHERE s.status = 'available'),
                count(s.id) FILTER (WHERE s.status = 'pending_cancellation')
         FROM products p LEFT JOIN seats s ON s.product_id = p.id
         GROUP BY p.id ORDER BY p.id",
        &[],
        |r| {
            Ok(SeatTally {
                id: r.get(0)?,
                name: r.get(1)?,
                monthly_price_cents: r.get(2)?,
                billed: r.get(3)?,
                available: r.get(4)?,
                pending_cancellation: r.get(5)?,
            })
        },
    )
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
pub(crate) fn all_for_import<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<ImportProduct>> {
    db.into().query(
        "SELECT p.id, p.name, p.monthly_price_cents,
                CASE WHEN EXISTS (SELECT 1 FROM product_features f
                                  WHERE f.product_id = p.id AND f.feature = 'calling')
                     THEN CAST(1 AS bigint) ELSE CAST(0 AS bigint) END,
                (SELECT count(*) FROM seats s WHERE s.product_id = p.id AND s.status = 'available')
         FROM products p ORDER BY p.id",
        &[],
        |r| {
            Ok(ImportProduct {
                id: r.get(0)?,
                name: r.get(1)?,
                monthly_price_cents: r.get(2)?,
                includes_calling: r.get::<i64>(3)? != 0,
                available_seats: r.get(4)?,
            })
        },
    )
}

/// Adds a product; its id.
pub(crate) fn insert(
    conn: &Connection,
    sku: &str,
    name: &str,
    family: &str,
    monthly_price_cents: i64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO products (sku, name, family, monthly_price_cents) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![sku, name, family, monthly_price_cents],
    )?;
    Ok(conn.last_insert_rowid())
}
