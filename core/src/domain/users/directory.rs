//! Users of the phone system: finding them, reading one, and the version that guards edits.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::domain::users::features::{product_features, Feature, LicenseFamily};
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::engine::Sql;
use crate::storage::list_order::SearchMemory;
pub use crate::storage::list_order::UserCursor;
use crate::storage::tables::{audit_log, users};

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

/// The Users list's row of a stored user. A family the code does not know is the error of a
/// column that cannot be read, as when the row was read.
fn user_row(u: users::StoredUser) -> Result<UserRow> {
    let license = match u.seat {
        None => None,
        Some(s) => Some(HeldLicense {
            seat_id: s.seat_id,
            product_id: s.product_id,
            product_name: s.product_name,
            family: LicenseFamily::from_key(&s.family).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    11,
                    rusqlite::types::Type::Text,
                    e.to_string().into(),
                )
            })?,
        }),
    };
    let status = match u.status.as_str() {
        "suspended" => UserStatus::Suspended,
        _ => UserStatus::Active,
    };
    Ok(UserRow {
        id: u.id,
        first_name: u.first_name,
        last_name: u.last_name,
        email: u.email,
        department: u.department,
        site: u.site,
        extension: u.extension,
        phone_number: u.phone_number,
        license,
        status,
        version: u.version,
    })
}

fn with_features(db: Sql<'_>, d: users::StoredDetail) -> Result<UserDetail> {
    let row = user_row(d.user)?;
    let (updated_at, updated_by) = (d.updated_at, d.updated_by);
    let features = match &row.license {
        Some(l) => product_features(db, l.product_id)?,
        None => Vec::new(),
    };
    Ok(UserDetail {
        row,
        features,
        updated_at,
        updated_by,
    })
}

pub(crate) fn user_detail<'a>(db: impl Into<Sql<'a>>, user_id: i64) -> Result<UserDetail> {
    let db = db.into();
    let found = users::detail(db, user_id)?;
    with_features(
        db,
        found.ok_or(Error::NotFound {
            what: "User",
            id: user_id,
        })?,
    )
}

/// Several users read at once, in the order of `ids` (each once); the first id that is no
/// user is the error.
pub(crate) fn user_details<'a>(db: impl Into<Sql<'a>>, ids: &[i64]) -> Result<Vec<UserDetail>> {
    let db = db.into();
    let mut found: std::collections::HashMap<i64, _> = users::details(db, ids)?
        .into_iter()
        .map(|d| (d.user.id, d))
        .collect();
    let mut users = Vec::with_capacity(found.len());
    let mut seen = std::collections::HashSet::new();
    for &id in ids {
        if !seen.insert(id) {
            continue;
        }
        let d = found
            .remove(&id)
            .ok_or(Error::NotFound { what: "User", id })?;
        users.push(with_features(db, d)?);
    }
    Ok(users)
}

/// Refuses an edit made against an older version of the user, naming who changed what and when.
pub(crate) fn check_version<'a>(
    db: impl Into<Sql<'a>>,
    user: &UserDetail,
    expected: i64,
) -> Result<()> {
    if user.version == expected {
        return Ok(());
    }
    Err(Error::StaleVersion {
        user: user.full_name(),
        changed_by: user
            .updated_by
            .clone()
            .unwrap_or_else(|| "LicenseDesk".to_owned()),
        what: last_change(db.into(), user)?,
        changed_at: user.updated_at.clone(),
    })
}

/// What the user's last save changed, from its audit entries (one save may write several).
fn last_change(db: Sql<'_>, user: &UserDetail) -> Result<String> {
    let actions = audit_log::actions_on_user_at(db, user.id, &user.updated_at)?;
    let mut parts: Vec<&str> = actions.iter().map(|a| change_label(a)).collect();
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
        | "license.bulk_remove"
        | "license.restore" => "the license",
        "user.numbers" => "the number and extension",
        "voicemail.update" | "voicemail.greeting" => "voicemail",
        "forwarding.set" | "forwarding.delete" => "call forwarding",
        "apps.update" => "app access",
        "device.activate" | "device.deactivate" => "devices",
        "user.update" | "user.add" => "the profile",
        "user.offboard" | "user.deactivate" => "the status (offboarded)",
        "user.reactivate" => "the status (reactivated)",
        _ => "the user",
    }
}

