//! Crash safety: a worker process changes an organization file without pause and is killed
//! with SIGKILL at random moments, 50 times. After each kill the file passes SQLite's
//! integrity check and every operation, bulk ones included, is found whole or not at all.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use licensedesk_core::billing::SeatChange;
use licensedesk_core::{
    Actor, AssignLicense, BulkAction, BulkRequest, LicenseFilter, Org, RemoveLicense, UserQuery,
    UserStatus,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;

const WORKER: &str = "LICENSEDESK_CRASH_WORKER";
const TEST: &str = "killed_at_random_moments_the_file_stays_whole";

fn admin(org: &mut Org) -> Actor {
    Actor {
        account_id: org.sign_in("dana.reyes", "super-demo").unwrap().account_id,
    }
}

/// Runs operations (bulk purchases, bulk assignments and bulk removals among them) until it
/// is killed.
fn work(path: &Path) -> ! {
    let mut org = Org::open_with_system_clock(path).unwrap();
    let actor = admin(&mut org);
    let mut rng = ChaCha8Rng::seed_from_u64(std::process::id().into());
    let products: Vec<i64> = org
        .license_inventory(actor)
        .unwrap()
        .iter()
        .map(|p| p.product_id)
        .collect();
    loop {
        let product_id = products[rng.random_range(0..products.len())];
        let query = |license| UserQuery {
            search: String::new(),
            license,
            status: None::<UserStatus>,
            after: None,
            limit: 500,
        };
        // Refusals (no seat left, nothing to cancel) are part of the mix.
        let _ = match rng.random_range(0..6) {
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
                let users = org
                    .search_users(actor, &query(LicenseFilter::Any))
                    .unwrap()
                    .users;
                let licensed: Vec<_> = users.iter().filter(|u| u.license.is_some()).collect();
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
                let (filter, action) = if rng.random_bool(0.5) {
                    (LicenseFilter::Unlicensed, BulkAction::Assign { product_id })
                } else {
                    (LicenseFilter::Any, BulkAction::Remove)
                };
                let users = org.search_users(actor, &query(filter)).unwrap().users;
                let take = rng.random_range(1..=40);
                let user_ids = users
                    .iter()
                    .filter(|u| action != BulkAction::Remove || u.license.is_some())
                    .take(take)
                    .map(|u| u.id)
                    .collect();
                org.bulk_apply(actor, &BulkRequest { user_ids, action })
                    .map(drop)
            }
            _ => org
                .request_cancellation(
                    actor,
                    &SeatChange {
                        product_id,
                        quantity: "1".into(),
                    },
                )
                .map(drop),
        };
    }
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn check(path: &Path, round: usize) {
    // Read the file as SQLite finds it, before LicenseDesk opens (and recovers) it.
    let conn = Connection::open(path).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "round {round}");
    for (what, sql) in [
        ("a user with two seats",
         "SELECT count(*) FROM (SELECT user_id FROM seats WHERE user_id IS NOT NULL GROUP BY user_id HAVING count(*) > 1)"),
        ("seats that no order accounts for (a half-written purchase)",
         "SELECT count(*) FROM products p WHERE (SELECT count(*) FROM seats s WHERE s.product_id = p.id)
             <> (SELECT coalesce(sum(quantity), 0) FROM orders o WHERE o.product_id = p.id)"),
        ("a cancellation request whose seats were not all moved",
         "SELECT count(*) FROM cancellation_requests c WHERE c.status = 'pending'
             AND c.quantity <> (SELECT count(*) FROM seats s WHERE s.cancellation_request_id = c.id)"),
        ("an unlicensed user still holding data, a number or an extension (a half-done removal)",
         "SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM seats s WHERE s.user_id = u.id)
             AND (u.extension IS NOT NULL
                  OR EXISTS (SELECT 1 FROM phone_numbers n WHERE n.user_id = u.id)
                  OR EXISTS (SELECT 1 FROM call_history h WHERE h.user_id = u.id)
                  OR EXISTS (SELECT 1 FROM device_activations d WHERE d.user_id = u.id))"),
        ("an assignment without its audit entry",
         "SELECT count(*) FROM seats s WHERE s.status = 'assigned' AND s.assigned_at > '2026-02-01'
             AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'license.assign' AND a.outcome = 'ok'
                             AND a.target_user_id = s.user_id AND json_extract(a.after_json, '$.seat_id') = s.id)"),
        ("a removal without its safety archive, or the reverse",
         "SELECT (SELECT count(*) FROM audit_log WHERE action = 'license.remove' AND outcome = 'ok')
               - (SELECT count(*) FROM safety_archives)"),
        ("a bulk step whose per-user entries are not all right before it (a half-done bulk)",
         "SELECT count(*) FROM audit_log b WHERE b.action = 'license.bulk' AND b.outcome = 'ok'
             AND json_extract(b.after_json, '$.applied') <> (
                 SELECT count(*) FROM audit_log a
                 WHERE a.id < b.id AND a.id >= b.id - json_extract(b.after_json, '$.applied')
                   AND a.outcome = 'ok'
                   AND a.action = CASE json_extract(b.after_json, '$.action.kind')
                                  WHEN 'assign' THEN 'license.assign' ELSE 'license.remove' END)"),
        ("a dangling reference", "SELECT count(*) FROM pragma_foreign_key_check"),
    ] {
        assert_eq!(count(&conn, sql), 0, "round {round}: {what}");
    }
    drop(conn);
    let mut org = Org::open_with_system_clock(path).unwrap();
    let actor = admin(&mut org);
    let verification = org.verify_audit_log(actor).unwrap();
    assert_eq!(
        verification.first_broken, None,
        "round {round}: {}",
        verification.message
    );
}

#[test]
fn killed_at_random_moments_the_file_stays_whole() {
    if let Some(path) = std::env::var_os(WORKER) {
        work(Path::new(&path));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.sqlite");
    drop(Org::open_with_system_clock(&path).unwrap());
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    for round in 0..50 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(WORKER, &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Past the worker's start-up most of the time, into its operations.
        std::thread::sleep(Duration::from_millis(rng.random_range(150..700)));
        child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback, no flush.
        child.wait().unwrap();
        check(&path, round);
    }
    let conn = Connection::open(&path).unwrap();
    let purchases = count(&conn, "SELECT count(*) FROM orders") - 5;
    let bulk = count(
        &conn,
        "SELECT count(*) FROM audit_log WHERE action = 'license.bulk' AND outcome = 'ok'",
    );
    let removals = count(
        &conn,
        "SELECT count(*) FROM audit_log WHERE action = 'license.remove' AND outcome = 'ok'",
    );
    eprintln!("crash test: 50 kills survived; {purchases} purchases, {removals} removals and {bulk} bulk steps were committed in between");
    assert!(
        purchases > 0 && removals > 0 && bulk > 0,
        "the worker must have got work done between kills"
    );
}
