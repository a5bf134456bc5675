//! The Profile part of the editor's Save: name, email, department and site.

use serde_json::json;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::domain::editor::new_user::{self, NewUser};
use crate::domain::setup::guard::audit_setup;
use crate::domain::users::directory::UserDetail;
use crate::kernel::org::ChangeContext;
use crate::storage::engine::Sql;
use crate::storage::tables::{phone_numbers, sites, users};

/// Stores the checked profile with its "user.update" audit entry; false when nothing differs.
pub(crate) fn set_profile_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    profile: &NewUser,
) -> Result<bool> {
    let tx = tx.into();
    let p = new_user::check(tx, profile, Some(user.id))?;
    let site_id = users::site_id(tx, user.id)?;
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
    users::set_profile(tx, user.id, &p.profile())?;
    let site = sites::name(tx, p.site_id)?;
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
pub(crate) fn check_number_site<'a>(tx: impl Into<Sql<'a>>, user_id: i64) -> Result<()> {
    match phone_numbers::of_another_site(tx, user_id)? {
        None => Ok(()),
        Some(n) => Err(Error::invalid(
            Field::Site,
            format!(
                "{} is a number of the {} site: remove it or choose a number of {} \
                 under Number and extension in the same Save, or keep the site.",
                n.e164, n.number_site, n.user_site
            ),
        )),
    }
}
