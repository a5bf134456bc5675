//! Users of the phone system: finding them, reading one, and the version that guards edits.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::licenses::{product_features, Feature, LicenseFamily};
use crate::org::{Actor, ChangeContext, Org};
use crate::permission::Permission;

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

/// Where the next page starts: the sort key and id of the last row shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UserCursor {
    pub sort_name: String,
    #[ts(type = "number")]
    pub id: i64,
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
    /// How many users match in all; counted with the first page only (`after` is null).
    #[ts(type = "number | null")]
    pub total: Option<i64>,
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

pub(crate) fn user_detail(conn: &Connection, user_id: i64) -> Result<UserDetail> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, u.updated_at, a.display_name {USER_JOINS}
         LEFT JOIN accounts a ON a.id = u.updated_by WHERE u.id = ?1"
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_row([user_id], |r| {
            Ok((user_row(r)?.0, r.get::<_, String>(15)?, r.get(16)?))
        })
        .optional()?;
    let (row, updated_at, updated_by) = found.ok_or(Error::NotFound {
        what: "User",
        id: user_id,
    })?;
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

/// Refuses an edit made against an older version of the user, naming who changed it.
pub(crate) fn check_version(user: &UserDetail, expected: i64) -> Result<()> {
    if user.version == expected {
        return Ok(());
    }
    Err(Error::StaleVersion {
        user: user.full_name(),
        changed_by: user
            .updated_by
            .clone()
            .unwrap_or_else(|| "LicenseDesk".to_owned()),
        changed_at: user.updated_at.clone(),
    })
}

pub(crate) fn bump_version(conn: &Connection, user_id: i64, ctx: &ChangeContext<'_>) -> Result<()> {
    conn.execute(
        "UPDATE users SET version = version + 1, updated_at = ?1, updated_by = ?2 WHERE id = ?3",
        params![ctx.now, ctx.account.id, user_id],
    )?;
    Ok(())
}

/// What the search box asks for, and how it is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Needle {
    /// Nothing typed: every user.
    All,
    /// One or two characters: the start of the first name, last name, email or extension
    /// (an index range each; a substring of one letter would match almost everyone).
    /// Case is ignored for ASCII letters, as SQLite's `lower()` and NOCASE do.
    Prefix(String),
    /// Three or more characters: anywhere in "First Last", email, extension or phone
    /// number, ignoring case, through the trigram index.
    Substring(String),
}

impl Needle {
    pub(crate) fn of(search: &str) -> Self {
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
            Needle::Substring(s) => {
                let s = s.to_lowercase();
                let name = format!("{first} {last}");
                [name.as_str(), email, ext, number]
                    .iter()
                    .any(|t| t.to_lowercase().contains(&s))
            }
        }
    }
}

/// An FTS5 query that matches `text` literally: one phrase in double quotes, quotes doubled,
/// so that `"`, `*`, `:`, `^`, `(`, `-`, AND, OR, NEAR typed by the admin are plain text.
pub(crate) fn fts_phrase(text: &str) -> String {
    // FTS5 ends a query at a NUL ("unterminated string"); no stored name or number holds one.
    let text = text.replace('\0', "");
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The smallest string greater than every string that starts with `prefix`.
fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = (last as u32 + 1..=char::MAX as u32).find_map(char::from_u32) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    char::MAX.to_string()
}

