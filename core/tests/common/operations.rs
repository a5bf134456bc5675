//! Every operation that writes, chosen by number: the mix both fault tests run.

use std::path::Path;

use licensedesk_core::domain::billing::SeatChange;
use licensedesk_core::{
    Actor, App, AppAccessUpdate, AssignLicense, BulkAction, BulkRequest, ChangeLicense,
    ForwardCondition, ForwardingRuleInput, LicenseFilter, OffboardUser, Org, RemoveLicense,
    Unwatched, UserQuery, UserStatus, VoicemailUpdate,
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;

/// The kinds of operation crash.rs runs (0..15).
pub const CRASH_KINDS: usize = 15;
/// Those and the ones only the power-loss test runs: withdrawing a cancellation (15) and
/// exporting the users as CSV over the previous export (16).
pub const KINDS: usize = 17;
pub const RESTORE: usize = 9;
pub const BACKUP: usize = 8;

/// What each kind is called in the summaries (a name twice is counted once).
pub const NAMES: [&str; KINDS] = [
    "purchases",
    "assignments",
    "removals",
    "bulk steps",
    "bulk steps",
    "changes",
    "offboardings",
    "imports",
    "manual backups",
    "restores",
    "forwarding edits",
    "voicemail edits",
    "app access edits",
    "forwarding deletions",
    "cancellations",
    "withdrawals",
    "exports",
];

pub fn products(org: &mut Org, actor: Actor) -> Vec<i64> {
    org.license_inventory(actor)
        .unwrap()
        .iter()
        .map(|p| p.product_id)
        .collect()
}

/// The hash of the newest audit entry: what an acknowledged operation is known by.
pub fn audit_head(reader: &Connection) -> String {
    reader
        .query_row(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// Runs operation `kind` (on `product_id` where it takes one). Refusals (no seat left, nothing to cancel) are part of the mix.
/// `reader` reads what is committed (the pending cancellations); `exports` is the folder
/// kind 16 writes to.
pub fn run(
    org: &mut Org,
    actor: Actor,
    rng: &mut ChaCha8Rng,
    product_id: i64,
    kind: usize,
    reader: &Connection,
    exports: &Path,
) -> licensedesk_core::Result<()> {
    let query = |license| UserQuery {
        search: String::new(),
        license,
        status: None::<UserStatus>,
        after: None,
        limit: 500,
    };
    let licensed = |org: &mut Org| {
        let users = org
            .search_users(actor, &query(LicenseFilter::Any))
            .unwrap()
            .users;
        let licensed: Vec<_> = users.into_iter().filter(|u| u.license.is_some()).collect();
        licensed
    };
    match kind {
        0 => org
            .purchase_licenses(
                actor,
                &SeatChange {
                    product_id,
                    quantity: rng.random_range(1..50).to_string(),
                },
            )
            .map(drop),
        1 => {
            let users = org
                .search_users(actor, &query(LicenseFilter::Unlicensed))
                .unwrap()
                .users;
            match users.first() {
                Some(u) => org
                    .assign_license(
                        actor,
                        &AssignLicense {
                            user_id: u.id,
                            product_id,
                            expected_version: u.version,
                        },
                    )
                    .map(drop),
                None => Ok(()),
            }
        }
        2 => {
            let licensed = licensed(org);
            match licensed.get(rng.random_range(0..licensed.len().max(1))) {
                Some(u) => org
                    .remove_license(
                        actor,
                        &RemoveLicense {
                            user_id: u.id,
                            expected_version: u.version,
                        },
                    )
                    .map(drop),
                None => Ok(()),
            }
        }
        // Bulk: up to 40 users at once, all of them or none.
        3 | 4 => {
            let (filter, action) = match rng.random_range(0..3) {
                0 => (LicenseFilter::Unlicensed, BulkAction::Assign { product_id }),
                1 => (LicenseFilter::Any, BulkAction::Change { product_id }),
                _ => (LicenseFilter::Any, BulkAction::Remove),
            };
            let users = org.search_users(actor, &query(filter)).unwrap().users;
            let take = rng.random_range(1..=40);
            let user_ids = users
                .iter()
                .filter(|u| matches!(action, BulkAction::Assign { .. }) || u.license.is_some())
                .take(take)
                .map(|u| u.id)
                .collect();
            org.bulk_apply(actor, &BulkRequest { user_ids, action })
                .map(drop)
        }
        // Change, within the type or across, with or without cancelling the old seat.
        5 => {
            let licensed = licensed(org);
            match licensed.get(rng.random_range(0..licensed.len().max(1))) {
                Some(u) => org
                    .change_license(
                        actor,
                        &ChangeLicense {
                            user_id: u.id,
                            product_id,
                            expected_version: u.version,
                            also_request_cancellation: rng.random_bool(0.5),
                        },
                    )
                    .map(drop),
                None => Ok(()),
            }
        }
        6 => {
            let users = org
                .search_users(actor, &query(LicenseFilter::Any))
                .unwrap()
                .users;
            match users.get(rng.random_range(0..users.len().max(1))) {
                Some(u) => org
                    .offboard_user(
                        actor,
                        &OffboardUser {
                            user_id: u.id,
                            expected_version: u.version,
                        },
                    )
                    .map(drop),
                None => Ok(()),
            }
        }
        7 => {
            let mut csv = String::from(
                "First name,Last name,Email,Department,Site,Extension,Phone number,License\n",
            );
            let tag: u64 = rng.random();
            for i in 0..rng.random_range(1..6) {
                csv.push_str(&format!(
                    "Imported,Row{i},i{tag:x}.{i}@example.com,Ops,Austin,,,\n"
                ));
            }
            org.import_users(actor, csv.as_bytes(), &Default::default(), &mut Unwatched)
                .map(drop)
        }
        BACKUP => org.back_up_now(actor).map(drop),
        RESTORE => {
            let backups = org.backups(actor).unwrap().backups;
            match backups.get(rng.random_range(0..backups.len().max(1))) {
                Some(b) => org.restore_backup(actor, &b.file_name).map(drop),
                None => Ok(()),
            }
        }
        14 => org
            .request_cancellation(
                actor,
                &SeatChange {
                    product_id,
                    quantity: "1".into(),
                },
            )
            .map(drop),
        15 => {
            let pending: Option<i64> = reader
                .query_row(
                    "SELECT id FROM cancellation_requests WHERE status = 'pending'
                     ORDER BY id DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .ok();
            match pending {
                Some(id) => org.withdraw_cancellation(actor, id),
                None => Ok(()),
            }
        }
        16 => org
            .export_users_to(actor, &exports.join("users.csv"))
            .map(drop),
        // The setup edits of one licensed user.
        _ => {
            let licensed = licensed(org);
            match licensed.get(rng.random_range(0..licensed.len().max(1))) {
                Some(u) => match kind {
                    10 => org
                        .set_forwarding_rule(
                            actor,
                            &ForwardingRuleInput {
                                user_id: u.id,
                                condition: ForwardCondition::Busy,
                                destination: "+15125550142".into(),
                                rings: None,
                            },
                        )
                        .map(drop),
                    11 => org
                        .set_voicemail(
                            actor,
                            &VoicemailUpdate {
                                user_id: u.id,
                                enabled: rng.random_bool(0.5),
                                email_notification: rng.random_bool(0.5),
                                pin: "482915".into(),
                            },
                        )
                        .map(drop),
                    12 => org
                        .set_app_access(
                            actor,
                            &AppAccessUpdate {
                                user_id: u.id,
                                enabled: vec![App::DesktopApp],
                            },
                        )
                        .map(drop),
                    _ => org
                        .delete_forwarding_rule(actor, u.id, ForwardCondition::Busy)
                        .map(drop),
                },
                None => Ok(()),
            }
        }
    }
}

/// "12 purchases, 3 assignments, …" for the kinds counted, a name given twice counted once;
/// with each name's total.
pub fn summary(kinds: &[usize]) -> (String, Vec<(&'static str, usize)>) {
    let mut totals: Vec<(&str, usize)> = Vec::new();
    for (name, n) in NAMES.iter().zip(kinds) {
        match totals.iter_mut().find(|(t, _)| t == name) {
            Some((_, total)) => *total += n,
            None => totals.push((name, *n)),
        }
    }
    let text: Vec<String> = totals
        .iter()
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    (text.join(", "), totals)
}
