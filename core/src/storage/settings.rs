//! Organization-wide settings: name, currency, billing day and notice period.

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// Sets a setting (an upsert both engines understand).
pub(crate) fn set<'a>(db: impl Into<Sql<'a>>, key: &str, value: &str) -> Result<()> {
    db.into().execute(
        "INSERT INTO org_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[&key, &value],
    )?;
    Ok(())
}

/// A setting's value, if it is set.
pub(crate) fn get<'a>(db: impl Into<Sql<'a>>, key: &str) -> Result<Option<String>> {
    db.into().query_opt(
        "SELECT value FROM org_settings WHERE key = ?1",
        &[&key],
        |r| r.get(0),
    )
}

pub(crate) fn organization_name<'a>(db: impl Into<Sql<'a>>) -> Result<String> {
    Ok(db
        .into()
        .query_opt(
            "SELECT value FROM org_settings WHERE key = 'organization_name'",
            &[],
            |r| r.get(0),
        )?
        .unwrap_or_else(|| "Unnamed organization".to_owned()))
}

pub(crate) fn integer<'a>(db: impl Into<Sql<'a>>, key: &str, default: i64) -> Result<i64> {
    let value: Option<String> = db.into().query_opt(
        "SELECT value FROM org_settings WHERE key = ?1",
        &[&key],
        |r| r.get(0),
    )?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(default))
}

/// The ISO code of the currency the organization is billed in.
pub(crate) fn currency<'a>(db: impl Into<Sql<'a>>) -> Result<String> {
    Ok(db
        .into()
        .query_opt(
            "SELECT value FROM org_settings WHERE key = 'currency'",
            &[],
            |r| r.get(0),
        )?
        .unwrap_or_else(|| "USD".to_owned()))
}
