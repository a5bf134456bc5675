//! Users of the phone system: finding them, reading one, and the version that guards edits.

use std::cell::RefCell;

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::domain::users::features::{product_features, Feature, LicenseFamily};
use crate::kernel::org::{Actor, ChangeContext, Org};
pub use crate::storage::list_order::UserCursor;
use crate::storage::list_order::{ListOrder, Ranked};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    Active,
    Suspended,
}

/// The license a user holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct HeldLicense {
    #[ts(type = "number")]
    pub seat_id: i64,
    #[ts(type = "number")]
    pub product_id: i64,
    pub product_name: String,
    pub family: LicenseFamily,
}

/// One row of the Users table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UserRow {
    #[ts(type = "number")]
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub department: String,
    pub site: String,
    pub extension: Option<String>,
    pub phone_number: Option<String>,
    pub license: Option<HeldLicense>,
    pub status: UserStatus,
    #[ts(type = "number")]
    pub version: i64,
}

impl UserRow {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// A user as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UserDetail {
    #[serde(flatten)]
    #[ts(flatten)]
    pub row: UserRow,
    /// The features the held license switches on.
    pub features: Vec<Feature>,
    pub updated_at: String,
    pub updated_by: Option<String>,
}

impl std::ops::Deref for UserDetail {
    type Target = UserRow;
    fn deref(&self) -> &UserRow {
        &self.row
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LicenseFilter {
    Any,
    Unlicensed,
    Product {
        #[ts(type = "number")]
        product_id: i64,
    },
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct UserQuery {
    /// 3 or more characters: anywhere in name, email, extension or phone number, ignoring
    /// case. 1 or 2 characters: the start of the first name, last name, email or extension.
    pub search: String,
    pub license: LicenseFilter,
    pub status: Option<UserStatus>,
    pub after: Option<UserCursor>,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct UserPage {
    pub users: Vec<UserRow>,
    pub next: Option<UserCursor>,
}

pub const MAX_PAGE: u32 = 500;

const USER_COLUMNS: &str = "u.id, u.first_name, u.last_name, u.email, u.department, st.name,
    u.extension, n.e164, s.id, p.id, p.name, p.family, u.status, u.version, u.sort_name";

const USER_JOINS: &str = "FROM users u
    JOIN sites st ON st.id = u.site_id
    LEFT JOIN phone_numbers n ON n.user_id = u.id
    LEFT JOIN seats s ON s.user_id = u.id
    LEFT JOIN products p ON p.id = s.product_id";

fn user_row(r: &Row<'_>) -> rusqlite::Result<(UserRow, String)> {
    let license = match r.get::<_, Option<i64>>(8)? {
        None => None,
        Some(seat_id) => Some(HeldLicense {
            seat_id,
            product_id: r.get(9)?,
            product_name: r.get(10)?,
            family: LicenseFamily::from_key(&r.get::<_, String>(11)?).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    11,
                    rusqlite::types::Type::Text,
                    e.to_string().into(),
                )
            })?,
        }),
    };
    let status = match r.get::<_, String>(12)?.as_str() {
        "suspended" => UserStatus::Suspended,
        _ => UserStatus::Active,
    };
    Ok((
        UserRow {
            id: r.get(0)?,
            first_name: r.get(1)?,
            last_name: r.get(2)?,
            email: r.get(3)?,
            department: r.get(4)?,
            site: r.get(5)?,
            extension: r.get(6)?,
            phone_number: r.get(7)?,
            license,
            status,
            version: r.get(13)?,
        },
        r.get(14)?,
    ))
}

const DETAIL_COLUMNS: &str = "u.updated_at, a.display_name";

fn detail_row(r: &Row<'_>) -> rusqlite::Result<(UserRow, String, Option<String>)> {
    Ok((user_row(r)?.0, r.get(15)?, r.get(16)?))
}

fn with_features(
    conn: &Connection,
    (row, updated_at, updated_by): (UserRow, String, Option<String>),
) -> Result<UserDetail> {
    let features = match &row.license {
        Some(l) => product_features(conn, l.product_id)?,
        None => Vec::new(),
    };
    Ok(UserDetail {
        row,
        features,
        updated_at,
        updated_by,
    })
}

pub(crate) fn user_detail(conn: &Connection, user_id: i64) -> Result<UserDetail> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS}, {DETAIL_COLUMNS} {USER_JOINS}
         LEFT JOIN accounts a ON a.id = u.updated_by WHERE u.id = ?1"
    ))?;
    let found = stmt.query_row([user_id], detail_row).optional()?;
    with_features(
        conn,
        found.ok_or(Error::NotFound {
            what: "User",
            id: user_id,
        })?,
    )
}

