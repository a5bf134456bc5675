//! Phone numbers and extensions: the pool of a site's numbers, suggesting the next free
//! extension, and giving or taking them from a user.

use serde::Deserialize;
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::base::validate;
use crate::domain::setup::guard::{audit_setup, require_feature};
use crate::domain::users::directory::{self, UserDetail};
use crate::domain::users::features::Feature;
use crate::kernel::action::Action;
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::engine::Sql;
use crate::storage::tables::{phone_numbers, users};

/// What the "Number and extension" section saves; None takes it away.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SetNumbers {
    #[ts(type = "number")]
    pub user_id: i64,
    #[ts(type = "number")]
    pub expected_version: i64,
    pub extension: Option<String>,
    pub phone_number: Option<String>,
}

pub(crate) fn available_numbers<'a>(db: impl Into<Sql<'a>>, user_id: i64) -> Result<Vec<String>> {
    phone_numbers::free_in_site_of(db.into(), user_id)
}

/// Where a number stands in the organization's pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NumberStanding {
    NotInPool,
    Free { site_id: i64 },
    Held { user_id: i64, holder: String },
}

/// What the number and extension rules need to know of the organization. The editor asks the
/// database; the import asks the snapshot it read once for the whole file (one query per
/// table, not per row), so both apply the same rules with the same words.
pub(crate) trait NumberDirectory {
    /// The user who holds the extension: id and full name.
    fn extension_holder(&self, extension: &str) -> Result<Option<(i64, String)>>;
    fn number_standing(&self, e164: &str) -> Result<NumberStanding>;
}

impl NumberDirectory for Sql<'_> {
    fn extension_holder(&self, extension: &str) -> Result<Option<(i64, String)>> {
        users::extension_holder(*self, extension)
    }

    fn number_standing(&self, e164: &str) -> Result<NumberStanding> {
        Ok(match phone_numbers::in_pool(*self, e164)? {
            None => NumberStanding::NotInPool,
            Some(n) => match n.holder {
                Some((user_id, holder)) => NumberStanding::Held { user_id, holder },
                None => NumberStanding::Free { site_id: n.site_id },
            },
        })
    }
}

/// An extension can go to `user_id` (None: a user still to be added) unless another user
/// holds it.
pub(crate) fn check_extension(
    directory: &dyn NumberDirectory,
    user_id: Option<i64>,
    extension: &str,
) -> Result<()> {
    match directory.extension_holder(extension)? {
        Some((holder_id, holder)) if Some(holder_id) != user_id => Err(Error::AlreadyTaken {
            field: Field::Extension,
            value: extension.to_owned(),
            holder,
        }),
        _ => Ok(()),
    }
}

/// A number can go to `user_id` (None: a user still to be added) of the site `site_id`
/// (named `site`) when the user holds it already or it is free in that site's pool.
pub(crate) fn check_number(
    directory: &dyn NumberDirectory,
    user_id: Option<i64>,
    site_id: i64,
    site: &str,
    e164: &str,
) -> Result<()> {
    match directory.number_standing(e164)? {
        NumberStanding::Held {
            user_id: held_by, ..
        } if Some(held_by) == user_id => Ok(()),
        NumberStanding::Held { holder, .. } => Err(Error::AlreadyTaken {
            field: Field::PhoneNumber,
            value: e164.to_owned(),
            holder,
        }),
        NumberStanding::Free { site_id: pool } if pool == site_id => Ok(()),
        NumberStanding::Free { .. } | NumberStanding::NotInPool => Err(Error::invalid(
            Field::PhoneNumber,
            format!("{e164} is not a free number of the {site} site."),
        )),
    }
}

/// The next free extension after the highest one of the user's site (or of the whole
/// organization), with the same number of digits; gaps are used when the block is full.
pub(crate) fn suggest(conn: Sql<'_>, user_id: i64) -> Result<String> {
    let taken = users::extensions(conn)?;
    let site_max = users::highest_extension_of_site_of(conn, user_id)?;
    let base = site_max.or_else(|| {
        taken
            .iter()
            .max_by_key(|e| (e.len(), (*e).clone()))
            .cloned()
    });
    let (width, start) = match base {
        Some(b) => (b.len(), b.parse::<u32>().unwrap_or(0) + 1),
        None => (4, 1000),
    };
    let limit = 10u32.pow(width as u32);
    let is_free = |n: u32| {
        let e = format!("{n:0width$}");
        (validate::extension(&e).is_ok() && !taken.contains(&e)).then_some(e)
    };
    (start..limit)
        .chain(10u32.pow(width as u32 - 1)..start)
        .find_map(is_free)
        .ok_or_else(|| {
            Error::invalid(
                Field::Extension,
                format!("every {width}-digit extension is taken; type a longer one."),
            )
        })
}

