//! Call forwarding rules, and the check that no rule sends calls around in a loop.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::validate;
use crate::domain::setup::guard::{audit_setup, require_feature};
use crate::domain::users::directory::UserDetail;
use crate::domain::users::features::Feature;
use crate::kernel::org::ChangeContext;
use crate::storage::engine::Sql;
use crate::storage::tables::{forwarding_rules, phone_numbers, users};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ForwardCondition {
    Always,
    Busy,
    NoAnswer,
    Unreachable,
}

impl ForwardCondition {
    pub fn key(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::Busy => "busy",
            Self::NoAnswer => "no_answer",
            Self::Unreachable => "unreachable",
        }
    }

    fn from_key(key: &str) -> Self {
        match key {
            "always" => Self::Always,
            "busy" => Self::Busy,
            "no_answer" => Self::NoAnswer,
            _ => Self::Unreachable,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ForwardingRuleRow {
    pub condition: ForwardCondition,
    /// An extension or an E.164 number.
    pub destination: String,
    /// The user the destination reaches, when it is one of ours.
    pub destination_user: Option<String>,
    #[ts(type = "number | null")]
    pub rings: Option<i64>,
    pub enabled: bool,
}

/// A rule as the Call forwarding section adds or replaces it (one rule per condition).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ForwardingRuleInput {
    #[ts(type = "number")]
    pub user_id: i64,
    pub condition: ForwardCondition,
    pub destination: String,
    /// Only for "on no answer": after how many rings, 1 to 10.
    #[ts(type = "number | null")]
    pub rings: Option<i64>,
}

pub(crate) fn rules<'a>(conn: impl Into<Sql<'a>>, user_id: i64) -> Result<Vec<ForwardingRuleRow>> {
    let conn = conn.into();
    forwarding_rules::of_user(conn, user_id)?
        .into_iter()
        .map(|rule| {
            Ok(ForwardingRuleRow {
                condition: ForwardCondition::from_key(&rule.condition),
                destination_user: resolve(conn, &rule.destination)?.map(|(_, name)| name),
                destination: rule.destination,
                rings: rule.rings,
                enabled: rule.enabled,
            })
        })
        .collect()
}

/// The user of ours that a destination reaches, if any.
fn resolve<'a>(conn: impl Into<Sql<'a>>, destination: &str) -> Result<Option<(i64, String)>> {
    let conn = conn.into();
    if destination.starts_with('+') {
        phone_numbers::holder(conn, destination)
    } else {
        users::extension_holder(conn, destination)
    }
}

fn label<'a>(conn: impl Into<Sql<'a>>, user_id: i64) -> Result<String> {
    let conn = conn.into();
    users::name_with_extension(conn, user_id)
}

/// Follows "always" rules from `start`; returns the path back to `origin` if calls that
/// reach `start` would come back to `origin`.
fn loop_back<'a>(conn: impl Into<Sql<'a>>, origin: i64, start: i64) -> Result<Option<Vec<i64>>> {
    let conn = conn.into();
    let mut path = vec![origin, start];
    let mut seen = HashSet::from([start]);
    let mut current = start;
    while current != origin {
        let next = forwarding_rules::always_destination(conn, current)?;
        let Some((next, _)) = next.map(|d| resolve(conn, &d)).transpose()?.flatten() else {
            return Ok(None);
        };
        path.push(next);
        if !seen.insert(next) && next != origin {
            // A loop among others, not through this user: not this rule's doing.
            return Ok(None);
        }
        current = next;
    }
    Ok(Some(path))
}

/// The loop ("Ana Ruiz (2041) → Ben Ode (2042) → Ana Ruiz (2041)") that a rule of `user_id`
/// forwarding to `destination` would close, with today's rules; None when it closes none.
/// The one loop rule: the Call forwarding section and a restore from a safety archive use it.
pub(crate) fn loop_path<'a>(
    conn: impl Into<Sql<'a>>,
    user_id: i64,
    destination: &str,
) -> Result<Option<String>> {
    let conn = conn.into();
    let Some((target, _)) = resolve(conn, destination)? else {
        return Ok(None);
    };
    let path = if target == user_id {
        Some(vec![user_id, user_id])
    } else {
        loop_back(conn, user_id, target)?
    };
    path.map(|path| {
        Ok(path
            .iter()
            .map(|&id| label(conn, id))
            .collect::<Result<Vec<_>>>()?
            .join(" → "))
    })
    .transpose()
}

