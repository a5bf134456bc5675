//! Restoring from safety archives, against a real organization file.

use std::io::{Read, Write};
use std::sync::Arc;

use chrono::Duration;

use super::*;
use crate::base::clock::ManualClock;
use crate::tests::testing::{demo_org, sign_in, snapshot, user_with_all_data};
use crate::{ForwardCondition, ForwardingRuleInput, OffboardUser, RemoveLicense};

/// Every table a restore may write.
const TABLES: &[&str] = &[
    "users",
    "seats",
    "orders",
    "phone_numbers",
    "call_history",
    "forwarding_rules",
    "voicemail_settings",
    "voicemails",
    "voicemail_greetings",
    "device_activations",
    "app_access",
    "safety_archives",
];

fn count(org: &Org, table: &str, user_id: i64) -> i64 {
    org.conn()
        .query_row(
            &format!("SELECT count(*) FROM {table} WHERE user_id = ?1"),
            [user_id],
            |r| r.get(0),
        )
        .unwrap()
}

fn counts(org: &Org, user_id: i64) -> Vec<i64> {
    DELETED_TABLES
        .iter()
        .map(|t| count(org, t.table, user_id))
        .collect()
}

fn archive_id(org: &Org, user_id: i64) -> i64 {
    org.conn()
        .query_row(
            "SELECT max(id) FROM safety_archives WHERE user_id = ?1",
            [user_id],
            |r| r.get(0),
        )
        .unwrap()
}

/// The request the dialog sends with the preview's defaults.
fn request_of(preview: &RestorePreview, archive_id: i64, purchase_seats: bool) -> RestoreRequest {
    preview.request_with_defaults(archive_id, preview.users.len() > 1, purchase_seats)
}

fn removed(org: &mut Org, admin: Actor) -> (UserDetail, Vec<i64>, i64) {
    let user = user_with_all_data(org);
    let before = counts(org, user.id);
    org.remove_license(admin, &RemoveLicense::of(&user))
        .unwrap();
    assert!(counts(org, user.id).iter().all(|&n| n == 0));
    let id = archive_id(org, user.id);
    (user, before, id)
}

fn rows(org: &Org, sql: &str, user_id: i64) -> Vec<String> {
    let mut stmt = org.conn().prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([user_id], |r| {
        Ok((0..n)
            .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// The user's data without ids, to compare before the removal and after the restore.
fn data_of(org: &Org, user_id: i64) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT started_at, direction, remote_number, duration_seconds FROM call_history WHERE user_id = ?1 ORDER BY 1, 2, 3",
        "SELECT condition, destination, rings, enabled FROM forwarding_rules WHERE user_id = ?1 ORDER BY 1",
        "SELECT enabled, email_notification FROM voicemail_settings WHERE user_id = ?1",
        "SELECT received_at, caller_number, duration_seconds, heard, hex(audio) FROM voicemails WHERE user_id = ?1 ORDER BY 1, 2",
        "SELECT kind, created_at, hex(audio) FROM voicemail_greetings WHERE user_id = ?1 ORDER BY 1",
        "SELECT device_type, label, activated_at, model, mac_address FROM device_activations WHERE user_id = ?1 ORDER BY 1, 2, 3",
        "SELECT app, enabled FROM app_access WHERE user_id = ?1 ORDER BY 1",
    ] {
        out.extend(rows(org, sql, user_id));
    }
    out
}

#[test]
fn a_removed_license_and_every_row_come_back_once_with_new_ids() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let user = user_with_all_data(&org);
    let data = data_of(&org, user.id);
    let old_ids = rows(
        &org,
        "SELECT id FROM voicemails WHERE user_id = ?1",
        user.id,
    );
    let (_, before, id) = removed(&mut org, admin);
    let listed = org.safety_archives(admin, user.id).unwrap();
    assert!(listed[0].restorable && listed[0].id == id && listed[0].batch_size == 1);
    let preview = org.restore_preview(admin, id, false).unwrap();
    let u = &preview.users[0];
    assert_eq!(u.product_name, user.license.as_ref().unwrap().product_name);
    assert!(u.seat_free, "the removal put the seat back in the pool");
    assert!(preview.purchases.is_empty());
    assert_eq!(
        u.counts.iter().map(|c| c.count).collect::<Vec<_>>(),
        before,
        "the preview counts what comes back"
    );
    assert_eq!(u.extension.restored, user.extension);
    assert_eq!(u.phone_number.restored, user.phone_number);
    assert!(
        counts(&org, user.id).iter().all(|&n| n == 0),
        "a preview keeps nothing"
    );
    let receipt = org
        .restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap();
    assert!(receipt.message.contains("Restored"), "{}", receipt.message);
    assert_eq!(counts(&org, user.id), before);
    assert_eq!(
        data_of(&org, user.id),
        data,
        "every value comes back as it was"
    );
    let new_ids = rows(
        &org,
        "SELECT id FROM voicemails WHERE user_id = ?1",
        user.id,
    );
    assert!(
        old_ids.iter().all(|i| !new_ids.contains(i)),
        "ids are never reused"
    );
    let after = directory::user_detail(org.conn(), user.id).unwrap();
    assert_eq!(
        after.license.as_ref().map(|l| &l.product_name),
        user.license.as_ref().map(|l| &l.product_name)
    );
    assert_eq!(after.extension, user.extension);
    assert_eq!(after.phone_number, user.phone_number);
    let (action, outcome): (String, String) = org
        .conn()
        .query_row(
            "SELECT action, outcome FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (action.as_str(), outcome.as_str()),
        ("license.restore", "ok")
    );
    let listed = org.safety_archives(admin, user.id).unwrap();
    assert!(!listed[0].restorable && listed[0].restored_at.is_some());
    // Once only: a second restore is refused, naming when it was done.
    let before = snapshot(&org, TABLES);
    let e = org.restore_preview(admin, id, false).unwrap_err();
    assert_eq!(e.code(), "archive_unusable");
    assert!(e.to_string().contains("already restored"), "{e}");
    let e = org
        .restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap_err();
    assert_eq!(e.code(), "archive_unusable");
    assert_eq!(snapshot(&org, TABLES), before);
}

#[test]
fn a_taken_extension_names_its_holder_and_a_suggested_one_is_given_instead() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (user, _, id) = removed(&mut org, admin);
    let ext = user.extension.clone().unwrap();
    // Someone else takes the released extension.
    let other = crate::tests::testing::user_on(&org, "Voice Pro");
    assert_ne!(other.id, user.id);
    let other = org
        .set_numbers(
            admin,
            &SetNumbers {
                user_id: other.id,
                expected_version: other.version,
                extension: Some(ext.clone()),
                phone_number: other.phone_number.clone(),
            },
        )
        .unwrap();
    let preview = org.restore_preview(admin, id, false).unwrap();
    let outcome = &preview.users[0].extension;
    assert_eq!(outcome.holder.as_deref(), Some(other.full_name().as_str()));
    let suggested = outcome.suggested.clone().unwrap();
    assert_ne!(suggested, ext);
    assert!(
        outcome.note.contains(&other.full_name()),
        "{}",
        outcome.note
    );
    assert!(preview.summary.contains(&other.full_name()));
    // The admin may also choose none.
    let mut req = request_of(&preview, id, false);
    req.choices[0].extension = None;
    org.restore_from_archive(admin, &req).unwrap();
    let after = directory::user_detail(org.conn(), user.id).unwrap();
    assert_eq!(after.extension, None);
    assert!(after.license.is_some());
    let other_now = directory::user_detail(org.conn(), other.id).unwrap();
    assert_eq!(
        other_now.extension.as_deref(),
        Some(ext.as_str()),
        "the holder keeps it"
    );
}