pub(crate) fn bump_version<'a>(
    db: impl Into<Sql<'a>>,
    user_id: i64,
    ctx: &ChangeContext<'_>,
) -> Result<()> {
    users::bump_version(db.into(), user_id, ctx.now, ctx.account.id)
}

/// How many users' rows in `user_texts` differ from their texts in users and
/// phone_numbers, or are missing or left over (0 while the triggers keep it in step).
#[cfg(test)]
pub(crate) fn stale_user_texts(conn: &rusqlite::Connection) -> Result<i64> {
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

fn search(db: Sql<'_>, memory: &SearchMemory, q: &UserQuery) -> Result<UserPage> {
    if q.limit == 0 || q.limit > MAX_PAGE {
        return Err(Error::invalid(
            Field::PageSize,
            format!("A page holds 1 to {MAX_PAGE} users."),
        ));
    }
    let rows = users::page(db, memory, &list_query(q))?;
    let next = if rows.len() == q.limit as usize {
        rows.last().map(|row| UserCursor {
            sort_name: row.sort_name.clone(),
            id: row.id,
        })
    } else {
        None
    };
    Ok(UserPage {
        users: rows.into_iter().map(user_row).collect::<Result<_>>()?,
        next,
    })
}

/// How many users the search and filters match (the cursor and page size are ignored).
fn count(db: Sql<'_>, q: &UserQuery) -> Result<i64> {
    users::count_matching(db, &list_query(q))
}

/// The query as the storage runs it.
pub(crate) fn list_query(q: &UserQuery) -> users::ListQuery<'_> {
    users::ListQuery {
        search: &q.search,
        license: match q.license {
            LicenseFilter::Any => users::HeldSeatFilter::Any,
            LicenseFilter::Unlicensed => users::HeldSeatFilter::None,
            LicenseFilter::Product { product_id } => users::HeldSeatFilter::OfProduct(product_id),
        },
        status: q.status.map(|s| match s {
            UserStatus::Active => "active",
            UserStatus::Suspended => "suspended",
        }),
        after: q.after.as_ref(),
        limit: q.limit,
    }
}

impl Org {
    /// A page of the Users list. The count of all matches is [`Org::count_users`]: the
    /// list paints its first rows without waiting for it.
    pub fn search_users(&self, actor: Actor, query: &UserQuery) -> Result<UserPage> {
        self.read_sql(actor, Permission::UsersView, |db| {
            search(db, &self.search_memory, query)
        })
    }

    /// How many users the query's search and filters match, over all pages.
    pub fn count_users(&self, actor: Actor, query: &UserQuery) -> Result<i64> {
        self.read_sql(actor, Permission::UsersView, |db| count(db, query))
    }

