//! Adding a user to the organization: the first step before a license.

use serde::Deserialize;
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::base::validate;
use crate::domain::setup::guard::audit_setup;
use crate::domain::users::directory::{self, UserDetail};
use crate::kernel::action::Action;
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::tables::{sites, users};

pub use crate::storage::tables::sites::Site;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub department: String,
    #[ts(type = "number | null")]
    pub site_id: Option<i64>,
}

/// The user as it will be stored, or the first field that is wrong.
pub(crate) struct CheckedUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub department: String,
    pub site_id: i64,
}

impl CheckedUser {
    pub fn profile(&self) -> users::Profile<'_> {
        users::Profile {
            first_name: &self.first_name,
            last_name: &self.last_name,
            email: &self.email,
            department: &self.department,
            site_id: self.site_id,
        }
    }
}

/// `editing` is the user whose profile this is, whose own email is no clash.
pub(crate) fn check(
    conn: &rusqlite::Connection,
    new: &NewUser,
    editing: Option<i64>,
) -> Result<CheckedUser> {
    let u = check_values(new)?;
    if !sites::exists(conn, u.site_id)? {
        return Err(Error::invalid(
            Field::Site,
            "choose one of the organization's sites.",
        ));
    }
    // Emails are unique ignoring case: Ana@x.com and ana@x.com reach the same mailbox.
    if let Some(holder) = users::email_holder(conn, &u.email, editing)? {
        return Err(Error::AlreadyTaken {
            field: Field::Email,
            value: u.email,
            holder,
        });
    }
    Ok(u)
}

/// The user's fields as they will be stored, or the first that is wrong, without asking the
/// database (the caller knows the site exists and the email is free, as the import does).
pub(crate) fn check_values(new: &NewUser) -> Result<CheckedUser> {
    let first_name = validate::person_name(Field::FirstName, &new.first_name)?;
    let last_name = validate::person_name(Field::LastName, &new.last_name)?;
    let email = validate::email(&new.email)?;
    let department = validate::text(
        Field::Department,
        &new.department,
        validate::MAX_NAME,
        false,
    )?;
    let site_id = new
        .site_id
        .ok_or_else(|| Error::invalid(Field::Site, "choose the site the user works at."))?;
    Ok(CheckedUser {
        first_name,
        last_name,
        email,
        department,
        site_id,
    })
}

/// Checks and stores a new user with its "user.add" audit entry; `source` says where it came
/// from (the editor, or an import's row).
pub(crate) fn insert(
    tx: &rusqlite::Transaction<'_>,
    ctx: &ChangeContext<'_>,
    new: &NewUser,
    source: serde_json::Value,
) -> Result<UserDetail> {
    let u = check(tx, new, None)?;
    let id = users::insert(tx, &u.profile(), ctx.now, ctx.account.id)?;
    let user = directory::user_detail(tx, id)?;
    audit_setup(
        tx,
        ctx,
        "user.add",
        &user,
        json!(null),
        json!({ "name": user.full_name(), "email": user.email,
                "department": user.department, "site": user.site, "source": source }),
    )?;
    Ok(user)
}

impl Org {
    pub fn sites(&self, actor: Actor) -> Result<Vec<Site>> {
        self.read(actor, Permission::UsersView, sites::all)
    }

    pub fn add_user(&mut self, actor: Actor, new: &NewUser) -> Result<UserDetail> {
        self.change(actor, Action::UserAdd, |tx, ctx| {
            insert(tx, ctx, new, json!("editor"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, sign_in, snapshot};

    fn new_user(org: &Org, admin: Actor, first: &str, email: &str) -> NewUser {
        NewUser {
            first_name: first.to_owned(),
            last_name: "Nguyễn".to_owned(),
            email: email.to_owned(),
            department: "Front desk".to_owned(),
            site_id: Some(org.sites(admin).unwrap()[0].id),
        }
    }

    #[test]
    fn a_new_user_keeps_unicode_starts_unlicensed_and_is_audited() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "sam.okafor");
        let user = org
            .add_user(
                admin,
                &new_user(&org, admin, " Zoë ", "zoe.nguyen.new@maplestreetdental.com"),
            )
            .unwrap();
        assert_eq!(user.full_name(), "Zoë Nguyễn");
        assert_eq!(user.site, "Austin");
        assert!(user.license.is_none() && user.extension.is_none());
        let (action, label): (String, String) = org
            .conn()
            .query_row(
                "SELECT action, target_label FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (action.as_str(), label.as_str()),
            ("user.add", "Zoë Nguyễn")
        );
    }

    #[test]
    fn a_duplicate_email_in_any_case_and_bad_fields_are_refused_by_field() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let taken: String = org
            .conn()
            .query_row("SELECT upper(email) FROM users LIMIT 1", [], |r| r.get(0))
            .unwrap();
        let before = snapshot(&org, &["users"]);
        let e = org
            .add_user(admin, &new_user(&org, admin, "Ana", &taken))
            .unwrap_err();
        assert_eq!(e.code(), "already_taken");
        assert_eq!(e.payload().field.as_deref(), Some("email"));
        let cases: Vec<(NewUser, &str)> = vec![
            (new_user(&org, admin, "", "a@b.co"), "First name"),
            (new_user(&org, admin, "Ann\u{0}", "a@b.co"), "First name"),
            (
                NewUser {
                    last_name: "x".repeat(101),
                    ..new_user(&org, admin, "Ann", "a@b.co")
                },
                "Last name",
            ),
            (new_user(&org, admin, "Ann", "not-an-email"), "Email"),
            (
                NewUser {
                    department: "Sales\nEast".into(),
                    ..new_user(&org, admin, "Ann", "a@b.co")
                },
                "Department",
            ),
            (
                NewUser {
                    site_id: None,
                    ..new_user(&org, admin, "Ann", "a@b.co")
                },
                "Site",
            ),
            (
                NewUser {
                    site_id: Some(999),
                    ..new_user(&org, admin, "Ann", "a@b.co")
                },
                "Site",
            ),
        ];
        for (req, field) in cases {
            let e = org.add_user(admin, &req).unwrap_err();
            assert_eq!(e.field().map(|f| f.label()).as_deref(), Some(field), "{e}");
        }
        let billing = sign_in(&mut org, "lee.chen");
        let e = org
            .add_user(billing, &new_user(&org, billing, "Ann", "ann@b.co"))
            .unwrap_err();
        assert_eq!(e.code(), "permission_denied");
        assert_eq!(snapshot(&org, &["users"]), before);
    }
}
