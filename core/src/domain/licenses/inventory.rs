//! License products, their seats, and assigning a seat to a user.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::permission::Permission;
use crate::domain::users::directory::{self, UserDetail};
use crate::domain::users::features::{product_features, Feature, LicenseFamily};
use crate::kernel::action::Action;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::engine::Sql;
use crate::storage::tables::{products, seats};

/// One product with its seat counts, always counted from the seat rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProductInventory {
    #[ts(type = "number")]
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub family: LicenseFamily,
    pub features: Vec<Feature>,
    #[ts(type = "number")]
    pub monthly_price_cents: i64,
    /// Seats bought and not yet cancelled: assigned + available + pending cancellation.
    #[ts(type = "number")]
    pub purchased: i64,
    #[ts(type = "number")]
    pub assigned: i64,
    #[ts(type = "number")]
    pub available: i64,
    #[ts(type = "number")]
    pub pending_cancellation: i64,
    /// Every seat still billed, assigned or not.
    #[ts(type = "number")]
    pub monthly_cost_cents: i64,
}

/// A request to give a user a license, made against the version of the user the admin saw.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AssignLicense {
    #[ts(type = "number")]
    pub user_id: i64,
    #[ts(type = "number")]
    pub product_id: i64,
    #[ts(type = "number")]
    pub expected_version: i64,
}

/// Counts as of `today`: a cancellation whose date has come no longer counts, even before
/// the seats are marked cancelled. Assigned and available come from `seat_tallies`, which
/// triggers keep equal to the seat rows (migration 0005; tested below).
fn inventory(db: Sql<'_>, today: &str) -> Result<Vec<ProductInventory>> {
    products::inventory(db, today)?
        .into_iter()
        .map(|p| {
            let purchased = p.assigned + p.available + p.pending_cancellation;
            Ok(ProductInventory {
                product_id: p.id,
                sku: p.sku,
                name: p.name,
                family: LicenseFamily::from_key(&p.family)?,
                features: product_features(db, p.id)?,
                monthly_price_cents: p.monthly_price_cents,
                purchased,
                assigned: p.assigned,
                available: p.available,
                pending_cancellation: p.pending_cancellation,
                monthly_cost_cents: purchased * p.monthly_price_cents,
            })
        })
        .collect()
}

impl Org {
    pub fn license_inventory(&self, actor: Actor) -> Result<Vec<ProductInventory>> {
        let today = self.clock.now().date_naive().to_string();
        self.read_sql(actor, Permission::LicensesView, |db| inventory(db, &today))
    }

    /// Gives the user the lowest-numbered available seat of the product, in one transaction
    /// with its audit entry.
    pub fn assign_license(&mut self, actor: Actor, req: &AssignLicense) -> Result<UserDetail> {
        self.change_sql(actor, Action::LicenseAssign, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            directory::check_version(tx, &user, req.expected_version)?;
            assign_in(tx, ctx, &user, req.product_id)?;
            directory::bump_version(tx, user.id, ctx)?;
            directory::user_detail(tx, user.id)
        })
    }
}

pub(crate) fn product_name<'a>(db: impl Into<Sql<'a>>, product_id: i64) -> Result<String> {
    products::name(db.into(), product_id)?.ok_or(Error::NotFound {
        what: "Product",
        id: product_id,
    })
}

/// The `n` lowest-numbered free seats of the product (fewer if there are fewer).
pub(crate) fn free_seats<'a>(
    db: impl Into<Sql<'a>>,
    product_id: i64,
    n: usize,
) -> Result<Vec<i64>> {
    seats::free_seats(db.into(), product_id, n)
}

/// The lowest-numbered free seat of the product, or the error that names the product.
pub(crate) fn free_seat<'a>(db: impl Into<Sql<'a>>, product_id: i64) -> Result<i64> {
    let db = db.into();
    let name = product_name(db, product_id)?;
    free_seats(db, product_id, 1)?
        .first()
        .copied()
        .ok_or(Error::NoLicenseAvailable { product: name })
}

/// Assigns a free seat of the product to a user who holds none, with its audit entry.
pub(crate) fn assign_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    product_id: i64,
) -> Result<i64> {
    let tx = tx.into();
    let product = product_name(tx, product_id)?;
    if let Some(held) = seats::held_product_name(tx, user.id)? {
        return Err(Error::AlreadyLicensed {
            user: user.full_name(),
            product: held,
        });
    }
    let seat_id = free_seat(tx, product_id)?;
    give_seat(tx, ctx, user, &product, seat_id)?;
    Ok(seat_id)
}

