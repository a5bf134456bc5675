//! The Users list's order (sort name, then id), kept in memory for searches.
//!
//! A search of 3 or more characters finds its candidates through the trigram index in id
//! order; its page is the first candidates in list order that hold the text. Reading each
//! candidate's sort name from the users table costs a random read per candidate (2,500 for
//! "kowalski" at 100,000 users); the order in memory ranks them without touching the table. It is read again (about
//! 20 ms at 100,000 users) when a user is added, removed or renamed: triggers then give
//! `list_order_token` a new random value (migration 0006).

#[cfg(feature = "server")]
pub(crate) mod on_server;

use std::cell::RefCell;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::base::error::Result;

/// What the Users search keeps in memory between pages: the file's list order, or the
/// server's list with its texts (`on_server`).
#[derive(Default)]
pub(crate) struct SearchMemory {
    pub file: RefCell<Option<ListOrder>>,
    #[cfg(feature = "server")]
    pub server: RefCell<Option<on_server::ServerList>>,
}

/// Where the next page starts: the sort key and id of the last row shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserCursor {
    pub sort_name: String,
    #[ts(type = "number")]
    pub id: i64,
}

/// How many users (the first by id) a search samples to tell a common text from a rare one.
pub(crate) const SAMPLE: usize = 2_000;

pub(crate) struct ListOrder {
    token: i64,
    /// The id below which the first [`SAMPLE`] users by id are (the trigram index's order).
    sample_end: i64,
    /// Every user's sort name, in list order, one after the other (one allocation, not one
    /// per user: 4 MB instead of 8 at 100,000 users, counting `ids` and `places`), and where
    /// each ends in it.
    names: String,
    name_ends: Vec<u32>,
    /// Every user's id, in list order.
    order_ids: Vec<i64>,
    /// Every user's id, ascending, and (at the same index) the user's place in `order`
    /// (smaller than a map, and a lookup is one read while ids have no gaps).
    ids: Vec<i64>,
    places: Vec<u32>,
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
        let (mut names, mut name_ends, mut order_ids) = (String::new(), Vec::new(), Vec::new());
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            // Read in place: no String per user.
            let name = row.get_ref(0)?.as_str().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
            })?;
            names.push_str(name);
            name_ends.push(u32::try_from(names.len()).map_err(|_| {
                crate::base::error::Error::Internal("the users' sort names exceed 4 GB".into())
            })?);
            order_ids.push(row.get::<_, i64>(1)?);
        }
        names.shrink_to_fit();
        name_ends.shrink_to_fit();
        order_ids.shrink_to_fit();
        let mut by_id: Vec<(i64, u32)> = (0..)
            .zip(&order_ids)
            .map(|(place, id)| (*id, place))
            .collect();
        by_id.sort_unstable();
        let (ids, places): (Vec<i64>, Vec<u32>) = by_id.into_iter().unzip();
        let sample_end = match ids.len() {
            0 => 0,
            n if n <= SAMPLE => i64::MAX,
            _ => ids[SAMPLE],
        };
        *cached = Some(ListOrder {
            token,
            sample_end,
            names,
            name_ends,
            order_ids,
            ids,
            places,
        });
        Ok(())
    }

    /// The users sampled: those with an id below this, and how many they are.
    pub fn sample(&self) -> (i64, usize) {
        (self.sample_end, self.order_ids.len().min(SAMPLE))
    }

    /// The place of the first user after the cursor (0 without one).
    pub fn start(&self, after: Option<&UserCursor>) -> usize {
        let Some(c) = after else { return 0 };
        let cursor = (c.sort_name.as_str(), c.id);
        // The first place whose (sort name, id) comes after the cursor.
        let (mut lo, mut hi) = (0, self.order_ids.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if (self.name(mid), self.order_ids[mid]) <= cursor {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The sort name of the user at `place` in the list.
    fn name(&self, place: usize) -> &str {
        let start = place
            .checked_sub(1)
            .map_or(0, |p| self.name_ends[p] as usize);
        &self.names[start..self.name_ends[place] as usize]
    }

    /// The users of `ids` that are in the list from place `from` on, to be read in list order.
    pub fn ranked(&self, ids: impl Iterator<Item = i64>, from: usize) -> Ranked {
        let first = self.ids.first().copied().unwrap_or(0);
        let candidates = ids
            .filter_map(|id| {
                // Ids are mostly consecutive: where the id would be without gaps, else a search.
                let at = usize::try_from(id.wrapping_sub(first))
                    .ok()
                    .filter(|&at| self.ids.get(at) == Some(&id))
                    .unwrap_or_else(|| self.ids.partition_point(|&i| i < id));
                (self.ids.get(at) == Some(&id)).then(|| (self.places[at], id))
            })
            .filter(|&(place, _)| place as usize >= from)
            .collect();
        Ranked {
            candidates,
            read: 0,
        }
    }
}

/// Users to be read in list order, sorted only as far as they are read: a page needs the
/// first few of thousands.
pub(crate) struct Ranked {
    /// (place in the list, id); those before `read` are sorted and were read.
    candidates: Vec<(u32, i64)>,
    read: usize,
}

impl Ranked {
    /// The ids of the next `n` users in list order (fewer at the end).
    pub fn next(&mut self, n: usize) -> Vec<i64> {
        let rest = &mut self.candidates[self.read..];
        let n = n.min(rest.len());
        if n > 0 && n < rest.len() {
            rest.select_nth_unstable(n - 1);
        }
        rest[..n].sort_unstable();
        self.read += n;
        rest[..n].iter().map(|&(_, id)| id).collect()
    }
}
