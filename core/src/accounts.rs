//! Admin accounts: signing in, who is acting, and what their role allows.

use std::collections::BTreeSet;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use ts_rs::TS;

use crate::audit::{self, AuditActor, AuditEntry};
use crate::error::{Error, Result};
use crate::org::{Actor, Org};
use crate::permission::Permission;

/// The signed-in account as the UI shows it, with what its role may and may not do.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionInfo {
    #[ts(type = "number")]
    pub account_id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub organization: String,
    /// ISO code of the organization's currency, for showing amounts.
    pub currency: String,
    pub permissions: Vec<Permission>,
    /// One explanation for each permission the role lacks.
    pub missing: Vec<MissingPermission>,
}

/// Why a control is read-only: the missing permission and who has it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MissingPermission {
    pub permission: Permission,
    pub label: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub(crate) struct ActingAccount {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role_name: String,
    pub permissions: BTreeSet<Permission>,
}

pub(crate) fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

/// A sign-in attempt is not part of a change: its entry gets a transaction of its own.
fn record_sign_in(
    conn: &mut Connection,
    at: &str,
    actor: &AuditActor<'_>,
    entry: &AuditEntry<'_>,
) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    audit::append(&tx, at, actor, entry)?;
    tx.commit()?;
    Ok(())
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
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
        message: explain_missing(conn, account, permission)?,
    })
}

