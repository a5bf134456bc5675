//! The Users list on a server: a page of user ids in list order, found by the same rule as
//! the file's search (`storage/tables/users.rs` `Needle`): 1–2 characters at the start of
//! the first name, last name, email or extension (ASCII letters folded, as SQLite's
//! `lower()`); 3 or more anywhere in "First Last", email, extension or phone number, case
//! folded; then the license and status filters, after the cursor, in (sort name, id) order.
//! Without a license or status filter, the page is found in the list the window keeps in
//! memory (`list_order::on_server`), as the file finds its own; with one, through the
//! server's indexes: pg_trgm's (GIN) and `text_pattern_ops` B-trees
//! (`migrations/0002_organization.sql`).

use std::cell::RefCell;

use postgres::types::ToSql;
use postgres::Transaction;

use super::{fold, HeldSeatFilter, ListQuery, Needle};
use crate::base::error::Result;
use crate::storage::list_order::on_server::ServerList;

/// `text` as a LIKE pattern that matches it literally (`%`, `_` and `\` typed by the admin
/// are plain characters).
fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Rows of the list a search walks down before it asks the trigram indexes instead, per
/// user of the page: a text that 1 user in 20 holds fills a page within the walk.
const WALK_ROWS_PER_USER: u32 = 20;

/// A statement's arguments, numbered as they are pushed.
type Args = Vec<Box<dyn ToSql + Sync>>;

fn push(args: &mut Args, value: impl ToSql + Sync + 'static) -> String {
    args.push(Box::new(value));
    format!("${}", args.len())
}

/// What the query's search and filters ask of a user, as conditions on `u` (users) and `s`
/// (the seat held) with their arguments pushed onto `args`.
struct Conditions {
    /// 3 or more characters: anywhere in "First Last", email, extension or number (its
    /// pattern's placeholder, for the trigram lookups).
    substring: Option<String>,
    /// 1–2 characters at the start of a text, or the substring test, as " AND (…)".
    search: String,
    /// The license and status filters, as " AND …".
    filters: String,
}

fn conditions(q: &ListQuery<'_>, args: &mut Args) -> Conditions {
    let (substring, search) = match &Needle::of(q.search) {
        Needle::All => (None, String::new()),
        Needle::Prefix(p) => {
            let p = push(args, format!("{}%", like_literal(p)));
            let search = format!(
                " AND (ascii_lower(u.first_name) LIKE {p} OR ascii_lower(u.last_name) LIKE {p}
                       OR ascii_lower(u.email) LIKE {p} OR u.extension LIKE {p})"
            );
            (None, search)
        }
        Needle::Substring(text) => {
            let p = push(args, format!("%{}%", like_literal(&fold(text))));
            let search = format!(
                " AND (lower(u.first_name || ' ' || u.last_name) LIKE {p} OR lower(u.email) LIKE {p}
                       OR u.extension LIKE {p} OR u.number LIKE {p})"
            );
            (Some(p), search)
        }
    };
    let mut filters = String::new();
    match q.license {
        HeldSeatFilter::Any => {}
        HeldSeatFilter::None => filters.push_str(" AND s.id IS NULL"),
        HeldSeatFilter::OfProduct(product_id) => {
            filters.push_str(&format!(" AND s.product_id = {}", push(args, product_id)));
        }
    }
    if let Some(status) = q.status {
        filters.push_str(&format!(" AND u.status = {}", push(args, status)));
    }
    Conditions {
        substring,
        search,
        filters,
    }
}

fn ids(tx: &mut Transaction<'_>, sql: &str, args: &Args) -> Result<Vec<i64>> {
    let refs: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref()).collect();
    Ok(tx.query(sql, &refs)?.iter().map(|r| r.get(0)).collect())
}

/// [`page_ids_from`], the list in memory checked first.
#[cfg(test)]
pub(crate) fn page_ids(
    tx: &mut Transaction<'_>,
    list: &RefCell<Option<ServerList>>,
    q: &ListQuery<'_>,
) -> Result<Vec<i64>> {
    Ok(page_ids_from(tx, list, q, ListRead::Checked)?.0)
}

/// Whether a search from the list in memory first checks that the list is current.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListRead {
    /// Its token is read first (a round trip), and the list again when it changed.
    Checked,
    /// The list as last read, when there is one: the caller checks its token afterwards, in
    /// the same snapshot (the page's rows read it), and asks again `Checked` when it changed.
    Trusted,
}

/// The ids of one page of the list: at most `q.limit` users after `q.after`.
///
/// A search alone (no filter) is answered from the list in memory (`list`, read again
/// first when the users changed, or trusted: [`ListRead`]). Otherwise, 3 or more
/// characters: first a walk down the list from the cursor, testing each user's texts (one
/// table: the number is kept on `users`), which fills the page at once for a text many
/// users share ("son", an area code); when the walk does not fill it, the union of the four
/// texts' trigram lookups, in list order. (The planner cannot choose between the two: it
/// estimates a LIKE '%…%' badly, both ways.)
///
/// With the ids, the token of the list in memory they were found in when it was `Trusted`
/// without a check.
pub(crate) fn page_ids_from(
    tx: &mut Transaction<'_>,
    list: &RefCell<Option<ServerList>>,
    q: &ListQuery<'_>,
    read: ListRead,
) -> Result<(Vec<i64>, Option<i64>)> {
    if let Some(found) = page_in_memory(tx, list, q, read)? {
        return Ok(found);
    }
    Ok((page_ids_in_sql(tx, q)?, None))
}

