//! Changing a user's license. Within a family (license type) the user moves to a seat of the
//! new product and keeps everything; features the new product lacks are switched off with
//! their data kept. Across families it is a removal and an assignment (and optionally a
//! cancellation of the old license), checked first and committed together or not at all.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::domain::billing::{request_cancellation_in, CostPreview, SeatChange};
use crate::domain::licenses::inventory::{assign_in, free_seat, product_name};
use crate::domain::licenses::removal::{remove_in, ArchivePlan, RemovalImpact, Removed};
use crate::domain::users::bundle::BundleReceipt;
use crate::domain::users::directory::{self, UserDetail};
use crate::domain::users::features::{product_features, Feature, LicenseFamily};
use crate::kernel::action::Action;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::engine::Sql;
use crate::storage::tables::{forwarding_rules, products, seat_tallies, seats, voicemail_settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Same license type: everything is kept.
    SameFamily,
    /// Another license type: the old license is removed (with its data) first.
    OtherFamily,
}

/// What changing to `to_product` would do, shown before Save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChangePreview {
    pub kind: ChangeKind,
    pub from_product: String,
    pub to_product: String,
    #[ts(type = "number")]
    pub to_available: i64,
    pub gains: Vec<Feature>,
    pub loses: Vec<Feature>,
    /// For a change of license type: exactly what the removal deletes.
    pub removal: Option<RemovalImpact>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ChangeLicense {
    #[ts(type = "number")]
    pub user_id: i64,
    #[ts(type = "number")]
    pub product_id: i64,
    #[ts(type = "number")]
    pub expected_version: i64,
    /// Also request cancellation of the license given up (needs billing.manage).
    pub also_request_cancellation: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ChangeReceipt {
    pub user: UserDetail,
    pub message: String,
    pub safety_archive: Option<BundleReceipt>,
    pub cancellation: Option<CostPreview>,
}

pub(crate) struct Plan {
    pub kind: ChangeKind,
    pub(crate) from_id: i64,
    from: String,
    to: String,
    gains: Vec<Feature>,
    pub(crate) loses: Vec<Feature>,
}

fn family(db: Sql<'_>, product_id: i64) -> Result<LicenseFamily> {
    LicenseFamily::from_key(&products::family_key(db, product_id)?)
}

pub(crate) fn plan<'a>(conn: impl Into<Sql<'a>>, user: &UserDetail, to_id: i64) -> Result<Plan> {
    let conn = conn.into();
    let held = user.license.as_ref().ok_or_else(|| Error::NotLicensed {
        user: user.full_name(),
    })?;
    let to = product_name(conn, to_id)?;
    if held.product_id == to_id {
        return Err(Error::invalid(
            Field::License,
            format!("{} already holds {to}.", user.full_name()),
        ));
    }
    let before = product_features(conn, held.product_id)?;
    let after = product_features(conn, to_id)?;
    Ok(Plan {
        kind: if family(conn, to_id)? == held.family {
            ChangeKind::SameFamily
        } else {
            ChangeKind::OtherFamily
        },
        from_id: held.product_id,
        from: held.product_name.clone(),
        to,
        gains: after
            .iter()
            .filter(|f| !before.contains(f))
            .copied()
            .collect(),
        loses: before
            .iter()
            .filter(|f| !after.contains(f))
            .copied()
            .collect(),
    })
}

/// Moves the user to a free seat of another product of the same family, with its audit
/// entry. Features the new product lacks are switched off; their data stays for a later
/// upgrade. The caller bumps the user's version.
pub(crate) fn move_within_family_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    p: &Plan,
    to_id: i64,
) -> Result<()> {
    let tx = tx.into();
    let new_seat = free_seat(tx, to_id)?;
    seats::release_held_by(tx, user.id)?;
    seats::assign(tx, new_seat, user.id, ctx.now)?;
    if p.loses.contains(&Feature::Voicemail) {
        voicemail_settings::disable(tx, user.id)?;
    }
    if p.loses.contains(&Feature::CallForwarding) {
        forwarding_rules::disable_all(tx, user.id)?;
    }
    let label = user.full_name();
    let mut entry = AuditEntry::new(Action::LicenseChange.key());
    entry.target_user_id = Some(user.id);
    entry.target_label = Some(&label);
    entry.before = Some(json!({ "license": p.from }));
    entry.after = Some(json!({
        "license": p.to, "seat_id": new_seat, "gains": p.gains, "loses": p.loses,
    }));
    ctx.audit(tx, &entry)?;
    Ok(())
}

