//! The phone_numbers table's SQL: the organization's pool of numbers and who holds each.

use rusqlite::Connection;

use crate::base::error::{Error, Result};
use crate::storage::engine::Sql;

/// Gives the user's number, if any, back to its site's pool. The one place of that rule: the
/// editor, offboarding, removal and the import release a number through it.
pub(crate) fn release_held_by<'a>(db: impl Into<Sql<'a>>, user_id: i64) -> Result<()> {
    db.into().execute(
        "UPDATE phone_numbers SET status = 'available', user_id = NULL WHERE user_id = ?1",
        &[&user_id],
    )?;
    Ok(())
}

/// [`release_held_by`] for every user of `user_ids`, in one statement (the ids as a JSON
/// list). Each number released rewrites its holder's search rows through the triggers; in
/// one statement they are written as one FTS5 segment, where a statement per user made the
/// next statement's savepoint flush a tiny segment for each and merge them again (about a
/// fifth of a bulk removal of 1,000 users).
pub(crate) fn release_held_by_many(db: Sql<'_>, user_ids: &[i64]) -> Result<u64> {
    db.execute_for_ids(
        "UPDATE phone_numbers SET status = 'available', user_id = NULL WHERE user_id IN {ids}",
        user_ids,
    )
}

/// Puts `e164` (checked free by the caller) on the user, releasing the number held before.
pub(crate) fn assign_to<'a>(db: impl Into<Sql<'a>>, user_id: i64, e164: &str) -> Result<()> {
    let db = db.into();
    release_held_by(db, user_id)?;
    db.execute(
        "UPDATE phone_numbers SET status = 'assigned', user_id = ?1 WHERE e164 = ?2",
        &[&user_id, &e164],
    )?;
    Ok(())
}

/// Puts each free number on its user, who holds none (`(e164, user)` pairs); answers how many
/// were free and given (the caller compares it with the pairs). One statement for all the
/// pairs, passed as a JSON list and found by the unique e164 index (the list drives the join:
/// see the test): a statement per number made the search triggers' FTS5 table flush a tiny
/// segment at each statement's savepoint and merge them all again.
pub(crate) fn assign_many_free<'a>(db: impl Into<Sql<'a>>, pairs: &[(&str, i64)]) -> Result<usize> {
    if pairs.is_empty() {
        return Ok(0);
    }
    let list = serde_json::to_string(pairs).map_err(|e| Error::Internal(e.to_string()))?;
    match db.into() {
        Sql::File(conn) => Ok(conn.prepare_cached(ASSIGN_MANY_FREE)?.execute([list])?),
        #[cfg(feature = "server")]
        db @ Sql::Server(_) => Ok(db.execute(
            "UPDATE phone_numbers SET status = 'assigned', user_id = CAST(g.value ->> 1 AS bigint)
             FROM json_array_elements(CAST(CAST(?1 AS text) AS json)) g
             WHERE phone_numbers.e164 = g.value ->> 0 AND phone_numbers.status = 'available'",
            &[&list],
        )? as usize),
    }
}

const ASSIGN_MANY_FREE: &str =
    "UPDATE phone_numbers SET status = 'assigned', user_id = g.value ->> 1
     FROM json_each(?1) g
     WHERE phone_numbers.e164 = g.value ->> 0 AND phone_numbers.status = 'available'";

/// A number its holder keeps from a site other than the holder's own.
pub(crate) struct NumberOfAnotherSite {
    pub e164: String,
    pub number_site: String,
    pub user_site: String,
}

/// The user's number when it belongs to another site than the user's.
pub(crate) fn of_another_site<'a>(
    db: impl Into<Sql<'a>>,
    user_id: i64,
) -> Result<Option<NumberOfAnotherSite>> {
    db.into().query_opt(
        "SELECT n.e164, ns.name, us.name FROM phone_numbers n
         JOIN users u ON u.id = n.user_id
         JOIN sites ns ON ns.id = n.site_id JOIN sites us ON us.id = u.site_id
         WHERE n.user_id = ?1 AND n.site_id <> u.site_id",
        &[&user_id],
        |r| {
            Ok(NumberOfAnotherSite {
                e164: r.get(0)?,
                number_site: r.get(1)?,
                user_site: r.get(2)?,
            })
        },
    )
}

/// A number of the pool: its site and, when assigned, its holder (id and full name).
pub(crate) struct PoolNumber {
    pub site_id: i64,
    pub holder: Option<(i64, String)>,
}

/// The number in the pool, None when the pool does not have it.
pub(crate) fn in_pool(db: Sql<'_>, e164: &str) -> Result<Option<PoolNumber>> {
    db.query_opt(
        "SELECT n.site_id, u.id, u.first_name || ' ' || u.last_name
         FROM phone_numbers n LEFT JOIN users u ON u.id = n.user_id WHERE n.e164 = ?1",
        &[&e164],
        |r| {
            let holder: Option<i64> = r.get(1)?;
            Ok(PoolNumber {
                site_id: r.get(0)?,
                holder: match holder {
                    Some(id) => Some((id, r.get(2)?)),
                    None => None,
                },
            })
        },
    )
}

