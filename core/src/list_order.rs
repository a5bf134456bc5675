//! The Users list's order (sort name, then id), kept in memory for searches.
//!
//! A search of 3 or more characters finds its matches through the trigram index in id
//! order; its page is the first matches in list order. Reading each match's sort name from
//! the users table costs a random read per match (2,500 for "kowalski" at 100,000 users);
//! the order in memory ranks them without touching the table. It is read again (about
//! 20 ms at 100,000 users) when a user is added, removed or renamed: triggers then give
//! `list_order_token` a new random value (migration 0006).

use std::collections::HashMap;

use rusqlite::Connection;

use crate::error::Result;
use crate::users::UserCursor;

/// How many users (the first by id) a search samples to tell a common text from a rare one.
pub(crate) const SAMPLE: usize = 2_000;

pub(crate) struct ListOrder {
    token: i64,
    /// The id below which the first [`SAMPLE`] users by id are (the trigram index's order).
    sample_end: i64,
    /// Every user's (sort name, id), in list order.
    order: Vec<(String, i64)>,
    /// Each user's place in `order`.
    place: HashMap<i64, usize>,
}

impl ListOrder {
    /// The order as it is in the database now: `cached` when still current, else read again.
    pub fn current(conn: &Connection, cached: &mut Option<ListOrder>) -> Result<()> {
        let token: i64 = conn
            .prepare_cached("SELECT token FROM list_order_token")?
            .query_row([], |r| r.get(0))?;
        if cached.as_ref().is_some_and(|o| o.token == token) {
            return Ok(());
        }
        let mut stmt =
            conn.prepare_cached("SELECT sort_name, id FROM users ORDER BY sort_name, id")?;
        let order = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let place = order
            .iter()
            .enumerate()
            .map(|(i, (_, id))| (*id, i))
            .collect();
        let mut ids: Vec<i64> = order.iter().map(|(_, id)| *id).collect();
        let sample_end = match ids.len() {
            0 => 0,
            n if n <= SAMPLE => i64::MAX,
            _ => *ids.select_nth_unstable(SAMPLE).1,
        };
        *cached = Some(ListOrder {
            token,
            sample_end,
            order,
            place,
        });
        Ok(())
    }

    /// The users sampled: those with an id below this, and how many they are.
    pub fn sample(&self) -> (i64, usize) {
        (self.sample_end, self.order.len().min(SAMPLE))
    }

    /// The place of the first user after the cursor (0 without one).
    pub fn start(&self, after: Option<&UserCursor>) -> usize {
        after.map_or(0, |c| {
            self.order
                .partition_point(|(name, id)| (name.as_str(), *id) <= (c.sort_name.as_str(), c.id))
        })
    }

    /// The `limit` users of `ids` that come first in the list, from place `from` on.
    pub fn first(&self, ids: impl Iterator<Item = i64>, from: usize, limit: usize) -> Vec<i64> {
        let mut places: Vec<usize> = ids
            .filter_map(|id| self.place.get(&id).copied())
            .filter(|&p| p >= from)
            .collect();
        if places.len() > limit {
            places.select_nth_unstable(limit - 1);
            places.truncate(limit);
        }
        places.sort_unstable();
        places.into_iter().map(|p| self.order[p].1).collect()
    }
}
