//! The users table's SQL: the Users list's search (its indexes, the page and the count),
//! reading users with what they hold, their versions, and the columns the editor, the number
//! section and the import save.

use std::cell::RefCell;

use rusqlite::types::Value;
use rusqlite::{params, Connection};

use crate::base::error::Result;
#[cfg(feature = "server")]
use crate::storage::engine::on_server;
use crate::storage::engine::{Row, Sql};

#[cfg(feature = "server")]
pub(crate) mod on_server;
use crate::storage::list_order::{ListOrder, Ranked, SearchMemory, UserCursor};

/// Deactivates the user (an offboarding).
pub(crate) fn suspend<'a>(db: impl Into<Sql<'a>>, user_id: i64) -> Result<()> {
    db.into().execute(
        "UPDATE users SET status = 'suspended' WHERE id = ?1",
        &[&user_id],
    )?;
    Ok(())
}

/// Makes a deactivated user active again (a reactivation).
pub(crate) fn activate<'a>(db: impl Into<Sql<'a>>, user_id: i64) -> Result<()> {
    db.into().execute(
        "UPDATE users SET status = 'active' WHERE id = ?1",
        &[&user_id],
    )?;
    Ok(())
}

/// A user's profile as stored: name, email, department and site.
pub(crate) struct Profile<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub department: &'a str,
    pub site_id: i64,
}

/// Inserts a user, last changed by `account_id` at `now`; answers its id.
pub(crate) fn insert<'a>(
    db: impl Into<Sql<'a>>,
    p: &Profile<'_>,
    now: &str,
    account_id: i64,
) -> Result<i64> {
    db.into().query_one(
        "INSERT INTO users (first_name, last_name, email, department, site_id, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        &[
            &p.first_name,
            &p.last_name,
            &p.email,
            &p.department,
            &p.site_id,
            &now,
            &account_id,
        ],
        |r| r.get(0),
    )
}

/// A new user as an import stores it: the profile and, if any, the extension, in one row.
pub(crate) struct NewRow<'a> {
    pub profile: Profile<'a>,
    pub extension: Option<&'a str>,
}

/// Inserts the users in one statement, in order, last changed by `account_id` at `now`;
/// answers their ids in the same order.
pub(crate) fn insert_many<'a>(
    db: impl Into<Sql<'a>>,
    rows: &[NewRow<'_>],
    now: &str,
    account_id: i64,
) -> Result<Vec<i64>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let conn = match db.into() {
        Sql::File(conn) => conn,
        #[cfg(feature = "server")]
        db @ Sql::Server(_) => return insert_many_on_server(db, rows, now, account_id),
    };
    let sql = format!(
        "INSERT INTO users (first_name, last_name, email, department, site_id, extension,
                            updated_at, updated_by)
         VALUES {} RETURNING id, email",
        vec!["(?, ?, ?, ?, ?, ?, ?, ?)"; rows.len()].join(", ")
    );
    let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(rows.len() * 8);
    for r in rows {
        let p = &r.profile;
        values.extend([
            &p.first_name as &dyn rusqlite::ToSql,
            &p.last_name,
            &p.email,
            &p.department,
            &p.site_id,
            &r.extension,
            &now,
            &account_id,
        ]);
    }
    let mut ids = std::collections::HashMap::with_capacity(rows.len());
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut added = stmt.query(values.as_slice())?;
    while let Some(r) = added.next()? {
        ids.insert(r.get::<_, String>(1)?, r.get::<_, i64>(0)?);
    }
    rows.iter()
        .map(|r| {
            ids.remove(r.profile.email).ok_or_else(|| {
                crate::base::error::Error::Internal(format!("{} was not added", r.profile.email))
            })
        })
        .collect()
}

