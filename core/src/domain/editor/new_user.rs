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
use crate::storage::engine::Sql;
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
pub(crate) fn check<'a>(
    db: impl Into<Sql<'a>>,
    new: &NewUser,
    editing: Option<i64>,
) -> Result<CheckedUser> {
    let db = db.into();
    let u = check_values(new)?;
    if !sites::exists(db, u.site_id)? {
        return Err(Error::invalid(
            Field::Site,
            "choose one of the organization's sites.",
        ));
    }
    // Emails are unique ignoring case: Ana@x.com and ana@x.com reach the same mailbox.
    if let Some(holder) = users::email_holder(db, &u.email, editing)? {
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
pub(crate) fn insert<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    new: &NewUser,
    source: serde_json::Value,
) -> Result<UserDetail> {
    let tx = tx.into();
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
        self.read_sql(actor, Permission::UsersView, |db| sites::all(db))
    }

    pub fn add_user(&mut self, actor: Actor, new: &NewUser) -> Result<UserDetail> {
        self.change_sql(actor, Action::UserAdd, |tx, ctx| {
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

/// Adding a user on both storage engines (docs/ARCHITECTURE.md §Server): the same user read
/// back, the same refusals with nothing stored, and the new user found by the Users list's
/// search (the file's search triggers, the server's own columns and indexes).
#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use super::*;
    use crate::domain::editor::user_edits::{LicenseEdit, UserEdits};
    use crate::domain::setup::numbers::SetNumbers;
    use crate::domain::users::directory::{LicenseFilter, UserQuery};
    use crate::tests::engines::{
        chain_intact, newest_entry_is_refused, number, same_on_each_engine,
    };
    use crate::tests::testing::sign_in;

    fn search(org: &Org, actor: Actor, text: &str) -> Vec<i64> {
        let q = UserQuery {
            search: text.to_owned(),
            license: LicenseFilter::Any,
            status: None,
            after: None,
            limit: 500,
        };
        let page = org.search_users(actor, &q).unwrap();
        page.users.iter().map(|u| u.id).collect()
    }

    #[test]
    fn a_new_user_is_stored_refused_and_found_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "sam.okafor");
            let billing = sign_in(org, "lee.chen");
            let sites = org.sites(admin).unwrap();
            let new = NewUser {
                first_name: " Quintessa ".into(),
                last_name: "Zabłocka-Nguyễn".into(),
                email: "Quintessa.Zablocka@maplestreetdental.com".into(),
                department: "Front desk".into(),
                site_id: Some(sites[1].id),
            };
            let counts = |org: &Org| {
                (
                    number(org, "SELECT count(*) FROM users", &[]),
                    number(org, "SELECT count(*) FROM audit_log", &[]),
                )
            };
            let before = counts(org);

            // Refusals change nothing: each names its field; a taken email in other letters
            // names its holder.
            let taken: String = org.user(admin, 1).unwrap().email.to_uppercase();
            let refusals: Vec<(String, Option<String>, String)> = [
                NewUser {
                    first_name: "".into(),
                    ..new.clone()
                },
                NewUser {
                    email: "not-an-email".into(),
                    ..new.clone()
                },
                NewUser {
                    department: "Sales\nEast".into(),
                    ..new.clone()
                },
                NewUser {
                    site_id: Some(999_999),
                    ..new.clone()
                },
                NewUser {
                    email: taken,
                    ..new.clone()
                },
            ]
            .iter()
            .map(|req| {
                let e = org.add_user(admin, req).unwrap_err();
                (e.code().to_owned(), e.payload().field, e.to_string())
            })
            .collect();
            assert_eq!(counts(org), before, "{engine}: a refusal stored something");

            // A role without users.edit is refused, and the refusal alone is recorded.
            let denied = org.add_user(billing, &new).unwrap_err();
            assert_eq!(denied.code(), "permission_denied", "{engine}");
            assert_eq!(counts(org), (before.0, before.1 + 1), "{engine}");
            assert!(
                newest_entry_is_refused(org, "user.add"),
                "{engine}: the refusal is not recorded"
            );

            let created = org.add_user(admin, &new).unwrap();
            assert_eq!(counts(org), (before.0 + 1, before.1 + 2), "{engine}");
            let read_back = org.user(admin, created.id).unwrap();
            assert_eq!(read_back, created, "{engine}");
            let recorded = number(
                org,
                "SELECT count(*) FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)
                   AND action = 'user.add' AND outcome = 'ok' AND target_user_id = ?1",
                &[&created.id],
            );
            assert_eq!(recorded, 1, "{engine}: the addition is not recorded");

            // Found by the Users list: by name (in other letters), by email, and by the
            // extension the editor's first save gives it.
            for text in [
                "QUINTESSA",
                "zabłocka-ng",
                "quintessa z",
                "a.zablocka@maple",
            ] {
                assert!(
                    search(org, admin, text).contains(&created.id),
                    "{engine}: {text:?} does not find the new user"
                );
            }
            let extension = org.suggest_extension(admin, created.id).unwrap();
            let saved = org
                .save_user_edits(
                    admin,
                    &UserEdits {
                        license: Some(LicenseEdit::Assign {
                            product_id: number(
                                org,
                                "SELECT id FROM products WHERE name = 'Voice Pro'",
                                &[],
                            ),
                        }),
                        numbers: Some(SetNumbers {
                            user_id: created.id,
                            expected_version: created.version,
                            extension: Some(extension.clone()),
                            phone_number: None,
                        }),
                        ..UserEdits::of(&created)
                    },
                )
                .unwrap();
            assert_eq!(saved.user.extension.as_ref(), Some(&extension), "{engine}");
            assert!(
                search(org, admin, &extension).contains(&created.id),
                "{engine}: the extension {extension} does not find the new user"
            );
            assert!(chain_intact(org), "{engine}");
            // The moments are each engine's own.
            let without_moment = |u: UserDetail| UserDetail {
                updated_at: String::new(),
                ..u
            };
            (
                sites,
                refusals,
                without_moment(created),
                without_moment(saved.user),
            )
        });
    }
}
