//! The guard the setup editors share: a setting needs a license that includes its feature,
//! and every change is audited with the user's before and after.

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::domain::users::directory::UserDetail;
use crate::domain::users::features::Feature;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::ChangeContext;
use crate::storage::engine::Sql;
use crate::storage::tables::products;

/// Refuses a setting the user's license does not include, naming the products that would.
pub(crate) fn require_feature<'a>(
    conn: impl Into<Sql<'a>>,
    user: &UserDetail,
    feature: Feature,
    field: Field,
) -> Result<()> {
    let conn = conn.into();
    require_included(
        &LicenseFacts {
            holder: &user.full_name(),
            license: user.license.as_ref().map(|l| l.product_name.as_str()),
            included: user.features.contains(&feature),
        },
        feature,
        field,
        || products_with(conn, feature),
    )
}

/// What a feature check needs to know of the license a user holds (or is about to hold).
pub(crate) struct LicenseFacts<'a> {
    /// The user's full name.
    pub holder: &'a str,
    /// The product's name, None when the user holds no license.
    pub license: Option<&'a str>,
    /// The license includes the feature.
    pub included: bool,
}

/// The one rule (and wording) of a setting its license does not include: the editor asks with
/// the user it reads, the import with the row's user and product. `offered_in` lists the
/// products that include the feature, cheapest first; it is only asked on a refusal.
pub(crate) fn require_included(
    facts: &LicenseFacts<'_>,
    feature: Feature,
    field: Field,
    offered_in: impl FnOnce() -> Result<Vec<String>>,
) -> Result<()> {
    if facts.included {
        return Ok(());
    }
    let subject = match facts.license {
        Some(product) => format!(
            "{}'s {product} license does not include {}.",
            facts.holder,
            feature.label()
        ),
        None => format!(
            "{} holds no license, and {} comes with one.",
            facts.holder,
            feature.label()
        ),
    };
    let products = offered_in()?;
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

/// The products that include the feature, cheapest first.
pub(crate) fn products_with<'a>(conn: impl Into<Sql<'a>>, feature: Feature) -> Result<Vec<String>> {
    let conn = conn.into();
    products::names_with_feature(conn, feature.key())
}

/// The audit entry of a setup change: who, which user, what it was and became.
pub(crate) fn audit_setup<'a>(
    tx: impl Into<Sql<'a>>,
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
