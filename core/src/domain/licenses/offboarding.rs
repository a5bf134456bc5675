//! Offboarding a user who leaves, in the order that loses nothing: the user's data goes to
//! the safety archive, then the license is removed, the number and extension released, and
//! the user deactivated. One transaction: all of it or none.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::domain::licenses::removal::remove_in;
use crate::domain::setup::guard::audit_setup;
use crate::domain::users::bundle::BundleReceipt;
use crate::domain::users::directory::{self, UserDetail, UserStatus};
use crate::kernel::action::Action;
use crate::kernel::org::{Actor, Org};
use crate::storage::engine::Sql;
use crate::storage::tables::{phone_numbers, users};

#[derive(Debug, Clone, Deserialize, TS)]
pub struct OffboardUser {
    #[ts(type = "number")]
    pub user_id: i64,
    #[ts(type = "number")]
    pub expected_version: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct OffboardReceipt {
    pub user: UserDetail,
    /// What was done, in order, as sentences.
    pub steps: Vec<String>,
    pub safety_archive: Option<BundleReceipt>,
}

impl Org {
    pub fn offboard_user(&mut self, actor: Actor, req: &OffboardUser) -> Result<OffboardReceipt> {
        let mut plan = self.archive_plan();
        let outcome = self.change_sql(actor, Action::UserOffboard, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            directory::check_version(tx, &user, req.expected_version)?;
            let holds_number = user.phone_number.is_some() || user.extension.is_some();
            if user.status == UserStatus::Suspended && user.license.is_none() && !holds_number {
                return Err(Error::invalid(
                    Field::Status,
                    format!(
                        "{} is already deactivated and holds no license or number.",
                        user.full_name()
                    ),
                ));
            }
            let mut steps = Vec::new();
            let mut archive = None;
            if user.license.is_some() {
                ctx.require(tx, Permission::LicensesRemove)?;
                let removed = remove_in(tx, ctx, &user, &mut plan)?;
                steps.push(format!(
                    "Exported {}'s data to the safety archive {}.",
                    user.full_name(),
                    removed.archive.path
                ));
                steps.push(format!(
                    "Removed the {} license. {}",
                    removed.impact.product_name,
                    removed.billing_note()
                ));
                archive = Some(removed.archive);
            }
            let user = finish(tx, ctx, &user, holds_number, &mut steps)?;
            Ok(OffboardReceipt {
                user,
                steps,
                safety_archive: archive,
            })
        });
        plan.kept_only_if_ok(outcome)
    }
}