/// The ids of the users whose texts the needle matches, as SQL (`None` for every user).
fn needle_ids(needle: &Needle, args: &mut Vec<rusqlite::types::Value>) -> Option<String> {
    match needle {
        Needle::All => None,
        Needle::Prefix(p) => {
            args.push(p.clone().into());
            args.push(prefix_end(p).into());
            let (lo, hi) = (args.len() - 1, args.len());
            Some(format!(
                "SELECT id FROM users WHERE sort_name >= ?{lo} AND sort_name < ?{hi}
                 UNION SELECT id FROM users WHERE lower(first_name) >= ?{lo} AND lower(first_name) < ?{hi}
                 UNION SELECT id FROM users WHERE email >= ?{lo} AND email < ?{hi}
                 UNION SELECT id FROM users WHERE extension >= ?{lo} AND extension < ?{hi}"
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

fn search(conn: &Connection, q: &UserQuery) -> Result<UserPage> {
    if q.limit == 0 || q.limit > MAX_PAGE {
        return Err(Error::invalid(
            "limit",
            format!("A page holds 1 to {MAX_PAGE} users."),
        ));
    }
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let ids = needle_ids(&Needle::of(&q.search), &mut args);
    let mut filter = String::from(" WHERE 1 = 1");
    if let Some(ids) = &ids {
        filter.push_str(&format!(" AND u.id IN ({ids})"));
    }
    let plain = matches!(q.license, LicenseFilter::Any) && q.status.is_none();
    match &q.license {
        LicenseFilter::Any => {}
        LicenseFilter::Unlicensed => filter.push_str(" AND s.id IS NULL"),
        LicenseFilter::Product { product_id } => {
            args.push((*product_id).into());
            filter.push_str(&format!(" AND p.id = ?{}", args.len()));
        }
    }
    if let Some(status) = q.status {
        args.push(
            match status {
                UserStatus::Active => "active",
                UserStatus::Suspended => "suspended",
            }
            .to_owned()
            .into(),
        );
        filter.push_str(&format!(" AND u.status = ?{}", args.len()));
    }
    // Counted with the first page only: later pages are asked for while scrolling, and
    // counting 100,000 rows on each would cost more than the page. A search is counted on
    // every page, because how many match decides how its page is found (below).
    let matched: Option<i64> = if plain && (ids.is_some() || q.after.is_none()) {
        let sql = match &ids {
            None => "SELECT count(*) FROM users".to_owned(),
            Some(ids) => format!("SELECT count(*) FROM ({ids})"),
        };
        let mut stmt = conn.prepare_cached(&sql)?;
        Some(stmt.query_row(rusqlite::params_from_iter(&args), |r| r.get(0))?)
    } else {
        None
    };
    let total = if q.after.is_some() {
        None
    } else if plain {
        matched
    } else {
        let sql = format!("SELECT count(*) {USER_JOINS}{filter}");
        let mut stmt = conn.prepare_cached(&sql)?;
        Some(stmt.query_row(rusqlite::params_from_iter(&args), |r| r.get(0))?)
    };
    // Few matches: sort them. Many (more than 1 in 50 users): walk the name index and keep
    // the matches, which finds a page after about 50 / share rows instead of sorting all.
    let walk = match (&ids, matched) {
        (Some(_), Some(m)) => {
            let users: i64 =
                conn.query_row("SELECT coalesce(max(id), 0) FROM users", [], |r| r.get(0))?;
            m * 50 > users
        }
        _ => false,
    };
    let mut page_filter = filter;
    if let Some(after) = &q.after {
        args.push(after.sort_name.clone().into());
        args.push(after.id.into());
        let n = args.len();
        page_filter.push_str(&format!(" AND (u.sort_name, u.id) > (?{}, ?{n})", n - 1));
    }
    args.push(i64::from(q.limit).into());
    let limit = args.len();
    let sql = if plain {
        // Pick the page's ids by sort key alone (an index, or the matches' rows), then
        // join the page's 100 rows only, not every match.
        let pick = &page_filter;
        let users = if walk {
            "users u INDEXED BY users_by_sort_name"
        } else {
            "users u"
        };
        format!(
            "SELECT {USER_COLUMNS} FROM (SELECT u.id FROM {users}{pick}
                 ORDER BY u.sort_name, u.id LIMIT ?{limit}) pick
             JOIN users u ON u.id = pick.id
             JOIN sites st ON st.id = u.site_id
             LEFT JOIN phone_numbers n ON n.user_id = u.id
             LEFT JOIN seats s ON s.user_id = u.id
             LEFT JOIN products p ON p.id = s.product_id
             ORDER BY u.sort_name, u.id"
        )
    } else {
        format!(
            "SELECT {USER_COLUMNS} {USER_JOINS}{page_filter} ORDER BY u.sort_name, u.id LIMIT ?{limit}"
        )
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(&args), user_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
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
        total,
    })
}

impl Org {
    pub fn search_users(&self, actor: Actor, query: &UserQuery) -> Result<UserPage> {
        self.read(actor, Permission::UsersView, |conn| search(conn, query))
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
    use crate::testing::{demo_org, sign_in};

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
        assert_eq!(
            org.search_users(admin, &query("zzzz-nobody"))
                .unwrap()
                .total,
            Some(0)
        );
    }

    #[test]
    fn wildcards_typed_by_the_admin_are_literal() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        for wild in ["%", "_", "%%%", "___", "a%b", "\\%"] {
            assert_eq!(
                org.search_users(admin, &query(wild)).unwrap().total,
                Some(0),
                "{wild:?}"
            );
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
            let first = q.after.is_none();
            assert_eq!(page.total, if first { whole.total } else { None });
            seen.extend(page.users.iter().map(|u| u.id));
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
        let expected: Vec<i64> = whole.users.iter().map(|u| u.id).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn license_and_status_filters() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let mut q = query("");
        q.license = LicenseFilter::Unlicensed;
        let unlicensed = org.search_users(admin, &q).unwrap();
        assert!(unlicensed.total.unwrap() >= 5);
        assert!(unlicensed.users.iter().all(|u| u.license.is_none()));
        let pid = crate::testing::product_id(&org, "Voice Pro");
        q.license = LicenseFilter::Product { product_id: pid };
        let pro = org.search_users(admin, &q).unwrap();
        assert!(pro.total.unwrap() > 0);
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
    }

    #[test]
    fn a_page_size_out_of_range_is_refused() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let mut q = query("");
        q.limit = 0;
        let e = org.search_users(admin, &q).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("limit"));
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
            std::sync::Arc::new(crate::clock::SystemClock),
        )
        .unwrap();
        crate::demo::seed(
            &mut org,
            &crate::demo::DemoSpec {
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
        let mut total = None;
        loop {
            let page = org.search_users(admin, &q).unwrap();
            if q.after.is_none() {
                total = page.total;
            } else {
                assert_eq!(page.total, None, "only the first page is counted");
            }
            seen.extend(page.users.iter().map(|u| u.id));
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
        let unique: std::collections::HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{search:?}: a user came twice");
        (seen, total.expect("first page counted"))
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
        let user = crate::testing::user_with_all_data(&org);
        let ext = user.extension.clone().unwrap();
        let number = user.phone_number.clone().unwrap();
        assert!(all_pages(&org, admin, &number, 50).0.contains(&user.id));
        org.remove_license(
            admin,
            &crate::removal::RemoveLicense {
                user_id: user.id,
                expected_version: user.version,
            },
        )
        .unwrap();
        // Extension and number were released: searching them no longer finds the user.
        assert!(!all_pages(&org, admin, &ext, 50).0.contains(&user.id));
        assert!(!all_pages(&org, admin, &number, 50).0.contains(&user.id));
        // A number given to someone else, a renamed user, a deleted user.
        let other = crate::testing::unlicensed_user(&org);
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
        for &q in QUERIES {
            assert_eq!(
                all_pages(&org, admin, q, 500).0,
                plain_scan(&org, q),
                "{q:?}"
            );
        }
    }
}
