//! The guided reclaim step: for the chosen lines, optionally export the users' data (one
//! ZIP), remove or step down each user, then request cancellation of the freed seats, in one
//! all-or-nothing transaction with each step's permission and audit entry.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::base::progress::Unwatched;
use crate::domain::billing::{cancellation_effective_on, request_cancellation_in, SeatChange};
use crate::domain::licenses::change::{move_within_family_in, plan as change_plan, ChangeKind};
use crate::domain::licenses::removal::{remove_in, SAFETY_ARCHIVE_DAYS};
use crate::domain::savings::lines::{money, product_facts, ProductFacts, Usage};
use crate::domain::users::bundle::{self, BundleReceipt};
use crate::domain::users::directory::{self, UserDetail};
use crate::kernel::action::Action;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::{Actor, Org};
use crate::storage::engine::Sql;
use crate::storage::settings;
use crate::storage::tables::seats;

/// One chosen line and what to do with it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReclaimItem {
    /// Remove the user's license (data deleted, safety archive kept); its seat is cancelled.
    Remove {
        #[ts(type = "number")]
        user_id: i64,
    },
    /// Move the user to the cheaper `product_id` of the same family; the old seat is cancelled.
    StepDown {
        #[ts(type = "number")]
        user_id: i64,
        #[ts(type = "number")]
        product_id: i64,
    },
    /// Cancel every unassigned seat of the product.
    CancelUnassigned {
        #[ts(type = "number")]
        product_id: i64,
    },
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
pub struct ReclaimRequest {
    pub items: Vec<ReclaimItem>,
}

/// What happens to one chosen line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReclaimStep {
    /// The user's name, or "Unassigned <Product> seats".
    pub label: String,
    pub outcome: String,
    pub deletes_data: bool,
}