#[test]
fn the_suggested_extension_is_given_when_chosen() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (user, _, id) = removed(&mut org, admin);
    let other = crate::tests::testing::user_on(&org, "Voice Pro");
    org.set_numbers(
        admin,
        &SetNumbers {
            user_id: other.id,
            expected_version: other.version,
            extension: user.extension.clone(),
            phone_number: other.phone_number.clone(),
        },
    )
    .unwrap();
    let preview = org.restore_preview(admin, id, false).unwrap();
    let suggested = preview.users[0].extension.suggested.clone();
    org.restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap();
    assert_eq!(
        directory::user_detail(org.conn(), user.id)
            .unwrap()
            .extension,
        suggested
    );
}

#[test]
fn with_no_free_seat_the_product_is_named_and_a_purchase_offered() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (user, before_counts, id) = removed(&mut org, admin);
    let product_id = user.license.as_ref().unwrap().product_id;
    let product = user.license.as_ref().unwrap().product_name.clone();
    // Every free seat of the product is cancelled.
    let free = seat_tallies::available(org.conn(), product_id).unwrap();
    org.request_cancellation(
        admin,
        &SeatChange {
            product_id,
            quantity: free.to_string(),
        },
    )
    .unwrap();
    let preview = org.restore_preview(admin, id, false).unwrap();
    assert!(!preview.users[0].seat_free);
    assert_eq!(preview.purchases.len(), 1);
    assert_eq!(preview.purchases[0].product_name, product);
    assert_eq!(preview.purchases[0].quantity, 1);
    assert!(preview.summary.contains(&format!("No free {product} seat")));
    // Without the purchase: refused, naming the product, nothing changed.
    let before = snapshot(&org, TABLES);
    let e = org
        .restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap_err();
    assert_eq!(e.code(), "no_license_available");
    assert!(e.to_string().contains(&product));
    assert_eq!(snapshot(&org, TABLES), before);
    // The IT Admin may restore but not buy.
    let it = sign_in(&mut org, "sam.okafor");
    let e = org
        .restore_from_archive(it, &request_of(&preview, id, true))
        .unwrap_err();
    assert_eq!(e.code(), "permission_denied");
    assert_eq!(snapshot(&org, TABLES), before);
    // With it: one seat bought, in the same transaction.
    let orders: i64 = org
        .conn()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    let receipt = org
        .restore_from_archive(admin, &request_of(&preview, id, true))
        .unwrap();
    assert_eq!(receipt.purchases.len(), 1);
    let orders_after: i64 = org
        .conn()
        .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orders_after, orders + 1);
    assert_eq!(counts(&org, user.id), before_counts);
}