/// [`insert_many`] on a server: the rows as one JSON list, inserted in its order (so the
/// ids ascend as the file's do), their ids matched to the rows by email as on the file.
#[cfg(feature = "server")]
fn insert_many_on_server(
    db: Sql<'_>,
    rows: &[NewRow<'_>],
    now: &str,
    account_id: i64,
) -> Result<Vec<i64>> {
    let list: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let p = &r.profile;
            serde_json::json!({
                "first_name": p.first_name, "last_name": p.last_name, "email": p.email,
                "department": p.department, "site_id": p.site_id, "extension": r.extension,
                "updated_at": now, "updated_by": account_id,
            })
        })
        .collect();
    let list = serde_json::Value::Array(list).to_string();
    let added: Vec<(i64, String)> = db.query(
        "INSERT INTO users (first_name, last_name, email, department, site_id, extension,
                            updated_at, updated_by)
         SELECT r.first_name, r.last_name, r.email, r.department, r.site_id, r.extension,
                r.updated_at, r.updated_by
         FROM json_populate_recordset(NULL::users, CAST(CAST(?1 AS text) AS json))
              WITH ORDINALITY AS r
         ORDER BY r.ordinality
         RETURNING id, email",
        &[&list],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut ids: std::collections::HashMap<String, i64> =
        added.into_iter().map(|(id, email)| (email, id)).collect();
    rows.iter()
        .map(|r| {
            ids.remove(r.profile.email).ok_or_else(|| {
                crate::base::error::Error::Internal(format!("{} was not added", r.profile.email))
            })
        })
        .collect()
}

pub(crate) fn set_profile<'a>(db: impl Into<Sql<'a>>, user_id: i64, p: &Profile<'_>) -> Result<()> {
    db.into().execute(
        "UPDATE users SET first_name = ?1, last_name = ?2, email = ?3, department = ?4, site_id = ?5
         WHERE id = ?6",
        &[
            &p.first_name,
            &p.last_name,
            &p.email,
            &p.department,
            &p.site_id,
            &user_id,
        ],
    )?;
    Ok(())
}

/// The full name of the user other than `except` whose email is `email` (emails are stored
/// unique ignoring ASCII case: the file's NOCASE column, the server's `ascii_lower` index).
pub(crate) fn email_holder<'a>(
    db: impl Into<Sql<'a>>,
    email: &str,
    except: Option<i64>,
) -> Result<Option<String>> {
    let db = db.into();
    let same_email = match db {
        Sql::File(_) => "email = ?1",
        #[cfg(feature = "server")]
        Sql::Server(_) => "ascii_lower(email) = ascii_lower(?1)",
    };
    db.query_opt(
        &format!(
            "SELECT first_name || ' ' || last_name FROM users
             WHERE {same_email} AND (CAST(?2 AS bigint) IS NULL OR id <> ?2)"
        ),
        &[&email, &except],
        |r| r.get(0),
    )
}

/// The site the user works at.
pub(crate) fn site_id<'a>(db: impl Into<Sql<'a>>, user_id: i64) -> Result<i64> {
    db.into().query_one(
        "SELECT site_id FROM users WHERE id = ?1",
        &[&user_id],
        |r| r.get(0),
    )
}