/// The cancellation requested for one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReclaimCancellation {
    #[ts(type = "number")]
    pub product_id: i64,
    pub product_name: String,
    #[ts(type = "number")]
    pub quantity: i64,
    #[ts(type = "number")]
    pub monthly_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReclaimPreview {
    pub steps: Vec<ReclaimStep>,
    pub cancellations: Vec<ReclaimCancellation>,
    #[ts(type = "number")]
    pub removals: i64,
    #[ts(type = "number")]
    pub step_downs: i64,
    /// When the cancelled seats stop being billed: the notice period, then the billing day.
    pub effective_on: String,
    #[ts(type = "number")]
    pub current_total_cents: i64,
    #[ts(type = "number")]
    pub new_total_cents: i64,
    /// What the monthly bill goes down by from `effective_on`.
    #[ts(type = "number")]
    pub saving_cents: i64,
    pub currency: String,
    /// The text of the native confirmation "Reclaim licenses?".
    pub question: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReclaimReceipt {
    pub preview: ReclaimPreview,
    pub export: Option<BundleReceipt>,
    #[ts(type = "number")]
    pub safety_archives: i64,
    pub message: String,
}

enum Step {
    Remove(UserDetail),
    StepDown(UserDetail, i64),
}

struct Plan {
    preview: ReclaimPreview,
    steps: Vec<Step>,
    /// (product, quantity) to cancel, after every removal and step down.
    cancels: Vec<(i64, i64)>,
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "A, B and C", or the first few and how many more.
fn names(items: &[String]) -> String {
    const SHOWN: usize = 5;
    if items.len() > SHOWN {
        return format!(
            "{} and {} more",
            items[..SHOWN].join(", "),
            items.len() - SHOWN
        );
    }
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

fn plan(conn: Sql<'_>, today: NaiveDate, req: &ReclaimRequest) -> Result<Plan> {
    if req.items.is_empty() {
        return Err(Error::invalid(
            Field::Users,
            "select at least one line to reclaim.",
        ));
    }
    let products = product_facts(conn, &today.to_string())?;
    let by_id: HashMap<i64, &ProductFacts> = products.iter().map(|p| (p.id, p)).collect();
    let product = |id: i64| {
        by_id.get(&id).copied().ok_or(Error::NotFound {
            what: "Product",
            id,
        })
    };
    let usage = Usage::load(conn)?;
    let currency = settings::currency(conn)?;
    let mut seen_users = HashSet::new();
    let mut all_unassigned: HashSet<i64> = HashSet::new();
    // Per product: seats freed by removals, by step downs, and taken by step downs.
    let mut freed_by_removal: HashMap<i64, i64> = HashMap::new();
    let mut freed: BTreeMap<i64, i64> = BTreeMap::new();
    let mut taken: HashMap<i64, i64> = HashMap::new();
    let (mut steps, mut lines) = (Vec::new(), Vec::new());
    for item in &req.items {
        match item {
            ReclaimItem::Remove { user_id } | ReclaimItem::StepDown { user_id, .. } => {
                if !seen_users.insert(*user_id) {
                    return Err(Error::invalid(
                        Field::Users,
                        "a user is chosen twice; choose remove or step down once per user.",
                    ));
                }
                let user = directory::user_detail(conn, *user_id)?;
                let held = user.license.as_ref().ok_or_else(|| Error::NotLicensed {
                    user: user.full_name(),
                })?;
                let from = product(held.product_id)?;
                *freed.entry(from.id).or_default() += 1;
                match item {
                    ReclaimItem::Remove { .. } => {
                        *freed_by_removal.entry(from.id).or_default() += 1;
                        let mut outcome = format!(
                            "Loses {}: call history, voicemail, forwarding and devices deleted; number and extension released.",
                            from.name
                        );
                        if user.phone_number.is_none() && user.extension.is_none() {
                            outcome = format!(
                                "Loses {}: call history, voicemail, forwarding and devices deleted.",
                                from.name
                            );
                        }
                        lines.push(ReclaimStep {
                            label: user.full_name(),
                            outcome,
                            deletes_data: true,
                        });
                        steps.push(Step::Remove(user));
                    }
                    ReclaimItem::StepDown { product_id, .. } => {
                        let to = product(*product_id)?;
                        let p = change_plan(conn, &user, to.id)?;
                        if p.kind != ChangeKind::SameFamily || to.price_cents >= from.price_cents {
                            return Err(Error::invalid(
                                Field::License,
                                format!(
                                    "{} is not a step down from {}: choose a cheaper license of the same type.",
                                    to.name, from.name
                                ),
                            ));
                        }
                        let used = usage.used_of(user.id, &p.loses);
                        if let Some(f) = used.first() {
                            return Err(Error::invalid(
                                Field::License,
                                format!(
                                    "{} uses {}, which {} does not include: remove the license instead, or keep it.",
                                    user.full_name(),
                                    f.label(),
                                    to.name
                                ),
                            ));
                        }
                        *taken.entry(to.id).or_default() += 1;
                        lines.push(ReclaimStep {
                            label: user.full_name(),
                            outcome: format!(
                                "Moves from {} to {}; number, extension, voicemail, forwarding, devices and history are kept.",
                                from.name, to.name
                            ),
                            deletes_data: false,
                        });
                        steps.push(Step::StepDown(user, to.id));
                    }
                    ReclaimItem::CancelUnassigned { .. } => unreachable!("matched above"),
                }
            }
            ReclaimItem::CancelUnassigned { product_id } => {
                let p = product(*product_id)?;
                if !all_unassigned.insert(p.id) {
                    continue;
                }
                lines.push(ReclaimStep {
                    label: format!("Unassigned {} seats", p.name),
                    outcome: format!(
                        "{} cancelled.",
                        plural(p.available, "unassigned seat", "unassigned seats")
                    ),
                    deletes_data: false,
                });
            }
        }
    }
    // Step downs take free seats after the removals gave theirs back.
    for (id, n) in &taken {
        let p = product(*id)?;
        if *n > p.available + freed_by_removal.get(id).copied().unwrap_or(0) {
            return Err(Error::NoLicenseAvailable {
                product: p.name.clone(),
            });
        }
    }
    let mut cancels = Vec::new();
    let mut cancellations = Vec::new();
    let product_ids: std::collections::BTreeSet<i64> =
        freed.keys().chain(all_unassigned.iter()).copied().collect();
    for id in product_ids {
        let p = product(id)?;
        let f = freed.get(&id).copied().unwrap_or(0);
        let free_after = p.available + f - taken.get(&id).copied().unwrap_or(0);
        let quantity = if all_unassigned.contains(&id) {
            free_after
        } else {
            f.min(free_after)
        };
        if quantity <= 0 {
            continue;
        }
        cancels.push((id, quantity));
        cancellations.push(ReclaimCancellation {
            product_id: id,
            product_name: p.name.clone(),
            quantity,
            monthly_cents: quantity * p.price_cents,
        });
    }
    if cancels.is_empty() {
        return Err(Error::invalid(
            Field::Users,
            "nothing chosen frees a seat to cancel.",
        ));
    }
    let terms_notice = settings::integer(conn, "notice_period_days", 30)?.max(0);
    let billing_day = settings::integer(conn, "billing_day", 1)?.clamp(1, 28) as u32;
    let effective_on = cancellation_effective_on(today, terms_notice, billing_day).to_string();
    let current = seats::monthly_total_cents(conn)?;
    let saving: i64 = cancellations.iter().map(|c| c.monthly_cents).sum();
    let removals = steps
        .iter()
        .filter(|s| matches!(s, Step::Remove(_)))
        .count() as i64;
    let step_downs = steps.len() as i64 - removals;
    let mut parts = Vec::new();
    let removed: Vec<String> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Remove(u) => Some(u.full_name()),
            Step::StepDown(..) => None,
        })
        .collect();
    match removed.as_slice() {
        [] => {}
        [one] => parts.push(format!(
            "removes {one}'s license: their call history, voicemail, forwarding and devices are deleted (a safety archive is kept {SAFETY_ARCHIVE_DAYS} days; call recordings stay)"
        )),
        many => parts.push(format!(
            "removes the licenses of {} users ({}): their call history, voicemail, forwarding and devices are deleted (a safety archive of each is kept {SAFETY_ARCHIVE_DAYS} days; call recordings stay)",
            many.len(),
            names(many)
        )),
    }
    let moved: Vec<String> = steps
        .iter()
        .filter_map(|s| match s {
            Step::StepDown(u, to) => Some(format!(
                "{} to {}",
                u.full_name(),
                by_id.get(to).map_or("", |p| p.name.as_str())
            )),
            Step::Remove(_) => None,
        })
        .collect();
    if !moved.is_empty() {
        parts.push(format!("moves {}, keeping all their data", names(&moved)));
    }
    let cancelled: Vec<String> = cancellations
        .iter()
        .map(|c| format!("{} {}", c.quantity, c.product_name))
        .collect();
    parts.push(format!(
        "requests cancellation of {} {}",
        cancelled.join(", "),
        if cancellations.iter().map(|c| c.quantity).sum::<i64>() == 1 {
            "license"
        } else {
            "licenses"
        }
    ));
    let (last, rest) = parts
        .split_last()
        .expect("a cancellation is always planned");
    let what = if rest.is_empty() {
        last.clone()
    } else {
        format!("{}, then {last}", rest.join("; "))
    };
    let question = format!(
        "This {what}.\n\nThey stay billed until {effective_on}; from then your monthly total goes from {} to {} (saving {}/month).",
        money(current, &currency),
        money(current - saving, &currency),
        money(saving, &currency),
    );
    Ok(Plan {
        preview: ReclaimPreview {
            steps: lines,
            cancellations,
            removals,
            step_downs,
            effective_on,
            current_total_cents: current,
            new_total_cents: current - saving,
            saving_cents: saving,
            currency,
            question,
        },
        steps,
        cancels,
    })
}

impl Org {
    /// What reclaiming the chosen lines would do, with the total saving per month.
    pub fn reclaim_preview(
        &mut self,
        actor: Actor,
        req: &ReclaimRequest,
    ) -> Result<ReclaimPreview> {
        self.settle_due_cancellations()?;
        let today = self.today();
        self.read_sql(actor, Permission::BillingView, |db| {
            Ok(plan(db, today, req)?.preview)
        })
    }

    /// The name the save dialog proposes for a reclaim's export.
    pub fn reclaim_export_file_name(&self) -> String {
        format!("reclaimed-users-export-{}.zip", self.today())
    }

    /// Reclaims the chosen lines in one transaction: the optional export to `export_to`
    /// (written first; removed again if the rest fails), removals and step downs, then one
    /// cancellation request per product. Needs billing.manage, plus licenses.remove for a
    /// removal or an export and licenses.assign for a step down.
    ///
    /// The export is a file, so it is written before the change and outside it (on a server
    /// the change may run again): from a rolled-back run of the same plan, in one snapshot.
    /// The change then checks that the data it removes is still exactly what the export
    /// holds (the same files, byte for byte: any change committed in between, an audit
    /// entry's included, is refused, and the export removed).
    pub fn reclaim(
        &mut self,
        actor: Actor,
        req: &ReclaimRequest,
        export_to: Option<&std::path::Path>,
    ) -> Result<ReclaimReceipt> {
        self.settle_due_cancellations()?;
        let today = self.today();
        let exported = match export_to {
            Some(dest) => self.reclaim_export(actor, today, req, dest)?,
            None => None,
        };
        self.reclaim_after_export(actor, today, req, export_to, exported)
    }

    /// The reclaim's change, once its export (if any) is written.
    fn reclaim_after_export(
        &mut self,
        actor: Actor,
        today: NaiveDate,
        req: &ReclaimRequest,
        export_to: Option<&std::path::Path>,
        exported: Option<Exported>,
    ) -> Result<ReclaimReceipt> {
        let mut archive = self.archive_plan();
        let result = self.change_sql(actor, Action::SavingsReclaim, |tx, ctx| {
            let Plan {
                preview,
                steps,
                cancels,
            } = plan(tx, today, req)?;
            if preview.removals > 0 || (export_to.is_some() && !steps.is_empty()) {
                ctx.require(tx, Permission::LicensesRemove)?;
            }
            if preview.step_downs > 0 {
                ctx.require(tx, Permission::LicensesAssign)?;
            }
            let export = match (export_to, &exported) {
                (Some(_), _) if steps.is_empty() => None,
                (Some(_), Some(e)) => {
                    let users = users_of(&steps);
                    if bundle::digest_many(tx, &users, &e.generated_at, "export")? != e.digest {
                        return Err(export_outdated());
                    }
                    let mut entry = AuditEntry::new(Action::UserExport.key());
                    entry.after = Some(json!({ "path": e.receipt.path, "sha256": e.receipt.sha256,
                        "users": users.iter().map(|u| u.id).collect::<Vec<_>>() }));
                    ctx.audit(tx, &entry)?;
                    Some(e.receipt.clone())
                }
                // Asked for, and none written: the users to export changed in between.
                (Some(_), None) => return Err(export_outdated()),
                (None, _) => None,
            };
            // Removals first: a step down may take a seat a removal gave back.
            let mut archives = 0;
            for step in &steps {
                if let Step::Remove(user) = step {
                    remove_in(tx, ctx, user, &mut archive)?;
                    archives += 1;
                    directory::bump_version(tx, user.id, ctx)?;
                }
            }
            for step in &steps {
                if let Step::StepDown(user, to) = step {
                    let p = change_plan(tx, user, *to)?;
                    move_within_family_in(tx, ctx, user, &p, *to)?;
                    directory::bump_version(tx, user.id, ctx)?;
                }
            }
            for (product_id, quantity) in &cancels {
                let request = SeatChange {
                    product_id: *product_id,
                    quantity: quantity.to_string(),
                };
                request_cancellation_in(tx, ctx, today, &request)?;
            }
            let mut entry = AuditEntry::new(Action::SavingsReclaim.key());
            entry.after = Some(json!({
                "items": req.items,
                "removals": preview.removals,
                "step_downs": preview.step_downs,
                "cancelled": preview.cancellations.iter()
                    .map(|c| json!({ "product": c.product_name, "quantity": c.quantity }))
                    .collect::<Vec<_>>(),
                "effective_on": preview.effective_on,
                "saving_cents": preview.saving_cents,
            }));
            ctx.audit(tx, &entry)?;
            let seats: i64 = preview.cancellations.iter().map(|c| c.quantity).sum();
            let message = format!(
                "Reclaimed: cancellation of {} requested, billed until {}; your monthly total goes down by {}/month from then.",
                plural(seats, "license", "licenses"),
                preview.effective_on,
                money(preview.saving_cents, &preview.currency),
            );
            Ok(ReclaimReceipt {
                preview,
                export,
                safety_archives: archives,
                message,
            })
        });
        let result = archive.kept_only_if_ok(result);
        if result.is_err() {
            // All or nothing: no export of a reclaim that did not happen.
            if let (Some(e), Some(dest)) = (&exported, export_to) {
                debug_assert_eq!(e.receipt.path, dest.display().to_string());
                let _ = crate::storage::files::remove_file(dest);
            }
        }
        result
    }

    /// Writes the export of the users the reclaim would remove or step down to `dest`, from
    /// a rolled-back run of its plan (run once, on either engine), with the checks the change
    /// makes first. None when no user is chosen, or when the actor may not do it: the change
    /// then refuses it again, and records the refusal.
    fn reclaim_export(
        &self,
        actor: Actor,
        today: NaiveDate,
        req: &ReclaimRequest,
        dest: &std::path::Path,
    ) -> Result<Option<Exported>> {
        let generated_at = self.now();
        let outcome = self.dry_run(actor, Action::SavingsReclaim.permission(), |db, ctx| {
            let Plan { preview, steps, .. } = plan(db, today, req)?;
            if steps.is_empty() {
                return Ok(None);
            }
            ctx.require(db, Permission::LicensesRemove)?;
            if preview.step_downs > 0 {
                ctx.require(db, Permission::LicensesAssign)?;
            }
            let users = users_of(&steps);
            let digest = bundle::digest_many(db, &users, &generated_at, "export")?;
            let receipt =
                bundle::write_many(db, &users, &generated_at, "export", dest, &mut Unwatched)?;
            Ok(Some(Exported {
                receipt,
                digest,
                generated_at: generated_at.clone(),
            }))
        });
        match outcome {
            Err(Error::PermissionDenied { .. }) => Ok(None),
            other => other,
        }
    }
}

/// A reclaim's export, written before its change.
struct Exported {
    receipt: BundleReceipt,
    /// `bundle::digest_many` of what the export holds.
    digest: String,
    generated_at: String,
}

fn users_of(steps: &[Step]) -> Vec<UserDetail> {
    steps
        .iter()
        .map(|s| match s {
            Step::Remove(u) | Step::StepDown(u, _) => u.clone(),
        })
        .collect()
}

fn export_outdated() -> Error {
    Error::invalid(
        Field::Users,
        "the chosen users' data changed while it was exported; nothing was reclaimed and the export was removed. Reclaim again.",
    )
}

#[cfg(test)]
mod tests;

#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use super::*;
    use crate::domain::savings::lines::{Savings, SavingsReason};
    use crate::tests::engines::{chain_intact, number, same_on_each_engine};
    use crate::tests::testing::sign_in;

    /// Everything a reclaim could change, the audit log aside, as numbers on either engine.
    fn state(org: &Org) -> Vec<i64> {
        [
            "SELECT count(*) FROM seats WHERE status = 'available'",
            "SELECT count(*) FROM seats WHERE status = 'assigned'",
            "SELECT count(*) FROM seats WHERE status = 'pending_cancellation'",
            "SELECT sum(user_id * product_id) FROM seats WHERE user_id IS NOT NULL",
            "SELECT sum(version) FROM users",
            "SELECT count(*) FROM phone_numbers WHERE user_id IS NOT NULL",
            "SELECT count(*) FROM users WHERE extension IS NOT NULL",
            "SELECT count(*) FROM cancellation_requests",
            "SELECT count(*) FROM call_history",
            "SELECT count(*) FROM voicemails",
            "SELECT count(*) FROM device_activations",
            "SELECT count(*) FROM safety_archives",
        ]
        .iter()
        // A server's sum of bigints is a numeric: cast back.
        .map(|sql| number(org, &format!("SELECT CAST(({sql}) AS bigint)"), &[]))
        .collect()
    }

    fn audit_after(org: &Org, after: i64) -> Vec<(String, String)> {
        org.engine
            .read(|db| {
                db.query(
                    "SELECT action, outcome FROM audit_log WHERE id > ?1 ORDER BY id",
                    &[&after],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
            })
            .unwrap()
    }

    fn first_with(s: &Savings, pred: impl Fn(&SavingsReason) -> bool) -> &SavingsLine {
        s.lines
            .iter()
            .find(|l| l.user_id.is_some() && l.reasons.iter().any(&pred))
            .expect("the demo has such a line")
    }

    use crate::domain::savings::lines::SavingsLine;

    #[test]
    fn a_reclaim_with_its_export_is_the_same_on_both_engines_and_a_refusal_changes_nothing() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let s = org.savings(admin).unwrap();
            let suspended = first_with(&s, |r| *r == SavingsReason::Suspended)
                .user_id
                .unwrap();
            let over = first_with(&s, |r| matches!(r, SavingsReason::OverLicensed { .. }));
            let unassigned = s.lines.iter().find(|l| l.user_id.is_none()).unwrap();
            let req = ReclaimRequest {
                items: vec![
                    ReclaimItem::Remove { user_id: suspended },
                    ReclaimItem::StepDown {
                        user_id: over.user_id.unwrap(),
                        product_id: over.step_down.as_ref().unwrap().product_id,
                    },
                    ReclaimItem::CancelUnassigned {
                        product_id: unassigned.product_id,
                    },
                ],
            };
            let preview = org.reclaim_preview(admin, &req).unwrap();
            assert_eq!((preview.removals, preview.step_downs), (1, 1), "{engine}");
            let dir = tempfile::tempdir().unwrap();
            let dest = dir.path().join("reclaimed.zip");

            // Refused, for the change or for the export: nothing changes, no file is left.
            let actors: Vec<_> = ["max.weber", "lee.chen", "sam.okafor"]
                .into_iter()
                .map(|login| (login, sign_in(org, login)))
                .collect();
            let before = state(org);
            let entry = number(org, "SELECT max(id) FROM audit_log", &[]);
            let mut refusals = Vec::new();
            for (login, actor) in actors {
                let e = org.reclaim(actor, &req, Some(&dest)).unwrap_err();
                assert_eq!(e.code(), "permission_denied", "{engine}: {login}");
                assert!(!dest.exists(), "{engine}: {login} left an export");
                refusals.push(e.to_string());
            }
            assert_eq!(state(org), before, "{engine}");
            let audit = audit_after(org, entry);
            assert_eq!(audit.len(), 3, "{engine}: {audit:?}");
            assert!(audit
                .iter()
                .all(|(a, o)| a == "savings.reclaim" && o == "refused"));

            let entry = number(org, "SELECT max(id) FROM audit_log", &[]);
            let receipt = org.reclaim(admin, &req, Some(&dest)).unwrap();
            assert_eq!(receipt.preview, preview, "{engine}");
            assert_eq!(receipt.safety_archives, 1);
            let export = receipt.export.as_ref().expect("the export");
            let bytes = std::fs::read(&dest).unwrap();
            assert_eq!(export.sha256, bundle::sha256_hex(&bytes), "{engine}");
            let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut folders: Vec<String> = zip
                .file_names()
                .filter_map(|n| n.unwrap().split_once('/').map(|(f, _)| f.to_owned()))
                .collect();
            folders.sort();
            folders.dedup();
            assert_eq!(folders.len(), 2, "{engine}: {folders:?}");
            let after = state(org);
            assert_eq!(after[7], before[7] + preview.cancellations.len() as i64);
            assert_eq!(after[11], before[11] + 1, "{engine}: one safety archive");
            assert!(after[8] < before[8], "{engine}: call history deleted");
            let audit: Vec<String> = audit_after(org, entry)
                .into_iter()
                .map(|(action, outcome)| {
                    assert_eq!(outcome, "ok");
                    action
                })
                .collect();
            assert_eq!(audit.first().map(String::as_str), Some("user.export"));
            assert_eq!(audit.last().map(String::as_str), Some("savings.reclaim"));
            assert!(chain_intact(org), "{engine}");
            let left = org.savings(admin).unwrap();
            assert!(left.lines.iter().all(|l| l.user_id != Some(suspended)));
            (preview, receipt.message, audit, folders, refusals, after)
        });
    }

    #[test]
    fn a_change_committed_between_the_export_and_the_reclaim_refuses_it_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let s = org.savings(admin).unwrap();
            let suspended = first_with(&s, |r| *r == SavingsReason::Suspended)
                .user_id
                .unwrap();
            let req = ReclaimRequest {
                items: vec![ReclaimItem::Remove { user_id: suspended }],
            };
            let dir = tempfile::tempdir().unwrap();
            let dest = dir.path().join("reclaimed.zip");
            let today = org.today();
            let exported = org
                .reclaim_export(admin, today, &req, &dest)
                .unwrap()
                .expect("an export of the chosen user");
            assert!(dest.exists(), "{engine}");
            // Another window records a call for the user before the change runs.
            org.engine
                .write(|db| {
                    db.execute(
                        "INSERT INTO call_history (user_id, started_at, direction, remote_number, duration_seconds)
                         VALUES (?1, '2026-01-02T03:04:05Z', 'inbound', '+15550100', 7)",
                        &[&suspended],
                    )
                })
                .unwrap();
            let before = state(org);
            let e = org
                .reclaim_after_export(admin, today, &req, Some(&dest), Some(exported))
                .unwrap_err();
            assert_eq!(e.code(), "invalid_input", "{engine}: {e}");
            assert!(
                e.to_string().contains("changed while it was exported"),
                "{e}"
            );
            assert_eq!(state(org), before, "{engine}");
            assert!(!dest.exists(), "{engine}: the outdated export is removed");
            // Exported again, it goes through.
            let receipt = org.reclaim(admin, &req, Some(&dest)).unwrap();
            assert!(receipt.export.is_some() && dest.exists(), "{engine}");
            (e.to_string(), receipt.preview)
        });
    }
}