#[test]
fn a_forwarding_rule_that_would_now_loop_is_named_and_left_out() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let user = user_with_all_data(&org);
    let other: UserDetail = {
        let id: i64 = org
            .conn()
            .query_row(
                "SELECT u.id FROM users u JOIN seats s ON s.user_id = u.id
                 JOIN product_features f ON f.product_id = s.product_id AND f.feature = 'call_forwarding'
                 WHERE u.extension IS NOT NULL AND u.id <> ?1
                   AND NOT EXISTS (SELECT 1 FROM forwarding_rules r WHERE r.user_id = u.id AND r.condition = 'always')
                 ORDER BY u.id LIMIT 1",
                [user.id],
                |r| r.get(0),
            )
            .unwrap();
        directory::user_detail(org.conn(), id).unwrap()
    };
    // No "always" rule of the user's own, so that only the busy rule can loop.
    org.delete_forwarding_rule(admin, user.id, ForwardCondition::Always)
        .ok();
    org.set_forwarding_rule(
        admin,
        &ForwardingRuleInput {
            user_id: user.id,
            condition: ForwardCondition::Busy,
            destination: other.extension.clone().unwrap(),
            rings: None,
        },
    )
    .unwrap();
    let user = directory::user_detail(org.conn(), user.id).unwrap();
    let rules_before = count(&org, "forwarding_rules", user.id);
    org.remove_license(admin, &RemoveLicense::of(&user))
        .unwrap();
    let id = archive_id(&org, user.id);
    // Meanwhile the other user forwards everything to the number the user held.
    let number = user.phone_number.clone().unwrap();
    org.set_forwarding_rule(
        admin,
        &ForwardingRuleInput {
            user_id: other.id,
            condition: ForwardCondition::Always,
            destination: number.clone(),
            rings: None,
        },
    )
    .unwrap();
    let preview = org.restore_preview(admin, id, false).unwrap();
    let u = &preview.users[0];
    assert_eq!(u.phone_number.restored.as_deref(), Some(number.as_str()));
    let left: Vec<&String> = u.left_out.iter().filter(|l| l.contains("loop")).collect();
    assert_eq!(left.len(), 1, "{:?}", u.left_out);
    assert!(
        left[0].contains("\"busy\"") && left[0].contains(&other.full_name()),
        "{}",
        left[0]
    );
    let forwarding = u
        .counts
        .iter()
        .find(|c| c.kind == "forwarding_rules")
        .unwrap();
    assert_eq!(forwarding.count, rules_before - 1);
    org.restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap();
    assert_eq!(count(&org, "forwarding_rules", user.id), rules_before - 1);
    let busy: i64 = org
        .conn()
        .query_row(
            "SELECT count(*) FROM forwarding_rules WHERE user_id = ?1 AND condition = 'busy'",
            [user.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(busy, 0, "the looping rule stays out");
}

#[test]
fn after_thirty_days_the_archive_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.sqlite");
    std::fs::copy(crate::tests::testing::demo_template(), &path).unwrap();
    let clock = ManualClock::new(chrono::Utc::now());
    let mut org = Org::open(&path, Arc::new(clock.clone())).unwrap();
    let admin = sign_in(&mut org, "dana.reyes");
    let (user, _, id) = removed(&mut org, admin);
    let preview = org.restore_preview(admin, id, false).unwrap();
    clock.advance(Duration::days(31));
    let before = snapshot(&org, TABLES);
    let e = org.restore_preview(admin, id, false).unwrap_err();
    assert_eq!(e.code(), "archive_unusable");
    assert!(e.to_string().contains("expired"), "{e}");
    let e = org
        .restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap_err();
    assert!(e.to_string().contains("expired"), "{e}");
    assert_eq!(snapshot(&org, TABLES), before);
    assert!(!org.safety_archives(admin, user.id).unwrap()[0].restorable);
}

#[test]
fn a_user_who_holds_a_license_now_is_told_what_to_do() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (user, _, id) = removed(&mut org, admin);
    let user = directory::user_detail(org.conn(), user.id).unwrap();
    let product = crate::tests::testing::product_id(&org, "Voice Pro");
    org.assign_license(admin, &crate::AssignLicense::of(&user, product))
        .unwrap();
    let e = org.restore_preview(admin, id, false).unwrap_err();
    assert_eq!(e.code(), "archive_unusable");
    assert!(e.to_string().contains("Remove it first"), "{e}");
}

/// A ZIP's entries: name and bytes, in order.
type Entries = Vec<(String, Vec<u8>)>;

/// Rewrites the archive's file with `edit` applied to its entries, as someone with access to
/// the folder could.
/// Where the archive's file is.
fn archive_file(org: &Org, id: i64) -> std::path::PathBuf {
    let a = safety_archives::get(org.conn(), id).unwrap().unwrap();
    crate::domain::licenses::safety_archive::resolve(&org.archive_dir, &a.path).unwrap()
}

/// Edits the archive's file and its stored copy alike (a damaged file alone is read from the
/// stored copy instead).
fn tamper(org: &Org, id: i64, edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) {
    let path = archive_file(org, id);
    let mut entries = entries_of(&std::fs::read(&path).unwrap());
    edit(&mut entries);
    let zip = zip_of(&entries);
    std::fs::write(&path, &zip).unwrap();
    put_stored_copy(org, id, &zip);
}