impl Org {
    pub fn change_preview(
        &self,
        actor: Actor,
        user_id: i64,
        product_id: i64,
    ) -> Result<ChangePreview> {
        self.read_sql(actor, Permission::LicensesAssign, |conn| {
            let user = directory::user_detail(conn, user_id)?;
            let p = plan(conn, &user, product_id)?;
            let to_available = seat_tallies::available(conn, product_id)?;
            // Nothing is offered, let alone removed, for a product with no free seat.
            if to_available == 0 {
                free_seat(conn, product_id)?;
            }
            let removal = match p.kind {
                ChangeKind::SameFamily => None,
                ChangeKind::OtherFamily => {
                    Some(crate::domain::licenses::removal::impact(conn, &user)?)
                }
            };
            Ok(ChangePreview {
                kind: p.kind,
                from_product: p.from,
                to_product: p.to,
                to_available,
                gains: p.gains,
                loses: p.loses,
                removal,
            })
        })
    }

    pub fn change_license(&mut self, actor: Actor, req: &ChangeLicense) -> Result<ChangeReceipt> {
        let mut archive = self.archive_plan();
        let today = self.today();
        let outcome = self.change_sql(actor, Action::LicenseChange, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            directory::check_version(tx, &user, req.expected_version)?;
            let changed = change_in(tx, ctx, &user, req, &mut archive, today)?;
            directory::bump_version(tx, user.id, ctx)?;
            Ok(ChangeReceipt {
                user: directory::user_detail(tx, user.id)?,
                message: changed.message(&user),
                safety_archive: changed.removed.as_ref().map(|r| r.archive.clone()),
                cancellation: changed.cancellation.clone(),
            })
        });
        archive.kept_only_if_ok(outcome)
    }
}

/// A change of license applied inside a transaction that has not committed yet.
pub(crate) struct Changed {
    plan: Plan,
    /// Across license types: the removal of the old license, with its safety archive.
    pub removed: Option<Removed>,
    pub cancellation: Option<CostPreview>,
}

impl Changed {
    /// The sentence for the status message.
    pub fn message(&self, user: &UserDetail) -> String {
        let p = &self.plan;
        let Some(removed) = &self.removed else {
            return format!(
                "{} moved from {} to {}; number, extension, voicemail, forwarding, devices and history are kept.",
                user.full_name(),
                p.from,
                p.to
            );
        };
        let billing = match &self.cancellation {
            Some(c) => format!(
                "Cancellation of the {} license requested: billed until {}.",
                p.from, c.effective_on
            ),
            None => removed.billing_note(),
        };
        format!(
            "{} changed from {} to {}. {billing}",
            user.full_name(),
            p.from,
            p.to
        )
    }

    /// The product whose seat went back to the pool still billed, if any.
    pub fn freed_product_id(&self) -> Option<i64> {
        match (&self.removed, &self.cancellation) {
            (Some(_), None) => Some(self.plan.from_id),
            _ => None,
        }
    }
}

