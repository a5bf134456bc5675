//! The Profile part of the editor's Save: name, email, department and site.

use rusqlite::OptionalExtension;
use serde_json::json;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::domain::editor::new_user::{self, NewUser};
use crate::domain::setup::guard::audit_setup;
use crate::domain::users::directory::UserDetail;
use crate::kernel::org::ChangeContext;

/// Stores the checked profile with its "user.update" audit entry; false when nothing differs.
pub(crate) fn set_profile_in(
    tx: &rusqlite::Transaction<'_>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    profile: &NewUser,
) -> Result<bool> {
    let p = new_user::check(tx, profile, Some(user.id))?;
    let site_id: i64 = tx.query_row("SELECT site_id FROM users WHERE id = ?1", [user.id], |r| {
        r.get(0)
    })?;
    let before = (
        &user.first_name,
        &user.last_name,
        &user.email,
        &user.department,
        site_id,
    );
    if before
        == (
            &p.first_name,
            &p.last_name,
            &p.email,
            &p.department,
            p.site_id,
        )
    {
        return Ok(false);
    }
    tx.prepare_cached(
        "UPDATE users SET first_name = ?1, last_name = ?2, email = ?3, department = ?4, site_id = ?5
         WHERE id = ?6",
    )?
    .execute(rusqlite::params![
        p.first_name,
        p.last_name,
        p.email,
        p.department,
        p.site_id,
        user.id
    ])?;
    let site: String = tx.query_row("SELECT name FROM sites WHERE id = ?1", [p.site_id], |r| {
        r.get(0)
    })?;
    audit_setup(
        tx,
        ctx,
        "user.update",
        user,
        json!({ "name": user.full_name(), "email": user.email,
                "department": user.department, "site": user.site }),
        json!({ "name": format!("{} {}", p.first_name, p.last_name), "email": p.email,
                "department": p.department, "site": site, "source": "editor" }),
    )?;
    Ok(true)
}

/// A number comes from its site's pool: a user moved to another site must not keep one of the
/// old site's numbers (the same Save may release it or pick one of the new site).
pub(crate) fn check_number_site(tx: &rusqlite::Transaction<'_>, user_id: i64) -> Result<()> {
    let foreign: Option<(String, String, String)> = tx
        .query_row(
            "SELECT n.e164, old.name, new.name FROM phone_numbers n
             JOIN users u ON u.id = n.user_id
             JOIN sites old ON old.id = n.site_id JOIN sites new ON new.id = u.site_id
             WHERE n.user_id = ?1 AND n.site_id <> u.site_id",
            [user_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match foreign {
        None => Ok(()),
        Some((number, old, new)) => Err(Error::invalid(
            Field::Site,
            format!(
                "{number} is a number of the {old} site: remove it or choose a number of {new} \
                 under Number and extension in the same Save, or keep the site."
            ),
        )),
    }
}
