//! The Users list on a server, kept in memory for its search as the file keeps its list order
//! (docs/ARCHITECTURE.md §Server): every user's id and sort name in list order, with the
//! texts a search looks in, folded by the server as its own search folds them. Ranking
//! thousands of trigram candidates on the server reads each one's row (5,132 for "son": 40 ms
//! and more); here a page is the first matches from the cursor on, found in one pass over
//! memory (a few MB at 100,000 users). It is read again, in the page's own snapshot, when
//! `user_list_token` changed (server migration 0003).

use memchr::memmem;
use postgres::Transaction;

use super::UserCursor;
use crate::base::error::{Error, Result};

/// The start of a text a 1–2 character search looks at: first name, last name, email,
/// extension.
const STARTS: usize = 4;

/// Users per block of the list whose texts' trigrams one [`Trigrams`] filter holds.
const BLOCK: usize = 32;

/// Which 3-byte sequences a block's texts hold, hashed to one of 4,096 bits (a Bloom filter
/// with one hash): a rare text skips the blocks that lack one of its trigrams instead of
/// searching all 6 MB of texts (at 100,000 users, 1.6 MB of filters; a block holds about
/// 1,700 trigrams, so a third of the bits are set).
struct Trigrams([u64; 64]);

impl Trigrams {
    /// The bit of a trigram: its 24 bits, multiplied by a large odd number, top 12 bits.
    fn bit(t: &[u8]) -> usize {
        let t = u32::from(t[0]) << 16 | u32::from(t[1]) << 8 | u32::from(t[2]);
        (t.wrapping_mul(0x9E37_79B1) >> 20) as usize
    }

    fn of(bytes: &[u8], into: &mut Trigrams) {
        for t in bytes.windows(3) {
            let bit = Self::bit(t);
            into.0[bit / 64] |= 1 << (bit % 64);
        }
    }

    fn holds(&self, needle: &Trigrams) -> bool {
        self.0
            .iter()
            .zip(&needle.0)
            .all(|(have, want)| have & want == *want)
    }
}

pub(crate) struct ServerList {
    token: i64,
    /// Sort names in list order, one after the other, and where each ends.
    names: String,
    name_ends: Vec<u32>,
    /// Ids in list order.
    ids: Vec<i64>,
    /// Each user's "first last", email, extension and number (`lower()`ed, a line apart),
    /// followed by a NUL (which no needle holds, so a match never spans two users), and
    /// where each user's ends.
    texts: Vec<u8>,
    text_ends: Vec<u32>,
    /// The trigrams of each [`BLOCK`] of users' texts, in list order.
    blocks: Vec<Trigrams>,
    /// The first two characters of each user's [`STARTS`] texts (`ascii_lower`ed), and where
    /// each ends.
    starts: String,
    start_ends: Vec<u32>,
}

fn offset(len: usize) -> Result<u32> {
    u32::try_from(len).map_err(|_| Error::Internal("the users' texts exceed 4 GB".into()))
}

impl ServerList {
    /// The list as it is in the transaction's snapshot: `cached` when still current, else
    /// read again.
    pub fn current(tx: &mut Transaction<'_>, cached: &mut Option<ServerList>) -> Result<()> {
        // Typed: one round trip, where a statement prepared first takes two.
        let token: i64 = tx
            .query_typed_one("SELECT token FROM user_list_token", &[])?
            .get(0);
        if cached.as_ref().is_some_and(|l| l.token == token) {
            return Ok(());
        }
        // The texts as the SQL search (`tables/users/on_server.rs`) tests them: `lower()` by
        // the server (its Unicode rules); `ascii_lower()` here, which is only A-Z (the
        // server's, a `translate`, took 1.5 s of the 1.7 s this read took at 100,000 users).
        let rows = tx.query(
            "SELECT id, sort_name, lower(first_name || ' ' || last_name), lower(email),
                    coalesce(extension, ''), coalesce(number, ''), first_name, last_name, email
             FROM users ORDER BY sort_name, id",
            &[],
        )?;
        let mut list = ServerList::with_capacity(token, rows.len());
        for row in &rows {
            let texts: [&str; 4] = std::array::from_fn(|i| row.get(2 + i));
            let starts = [row.get(6), row.get(7), row.get(8), texts[2]];
            list.push(row.get(0), row.get(1), texts, starts)?;
        }
        list.names.shrink_to_fit();
        list.texts.shrink_to_fit();
        list.starts.shrink_to_fit();
        *cached = Some(list);
        Ok(())
    }

    /// The `user_list_token` the list was read at.
    pub fn token(&self) -> i64 {
        self.token
    }

    fn with_capacity(token: i64, users: usize) -> Self {
        ServerList {
            token,
            names: String::new(),
            name_ends: Vec::with_capacity(users),
            ids: Vec::with_capacity(users),
            texts: Vec::new(),
            text_ends: Vec::with_capacity(users),
            blocks: Vec::with_capacity(users.div_ceil(BLOCK)),
            starts: String::new(),
            start_ends: Vec::with_capacity(users * STARTS),
        }
    }