/// Changes the user's license to `req.product_id` with its permissions and audit entries:
/// within a family a move, across families a removal (safety archive, data deleted) and an
/// assignment, with the optional cancellation of the old license. The caller checked the
/// user's version and bumps it.
pub(crate) fn change_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    req: &ChangeLicense,
    archive: &mut ArchivePlan,
    today: chrono::NaiveDate,
) -> Result<Changed> {
    let tx = tx.into();
    ctx.require(tx, Permission::LicensesAssign)?;
    let p = plan(tx, user, req.product_id)?;
    if req.also_request_cancellation {
        ctx.require(tx, Permission::BillingManage)?;
    }
    // The target must have a free seat before anything is given up.
    free_seat(tx, req.product_id)?;
    let cancel_old = |tx: Sql<'_>| -> Result<Option<CostPreview>> {
        if !req.also_request_cancellation {
            return Ok(None);
        }
        let request = SeatChange {
            product_id: p.from_id,
            quantity: "1".to_owned(),
        };
        request_cancellation_in(tx, ctx, today, &request).map(Some)
    };
    match p.kind {
        ChangeKind::SameFamily => {
            move_within_family_in(tx, ctx, user, &p, req.product_id)?;
            let cancellation = cancel_old(tx)?;
            Ok(Changed {
                plan: p,
                removed: None,
                cancellation,
            })
        }
        ChangeKind::OtherFamily => {
            ctx.require(tx, Permission::LicensesRemove)?;
            let removed = remove_in(tx, ctx, user, archive)?;
            let cancellation = cancel_old(tx)?;
            assign_in(tx, ctx, user, req.product_id)?;
            Ok(Changed {
                plan: p,
                removed: Some(removed),
                cancellation,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, product_id, sign_in, user_on};

    fn counts(org: &Org, product: &str) -> (i64, i64, i64) {
        let admin = Actor { account_id: 1 };
        let p = org
            .license_inventory(admin)
            .unwrap()
            .into_iter()
            .find(|p| p.name == product)
            .unwrap();
        (p.purchased, p.assigned, p.available)
    }

    fn data_rows(org: &Org, user_id: i64) -> i64 {
        org.conn()
            .query_row(
                "SELECT (SELECT count(*) FROM call_history WHERE user_id = ?1)
                      + (SELECT count(*) FROM voicemails WHERE user_id = ?1)
                      + (SELECT count(*) FROM device_activations WHERE user_id = ?1)
                      + (SELECT count(*) FROM voicemail_settings WHERE user_id = ?1)",
                [user_id],
                |r| r.get(0),
            )
            .unwrap()
    }

    fn req(org: &Org, user: &UserDetail, product: &str, cancel: bool) -> ChangeLicense {
        ChangeLicense {
            user_id: user.id,
            product_id: product_id(org, product),
            expected_version: user.version,
            also_request_cancellation: cancel,
        }
    }

    fn archives(org: &Org) -> usize {
        std::fs::read_dir(&org.archive_dir)
            .map(|d| d.count())
            .unwrap_or(0)
    }

    #[test]
    fn a_change_within_the_family_keeps_everything_and_moves_one_seat() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_on(&org, "Voice Pro");
        let rows = data_rows(&org, user.id);
        let (pro, ess) = (counts(&org, "Voice Pro"), counts(&org, "Voice Essentials"));
        let preview = org
            .change_preview(admin, user.id, product_id(&org, "Voice Essentials"))
            .unwrap();
        assert_eq!(preview.kind, ChangeKind::SameFamily);
        assert_eq!(
            preview.loses,
            vec![Feature::CallRecording, Feature::DesktopApp]
        );
        assert!(preview.gains.is_empty() && preview.removal.is_none());
        let done = org
            .change_license(admin, &req(&org, &user, "Voice Essentials", false))
            .unwrap();
        assert_eq!(
            done.user.license.as_ref().unwrap().product_name,
            "Voice Essentials"
        );
        assert_eq!(done.user.extension, user.extension);
        assert_eq!(done.user.phone_number, user.phone_number);
        assert_eq!(
            done.user.features,
            vec![
                Feature::Calling,
                Feature::Voicemail,
                Feature::CallForwarding,
                Feature::MobileApp
            ]
        );
        assert_eq!(data_rows(&org, user.id), rows);
        assert_eq!(counts(&org, "Voice Pro"), (pro.0, pro.1 - 1, pro.2 + 1));
        assert_eq!(
            counts(&org, "Voice Essentials"),
            (ess.0, ess.1 + 1, ess.2 - 1)
        );
        assert_eq!(
            archives(&org),
            0,
            "nothing was removed, so nothing was archived"
        );
    }

    #[test]
    fn a_change_to_a_full_product_is_refused_and_changes_nothing_in_either_kind() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_on(&org, "Voice Pro");
        // Make Voice Enterprise full too.
        org.conn()
            .execute(
                "UPDATE seats SET status = 'pending_cancellation', cancel_effective_on = '2099-01-01'
                 WHERE status = 'available' AND product_id = ?1",
                [product_id(&org, "Voice Enterprise")],
            )
            .unwrap();
        let rows = data_rows(&org, user.id);
        for target in ["Voice Enterprise", "Contact Center Agent"] {
            let before = counts(&org, "Voice Pro");
            let err = org
                .change_license(admin, &req(&org, &user, target, false))
                .unwrap_err();
            assert_eq!(err.code(), "no_license_available", "{target}");
            assert!(err.to_string().contains(target));
            assert_eq!(counts(&org, "Voice Pro"), before);
            assert_eq!(data_rows(&org, user.id), rows);
            assert_eq!(archives(&org), 0);
        }
    }

    #[test]
    fn a_change_of_type_removes_the_data_then_assigns_in_one_step() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_on(&org, "Voice Pro");
        let (pro, meet) = (counts(&org, "Voice Pro"), counts(&org, "Meetings Plus"));
        let preview = org
            .change_preview(admin, user.id, product_id(&org, "Meetings Plus"))
            .unwrap();
        assert_eq!(preview.kind, ChangeKind::OtherFamily);
        assert!(preview.removal.as_ref().unwrap().call_history > 0);
        let done = org
            .change_license(admin, &req(&org, &user, "Meetings Plus", false))
            .unwrap();
        assert_eq!(
            done.user.license.as_ref().unwrap().product_name,
            "Meetings Plus"
        );
        assert!(done.user.extension.is_none() && done.user.phone_number.is_none());
        assert_eq!(data_rows(&org, user.id), 0);
        assert!(std::path::Path::new(&done.safety_archive.unwrap().path).exists());
        assert_eq!(counts(&org, "Voice Pro"), (pro.0, pro.1 - 1, pro.2 + 1));
        assert_eq!(
            counts(&org, "Meetings Plus"),
            (meet.0, meet.1 + 1, meet.2 - 1)
        );
        assert!(done.message.contains("still billed"));
    }

    #[test]
    fn a_change_of_type_can_also_request_cancellation_of_the_old_license() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_on(&org, "Voice Pro");
        let pro = counts(&org, "Voice Pro");
        let done = org
            .change_license(admin, &req(&org, &user, "Meetings Plus", true))
            .unwrap();
        let cancelled = done.cancellation.unwrap();
        assert_eq!(
            (cancelled.product_name.as_str(), cancelled.quantity),
            ("Voice Pro", 1)
        );
        // The seat given up is pending cancellation, not available.
        assert_eq!(counts(&org, "Voice Pro"), (pro.0, pro.1 - 1, pro.2));
    }

    #[test]
    fn cancelling_needs_billing_manage_and_a_refusal_changes_nothing() {
        let (_dir, mut org) = demo_org();
        let it = sign_in(&mut org, "sam.okafor");
        let user = user_on(&org, "Voice Pro");
        let rows = data_rows(&org, user.id);
        let err = org
            .change_license(it, &req(&org, &user, "Meetings Plus", true))
            .unwrap_err();
        assert_eq!(err.code(), "permission_denied");
        assert!(err.to_string().contains("Manage billing"), "{err}");
        assert_eq!(data_rows(&org, user.id), rows);
        assert_eq!(archives(&org), 0);
        let refused: i64 = org
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'license.change' AND outcome = 'refused'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(refused, 1);
        // Without the cancellation, IT Admin may change the type.
        assert!(org
            .change_license(it, &req(&org, &user, "Meetings Plus", false))
            .is_ok());
    }

    #[test]
    fn when_the_assignment_step_fails_the_removal_is_rolled_back_too() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_on(&org, "Voice Pro");
        let rows = data_rows(&org, user.id);
        let (pro, meet) = (counts(&org, "Voice Pro"), counts(&org, "Meetings Plus"));
        org.conn()
            .execute_batch(
                "CREATE TRIGGER fail_assign BEFORE INSERT ON audit_log WHEN NEW.action = 'license.assign'
                 BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
            )
            .unwrap();
        let err = org
            .change_license(admin, &req(&org, &user, "Meetings Plus", true))
            .unwrap_err();
        assert_eq!(err.code(), "database");
        assert_eq!(data_rows(&org, user.id), rows);
        assert_eq!(counts(&org, "Voice Pro"), pro);
        assert_eq!(counts(&org, "Meetings Plus"), meet);
        let after = directory::user_detail(org.conn(), user.id).unwrap();
        assert_eq!(
            (after.version, &after.extension),
            (user.version, &user.extension)
        );
        assert_eq!(
            archives(&org),
            0,
            "the safety archive of a failed change is discarded"
        );
        let requests: i64 = org
            .conn()
            .query_row("SELECT count(*) FROM cancellation_requests", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(requests, 0);
    }

    #[test]
    fn a_stale_editor_is_refused_naming_who_changed_the_user() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let it = sign_in(&mut org, "sam.okafor");
        let user = user_on(&org, "Voice Pro");
        org.change_license(it, &req(&org, &user, "Voice Enterprise", false))
            .unwrap();
        let err = org
            .change_license(admin, &req(&org, &user, "Voice Essentials", false))
            .unwrap_err();
        assert_eq!(err.code(), "stale_version");
        assert!(err.to_string().contains("Sam Okafor"));
        let now = directory::user_detail(org.conn(), user.id).unwrap();
        assert_eq!(
            now.license.as_ref().unwrap().product_name,
            "Voice Enterprise"
        );
    }
}