/// A ZIP's files, in order, as (name, bytes).
fn entries_of(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn put_stored_copy(org: &Org, id: i64, zip: &[u8]) {
    org.conn()
        .execute(
            "UPDATE safety_archives SET zip = ?1 WHERE id = ?2",
            rusqlite::params![zip, id],
        )
        .unwrap();
}

fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_tampered_archive_is_refused_and_nothing_changes() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (user, _, id) = removed(&mut org, admin);
    let preview = org.restore_preview(admin, id, false).unwrap();
    tamper(&org, id, |entries| {
        let csv = entries
            .iter_mut()
            .find(|(n, _)| n == "call_history.csv")
            .unwrap();
        csv.1
            .extend_from_slice(b"999,2026-01-01T00:00:00Z,outbound,+15125550100,60\n");
    });
    let before = snapshot(&org, TABLES);
    let e = org.restore_preview(admin, id, false).unwrap_err();
    assert_eq!(e.code(), "archive_damaged");
    assert!(e.to_string().contains("SHA-256"), "{e}");
    let e = org
        .restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap_err();
    assert_eq!(e.code(), "archive_damaged");
    assert_eq!(snapshot(&org, TABLES), before);
    assert!(directory::user_detail(org.conn(), user.id)
        .unwrap()
        .license
        .is_none());
}

/// The checks behind the checksum, on archives whose checksum is their own (a stored copy
/// and its recorded checksum replaced together, as a crafted organization file could).
#[test]
fn hostile_contents_are_refused_even_with_a_matching_checksum() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (_, _, id) = removed(&mut org, admin);
    let path = archive_file(&org, id);
    let good = std::fs::read(&path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(good.clone())).unwrap();
    let entries: Vec<(String, Vec<u8>)> = (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect();
    assert!(read_archive(&good, &sha256_hex(&good)).is_ok());
    let check = |edit: &dyn Fn(&mut Entries), expect: &str| {
        let mut e = entries.clone();
        edit(&mut e);
        let bytes = zip_of(&e);
        let err = match read_archive(&bytes, &sha256_hex(&bytes)) {
            Ok(_) => panic!("accepted: {expect}"),
            Err(err) => err,
        };
        assert_eq!(err.code(), "archive_damaged");
        assert!(err.to_string().contains(expect), "{err} lacks {expect}");
    };
    check(
        &|e: &mut Entries| e.push(("../../etc/evil.sh".into(), b"x".to_vec())),
        "which no removal writes",
    );
    check(
        &|e: &mut Entries| e.push(("audio/call_history-1.wav".into(), b"x".to_vec())),
        "which no removal writes",
    );
    check(
        &|e: &mut Entries| e.retain(|(n, _)| n != "voicemails.csv"),
        "voicemails.csv is missing",
    );
    // An audio file of another row named by a voicemail: refused even with a true listing.
    check(
        &|e: &mut Entries| {
            let f = e.iter_mut().find(|(n, _)| n == "voicemails.csv").unwrap();
            let text = String::from_utf8(f.1.clone()).unwrap();
            f.1 = text
                .replacen("audio/voicemails-", "audio/voicemails-9", 1)
                .into_bytes();
            relist(e);
        },
        "not its own",
    );
    check(
        &|e: &mut Entries| {
            let f = e.iter_mut().find(|(n, _)| n == "app_access.csv").unwrap();
            f.1 = b"app,enabled,user_id\n".to_vec();
            relist(e);
        },
        "header",
    );
    check(
        &|e: &mut Entries| {
            let f = e.iter_mut().find(|(n, _)| n == MANIFEST).unwrap();
            f.1 = b"{\"format\": \"other\"}".to_vec();
        },
        "known version",
    );
    // A CSV changed with its manifest left as it was.
    check(
        &|e: &mut Entries| {
            let f = e.iter_mut().find(|(n, _)| n == "app_access.csv").unwrap();
            f.1.extend_from_slice(b"web_app,1\n");
        },
        "differs from its checksum",
    );
    // Oversize, before anything is unpacked.
    let refusal = |bytes: &[u8]| match read_archive(bytes, &sha256_hex(bytes)) {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    };
    let big = vec![0u8; MAX_ARCHIVE_BYTES as usize + 1];
    assert!(refusal(&big).contains("larger than"));
    assert!(refusal(b"not a zip").contains("not a readable ZIP"));
}

/// Rebuilds an archive's manifest listing for edited entries, so that only the values are wrong.
fn relist(entries: &mut [(String, Vec<u8>)]) {
    let listing: Vec<_> = entries
        .iter()
        .filter(|(n, _)| n != MANIFEST)
        .map(|(n, b)| json!({ "path": n, "bytes": b.len(), "sha256": sha256_hex(b) }))
        .collect();
    let m = entries.iter_mut().find(|(n, _)| n == MANIFEST).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_slice(&m.1).unwrap();
    manifest["files"] = json!(listing);
    m.1 = serde_json::to_vec(&manifest).unwrap();
}

