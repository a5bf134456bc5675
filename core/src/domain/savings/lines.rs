//! The savings lines: who or what costs money each month without being used, decided from
//! the data LicenseDesk holds, and the "days without calls" setting.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::money::format_money;
use crate::base::permission::Permission;
use crate::domain::users::features::{product_features, Feature};
use crate::kernel::action::Action;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::{Actor, Org};
use crate::storage::engine::Sql;
use crate::storage::settings;
use crate::storage::tables::{
    call_history, call_recordings, device_activations, forwarding_rules, products, seats,
    voicemail_greetings, voicemail_settings, voicemails,
};

/// "No calls in the last N days" when the organization has not set N.
pub const DEFAULT_IDLE_DAYS: i64 = 60;
/// The values the setting accepts.
pub const IDLE_DAYS_MIN: i64 = 7;
pub const IDLE_DAYS_MAX: i64 = 365;
const IDLE_DAYS_KEY: &str = "savings_idle_days";

/// Why a line costs money for nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SavingsReason {
    /// The holder is suspended (or deactivated by an offboarding) and keeps a billed seat.
    Suspended,
    /// No call in the last `idle_days` days; `last_call` is the day of the latest, if any.
    Idle { last_call: Option<String> },
    /// The license has features the user shows no use of, and `step_down` keeps the rest.
    OverLicensed { unused: Vec<Feature> },
    /// Seats bought and held by nobody (not pending cancellation).
    Unassigned,
}

/// What a line suggests, and what the guided step may do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReclaimAction {
    /// Remove the license (its data deleted, a safety archive kept), then cancel the seat.
    Remove,
    /// Move to the cheaper product of the same family, then cancel the seat given up.
    StepDown,
    /// Cancel the unassigned seats.
    Cancel,
}

