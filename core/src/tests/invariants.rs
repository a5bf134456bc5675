//! Random sequences of every writing operation (bulk steps, offboarding, imports, backups,
//! restores and setup edits included) by random accounts, with the clock moved past
//! effective dates and archive expiry; after each step the rules that
//! keep an organization's records whole must still hold.

use std::sync::Arc;

use chrono::Duration;
use proptest::prelude::*;

use crate::base::clock::ManualClock;
use crate::domain::billing::SeatChange;
use crate::lifecycle::demo::DEMO_ACCOUNTS;
use crate::{AccountUpdate, Actor, AssignLicense, ChangeLicense, Org, RemoveLicense};

#[derive(Debug, Clone)]
enum Op {
    Assign {
        user: usize,
        product: usize,
    },
    Change {
        user: usize,
        product: usize,
        cancel_old: bool,
    },
    Remove {
        user: usize,
    },
    Purchase {
        product: usize,
        quantity: u8,
    },
    Cancel {
        product: usize,
        quantity: u8,
    },
    Withdraw {
        request: usize,
    },
    Advance {
        days: u8,
    },
    SetRole {
        account: usize,
        role: usize,
    },
    /// Assign (0), change (1) or remove (2) for `count` users from the `from`-th on.
    Bulk {
        kind: u8,
        product: usize,
        from: usize,
        count: usize,
    },
    Offboard {
        user: usize,
    },
    Import {
        rows: u8,
    },
    BackUp,
    Restore {
        backup: usize,
    },
    /// The `archive`-th safety archive restored with the preview's defaults (its whole bulk
    /// removal, buying missing seats, when asked).
    RestoreArchive {
        archive: usize,
        whole_batch: bool,
        purchase: bool,
    },
    Reactivate {
        user: usize,
    },
    /// The savings step on the first `lines` savings lines, each as suggested; remove
    /// everything (0), step down where offered (1) or only cancel unassigned seats (2).
    Reclaim {
        lines: usize,
        kind: u8,
    },
    /// Forwarding (0), voicemail (1), app access (2) or forwarding removed (3).
    SetupEdit {
        kind: u8,
        user: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..40usize, 0..5usize).prop_map(|(user, product)| Op::Assign { user, product }),
        3 => (0..40usize, 0..5usize, any::<bool>()).prop_map(|(user, product, cancel_old)| Op::Change { user, product, cancel_old }),
        2 => (0..40usize).prop_map(|user| Op::Remove { user }),
        2 => (0..5usize, 0..4u8).prop_map(|(product, quantity)| Op::Purchase { product, quantity }),
        2 => (0..5usize, 0..3u8).prop_map(|(product, quantity)| Op::Cancel { product, quantity }),
        1 => (0..4usize).prop_map(|request| Op::Withdraw { request }),
        1 => (0..40u8).prop_map(|days| Op::Advance { days }),
        1 => (0..6usize, 0..5usize).prop_map(|(account, role)| Op::SetRole { account, role }),
        2 => (0..3u8, 0..5usize, 0..40usize, 1..8usize).prop_map(|(kind, product, from, count)| Op::Bulk { kind, product, from, count }),
        1 => (0..40usize).prop_map(|user| Op::Offboard { user }),
        1 => (1..5u8).prop_map(|rows| Op::Import { rows }),
        1 => Just(Op::BackUp),
        1 => (0..8usize).prop_map(|backup| Op::Restore { backup }),
        2 => (0..4u8, 0..40usize).prop_map(|(kind, user)| Op::SetupEdit { kind, user }),
        2 => (0..8usize, any::<bool>(), any::<bool>()).prop_map(|(archive, whole_batch, purchase)| Op::RestoreArchive { archive, whole_batch, purchase }),
        1 => (0..40usize).prop_map(|user| Op::Reactivate { user }),
        2 => (1..6usize, 0..3u8).prop_map(|(lines, kind)| Op::Reclaim { lines, kind }),
    ]
}