/// The user who holds an extension: id and full name.
pub(crate) fn extension_holder<'a>(
    db: impl Into<Sql<'a>>,
    extension: &str,
) -> Result<Option<(i64, String)>> {
    db.into().query_opt(
        "SELECT id, first_name || ' ' || last_name FROM users WHERE extension = ?1",
        &[&extension],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Every extension in use.
pub(crate) fn extensions<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<String>> {
    db.into().query(
        "SELECT extension FROM users WHERE extension IS NOT NULL",
        &[],
        |r| r.get(0),
    )
}

/// The highest of the longest extensions of the user's site, None when it has none.
pub(crate) fn highest_extension_of_site_of(db: Sql<'_>, user_id: i64) -> Result<Option<String>> {
    // Extensions of one length are digits only: every collation orders them as numbers.
    db.query_one(
        "SELECT max(o.extension) FROM users o JOIN users u ON u.site_id = o.site_id
         WHERE u.id = ?1 AND length(o.extension) = (
             SELECT max(length(extension)) FROM users x WHERE x.site_id = u.site_id)",
        &[&user_id],
        |r| r.get(0),
    )
}

/// Gives the user an extension, or takes it away (None).
pub(crate) fn set_extension<'a>(
    db: impl Into<Sql<'a>>,
    user_id: i64,
    extension: Option<&str>,
) -> Result<()> {
    db.into().execute(
        "UPDATE users SET extension = ?1 WHERE id = ?2",
        &[&extension, &user_id],
    )?;
    Ok(())
}

/// Clears the extension of every user of `user_ids` in one statement (the ids as a JSON
/// list): the search triggers' FTS5 writes of all of them become one segment
/// (`phone_numbers::release_held_by_many` says why that matters).
pub(crate) fn clear_extensions(db: Sql<'_>, user_ids: &[i64]) -> Result<u64> {
    db.execute_for_ids(
        "UPDATE users SET extension = NULL WHERE id IN {ids} AND extension IS NOT NULL",
        user_ids,
    )
}

/// "First Last (2041)", or without the parentheses when the user has no extension.
pub(crate) fn name_with_extension(db: Sql<'_>, user_id: i64) -> Result<String> {
    db.query_one(
        "SELECT first_name || ' ' || last_name || coalesce(' (' || extension || ')', '')
         FROM users WHERE id = ?1",
        &[&user_id],
        |r| r.get(0),
    )
}

/// A user as the CSV import compares a row with it.
pub(crate) struct ImportedUser {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub department: String,
    pub site_id: i64,
    pub extension: Option<String>,
    pub number: Option<String>,
    pub product_id: Option<i64>,
}

/// Every user with their number and product, in one query (the import reads them once).
pub(crate) fn all_for_import<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<ImportedUser>> {
    db.into().query(
        "SELECT u.id, u.first_name, u.last_name, u.email, u.department, u.site_id, u.extension,
                n.e164, s.product_id
         FROM users u LEFT JOIN phone_numbers n ON n.user_id = u.id
         LEFT JOIN seats s ON s.user_id = u.id
         ORDER BY u.id",
        &[],
        |r| {
            Ok(ImportedUser {
                id: r.get(0)?,
                first_name: r.get(1)?,
                last_name: r.get(2)?,
                email: r.get(3)?,
                department: r.get(4)?,
                site_id: r.get(5)?,
                extension: r.get(6)?,
                number: r.get(7)?,
                product_id: r.get(8)?,
            })
        },
    )
}

/// The profile an import row sets on an existing user, with a new version.
pub(crate) struct ImportedProfile<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub department: &'a str,
    pub site_id: i64,
}

pub(crate) fn update_imported_profile<'a>(
    db: impl Into<Sql<'a>>,
    user_id: i64,
    profile: &ImportedProfile<'_>,
    now: &str,
    account_id: i64,
) -> Result<()> {
    db.into().execute(
        "UPDATE users SET first_name = ?1, last_name = ?2, department = ?3, site_id = ?4,
             version = version + 1, updated_at = ?5, updated_by = ?6 WHERE id = ?7",
        &[
            &profile.first_name,
            &profile.last_name,
            &profile.department,
            &profile.site_id,
            &now,
            &account_id,
            &user_id,
        ],
    )?;
    Ok(())
}

/// Hands each user to `row` as the CSV export writes them (first name, last name, email,
/// department, site, extension, number, product; absent values empty), by name.
pub(crate) fn each_for_export(
    db: Sql<'_>,
    mut row: impl FnMut(&[String]) -> Result<()>,
) -> Result<()> {
    // sort_name compares as bytes on both engines (COLLATE "C" on a server).
    db.query(
        "SELECT u.first_name, u.last_name, u.email, u.department, st.name, u.extension, n.e164, p.name
         FROM users u JOIN sites st ON st.id = u.site_id
         LEFT JOIN phone_numbers n ON n.user_id = u.id
         LEFT JOIN seats s ON s.user_id = u.id LEFT JOIN products p ON p.id = s.product_id
         ORDER BY u.sort_name, u.id",
        &[],
        |r| {
            let cells: Vec<String> = (0..8)
                .map(|i| Ok(r.get::<Option<String>>(i)?.unwrap_or_default()))
                .collect::<Result<_>>()?;
            row(&cells)
        },
    )?;
    Ok(())
}

pub(crate) fn count(db: Sql<'_>) -> Result<i64> {
    db.query_one("SELECT count(*) FROM users", &[], |r| r.get(0))
}

