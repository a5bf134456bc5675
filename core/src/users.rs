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
    /// Matches name, email, extension or phone number, anywhere, ignoring case.
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
    #[ts(type = "number")]
    pub total: i64,
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
        .query_row(&sql, [user_id], |r| {
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

/// `%` and `_` typed by the admin are matched literally.
fn like_pattern(search: &str) -> String {
    let mut p = String::from("%");
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn search(conn: &Connection, q: &UserQuery) -> Result<UserPage> {
    if q.limit == 0 || q.limit > MAX_PAGE {
        return Err(Error::invalid(
            "limit",
            format!("A page holds 1 to {MAX_PAGE} users."),
        ));
    }
    let search = q.search.trim();
    let mut filter = String::from(" WHERE 1 = 1");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if !search.is_empty() {
        args.push(like_pattern(search).into());
        let n = args.len();
        filter.push_str(&format!(
            " AND (u.first_name || ' ' || u.last_name LIKE ?{n} ESCAPE '\\'
                OR u.email LIKE ?{n} ESCAPE '\\'
                OR u.extension LIKE ?{n} ESCAPE '\\'
                OR n.e164 LIKE ?{n} ESCAPE '\\')"
        ));
    }
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
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) {USER_JOINS}{filter}"),
        rusqlite::params_from_iter(&args),
        |r| r.get(0),
    )?;
    let mut page_filter = filter;
    if let Some(after) = &q.after {
        args.push(after.sort_name.clone().into());
        args.push(after.id.into());
        let n = args.len();
        page_filter.push_str(&format!(" AND (u.sort_name, u.id) > (?{}, ?{n})", n - 1));
    }
    args.push(i64::from(q.limit).into());
    let sql = format!(
        "SELECT {USER_COLUMNS} {USER_JOINS}{page_filter} ORDER BY u.sort_name, u.id LIMIT ?{}",
        args.len()
    );
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
            0
        );
    }

    #[test]
    fn wildcards_typed_by_the_admin_are_literal() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        assert_eq!(org.search_users(admin, &query("%")).unwrap().total, 0);
        assert_eq!(org.search_users(admin, &query("_")).unwrap().total, 0);
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
            assert_eq!(page.total, whole.total);
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
        assert!(unlicensed.total >= 5);
        assert!(unlicensed.users.iter().all(|u| u.license.is_none()));
        let pid = crate::testing::product_id(&org, "Voice Pro");
        q.license = LicenseFilter::Product { product_id: pid };
        let pro = org.search_users(admin, &q).unwrap();
        assert!(pro.total > 0);
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
}