/// Whether a stored destination still reaches somewhere: an E.164 number, or the extension of
/// one of our users.
pub(crate) fn destination_exists<'a>(conn: impl Into<Sql<'a>>, destination: &str) -> Result<bool> {
    let conn = conn.into();
    if destination.starts_with('+') {
        return Ok(validate::e164(Field::ForwardTo, destination).is_ok());
    }
    Ok(users::extension_holder(conn, destination)?.is_some())
}

/// The destination as stored: an extension of one of our users, or an E.164 number.
fn destination<'a>(conn: impl Into<Sql<'a>>, value: &str) -> Result<String> {
    let conn = conn.into();
    const FIELD: Field = Field::ForwardTo;
    let value = value.trim();
    if value.starts_with('+') {
        return validate::e164(FIELD, value);
    }
    if value.is_empty() || !value.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(
            FIELD,
            "enter a user's extension (e.g. 2041) or a phone number in E.164 form (e.g. +15125550100).",
        ));
    }
    if users::extension_holder(conn, value)?.is_none() {
        return Err(Error::invalid(
            FIELD,
            format!("no user has extension {value}."),
        ));
    }
    Ok(value.to_owned())
}

/// Adds or replaces the rule inside the caller's transaction, with its audit entry.
/// The caller checked the permission.
pub(crate) fn set_forwarding_rule_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    req: &ForwardingRuleInput,
) -> Result<()> {
    let tx = tx.into();
    require_feature(tx, user, Feature::CallForwarding, Field::ForwardTo)?;
    let rings = match (req.condition, req.rings) {
        (ForwardCondition::NoAnswer, Some(n)) if (1..=10).contains(&n) => Some(n),
        (ForwardCondition::NoAnswer, Some(n)) => {
            return Err(Error::invalid(
                Field::Rings,
                format!("{n} is out of range; forward after 1 to 10 rings."),
            ))
        }
        (ForwardCondition::NoAnswer, None) => {
            return Err(Error::invalid(
                Field::Rings,
                "say after how many rings (1 to 10).",
            ))
        }
        (_, _) => None,
    };
    let destination = destination(tx, &req.destination)?;
    if let Some(path) = loop_path(tx, user.id, &destination)? {
        return Err(Error::ForwardingLoop { path });
    }
    let before = rules(tx, user.id)?
        .into_iter()
        .find(|r| r.condition == req.condition);
    forwarding_rules::set(tx, user.id, req.condition.key(), &destination, rings)?;
    audit_setup(
        tx,
        ctx,
        "forwarding.set",
        user,
        json!({ "rule": before.map(|r| json!({ "condition": r.condition, "destination": r.destination, "rings": r.rings })) }),
        json!({ "rule": { "condition": req.condition, "destination": destination, "rings": rings } }),
    )?;
    Ok(())
}