/// Several users read at once, in the order of `ids` (each once); the first id that is no
/// user is the error.
pub(crate) fn user_details(conn: &Connection, ids: &[i64]) -> Result<Vec<UserDetail>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS}, {DETAIL_COLUMNS} {USER_JOINS}
         LEFT JOIN accounts a ON a.id = u.updated_by
         WHERE u.id IN (SELECT value FROM json_each(?1))"
    ))?;
    let mut found: std::collections::HashMap<i64, _> = stmt
        .query_map([id_list(ids)], detail_row)?
        .map(|r| r.map(|d| (d.0.id, d)))
        .collect::<rusqlite::Result<_>>()?;
    let mut users = Vec::with_capacity(found.len());
    let mut seen = std::collections::HashSet::new();
    for &id in ids {
        if !seen.insert(id) {
            continue;
        }
        let d = found
            .remove(&id)
            .ok_or(Error::NotFound { what: "User", id })?;
        users.push(with_features(conn, d)?);
    }
    Ok(users)
}

/// Ids as a JSON array, for `json_each` (one statement for any number of ids).
pub(crate) fn id_list(ids: &[i64]) -> String {
    format!(
        "[{}]",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    )
}

/// Refuses an edit made against an older version of the user, naming who changed what and when.
pub(crate) fn check_version(conn: &Connection, user: &UserDetail, expected: i64) -> Result<()> {
    if user.version == expected {
        return Ok(());
    }
    Err(Error::StaleVersion {
        user: user.full_name(),
        changed_by: user
            .updated_by
            .clone()
            .unwrap_or_else(|| "LicenseDesk".to_owned()),
        what: last_change(conn, user)?,
        changed_at: user.updated_at.clone(),
    })
}

/// What the user's last save changed, from its audit entries (one save may write several).
fn last_change(conn: &Connection, user: &UserDetail) -> Result<String> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT action FROM audit_log
         WHERE target_user_id = ?1 AND at = ?2 AND outcome = 'ok' ORDER BY id",
    )?;
    let parts = stmt
        .query_map(params![user.id, user.updated_at], |r| r.get::<_, String>(0))?
        .map(|a| a.map(|a| change_label(&a)))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut parts: Vec<&str> = parts.into_iter().collect();
    parts.dedup();
    Ok(match parts.as_slice() {
        [] => "the user".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    })
}

/// An audit action on a user, as the part of the user it changed.
fn change_label(action: &str) -> &'static str {
    match action {
        "license.assign"
        | "license.change"
        | "license.remove"
        | "license.bulk"
        | "license.bulk_remove" => "the license",
        "user.numbers" => "the number and extension",
        "voicemail.update" | "voicemail.greeting" => "voicemail",
        "forwarding.set" | "forwarding.delete" => "call forwarding",
        "apps.update" => "app access",
        "device.activate" | "device.deactivate" => "devices",
        "user.update" | "user.add" => "the profile",
        "user.offboard" | "user.deactivate" => "the status (offboarded)",
        _ => "the user",
    }
}

pub(crate) fn bump_version(conn: &Connection, user_id: i64, ctx: &ChangeContext<'_>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE users SET version = version + 1, updated_at = ?1, updated_by = ?2 WHERE id = ?3",
    )?
    .execute(params![ctx.now, ctx.account.id, user_id])?;
    Ok(())
}

/// What the search box asks for, and how it is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Needle {
    /// Nothing typed: every user.
    All,
    /// One or two characters: the start of the first name, last name, email or extension
    /// (`user_prefixes`; a substring of one letter would match almost everyone).
    /// Case is ignored for ASCII letters, as SQLite's `lower()` does.
    Prefix(String),
    /// Three or more characters: anywhere in "First Last", email, extension or phone
    /// number, ignoring case as [`fold`] does.
    Substring(String),
}

impl Needle {
    pub(crate) fn of(search: &str) -> Self {
        // No stored name or number holds a NUL (and FTS5 would end the query there).
        let search = search.replace('\0', "");
        let search = search.trim();
        match search.chars().count() {
            0 => Needle::All,
            1 | 2 => Needle::Prefix(search.to_ascii_lowercase()),
            _ => Needle::Substring(search.to_owned()),
        }
    }

    /// Whether a user with these texts is found: the rule the indexes implement, written
    /// out plainly (the tests compare the two over the whole organization).
    #[cfg(test)]
    pub fn matches(&self, first: &str, last: &str, email: &str, ext: &str, number: &str) -> bool {
        match self {
            Needle::All => true,
            Needle::Prefix(p) => [first, last, email, ext]
                .iter()
                .any(|t| t.to_ascii_lowercase().starts_with(p.as_str())),
            Needle::Substring(s) => contains_folded(
                &mut String::new(),
                &fold(s),
                [&format!("{first} {last}"), email, ext, number],
            ),
        }
    }
}

