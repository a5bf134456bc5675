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

/// The ids of one page of the list: at most `q.limit` users after `q.after`.
pub(crate) fn page_ids(tx: &mut Transaction<'_>, q: &ListQuery<'_>) -> Result<Vec<i64>> {
    let (from_name, from_id) = q
        .after
        .map_or((String::new(), i64::MIN), |c| (c.sort_name.clone(), c.id));
    let limit = i64::from(q.limit);
    let mut args: Vec<Box<dyn ToSql + Sync>> =
        vec![Box::new(from_name), Box::new(from_id), Box::new(limit)];
    let mut condition = String::new();
    let mut candidates = "users u";
    match Needle::of(q.search) {
        Needle::All => {}
        Needle::Substring(s) => {
            // Each text through its own trigram index, then the union in list order: one
            // condition of four ORs (the number's in another table) is estimated to match
            // half the users, and the planner then walks the whole list.
            // $4: the search comes first after the page's three arguments.
            args.push(Box::new(format!("%{}%", like_literal(&fold(&s)))));
            candidates = "(SELECT id FROM users WHERE lower(first_name || ' ' || last_name) LIKE $4
                           UNION SELECT id FROM users WHERE lower(email) LIKE $4
                           UNION SELECT id FROM users WHERE extension LIKE $4
                           UNION SELECT user_id FROM phone_numbers
                                 WHERE e164 LIKE $4 AND user_id IS NOT NULL) f
                          JOIN users u ON u.id = f.id";
        }
        Needle::Prefix(p) => {
            args.push(Box::new(format!("{}%", like_literal(&p))));
            let n = args.len();
            condition.push_str(&format!(
                " AND (ascii_lower(u.first_name) LIKE ${n} OR ascii_lower(u.last_name) LIKE ${n}
                       OR ascii_lower(u.email) LIKE ${n} OR u.extension LIKE ${n})"
            ));
        }
    }
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
    let sql = format!(
        "SELECT u.id FROM {candidates} LEFT JOIN seats s ON s.user_id = u.id
         WHERE (u.sort_name, u.id) > ($1, $2){condition}
         ORDER BY u.sort_name, u.id LIMIT $3"
    );
    let refs: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref()).collect();
    Ok(tx.query(&sql, &refs)?.iter().map(|r| r.get(0)).collect())
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