/// The user who holds a number: id and full name.
pub(crate) fn holder<'a>(db: impl Into<Sql<'a>>, e164: &str) -> Result<Option<(i64, String)>> {
    db.into().query_opt(
        "SELECT u.id, u.first_name || ' ' || u.last_name
         FROM phone_numbers n JOIN users u ON u.id = n.user_id WHERE n.e164 = ?1",
        &[&e164],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The free numbers of the user's site, in order.
pub(crate) fn free_in_site_of(db: Sql<'_>, user_id: i64) -> Result<Vec<String>> {
    let mut numbers: Vec<String> = db.query(
        "SELECT n.e164 FROM phone_numbers n JOIN users u ON u.site_id = n.site_id
         WHERE u.id = ?1 AND n.status = 'available'",
        &[&user_id],
        |r| r.get(0),
    )?;
    // In byte order on both engines.
    numbers.sort();
    Ok(numbers)
}

/// A number of the pool as the import reads it.
pub(crate) struct PoolEntry {
    pub e164: String,
    pub site_id: i64,
    pub user_id: Option<i64>,
}

/// The whole pool, in one query.
pub(crate) fn all<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<PoolEntry>> {
    db.into().query(
        "SELECT e164, site_id, user_id FROM phone_numbers ORDER BY phone_numbers.id",
        &[],
        |r| {
            Ok(PoolEntry {
                e164: r.get(0)?,
                site_id: r.get(1)?,
                user_id: r.get(2)?,
            })
        },
    )
}

/// Adds numbers to the pool with one statement prepared once (the demo generator's bulk).
pub(crate) struct PoolInsert<'conn>(rusqlite::Statement<'conn>);

impl<'conn> PoolInsert<'conn> {
    pub(crate) fn prepare(conn: &'conn Connection) -> Result<Self> {
        Ok(Self(conn.prepare(
            "INSERT INTO phone_numbers (e164, site_id, status, user_id) VALUES (?1, ?2, ?3, ?4)",
        )?))
    }

    /// Adds the number, assigned to `user_id` or available (None).
    pub(crate) fn insert(&mut self, e164: &str, site_id: i64, user_id: Option<i64>) -> Result<()> {
        let status = if user_id.is_some() {
            "assigned"
        } else {
            "available"
        };
        self.0
            .execute(rusqlite::params![e164, site_id, status, user_id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, query_plan};

    fn holder_and_status(conn: &Connection, e164: &str) -> (Option<i64>, String) {
        conn.query_row(
            "SELECT user_id, status FROM phone_numbers WHERE e164 = ?1",
            [e164],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }

    /// Assigning a number to a user who holds one gives the old one back to the pool: a user
    /// holds one number at most.
    #[test]
    fn assigning_a_number_releases_the_one_held_before() {
        let (_dir, org) = demo_org();
        let (user_id, held, site_id): (i64, String, i64) = org
            .conn()
            .query_row(
                "SELECT n.user_id, n.e164, n.site_id FROM phone_numbers n
                 WHERE n.status = 'assigned' ORDER BY n.e164 LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        let free: String = org
            .conn()
            .query_row(
                "SELECT e164 FROM phone_numbers WHERE site_id = ?1 AND status = 'available'
                 ORDER BY e164 LIMIT 1",
                [site_id],
                |r| r.get(0),
            )
            .unwrap();
        assign_to(org.conn(), user_id, &free).unwrap();
        assert_eq!(
            holder_and_status(org.conn(), &free),
            (Some(user_id), "assigned".into())
        );
        assert_eq!(
            holder_and_status(org.conn(), &held),
            (None, "available".into())
        );
        release_held_by(org.conn(), user_id).unwrap();
        assert_eq!(
            holder_and_status(org.conn(), &free),
            (None, "available".into())
        );
    }

    /// The list drives the join and each number is found by its unique index, not the pool
    /// walked for each entry of the list.
    #[test]
    fn numbers_are_given_by_their_index() {
        let (_dir, org) = demo_org();
        let plan = query_plan(&org, ASSIGN_MANY_FREE, ["[]"]);
        assert_eq!(plan.len(), 2, "{plan:?}");
        assert!(plan[0].starts_with("SCAN g"), "{plan:?}");
        assert!(
            plan[1].contains("SEARCH phone_numbers USING INDEX"),
            "{plan:?}"
        );
    }

    /// Only free numbers are given; the count says how many.
    #[test]
    fn only_free_numbers_are_given() {
        let (_dir, org) = demo_org();
        let (held, holder): (String, i64) = org
            .conn()
            .query_row(
                "SELECT e164, user_id FROM phone_numbers WHERE status = 'assigned' LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let (free, site_id): (String, i64) = org
            .conn()
            .query_row(
                "SELECT e164, site_id FROM phone_numbers WHERE status = 'available' LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let taker: i64 = org
            .conn()
            .query_row(
                "SELECT u.id FROM users u WHERE u.site_id = ?1
                 AND NOT EXISTS (SELECT 1 FROM phone_numbers n WHERE n.user_id = u.id) LIMIT 1",
                [site_id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(assign_many_free(org.conn(), &[]).unwrap(), 0);
        assert_eq!(
            assign_many_free(org.conn(), &[(&held, taker), (&free, taker)]).unwrap(),
            1
        );
        assert_eq!(
            holder_and_status(org.conn(), &held),
            (Some(holder), "assigned".into())
        );
        assert_eq!(
            holder_and_status(org.conn(), &free),
            (Some(taker), "assigned".into())
        );
    }
}
