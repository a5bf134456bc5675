//! The forwarding_rules table's SQL.

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// Switches every forwarding rule of the user off; the rules stay.
pub(crate) fn disable_all(db: Sql<'_>, user_id: i64) -> Result<()> {
    db.execute(
        "UPDATE forwarding_rules SET enabled = 0 WHERE user_id = ?1",
        &[&user_id],
    )?;
    Ok(())
}

/// A rule as stored; `condition` is the stored key.
pub(crate) struct StoredRule {
    pub condition: String,
    pub destination: String,
    pub rings: Option<i64>,
    pub enabled: bool,
}

/// The user's rules: always, busy, no answer, then the others.
pub(crate) fn of_user(db: Sql<'_>, user_id: i64) -> Result<Vec<StoredRule>> {
    db.query(
        "SELECT condition, destination, rings, enabled FROM forwarding_rules WHERE user_id = ?1
         ORDER BY CASE condition WHEN 'always' THEN 0 WHEN 'busy' THEN 1
                  WHEN 'no_answer' THEN 2 ELSE 3 END",
        &[&user_id],
        |r| {
            Ok(StoredRule {
                condition: r.get(0)?,
                destination: r.get(1)?,
                rings: r.get(2)?,
                enabled: r.get::<i64>(3)? != 0,
            })
        },
    )
}

/// Where the user's enabled "always" rule sends calls.
pub(crate) fn always_destination<'a>(
    db: impl Into<Sql<'a>>,
    user_id: i64,
) -> Result<Option<String>> {
    db.into().query_opt(
        "SELECT destination FROM forwarding_rules
         WHERE user_id = ?1 AND condition = 'always' AND enabled = 1",
        &[&user_id],
        |r| r.get(0),
    )
}

/// Adds the rule for its condition, enabled, or replaces the one there.
pub(crate) fn set(
    db: Sql<'_>,
    user_id: i64,
    condition: &str,
    destination: &str,
    rings: Option<i64>,
) -> Result<()> {
    db.execute(
        "INSERT INTO forwarding_rules (user_id, condition, destination, rings, enabled)
         VALUES (?1, ?2, ?3, ?4, 1)
         ON CONFLICT (user_id, condition) DO UPDATE SET destination = ?3, rings = ?4, enabled = 1",
        &[&user_id, &condition, &destination, &rings],
    )?;
    Ok(())
}

/// Deletes the user's rule for the condition; its destination, None when there was none.
pub(crate) fn delete(db: Sql<'_>, user_id: i64, condition: &str) -> Result<Option<String>> {
    db.query_opt(
        "DELETE FROM forwarding_rules WHERE user_id = ?1 AND condition = ?2 RETURNING destination",
        &[&user_id, &condition],
        |r| r.get(0),
    )
}

/// The users with at least one forwarding rule.
pub(crate) fn users_with_any<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<i64>> {
    db.into()
        .query("SELECT DISTINCT user_id FROM forwarding_rules", &[], |r| {
            r.get(0)
        })
}
