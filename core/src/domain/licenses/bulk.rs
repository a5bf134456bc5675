//! Bulk license work on users picked in the list: assign, change or remove, for any number
//! of users, in one transaction. The preview says per user what happens; with too few seats
//! nothing is applied and the shortfall is named.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::domain::licenses::change::{move_within_family_in, plan as change_plan, ChangeKind};
use crate::domain::licenses::inventory::{assign_in, free_seats, give_seat, product_name};
use crate::domain::licenses::removal::{
    audit_removal_in, impact, release_data_in, release_seats_in, store_archive_in, RemovalImpact,
    SAFETY_ARCHIVE_DAYS,
};
use crate::domain::users::bundle::{self, BundleReceipt};
use crate::domain::users::directory::{self, UserDetail};
use crate::domain::users::user_data::DELETED_TABLES;
use crate::kernel::action::Action;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::{Actor, Org};
use crate::storage::engine::Sql;
use crate::storage::tables::{safety_archives, seat_tallies, seats};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BulkAction {
    Assign {
        #[ts(type = "number")]
        product_id: i64,
    },
    Change {
        #[ts(type = "number")]
        product_id: i64,
    },
    Remove,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct BulkRequest {
    #[ts(type = "number[]")]
    pub user_ids: Vec<i64>,
    pub action: BulkAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BulkLine {
    #[ts(type = "number")]
    pub user_id: i64,
    pub name: String,
    /// What happens to this user, or why nothing does.
    pub outcome: String,
    pub applies: bool,
    /// The user's call history, voicemails, forwarding and devices are deleted.
    pub deletes_data: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BulkPreview {
    pub lines: Vec<BulkLine>,
    #[ts(type = "number")]
    pub applies: i64,
    #[ts(type = "number")]
    pub seats_needed: i64,
    #[ts(type = "number")]
    pub seats_available: i64,
    /// Why nothing can be applied: too few seats.
    pub shortfall: Option<String>,
    /// Users whose data would be deleted (removal, or a change of license type).
    #[ts(type = "number")]
    pub deleting: i64,
    /// Totals of what would be deleted, in one sentence.
    pub data_loss: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct BulkReceipt {
    #[ts(type = "number")]
    pub applied: i64,
    #[ts(type = "number")]
    pub skipped: i64,
    /// One safety archive per user whose data was deleted.
    #[ts(type = "number")]
    pub safety_archives: i64,
    pub message: String,
}

/// What applying does to one user; a step that deletes data carries the impact the preview
/// counted, read in the same transaction.
enum Step {
    Skip(String),
    Assign,
    Move(i64),
    Replace(i64, Box<RemovalImpact>),
    Remove(Box<RemovalImpact>),
}

fn step(conn: Sql<'_>, user: &UserDetail, action: &BulkAction) -> Result<Step> {
    let held = user.license.as_ref().map(|l| l.product_name.clone());
    Ok(match (action, held) {
        (BulkAction::Assign { .. }, None) => Step::Assign,
        (BulkAction::Assign { .. }, Some(held)) => Step::Skip(format!("already holds {held}")),
        (BulkAction::Change { .. } | BulkAction::Remove, None) => {
            Step::Skip("holds no license".to_owned())
        }
        (BulkAction::Change { product_id }, Some(held)) => {
            if user
                .license
                .as_ref()
                .is_some_and(|l| l.product_id == *product_id)
            {
                Step::Skip(format!("already holds {held}"))
            } else if change_plan(conn, user, *product_id)?.kind == ChangeKind::SameFamily {
                Step::Move(*product_id)
            } else {
                Step::Replace(*product_id, Box::new(impact(conn, user)?))
            }
        }
        (BulkAction::Remove, Some(_)) => Step::Remove(Box::new(impact(conn, user)?)),
    })
}

fn target(action: &BulkAction) -> Option<i64> {
    match action {
        BulkAction::Assign { product_id } | BulkAction::Change { product_id } => Some(*product_id),
        BulkAction::Remove => None,
    }
}

/// The selected users, each once, read in one statement.
fn load_users(conn: Sql<'_>, ids: &[i64]) -> Result<Vec<UserDetail>> {
    if ids.is_empty() {
        return Err(Error::invalid(Field::Users, "select at least one user."));
    }
    directory::user_details(conn, ids)
}

/// The preview, and the users and steps it was made of (what applying does).
struct Plan {
    preview: BulkPreview,
    users: Vec<UserDetail>,
    steps: Vec<Step>,
}

fn preview(conn: Sql<'_>, req: &BulkRequest) -> Result<BulkPreview> {
    Ok(plan(conn, req)?.preview)
}

fn plan(conn: Sql<'_>, req: &BulkRequest) -> Result<Plan> {
    let users = load_users(conn, &req.user_ids)?;
    let product = target(&req.action)
        .map(|p| product_name(conn, p))
        .transpose()?;
    let to = product.clone().unwrap_or_default();
    let mut lines = Vec::with_capacity(users.len());
    let mut steps = Vec::with_capacity(users.len());
    let (mut totals, mut deleting) = ([0i64; DELETED_TABLES.len()], 0);
    for user in &users {
        let s = step(conn, user, &req.action)?;
        let from = user
            .license
            .as_ref()
            .map(|l| l.product_name.clone())
            .unwrap_or_default();
        let deletes = matches!(s, Step::Replace(..) | Step::Remove(_));
        if let Step::Replace(_, impact) | Step::Remove(impact) = &s {
            // In DELETED_TABLES' order, as the impact lists them.
            for (t, kind) in totals.iter_mut().zip(&impact.deleted) {
                *t += kind.count;
            }
            deleting += 1;
        }
        let outcome = match &s {
            Step::Skip(why) => format!("Skipped: {why}."),
            Step::Assign => format!("Gets {to}."),
            Step::Move(_) => {
                format!("Moves from {from} to {to}; keeps number, voicemail and history.")
            }
            Step::Replace(..) => {
                format!("Changes from {from} to {to}, another license type: its data is deleted.")
            }
            Step::Remove(_) => {
                format!("Loses {from}: its data is deleted, number and extension released.")
            }
        };
        lines.push(BulkLine {
            user_id: user.id,
            name: user.full_name(),
            outcome,
            applies: !matches!(s, Step::Skip(_)),
            deletes_data: deletes,
        });
        steps.push(s);
    }
    let applies = lines.iter().filter(|l| l.applies).count() as i64;
    let (seats_needed, seats_available) = match target(&req.action) {
        Some(p) => (applies, seat_tallies::available(conn, p)?),
        None => (0, 0),
    };
    let shortfall = (seats_needed > seats_available).then(|| {
        format!(
            "{seats_needed} {to} licenses are needed and {seats_available} are free: purchase {} more, or select fewer users.",
            seats_needed - seats_available
        )
    });
    let data_loss = (deleting > 0).then(|| {
        // Built from the deletion's own table list, so no kind is deleted unmentioned.
        let labels: Vec<String> = DELETED_TABLES
            .iter()
            .zip(totals)
            .map(|(t, n)| t.describe(n))
            .collect();
        let (last, rest) = labels.split_last().expect("a removal deletes something");
        format!(
            "Deletes the data of {deleting} user{}: {} and {last}. Call recordings are kept; a safety archive of each user is kept {SAFETY_ARCHIVE_DAYS} days.",
            if deleting == 1 { "" } else { "s" },
            rest.join(", "),
        )
    });
    Ok(Plan {
        preview: BulkPreview {
            lines,
            applies,
            seats_needed,
            seats_available,
            shortfall,
            deleting,
            data_loss,
        },
        users,
        steps,
    })
}

/// A bulk removal needs the removal permission; assigning or changing, the assigning one.
fn audit_action(req: &BulkRequest) -> Action {
    match req.action {
        BulkAction::Remove => Action::LicenseBulkRemove,
        _ => Action::LicenseBulk,
    }
}

impl Org {
    pub fn bulk_preview(&self, actor: Actor, req: &BulkRequest) -> Result<BulkPreview> {
        self.read_sql(actor, audit_action(req).permission(), |db| preview(db, req))
    }

    /// One ZIP with a folder per selected user who holds a license: the export before a bulk
    /// removal. `progress` counts the users; cancelled, it leaves no file at `dest`.
    pub fn export_users_data(
        &mut self,
        actor: Actor,
        user_ids: &[i64],
        dest: &std::path::Path,
        progress: &mut dyn crate::base::progress::Progress,
    ) -> Result<BundleReceipt> {
        // On a server the change may run again: the ZIP is then written again, from the
        // snapshot that commits.
        self.change_sql(actor, Action::UserExport, |tx, ctx| {
            let users: Vec<UserDetail> = load_users(tx, user_ids)?
                .into_iter()
                .filter(|u| u.license.is_some())
                .collect();
            let receipt = bundle::write_many(tx, &users, ctx.now, "export", dest, progress)?;
            let mut entry = AuditEntry::new(Action::UserExport.key());
            entry.after = Some(json!({ "path": receipt.path, "sha256": receipt.sha256,
                "users": users.iter().map(|u| u.id).collect::<Vec<_>>() }));
            ctx.audit(tx, &entry)?;
            Ok(receipt)
        })
    }

    /// Applies the action to every user it applies to, in one transaction, or to none.
    pub fn bulk_apply(&mut self, actor: Actor, req: &BulkRequest) -> Result<BulkReceipt> {
        let mut archive = self.archive_plan();
        let action = audit_action(req);
        let result = self.change_sql(actor, action, |tx, ctx| {
            let Plan {
                preview: p,
                users,
                steps,
            } = plan(tx, req)?;
            if let Some(short) = p.shortfall {
                return Err(Error::invalid(Field::License, short));
            }
            if p.deleting > 0 {
                ctx.require(tx, Permission::LicensesRemove)?;
            }
            // Assignments take the lowest free seats, read at once (enough: no shortfall).
            let (to, mut free) = match req.action {
                BulkAction::Assign { product_id } => (
                    product_name(tx, product_id)?,
                    free_seats(tx, product_id, p.applies as usize)?.into_iter(),
                ),
                _ => (String::new(), Vec::new().into_iter()),
            };
            // Each removed user's archive and audit entries are written in the loop; their
            // data, numbers, extensions and seats are released after it, a statement per
            // table for all of them (removal.rs, `release_data_in`, says why). The audit
            // entries come in the same order and with the same content as one by one.
            let mut released = Vec::new();
            let mut seats_back = Vec::new();
            let mut archive_ids = Vec::new();
            for (user, step) in users.iter().zip(steps) {
                match step {
                    Step::Skip(_) => continue,
                    Step::Assign => {
                        let seat = free.next().ok_or_else(|| {
                            Error::Internal("fewer free seats than counted".to_owned())
                        })?;
                        give_seat(tx, ctx, user, &to, seat)?;
                    }
                    Step::Move(product) => {
                        let cp = change_plan(tx, user, product)?;
                        move_within_family_in(tx, ctx, user, &cp, product)?;
                    }
                    Step::Replace(product, impact) => {
                        let (stored, id) = store_archive_in(tx, ctx, user, &mut archive)?;
                        // The old seat back now: a user holds one seat, and the new one is
                        // given here (seats of the target are taken in the users' order).
                        seats::release_held_by(tx, user.id)?;
                        audit_removal_in(tx, ctx, user, &impact, &stored)?;
                        archive_ids.push(id);
                        released.push(user.id);
                        // Only `id` and the name of `user` are read.
                        assign_in(tx, ctx, user, product)?;
                    }
                    Step::Remove(impact) => {
                        let (stored, id) = store_archive_in(tx, ctx, user, &mut archive)?;
                        audit_removal_in(tx, ctx, user, &impact, &stored)?;
                        archive_ids.push(id);
                        released.push(user.id);
                        seats_back.push(user.id);
                    }
                }
                directory::bump_version(tx, user.id, ctx)?;
            }
            let archives = released.len() as i64;
            release_data_in(tx, &released)?;
            if release_seats_in(tx, &seats_back)? != seats_back.len() as u64 {
                return Err(Error::Internal("a removed user held no seat".to_owned()));
            }
            // One restore can bring the whole bulk removal back (restore.rs).
            if archive_ids.len() > 1 {
                safety_archives::link_batch(tx, &archive_ids)?;
            }
            let mut entry = AuditEntry::new(action.key());
            entry.after = Some(json!({ "action": req.action, "applied": p.applies,
                "skipped": p.lines.len() as i64 - p.applies }));
            ctx.audit(tx, &entry)?;
            let skipped = p.lines.len() as i64 - p.applies;
            Ok(BulkReceipt {
                applied: p.applies,
                skipped,
                safety_archives: archives,
                message: format!(
                    "Done for {} user{}{}.",
                    p.applies,
                    if p.applies == 1 { "" } else { "s" },
                    if skipped > 0 {
                        format!("; {skipped} skipped")
                    } else {
                        String::new()
                    }
                ),
            })
        });
        archive.kept_only_if_ok(result)
    }
}

#[cfg(test)]
mod tests;
