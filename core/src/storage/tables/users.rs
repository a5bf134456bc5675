//! The users table's SQL.

use rusqlite::{params, Connection, OptionalExtension};

use crate::base::error::Result;

/// Takes the user's extension away: a removal or an offboarding.
pub(crate) fn clear_extension(conn: &Connection, user_id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE users SET extension = NULL WHERE id = ?1")?
        .execute([user_id])?;
    Ok(())
}

/// Deactivates the user (an offboarding).
pub(crate) fn suspend(conn: &Connection, user_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE users SET status = 'suspended' WHERE id = ?1",
        [user_id],
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
pub(crate) fn insert(
    conn: &Connection,
    p: &Profile<'_>,
    now: &str,
    account_id: i64,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO users (first_name, last_name, email, department, site_id, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![p.first_name, p.last_name, p.email, p.department, p.site_id, now, account_id])?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn set_profile(conn: &Connection, user_id: i64, p: &Profile<'_>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE users SET first_name = ?1, last_name = ?2, email = ?3, department = ?4, site_id = ?5
         WHERE id = ?6",
    )?
    .execute(params![
        p.first_name,
        p.last_name,
        p.email,
        p.department,
        p.site_id,
        user_id
    ])?;
    Ok(())
}

/// The full name of the user other than `except` whose email is `email` (emails are stored
/// unique ignoring case).
pub(crate) fn email_holder(
    conn: &Connection,
    email: &str,
    except: Option<i64>,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT first_name || ' ' || last_name FROM users WHERE email = ?1 AND id IS NOT ?2",
        )?
        .query_row(params![email, except], |r| r.get(0))
        .optional()?)
}

/// The site the user works at.
pub(crate) fn site_id(conn: &Connection, user_id: i64) -> Result<i64> {
    Ok(
        conn.query_row("SELECT site_id FROM users WHERE id = ?1", [user_id], |r| {
            r.get(0)
        })?,
    )
}

/// The user who holds an extension: id and full name.
pub(crate) fn extension_holder(
    conn: &Connection,
    extension: &str,
) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, first_name || ' ' || last_name FROM users WHERE extension = ?1",
            [extension],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Every extension in use.
pub(crate) fn extensions(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT extension FROM users WHERE extension IS NOT NULL")?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

/// The highest of the longest extensions of the user's site, None when it has none.
pub(crate) fn highest_extension_of_site_of(
    conn: &Connection,
    user_id: i64,
) -> Result<Option<String>> {
    Ok(conn.query_row(
        "SELECT max(o.extension) FROM users o JOIN users u ON u.site_id = o.site_id
         WHERE u.id = ?1 AND length(o.extension) = (
             SELECT max(length(extension)) FROM users x WHERE x.site_id = u.site_id)",
        [user_id],
        |r| r.get(0),
    )?)
}

/// Gives the user an extension, or takes it away (None).
pub(crate) fn set_extension(
    conn: &Connection,
    user_id: i64,
    extension: Option<&str>,
) -> Result<()> {
    conn.prepare_cached("UPDATE users SET extension = ?1 WHERE id = ?2")?
        .execute(params![extension, user_id])?;
    Ok(())
}

/// "First Last (2041)", or without the parentheses when the user has no extension.
pub(crate) fn name_with_extension(conn: &Connection, user_id: i64) -> Result<String> {
    Ok(conn.query_row(
        "SELECT first_name || ' ' || last_name || coalesce(' (' || extension || ')', '')
         FROM users WHERE id = ?1",
        [user_id],
        |r| r.get(0),
    )?)
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
pub(crate) fn all_for_import(conn: &Connection) -> Result<Vec<ImportedUser>> {
    let mut stmt = conn.prepare(
        "SELECT u.id, u.first_name, u.last_name, u.email, u.department, u.site_id, u.extension,
                n.e164, s.product_id
         FROM users u LEFT JOIN phone_numbers n ON n.user_id = u.id
         LEFT JOIN seats s ON s.user_id = u.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
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
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The profile an import row sets on an existing user, with a new version.
pub(crate) struct ImportedProfile<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub department: &'a str,
    pub site_id: i64,
}

pub(crate) fn update_imported_profile(
    conn: &Connection,
    user_id: i64,
    profile: &ImportedProfile<'_>,
    now: &str,
    account_id: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE users SET first_name = ?1, last_name = ?2, department = ?3, site_id = ?4,
             version = version + 1, updated_at = ?5, updated_by = ?6 WHERE id = ?7",
        params![
            profile.first_name,
            profile.last_name,
            profile.department,
            profile.site_id,
            now,
            account_id,
            user_id
        ],
    )?;
    Ok(())
}

/// Hands each user to `row` as the CSV export writes them (first name, last name, email,
/// department, site, extension, number, product; absent values empty), by name.
pub(crate) fn each_for_export(
    conn: &Connection,
    mut row: impl FnMut(&[String]) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT u.first_name, u.last_name, u.email, u.department, st.name, u.extension, n.e164, p.name
         FROM users u JOIN sites st ON st.id = u.site_id
         LEFT JOIN phone_numbers n ON n.user_id = u.id
         LEFT JOIN seats s ON s.user_id = u.id LEFT JOIN products p ON p.id = s.product_id
         ORDER BY u.sort_name, u.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let cells: Vec<String> = (0..8)
            .map(|i| r.get::<_, Option<String>>(i).map(Option::unwrap_or_default))
            .collect::<rusqlite::Result<_>>()?;
        row(&cells)?;
    }
    Ok(())
}

pub(crate) fn count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
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
