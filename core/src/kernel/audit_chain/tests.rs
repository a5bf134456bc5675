//! Tampering with the log as someone with the file and the sqlite3 shell would, and what
//! "Verify integrity" then reports.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;
use crate::base::clock::ManualClock;
use crate::kernel::org::{Actor, Org};
use crate::tests::testing::sign_in;
use crate::{AuditQuery, Unwatched};

fn org_at(dir: &Path) -> (Org, ManualClock) {
    let clock = ManualClock::new(chrono::Utc::now());
    let org = Org::open(&dir.join("org.sqlite"), Arc::new(clock.clone())).unwrap();
    (org, clock)
}

/// A few ordinary entries.
fn work(org: &mut Org, clock: &ManualClock) {
    for _ in 0..3 {
        let _ = org.sign_in("sam.okafor", "wrong");
        clock.advance(chrono::Duration::hours(1));
    }
    sign_in(org, "sam.okafor");
}

fn last_id(org: &Org) -> i64 {
    head(org.conn()).unwrap().last_id
}

/// Deletes the entries after `keep_up_to`, as the sqlite3 shell can once the trigger is
/// dropped; the trigger is put back so that nothing looks out of place.
fn delete_after(org: &Org, keep_up_to: i64) {
    org.conn()
        .execute_batch(&format!(
            "DROP TRIGGER audit_log_no_delete;
             DELETE FROM audit_log WHERE id > {keep_up_to};
             CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
        ))
        .unwrap();
}

/// Rewrites entry `id` and hashes the whole chain again, triggers dropped and recreated.
fn rewrite_and_rehash(org: &Org, id: i64) {
    org.conn()
        .execute_batch(&format!(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET account_login = 'nobody' WHERE id = {id};"
        ))
        .unwrap();
    crate::kernel::audit::rehash_all(org.conn());
    org.conn()
        .execute_batch(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
        )
        .unwrap();
    assert_eq!(
        crate::kernel::audit::first_broken_entry(org.conn()).unwrap(),
        None
    );
}

fn auditor(org: &mut Org) -> Actor {
    sign_in(org, "max.weber")
}

#[test]
fn a_csv_head_line_reads_back_and_other_endings_do_not() {
    let head = ChainHead {
        last_id: 42,
        count: 40,
        hash: "ab".repeat(32),
    };
    let text = format!("id,at\n1,x\n{}", csv_line(&head));
    assert_eq!(head_in_csv(&text), Some(head));
    assert_eq!(head_in_csv("id,at\n1,x\n"), None);
    assert_eq!(
        head_in_csv("# audit chain head: last_id=x count=1 hash=a\n"),
        None
    );
}

#[test]
fn ids_are_never_reused_after_the_last_entries_are_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let (mut org, clock) = org_at(dir.path());
    work(&mut org, &clock);
    let last = last_id(&org);
    delete_after(&org, last - 2);
    sign_in(&mut org, "dana.reyes");
    assert_eq!(last_id(&org), last + 1, "the deleted ids stay unused");
}

#[test]
fn deleting_the_last_entries_is_reported_when_a_backup_recorded_them() {
    let dir = tempfile::tempdir().unwrap();
    let (mut org, clock) = org_at(dir.path());
    let admin = sign_in(&mut org, "dana.reyes");
    work(&mut org, &clock);
    let recorded = last_id(&org);
    let backup = org.back_up_now(admin).unwrap();
    work(&mut org, &clock);
    let auditor = auditor(&mut org);
    let before = org.verify_audit_log(auditor).unwrap();
    assert!(before.intact, "{}", before.message);
    assert!(before.heads_checked >= 1);

    delete_after(&org, recorded - 2);
    let after = org.verify_audit_log(auditor).unwrap();
    assert_eq!(after.first_broken, None, "what is left still chains");
    assert!(!after.intact);
    assert!(
        after.message.contains(&format!(
            "does not hold entry {recorded} with the hash recorded in backup {}",
            backup.file_name
        )),
        "{}",
        after.message
    );
}