/// Everything but the audit log.
fn state(org: &Org) -> String {
    crate::tests::testing::snapshot(
        org,
        &[
            "users",
            "seats",
            "phone_numbers",
            "orders",
            "cancellation_requests",
            "call_history",
            "voicemails",
            "voicemail_greetings",
            "forwarding_rules",
            "app_access",
            "device_activations",
            "accounts",
            "safety_archives",
        ],
    )
}

fn scalar(org: &Org, sql: &str) -> i64 {
    org.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn check_invariants(org: &mut Org, admin: Actor) {
    assert_eq!(
        scalar(org, "SELECT count(*) FROM (SELECT user_id FROM seats WHERE user_id IS NOT NULL GROUP BY user_id HAVING count(*) > 1)"),
        0,
        "a user holds two seats"
    );
    // Seats of every status add up to what was ordered.
    assert_eq!(
        scalar(org, "SELECT count(*) FROM products p WHERE (SELECT count(*) FROM seats s WHERE s.product_id = p.id)
                     <> (SELECT coalesce(sum(quantity), 0) FROM orders o WHERE o.product_id = p.id)"),
        0,
        "seats and orders disagree"
    );
    // Billing settles cancellations that have come due; the inventory must agree at once.
    let summary = org.billing_summary(admin).unwrap();
    let inventory = org.license_inventory(admin).unwrap();
    for p in &inventory {
        assert_eq!(
            p.purchased,
            p.assigned + p.available + p.pending_cancellation,
            "{}",
            p.name
        );
        assert!(p.available >= 0 && p.assigned >= 0);
    }
    let billed: i64 = scalar(org, "SELECT coalesce(sum(p.monthly_price_cents), 0) FROM seats s JOIN products p ON p.id = s.product_id WHERE s.status <> 'cancelled'");
    assert_eq!(summary.monthly_total_cents, billed);
    assert_eq!(
        inventory.iter().map(|p| p.monthly_cost_cents).sum::<i64>(),
        billed
    );
    // A user without a license holds no number; every held number has a licensed holder.
    assert_eq!(
        scalar(
            org,
            "SELECT count(*) FROM phone_numbers n WHERE n.user_id IS NOT NULL
                            AND NOT EXISTS (SELECT 1 FROM seats s WHERE s.user_id = n.user_id)"
        ),
        0
    );
    assert_eq!(
        crate::domain::users::directory::stale_user_texts(org.conn()).unwrap(),
        0,
        "the search's texts in list order disagree with the users"
    );
    assert_eq!(
        crate::kernel::audit::first_broken_entry(org.conn()).unwrap(),
        None
    );
    assert_eq!(
        scalar(org, "SELECT count(*) FROM pragma_foreign_key_check"),
        0,
        "dangling reference"
    );
}

fn user_id(org: &Org, n: usize) -> crate::UserDetail {
    let id: i64 = org
        .conn()
        .query_row(
            "SELECT id FROM users ORDER BY id LIMIT 1 OFFSET ?1 % (SELECT count(*) FROM users)",
            [n as i64],
            |r| r.get(0),
        )
        .unwrap();
    crate::domain::users::directory::user_detail(org.conn(), id).unwrap()
}

fn product(org: &Org, n: usize) -> i64 {
    org.conn()
        .query_row(
            "SELECT id FROM products ORDER BY id LIMIT 1 OFFSET ?1",
            [n as i64],
            |r| r.get(0),
        )
        .unwrap()
}

fn run(org: &mut Org, clock: &ManualClock, actor: Actor, op: &Op) -> crate::Result<Option<String>> {
    let roles = [
        "Super Admin",
        "IT Admin",
        "Billing Admin",
        "Helpdesk",
        "Auditor",
    ];
    match op {
        Op::Assign { user, product: p } => {
            let u = user_id(org, *user);
            let req = AssignLicense {
                user_id: u.id,
                product_id: product(org, *p),
                expected_version: u.version,
            };
            org.assign_license(actor, &req).map(|_| None)
        }
        Op::Change {
            user,
            product: p,
            cancel_old,
        } => {
            let u = user_id(org, *user);
            let req = ChangeLicense {
                user_id: u.id,
                product_id: product(org, *p),
                expected_version: u.version,
                also_request_cancellation: *cancel_old,
            };
            org.change_license(actor, &req)
                .map(|r| r.safety_archive.map(|a| a.path))
        }
        Op::Remove { user } => {
            let u = user_id(org, *user);
            org.remove_license(actor, &RemoveLicense::of(&u))
                .map(|r| Some(r.safety_archive.path))
        }
        Op::Purchase {
            product: p,
            quantity,
        } => {
            let req = SeatChange {
                product_id: product(org, *p),
                quantity: quantity.to_string(),
            };
            org.purchase_licenses(actor, &req).map(|_| None)
        }
        Op::Cancel {
            product: p,
            quantity,
        } => {
            let req = SeatChange {
                product_id: product(org, *p),
                quantity: quantity.to_string(),
            };
            org.request_cancellation(actor, &req).map(|_| None)
        }
        Op::Withdraw { request } => org
            .withdraw_cancellation(actor, *request as i64 + 1)
            .map(|_| None),
        Op::Advance { days } => {
            clock.advance(Duration::days(i64::from(*days)));
            Ok(None)
        }
        Op::Bulk {
            kind,
            product: p,
            from,
            count,
        } => {
            let product_id = product(org, *p);
            let action = match kind {
                0 => crate::BulkAction::Assign { product_id },
                1 => crate::BulkAction::Change { product_id },
                _ => crate::BulkAction::Remove,
            };
            let user_ids = (*from..from + count).map(|n| user_id(org, n).id).collect();
            org.bulk_apply(actor, &crate::BulkRequest { user_ids, action })
                .map(|_| None)
        }
        Op::Offboard { user } => {
            let u = user_id(org, *user);
            let req = crate::OffboardUser::of(&u);
            org.offboard_user(actor, &req)
                .map(|r| r.safety_archive.map(|a| a.path))
        }
        Op::Import { rows } => {
            let mut csv = crate::domain::imports::user_csv::COLUMNS.join(",") + "\n";
            let tag = scalar(org, "SELECT count(*) FROM users");
            for i in 0..*rows {
                csv.push_str(&format!(
                    "Imported,Row{i},p{tag}.{i}@example.com,Ops,Austin,,,\n"
                ));
            }
            org.import_users(
                actor,
                csv.as_bytes(),
                &Default::default(),
                &mut crate::Unwatched,
            )
            .map(|_| None)
        }
        Op::BackUp => org.back_up_now(actor).map(|_| None),
        Op::Restore { backup } => {
            let names = crate::storage::backup::list(&org.backup_dir())?;
            match names.get(backup % names.len().max(1)) {
                Some(b) => org.restore_backup(actor, &b.file_name).map(|_| None),
                None => Ok(None),
            }
        }
        Op::SetupEdit { kind, user } => {
            let user_id = user_id(org, *user).id;
            match kind {
                0 => org.set_forwarding_rule(
                    actor,
                    &crate::ForwardingRuleInput {
                        user_id,
                        condition: crate::ForwardCondition::Busy,
                        destination: "+15125550142".into(),
                        rings: None,
                    },
                ),
                1 => org.set_voicemail(
                    actor,
                    &crate::VoicemailUpdate {
                        user_id,
                        enabled: true,
                        email_notification: false,
                        pin: "482915".into(),
                    },
                ),
                2 => org.set_app_access(
                    actor,
                    &crate::AppAccessUpdate {
                        user_id,
                        enabled: vec![crate::App::DesktopApp],
                    },
                ),
                _ => org.delete_forwarding_rule(actor, user_id, crate::ForwardCondition::Busy),
            }
            .map(|_| None)
        }
        Op::RestoreArchive {
            archive,
            whole_batch,
            purchase,
        } => {
            let ids: Vec<i64> = {
                let mut stmt = org
                    .conn()
                    .prepare("SELECT id FROM safety_archives ORDER BY id")?;
                let ids = stmt
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                ids
            };
            let Some(&id) = ids.get(archive % ids.len().max(1)) else {
                return Ok(None);
            };
            let preview = org.restore_preview(actor, id, *whole_batch)?;
            org.restore_from_archive(
                actor,
                &preview.request_with_defaults(id, *whole_batch, *purchase),
            )
            .map(|_| None)
        }
        Op::Reactivate { user } => {
            let u = user_id(org, *user);
            let preview = org.reactivation_preview(actor, u.id)?;
            let restore = preview.restore.as_ref().map(|r| {
                let mut req = r.request_with_defaults(r.users[0].archive_id, false, true);
                req.choices[0].expected_version = u.version;
                req
            });
            org.reactivate_user(
                actor,
                &crate::ReactivateUser {
                    user_id: u.id,
                    expected_version: u.version,
                    restore,
                },
            )
            .map(|_| None)
        }
        Op::Reclaim { lines, kind } => {
            // Listed by the Super Admin (the actor may not see the list); done by the actor.
            let observer = Actor { account_id: 1 };
            let savings = match org.savings(observer) {
                Ok(s) => s,
                Err(_) => return Ok(None),
            };
            let items: Vec<crate::ReclaimItem> = savings
                .lines
                .iter()
                .take(*lines)
                .filter_map(|l| match (l.user_id, &l.step_down, kind) {
                    (None, _, _) => Some(crate::ReclaimItem::CancelUnassigned {
                        product_id: l.product_id,
                    }),
                    (Some(user_id), Some(down), 1) => Some(crate::ReclaimItem::StepDown {
                        user_id,
                        product_id: down.product_id,
                    }),
                    (Some(user_id), _, 0 | 1) => Some(crate::ReclaimItem::Remove { user_id }),
                    _ => None,
                })
                .collect();
            org.reclaim(actor, &crate::ReclaimRequest { items }, None)
                .map(|_| None)
        }
        Op::SetRole { account, role } => {
            let update = AccountUpdate {
                account_id: *account as i64 + 1,
                role: roles[*role].into(),
                active: true,
            };
            org.update_account(actor, &update).map(|_| None)
        }
    }
}

/// 256 in `make test` (about a minute and a half on a busy 2-core machine); `make soak` sets
/// LICENSEDESK_PROPTEST_CASES=10000.
fn cases() -> u32 {
    std::env::var("LICENSEDESK_PROPTEST_CASES")
        .map_or(256, |n| n.parse().expect("a number of cases"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 50, .. ProptestConfig::default() })]

    #[test]
    fn random_operations_by_random_accounts_keep_every_rule(
        steps in proptest::collection::vec((0..6usize, op()), 1..30)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(chrono::Utc::now());
        let path = dir.path().join("org.sqlite");
        std::fs::copy(crate::tests::testing::demo_template(), &path).unwrap();
        let mut org = Org::open(&path, Arc::new(clock.clone())).unwrap();
        // The demo's accounts, in order (signing in is tested elsewhere; argon2 is slow here).
        let actors: Vec<Actor> = (1..=DEMO_ACCOUNTS.len() as i64)
            .map(|account_id| Actor { account_id })
            .collect();
        // A reader whose role never changes underneath: the organization's own system view.
        let observer = actors[0];
        for (who, op) in &steps {
            let before = state(&org);
            match run(&mut org, &clock, actors[*who], op) {
                Ok(Some(archive)) => {
                    // The data just deleted is in its safety archive.
                    let mut zip = zip::ZipArchive::new(std::fs::File::open(&archive).unwrap()).unwrap();
                    prop_assert!(zip.by_name(crate::domain::users::bundle::MANIFEST).is_ok());
                }
                Ok(None) => {}
                Err(e) => prop_assert_eq!(state(&org), before.clone(), "refused {:?} ({}) changed something", op, e),
            }
            // Keep one Super Admin able to read everything, whatever roles were shuffled.
            if !org.session(observer).map(|s| s.missing.is_empty()).unwrap_or(false) {
                org.conn().execute("UPDATE accounts SET role_id = 1, status = 'active' WHERE id = ?1", [observer.account_id]).unwrap();
            }
            check_invariants(&mut org, observer);
        }
    }
}