/// A user's row as the Users list and the editor read it: the user with site, number and
/// held seat joined, and the sort name that places it in the list.
pub(crate) struct StoredUser {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub department: String,
    pub site: String,
    pub extension: Option<String>,
    pub phone_number: Option<String>,
    pub seat: Option<StoredSeat>,
    /// "active" or "suspended".
    pub status: String,
    pub version: i64,
    pub sort_name: String,
}

impl StoredUser {
    fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The seat a user holds, with its product.
pub(crate) struct StoredSeat {
    pub seat_id: i64,
    pub product_id: i64,
    pub product_name: String,
    /// The product's family key ("voice", ..).
    pub family: String,
}

/// A user as the editor reads it: the row, and who changed it last and when.
pub(crate) struct StoredDetail {
    pub user: StoredUser,
    pub updated_at: String,
    /// The display name of the account that changed it last.
    pub updated_by: Option<String>,
}

/// Which seat the listed users hold.
#[derive(Clone, Copy)]
pub(crate) enum HeldSeatFilter {
    Any,
    None,
    OfProduct(i64),
}

/// A page of the Users list: the search text, the filters, where it starts and its size.
pub(crate) struct ListQuery<'a> {
    /// 3 or more characters: anywhere in name, email, extension or phone number, ignoring
    /// case. 1 or 2 characters: the start of the first name, last name, email or extension.
    pub search: &'a str,
    pub license: HeldSeatFilter,
    /// "active" or "suspended"; None: either.
    pub status: Option<&'static str>,
    pub after: Option<&'a UserCursor>,
    pub limit: u32,
}

/// The columns [`stored_user`] reads, the user's number from `$number`.
macro_rules! user_columns {
    ($number:literal) => {
        concat!(
            "u.id, u.first_name, u.last_name, u.email, u.department, st.name, u.extension, ",
            $number,
            ", s.id, p.id, p.name, p.family, u.status, u.version, u.sort_name"
        )
    };
}

const USER_COLUMNS: &str = user_columns!("n.e164");

const USER_JOINS: &str = "FROM users u
    JOIN sites st ON st.id = u.site_id
    LEFT JOIN phone_numbers n ON n.user_id = u.id
    LEFT JOIN seats s ON s.user_id = u.id
    LEFT JOIN products p ON p.id = s.product_id";

fn stored_user(r: &Row<'_>) -> Result<StoredUser> {
    let seat = match r.get::<Option<i64>>(8)? {
        None => None,
        Some(seat_id) => Some(StoredSeat {
            seat_id,
            product_id: r.get(9)?,
            product_name: r.get(10)?,
            family: r.get(11)?,
        }),
    };
    Ok(StoredUser {
        id: r.get(0)?,
        first_name: r.get(1)?,
        last_name: r.get(2)?,
        email: r.get(3)?,
        department: r.get(4)?,
        site: r.get(5)?,
        extension: r.get(6)?,
        phone_number: r.get(7)?,
        seat,
        status: r.get(12)?,
        version: r.get(13)?,
        sort_name: r.get(14)?,
    })
}

const DETAIL_COLUMNS: &str = "u.updated_at, a.display_name";

fn stored_detail(r: &Row<'_>) -> Result<StoredDetail> {
    Ok(StoredDetail {
        user: stored_user(r)?,
        updated_at: r.get(15)?,
        updated_by: r.get(16)?,
    })
}

pub(crate) fn detail(db: Sql<'_>, user_id: i64) -> Result<Option<StoredDetail>> {
    db.query_opt(
        &format!(
            "SELECT {USER_COLUMNS}, {DETAIL_COLUMNS} {USER_JOINS}
             LEFT JOIN accounts a ON a.id = u.updated_by WHERE u.id = ?1"
        ),
        &[&user_id],
        stored_detail,
    )
}

/// The users of `ids` that exist, in no particular order, read in one statement.
pub(crate) fn details(db: Sql<'_>, ids: &[i64]) -> Result<Vec<StoredDetail>> {
    db.query_for_ids(
        &format!(
            "SELECT {USER_COLUMNS}, {DETAIL_COLUMNS} {USER_JOINS}
             LEFT JOIN accounts a ON a.id = u.updated_by
             WHERE u.id IN {{ids}}"
        ),
        ids,
        stored_detail,
    )
}

