//! Who is acting: the signed-in account behind an operation, its role's permissions as they
//! are in the database now, and the refusal that names who has a missing one. Below `org`,
//! whose guard checks them; signing in is `accounts`'.

use std::collections::BTreeSet;

use crate::base::error::{Error, Result};
use crate::base::permission::Permission;
use crate::storage::engine::Sql;
use crate::storage::tables::accounts;

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
pub(crate) fn acting_account<'a>(conn: impl Into<Sql<'a>>, actor: Actor) -> Result<ActingAccount> {
    let conn = conn.into();
    let row = accounts::acting(conn, actor.account_id)?.ok_or(Error::NotSignedIn)?;
    if row.status != "active" {
        return Err(Error::AccountDisabled { login: row.login });
    }
    Ok(ActingAccount {
        id: actor.account_id,
        permissions: row
            .permission_keys
            .iter()
            .filter_map(|k| Permission::from_key(k))
            .collect(),
        login: row.login,
        display_name: row.display_name,
        role_name: row.role_name,
    })
}

pub(crate) fn require<'a>(
    conn: impl Into<Sql<'a>>,
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
pub(crate) fn explain_missing<'a>(
    conn: impl Into<Sql<'a>>,
    account: &ActingAccount,
    permission: Permission,
) -> Result<(String, bool)> {
    let holders: Vec<(String, String, String)> =
        accounts::active_holders_of(conn.into(), permission.key())?
            .into_iter()
            .map(|a| (a.login, a.display_name, a.role_name))
            .collect();
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
