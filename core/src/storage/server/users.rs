//! The Users list on a server: a page of user ids in list order, found by the same rule as
//! the file's search (`storage/tables/users.rs` `Needle`): 1–2 characters at the start of
//! the first name, last name, email or extension (ASCII letters folded, as SQLite's
//! `lower()`); 3 or more anywhere in "First Last", email, extension or phone number, case
//! folded; then the license and status filters, after the cursor, in (sort name, id) order.
//! The indexes are pg_trgm's (GIN) and `text_pattern_ops` B-trees
//! (`migrations/0002_organization.sql`).

use postgres::types::ToSql;
use postgres::Transaction;

use crate::base::error::Result;
use crate::storage::tables::users::{fold, HeldSeatFilter, ListQuery, Needle};

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

/// The ids of one page of the list: at most `q.limit` users after `q.after`.
///
/// 3 or more characters: first a walk down the list from the cursor, testing each user's
/// texts (one table: the number is kept on `users`), which fills the page at once for a
/// text many users share ("son", an area code); when the walk does not fill it, the union of
/// the four texts' trigram lookups, in list order. (The planner cannot choose between the
/// two: it estimates a LIKE '%…%' badly, both ways.)
pub(crate) fn page_ids(tx: &mut Transaction<'_>, q: &ListQuery<'_>) -> Result<Vec<i64>> {
    let (from_name, from_id) = q
        .after
        .map_or((String::new(), i64::MIN), |c| (c.sort_name.clone(), c.id));
    // $1, $2: the cursor; $3: the page's size; $4: the search, when there is one.
    let mut args: Vec<Box<dyn ToSql + Sync>> = vec![
        Box::new(from_name),
        Box::new(from_id),
        Box::new(i64::from(q.limit)),
    ];
    let needle = Needle::of(q.search);
    let mut condition = match &needle {
        Needle::All => String::new(),
        Needle::Prefix(p) => {
            args.push(Box::new(format!("{}%", like_literal(p))));
            " AND (ascii_lower(u.first_name) LIKE $4 OR ascii_lower(u.last_name) LIKE $4
                   OR ascii_lower(u.email) LIKE $4 OR u.extension LIKE $4)"
                .to_owned()
        }
        Needle::Substring(s) => {
            args.push(Box::new(format!("%{}%", like_literal(&fold(s)))));
            String::new()
        }
    };
    match q.license {
        HeldSeatFilter::Any => {}
        HeldSeatFilter::None => condition.push_str(" AND s.id IS NULL"),
        HeldSeatFilter::OfProduct(product_id) => {
            args.push(Box::new(product_id));
            condition.push_str(&format!(" AND s.product_id = ${}", args.len()));
        }
    }
    if let Some(status) = q.status {
        args.push(Box::new(status));
        condition.push_str(&format!(" AND u.status = ${}", args.len()));
    }
    let refs: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref()).collect();
    let mut ids = |sql: String| -> Result<Vec<i64>> {
        Ok(tx.query(&sql, &refs)?.iter().map(|r| r.get(0)).collect())
    };
    if !matches!(needle, Needle::Substring(_)) {
        return ids(format!(
            "SELECT u.id FROM users u LEFT JOIN seats s ON s.user_id = u.id
             WHERE (u.sort_name, u.id) > ($1, $2){condition}
             ORDER BY u.sort_name, u.id LIMIT $3"
        ));
    }
    let walk_rows = q.limit.saturating_mul(WALK_ROWS_PER_USER);
    let walked = ids(format!(
        "SELECT u.id FROM (SELECT * FROM users WHERE (sort_name, id) > ($1, $2)
                           ORDER BY sort_name, id LIMIT {walk_rows}) u
         LEFT JOIN seats s ON s.user_id = u.id
         WHERE (lower(u.first_name || ' ' || u.last_name) LIKE $4 OR lower(u.email) LIKE $4
                OR u.extension LIKE $4 OR u.number LIKE $4){condition}
         ORDER BY u.sort_name, u.id LIMIT $3"
    ))?;
    // A full page from the walk is the page: every later match comes after these.
    if walked.len() == q.limit as usize {
        return Ok(walked);
    }
    ids(format!(
        "SELECT u.id FROM (SELECT id FROM users WHERE lower(first_name || ' ' || last_name) LIKE $4
                           UNION SELECT id FROM users WHERE lower(email) LIKE $4
                           UNION SELECT id FROM users WHERE extension LIKE $4
                           UNION SELECT id FROM users WHERE number LIKE $4) f
         JOIN users u ON u.id = f.id LEFT JOIN seats s ON s.user_id = u.id
         WHERE (u.sort_name, u.id) > ($1, $2){condition}
         ORDER BY u.sort_name, u.id LIMIT $3"
    ))
}

/// The sort name of user `id` (what a page's cursor holds).
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