/// Lower case as the trigram index folds it: character by character; a character whose
/// lower case is more than one character (like "İ") stays as it is.
pub(crate) fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Whether the folded needle is in one of the texts ("First Last", email, extension,
/// number), each folded into `buf` (reused from user to user).
fn contains_folded(buf: &mut String, needle: &str, texts: [&str; 4]) -> bool {
    texts.iter().any(|t| {
        buf.clear();
        if t.is_ascii() {
            // Most texts: lower-cased byte by byte, without decoding characters.
            buf.push_str(t);
            buf.make_ascii_lowercase();
        } else {
            buf.extend(t.chars().map(fold_char));
        }
        buf.contains(needle)
    })
}

/// An FTS5 query that matches `text` literally: one phrase in double quotes, quotes doubled,
/// so that `"`, `*`, `:`, `^`, `(`, `-`, AND, OR, NEAR typed by the admin are plain text.
pub(crate) fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// An FTS5 query for trigrams of `text` that cover every character of it (the 1st, 4th,
/// 7th... and the last), each as its own term: every user whose texts contain `text` holds
/// them all. It finds a few users more than the phrase would (the trigrams apart, or in
/// other texts), which are told apart by testing their texts ([`contains_folded`]); it costs
/// the index far less than the phrase, which follows every trigram and checks positions.
pub(crate) fn fts_cover(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let trigram = |at: usize| fts_phrase(&chars[at..at + 3].iter().collect::<String>());
    let last = chars.len().saturating_sub(3);
    let mut terms: Vec<String> = (0..last).step_by(3).map(trigram).collect();
    terms.push(trigram(last));
    terms.join(" AND ")
}

/// The ids of the users whose texts the needle matches, as SQL (`None` for every user).
fn needle_ids(needle: &Needle, args: &mut Vec<Value>) -> Option<String> {
    match needle {
        Needle::All => None,
        Needle::Prefix(p) => {
            args.push(p.clone().into());
            Some(format!(
                "SELECT user_id FROM user_prefixes WHERE prefix = ?{}",
                args.len()
            ))
        }
        Needle::Substring(s) => {
            args.push(fts_phrase(s).into());
            Some(format!(
                "SELECT rowid FROM user_search WHERE user_search MATCH ?{}",
                args.len()
            ))
        }
    }
}

/// The search and the license and status filters as SQL conditions on `u` (users) and `s`
/// (their seat); `None` when nothing but the search narrows the list.
fn filters(q: &UserQuery, args: &mut Vec<Value>) -> Option<String> {
    let mut filter = String::new();
    match &q.license {
        LicenseFilter::Any => {}
        LicenseFilter::Unlicensed => filter.push_str(" AND s.id IS NULL"),
        LicenseFilter::Product { product_id } => {
            args.push((*product_id).into());
            filter.push_str(&format!(" AND s.product_id = ?{}", args.len()));
        }
    }
    if let Some(status) = q.status {
        let status = match status {
            UserStatus::Active => "active",
            UserStatus::Suspended => "suspended",
        };
        args.push(status.to_owned().into());
        filter.push_str(&format!(" AND u.status = ?{}", args.len()));
    }
    (!filter.is_empty()).then_some(filter)
}

/// Where a page starts: after the cursor, or before every user (sort names are never empty).
fn start(after: Option<&UserCursor>) -> (String, i64) {
    after.map_or((String::new(), i64::MIN), |c| (c.sort_name.clone(), c.id))
}

fn ids(stmt: &mut rusqlite::CachedStatement<'_>, args: &[Value]) -> Result<Vec<i64>> {
    Ok(stmt
        .query_map(rusqlite::params_from_iter(args), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// A walk down the list is taken when it is expected to fill the page within this many
/// rows (a text that about 1 user in 10 or more holds, for a page of 50).
const WALK_ROWS: usize = 500;

/// The users (in list order) whose texts contain `text`, after the cursor: the page, or
/// candidates for it.
///
/// A rare text, or one whose users sit together far down the list ("kowalski"), is found
/// through the trigram index, and its candidates are ranked by the list order in memory. A
/// common one (an area code: 10,000 users share "+1512555") costs the index far more than
/// the page needs: it is found by walking down the list and testing each user. The index,
/// asked about the first users by id only, tells the two apart.
fn substring_page(
    conn: &Connection,
    order: &ListOrder,
    text: &str,
    after: Option<&UserCursor>,
    limit: u32,
) -> Result<Pick> {
    let cover = fts_cover(text);
    let (sample_end, sampled) = order.sample();
    let in_sample: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM user_search WHERE user_search MATCH ?1 AND rowid < ?2",
        )?
        .query_row(params![cover, sample_end], |r| r.get(0))?;
    let expected_walk = (limit as usize * sampled).checked_div(in_sample as usize);
    if let Some(expected) = expected_walk.filter(|&rows| rows <= WALK_ROWS) {
        // The sample is of ids, not of the list: allow for a text less common down the list.
        let rows = (expected * 3).max(limit as usize * 10);
        if let Some(found) = walk(conn, &fold(text), after, limit, rows)? {
            return Ok(Pick::Ids(found));
        }
    }
    let mut stmt =
        conn.prepare_cached("SELECT rowid FROM user_search WHERE user_search MATCH ?1")?;
    let ids = stmt
        .query_map([cover], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Pick::Candidates {
        needle: fold(text),
        ranked: order.ranked(ids.into_iter(), order.start(after)),
    })
}

/// Walks down the list from the cursor testing each user: the page, if `rows` rows were
/// enough to fill it (or to reach the end of the list).
fn walk(
    conn: &Connection,
    needle: &str,
    after: Option<&UserCursor>,
    limit: u32,
    rows: usize,
) -> Result<Option<Vec<i64>>> {
    let (from_name, from_id) = start(after);
    let mut stmt = conn.prepare_cached(
        "SELECT user_id, name, email, extension, number FROM user_texts
         WHERE (sort_name, user_id) > (?1, ?2)
         ORDER BY sort_name, user_id LIMIT ?3",
    )?;
    let mut found_rows = stmt.query(params![from_name, from_id, rows as i64])?;
    let (mut found, mut read, mut buf) = (Vec::new(), 0, String::new());
    while let Some(r) = found_rows.next()? {
        read += 1;
        let text = |i| -> rusqlite::Result<&str> {
            r.get_ref(i)?.as_str().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
            })
        };
        if contains_folded(&mut buf, needle, [text(1)?, text(2)?, text(3)?, text(4)?]) {
            found.push(r.get(0)?);
            if found.len() == limit as usize {
                return Ok(Some(found));
            }
        }
    }
    Ok((read < rows).then_some(found))
}

/// How many users' rows in `user_texts` differ from their texts in users and
/// phone_numbers, or are missing or left over (0 while the triggers keep it in step).
#[cfg(test)]
pub(crate) fn stale_user_texts(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "WITH current AS (
             SELECT u.sort_name, u.id AS user_id, u.first_name || ' ' || u.last_name AS name,
                    u.email, coalesce(u.extension, '') AS extension,
                    coalesce(n.e164, '') AS number
             FROM users u LEFT JOIN phone_numbers n ON n.user_id = u.id)
         SELECT (SELECT count(*) FROM (SELECT * FROM current EXCEPT SELECT * FROM user_texts))
              + (SELECT count(*) FROM (SELECT * FROM user_texts EXCEPT SELECT * FROM current))",
        [],
        |r| r.get(0),
    )?)
}