/// The cheaper product of the same family that keeps everything the user uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StepDown {
    #[ts(type = "number")]
    pub product_id: i64,
    pub product_name: String,
    #[ts(type = "number")]
    pub monthly_price_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavingsLine {
    /// Stable within a listing: "user-<id>" or "product-<id>".
    pub key: String,
    /// The holder, for a user's line; None for unassigned seats.
    #[ts(type = "number | null")]
    pub user_id: Option<i64>,
    pub user_name: Option<String>,
    #[ts(type = "number")]
    pub product_id: i64,
    pub product_name: String,
    /// 1 for a user's line; the number of seats for unassigned seats.
    #[ts(type = "number")]
    pub quantity: i64,
    pub reasons: Vec<SavingsReason>,
    /// The reasons as one sentence for the table.
    pub reason: String,
    /// What the line costs each month now.
    #[ts(type = "number")]
    pub monthly_cost_cents: i64,
    pub step_down: Option<StepDown>,
    pub suggested: ReclaimAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Savings {
    pub currency: String,
    #[ts(type = "number")]
    pub idle_days: i64,
    pub lines: Vec<SavingsLine>,
    #[ts(type = "number")]
    pub total_monthly_cents: i64,
}

/// One product as the rules need it.
#[derive(Debug, Clone)]
pub(crate) struct ProductFacts {
    pub id: i64,
    pub name: String,
    pub family: String,
    pub price_cents: i64,
    pub available: i64,
    pub features: Vec<Feature>,
}

pub(crate) fn product_facts(conn: Sql<'_>, today: &str) -> Result<Vec<ProductFacts>> {
    products::inventory(conn, today)?
        .into_iter()
        .map(|p| {
            Ok(ProductFacts {
                features: product_features(conn, p.id)?,
                id: p.id,
                name: p.name,
                family: p.family,
                price_cents: p.monthly_price_cents,
                available: p.available,
            })
        })
        .collect()
}

/// What the organization's data shows each user uses.
#[derive(Default)]
pub(crate) struct Usage {
    last_call: HashMap<i64, String>,
    recordings: HashSet<i64>,
    devices: HashSet<(i64, String)>,
    forwarding: HashSet<i64>,
    voicemail: HashSet<i64>,
}

impl Usage {
    pub(crate) fn load(conn: Sql<'_>) -> Result<Self> {
        let mut voicemail: HashSet<i64> = voicemail_settings::users_enabled(conn)?
            .into_iter()
            .collect();
        voicemail.extend(voicemails::users_with_any(conn)?);
        voicemail.extend(voicemail_greetings::users_with_any(conn)?);
        Ok(Self {
            last_call: call_history::last_call_by_user(conn)?.into_iter().collect(),
            recordings: call_recordings::users_with_any(conn)?.into_iter().collect(),
            devices: device_activations::types_by_user(conn)?
                .into_iter()
                .collect(),
            forwarding: forwarding_rules::users_with_any(conn)?
                .into_iter()
                .collect(),
            voicemail,
        })
    }

    /// Whether the data shows the user uses the feature. Video meetings, contact center and
    /// analytics leave no trace in LicenseDesk, so they count as used: never offered away.
    pub(crate) fn uses(&self, user_id: i64, feature: Feature) -> bool {
        let device = |kind: &str| self.devices.contains(&(user_id, kind.to_owned()));
        match feature {
            Feature::Calling => self.last_call.contains_key(&user_id),
            Feature::Voicemail => self.voicemail.contains(&user_id),
            Feature::CallForwarding => self.forwarding.contains(&user_id),
            Feature::CallRecording => self.recordings.contains(&user_id),
            Feature::DesktopApp => device("desktop_app"),
            Feature::MobileApp => device("mobile_app"),
            Feature::VideoMeetings | Feature::ContactCenter | Feature::Analytics => true,
        }
    }

    /// The features of `features` the user shows use of.
    pub(crate) fn used_of(&self, user_id: i64, features: &[Feature]) -> Vec<Feature> {
        features
            .iter()
            .copied()
            .filter(|f| self.uses(user_id, *f))
            .collect()
    }
}

/// The cheapest product of `held`'s family, cheaper than it, whose features include every
/// feature in `used`; and the features of `held` it lacks.
pub(crate) fn step_down<'p>(
    products: &'p [ProductFacts],
    held: &ProductFacts,
    used: &[Feature],
) -> Option<(&'p ProductFacts, Vec<Feature>)> {
    let target = products
        .iter()
        .filter(|p| p.family == held.family && p.price_cents < held.price_cents)
        .filter(|p| used.iter().all(|f| p.features.contains(f)))
        .min_by(|a, b| (a.price_cents, &a.name).cmp(&(b.price_cents, &b.name)))?;
    let unused = held
        .features
        .iter()
        .filter(|f| !target.features.contains(f))
        .copied()
        .collect();
    Some((target, unused))
}

