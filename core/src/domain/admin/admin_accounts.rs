//! Managing admin accounts (`admins.manage`): create, change role, disable, reset password.
//! The last active Super Admin can be neither disabled nor demoted: someone must be able to
//! manage the others.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::kernel::accounts::{hash_password, insert_account};
use crate::kernel::action::Action;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::engine::Sql;
use crate::storage::tables::{accounts, roles};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AccountRow {
    #[ts(type = "number")]
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub active: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewAccount {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AccountUpdate {
    #[ts(type = "number")]
    pub account_id: i64,
    pub role: String,
    pub active: bool,
}

const SUPER_ADMIN: &str = "Super Admin";

pub(crate) fn validate_login(login: &str) -> Result<String> {
    let l = login.trim().to_lowercase();
    let ok_chars = l
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !(3..=40).contains(&l.len())
        || !ok_chars
        || !l.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        return Err(Error::invalid(
            Field::Account,
            "Use 3 to 40 letters, digits, dots, hyphens or underscores, starting with a letter or digit.",
        ));
    }
    Ok(l)
}

pub(crate) fn validate_display_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::invalid(Field::Name, "Enter the person's name."));
    }
    if n.chars().count() > 80 {
        return Err(Error::invalid(Field::Name, "Use at most 80 characters."));
    }
    if n.chars().any(char::is_control) {
        return Err(Error::invalid(
            Field::Name,
            "Remove the control characters (tabs, line breaks).",
        ));
    }
    Ok(n.to_owned())
}

/// At least 10 characters, letters and something else, and not the login.
pub(crate) fn check_password_strength(password: &str, login: &str) -> Result<()> {
    let fail = |m: &str| Err(Error::invalid(Field::Password, m));
    if password.chars().count() < 10 {
        return fail("Use at least 10 characters.");
    }
    let letters = password.chars().any(char::is_alphabetic);
    let others = password.chars().any(|c| !c.is_alphabetic());
    if !(letters && others) {
        return fail("Mix letters with digits or symbols.");
    }
    if !login.is_empty() && password.to_lowercase().contains(&login.to_lowercase()) {
        return fail("Do not include the account name.");
    }
    let first = password.chars().next();
    if password.chars().all(|c| Some(c) == first) {
        return fail("Do not repeat one character.");
    }
    Ok(())
}

fn role_id(conn: Sql<'_>, role: &str) -> Result<i64> {
    roles::id_by_name(conn, role)?
        .ok_or_else(|| Error::invalid(Field::Role, format!("There is no role \"{role}\".")))
}

fn account(conn: Sql<'_>, id: i64) -> Result<AccountRow> {
    accounts::managed(conn, id)?
        .map(|a| AccountRow {
            id: a.id,
            login: a.login,
            display_name: a.display_name,
            role: a.role_name,
            active: a.active,
        })
        .ok_or(Error::NotFound {
            what: "Account",
            id,
        })
}

fn audit_account(
    tx: Sql<'_>,
    ctx: &ChangeContext<'_>,
    action: &str,
    before: Option<&AccountRow>,
    after: &AccountRow,
) -> Result<()> {
    let label = format!("{} ({})", after.display_name, after.login);
    let mut entry = AuditEntry::new(action);
    entry.target_label = Some(&label);
    entry.before = before.map(|b| json!({ "role": b.role, "active": b.active }));
    entry.after = Some(json!({ "role": after.role, "active": after.active }));
    ctx.audit(tx, &entry).map(drop)
}

impl Org {
    pub fn roles(&self, actor: Actor) -> Result<Vec<String>> {
        self.read_sql(actor, Permission::AdminsManage, roles::names)
    }

    pub fn accounts(&self, actor: Actor) -> Result<Vec<AccountRow>> {
        self.read_sql(actor, Permission::AdminsManage, |conn| {
            accounts::ids_by_name(conn)?
                .into_iter()
                .map(|id| account(conn, id))
                .collect()
        })
    }

    pub fn create_account(&mut self, actor: Actor, new: &NewAccount) -> Result<AccountRow> {
        let now = self.now();
        self.change_sql(actor, Action::AccountCreate, |tx, ctx| {
            let login = validate_login(&new.login)?;
            let name = validate_display_name(&new.display_name)?;
            role_id(tx, &new.role)?;
            check_password_strength(&new.password, &login)?;
            if accounts::login_taken(tx, &login)? {
                return Err(Error::invalid(
                    Field::Account,
                    format!("The account name {login} is taken."),
                ));
            }
            let id = insert_account(tx, &login, &name, &new.role, &new.password, &now)?;
            let row = account(tx, id)?;
            audit_account(tx, ctx, "account.create", None, &row)?;
            Ok(row)
        })
    }