/// How a page's users are picked: by a query the rows' statement runs as its subquery
/// (an index range), as ids found in Rust, or as candidates in list order whose texts are
/// tested against the folded needle as their rows are read.
enum Pick {
    /// The plain list from the cursor: read straight down its index with the joins, which
    /// costs less than picking the ids first and sorting the joined rows again.
    List(Vec<Value>),
    Sql(&'static str, Vec<Value>),
    Ids(Vec<i64>),
    Candidates {
        needle: String,
        ranked: Ranked,
    },
}

fn page_ids(conn: &Connection, order: &RefCell<Option<ListOrder>>, q: &UserQuery) -> Result<Pick> {
    let needle = Needle::of(&q.search);
    let after = q.after.as_ref();
    let (from_name, from_id) = start(after);
    let limit = i64::from(q.limit);
    let mut args: Vec<Value> = Vec::new();
    let Some(filter) = filters(q, &mut args) else {
        // The search alone: an index range, or the substring search above.
        return Ok(match &needle {
            Needle::All => Pick::List(vec![from_name.into(), from_id.into(), limit.into()]),
            Needle::Prefix(p) => Pick::Sql(
                "SELECT user_id FROM user_prefixes
                 WHERE prefix = ?1 AND (sort_name, user_id) > (?2, ?3)
                 ORDER BY sort_name, user_id LIMIT ?4",
                vec![
                    p.clone().into(),
                    from_name.into(),
                    from_id.into(),
                    limit.into(),
                ],
            ),
            Needle::Substring(s) => {
                let mut order = order.borrow_mut();
                ListOrder::current(conn, &mut order)?;
                let order = order.as_ref().expect("just read");
                substring_page(conn, order, s, after, q.limit)?
            }
        });
    };
    let search = needle_ids(&needle, &mut args)
        .map(|ids| format!(" AND u.id IN ({ids})"))
        .unwrap_or_default();
    args.extend([from_name.into(), from_id.into(), limit.into()]);
    let n = args.len();
    let sql = format!(
        "SELECT u.id FROM users u LEFT JOIN seats s ON s.user_id = u.id
         WHERE (u.sort_name, u.id) > (?{}, ?{}){search}{filter}
         ORDER BY u.sort_name, u.id LIMIT ?{n}",
        n - 2,
        n - 1
    );
    Ok(Pick::Ids(ids(&mut conn.prepare_cached(&sql)?, &args)?))
}

/// The ids given as a JSON array, as the rows' subquery.
const IDS: &str = "SELECT value FROM json_each(?1)";

/// The rows of the users `pick` selects, joined in one statement, in list order (with each
/// one's sort name).
fn rows_of(conn: &Connection, pick: &str, args: &[Value]) -> Result<Vec<(UserRow, String)>> {
    rows_where(
        conn,
        &format!("u.id IN ({pick}) ORDER BY u.sort_name, u.id"),
        args,
    )
}

/// The joined rows of the users `condition` (with its order and limit) selects.
fn rows_where(
    conn: &Connection,
    condition: &str,
    args: &[Value],
) -> Result<Vec<(UserRow, String)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} {USER_JOINS} WHERE {condition}"
    ))?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), user_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The first `limit` rows of the candidates (in list order) whose texts contain the folded