fn feature_list(features: &[Feature]) -> String {
    let labels: Vec<&str> = features.iter().map(|f| f.label()).collect();
    match labels.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn sentence(reasons: &[SavingsReason], idle_days: i64, line: &SavingsLine) -> String {
    let parts: Vec<String> = reasons
        .iter()
        .map(|r| match r {
            SavingsReason::Suspended => "Suspended, still holds a billed license".to_owned(),
            SavingsReason::Idle { last_call: None } => {
                format!("No calls in {idle_days} days (none recorded)")
            }
            SavingsReason::Idle {
                last_call: Some(day),
            } => format!("No calls in {idle_days} days (last on {day})"),
            SavingsReason::OverLicensed { unused } => format!(
                "Uses no {}: {} keeps all their data",
                feature_list(unused),
                line.step_down
                    .as_ref()
                    .map_or("", |s| s.product_name.as_str())
            ),
            SavingsReason::Unassigned => format!(
                "{} unassigned {}, held by nobody",
                line.quantity,
                if line.quantity == 1 { "seat" } else { "seats" }
            ),
        })
        .collect();
    parts.join("; ")
}

pub(crate) fn idle_days(conn: Sql<'_>) -> Result<i64> {
    Ok(settings::integer(conn, IDLE_DAYS_KEY, DEFAULT_IDLE_DAYS)?
        .clamp(IDLE_DAYS_MIN, IDLE_DAYS_MAX))
}

/// Every savings line as of `now`: users by name, then unassigned seats by product.
pub(crate) fn savings(conn: Sql<'_>, now: DateTime<Utc>) -> Result<Savings> {
    let idle_days = idle_days(conn)?;
    let today = now.date_naive().to_string();
    let cutoff = crate::base::clock::timestamp(now - Duration::days(idle_days));
    let products = product_facts(conn, &today)?;
    let usage = Usage::load(conn)?;
    let by_id: HashMap<i64, &ProductFacts> = products.iter().map(|p| (p.id, p)).collect();
    let mut lines = Vec::new();
    for held in seats::held_with_holders(conn)? {
        let Some(product) = by_id.get(&held.product_id) else {
            continue;
        };
        let mut reasons = Vec::new();
        let suspended = held.user_status != "active";
        if suspended {
            reasons.push(SavingsReason::Suspended);
        }
        // Idle: a calling license held for the whole period without a call in it.
        let last_call = usage.last_call.get(&held.user_id);
        let held_long_enough = held.assigned_at.as_deref().is_none_or(|a| *a <= *cutoff);
        if !suspended
            && product.features.contains(&Feature::Calling)
            && held_long_enough
            && last_call.is_none_or(|at| *at < cutoff)
        {
            reasons.push(SavingsReason::Idle {
                last_call: last_call.map(|at| at.chars().take(10).collect()),
            });
        }
        let used = usage.used_of(held.user_id, &product.features);
        let down = step_down(&products, product, &used);
        if let Some((_, unused)) = &down {
            reasons.push(SavingsReason::OverLicensed {
                unused: unused.clone(),
            });
        }
        if reasons.is_empty() {
            continue;
        }
        let suggested = if suspended || reasons.len() > 1 || down.is_none() {
            ReclaimAction::Remove
        } else {
            ReclaimAction::StepDown
        };
        let mut line = SavingsLine {
            key: format!("user-{}", held.user_id),
            user_id: Some(held.user_id),
            user_name: Some(format!("{} {}", held.first_name, held.last_name)),
            product_id: product.id,
            product_name: product.name.clone(),
            quantity: 1,
            reasons: Vec::new(),
            reason: String::new(),
            monthly_cost_cents: product.price_cents,
            step_down: down.map(|(p, _)| StepDown {
                product_id: p.id,
                product_name: p.name.clone(),
                monthly_price_cents: p.price_cents,
            }),
            suggested,
        };
        line.reason = sentence(&reasons, idle_days, &line);
        line.reasons = reasons;
        lines.push(line);
    }
    for p in products.iter().filter(|p| p.available > 0) {
        let mut line = SavingsLine {
            key: format!("product-{}", p.id),
            user_id: None,
            user_name: None,
            product_id: p.id,
            product_name: p.name.clone(),
            quantity: p.available,
            reasons: vec![SavingsReason::Unassigned],
            reason: String::new(),
            monthly_cost_cents: p.available * p.price_cents,
            step_down: None,
            suggested: ReclaimAction::Cancel,
        };
        line.reason = sentence(&line.reasons, idle_days, &line);
        lines.push(line);
    }
    Ok(Savings {
        currency: settings::currency(conn)?,
        idle_days,
        total_monthly_cents: lines.iter().map(|l| l.monthly_cost_cents).sum(),
        lines,
    })
}

impl Org {
    /// Every seat the organization pays for without use, with what each costs a month.
    pub fn savings(&mut self, actor: Actor) -> Result<Savings> {
        self.settle_due_cancellations()?;
        let now = self.clock.now();
        self.read_sql(actor, Permission::BillingView, |db| savings(db, now))
    }

    /// The "days without calls" of the savings view; every role may read it.
    pub fn savings_idle_days(&self, actor: Actor) -> Result<i64> {
        self.read_sql(actor, Permission::UsersView, idle_days)
    }

    /// Sets the "days without calls" of the savings view, as typed (7 to 365).
    pub fn set_savings_idle_days(&mut self, actor: Actor, days: &str) -> Result<i64> {
        self.change_sql(actor, Action::SavingsIdleDays, |tx, ctx| {
            let t = days.trim();
            let n: i64 = t.parse().map_err(|_| {
                Error::invalid(
                    Field::IdleDays,
                    format!("\"{t}\" is not a whole number of days. Enter a number such as 60."),
                )
            })?;
            if !(IDLE_DAYS_MIN..=IDLE_DAYS_MAX).contains(&n) {
                return Err(Error::invalid(
                    Field::IdleDays,
                    format!("use {IDLE_DAYS_MIN} to {IDLE_DAYS_MAX} days."),
                ));
            }
            let before = idle_days(tx)?;
            settings::set(tx, IDLE_DAYS_KEY, &n.to_string())?;
            let mut entry = AuditEntry::new(Action::SavingsIdleDays.key());
            entry.before = Some(json!({ "savings_idle_days": before }));
            entry.after = Some(json!({ "savings_idle_days": n }));
            ctx.audit(tx, &entry)?;
            Ok(n)
        })
    }
}

/// "$32.00" in the organization's currency (for sentences built here).
pub(crate) fn money(cents: i64, currency: &str) -> String {
    format_money(cents, currency)
}

#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use super::*;
    use crate::tests::engines::{chain_intact, number, same_on_each_engine};
    use crate::tests::testing::sign_in;

    fn entries(org: &Org, outcome: &str) -> i64 {
        number(
            org,
            "SELECT count(*) FROM audit_log WHERE action = 'settings.savings_idle_days' AND outcome = ?1",
            &[&outcome],
        )
    }

    #[test]
    fn the_savings_page_and_its_idle_days_setting_are_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let before = org.savings(admin).unwrap();
            for kind in ["suspended", "idle", "over_licensed", "unassigned"] {
                assert!(
                    before.lines.iter().any(|l| l
                        .reasons
                        .iter()
                        .any(|r| { serde_json::to_value(r).unwrap()["kind"] == kind })),
                    "{engine}: a line {kind}"
                );
            }
            assert_eq!(
                before.total_monthly_cents,
                before
                    .lines
                    .iter()
                    .map(|l| l.monthly_cost_cents)
                    .sum::<i64>()
            );
            // Users by name (as bytes), then unassigned seats.
            let users: Vec<_> = before
                .lines
                .iter()
                .filter(|l| l.user_id.is_some())
                .collect();
            assert!(before.lines[..users.len()]
                .iter()
                .all(|l| l.user_id.is_some()));

            let invalid = org.set_savings_idle_days(admin, "6").unwrap_err();
            assert_eq!(invalid.code(), "invalid_input", "{engine}");
            let billing = sign_in(org, "lee.chen");
            let refused = org.set_savings_idle_days(billing, "90").unwrap_err();
            assert_eq!(refused.code(), "permission_denied", "{engine}");
            assert_eq!(org.savings_idle_days(billing).unwrap(), 60, "{engine}");
            assert_eq!((entries(org, "ok"), entries(org, "refused")), (0, 1));

            let it = sign_in(org, "sam.okafor");
            assert_eq!(org.set_savings_idle_days(it, " 7 ").unwrap(), 7);
            assert_eq!(org.savings_idle_days(billing).unwrap(), 7, "{engine}");
            assert_eq!(entries(org, "ok"), 1, "{engine}");
            assert!(chain_intact(org), "{engine}");
            let after = org.savings(admin).unwrap();
            assert_eq!(after.idle_days, 7);
            let idle = |s: &Savings| {
                s.lines
                    .iter()
                    .filter(|l| {
                        l.reasons
                            .iter()
                            .any(|r| matches!(r, SavingsReason::Idle { .. }))
                    })
                    .count()
            };
            assert!(idle(&after) >= idle(&before), "{engine}");
            (before, after, invalid.to_string(), refused.to_string())
        });
    }
}
