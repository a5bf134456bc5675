//! Who is acting: the signed-in account behind an operation, its role's permissions as they
//! are in the database now, and the refusal that names who has a missing one. Below `org`,
//! whose guard checks them; signing in is `accounts`'.

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension};

use crate::base::error::{Error, Result};
use crate::base::permission::Permission;

/// The signed-in admin account on whose behalf an operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct ActingAccount {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role_name: String,
    pub permissions: BTreeSet<Permission>,
}

/// Loads the acting account and its role's permissions as they are in the database now.
pub(crate) fn acting_account(conn: &Connection, actor: Actor) -> Result<ActingAccount> {
    let row = conn
        .prepare_cached(
            "SELECT a.login, a.display_name, r.name, a.status, a.role_id
             FROM accounts a JOIN roles r ON r.id = a.role_id WHERE a.id = ?1",
        )?
        .query_row([actor.account_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })
        .optional()?
        .ok_or(Error::NotSignedIn)?;
    let (login, display_name, role_name, status, role_id) = row;
    if status != "active" {
        return Err(Error::AccountDisabled { login });
    }
    Ok(ActingAccount {
        id: actor.account_id,
        login,
        display_name,
        role_name,
        permissions: role_permissions(conn, role_id)?,
    })
}

fn role_permissions(conn: &Connection, role_id: i64) -> Result<BTreeSet<Permission>> {
    let mut stmt = conn.prepare_cached(
        "SELECT permission FROM role_permissions WHERE role_id = ?1 ORDER BY permission",
    )?;
    let keys = stmt
        .query_map([role_id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(keys
        .iter()
        .filter_map(|k| Permission::from_key(k))
        .collect())
}

pub(crate) fn require(
    conn: &Connection,
    account: &ActingAccount,
    permission: Permission,
) -> Result<()> {
    if account.permissions.contains(&permission) {
        return Ok(());
    }
    Err(Error::PermissionDenied {
        permission,
        message: explain_missing(conn, account, permission)?.0,
    })
}

/// "Your role Helpdesk does not include Assign and change licenses. Ask Dana Reyes (Super
/// Admin), or switch to an account that has it.", and whether it suggests switching.
pub(crate) fn explain_missing(
    conn: &Connection,
    account: &ActingAccount,
    permission: Permission,
) -> Result<(String, bool)> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.login, a.display_name, r.name
         FROM accounts a
         JOIN roles r ON r.id = a.role_id
         JOIN role_permissions rp ON rp.role_id = a.role_id AND rp.permission = ?1
         WHERE a.status = 'active'
         ORDER BY r.id, a.display_name",
    )?;
    let holders = stmt
        .query_map([permission.key()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut message = format!(
        "Your role {} does not include {}.",
        account.role_name,
        permission.label()
    );
    // The same person's other account comes first: switching is quicker than asking.
    if let Some((login, _, role)) = holders
        .iter()
        .find(|(_, name, _)| *name == account.display_name)
    {
        message.push_str(&format!(
            " Your other account {login} ({role}) has it: use Switch account."
        ));
        return Ok((message, true));
    }
    let names: Vec<String> = holders
        .iter()
        .take(3)
        .map(|(_, name, role)| format!("{name} ({role})"))
        .collect();
    match names.len() {
        0 => message.push_str(" No active account has it."),
        _ => message.push_str(&format!(
            " Ask {}, or switch to an account that has it.",
            join_or(&names)
        )),
    }
    Ok((message, !holders.is_empty()))
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}