    /// Changes an account's role and whether it may sign in.
    pub fn update_account(&mut self, actor: Actor, update: &AccountUpdate) -> Result<AccountRow> {
        self.change_sql(actor, Action::AccountUpdate, |tx, ctx| {
            let before = account(tx, update.account_id)?;
            let role = role_id(tx, &update.role)?;
            let stays_super = update.active && update.role == SUPER_ADMIN;
            if before.active && before.role == SUPER_ADMIN && !stays_super {
                let others = accounts::active_with_role_except(tx, SUPER_ADMIN, before.id)?;
                if others == 0 {
                    return Err(Error::invalid(
                        Field::Role,
                        format!("{} is the last active Super Admin. Make another account Super Admin first.", before.login),
                    ));
                }
            }
            let status = if update.active { "active" } else { "disabled" };
            accounts::set_role_and_status(tx, before.id, role, status)?;
            let after = account(tx, before.id)?;
            audit_account(tx, ctx, "account.update", Some(&before), &after)?;
            Ok(after)
        })
    }

    pub fn reset_password(&mut self, actor: Actor, account_id: i64, password: &str) -> Result<()> {
        self.change_sql(actor, Action::AccountResetPassword, |tx, ctx| {
            let row = account(tx, account_id)?;
            check_password_strength(password, &row.login)?;
            accounts::set_password_hash(tx, account_id, &hash_password(password)?)?;
            audit_account(tx, ctx, "account.reset_password", Some(&row), &row)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, sign_in};

    fn new(login: &str, role: &str, password: &str) -> NewAccount {
        NewAccount {
            login: login.into(),
            display_name: "Robin Park".into(),
            role: role.into(),
            password: password.into(),
        }
    }

    #[test]
    fn an_account_is_created_with_a_checked_password_and_can_sign_in() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        for (pw, says) in [
            ("short1", "at least 10"),
            ("onlyletterspassword", "Mix letters"),
            ("robin.park-2026!", "account name"),
            ("1111111111", "Mix letters"),
        ] {
            let e = org
                .create_account(admin, &new("robin.park", "Helpdesk", pw))
                .unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("password"));
            assert!(e.to_string().contains(says), "{pw}: {e}");
        }
        let e = org
            .create_account(admin, &new("x", "Helpdesk", "Good-Pass-2026"))
            .unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("account"));
        let e = org
            .create_account(admin, &new("priya.nair", "Helpdesk", "Good-Pass-2026"))
            .unwrap_err();
        assert!(e.to_string().contains("taken"));
        let e = org
            .create_account(admin, &new("robin.park", "Janitor", "Good-Pass-2026"))
            .unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("role"));
        let row = org
            .create_account(admin, &new("Robin.Park", "Helpdesk", "Good-Pass-2026"))
            .unwrap();
        assert_eq!(
            (row.login.as_str(), row.role.as_str(), row.active),
            ("robin.park", "Helpdesk", true)
        );
        assert_eq!(
            org.sign_in("robin.park", "Good-Pass-2026").unwrap().role,
            "Helpdesk"
        );
    }

    #[test]
    fn a_disabled_account_cannot_sign_in_and_a_new_password_works() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let priya = org
            .accounts(admin)
            .unwrap()
            .into_iter()
            .find(|a| a.login == "priya.nair")
            .unwrap();
        org.reset_password(admin, priya.id, "New-Helpdesk-7")
            .unwrap();
        assert!(org.sign_in("priya.nair", "New-Helpdesk-7").is_ok());
        org.update_account(
            admin,
            &AccountUpdate {
                account_id: priya.id,
                role: "Helpdesk".into(),
                active: false,
            },
        )
        .unwrap();
        // The same refusal as a wrong password: a disabled account's existence is not told.
        assert_eq!(
            org.sign_in("priya.nair", "New-Helpdesk-7")
                .unwrap_err()
                .to_string(),
            Error::InvalidCredentials.to_string()
        );
    }

    #[test]
    fn the_last_active_super_admin_can_be_neither_disabled_nor_demoted() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let me = org
            .accounts(admin)
            .unwrap()
            .into_iter()
            .find(|a| a.login == "dana.reyes")
            .unwrap();
        for (role, active) in [("IT Admin", true), (SUPER_ADMIN, false)] {
            let e = org
                .update_account(
                    admin,
                    &AccountUpdate {
                        account_id: me.id,
                        role: role.into(),
                        active,
                    },
                )
                .unwrap_err();
            assert!(e.to_string().contains("last active Super Admin"), "{e}");
        }
        // With a second Super Admin, the first may step down.
        let sam = org
            .accounts(admin)
            .unwrap()
            .into_iter()
            .find(|a| a.login == "sam.okafor")
            .unwrap();
        org.update_account(
            admin,
            &AccountUpdate {
                account_id: sam.id,
                role: SUPER_ADMIN.into(),
                active: true,
            },
        )
        .unwrap();
        org.update_account(
            admin,
            &AccountUpdate {
                account_id: me.id,
                role: "IT Admin".into(),
                active: true,
            },
        )
        .unwrap();
    }

    #[test]
    fn only_admins_manage_may_manage_accounts() {
        let (_dir, mut org) = demo_org();
        let it = sign_in(&mut org, "sam.okafor");
        let e = org
            .create_account(it, &new("robin.park", "Helpdesk", "Good-Pass-2026"))
            .unwrap_err();
        assert_eq!(e.code(), "permission_denied");
        assert_eq!(org.accounts(it).unwrap_err().code(), "permission_denied");
    }

    #[test]
    fn failed_sign_ins_make_the_next_attempt_wait_longer_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let clock = crate::base::clock::ManualClock::new(chrono::Utc::now());
        let mut org = Org::open(
            &dir.path().join("org.sqlite"),
            std::sync::Arc::new(clock.clone()),
        )
        .unwrap();
        for _ in 0..3 {
            assert_eq!(
                org.sign_in("dana.reyes", "wrong").unwrap_err().code(),
                "invalid_credentials"
            );
        }
        // The fourth attempt, at once, is refused without checking the password.
        let e = org.sign_in("dana.reyes", "super-demo").unwrap_err();
        assert_eq!(e.code(), "sign_in_throttled");
        assert!(e.to_string().contains("5 seconds"), "{e}");
        clock.advance(chrono::Duration::seconds(6));
        assert_eq!(
            org.sign_in("dana.reyes", "wrong").unwrap_err().code(),
            "invalid_credentials"
        );
        clock.advance(chrono::Duration::seconds(6));
        let e = org.sign_in("dana.reyes", "super-demo").unwrap_err();
        assert!(
            e.to_string().contains("4 seconds"),
            "now 10 s after the 4th failure: {e}"
        );
        clock.advance(chrono::Duration::seconds(5));
        assert!(org.sign_in("dana.reyes", "super-demo").is_ok());
        // A success resets the count.
        assert!(org.sign_in("dana.reyes", "wrong").is_err());
        assert_eq!(
            org.sign_in("dana.reyes", "wrong").unwrap_err().code(),
            "invalid_credentials"
        );
        assert_eq!(crate::kernel::accounts::sign_in_wait_seconds(20), 300);
    }

    #[test]
    fn the_account_picker_lists_active_accounts() {
        let (_dir, org) = demo_org();
        let choices = org.account_choices().unwrap();
        assert_eq!(choices.len(), 6);
        assert!(choices
            .iter()
            .any(|c| c.login == "dana.support" && c.role == "Helpdesk"));
    }
}

