//! Crash safety: a worker process changes an organization file without pause and is killed
//! with SIGKILL at random moments, `LICENSEDESK_KILLS` times (100 by default). It reports
//! every operation it got back as committed (the audit entry's hash, on its standard output)
//! before starting the next. After each kill the file passes SQLite's integrity check, every
//! reported operation is there, and every operation, bulk ones and imports included, is
//! found whole or not at all.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use licensedesk_core::billing::SeatChange;
use licensedesk_core::{
    Actor, App, AppAccessUpdate, AssignLicense, BulkAction, BulkRequest, ChangeLicense,
    ForwardCondition, ForwardingRuleInput, LicenseFilter, OffboardUser, Org, RemoveLicense,
    Unwatched, UserQuery, UserStatus, VoicemailUpdate,
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
    // Reads what the worker committed: the head of the audit log after each operation.
    let reader = Connection::open(path).unwrap();
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
        let kind = rng.random_range(0..15);
        let licensed = || {
            let users = org
                .search_users(actor, &query(LicenseFilter::Any))
                .unwrap()
                .users;
            let licensed: Vec<_> = users.into_iter().filter(|u| u.license.is_some()).collect();
            licensed
        };
        println!("begin {kind}");
        let done = match kind {
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
                let licensed = licensed();
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
                let licensed = licensed();
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
                org.import_users(actor, csv.as_bytes(), &mut Unwatched)
                    .map(drop)
            }
            8 => org.back_up_now(actor).map(drop),
            9 => {
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
            // The setup edits of one licensed user.
            _ => {
                let licensed = licensed();
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
        };
        if done.is_ok() {
            let head: String = reader
                .query_row(
                    "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            println!("ack {kind} {head}");
            std::io::stdout().flush().unwrap();
        }
    }
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A bulk step or an import is one transaction: its summary entry follows the entries of
/// exactly as many users as it says it applied to (two entries for a user whose license was
/// replaced). Found half done, the summary would be missing or its users' entries would not be
/// all there.
fn check_all_or_nothing(conn: &Connection, round: usize) {
    let mut stmt = conn
        .prepare(
            "SELECT id, action, coalesce(json_extract(after_json, '$.applied'),
                    json_extract(after_json, '$.added') + json_extract(after_json, '$.updated'))
             FROM audit_log WHERE action IN ('license.bulk', 'license.bulk_remove', 'users.import') AND outcome = 'ok'",
        )
        .unwrap();
    let steps: Vec<(i64, String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (id, action, applied) in steps {
        let mut users = std::collections::BTreeSet::new();
        let mut before = conn
            .prepare(
                "SELECT target_user_id FROM audit_log WHERE id < ?1 AND outcome = 'ok'
                 ORDER BY id DESC LIMIT ?2",
            )
            .unwrap();
        let targets: Vec<Option<i64>> = before
            .query_map([id, 3 * applied], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for target in targets {
            if users.len() as i64 == applied {
                break;
            }
            let Some(user) = target else { break };
            users.insert(user);
        }
        assert_eq!(
            users.len() as i64,
            applied,
            "round {round}: {action} entry {id} does not follow the entries of the {applied} users it applied to"
        );
    }
}

/// Every operation the worker reported as committed is in the log.
fn check_reported(conn: &Connection, reported: &[String], round: usize) {
    let missing: Vec<usize> = reported
        .iter()
        .enumerate()
        .filter(|(_, ack)| {
            let hash = ack.split_once(' ').expect("kind and hash").1;
            conn.query_row(
                "SELECT count(*) FROM audit_log WHERE hash = ?1",
                [hash],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
                != 1
        })
        .map(|(at, _)| at)
        .collect();
    if !missing.is_empty() {
        let tail: Vec<(i64, String, String)> = conn
            .prepare("SELECT id, action, at FROM audit_log ORDER BY id DESC LIMIT 12")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        eprintln!(
            "round {round}: missing acks {missing:?} of {}; log tail {tail:?}",
            reported.len()
        );
    }
    for (at, ack) in reported.iter().enumerate() {
        let (kind, hash) = ack.split_once(' ').expect("kind and hash");
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit_log WHERE hash = ?1",
                [hash],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            found, 1,
            "round {round}: an operation reported as committed is lost: ack {at} (kind {kind}) of {reported:?}"
        );
    }
}

fn check(path: &Path, round: usize, reported: &[String]) {
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
             AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action IN ('license.assign', 'license.change') AND a.outcome = 'ok'
                             AND a.target_user_id = s.user_id AND json_extract(a.after_json, '$.seat_id') = s.id)"),
        ("a removal without its safety archive, or the reverse",
         "SELECT (SELECT count(*) FROM audit_log WHERE action = 'license.remove' AND outcome = 'ok')
               - (SELECT count(*) FROM safety_archives)"),
        ("a dangling reference", "SELECT count(*) FROM pragma_foreign_key_check"),
    ] {
        assert_eq!(count(&conn, sql), 0, "round {round}: {what}");
    }
    check_all_or_nothing(&conn, round);
    check_reported(&conn, reported, round);
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

/// What the worker printed before it was killed: the operations it got back as committed,
/// and whether it was killed in a restore (which may have rewound the organization to a
/// backup without reporting it).
fn reported(out: &str, acks: &mut Vec<String>, kinds: &mut [usize; 15]) {
    let mut in_restore = false;
    for line in out.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            // The first line also carries the test harness's "test … ... " before it.
            [.., "begin", kind] => in_restore = *kind == "9",
            [.., "ack", kind, hash] => {
                let kind: usize = kind.parse().unwrap();
                kinds[kind] += 1;
                // A restore rewinds: what was reported before it may be gone, rightly.
                if kind == 9 {
                    acks.clear();
                }
                acks.push(format!("{kind} {hash}"));
                in_restore = false;
            }
            _ => {}
        }
    }
    if in_restore {
        acks.clear();
    }
}

fn kills() -> usize {
    std::env::var("LICENSEDESK_KILLS").map_or(100, |n| n.parse().expect("LICENSEDESK_KILLS"))
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
    let (mut acks, mut kinds) = (Vec::new(), [0usize; 15]);
    let kills = kills();
    for round in 0..kills {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(WORKER, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Past the worker's start-up most of the time, into its operations.
        std::thread::sleep(Duration::from_millis(rng.random_range(150..700)));
        child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback, no flush.
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        child.wait().unwrap();
        if std::env::var_os("LICENSEDESK_CRASH_TRACE").is_some() {
            eprintln!("round {round}: {}", out.replace('\n', " | "));
        }
        reported(&out, &mut acks, &mut kinds);
        check(&path, round, &acks);
    }
    let names = [
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
    ];
    let mut totals: Vec<(&str, usize)> = Vec::new();
    for (name, n) in names.iter().zip(kinds) {
        match totals.iter_mut().find(|(t, _)| t == name) {
            Some((_, total)) => *total += n,
            None => totals.push((name, n)),
        }
    }
    let summary: Vec<String> = totals
        .iter()
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    eprintln!(
        "crash test: {kills} kills survived; reported as committed between them: {}",
        summary.join(", ")
    );
    for (name, n) in &totals {
        assert!(
            *n > 0 || kills < 100,
            "no {name} was committed between the kills"
        );
    }
}
