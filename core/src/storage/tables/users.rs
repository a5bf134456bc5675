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