/// The ids of one page, found by the server's indexes.
fn page_ids_in_sql(tx: &mut Transaction<'_>, q: &ListQuery<'_>) -> Result<Vec<i64>> {
    let (from_name, from_id) = q
        .after
        .map_or((String::new(), i64::MIN), |c| (c.sort_name.clone(), c.id));
    // $1, $2: the cursor; $3: the page's size; then the search's and the filters'.
    let mut args: Args = vec![
        Box::new(from_name),
        Box::new(from_id),
        Box::new(i64::from(q.limit)),
    ];
    let c = conditions(q, &mut args);
    let Some(pattern) = c.substring else {
        return ids(
            tx,
            &format!(
                "SELECT u.id FROM users u LEFT JOIN seats s ON s.user_id = u.id
                 WHERE (u.sort_name, u.id) > ($1, $2){}{}
                 ORDER BY u.sort_name, u.id LIMIT $3",
                c.search, c.filters
            ),
            &args,
        );
    };
    let walk_rows = q.limit.saturating_mul(WALK_ROWS_PER_USER);
    let walked = ids(
        tx,
        &format!(
            "SELECT u.id FROM (SELECT * FROM users WHERE (sort_name, id) > ($1, $2)
                               ORDER BY sort_name, id LIMIT {walk_rows}) u
             LEFT JOIN seats s ON s.user_id = u.id
             WHERE true{}{}
             ORDER BY u.sort_name, u.id LIMIT $3",
            c.search, c.filters
        ),
        &args,
    )?;
    // A full page from the walk is the page: every later match comes after these.
    if walked.len() == q.limit as usize {
        return Ok(walked);
    }
    ids(
        tx,
        &format!(
            "SELECT u.id FROM ({}) f
             JOIN users u ON u.id = f.id LEFT JOIN seats s ON s.user_id = u.id
             WHERE (u.sort_name, u.id) > ($1, $2){}
             ORDER BY u.sort_name, u.id LIMIT $3",
            trigram_lookups(&pattern),
            c.filters
        ),
        &args,
    )
}

/// The page from the list in memory, when the query is a search alone (the filters' columns
/// are not kept there) of a text without a line break (which could span two of a user's
/// texts there).
fn page_in_memory(
    tx: &mut Transaction<'_>,
    list: &RefCell<Option<ServerList>>,
    q: &ListQuery<'_>,
    read: ListRead,
) -> Result<Option<(Vec<i64>, Option<i64>)>> {
    if !matches!(q.license, HeldSeatFilter::Any) || q.status.is_some() {
        return Ok(None);
    }
    let needle = Needle::of(q.search);
    let folded;
    let text = match &needle {
        Needle::All => return Ok(None),
        Needle::Prefix(p) => p,
        Needle::Substring(text) => {
            folded = fold(text);
            if folded.contains('\n') {
                return Ok(None);
            }
            &folded
        }
    };
    let mut list = list.borrow_mut();
    let trusted = read == ListRead::Trusted && list.is_some();
    if !trusted {
        ServerList::current(tx, &mut list)?;
    }
    let list = list.as_ref().expect("read or kept");
    let limit = q.limit as usize;
    let ids = if matches!(needle, Needle::Prefix(_)) {
        list.starting(text, q.after, limit)
    } else {
        list.containing(text, q.after, limit)
    };
    Ok(Some((ids, trusted.then(|| list.token()))))
}

/// The users whose texts match the pattern at `p`, one trigram index lookup per text (a
/// UNION: one condition of four ORs was estimated at half the users and walked them all).
fn trigram_lookups(p: &str) -> String {
    format!(
        "SELECT id FROM users WHERE lower(first_name || ' ' || last_name) LIKE {p}
         UNION SELECT id FROM users WHERE lower(email) LIKE {p}
         UNION SELECT id FROM users WHERE extension LIKE {p}
         UNION SELECT id FROM users WHERE number LIKE {p}"
    )
}

/// How many users the search and filters match (the cursor and page size are ignored).
pub(crate) fn count_matching(tx: &mut Transaction<'_>, q: &ListQuery<'_>) -> Result<i64> {
    let mut args = Args::new();
    let c = conditions(q, &mut args);
    let sql = match c.substring {
        Some(pattern) => format!(
            "SELECT count(*) FROM ({}) f
             JOIN users u ON u.id = f.id LEFT JOIN seats s ON s.user_id = u.id
             WHERE true{}",
            trigram_lookups(&pattern),
            c.filters
        ),
        None => format!(
            "SELECT count(*) FROM users u LEFT JOIN seats s ON s.user_id = u.id
             WHERE true{}{}",
            c.search, c.filters
        ),
    };
    let refs: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref()).collect();
    Ok(tx.query_one(&sql, &refs)?.get(0))
}

/// The sort name of user `id` (what a page's cursor holds).
#[cfg(test)]
pub(crate) fn sort_name(tx: &mut Transaction<'_>, id: i64) -> Result<String> {
    Ok(tx
        .query_one("SELECT sort_name FROM users WHERE id = $1", &[&id])?
        .get(0))
}

#[cfg(test)]
mod tests {
    #[test]
    fn wildcards_are_literal_in_a_like_pattern() {
        assert_eq!(super::like_literal(r"50%_a\b"), r"50\%\_a\\b");
    }
}