/// The archive's last call goes sideways: a direction the table does not know, in a CSV that
/// is otherwise as written (its manifest listed again).
fn last_call_goes_sideways(entries: &mut Entries) {
    let csv = entries
        .iter_mut()
        .find(|(n, _)| n == "call_history.csv")
        .unwrap();
    let text = String::from_utf8(csv.1.clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let last = lines.last_mut().unwrap();
    *last = last
        .replace(",inbound,", ",sideways,")
        .replace(",outbound,", ",sideways,")
        .replace(",missed,", ",sideways,");
    csv.1 = (lines.join("\n") + "\n").into_bytes();
    relist(entries);
}

#[test]
fn a_value_the_table_refuses_refuses_the_restore_and_nothing_changes() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (user, _, id) = removed(&mut org, admin);
    let preview = org.restore_preview(admin, id, false).unwrap();
    tamper(&org, id, last_call_goes_sideways);
    // The checksum recorded with the removal is replaced too: only the table's CHECK is left.
    let path = archive_file(&org, id);
    let sha = sha256_hex(&std::fs::read(&path).unwrap());
    org.conn()
        .execute(
            "UPDATE safety_archives SET sha256 = ?1 WHERE id = ?2",
            rusqlite::params![sha, id],
        )
        .unwrap();
    let before = snapshot(&org, TABLES);
    let e = org.restore_preview(admin, id, false).unwrap_err();
    assert_eq!(e.code(), "archive_damaged");
    assert!(e.to_string().contains("call_history.csv"), "{e}");
    let e = org
        .restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap_err();
    assert_eq!(e.code(), "archive_damaged");
    assert_eq!(
        snapshot(&org, TABLES),
        before,
        "the license was not assigned either"
    );
    assert!(directory::user_detail(org.conn(), user.id)
        .unwrap()
        .license
        .is_none());
}

#[test]
fn a_whole_bulk_removal_comes_back_in_one_step_or_not_at_all() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let ids: Vec<i64> = {
        let mut stmt = org
            .conn()
            .prepare("SELECT user_id FROM seats WHERE user_id IS NOT NULL ORDER BY user_id LIMIT 3")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let before: Vec<Vec<i64>> = ids.iter().map(|&u| counts(&org, u)).collect();
    org.bulk_apply(
        admin,
        &crate::BulkRequest {
            user_ids: ids.clone(),
            action: crate::BulkAction::Remove,
        },
    )
    .unwrap();
    let first = archive_id(&org, ids[0]);
    let listed = org.safety_archives(admin, ids[0]).unwrap();
    assert_eq!(listed[0].batch_size, 3);
    let preview = org.restore_preview(admin, first, true).unwrap();
    assert_eq!(preview.users.len(), 3);
    // One archive of the three damaged: none is restored.
    let third = archive_id(&org, ids[2]);
    let good = safety_archives::stored_copy(org.conn(), third).unwrap();
    tamper(&org, third, |e| e.push(("x.txt".into(), b"x".to_vec())));
    let snap = snapshot(&org, TABLES);
    let e = org
        .restore_from_archive(admin, &request_of(&preview, first, true))
        .unwrap_err();
    assert_eq!(e.code(), "archive_damaged");
    assert_eq!(snapshot(&org, TABLES), snap, "all or nothing");
    // Put back as it was (its stored copy), every one comes back in one step.
    let path = archive_file(&org, third);
    std::fs::write(&path, &good).unwrap();
    put_stored_copy(&org, third, &good);
    let receipt = org
        .restore_from_archive(admin, &request_of(&preview, first, true))
        .unwrap();
    assert_eq!(receipt.users.len(), 3);
    for (u, b) in ids.iter().zip(&before) {
        assert_eq!(&counts(&org, *u), b);
        assert!(directory::user_detail(org.conn(), *u)
            .unwrap()
            .license
            .is_some());
    }
    for u in &ids {
        assert!(!org.safety_archives(admin, *u).unwrap()[0].restorable);
    }
}

#[test]
fn a_role_without_assigning_restores_nothing() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (_, _, id) = removed(&mut org, admin);
    let preview = org.restore_preview(admin, id, false).unwrap();
    let helpdesk = sign_in(&mut org, "priya.nair");
    let before = snapshot(&org, TABLES);
    let e = org
        .restore_from_archive(helpdesk, &request_of(&preview, id, false))
        .unwrap_err();
    assert_eq!(e.code(), "permission_denied");
    assert_eq!(snapshot(&org, TABLES), before);
}

#[test]
fn an_offboarded_user_is_reactivated_with_license_and_data() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let user = user_with_all_data(&org);
    let before = counts(&org, user.id);
    org.offboard_user(admin, &OffboardUser::of(&user)).unwrap();
    let off = directory::user_detail(org.conn(), user.id).unwrap();
    assert_eq!(off.status, UserStatus::Suspended);
    let preview = org.reactivation_preview(admin, user.id).unwrap();
    let restore = preview.restore.clone().unwrap();
    assert!(preview.summary.contains("active again"));
    let id = restore.users[0].archive_id;
    let mut req = request_of(&restore, id, false);
    req.choices[0].expected_version = off.version;
    let receipt = org
        .reactivate_user(
            admin,
            &ReactivateUser {
                user_id: user.id,
                expected_version: off.version,
                restore: Some(req),
            },
        )
        .unwrap();
    assert_eq!(receipt.user.status, UserStatus::Active);
    assert!(receipt.user.license.is_some());
    assert_eq!(receipt.user.extension, user.extension);
    assert_eq!(counts(&org, user.id), before);
    // Active users are not reactivated.
    let e = org.reactivation_preview(admin, user.id).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("status"));
}