    pub fn user(&self, actor: Actor, user_id: i64) -> Result<UserDetail> {
        self.read_sql(actor, Permission::UsersView, |db| user_detail(db, user_id))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use rusqlite::params;

    use super::*;
    use crate::storage::tables::users::{fts_cover, Needle};
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
        org.conn()
            .execute(
                "UPDATE users SET first_name = 'Skiwo', last_name = 'Kowals' WHERE id = ?1",
                [someone.id],
            )
            .unwrap();
        assert_eq!(fts_cover("kowalski"), "\"kow\" AND \"als\" AND \"ski\"");
        let candidates: i64 = org
            .conn()
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
    pub(crate) fn large_org() -> (tempfile::TempDir, Org, Actor) {
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
                ..Default::default()
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
            .conn()
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

    pub(crate) const QUERIES: &[&str] = &[
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
            let mut stmt = org.conn().prepare("SELECT id FROM users").unwrap();
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
        org.conn()
            .execute(
                "UPDATE phone_numbers SET status = 'assigned', user_id = ?1 WHERE e164 = ?2",
                rusqlite::params![other.id, number],
            )
            .unwrap();
        org.conn()
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
        org.conn()
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
            .conn()
            .query_row(
                "SELECT id FROM users WHERE first_name = 'Zyx' AND last_name = 'Quorra'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(all_pages(&org, admin, "98765", 50).0, vec![deletable]);
        assert_eq!(all_pages(&org, admin, "97531", 50).0, vec![added.id]);
        assert_eq!(stale_user_texts(org.conn()).unwrap(), 0);
        org.conn()
            .execute("DELETE FROM users WHERE id = ?1", [deletable])
            .unwrap();
        assert!(all_pages(&org, admin, "98765", 50).0.is_empty());
        assert_eq!(stale_user_texts(org.conn()).unwrap(), 0);
        for &q in QUERIES {
            assert_eq!(
                all_pages(&org, admin, q, 500).0,
                plain_scan(&org, q),
                "{q:?}"
            );
        }
    }

    /// Schema 11's triggers: a change of the extension alone rewrites only its own search
    /// entries (keeping a prefix the email shares), and a save that changes no text rewrites
    /// nothing, not even the list order.
    #[test]
    fn an_extension_change_or_a_save_of_the_same_texts_keeps_the_search_exact() {
        let (_dir, org, admin) = large_org();
        let user = crate::tests::testing::unlicensed_user(&org);
        let token = |org: &Org| -> i64 {
            org.conn()
                .query_row("SELECT token FROM list_order_token", [], |r| r.get(0))
                .unwrap()
        };
        let set = |sql: &str| org.conn().execute(sql, rusqlite::params![user.id]).unwrap();
        set("UPDATE users SET email = '20.front@example.com', extension = '2001' WHERE id = ?1");
        let queries = ["2", "20", "200", "2001", "20.f", "2002", "7"];
        let check = |org: &Org| {
            for q in queries {
                assert_eq!(all_pages(org, admin, q, 500).0, plain_scan(org, q), "{q:?}");
            }
            assert_eq!(stale_user_texts(org.conn()).unwrap(), 0);
        };
        check(&org);
        // The extension alone: cleared (the email keeps "2" and "20"), given, changed.
        for extension in ["NULL", "'2002'", "'7007'", "NULL"] {
            set(&format!(
                "UPDATE users SET extension = {extension} WHERE id = ?1"
            ));
            check(&org);
        }
        assert!(all_pages(&org, admin, "20", 500).0.contains(&user.id));
        assert!(!all_pages(&org, admin, "200", 500).0.contains(&user.id));
        // The same texts saved again: the list order stays as it was.
        let before = token(&org);
        set(
            "UPDATE users SET first_name = first_name, last_name = last_name, email = email,
                              extension = extension WHERE id = ?1",
        );
        assert_eq!(token(&org), before);
        check(&org);
        set("UPDATE users SET first_name = 'Renamed' WHERE id = ?1");
        assert_ne!(token(&org), before);
        check(&org);
    }
}

/// The Users list on both storage engines (docs/ARCHITECTURE.md §Server): the same pages, in
/// the same order, and the same counts on the organization file and on a server.
#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use super::*;
    use crate::tests::engines::{number, same_on_each_engine};
    use crate::tests::testing::sign_in;

    /// Every page of `q`, each after the last user of the one before, as (id, name, license,
    /// number) per user; and the count of all matches.
    fn pages(org: &Org, admin: Actor, mut q: UserQuery) -> (Vec<String>, i64) {
        let mut seen = Vec::new();
        loop {
            let page = org.search_users(admin, &q).unwrap();
            seen.extend(page.users.iter().map(|u| {
                let license = u.license.as_ref().map(|l| l.product_name.as_str());
                format!(
                    "{} {} {:?} {:?}",
                    u.id,
                    u.full_name(),
                    license,
                    u.phone_number
                )
            }));
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
        (seen, org.count_users(admin, &q).unwrap())
    }

    #[test]
    fn the_users_list_pages_and_counts_the_same_on_both_engines() {
        let searches = [
            "", "a", "Jo", "son", "SON", "@", "555", "512", "o'", "é", "-", "%", "_", "zzq",
        ];
        same_on_each_engine(|org, place| {
            let admin = sign_in(org, "dana.reyes");
            let voice_pro = number(org, "SELECT id FROM products WHERE name = 'Voice Pro'", &[]);
            let filters = [
                (LicenseFilter::Any, None),
                (LicenseFilter::Unlicensed, None),
                (
                    LicenseFilter::Product {
                        product_id: voice_pro,
                    },
                    None,
                ),
                (LicenseFilter::Any, Some(UserStatus::Suspended)),
            ];
            let mut results = Vec::new();
            for search in searches {
                for (license, status) in &filters {
                    let q = UserQuery {
                        search: search.to_owned(),
                        license: license.clone(),
                        status: *status,
                        after: None,
                        limit: 7,
                    };
                    let (users, count) = pages(org, admin, q);
                    assert_eq!(
                        users.len() as i64,
                        count,
                        "{search:?} on the {}",
                        place.engine()
                    );
                    results.push((search, users, count));
                }
            }
            assert!(results.iter().any(|(_, users, _)| users.len() > 7));
            results
        });
    }
}