/// Gives a free seat to a user known to hold none, with the audit entry.
pub(crate) fn give_seat<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    product: &str,
    seat_id: i64,
) -> Result<()> {
    let tx = tx.into();
    seats::assign(tx, seat_id, user.id, ctx.now)?;
    let label = user.full_name();
    let mut entry = AuditEntry::new(Action::LicenseAssign.key());
    entry.target_user_id = Some(user.id);
    entry.target_label = Some(&label);
    entry.before = Some(json!({ "license": null }));
    entry.after = Some(json!({ "license": product, "seat_id": seat_id }));
    ctx.audit(tx, &entry)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::params;

    use super::*;
    use crate::tests::testing::{demo_org, product_id, sign_in, unlicensed_user};

    fn counts(org: &Org, actor: Actor, product: &str) -> (i64, i64, i64) {
        let inv = org.license_inventory(actor).unwrap();
        let p = inv.iter().find(|p| p.name == product).unwrap();
        (p.purchased, p.assigned, p.available)
    }

    fn audit_count(org: &Org) -> i64 {
        org.conn()
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn assigning_takes_the_lowest_available_seat_and_moves_the_counts_by_one() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = unlicensed_user(&org);
        let pid = product_id(&org, "Voice Pro");
        let lowest: i64 = org
            .conn()
            .query_row(
                "SELECT min(id) FROM seats WHERE product_id = ?1 AND status = 'available'",
                [pid],
                |r| r.get(0),
            )
            .unwrap();
        let before = counts(&org, admin, "Voice Pro");
        let detail = org
            .assign_license(admin, &AssignLicense::of(&user, pid))
            .unwrap();
        assert_eq!(detail.license.as_ref().unwrap().product_name, "Voice Pro");
        assert_eq!(detail.license.as_ref().unwrap().seat_id, lowest);
        assert_eq!(detail.version, user.version + 1);
        let after = counts(&org, admin, "Voice Pro");
        assert_eq!(after, (before.0, before.1 + 1, before.2 - 1));
    }

    #[test]
    fn the_audit_entry_is_written_with_the_change_and_names_actor_and_user() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = unlicensed_user(&org);
        let pid = product_id(&org, "Voice Pro");
        org.assign_license(admin, &AssignLicense::of(&user, pid))
            .unwrap();
        let (login, role, label, after): (String, String, String, String) = org
            .conn()
            .query_row(
                "SELECT account_login, role_name, target_label, after_json FROM audit_log
                 WHERE action = 'license.assign' AND outcome = 'ok' AND target_user_id = ?1",
                [user.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        assert_eq!(login, "dana.reyes");
        assert_eq!(role, "Super Admin");
        assert_eq!(label, user.full_name());
        assert!(after.contains("Voice Pro"));
        assert_eq!(
            crate::kernel::audit::first_broken_entry(org.conn()).unwrap(),
            None
        );
    }

    #[test]
    fn when_the_audit_entry_cannot_be_written_the_assignment_is_rolled_back() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = unlicensed_user(&org);
        let pid = product_id(&org, "Voice Pro");
        let before = counts(&org, admin, "Voice Pro");
        org.conn()
            .execute_batch(
                "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log
                 WHEN NEW.action = 'license.assign' BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
            )
            .unwrap();
        let err = org
            .assign_license(admin, &AssignLicense::of(&user, pid))
            .unwrap_err();
        assert_eq!(err.code(), "database");
        assert_eq!(counts(&org, admin, "Voice Pro"), before);
        assert!(directory::user_detail(org.conn(), user.id)
            .unwrap()
            .license
            .is_none());
    }

    #[test]
    fn no_free_seat_is_a_named_error_and_changes_nothing() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = unlicensed_user(&org);
        let pid = product_id(&org, "Contact Center Agent");
        let before = counts(&org, admin, "Contact Center Agent");
        assert_eq!(before.2, 0, "the demo has one product with no free seat");
        let audit_before = audit_count(&org);
        let err = org
            .assign_license(admin, &AssignLicense::of(&user, pid))
            .unwrap_err();
        assert_eq!(err.code(), "no_license_available");
        assert_eq!(
            err.to_string(),
            "No Contact Center Agent licenses are available. A new license must be purchased."
        );
        assert_eq!(counts(&org, admin, "Contact Center Agent"), before);
        assert_eq!(audit_count(&org), audit_before);
        let after = directory::user_detail(org.conn(), user.id).unwrap();
        assert_eq!(after.version, user.version);
        assert!(after.license.is_none());
    }

    #[test]
    fn a_role_without_the_permission_is_refused_the_refusal_is_audited_and_nothing_else_changes() {
        let (_dir, mut org) = demo_org();
        let helpdesk = sign_in(&mut org, "priya.nair");
        let user = unlicensed_user(&org);
        let pid = product_id(&org, "Voice Pro");
        let before = counts(&org, helpdesk, "Voice Pro");
        let err = org
            .assign_license(helpdesk, &AssignLicense::of(&user, pid))
            .unwrap_err();
        assert_eq!(err.code(), "permission_denied");
        assert!(err.to_string().contains("Assign and change licenses"));
        assert_eq!(counts(&org, helpdesk, "Voice Pro"), before);
        let refused: String = org
            .conn()
            .query_row(
                "SELECT account_login FROM audit_log WHERE action = 'license.assign' AND outcome = 'refused'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(refused, "priya.nair");
    }

    #[test]
    fn a_permission_taken_away_in_another_window_applies_at_once() {
        let (_dir, mut org) = demo_org();
        let it = sign_in(&mut org, "sam.okafor");
        org.conn()
            .execute(
                "DELETE FROM role_permissions WHERE permission = 'licenses.assign'
                 AND role_id = (SELECT id FROM roles WHERE name = 'IT Admin')",
                [],
            )
            .unwrap();
        let user = unlicensed_user(&org);
        let err = org
            .assign_license(it, &AssignLicense::of(&user, product_id(&org, "Voice Pro")))
            .unwrap_err();
        assert_eq!(err.code(), "permission_denied");
    }

    #[test]
    fn a_user_holds_at_most_one_license() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = unlicensed_user(&org);
        let assigned = org
            .assign_license(
                admin,
                &AssignLicense::of(&user, product_id(&org, "Voice Pro")),
            )
            .unwrap();
        let err = org
            .assign_license(
                admin,
                &AssignLicense {
                    user_id: user.id,
                    product_id: product_id(&org, "Meetings Plus"),
                    expected_version: assigned.version,
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), "already_licensed");
        assert!(err
            .to_string()
            .contains("already holds a Voice Pro license"));
    }

    #[test]
    fn a_stale_version_is_refused_naming_who_changed_the_user() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let it = sign_in(&mut org, "sam.okafor");
        let users = crate::tests::testing::unlicensed_users(&org);
        let (a, b) = (&users[0], &users[1]);
        org.assign_license(it, &AssignLicense::of(a, product_id(&org, "Voice Pro")))
            .unwrap();
        let err = org
            .assign_license(admin, &AssignLicense::of(a, product_id(&org, "Voice Pro")))
            .unwrap_err();
        assert_eq!(err.code(), "stale_version");
        assert!(err.to_string().contains("Sam Okafor"), "{err}");
        // An unrelated user is unaffected.
        assert!(org
            .assign_license(admin, &AssignLicense::of(b, product_id(&org, "Voice Pro")),)
            .is_ok());
    }

    #[test]
    fn unknown_user_or_product_is_not_found() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = unlicensed_user(&org);
        let err = org
            .assign_license(admin, &AssignLicense::of(&user, 9999))
            .unwrap_err();
        assert_eq!(err.code(), "not_found");
        let err = org
            .assign_license(
                admin,
                &AssignLicense {
                    user_id: 9999,
                    product_id: 1,
                    expected_version: 1,
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), "not_found");
    }

    #[test]
    fn two_windows_racing_for_the_last_seat_exactly_one_wins() {
        let (dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let pid = product_id(&org, "Voice Pro");
        // Leave exactly one Voice Pro seat free.
        org.conn()
            .execute(
                "UPDATE seats SET status = 'pending_cancellation', cancel_effective_on = '2099-01-01'
                 WHERE product_id = ?1 AND status = 'available'
                   AND id <> (SELECT min(id) FROM seats WHERE product_id = ?1 AND status = 'available')",
                [pid],
            )
            .unwrap();
        assert_eq!(counts(&org, admin, "Voice Pro").2, 1);
        let users = crate::tests::testing::unlicensed_users(&org);
        let path = dir.path().join("org.sqlite");
        for round in 0..5 {
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
            let handles: Vec<_> = users[..2]
                .iter()
                .map(|u| {
                    let (path, barrier) = (path.clone(), barrier.clone());
                    let req = AssignLicense::of(u, pid);
                    std::thread::spawn(move || {
                        let mut org = Org::open_with_system_clock(&path).unwrap();
                        barrier.wait();
                        org.assign_license(admin, &req).map_err(|e| e.code())
                    })
                })
                .collect();
            let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            let wins = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(wins, 1, "round {round}: {results:?}");
            assert!(results
                .iter()
                .any(|r| r.as_ref().err() == Some(&"no_license_available")));
            assert_eq!(counts(&org, admin, "Voice Pro").2, 0);
            // Free the seat again for the next round, the way a removal will.
            org.conn()
                .execute(
                    "UPDATE seats SET status = 'available', user_id = NULL, assigned_at = NULL
                     WHERE product_id = ?1 AND status = 'assigned' AND user_id IN (?2, ?3)",
                    params![pid, users[0].id, users[1].id],
                )
                .unwrap();
            org.conn()
                .execute(
                    "UPDATE users SET version = 1 WHERE id IN (?1, ?2)",
                    [users[0].id, users[1].id],
                )
                .unwrap();
        }
    }

    /// The tallies the inventory reads, against a count of the seat rows themselves.
    fn tallies_match_the_seats(org: &Org) {
        let read = |sql: &str| -> Vec<(i64, String, i64)> {
            let mut stmt = org.conn().prepare(sql).unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        };
        assert_eq!(
            read("SELECT product_id, status, n FROM seat_tallies WHERE n > 0 ORDER BY 1, 2"),
            read("SELECT product_id, status, count(*) FROM seats GROUP BY 1, 2 ORDER BY 1, 2")
        );
    }

    #[test]
    fn seat_tallies_follow_assignments_removals_and_raw_seat_changes() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        tallies_match_the_seats(&org);
        let pid = product_id(&org, "Voice Pro");
        let ids: Vec<i64> = crate::tests::testing::unlicensed_users(&org)
            .iter()
            .take(2)
            .map(|u| u.id)
            .collect();
        let req = crate::BulkRequest {
            user_ids: ids,
            action: crate::BulkAction::Assign { product_id: pid },
        };
        org.bulk_apply(admin, &req).unwrap();
        tallies_match_the_seats(&org);
        let user = crate::tests::testing::user_with_all_data(&org);
        org.remove_license(
            admin,
            &crate::domain::licenses::removal::RemoveLicense::of(&user),
        )
        .unwrap();
        tallies_match_the_seats(&org);
        // Raw changes too: a new seat, a seat moved to another product, a deleted seat.
        org.conn()
            .execute_batch(
                "INSERT INTO seats (product_id, status, purchased_at) VALUES (1, 'available', '2026-01-01');
                 UPDATE seats SET product_id = 2 WHERE id = (SELECT max(id) FROM seats);
                 UPDATE seats SET status = 'pending_cancellation', cancel_effective_on = '2099-01-01'
                    WHERE id = (SELECT max(id) FROM seats);
                 DELETE FROM seats WHERE id = (SELECT max(id) FROM seats);",
            )
            .unwrap();
        tallies_match_the_seats(&org);
        let inv = org.license_inventory(admin).unwrap();
        let counted: i64 = org
            .conn()
            .query_row(
                "SELECT count(*) FROM seats WHERE status IN ('assigned', 'available')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            inv.iter().map(|p| p.assigned + p.available).sum::<i64>(),
            counted
        );
    }
}

