//! The accounts table's SQL (with the role each account has): signing in, the acting account,
//! the account picker, who holds a permission, and creating an account.

use crate::base::error::Result;
use crate::storage::engine::{Param, Sql};

/// An account as the sign-in reads it.
pub(crate) struct SignInRow {
    pub id: i64,
    pub password_hash: String,
    pub role_name: String,
    pub login: String,
    pub status: String,
}

/// An account as the acting account is loaded from it, with its role's permission keys.
pub(crate) struct ActingRow {
    pub login: String,
    pub display_name: String,
    pub role_name: String,
    pub status: String,
    pub permission_keys: Vec<String>,
}

/// An active account as pickers and refusals name it.
pub(crate) struct ActiveAccount {
    pub login: String,
    pub display_name: String,
    pub role_name: String,
}

pub(crate) fn count(db: Sql<'_>) -> Result<i64> {
    db.query_one("SELECT count(*) FROM accounts", &[], |r| r.get(0))
}

/// The account with this login, ASCII letters in either case (the file's `login` column is
/// NOCASE; the server's logins are unique by `ascii_lower`), for the sign-in.
pub(crate) fn for_sign_in(db: Sql<'_>, login: &str) -> Result<Option<SignInRow>> {
    let same_login = match db {
        Sql::File(_) => "a.login = ?1",
        #[cfg(feature = "server")]
        Sql::Server(_) => "ascii_lower(a.login) = ascii_lower(?1)",
    };
    db.query_opt(
        &format!(
            "SELECT a.id, a.password_hash, r.name, a.login, a.status
             FROM accounts a JOIN roles r ON r.id = a.role_id WHERE {same_login}"
        ),
        &[&login],
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
}

/// The account and its role's permission keys, in one statement: every operation
/// loads them, and on a server each statement is a round trip.
pub(crate) fn acting(db: Sql<'_>, account_id: i64) -> Result<Option<ActingRow>> {
    let rows = db.query(
        "SELECT a.login, a.display_name, r.name, a.status, rp.permission
         FROM accounts a JOIN roles r ON r.id = a.role_id
         LEFT JOIN role_permissions rp ON rp.role_id = a.role_id
         WHERE a.id = ?1",
        &[&account_id],
        |r| {
            let permission: Option<String> = r.get(4)?;
            let account = ActingRow {
                login: r.get(0)?,
                display_name: r.get(1)?,
                role_name: r.get(2)?,
                status: r.get(3)?,
                permission_keys: Vec::new(),
            };
            Ok((account, permission))
        },
    )?;
    let mut rows = rows.into_iter();
    let Some((mut account, first)) = rows.next() else {
        return Ok(None);
    };
    account.permission_keys = first
        .into_iter()
        .chain(rows.filter_map(|(_, p)| p))
        .collect();
    Ok(Some(account))
}

/// The active accounts whose role holds the permission `key`, the most senior role first.
pub(crate) fn active_holders_of(db: Sql<'_>, key: &str) -> Result<Vec<ActiveAccount>> {
    let mut rows = active_accounts(
        db,
        "JOIN role_permissions rp ON rp.role_id = a.role_id AND rp.permission = ?1",
        &[&key],
    )?;
    rows.sort_by(|a, b| (a.1, &a.0.display_name).cmp(&(b.1, &b.0.display_name)));
    Ok(rows.into_iter().map(|(a, _)| a).collect())
}

/// Every active account, by display name.
pub(crate) fn active(db: Sql<'_>) -> Result<Vec<ActiveAccount>> {
    let mut rows = active_accounts(db, "", &[])?;
    rows.sort_by(|a, b| (&a.0.display_name, a.1).cmp(&(&b.0.display_name, b.1)));
    Ok(rows.into_iter().map(|(a, _)| a).collect())
}

/// The active accounts (narrowed by `join`) with their role's id, in no order: the callers
/// sort in Rust, so that names compare byte by byte on both engines (a server's collation
/// would order them by its locale).
fn active_accounts(
    db: Sql<'_>,
    join: &str,
    params: &[&dyn Param],
) -> Result<Vec<(ActiveAccount, i64)>> {
    db.query(
        &format!(
            "SELECT a.login, a.display_name, r.name, r.id
             FROM accounts a JOIN roles r ON r.id = a.role_id {join}
             WHERE a.status = 'active'"
        ),
        params,
        |r| {
            let account = ActiveAccount {
                login: r.get(0)?,
                display_name: r.get(1)?,
                role_name: r.get(2)?,
            };
            Ok((account, r.get(3)?))
        },
    )
}

/// Inserts an account with the role named `role_name`; answers its id.
pub(crate) fn insert<'a>(
    db: impl Into<Sql<'a>>,
    login: &str,
    display_name: &str,
    role_name: &str,
    password_hash: &str,
    now: &str,
) -> Result<i64> {
    db.into().query_one(
        "INSERT INTO accounts (login, display_name, role_id, password_hash, created_at)
         VALUES (?1, ?2, (SELECT id FROM roles WHERE name = ?3), ?4, ?5) RETURNING id",
        &[&login, &display_name, &role_name, &password_hash, &now],
        |r| r.get(0),
    )
}