/// needle, read a page's worth of candidates at a time.
fn matching_rows(
    conn: &Connection,
    needle: &str,
    mut ranked: Ranked,
    limit: u32,
) -> Result<Vec<(UserRow, String)>> {
    let limit = limit as usize;
    let (mut rows, mut buf, mut batch_size) = (Vec::with_capacity(limit), String::new(), limit);
    loop {
        let batch = ranked.next(batch_size);
        // Candidates that do not hold the text are few; many would be read in fewer batches.
        batch_size *= 2;
        if batch.is_empty() {
            break;
        }
        for (row, sort_name) in rows_of(conn, IDS, &[id_list(&batch).into()])? {
            let name = row.full_name();
            let texts = [
                name.as_str(),
                &row.email,
                row.extension.as_deref().unwrap_or(""),
                row.phone_number.as_deref().unwrap_or(""),
            ];
            if contains_folded(&mut buf, needle, texts) {
                rows.push((row, sort_name));
            }
        }
        if rows.len() >= limit {
            rows.truncate(limit);
            break;
        }
    }
    Ok(rows)
}

fn search(
    conn: &Connection,
    order: &RefCell<Option<ListOrder>>,
    q: &UserQuery,
) -> Result<UserPage> {
    if q.limit == 0 || q.limit > MAX_PAGE {
        return Err(Error::invalid(
            Field::PageSize,
            format!("A page holds 1 to {MAX_PAGE} users."),
        ));
    }
    let rows = match page_ids(conn, order, q)? {
        Pick::List(args) => rows_where(
            conn,
            "(u.sort_name, u.id) > (?1, ?2) ORDER BY u.sort_name, u.id LIMIT ?3",
            &args,
        )?,
        Pick::Sql(pick, args) => rows_of(conn, pick, &args)?,
        Pick::Ids(ids) => rows_of(conn, IDS, &[id_list(&ids).into()])?,
        Pick::Candidates { needle, ranked } => matching_rows(conn, &needle, ranked, q.limit)?,
    };
    let next = if rows.len() == q.limit as usize {
        rows.last().map(|(row, sort_name)| UserCursor {
            sort_name: sort_name.clone(),
            id: row.id,
        })
    } else {
        None
    };
    Ok(UserPage {
        users: rows.into_iter().map(|(row, _)| row).collect(),
        next,
    })
}

