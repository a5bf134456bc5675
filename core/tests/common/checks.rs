//! What must hold of an organization file found after a fault: SQLite's integrity check,
//! the rules of its records, every operation whole or absent, every acknowledged operation
//! present, the audit chain unbroken.

use std::path::Path;

use licensedesk_core::Org;
use rusqlite::Connection;

use super::operations::RESTORE;

pub fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A bulk step or an import is one transaction: its summary entry follows the entries of
/// exactly as many users as it says it applied to (two entries for a user whose license was
/// replaced). Found half done, the summary would be missing or its users' entries would not be
/// all there.
pub fn check_all_or_nothing(conn: &Connection, round: usize) {
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
pub fn check_reported(conn: &Connection, reported: &[String], round: usize) {
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

/// The file at `path` as SQLite finds it, then as LicenseDesk opens it.
pub fn check(path: &Path, round: usize, reported: &[String]) {
    check_with(path, round, reported, |path| {
        Org::open_with_system_clock(path).unwrap()
    });
}

/// As [`check`], LicenseDesk opening the file with `open`.
pub fn check_with(path: &Path, round: usize, reported: &[String], open: fn(&Path) -> Org) {
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
    let mut org = open(path);
    let actor = super::admin(&mut org);
    let verification = org.verify_audit_log(actor).unwrap();
    assert_eq!(
        verification.first_broken, None,
        "round {round}: {}",
        verification.message
    );
    drop(org);
    check_archive_files(path, round);
}

/// After a sign-in (which tends the safety archives), every archive within its 30 days has
/// its file, byte for byte its stored copy: the files are not synced, and one lost or torn
/// is written again from the copy.
fn check_archive_files(path: &Path, round: usize) {
    let stem = path.file_stem().unwrap().to_string_lossy();
    let dir = path.with_file_name(format!("{stem}-safety-archives"));
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT path, zip FROM safety_archives WHERE zip IS NOT NULL")
        .unwrap();
    let archives = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })
        .unwrap()
        .map(Result::unwrap);
    for (name, zip) in archives {
        let file = dir.join(Path::new(&name).file_name().unwrap());
        assert!(
            std::fs::read(&file).is_ok_and(|bytes| bytes == zip),
            "round {round}: the safety archive {} is not its stored copy",
            file.display()
        );
    }
}

/// What a worker printed before it stopped: the operations it got back as committed,
/// and whether it stopped in a restore (which may have rewound the organization to a
/// backup without reporting it).
pub fn reported(out: &str, acks: &mut Vec<String>, kinds: &mut [usize]) {
    let restore = RESTORE.to_string();
    let mut in_restore = false;
    for line in out.lines() {
        let words: Vec<&str> = line.split(' ').collect();
        match words.as_slice() {
            // The first line also carries the test harness's "test … ... " before it.
            [.., "begin", kind] => in_restore = *kind == restore,
            [.., "ack", kind, hash] => {
                let kind: usize = kind.parse().unwrap();
                kinds[kind] += 1;
                // A restore rewinds: what was reported before it may be gone, rightly.
                if kind == RESTORE {
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