/// An account as the accounts page shows it.
pub(crate) struct ManagedAccount {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role_name: String,
    pub active: bool,
}

pub(crate) fn managed(db: Sql<'_>, id: i64) -> Result<Option<ManagedAccount>> {
    db.query_opt(
        "SELECT a.id, a.login, a.display_name, r.name, a.status
         FROM accounts a JOIN roles r ON r.id = a.role_id WHERE a.id = ?1",
        &[&id],
        |r| {
            Ok(ManagedAccount {
                id: r.get(0)?,
                login: r.get(1)?,
                display_name: r.get(2)?,
                role_name: r.get(3)?,
                active: r.get::<String>(4)? == "active",
            })
        },
    )
}

/// Every account's id, by display name then login (byte by byte on both engines).
pub(crate) fn ids_by_name(db: Sql<'_>) -> Result<Vec<i64>> {
    let mut accounts: Vec<(String, String, i64)> =
        db.query("SELECT display_name, login, id FROM accounts", &[], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    accounts.sort();
    Ok(accounts.into_iter().map(|(_, _, id)| id).collect())
}

/// An account has this login already, ASCII letters in either case (as `for_sign_in`).
pub(crate) fn login_taken(db: Sql<'_>, login: &str) -> Result<bool> {
    let same_login = match db {
        Sql::File(_) => "login = ?1",
        #[cfg(feature = "server")]
        Sql::Server(_) => "ascii_lower(login) = ascii_lower(?1)",
    };
    let taken: i64 = db.query_one(
        &format!("SELECT count(*) FROM accounts WHERE {same_login}"),
        &[&login],
        |r| r.get(0),
    )?;
    Ok(taken > 0)
}

/// How many active accounts other than `except` have the role.
pub(crate) fn active_with_role_except(db: Sql<'_>, role: &str, except: i64) -> Result<i64> {
    db.query_one(
        "SELECT count(*) FROM accounts a JOIN roles r ON r.id = a.role_id
         WHERE r.name = ?1 AND a.status = 'active' AND a.id <> ?2",
        &[&role, &except],
        |r| r.get(0),
    )
}

/// Sets the account's role and status ('active' or 'disabled').
pub(crate) fn set_role_and_status(db: Sql<'_>, id: i64, role_id: i64, status: &str) -> Result<()> {
    db.execute(
        "UPDATE accounts SET role_id = ?1, status = ?2 WHERE id = ?3",
        &[&role_id, &status, &id],
    )?;
    Ok(())
}

pub(crate) fn set_password_hash(db: Sql<'_>, id: i64, password_hash: &str) -> Result<()> {
    db.execute(
        "UPDATE accounts SET password_hash = ?1 WHERE id = ?2",
        &[&password_hash, &id],
    )?;
    Ok(())
}