/// Ids as a JSON array, for `json_each` (one statement for any number of ids).
pub(crate) fn id_list(ids: &[i64]) -> String {
    format!(
        "[{}]",
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    )
}

/// A new version of the user, changed by `account_id` at `now`.
pub(crate) fn bump_version(db: Sql<'_>, user_id: i64, now: &str, account_id: i64) -> Result<()> {
    db.execute(
        "UPDATE users SET version = version + 1, updated_at = ?1, updated_by = ?2 WHERE id = ?3",
        &[&now, &account_id, &user_id],
    )?;
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
fn filters(q: &ListQuery<'_>, args: &mut Vec<Value>) -> Option<String> {
    let mut filter = String::new();
    match q.license {
        HeldSeatFilter::Any => {}
        HeldSeatFilter::None => filter.push_str(" AND s.id IS NULL"),
        HeldSeatFilter::OfProduct(product_id) => {
            args.push(product_id.into());
            filter.push_str(&format!(" AND s.product_id = ?{}", args.len()));
        }
    }
    if let Some(status) = q.status {
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

fn page_ids(
    conn: &Connection,
    order: &RefCell<Option<ListOrder>>,
    q: &ListQuery<'_>,
) -> Result<Pick> {
    let needle = Needle::of(q.search);
    let after = q.after;
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
fn rows_of(conn: &Connection, pick: &str, args: &[Value]) -> Result<Vec<StoredUser>> {
    rows_where(
        conn,
        &format!("u.id IN ({pick}) ORDER BY u.sort_name, u.id"),
        args,
    )
}

/// The joined rows of the users `condition` (with its order and limit) selects.
fn rows_where(conn: &Connection, condition: &str, args: &[Value]) -> Result<Vec<StoredUser>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} {USER_JOINS} WHERE {condition}"
    ))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
    let mut users = Vec::new();
    while let Some(r) = rows.next()? {
        users.push(stored_user(&Row::File(r))?);
    }
    Ok(users)
}

/// The first `limit` rows of the candidates (in list order) whose texts contain the folded
/// needle, read a page's worth of candidates at a time.
fn matching_rows(
    conn: &Connection,
    needle: &str,
    mut ranked: Ranked,
    limit: u32,
) -> Result<Vec<StoredUser>> {
    let limit = limit as usize;
    let (mut rows, mut buf, mut batch_size) = (Vec::with_capacity(limit), String::new(), limit);
    loop {
        let batch = ranked.next(batch_size);
        // Candidates that do not hold the text are few; many would be read in fewer batches.
        batch_size *= 2;
        if batch.is_empty() {
            break;
        }
        for row in rows_of(conn, IDS, &[id_list(&batch).into()])? {
            let name = row.full_name();
            let texts = [
                name.as_str(),
                &row.email,
                row.extension.as_deref().unwrap_or(""),
                row.phone_number.as_deref().unwrap_or(""),
            ];
            if contains_folded(&mut buf, needle, texts) {
                rows.push(row);
            }
        }
        if rows.len() >= limit {
            rows.truncate(limit);
            break;
        }
    }
    Ok(rows)
}