/// License changes on both storage engines (docs/ARCHITECTURE.md §Server): within a type a
/// move that keeps everything, across types a removal (with its safety archive) and an
/// assignment, with the old seat's cancellation when asked, and the same refusals.
#[cfg(all(test, feature = "server"))]
mod on_both_engines {

    use super::*;
    use crate::tests::engines::{chain_intact, ids, number, same_on_each_engine};
    use crate::tests::testing::sign_in;

    #[test]
    fn changes_within_and_across_types_are_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let it_admin = sign_in(org, "sam.okafor");
            let product = |org: &Org, name: &str| {
                number(org, "SELECT id FROM products WHERE name = ?1", &[&name])
            };
            let (essentials, meetings) = (
                product(org, "Voice Essentials"),
                product(org, "Meetings Plus"),
            );
            let on_pro = ids(
                org,
                "SELECT s.user_id FROM seats s JOIN products p ON p.id = s.product_id
                 WHERE p.name = 'Voice Pro' AND s.user_id IS NOT NULL ORDER BY s.user_id",
            );
            let (first, second) = (
                org.user(admin, on_pro[0]).unwrap(),
                org.user(admin, on_pro[1]).unwrap(),
            );

            // Within the type: a move; what Essentials lacks is switched off, nothing deleted.
            let within = org.change_preview(admin, first.id, essentials).unwrap();
            assert_eq!(within.kind, ChangeKind::SameFamily, "{engine}");
            let moved = org
                .change_license(admin, &ChangeLicense::of(&first, essentials))
                .unwrap();
            assert!(moved.safety_archive.is_none(), "{engine}");
            assert_eq!(
                (
                    moved.user.extension.as_ref(),
                    moved.user.phone_number.as_ref()
                ),
                (first.extension.as_ref(), first.phone_number.as_ref()),
                "{engine}"
            );

