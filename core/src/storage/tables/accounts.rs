//! The accounts table's SQL (with the role each account has): signing in, the acting account,
//! the account picker, who holds a permission, and creating an account.

use rusqlite::{params, Connection, OptionalExtension};

use crate::base::error::Result;

/// An account as the sign-in reads it.
pub(crate) struct SignInRow {
    pub id: i64,
    pub password_hash: String,
    pub role_name: String,
    pub login: String,
    pub status: String,
}

/// An account as the acting account is loaded from it.
pub(crate) struct ActingRow {
    pub login: String,
    pub display_name: String,
    pub role_name: String,
    pub status: String,
    pub role_id: i64,
}

/// An active account as pickers and refusals name it.
pub(crate) struct ActiveAccount {
    pub login: String,
    pub display_name: String,
    pub role_name: String,
}

pub(crate) fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM accounts", [], |r| r.get(0))?)
}

/// The account with exactly this login, for the sign-in.
pub(crate) fn for_sign_in(conn: &Connection, login: &str) -> Result<Option<SignInRow>> {
    Ok(conn
        .query_row(
            "SELECT a.id, a.password_hash, r.name, a.login, a.status
             FROM accounts a JOIN roles r ON r.id = a.role_id WHERE a.login = ?1",
            [login],
            |r| {
                Ok(SignInRow {
                    id: r.get(0)?,
                    password_hash: r.get(1)?,
                    role_name: r.get(2)?,
                    login: r.get(3)?,
                    status: r.get(4)?,
                })
            },
        )
        .optional()?)
}

pub(crate) fn acting(conn: &Connection, account_id: i64) -> Result<Option<ActingRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT a.login, a.display_name, r.name, a.status, a.role_id
             FROM accounts a JOIN roles r ON r.id = a.role_id WHERE a.id = ?1",
        )?
        .query_row([account_id], |r| {
            Ok(ActingRow {
                login: r.get(0)?,
                display_name: r.get(1)?,
                role_name: r.get(2)?,
                status: r.get(3)?,
                role_id: r.get(4)?,
            })
        })
        .optional()?)
}

/// The permission keys of a role, sorted.
pub(crate) fn role_permission_keys(conn: &Connection, role_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT permission FROM role_permissions WHERE role_id = ?1 ORDER BY permission",
    )?;
    let keys = stmt
        .query_map([role_id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(keys)
}

/// The active accounts whose role holds the permission `key`, the most senior role first.
pub(crate) fn active_holders_of(conn: &Connection, key: &str) -> Result<Vec<ActiveAccount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.login, a.display_name, r.name
         FROM accounts a
         JOIN roles r ON r.id = a.role_id
         JOIN role_permissions rp ON rp.role_id = a.role_id AND rp.permission = ?1
         WHERE a.status = 'active'
         ORDER BY r.id, a.display_name",
    )?;
    let rows = stmt
        .query_map([key], active_account)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every active account, by display name.
pub(crate) fn active(conn: &Connection) -> Result<Vec<ActiveAccount>> {
    let mut stmt = conn.prepare(
        "SELECT a.login, a.display_name, r.name FROM accounts a JOIN roles r ON r.id = a.role_id
         WHERE a.status = 'active' ORDER BY a.display_name, r.id",
    )?;
    let rows = stmt
        .query_map([], active_account)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn active_account(r: &rusqlite::Row<'_>) -> rusqlite::Result<ActiveAccount> {
    Ok(ActiveAccount {
        login: r.get(0)?,
        display_name: r.get(1)?,
        role_name: r.get(2)?,
    })
}

/// Inserts an account with the role named `role_name`; answers its id.
pub(crate) fn insert(
    conn: &Connection,
    login: &str,
    display_name: &str,
    role_name: &str,
    password_hash: &str,
    now: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO accounts (login, display_name, role_id, password_hash, created_at)
         VALUES (?1, ?2, (SELECT id FROM roles WHERE name = ?3), ?4, ?5)",
        params![login, display_name, role_name, password_hash, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// An account as the accounts page shows it.
pub(crate) struct ManagedAccount {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role_name: String,
    pub active: bool,
}

pub(crate) fn managed(conn: &Connection, id: i64) -> Result<Option<ManagedAccount>> {
    Ok(conn
        .query_row(
            "SELECT a.id, a.login, a.display_name, r.name, a.status = 'active'
             FROM accounts a JOIN roles r ON r.id = a.role_id WHERE a.id = ?1",
            [id],
            |r| {
                Ok(ManagedAccount {
                    id: r.get(0)?,
                    login: r.get(1)?,
                    display_name: r.get(2)?,
                    role_name: r.get(3)?,
                    active: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// Every account's id, by display name then login.
pub(crate) fn ids_by_name(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM accounts ORDER BY display_name, login")?;
    let ids = stmt
        .query_map([], |r| r.get::<_, i64>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids)
}

pub(crate) fn login_taken(conn: &Connection, login: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM accounts WHERE login = ?1)",
        [login],
        |r| r.get(0),
    )?)
}

/// How many active accounts other than `except` have the role.
pub(crate) fn active_with_role_except(conn: &Connection, role: &str, except: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM accounts a JOIN roles r ON r.id = a.role_id
         WHERE r.name = ?1 AND a.status = 'active' AND a.id <> ?2",
        params![role, except],
        |r| r.get(0),
    )?)
}

/// Sets the account's role and status ('active' or 'disabled').
pub(crate) fn set_role_and_status(
    conn: &Connection,
    id: i64,
    role_id: i64,
    status: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE accounts SET role_id = ?1, status = ?2 WHERE id = ?3",
        params![role_id, status, id],
    )?;
    Ok(())
}

pub(crate) fn set_password_hash(conn: &Connection, id: i64, password_hash: &str) -> Result<()> {
    conn.execute(
        "UPDATE accounts SET password_hash = ?1 WHERE id = ?2",
        params![password_hash, id],
    )?;
    Ok(())
}