/// Admin accounts on both storage engines (docs/ARCHITECTURE.md §Server).
#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use super::*;
    use crate::tests::engines::{chain_intact, same_on_each_engine};
    use crate::tests::testing::sign_in;

    #[test]
    fn accounts_are_created_changed_and_guarded_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let new = |login: &str, password: &str| NewAccount {
                login: login.into(),
                display_name: "Robin Park".into(),
                role: "Helpdesk".into(),
                password: password.into(),
            };
            let weak = org
                .create_account(admin, &new("robin.park", "short"))
                .unwrap_err();
            let taken = org
                .create_account(admin, &new("Dana.Reyes", "correct-horse-7"))
                .unwrap_err();
            let created = org
                .create_account(admin, &new("robin.park", "correct-horse-7"))
                .unwrap();
            let session = org.sign_in("ROBIN.PARK", "correct-horse-7").unwrap();
            assert_eq!(session.account_id, created.id, "{engine}");

            // The only active Super Admin can be neither demoted nor disabled.
            let dana = org
                .accounts(admin)
                .unwrap()
                .into_iter()
                .find(|a| a.login == "dana.reyes")
                .unwrap();
            let demote = AccountUpdate {
                account_id: dana.id,
                role: "Helpdesk".into(),
                active: true,
            };
            let last_super = org.update_account(admin, &demote).unwrap_err();
            let promoted = org
                .update_account(
                    admin,
                    &AccountUpdate {
                        account_id: created.id,
                        role: "Auditor".into(),
                        active: false,
                    },
                )
                .unwrap();
            org.reset_password(admin, dana.id, "another-horse-8")
                .unwrap();
            org.sign_in("dana.reyes", "another-horse-8").unwrap();
            assert!(chain_intact(org), "{engine}");
            (
                (weak.code(), weak.to_string()),
                (taken.code(), taken.to_string()),
                (last_super.code(), last_super.to_string()),
                promoted,
                org.roles(admin).unwrap(),
                org.accounts(admin).unwrap(),
            )
        });
    }
}