/// Deletes the user's rule for `condition` (with an audit entry when there was one).
pub(crate) fn delete_forwarding_rule_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    condition: ForwardCondition,
) -> Result<()> {
    let tx = tx.into();
    if let Some(destination) = forwarding_rules::delete(tx, user.id, condition.key())? {
        audit_setup(
            tx,
            ctx,
            "forwarding.delete",
            user,
            json!({ "rule": { "condition": condition, "destination": destination } }),
            json!({ "rule": null }),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, sign_in, snapshot, unlicensed_user};
    use crate::Org;
    use ForwardCondition::*;

    /// Three users with forwarding and extensions, their old rules cleared.
    fn three(org: &Org) -> Vec<(i64, String)> {
        org.conn()
            .execute("DELETE FROM forwarding_rules", [])
            .unwrap();
        let mut stmt = org
            .conn()
            .prepare(
                "SELECT u.id, u.extension FROM users u JOIN seats s ON s.user_id = u.id
                 JOIN product_features f ON f.product_id = s.product_id AND f.feature = 'call_forwarding'
                 WHERE u.extension IS NOT NULL ORDER BY u.id LIMIT 3",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn rule(user_id: i64, condition: ForwardCondition, destination: &str) -> ForwardingRuleInput {
        ForwardingRuleInput {
            user_id,
            condition,
            destination: destination.to_owned(),
            rings: (condition == NoAnswer).then_some(4),
        }
    }

    #[test]
    fn rules_to_extensions_and_numbers_are_kept_one_per_condition() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "priya.nair");
        let u = three(&org);
        let setup = org
            .set_forwarding_rule(admin, &rule(u[0].0, NoAnswer, &u[1].1))
            .unwrap();
        assert_eq!(setup.forwarding.len(), 1);
        assert_eq!(setup.forwarding[0].rings, Some(4));
        assert!(setup.forwarding[0].destination_user.is_some());
        let setup = org
            .set_forwarding_rule(admin, &rule(u[0].0, NoAnswer, "+44 20 7946 0958"))
            .unwrap();
        assert_eq!(setup.forwarding.len(), 1, "replaced, not added");
        assert_eq!(setup.forwarding[0].destination, "+442079460958");
        let setup = org.delete_forwarding_rule(admin, u[0].0, NoAnswer).unwrap();
        assert!(setup.forwarding.is_empty());
    }

    #[test]
    fn a_loop_through_several_users_is_refused_and_shown() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let u = three(&org);
        // A → B always, B → C always; now C → A would loop: A → B → C → A.
        org.set_forwarding_rule(admin, &rule(u[0].0, Always, &u[1].1))
            .unwrap();
        org.set_forwarding_rule(admin, &rule(u[1].0, Always, &u[2].1))
            .unwrap();
        let before = snapshot(&org, &["forwarding_rules"]);
        for condition in [Always, Busy, NoAnswer, Unreachable] {
            let e = org
                .set_forwarding_rule(admin, &rule(u[2].0, condition, &u[0].1))
                .unwrap_err();
            assert_eq!(e.code(), "forwarding_loop");
            assert_eq!(e.payload().field.as_deref(), Some("forwardTo"));
            let msg = e.to_string();
            assert_eq!(msg.matches(" → ").count(), 3, "{msg}");
            assert!(msg.contains(&format!("({})", u[1].1)), "{msg}");
        }
        // Directly to oneself, by extension.
        let e = org
            .set_forwarding_rule(admin, &rule(u[0].0, Busy, &u[0].1))
            .unwrap_err();
        assert_eq!(e.code(), "forwarding_loop");
        assert_eq!(snapshot(&org, &["forwarding_rules"]), before);
        // Busy rules do not chain: C → A when busy is fine once A's always-rule is gone.
        org.delete_forwarding_rule(admin, u[0].0, Always).unwrap();
        org.set_forwarding_rule(admin, &rule(u[2].0, Busy, &u[0].1))
            .unwrap();
    }

    #[test]
    fn a_loop_through_a_users_phone_number_is_found_too() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let u = three(&org);
        let number: String = org
            .conn()
            .query_row(
                "SELECT e164 FROM phone_numbers WHERE user_id = ?1",
                [u[0].0],
                |r| r.get(0),
            )
            .unwrap();
        org.set_forwarding_rule(admin, &rule(u[1].0, Always, &number))
            .unwrap();
        let e = org
            .set_forwarding_rule(admin, &rule(u[0].0, Always, &u[1].1))
            .unwrap_err();
        assert_eq!(e.code(), "forwarding_loop");
    }

    #[test]
    fn bad_destinations_rings_and_licenses_are_refused_by_field() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let u = three(&org);
        for (dest, field) in [
            ("", "Forward to"),
            ("abc", "Forward to"),
            ("5550100", "Forward to"),
            ("+0123", "Forward to"),
            ("99999", "Forward to"),
        ] {
            let e = org
                .set_forwarding_rule(admin, &rule(u[0].0, Busy, dest))
                .unwrap_err();
            assert_eq!(
                e.field().map(|f| f.label()).as_deref(),
                Some(field),
                "{dest:?}: {e}"
            );
        }
        for rings in [Some(0), Some(11), None] {
            let mut r = rule(u[0].0, NoAnswer, &u[1].1);
            r.rings = rings;
            let e = org.set_forwarding_rule(admin, &r).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("rings"));
        }
        let unlicensed = unlicensed_user(&org);
        let e = org
            .set_forwarding_rule(admin, &rule(unlicensed.id, Busy, &u[1].1))
            .unwrap_err();
        assert_eq!(e.code(), "feature_not_included");
        let auditor = sign_in(&mut org, "max.weber");
        let e = org
            .set_forwarding_rule(auditor, &rule(u[0].0, Busy, &u[1].1))
            .unwrap_err();
        assert_eq!(e.code(), "permission_denied");
    }
}