/// Releases number and extension (a removal already has), and deactivates the user.
fn finish(
    tx: Sql<'_>,
    ctx: &crate::kernel::org::ChangeContext<'_>,
    user: &UserDetail,
    holds_number: bool,
    steps: &mut Vec<String>,
) -> Result<UserDetail> {
    if holds_number {
        ctx.require(tx, Permission::NumbersManage)?;
        phone_numbers::release_held_by(tx, user.id)?;
        users::set_extension(tx, user.id, None)?;
        let released: Vec<String> = [
            user.phone_number.as_ref().map(|n| format!("number {n}")),
            user.extension.as_ref().map(|e| format!("extension {e}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        audit_setup(
            tx,
            ctx,
            "number.release",
            user,
            json!({ "extension": user.extension, "phone_number": user.phone_number }),
            json!({ "extension": null, "phone_number": null }),
        )?;
        steps.push(format!("Released {}.", released.join(" and ")));
    }
    users::suspend(tx, user.id)?;
    audit_setup(
        tx,
        ctx,
        "user.deactivate",
        user,
        json!({ "status": user.status }),
        json!({ "status": UserStatus::Suspended }),
    )?;
    steps.push(format!("Deactivated {}.", user.full_name()));
    directory::bump_version(tx, user.id, ctx)?;
    directory::user_detail(tx, user.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{
        audit_since, demo_org, last_audit_id, sign_in, snapshot, user_with_all_data,
    };

    #[test]
    fn offboarding_exports_removes_releases_and_deactivates_in_that_order() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "sam.okafor");
        let user = user_with_all_data(&org);
        let (number, ext) = (
            user.phone_number.clone().unwrap(),
            user.extension.clone().unwrap(),
        );
        let mark = last_audit_id(&org);
        let receipt = org.offboard_user(admin, &OffboardUser::of(&user)).unwrap();
        assert_eq!(
            audit_since(&org, mark)
                .into_iter()
                .map(|(action, _)| action)
                .collect::<Vec<_>>(),
            ["license.remove", "number.release", "user.deactivate"]
        );
        assert_eq!(receipt.steps.len(), 4);
        assert!(receipt.steps[0].starts_with("Exported"));
        assert!(receipt.steps[2].contains(&number) && receipt.steps[2].contains(&ext));
        let after = receipt.user;
        assert_eq!(after.status, UserStatus::Suspended);
        assert!(
            after.license.is_none() && after.phone_number.is_none() && after.extension.is_none()
        );
        let archive = receipt.safety_archive.unwrap();
        assert!(std::path::Path::new(&archive.path).is_file());
        assert!(archive.files > 1, "the archive holds the user's data");
        // The number is back in the pool for someone else.
        let status: String = org
            .conn()
            .query_row(
                "SELECT status FROM phone_numbers WHERE e164 = ?1",
                [&number],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(status, "available");
    }

    #[test]
    fn a_role_without_license_removal_changes_nothing_and_a_second_offboarding_is_refused() {
        let (_dir, mut org) = demo_org();
        let user = user_with_all_data(&org);
        let helpdesk = sign_in(&mut org, "priya.nair");
        let tables = [
            "users",
            "seats",
            "phone_numbers",
            "voicemails",
            "call_history",
        ];
        let before = snapshot(&org, &tables);
        let req = OffboardUser::of(&user);
        assert_eq!(
            org.offboard_user(helpdesk, &req).unwrap_err().code(),
            "permission_denied"
        );
        assert_eq!(snapshot(&org, &tables), before);
        assert_eq!(
            std::fs::read_dir(&org.archive_dir)
                .map(|d| d.count())
                .unwrap_or(0),
            0
        );
        let admin = sign_in(&mut org, "dana.reyes");
        let done = org.offboard_user(admin, &req).unwrap().user;
        let again = OffboardUser {
            user_id: user.id,
            expected_version: done.version,
        };
        assert_eq!(
            org.offboard_user(admin, &again)
                .unwrap_err()
                .payload()
                .field
                .as_deref(),
            Some("status")
        );
    }
}

/// Offboarding on both storage engines (docs/ARCHITECTURE.md §Server).
#[cfg(all(test, feature = "server"))]
mod on_both_engines {

    use super::*;
    use crate::tests::engines::{chain_intact, ids, number, same_on_each_engine};
    use crate::tests::testing::sign_in;

    #[test]
    fn offboarding_archives_removes_releases_and_deactivates_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let helpdesk = sign_in(org, "priya.nair");
            let leaver = ids(
                org,
                "SELECT s.user_id FROM seats s JOIN phone_numbers n ON n.user_id = s.user_id
                 WHERE s.user_id IS NOT NULL ORDER BY s.user_id",
            )[0];
            let user = org.user(admin, leaver).unwrap();
            let number_held = user.phone_number.clone().unwrap();
            let entries = number(org, "SELECT count(*) FROM audit_log", &[]);
            match org.offboard_user(helpdesk, &OffboardUser::of(&user)) {
                Err(Error::PermissionDenied { .. }) => {}
                other => panic!("{engine}: a Helpdesk offboarding gave {other:?}"),
            }
            assert_eq!(org.user(admin, leaver).unwrap().version, user.version);
            assert_eq!(
                number(org, "SELECT count(*) FROM audit_log", &[]),
                entries + 1
            );

            let done = org.offboard_user(admin, &OffboardUser::of(&user)).unwrap();
            assert_eq!(done.user.status, UserStatus::Suspended, "{engine}");
            assert!(done.user.license.is_none() && done.user.phone_number.is_none());
            let free = number(
                org,
                "SELECT count(*) FROM phone_numbers WHERE e164 = ?1 AND status = 'available'",
                &[&number_held],
            );
            assert_eq!(free, 1, "{engine}: the number is free again");
            assert!(done.safety_archive.is_some(), "{engine}");
            assert!(chain_intact(org), "{engine}");
            // Every step but the first, which names where the archive is.
            (done.steps[1..].to_vec(), done.user.version)
        });
    }
}