fn set_numbers(
    tx: Sql<'_>,
    user: &UserDetail,
    req: &SetNumbers,
) -> Result<(Option<String>, Option<String>)> {
    let extension = match req.extension.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(e) => Some(validate::extension(e)?),
    };
    let number = match req.phone_number.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => Some(validate::e164(Field::PhoneNumber, n)?),
    };
    if extension.is_some() {
        require_feature(tx, user, Feature::Calling, Field::Extension)?;
    }
    if number.is_some() {
        require_feature(tx, user, Feature::Calling, Field::PhoneNumber)?;
    }
    let directory = &tx;
    if let Some(e) = &extension {
        check_extension(directory, Some(user.id), e)?;
    }
    if number != user.phone_number {
        if let Some(n) = &number {
            let site_id = users::site_id(tx, user.id)?;
            check_number(directory, Some(user.id), site_id, &user.site, n)?;
        }
        match &number {
            Some(n) => phone_numbers::assign_to(tx, user.id, n)?,
            None => phone_numbers::release_held_by(tx, user.id)?,
        }
    }
    users::set_extension(tx, user.id, extension.as_deref())?;
    Ok((extension, number))
}

impl Org {
    pub fn suggest_extension(&self, actor: Actor, user_id: i64) -> Result<String> {
        self.read_sql(actor, Permission::NumbersManage, |db| suggest(db, user_id))
    }

    /// Gives the user an extension and a number from the site's pool (or takes them away).
    pub fn set_numbers(&mut self, actor: Actor, req: &SetNumbers) -> Result<UserDetail> {
        self.change_sql(actor, Action::UserNumbers, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            directory::check_version(tx, &user, req.expected_version)?;
            if set_numbers_in(tx, ctx, &user, req)? {
                directory::bump_version(tx, user.id, ctx)?;
            }
            directory::user_detail(tx, user.id)
        })
    }
}