/// A page of the Users list, in list order (sort name, then id). The list in memory
/// (`memory`) is read when a search needs it.
pub(crate) fn page(
    db: Sql<'_>,
    memory: &SearchMemory,
    q: &ListQuery<'_>,
) -> Result<Vec<StoredUser>> {
    let conn = match db {
        Sql::File(conn) => conn,
        // The server finds the page's ids by its own indexes, then reads their rows.
        #[cfg(feature = "server")]
        Sql::Server(tx) => {
            // Prepared once per connection: planning these joins took as long as running them.
            // The number is the one kept on `users` (an index lookup fewer per row), and the
            // rows end with the list's token, read in their snapshot.
            let rows = tx.prepared(concat!(
                "SELECT ",
                user_columns!("u.number"),
                ", (SELECT token FROM user_list_token) AS list_token
                 FROM users u JOIN sites st ON st.id = u.site_id
                 LEFT JOIN seats s ON s.user_id = u.id LEFT JOIN products p ON p.id = s.product_id
                 WHERE u.id = ANY($1) ORDER BY u.sort_name, u.id"
            ))?;
            // A search from the list in memory trusts it as last read and checks its token in
            // the rows (a round trip fewer); a changed list, or no rows to check it in, and
            // the page is found again in the list read first.
            let mut read = on_server::ListRead::Trusted;
            loop {
                let (ids, trusted_token) = on_server(tx, |tx| {
                    on_server::page_ids_from(tx, &memory.server, q, read)
                })?;
                if trusted_token.is_some() && ids.is_empty() {
                    read = on_server::ListRead::Checked;
                    continue;
                }
                let rows = on_server(tx, |tx| Ok(tx.query(&rows, &[&ids])?))?;
                let token = rows.first().map(|r| r.get::<_, i64>("list_token"));
                if trusted_token.is_some() && token != trusted_token {
                    read = on_server::ListRead::Checked;
                    continue;
                }
                return rows.iter().map(|r| stored_user(&Row::Server(r))).collect();
            }
        }
    };
    match page_ids(conn, &memory.file, q)? {
        Pick::List(args) => rows_where(
            conn,
            "(u.sort_name, u.id) > (?1, ?2) ORDER BY u.sort_name, u.id LIMIT ?3",
            &args,
        ),
        Pick::Sql(pick, args) => rows_of(conn, pick, &args),
        Pick::Ids(ids) => rows_of(conn, IDS, &[id_list(&ids).into()]),
        Pick::Candidates { needle, ranked } => matching_rows(conn, &needle, ranked, q.limit),
    }
}

/// How many users the search and filters match (the cursor and page size are ignored).
pub(crate) fn count_matching(db: Sql<'_>, q: &ListQuery<'_>) -> Result<i64> {
    let conn = match db {
        Sql::File(conn) => conn,
        #[cfg(feature = "server")]
        Sql::Server(tx) => return on_server(tx, |tx| on_server::count_matching(tx, q)),
    };
    let needle = Needle::of(q.search);
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

/// A user as the demo generator adds them.
pub(crate) struct GeneratedUser<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub department: &'a str,
    pub site_id: i64,
    pub status: &'a str,
    pub extension: Option<&'a str>,
    pub updated_at: &'a str,
}

/// Adds generated users with one statement prepared once: 100,000 of them in one go.
pub(crate) struct GeneratedUserInsert<'conn>(rusqlite::Statement<'conn>);

impl<'conn> GeneratedUserInsert<'conn> {
    pub(crate) fn prepare(conn: &'conn Connection) -> Result<Self> {
        Ok(Self(conn.prepare(
            "INSERT INTO users (first_name, last_name, email, department, site_id, status, extension, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?))
    }

    /// Adds the user; their id.
    pub(crate) fn insert(&mut self, u: &GeneratedUser<'_>) -> Result<i64> {
        Ok(self.0.insert(params![
            u.first_name,
            u.last_name,
            u.email,
            u.department,
            u.site_id,
            u.status,
            u.extension,
            u.updated_at
        ])?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::demo_org;

    #[test]
    fn a_cover_is_every_character_of_the_text_in_trigrams() {
        assert_eq!(fts_cover("son"), "\"son\"");
        assert_eq!(fts_cover("sons"), "\"son\" AND \"ons\"");
        assert_eq!(fts_cover("zoë m"), "\"zoë\" AND \"ë m\"");
        assert_eq!(fts_cover("o\"conn"), "\"o\"\"c\" AND \"onn\"");
        assert_eq!(fts_cover("+1512555"), "\"+15\" AND \"125\" AND \"555\"");
    }

    /// The user being edited does not clash with their own email; anyone else does.
    #[test]
    fn an_email_is_held_by_another_user_only() {
        let (_dir, org) = demo_org();
        let (id, email, name): (i64, String, String) = org
            .conn()
            .query_row(
                "SELECT id, email, first_name || ' ' || last_name FROM users ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            email_holder(org.conn(), &email, None).unwrap(),
            Some(name.clone())
        );
        assert_eq!(
            email_holder(org.conn(), &email, Some(id + 1)).unwrap(),
            Some(name)
        );
        assert_eq!(email_holder(org.conn(), &email, Some(id)).unwrap(), None);
    }
}