    /// Adds the next user in list order: its searched texts (folded by the server) and the
    /// texts whose start a 1–2 character search tests (as stored).
    fn push(
        &mut self,
        id: i64,
        name: &str,
        texts: [&str; 4],
        starts: [&str; STARTS],
    ) -> Result<()> {
        if self.ids.len().is_multiple_of(BLOCK) {
            self.blocks.push(Trigrams([0; 64]));
        }
        self.ids.push(id);
        self.names.push_str(name);
        self.name_ends.push(offset(self.names.len())?);
        let from = self.texts.len();
        for (i, text) in texts.iter().enumerate() {
            if i > 0 {
                self.texts.push(b'\n');
            }
            self.texts.extend_from_slice(text.as_bytes());
        }
        let block = self.blocks.last_mut().expect("just pushed");
        Trigrams::of(&self.texts[from..], block);
        self.texts.push(0);
        self.text_ends.push(offset(self.texts.len())?);
        for start in starts {
            // Its first two characters, ASCII letters folded (as the server's
            // `ascii_lower()`, which changes no character's length).
            let end = start
                .char_indices()
                .nth(2)
                .map_or(start.len(), |(at, _)| at);
            self.starts.push_str(&start[..end].to_ascii_lowercase());
            self.start_ends.push(offset(self.starts.len())?);
        }
        Ok(())
    }

    fn name(&self, place: usize) -> &str {
        let start = place
            .checked_sub(1)
            .map_or(0, |p| self.name_ends[p] as usize);
        &self.names[start..self.name_ends[place] as usize]
    }

    /// The place of the first user after the cursor (0 without one).
    fn start(&self, after: Option<&UserCursor>) -> usize {
        let Some(c) = after else { return 0 };
        let cursor = (c.sort_name.as_str(), c.id);
        let (mut lo, mut hi) = (0, self.ids.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if (self.name(mid), self.ids[mid]) <= cursor {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// The first `limit` users after the cursor, in list order, one of whose texts holds
    /// `needle` (already folded; it holds neither a NUL nor a line break).
    pub fn containing(&self, needle: &str, after: Option<&UserCursor>, limit: usize) -> Vec<i64> {
        let finder = memmem::Finder::new(needle.as_bytes());
        let mut wanted = Trigrams([0; 64]);
        Trigrams::of(needle.as_bytes(), &mut wanted);
        let mut place = self.start(after);
        let mut found = Vec::new();
        while found.len() < limit && place < self.ids.len() {
            let block_end = ((place / BLOCK + 1) * BLOCK).min(self.ids.len());
            if self.blocks[place / BLOCK].holds(&wanted) {
                let mut at = place
                    .checked_sub(1)
                    .map_or(0, |p| self.text_ends[p] as usize);
                let end = self.text_ends[block_end - 1] as usize;
                while found.len() < limit {
                    let Some(hit) = finder.find(&self.texts[at..end]) else {
                        break;
                    };
                    // The user whose text holds the hit: the first whose text ends after it.
                    let hit = at + hit;
                    place +=
                        self.text_ends[place..block_end].partition_point(|&e| e as usize <= hit);
                    found.push(self.ids[place]);
                    at = self.text_ends[place] as usize;
                    place += 1;
                }
            }
            place = place.max(block_end);
        }
        found
    }

    /// The first `limit` users after the cursor, in list order, whose first name, last name,
    /// email or extension starts with `prefix` (1–2 characters, ASCII letters folded).
    pub fn starting(&self, prefix: &str, after: Option<&UserCursor>, limit: usize) -> Vec<i64> {
        let mut found = Vec::new();
        for place in self.start(after)..self.ids.len() {
            let texts = place * STARTS..(place + 1) * STARTS;
            let starts_with = texts.into_iter().any(|i| {
                let from = i.checked_sub(1).map_or(0, |p| self.start_ends[p] as usize);
                self.starts[from..self.start_ends[i] as usize].starts_with(prefix)
            });
            if starts_with {
                found.push(self.ids[place]);
                if found.len() == limit {
                    break;
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 200 users (7 blocks, the last one short) whose texts hold a rare, a common and a
    /// clustered text; every page, from every cursor, is the naive scan's.
    #[test]
    fn a_page_is_the_first_users_whose_texts_hold_the_needle() {
        let mut list = ServerList::with_capacity(0, 200);
        let mut texts = Vec::new();
        for place in 0..200i64 {
            let name = format!("name{place:03}");
            let last = if (90..140).contains(&place) {
                "andersson"
            } else {
                "lee"
            };
            let parts = [
                format!("ann {last}"),
                format!("ann{}@example.com", place % 7),
                format!("{}", 1000 + place),
                format!("+1512555{place:04}"),
            ];
            let parts: [&str; 4] = std::array::from_fn(|i| parts[i].as_str());
            let last_name = if last == "lee" { "Lee" } else { "ANDERSSON" };
            list.push(
                place * 3 + 1,
                &name,
                parts,
                ["Ann", last_name, parts[1], parts[2]],
            )
            .unwrap();
            texts.push((place * 3 + 1, name, parts.join("\n")));
        }
        for needle in [
            "andersson",
            "ann6@",
            "5550199",
            "0042",
            "@example",
            "zzz",
            "ann",
        ] {
            for from in [None, Some(0), Some(31), Some(32), Some(95), Some(199)] {
                let after = from.map(|p: usize| UserCursor {
                    sort_name: texts[p].1.clone(),
                    id: texts[p].0,
                });
                let naive: Vec<i64> = texts
                    .iter()
                    .skip(from.map_or(0, |p| p + 1))
                    .filter(|(_, _, t)| t.contains(needle))
                    .map(|(id, _, _)| *id)
                    .take(20)
                    .collect();
                assert_eq!(
                    list.containing(needle, after.as_ref(), 20),
                    naive,
                    "{needle} after {from:?}"
                );
            }
        }
        assert_eq!(list.starting("an", None, 3), [1, 4, 7]);
        assert_eq!(list.starting("le", None, 1000).len(), 150);
        assert_eq!(list.starting("10", None, 1000).len(), 100);
        assert_eq!(list.starting("a", None, 1000).len(), 200);
    }
}