/// The assignment and the inventory on both storage engines: the same rules, refusals and
/// audit entries on the organization file and on a server (docs/ARCHITECTURE.md §Server).
#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use std::sync::{Arc, Barrier};

    use super::*;
    use crate::tests::engines::{chain_intact, ids, number, on_each_engine, Place};
    use crate::tests::testing::sign_in;

    const UNLICENSED: &str = "SELECT u.id FROM users u
        WHERE NOT EXISTS (SELECT 1 FROM seats s WHERE s.user_id = u.id) ORDER BY u.id";
    const LICENSED: &str = "SELECT user_id FROM seats WHERE user_id IS NOT NULL ORDER BY user_id";

    fn product(org: &Org, name: &str) -> i64 {
        number(org, "SELECT id FROM products WHERE name = ?1", &[&name])
    }

    fn entries(org: &Org) -> i64 {
        number(org, "SELECT count(*) FROM audit_log", &[])
    }

    fn first_unlicensed(org: &Org, admin: Actor) -> UserDetail {
        org.user(admin, ids(org, UNLICENSED)[0]).unwrap()
    }

    #[test]
    fn an_assignment_takes_the_lowest_free_seat_with_its_audit_entry() {
        on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let user = first_unlicensed(org, admin);
            let pid = product(org, "Voice Pro");
            let lowest = number(
                org,
                "SELECT min(id) FROM seats WHERE product_id = ?1 AND status = 'available'",
                &[&pid],
            );
            let inventory = org.license_inventory(admin).unwrap();
            let before = inventory.iter().find(|p| p.product_id == pid).unwrap();

            let detail = org
                .assign_license(admin, &AssignLicense::of(&user, pid))
                .unwrap();
            let license = detail.license.as_ref().unwrap();
            assert_eq!(
                (license.seat_id, license.product_name.as_str()),
                (lowest, "Voice Pro"),
                "{engine}"
            );
            assert_eq!(detail.version, user.version + 1, "{engine}");
            assert_eq!(detail.updated_by.as_deref(), Some("Dana Reyes"), "{engine}");
            let inventory = org.license_inventory(admin).unwrap();
            let after = inventory.iter().find(|p| p.product_id == pid).unwrap();
            assert_eq!(
                (after.assigned, after.available, after.purchased),
                (before.assigned + 1, before.available - 1, before.purchased),
                "{engine}"
            );
            let recorded = number(
                org,
                "SELECT count(*) FROM audit_log WHERE action = 'license.assign'
                 AND outcome = 'ok' AND target_user_id = ?1 AND account_login = 'dana.reyes'
                 AND role_name = 'Super Admin' AND after_json LIKE '%Voice Pro%'",
                &[&user.id],
            );
            assert_eq!(recorded, 1, "{engine}");
            assert!(chain_intact(org), "{engine}");
        });
    }

    #[test]
    fn a_refused_assignment_changes_nothing_and_names_its_cause() {
        on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let auditor = sign_in(org, "max.weber");
            let user = first_unlicensed(org, admin);
            let inventory = org.license_inventory(admin).unwrap();
            let (users_before, entries_before) = (org.user(admin, user.id).unwrap(), entries(org));
            let pid = product(org, "Voice Pro");

            match org.assign_license(auditor, &AssignLicense::of(&user, pid)) {
                Err(Error::PermissionDenied { message, .. }) => {
                    assert!(message.contains("Auditor"), "{engine}: {message}")
                }
                other => panic!("{engine}: an Auditor's assignment gave {other:?}"),
            }
            let full = product(org, "Contact Center Agent");
            match org.assign_license(admin, &AssignLicense::of(&user, full)) {
                Err(Error::NoLicenseAvailable { product }) => {
                    assert_eq!(product, "Contact Center Agent", "{engine}")
                }
                other => panic!("{engine}: an assignment with no free seat gave {other:?}"),
            }
            let stale = AssignLicense {
                expected_version: user.version + 7,
                ..AssignLicense::of(&user, pid)
            };
            match org.assign_license(admin, &stale) {
                Err(Error::StaleVersion { user: name, .. }) => {
                    assert_eq!(name, user.full_name(), "{engine}")
                }
                other => panic!("{engine}: a stale assignment gave {other:?}"),
            }
            let holder = org.user(admin, ids(org, LICENSED)[0]).unwrap();
            match org.assign_license(admin, &AssignLicense::of(&holder, pid)) {
                Err(Error::AlreadyLicensed { product, .. }) => assert_eq!(
                    Some(product),
                    holder.license.as_ref().map(|l| l.product_name.clone()),
                    "{engine}"
                ),
                other => panic!("{engine}: assigning to a license holder gave {other:?}"),
            }

            assert_eq!(org.license_inventory(admin).unwrap(), inventory, "{engine}");
            assert_eq!(
                org.user(admin, user.id).unwrap().version,
                users_before.version
            );
            // Only the Auditor's refusal is recorded (a refused permission is audited).
            assert_eq!(entries(org), entries_before + 1, "{engine}");
            let refused = number(
                org,
                "SELECT count(*) FROM audit_log WHERE action = 'license.assign'
                 AND outcome = 'refused' AND account_login = 'max.weber'
                 AND detail = 'missing permission licenses.assign'",
                &[],
            );
            assert_eq!(refused, 1, "{engine}");
            assert!(chain_intact(org), "{engine}");
        });
    }

    /// Two admins in two windows: what one saves shows in the other (on a server, the other's
    /// change feed wakes with it), and the other's save made against the user as it was
    /// before is refused, naming who changed what.
    #[test]
    fn a_save_in_one_window_shows_in_another_and_refuses_its_stale_save() {
        use crate::storage::server::change_feed::ChangeFeed;
        use crate::storage::server::ServerAddress;
        on_each_engine(|org, place| {
            let engine = place.engine();
            let dana = sign_in(org, "dana.reyes");
            let mut other = place.open();
            let sam = sign_in(&mut other, "sam.okafor");
            let mut feed = match place {
                Place::Server(url) => {
                    let head = number(org, "SELECT max(id) FROM audit_log", &[]);
                    Some(ChangeFeed::listen(&ServerAddress::parse(url).unwrap(), head).unwrap())
                }
                Place::File(_) => None,
            };
            let user_id = ids(org, UNLICENSED)[0];
            let as_sam_saw_it = other.user(sam, user_id).unwrap();
            let pid = product(org, "Voice Pro");

            org.assign_license(dana, &AssignLicense::of(&as_sam_saw_it, pid))
                .unwrap();
            if let Some(feed) = &mut feed {
                let changes = feed
                    .next_changes(std::time::Duration::from_secs(2))
                    .unwrap();
                assert!(
                    changes
                        .iter()
                        .any(|c| c.action == "license.assign" && c.target_user_id == Some(user_id)),
                    "{changes:?}"
                );
            }
            let now = other.user(sam, user_id).unwrap();
            assert_eq!(
                now.license.as_ref().map(|l| l.product_id),
                Some(pid),
                "{engine}"
            );

            let essentials = product(org, "Voice Essentials");
            match other.assign_license(sam, &AssignLicense::of(&as_sam_saw_it, essentials)) {
                Err(Error::StaleVersion {
                    changed_by, what, ..
                }) => assert_eq!(
                    (changed_by.as_str(), what.as_str()),
                    ("Dana Reyes", "the license")
                ),
                other => panic!("{engine}: a stale save gave {other:?}"),
            }
            assert_eq!(
                other.user(sam, user_id).unwrap().version,
                now.version,
                "{engine}"
            );
        });
    }

    /// Admins in separate windows assign the last seats of a product at the same moment:
    /// exactly as many succeed as there were free seats, the others are told none is left,
    /// and the audit chain holds one entry per success, unforked.
    #[test]
    fn of_more_simultaneous_assignments_than_free_seats_exactly_the_free_ones_succeed() {
        on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let inventory = org.license_inventory(admin).unwrap();
            let scarce = inventory
                .iter()
                .filter(|p| p.available > 0)
                .min_by_key(|p| p.available)
                .unwrap();
            let free = scarce.available as usize;
            let contenders = free + 3;
            let users = ids(org, UNLICENSED);
            assert!(
                users.len() >= contenders,
                "{engine}: too few unlicensed users"
            );
            let entries_before = entries(org);
            let start = Arc::new(Barrier::new(contenders));
            let outcomes: Vec<Result<UserDetail>> = std::thread::scope(|s| {
                let handles: Vec<_> = users[..contenders]
                    .iter()
                    .map(|&user_id| {
                        let start = Arc::clone(&start);
                        let pid = scarce.product_id;
                        s.spawn(move || {
                            let mut window = place.open();
                            let admin = sign_in(&mut window, "sam.okafor");
                            let user = window.user(admin, user_id).unwrap();
                            start.wait();
                            window.assign_license(admin, &AssignLicense::of(&user, pid))
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let won = outcomes.iter().filter(|o| o.is_ok()).count();
            assert_eq!(won, free, "{engine}: {outcomes:?}");
            for lost in outcomes.iter().filter_map(|o| o.as_ref().err()) {
                assert!(
                    matches!(lost, Error::NoLicenseAvailable { .. }),
                    "{engine}: {lost:?}"
                );
            }
            let now = org.license_inventory(admin).unwrap();
            let after = now
                .iter()
                .find(|p| p.product_id == scarce.product_id)
                .unwrap();
            assert_eq!(
                (after.available, after.assigned),
                (0, scarce.assigned + free as i64)
            );
            // One sign-in per window, one entry per seat given.
            assert_eq!(
                entries(org),
                entries_before + (contenders + free) as i64,
                "{engine}"
            );
            assert!(chain_intact(org), "{engine}");
        });
    }
}
