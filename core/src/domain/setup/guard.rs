//! The guard the setup editors share: a setting needs a license that includes its feature,
//! and every change is audited with the user's before and after.

use crate::base::field::Field;
use rusqlite::Connection;

use crate::base::error::{Error, Result};
use crate::domain::users::directory::UserDetail;
use crate::domain::users::features::Feature;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::ChangeContext;

/// Refuses a setting the user's license does not include, naming the products that would.
pub(crate) fn require_feature(
    conn: &Connection,
    user: &UserDetail,
    feature: Feature,
    field: Field,
) -> Result<()> {
    if user.features.contains(&feature) {
        return Ok(());
    }
    let subject = match &user.license {
        Some(l) => format!(
            "{}'s {} license does not include {}.",
            user.full_name(),
            l.product_name,
            feature.label()
        ),
        None => format!(
            "{} holds no license, and {} comes with one.",
            user.full_name(),
            feature.label()
        ),
    };
    let products = products_with(conn, feature)?;
    let offer = match products.as_slice() {
        [] => String::new(),
        [one] => format!(" It is included in {one}."),
        [init @ .., last] => format!(" It is included in {} and {last}.", init.join(", ")),
    };
    Err(Error::FeatureNotIncluded {
        field,
        message: format!("{subject}{offer}"),
    })
}

pub(crate) fn products_with(conn: &Connection, feature: Feature) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.name FROM products p JOIN product_features f ON f.product_id = p.id
         WHERE f.feature = ?1 ORDER BY p.monthly_price_cents, p.name",
    )?;
    let names = stmt
        .query_map([feature.key()], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(names)
}

/// The audit entry of a setup change: who, which user, what it was and became.
pub(crate) fn audit_setup(
    tx: &rusqlite::Transaction<'_>,
    ctx: &ChangeContext<'_>,
    action: &str,
    user: &UserDetail,
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<()> {
    let label = user.full_name();
    let mut entry = AuditEntry::new(action);
    entry.target_user_id = Some(user.id);
    entry.target_label = Some(&label);
    entry.before = Some(before);
    entry.after = Some(after);
    ctx.audit(tx, &entry)?;
    Ok(())
}