#[test]
fn a_user_deactivated_without_an_archive_is_only_made_active_again() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let user = crate::tests::testing::unlicensed_user(&org);
    let off = org
        .offboard_user(admin, &OffboardUser::of(&user))
        .map(|r| r.user)
        .unwrap_or_else(|_| {
            users::suspend(org.conn(), user.id).unwrap();
            directory::user_detail(org.conn(), user.id).unwrap()
        });
    let preview = org.reactivation_preview(admin, user.id).unwrap();
    assert!(preview.restore.is_none());
    let receipt = org
        .reactivate_user(
            admin,
            &ReactivateUser {
                user_id: user.id,
                expected_version: off.version,
                restore: None,
            },
        )
        .unwrap();
    assert_eq!(receipt.user.status, UserStatus::Active);
    assert!(receipt.user.license.is_none());
}

#[test]
fn a_lost_archive_file_is_read_from_its_stored_copy() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (user, before, id) = removed(&mut org, admin);
    let path = archive_file(&org, id);
    std::fs::remove_file(&path).unwrap();
    let preview = org.restore_preview(admin, id, false).unwrap();
    org.restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap();
    assert_eq!(counts(&org, user.id), before);
}

/// Archive files are not synced: after a power cut one may be torn. The restore reads the
/// stored copy instead, and the next sign-in writes the file again.
#[test]
fn a_torn_archive_file_is_read_from_its_stored_copy_and_written_again_at_sign_in() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (user, before, id) = removed(&mut org, admin);
    let path = archive_file(&org, id);
    let whole = std::fs::read(&path).unwrap();
    // Torn: the first half only; then the same length, its second half zeros.
    std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    sign_in(&mut org, "dana.reyes");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        whole,
        "written again at sign-in"
    );
    let mut zeroed = whole.clone();
    zeroed[whole.len() / 2..].fill(0);
    std::fs::write(&path, &zeroed).unwrap();
    let preview = org.restore_preview(admin, id, false).unwrap();
    org.restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap();
    assert_eq!(counts(&org, user.id), before);
}

#[test]
fn a_desk_phone_activated_by_someone_else_since_is_named_and_left_out() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let user = user_with_all_data(&org);
    let mac = "00:15:65:AA:BB:CC".to_owned();
    org.activate_device(
        admin,
        &crate::ActivateDevice {
            user_id: user.id,
            device_type: crate::DeviceType::DeskPhone,
            model: "Yealink T54W".into(),
            mac_address: mac.clone(),
        },
    )
    .unwrap();
    let user = directory::user_detail(org.conn(), user.id).unwrap();
    let devices = count(&org, "device_activations", user.id);
    org.remove_license(admin, &RemoveLicense::of(&user))
        .unwrap();
    let id = archive_id(&org, user.id);
    // Another user activates the desk phone meanwhile.
    let other = crate::tests::testing::user_on(&org, "Voice Pro");
    assert_ne!(other.id, user.id);
    org.activate_device(
        admin,
        &crate::ActivateDevice {
            user_id: other.id,
            device_type: crate::DeviceType::DeskPhone,
            model: "Yealink T54W".into(),
            mac_address: mac.clone(),
        },
    )
    .unwrap();
    let preview = org.restore_preview(admin, id, false).unwrap();
    let u = &preview.users[0];
    assert!(
        u.left_out
            .iter()
            .any(|l| l.contains(&mac) && l.contains(&other.full_name())),
        "{:?}",
        u.left_out
    );
    org.restore_from_archive(admin, &request_of(&preview, id, false))
        .unwrap();
    assert_eq!(count(&org, "device_activations", user.id), devices - 1);
}

/// The restore on both storage engines (docs/ARCHITECTURE.md §Server): what comes back, the
/// seats it buys, a bulk removal's batch and a reactivation, equal on the file and the server.
mod on_both_engines {
    use super::*;
    use crate::tests::engines::{
        chain_intact, ids, license_of, number, same_on_each_engine, Place,
    };
    use crate::{AssignLicense, BulkAction, BulkRequest};