/// "Your role Helpdesk does not include Assign and change licenses. Ask Dana Reyes (Super
/// Admin), or switch to an account that has it."
fn explain_missing(
    conn: &Connection,
    account: &ActingAccount,
    permission: Permission,
) -> Result<String> {
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
        return Ok(message);
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
    Ok(message)
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Failed sign-ins allowed before LicenseDesk makes the next one wait.
const FREE_ATTEMPTS: i64 = 3;

/// After the free attempts each failure doubles the wait: 5 s, 10 s, 20 s … up to 5 minutes.
pub(crate) fn sign_in_wait_seconds(failures: i64) -> i64 {
    if failures < FREE_ATTEMPTS {
        return 0;
    }
    (5_i64 << (failures - FREE_ATTEMPTS).min(6)).min(300)
}

/// Failed sign-ins for the login since its last success, and when the last one was.
fn recent_failures(conn: &Connection, login: &str) -> Result<(i64, Option<String>)> {
    Ok(conn.query_row(
        "SELECT count(*), max(at) FROM audit_log
         WHERE action = 'account.sign_in' AND outcome = 'refused' AND detail IS NULL
           AND account_login = ?1 COLLATE NOCASE
           AND id > coalesce((SELECT max(id) FROM audit_log WHERE action = 'account.sign_in'
                              AND outcome = 'ok' AND account_login = ?1 COLLATE NOCASE), 0)",
        [login],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// An account offered by the sign-in screen's account picker.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AccountChoice {
    pub login: String,
    pub display_name: String,
    pub role: String,
}

impl Org {
    /// The active accounts, for "Switch account". A desktop app's sign-in screen shows who
    /// may sign in on this computer, as an operating system's does.
    pub fn account_choices(&self) -> Result<Vec<AccountChoice>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.login, a.display_name, r.name FROM accounts a JOIN roles r ON r.id = a.role_id
             WHERE a.status = 'active' ORDER BY a.display_name, r.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AccountChoice {
                    login: r.get(0)?,
                    display_name: r.get(1)?,
                    role: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Checks the login and password; records both outcomes in the audit log. Repeated
    /// failures make the next attempt wait, doubling each time.
    pub fn sign_in(&mut self, login: &str, password: &str) -> Result<SessionInfo> {
        let login = login.trim();
        if login.is_empty() {
            return Err(Error::invalid("Account", "Enter the account name."));
        }
        if password.is_empty() {
            return Err(Error::invalid("Password", "Enter the password."));
        }
        let found: Option<(i64, String, String, String)> = self
            .conn
            .query_row(
                "SELECT a.id, a.password_hash, r.name, a.login
                 FROM accounts a JOIN roles r ON r.id = a.role_id WHERE a.login = ?1",
                [login],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let now = self.now();
        let (failures, last_failure) = recent_failures(&self.conn, login)?;
        let wait = sign_in_wait_seconds(failures);
        if let Some(last) = last_failure.filter(|_| wait > 0) {
            let last = chrono::DateTime::parse_from_rfc3339(&last)
                .map_err(|e| Error::Internal(format!("audit time {last}: {e}")))?;
            let waited = (self.clock.now() - last.to_utc()).num_seconds();
            if waited < wait {
                let mut entry = AuditEntry::new("account.sign_in");
                entry.refused = true;
                entry.detail = Some("throttled");
                let role = found.as_ref().map_or("", |f| f.2.as_str());
                record_sign_in(
                    &mut self.conn,
                    &now,
                    &AuditActor {
                        account_id: found.as_ref().map(|f| f.0),
                        login,
                        role_name: role,
                    },
                    &entry,
                )?;
                return Err(Error::SignInThrottled {
                    login: login.to_owned(),
                    seconds: wait - waited,
                });
            }
        }
        let verdict = match &found {
            Some((_, hash, _, _)) if password_matches(password, hash) => Ok(()),
            _ => Err(Error::InvalidCredentials),
        };
        let (account_id, role) = match &found {
            Some((id, _, role, _)) => (Some(*id), role.as_str()),
            None => (None, ""),
        };
        // Unknown logins are recorded as typed, so that guessing them is throttled too.
        let recorded_login = found.as_ref().map_or(login, |f| f.3.as_str());
        let mut entry = AuditEntry::new("account.sign_in");
        entry.refused = verdict.is_err();
        record_sign_in(
            &mut self.conn,
            &now,
            &AuditActor {
                account_id,
                login: recorded_login,
                role_name: role,
            },
            &entry,
        )?;
        verdict?;
        let actor = Actor {
            account_id: account_id.expect("verified account has an id"),
        };
        // Files outside the organization file are touched only once someone has signed in.
        self.tend_archives()?;
        self.session(actor)
    }

    /// The account as it is now (its role may have changed since sign-in).
    pub fn session(&self, actor: Actor) -> Result<SessionInfo> {
        let account = acting_account(&self.conn, actor)?;
        let missing = Permission::ALL
            .into_iter()
            .filter(|p| !account.permissions.contains(p))
            .map(|p| {
                Ok(MissingPermission {
                    permission: p,
                    label: p.label().to_owned(),
                    message: explain_missing(&self.conn, &account, p)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(SessionInfo {
            account_id: account.id,
            organization: crate::settings::organization_name(&self.conn)?,
            currency: crate::settings::currency(&self.conn)?,
            permissions: account.permissions.iter().copied().collect(),
            login: account.login,
            display_name: account.display_name,
            role: account.role_name,
            missing,
        })
    }
}

/// Creates an account (demo and set-up); the password is stored as an argon2id hash.
pub(crate) fn insert_account(
    conn: &Connection,
    login: &str,
    display_name: &str,
    role_name: &str,
    password: &str,
    now: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO accounts (login, display_name, role_id, password_hash, created_at)
         VALUES (?1, ?2, (SELECT id FROM roles WHERE name = ?3), ?4, ?5)",
        params![
            login,
            display_name,
            role_name,
            hash_password(password)?,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use rusqlite::TransactionBehavior;

    use crate::audit::{self, AuditActor, AuditEntry};
    use crate::testing::{demo_org, sign_in};

    #[test]
    fn the_right_password_signs_in_and_shows_the_role() {
        let (_dir, mut org) = demo_org();
        let s = org.sign_in("dana.reyes", "super-demo").unwrap();
        assert_eq!(s.role, "Super Admin");
        assert_eq!(s.display_name, "Dana Reyes");
        assert!(s.missing.is_empty());
    }

    #[test]
    fn a_wrong_password_or_unknown_account_is_refused_alike_and_recorded() {
        let (_dir, mut org) = demo_org();
        let e1 = org.sign_in("dana.reyes", "wrong").unwrap_err();
        let e2 = org.sign_in("nobody", "wrong").unwrap_err();
        assert_eq!(e1.code(), "invalid_credentials");
        assert_eq!(e1.to_string(), e2.to_string());
        let refused: i64 = org
            .conn
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'account.sign_in' AND outcome = 'refused'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(refused, 2);
    }

    #[test]
    fn login_is_case_insensitive_and_trimmed() {
        let (_dir, mut org) = demo_org();
        assert!(org.sign_in("  Dana.Reyes ", "super-demo").is_ok());
    }

    #[test]
    fn empty_fields_are_named() {
        let (_dir, mut org) = demo_org();
        let e = org.sign_in("", "x").unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("Account"));
        let e = org.sign_in("dana.reyes", "").unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("Password"));
    }

    #[test]
    fn helpdesk_lacks_license_changes_and_is_told_who_has_them() {
        let (_dir, mut org) = demo_org();
        let helpdesk = sign_in(&mut org, "priya.nair");
        let s = org.session(helpdesk).unwrap();
        let m = s
            .missing
            .iter()
            .find(|m| m.permission == crate::Permission::LicensesAssign)
            .unwrap();
        assert_eq!(
            m.message,
            "Your role Helpdesk does not include Assign and change licenses. \
             Ask Dana Reyes (Super Admin) or Sam Okafor (IT Admin), or switch to an account that has it."
        );
    }

    #[test]
    fn the_person_with_two_accounts_is_pointed_at_the_other_one() {
        let (_dir, mut org) = demo_org();
        let lower = sign_in(&mut org, "dana.support");
        let s = org.session(lower).unwrap();
        let m = s
            .missing
            .iter()
            .find(|m| m.permission == crate::Permission::LicensesAssign)
            .unwrap();
        assert!(
            m.message
                .contains("Your other account dana.reyes (Super Admin) has it"),
            "{}",
            m.message
        );
    }

    static SIGN_IN_WAITED: AtomicBool = AtomicBool::new(false);

    /// The busy handler of the window that signs in: notes that it waits for the write lock.
    fn note_wait(attempt: i32) -> bool {
        SIGN_IN_WAITED.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(1));
        attempt < 100_000
    }

    /// Two windows on one file: one signs in while the other is in the middle of a change
    /// (write lock held, its entry written but not committed). The sign-in's entry must link
    /// to the other window's entry; one that read the head of the log before waiting for the
    /// lock would link to the entry before it, and fork the chain.
    #[test]
    fn a_sign_in_while_another_window_writes_links_after_its_entry() {
        let (_dir, mut org) = demo_org();
        let mut other = crate::Org::open(&org.path, Arc::new(crate::clock::SystemClock)).unwrap();
        let tx = org
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let entry = AuditEntry::new("test.other_window");
        audit::append(
            &tx,
            &crate::clock::timestamp(chrono::Utc::now()),
            &AuditActor::SYSTEM,
            &entry,
        )
        .unwrap();
        let signing_in = std::thread::spawn(move || {
            other.conn.busy_handler(Some(note_wait)).unwrap();
            sign_in(&mut other, "sam.okafor");
        });
        // (A sign-in that failed before waiting ends the thread: its panic is reported below.)
        while !SIGN_IN_WAITED.load(Ordering::SeqCst) && !signing_in.is_finished() {
            std::thread::yield_now();
        }
        tx.commit().unwrap();
        signing_in.join().unwrap();
        let last: Vec<String> = org
            .conn
            .prepare("SELECT action FROM audit_log ORDER BY id DESC LIMIT 2")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(last, ["account.sign_in", "test.other_window"]);
        assert_eq!(audit::first_broken_entry(&org.conn).unwrap(), None);
    }
}