            // Across types with the old seat's cancellation: an IT Admin may not cancel.
            let across = ChangeLicense {
                also_request_cancellation: true,
                ..ChangeLicense::of(&second, meetings)
            };
            let inventory = org.license_inventory(admin).unwrap();
            match org.change_license(it_admin, &across) {
                Err(Error::PermissionDenied { .. }) => {}
                other => panic!("{engine}: an IT Admin's cancellation gave {other:?}"),
            }
            assert_eq!(org.license_inventory(admin).unwrap(), inventory, "{engine}");
            assert_eq!(org.user(admin, second.id).unwrap().version, second.version);
            let preview = org.change_preview(admin, second.id, meetings).unwrap();
            assert_eq!(preview.kind, ChangeKind::OtherFamily, "{engine}");
            let changed = org.change_license(admin, &across).unwrap();
            let cancellation = changed.cancellation.as_ref().unwrap();
            assert_eq!(
                (cancellation.product_name.as_str(), cancellation.quantity),
                ("Voice Pro", 1),
                "{engine}"
            );
            assert!(changed.safety_archive.is_some(), "{engine}");
            let archived = number(
                org,
                "SELECT count(*) FROM safety_archives WHERE user_id = ?1 AND zip IS NOT NULL",
                &[&second.id],
            );
            assert_eq!(archived, 1, "{engine}");
            assert!(chain_intact(org), "{engine}");

            (
                within,
                moved.message,
                moved.user.features,
                preview,
                changed.message,
                changed
                    .user
                    .license
                    .as_ref()
                    .map(|l| l.product_name.clone()),
                org.license_inventory(admin).unwrap(),
            )
        });
    }
}