    /// The user's data in every table a removal deletes, without row ids (a restore gives new
    /// ones), audio as its SHA-256; sorted, so that it compares across engines and ids.
    fn data_of(org: &Org, user_id: i64) -> Vec<String> {
        org.engine
            .read(|db| {
                let mut out = Vec::new();
                for t in &DELETED_TABLES {
                    let id_at = t.columns.iter().position(|c| *c == "id");
                    for row in t.rows(db, user_id)? {
                        let cells: Vec<&str> = row
                            .cells
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| Some(*i) != id_at)
                            .map(|(_, c)| c.as_str())
                            .collect();
                        let audio = row.audio.as_deref().map(sha256_hex).unwrap_or_default();
                        out.push(format!("{}|{}|{audio}", t.table, cells.join("|")));
                    }
                }
                out.sort();
                Ok(out)
            })
            .unwrap()
    }

    fn counts(org: &Org, user_id: i64) -> Vec<i64> {
        DELETED_TABLES
            .iter()
            .map(|t| {
                number(
                    org,
                    &format!("SELECT count(*) FROM {} WHERE user_id = ?1", t.table),
                    &[&user_id],
                )
            })
            .collect()
    }

    fn newest_archive(org: &Org, user_id: i64) -> i64 {
        number(
            org,
            "SELECT max(id) FROM safety_archives WHERE user_id = ?1",
            &[&user_id],
        )
    }

    #[test]
    fn a_removal_comes_back_whole_on_both_engines() {
        same_on_each_engine(|org, place: &Place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let user = user_with_all_data(org);
            let (data, before) = (data_of(org, user.id), counts(org, user.id));
            org.remove_license(admin, &RemoveLicense::of(&user))
                .unwrap();
            assert!(counts(org, user.id).iter().all(|&n| n == 0), "{engine}");
            let id = newest_archive(org, user.id);
            let listed = org.safety_archives(admin, user.id).unwrap();
            assert!(
                listed[0].present && listed[0].restorable && listed[0].problem.is_none(),
                "{engine}: the archive is listed as there and restorable"
            );
            let preview = org.restore_preview(admin, id, false).unwrap();
            assert!(
                counts(org, user.id).iter().all(|&n| n == 0),
                "{engine}: a preview keeps nothing"
            );
            // Another admin restores it, in a window of their own.
            let mut other = place.open();
            let other_admin = sign_in(&mut other, "dana.reyes");
            let receipt = other
                .restore_from_archive(other_admin, &request_of(&preview, id, false))
                .unwrap();
            assert_eq!(counts(org, user.id), before, "{engine}");
            assert_eq!(data_of(org, user.id), data, "{engine}: every value back");
            let after = org
                .engine
                .read(|db| directory::user_detail(db, user.id))
                .unwrap();
            assert_eq!(after.extension, user.extension, "{engine}");
            assert_eq!(after.phone_number, user.phone_number, "{engine}");
            // Once only.
            let e = org.restore_preview(admin, id, false).unwrap_err();
            assert_eq!(e.code(), "archive_unusable", "{engine}");
            assert!(chain_intact(org), "{engine}");
            (
                preview.summary,
                receipt.message,
                license_of(org, user.id),
                org.safety_archives(admin, user.id).unwrap()[0].restorable,
            )
        });
    }

    #[test]
    fn a_restore_with_no_free_seat_buys_one_or_is_refused_unchanged() {
        same_on_each_engine(|org, place: &Place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let user = user_with_all_data(org);
            let product = user.license.as_ref().unwrap().product_id;
            org.remove_license(admin, &RemoveLicense::of(&user))
                .unwrap();
            let id = newest_archive(org, user.id);
            // Every free seat of the product goes to users without a license.
            let free = number(
                org,
                "SELECT count(*) FROM seats WHERE product_id = ?1 AND status = 'available'",
                &[&product],
            );
            let unlicensed = ids(
                org,
                "SELECT u.id FROM users u WHERE u.status = 'active'
                 AND NOT EXISTS (SELECT 1 FROM seats s WHERE s.user_id = u.id) ORDER BY u.id",
            );
            let others = unlicensed.iter().filter(|&&u| u != user.id);
            for &u in others.take(free as usize) {
                let target = org.engine.read(|db| directory::user_detail(db, u)).unwrap();
                org.assign_license(
                    admin,
                    &AssignLicense {
                        user_id: u,
                        product_id: product,
                        expected_version: target.version,
                    },
                )
                .unwrap();
            }
            let preview = org.restore_preview(admin, id, false).unwrap();
            assert!(!preview.users[0].seat_free, "{engine}");
            assert_eq!(preview.purchases.len(), 1, "{engine}");
            let seats = number(org, "SELECT count(*) FROM seats", &[]);
            let orders = number(org, "SELECT count(*) FROM orders", &[]);
            let e = org
                .restore_from_archive(admin, &request_of(&preview, id, false))
                .unwrap_err();
            assert_eq!(e.code(), "no_license_available", "{engine}");
            assert_eq!(number(org, "SELECT count(*) FROM seats", &[]), seats);
            assert!(license_of(org, user.id).is_none(), "{engine}");
            let receipt = org
                .restore_from_archive(admin, &request_of(&preview, id, true))
                .unwrap();
            assert_eq!(number(org, "SELECT count(*) FROM seats", &[]), seats + 1);
            assert_eq!(number(org, "SELECT count(*) FROM orders", &[]), orders + 1);
            let last = number(org, "SELECT max(id) FROM audit_log", &[]);
            let restored_at = number(
                org,
                "SELECT max(id) FROM audit_log WHERE action = 'license.restore'",
                &[],
            );
            let bought_at = number(
                org,
                "SELECT max(id) FROM audit_log WHERE action = 'billing.purchase'",
                &[],
            );
            assert!(
                bought_at < restored_at && restored_at == last,
                "{engine}: the purchase, then the restore, in one change"
            );
            (
                preview.purchases,
                receipt.purchases.len(),
                license_of(org, user.id),
            )
        });
    }

    #[test]
    fn a_bulk_removal_and_its_whole_batch_restore_on_both_engines() {
        same_on_each_engine(|org, place: &Place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let auditor = sign_in(org, "max.weber");
            let holders = ids(
                org,
                "SELECT s.user_id FROM seats s WHERE s.user_id IS NOT NULL ORDER BY s.user_id LIMIT 3",
            );
            let req = BulkRequest {
                user_ids: holders.clone(),
                action: BulkAction::Remove,
            };
            let preview = org.bulk_preview(admin, &req).unwrap();
            let data: Vec<_> = holders.iter().map(|&u| data_of(org, u)).collect();
            // An Auditor's bulk removal is refused, recorded, and changes nothing else.
            let entries = number(org, "SELECT count(*) FROM audit_log", &[]);
            let e = org.bulk_apply(auditor, &req).unwrap_err();
            assert_eq!(e.code(), "permission_denied", "{engine}");
            assert_eq!(
                number(org, "SELECT count(*) FROM audit_log", &[]),
                entries + 1
            );
            assert!(license_of(org, holders[0]).is_some(), "{engine}");
            let receipt = org.bulk_apply(admin, &req).unwrap();
            assert_eq!(receipt.safety_archives, 3, "{engine}");
            for &u in &holders {
                assert!(license_of(org, u).is_none(), "{engine}");
                assert!(counts(org, u).iter().all(|&n| n == 0), "{engine}");
            }
            let first = newest_archive(org, holders[0]);
            assert_eq!(
                org.safety_archives(admin, holders[0]).unwrap()[0].batch_size,
                3,
                "{engine}"
            );
            let restore = org.restore_preview(admin, first, true).unwrap();
            let back = org
                .restore_from_archive(admin, &request_of(&restore, first, true))
                .unwrap();
            for (&u, d) in holders.iter().zip(&data) {
                assert_eq!(&data_of(org, u), d, "{engine}");
                assert!(license_of(org, u).is_some(), "{engine}");
            }
            assert!(chain_intact(org), "{engine}");
            (preview, receipt.message, restore.summary, back.message)
        });
    }

    /// Replaces the archive's stored copy with `edit`ed entries and a checksum that matches
    /// them; beside a file, its ZIP is deleted, so that the stored copy is what is read.
    fn replace_archive(org: &mut Org, id: i64, edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) {
        if org.engine.is_file() {
            std::fs::remove_file(archive_file(org, id)).unwrap();
        }
        let stored = org
            .engine
            .read(|db| safety_archives::stored_copy_if_any(db, id))
            .unwrap()
            .expect("a stored copy");
        let mut entries = entries_of(&stored);
        edit(&mut entries);
        let zip = zip_of(&entries);
        let sha = sha256_hex(&zip);
        org.engine
            .write(|db| {
                db.execute(
                    "UPDATE safety_archives SET zip = ?1, sha256 = ?2 WHERE id = ?3",
                    &[&zip, &sha, &id],
                )
            })
            .unwrap();
    }

    #[test]
    fn a_value_the_table_refuses_is_named_and_nothing_changes_on_both_engines() {
        same_on_each_engine(|org, place: &Place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let user = user_with_all_data(org);
            org.remove_license(admin, &RemoveLicense::of(&user))
                .unwrap();
            let id = newest_archive(org, user.id);
            let preview = org.restore_preview(admin, id, false).unwrap();
            replace_archive(org, id, last_call_goes_sideways);
            let (seats, entries) = (
                number(
                    org,
                    "SELECT count(*) FROM seats WHERE user_id IS NOT NULL",
                    &[],
                ),
                number(org, "SELECT count(*) FROM audit_log", &[]),
            );
            let e = org.restore_preview(admin, id, false).unwrap_err();
            assert_eq!(e.code(), "archive_damaged", "{engine}: {e}");
            let e = org
                .restore_from_archive(admin, &request_of(&preview, id, false))
                .unwrap_err();
            assert_eq!(e.code(), "archive_damaged", "{engine}: {e}");
            assert!(e.to_string().contains("call_history.csv"), "{engine}: {e}");
            assert_eq!(
                number(
                    org,
                    "SELECT count(*) FROM seats WHERE user_id IS NOT NULL",
                    &[]
                ),
                seats,
                "{engine}: the license was not assigned either"
            );
            assert_eq!(number(org, "SELECT count(*) FROM audit_log", &[]), entries);
            assert!(counts(org, user.id).iter().all(|&n| n == 0), "{engine}");
            e.code()
        });
    }

    #[test]
    fn an_offboarded_user_is_reactivated_on_both_engines() {
        same_on_each_engine(|org, place: &Place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let user = user_with_all_data(org);
            let data = data_of(org, user.id);
            org.offboard_user(admin, &OffboardUser::of(&user)).unwrap();
            let off = org
                .engine
                .read(|db| directory::user_detail(db, user.id))
                .unwrap();
            let preview = org.reactivation_preview(admin, user.id).unwrap();
            let restore = preview.restore.clone().expect("the offboarding's archive");
            let mut req = request_of(&restore, restore.users[0].archive_id, false);
            req.choices[0].expected_version = off.version;
            let receipt = org
                .reactivate_user(
                    admin,
                    &ReactivateUser {
                        user_id: user.id,
                        expected_version: off.version,
                        restore: Some(req),
                    },
                )
                .unwrap();
            assert_eq!(receipt.user.status, UserStatus::Active, "{engine}");
            assert_eq!(data_of(org, user.id), data, "{engine}");
            (preview.summary, receipt.message, license_of(org, user.id))
        });
    }
}