#[test]
fn a_log_rewritten_and_hashed_again_is_reported_when_a_backup_exists() {
    let dir = tempfile::tempdir().unwrap();
    let (mut org, clock) = org_at(dir.path());
    let admin = sign_in(&mut org, "dana.reyes");
    work(&mut org, &clock);
    org.back_up_now(admin).unwrap();
    work(&mut org, &clock);
    rewrite_and_rehash(&org, 2);
    let auditor = auditor(&mut org);
    let v = org.verify_audit_log(auditor).unwrap();
    assert_eq!(v.first_broken, None, "the chain itself is consistent again");
    assert!(!v.intact);
    assert!(
        v.message.contains("were removed or rewritten"),
        "{}",
        v.message
    );
}

#[test]
fn a_missing_append_only_trigger_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (mut org, _clock) = org_at(dir.path());
    let auditor = auditor(&mut org);
    org.conn()
        .execute_batch("DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    let v = org.verify_audit_log(auditor).unwrap();
    assert!(!v.intact);
    assert!(
        v.message
            .contains("append-only protection of the log is missing (audit_log_no_delete)"),
        "{}",
        v.message
    );
}

/// No backup beside the file: the exports alone catch the truncation, and without them the
/// chain looks whole (the README says so).
#[test]
fn audit_csv_exports_and_zip_manifests_record_the_head_and_catch_a_truncation() {
    let dir = tempfile::tempdir().unwrap();
    let (mut org, clock) = org_at(dir.path());
    let admin = sign_in(&mut org, "dana.reyes");
    work(&mut org, &clock);
    let _ = std::fs::remove_dir_all(backup::dir_for(&org.path));
    let csv = dir.path().join("audit.csv");
    org.export_audit_log(admin, &AuditQuery::default(), &csv)
        .unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    let last_line = text.lines().last().unwrap();
    assert!(
        last_line.starts_with("# audit chain head: last_id="),
        "{last_line}"
    );
    crate::tests::export_safety::assert_spreadsheet_safe("audit export", text.as_bytes());
    let zip = dir.path().join("user.zip");
    let user = crate::tests::testing::user_with_all_data(&org);
    org.export_user_data(admin, user.id, &zip, &mut Unwatched)
        .unwrap();
    let exports: Vec<PathBuf> = vec![csv.clone(), zip.clone()];
    let auditor = auditor(&mut org);
    let v = org.verify_audit_log_against(auditor, &exports).unwrap();
    assert!(v.intact, "{}", v.message);
    assert_eq!(v.heads_checked, 2);

    let exported = head_in_csv(&text).unwrap().last_id;
    delete_after(&org, exported - 1);
    assert!(org.verify_audit_log(auditor).unwrap().intact);
    let v = org.verify_audit_log_against(auditor, &exports).unwrap();
    assert!(!v.intact);
    for source in [&csv, &zip] {
        assert!(
            v.message.contains(&format!("export {}", source.display())),
            "{}",
            v.message
        );
    }
}

#[test]
fn a_restore_is_not_taken_for_tampering_and_backups_before_it_are_never_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let (mut org, clock) = org_at(dir.path());
    let admin = sign_in(&mut org, "dana.reyes");
    let good = org.back_up_now(admin).unwrap();
    clock.advance(chrono::Duration::minutes(1));
    work(&mut org, &clock);
    let admin = sign_in(&mut org, "dana.reyes");
    org.back_up_now(admin).unwrap();
    clock.advance(chrono::Duration::minutes(1));
    let receipt = org.restore_backup(admin, &good.file_name).unwrap();
    let auditor = auditor(&mut org);
    let v = org.verify_audit_log(auditor).unwrap();
    assert!(v.intact, "{}", v.message);
    // Many more backups than are kept: the one taken before the restore stays.
    for _ in 0..backup::KEEP + 2 {
        clock.advance(chrono::Duration::minutes(1));
        org.back_up_now(admin).unwrap();
    }
    let names: Vec<String> = backup::list(&backup::dir_for(&org.path))
        .unwrap()
        .into_iter()
        .map(|b| b.file_name)
        .collect();
    assert!(
        names.contains(&receipt.before_restore.file_name),
        "{names:?}"
    );
    assert_eq!(names.len(), backup::KEEP + 1);
    assert!(org.verify_audit_log(auditor).unwrap().intact);
}