/// How many users the search and filters match (the cursor and page size are ignored).
fn count(conn: &Connection, q: &UserQuery) -> Result<i64> {
    let needle = Needle::of(&q.search);
    let mut args: Vec<Value> = Vec::new();
    let ids = needle_ids(&needle, &mut args);
    let sql = match (filters(q, &mut args), ids) {
        (None, None) => "SELECT count(*) FROM users".to_owned(),
        (None, Some(ids)) => format!("SELECT count(*) FROM ({ids})"),
        (Some(filter), ids) => {
            let search = ids
                .map(|ids| format!(" AND u.id IN ({ids})"))
                .unwrap_or_default();
            format!(
                "SELECT count(*) FROM users u LEFT JOIN seats s ON s.user_id = u.id
                 WHERE 1 = 1{search}{filter}"
            )
        }
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    Ok(stmt.query_row(rusqlite::params_from_iter(&args), |r| r.get(0))?)
}

impl Org {
    /// A page of the Users list. The count of all matches is [`Org::count_users`]: the
    /// list paints its first rows without waiting for it.
    pub fn search_users(&self, actor: Actor, query: &UserQuery) -> Result<UserPage> {
        self.read(actor, Permission::UsersView, |conn| {
            search(conn, &self.list_order, query)
        })
    }

    /// How many users the query's search and filters match, over all pages.
    pub fn count_users(&self, actor: Actor, query: &UserQuery) -> Result<i64> {
        self.read(actor, Permission::UsersView, |conn| count(conn, query))
    }

    pub fn user(&self, actor: Actor, user_id: i64) -> Result<UserDetail> {
        self.read(actor, Permission::UsersView, |conn| {
            user_detail(conn, user_id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, sign_in};

    fn query(search: &str) -> UserQuery {
        UserQuery {
            search: search.to_owned(),
            license: LicenseFilter::Any,
            status: None,
            after: None,
            limit: 50,
        }
    }

    #[test]
    fn search_matches_name_email_extension_and_number_ignoring_case() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let all = org.search_users(admin, &query("")).unwrap();
        let someone = all
            .users
            .iter()
            .find(|u| u.extension.is_some() && u.phone_number.is_some())
            .unwrap()
            .clone();
        for term in [
            someone.full_name().to_uppercase(),
            someone.email.to_lowercase(),
            someone.extension.clone().unwrap(),
            someone.phone_number.clone().unwrap(),
        ] {
            let found = org.search_users(admin, &query(&term)).unwrap();
            assert!(
                found.users.iter().any(|u| u.id == someone.id),
                "searching {term:?}"
            );
        }
        assert_eq!(org.count_users(admin, &query("zzzz-nobody")).unwrap(), 0);
    }

    #[test]
    fn wildcards_typed_by_the_admin_are_literal() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        for wild in ["%", "_", "%%%", "___", "a%b", "\\%"] {
            assert_eq!(org.count_users(admin, &query(wild)).unwrap(), 0, "{wild:?}");
            assert!(org
                .search_users(admin, &query(wild))
                .unwrap()
                .users
                .is_empty());
        }
    }

    #[test]
    fn pages_follow_each_other_without_gaps_or_repeats() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let mut q = query("");
        let whole = org.search_users(admin, &q).unwrap();
        q.limit = 7;
        let mut seen = Vec::new();
        loop {
            let page = org.search_users(admin, &q).unwrap();
            seen.extend(page.users.iter().map(|u| u.id));
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
        let expected: Vec<i64> = whole.users.iter().map(|u| u.id).collect();
        assert_eq!(seen, expected);
        assert_eq!(org.count_users(admin, &q).unwrap(), expected.len() as i64);
    }

    #[test]
    fn license_and_status_filters() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let mut q = query("");
        q.license = LicenseFilter::Unlicensed;
        let unlicensed = org.search_users(admin, &q).unwrap();
        assert!(unlicensed.users.len() >= 5);
        assert_eq!(
            org.count_users(admin, &q).unwrap(),
            unlicensed.users.len() as i64
        );
        assert!(unlicensed.users.iter().all(|u| u.license.is_none()));
        let pid = crate::tests::testing::product_id(&org, "Voice Pro");
        q.license = LicenseFilter::Product { product_id: pid };
        let pro = org.search_users(admin, &q).unwrap();
        assert!(!pro.users.is_empty());
        assert_eq!(org.count_users(admin, &q).unwrap(), pro.users.len() as i64);
        assert!(pro
            .users
            .iter()
            .all(|u| u.license.as_ref().unwrap().product_id == pid));
        q.license = LicenseFilter::Any;
        q.status = Some(UserStatus::Suspended);
        let suspended = org.search_users(admin, &q).unwrap();
        assert!(suspended
            .users
            .iter()
            .all(|u| u.status == UserStatus::Suspended));
        // A search within a filter: the filtered list's users whose texts match.
        q.status = None;
        q.license = LicenseFilter::Product { product_id: pid };
        for search in ["o", "son", "@"] {
            q.search = search.to_owned();
            let needle = Needle::of(search);
            let expected: Vec<i64> = pro
                .users
                .iter()
                .filter(|u| {
                    needle.matches(
                        &u.first_name,
                        &u.last_name,
                        &u.email,
                        u.extension.as_deref().unwrap_or(""),
                        u.phone_number.as_deref().unwrap_or(""),
                    )
                })
                .map(|u| u.id)
                .collect();
            let found = org.search_users(admin, &q).unwrap();
            assert_eq!(
                found.users.iter().map(|u| u.id).collect::<Vec<_>>(),
                expected,
                "{search:?}"
            );
            assert_eq!(org.count_users(admin, &q).unwrap(), expected.len() as i64);
        }
    }

    #[test]
    fn the_trigrams_of_a_text_apart_are_not_a_match() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let someone = crate::tests::testing::unlicensed_user(&org);
        // "Skiwo Kowals" holds every trigram the index is asked for "kowalski" (kow, als,
        // ski), but not the text.
        org.conn
            .execute(
                "UPDATE users SET first_name = 'Skiwo', last_name = 'Kowals' WHERE id = ?1",
                [someone.id],
            )
            .unwrap();
        assert_eq!(fts_cover("kowalski"), "\"kow\" AND \"als\" AND \"ski\"");
        let candidates: i64 = org
            .conn
            .query_row(
                "SELECT count(*) FROM user_search WHERE user_search MATCH ?1 AND rowid = ?2",
                params![fts_cover("kowalski"), someone.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(candidates, 1);
        let found = org.search_users(admin, &query("kowalski")).unwrap();
        assert!(found.users.iter().all(|u| u.id != someone.id));
        assert_eq!(
            found.users.len() as i64,
            org.count_users(admin, &query("kowalski")).unwrap()
        );
        let found = org.search_users(admin, &query("o kowals")).unwrap();
        assert_eq!(
            found.users.iter().map(|u| u.id).collect::<Vec<_>>(),
            vec![someone.id]
        );
    }

    #[test]
    fn a_cover_is_every_character_of_the_text_in_trigrams() {
        assert_eq!(fts_cover("son"), "\"son\"");
        assert_eq!(fts_cover("sons"), "\"son\" AND \"ons\"");
        assert_eq!(fts_cover("zoë m"), "\"zoë\" AND \"ë m\"");
        assert_eq!(fts_cover("o\"conn"), "\"o\"\"c\" AND \"onn\"");
        assert_eq!(fts_cover("+1512555"), "\"+15\" AND \"125\" AND \"555\"");
    }

    #[test]
    fn a_page_size_out_of_range_is_refused() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let mut q = query("");
        q.limit = 0;
        let e = org.search_users(admin, &q).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("pageSize"));
    }

    #[test]
    fn listing_users_needs_the_view_permission_and_a_signed_in_account() {
        let (_dir, org) = demo_org();
        let e = org
            .search_users(Actor { account_id: 999 }, &query(""))
            .unwrap_err();
        assert_eq!(e.code(), "not_signed_in");
    }

    /// A 2,000-user organization with the demo's names (accents, apostrophes, hyphens).
    fn large_org() -> (tempfile::TempDir, Org, Actor) {
        let dir = tempfile::tempdir().unwrap();
        let mut org = Org::open_without_demo(
            &dir.path().join("big.sqlite"),
            std::sync::Arc::new(crate::base::clock::SystemClock),
        )
        .unwrap();
        crate::lifecycle::demo::seed(
            &mut org,
            &crate::lifecycle::demo::DemoSpec {
                seed: 11,
                users: 2_000,
            },
        )
        .unwrap();
        let admin = sign_in(&mut org, "dana.reyes");
        (dir, org, admin)
    }

    /// Every user the search finds, page after page, checking that no id comes twice.
    fn all_pages(org: &Org, admin: Actor, search: &str, limit: u32) -> (Vec<i64>, i64) {
        let mut q = query(search);
        q.limit = limit;
        let mut seen = Vec::new();
        let total = org.count_users(admin, &q).unwrap();
        loop {
            let page = org.search_users(admin, &q).unwrap();
            seen.extend(page.users.iter().map(|u| u.id));
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
        let unique: std::collections::HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{search:?}: a user came twice");
        (seen, total)
    }

    /// The users a needle matches, found by reading every user and applying the rule in
    /// Rust, in the list's order (sort name, then id).
    fn plain_scan(org: &Org, search: &str) -> Vec<i64> {
        let needle = Needle::of(search);
        let mut stmt = org
            .conn
            .prepare(
                "SELECT u.id, u.sort_name, u.first_name, u.last_name, u.email,
                        coalesce(u.extension, ''), coalesce(n.e164, '')
                 FROM users u LEFT JOIN phone_numbers n ON n.user_id = u.id",
            )
            .unwrap();
        let mut found: Vec<(String, i64)> = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    [
                        r.get::<_, String>(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                    ],
                ))
            })
            .unwrap()
            .map(|r| r.unwrap())
            .filter(|(_, _, t)| needle.matches(&t[0], &t[1], &t[2], &t[3], &t[4]))
            .map(|(id, sort, _)| (sort, id))
            .collect();
        found.sort();
        found.into_iter().map(|(_, id)| id).collect()
    }

    const QUERIES: &[&str] = &[
        "",
        "   ",
        "a",
        "Z",
        "jo",
        "JO",
        "o'",
        "20",
        "0",
        "ö",
        "Zo",
        "son",
        "SON",
        "Olivia",
        "olivia johnson",
        "zoë",
        "ZOË",
        "MÜLLER",
        "Álvarez",
        "siobhán",
        "O'Connor",
        "o'c",
        "whitfield-mont",
        "-mont",
        "@maple",
        ".com",
        "dental.com",
        "+1512",
        "555",
        "5550",
        "+15035550101",
        "201",
        "0001",
        "\"",
        "\"\"\"",
        "\"son",
        "son\"",
        "a*",
        "son*",
        "jo:hn",
        "name:son",
        "^jo",
        "(son)",
        "son OR kim",
        "NEAR(a b)",
        "AND",
        "not",
        "a-b",
        "{x}",
        "%son",
        "s_n",
        "\\",
        "é",
        "zzzz-nobody",
    ];

    #[test]
    fn fts_and_prefix_search_find_exactly_what_a_plain_scan_finds() {
        let (_dir, org, admin) = large_org();
        for &q in QUERIES {
            let expected = plain_scan(&org, q);
            let (found, total) = all_pages(&org, admin, q, 97);
            assert_eq!(found, expected, "search {q:?}");
            assert_eq!(total, expected.len() as i64, "count for {q:?}");
        }
        // The check is not vacuous: common searches find many, odd ones none.
        assert!(plain_scan(&org, "son").len() > 50);
        assert!(plain_scan(&org, "jo").len() > 10);
        assert!(!plain_scan(&org, "ZOË").is_empty());
        assert!(!plain_scan(&org, "o'c").is_empty());
    }

    #[test]
    fn paging_visits_every_user_exactly_once() {
        let (_dir, org, admin) = large_org();
        let everyone: std::collections::HashSet<i64> = {
            let mut stmt = org.conn.prepare("SELECT id FROM users").unwrap();
            stmt.query_map([], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        };
        for limit in [1, 100, 500] {
            let (seen, total) = all_pages(&org, admin, "", limit);
            assert_eq!(total, 2_000);
            assert_eq!(seen.len(), 2_000, "page size {limit}");
            assert_eq!(
                seen.iter()
                    .copied()
                    .collect::<std::collections::HashSet<_>>(),
                everyone
            );
        }
    }

    #[test]
    fn the_search_index_follows_changes_to_users_and_numbers() {
        let (_dir, mut org, admin) = large_org();
        let user = crate::tests::testing::user_with_all_data(&org);
        let ext = user.extension.clone().unwrap();
        let number = user.phone_number.clone().unwrap();
        assert!(all_pages(&org, admin, &number, 50).0.contains(&user.id));
        org.remove_license(
            admin,
            &crate::domain::licenses::removal::RemoveLicense {
                user_id: user.id,
                expected_version: user.version,
            },
        )
        .unwrap();
        // Extension and number were released: searching them no longer finds the user.
        assert!(!all_pages(&org, admin, &ext, 50).0.contains(&user.id));
        assert!(!all_pages(&org, admin, &number, 50).0.contains(&user.id));
        // A number given to someone else, a renamed user, a deleted user.
        let other = crate::tests::testing::unlicensed_user(&org);
        org.conn
            .execute(
                "UPDATE phone_numbers SET status = 'assigned', user_id = ?1 WHERE e164 = ?2",
                rusqlite::params![other.id, number],
            )
            .unwrap();
        org.conn
            .execute(
                "UPDATE users SET first_name = 'Quetzalcoatl', version = version + 1 WHERE id = ?1",
                [user.id],
            )
            .unwrap();
        assert_eq!(all_pages(&org, admin, &number, 50).0, vec![other.id]);
        assert_eq!(all_pages(&org, admin, "quetzal", 50).0, vec![user.id]);
        assert_eq!(all_pages(&org, admin, "QU", 50).0, vec![user.id]);
        // A new user (its id far from the others': the list order finds it by a search),
        // a changed email and extension, a deleted user.
        let added = crate::tests::testing::unlicensed_user(&org);
        org.conn
            .execute_batch(&format!(
                "INSERT INTO users (id, first_name, last_name, email, site_id, extension,
                                    updated_at)
                 SELECT 5000000, 'Zyx', 'Quorra', 'zyx.quorra@example.com', site_id, '98765',
                        updated_at
                 FROM users WHERE id = {id};
                 UPDATE users SET email = 'moved.away@example.com', extension = '97531'
                 WHERE id = {id};",
                id = added.id
            ))
            .unwrap();
        let deletable: i64 = org
            .conn
            .query_row(
                "SELECT id FROM users WHERE first_name = 'Zyx' AND last_name = 'Quorra'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(all_pages(&org, admin, "98765", 50).0, vec![deletable]);
        assert_eq!(all_pages(&org, admin, "97531", 50).0, vec![added.id]);
        assert_eq!(stale_user_texts(&org.conn).unwrap(), 0);
        org.conn
            .execute("DELETE FROM users WHERE id = ?1", [deletable])
            .unwrap();
        assert!(all_pages(&org, admin, "98765", 50).0.is_empty());
        assert_eq!(stale_user_texts(&org.conn).unwrap(), 0);
        for &q in QUERIES {
            assert_eq!(
                all_pages(&org, admin, q, 500).0,
                plain_scan(&org, q),
                "{q:?}"
            );
        }
    }
}