/// Applies the section inside the caller's transaction, with its audit entry; true when
/// something changed. The caller checked the permission and the user's version.
pub(crate) fn set_numbers_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    req: &SetNumbers,
) -> Result<bool> {
    let tx = tx.into();
    let (extension, number) = set_numbers(tx, user, req)?;
    if extension == user.extension && number == user.phone_number {
        return Ok(false);
    }
    audit_setup(
        tx,
        ctx,
        "user.numbers",
        user,
        json!({ "extension": user.extension, "phone_number": user.phone_number }),
        json!({ "extension": extension, "phone_number": number }),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, sign_in, snapshot, unlicensed_user, user_on};

    const TABLES: &[&str] = &["users", "phone_numbers", "audit_log"];

    fn request(user: &UserDetail, extension: Option<&str>, number: Option<&str>) -> SetNumbers {
        SetNumbers {
            user_id: user.id,
            expected_version: user.version,
            extension: extension.map(str::to_owned),
            phone_number: number.map(str::to_owned),
        }
    }

    #[test]
    fn a_suggested_extension_and_a_pool_number_are_saved_and_audited() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "sam.okafor");
        let user = user_on(&org, "Voice Pro");
        let cleared = org.set_numbers(admin, &request(&user, None, None)).unwrap();
        assert_eq!(cleared.extension, None);
        let ext = org.suggest_extension(admin, user.id).unwrap();
        assert!(validate::extension(&ext).is_ok());
        assert!(users::extension_holder(org.conn(), &ext).unwrap().is_none());
        let setup = org.user_setup(admin, user.id).unwrap();
        let old = user.phone_number.clone().unwrap();
        assert!(
            setup.available_numbers.contains(&old),
            "released to the pool"
        );
        let number = setup
            .available_numbers
            .iter()
            .find(|n| **n != old)
            .unwrap()
            .clone();
        let saved = org
            .set_numbers(admin, &request(&cleared, Some(&ext), Some(&number)))
            .unwrap();
        assert_eq!(saved.extension.as_deref(), Some(ext.as_str()));
        assert_eq!(saved.phone_number.as_deref(), Some(number.as_str()));
        assert_eq!(saved.version, cleared.version + 1);
        let (action, target): (String, i64) = org
            .conn()
            .query_row(
                "SELECT action, target_user_id FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((action.as_str(), target), ("user.numbers", user.id));
    }

    #[test]
    fn suggestions_follow_the_site_keep_leading_zeros_and_skip_emergency_numbers() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "sam.okafor");
        let portland: i64 = org
            .conn()
            .query_row(
                "SELECT u.id FROM users u JOIN sites s ON s.id = u.site_id
                 WHERE s.name = 'Portland' AND u.extension IS NULL LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(org
            .suggest_extension(admin, portland)
            .unwrap()
            .starts_with('0'));
        // Extensions 908..910 taken: the next candidate, 911, is skipped.
        org.conn()
            .execute("UPDATE users SET extension = NULL", [])
            .unwrap();
        for (i, e) in ["908", "909", "910"].iter().enumerate() {
            org.conn()
                .execute(
                    "UPDATE users SET extension = ?1 WHERE id = ?2",
                    rusqlite::params![e, i as i64 + 1],
                )
                .unwrap();
        }
        org.conn()
            .execute(
                "UPDATE users SET site_id = (SELECT site_id FROM users WHERE id = 1)",
                [],
            )
            .unwrap();
        assert_eq!(org.suggest_extension(admin, 5).unwrap(), "912");
    }

    #[test]
    fn a_taken_extension_is_refused_naming_its_holder_and_nothing_changes() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_on(&org, "Voice Pro");
        let (other_ext, holder): (String, String) = org
            .conn()
            .query_row(
                "SELECT extension, first_name || ' ' || last_name FROM users
                 WHERE extension IS NOT NULL AND id != ?1 LIMIT 1",
                [user.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let before = snapshot(&org, TABLES);
        let e = org
            .set_numbers(
                admin,
                &request(&user, Some(&other_ext), user.phone_number.as_deref()),
            )
            .unwrap_err();
        assert_eq!(e.code(), "already_taken");
        assert_eq!(e.payload().field.as_deref(), Some("extension"));
        assert!(e.to_string().contains(&holder), "{e}");
        for (bad, cause) in [("911", "emergency"), ("12", "3 to 6"), ("12x4", "digits")] {
            let e = org
                .set_numbers(admin, &request(&user, Some(bad), None))
                .unwrap_err();
            assert!(e.to_string().contains(cause), "{e}");
        }
        assert_eq!(snapshot(&org, TABLES), before);
    }

    #[test]
    fn numbers_need_a_calling_license_the_site_pool_and_the_right_role() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let unlicensed = unlicensed_user(&org);
        let pool = org
            .user_setup(admin, unlicensed.id)
            .unwrap()
            .available_numbers;
        let e = org
            .set_numbers(admin, &request(&unlicensed, None, Some(&pool[0])))
            .unwrap_err();
        assert_eq!(e.code(), "feature_not_included");
        assert!(e.to_string().contains("holds no license"), "{e}");
        let user = user_on(&org, "Voice Pro");
        let elsewhere: String = org
            .conn()
            .query_row(
                "SELECT e164 FROM phone_numbers n JOIN users u ON u.id = ?1
                 WHERE n.status = 'available' AND n.site_id != u.site_id LIMIT 1",
                [user.id],
                |r| r.get(0),
            )
            .unwrap();
        let e = org
            .set_numbers(
                admin,
                &request(&user, user.extension.as_deref(), Some(&elsewhere)),
            )
            .unwrap_err();
        assert!(e.to_string().contains("not a free number"), "{e}");
        let before = snapshot(&org, &["users", "phone_numbers"]);
        let helpdesk = sign_in(&mut org, "priya.nair");
        let e = org
            .set_numbers(helpdesk, &request(&user, None, None))
            .unwrap_err();
        assert_eq!(e.code(), "permission_denied");
        assert!(org.suggest_extension(helpdesk, user.id).is_err());
        assert_eq!(snapshot(&org, &["users", "phone_numbers"]), before);
    }
}
