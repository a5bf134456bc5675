//! Migrations from every earlier schema version, on real files: a file is built at schema k
//! (only the first k migrations, with realistic rows as that schema allows), then opened with
//! the current code. Every row is still there, the schema is the latest, integrity and
//! foreign keys check, the audit chain verifies, and a backup was taken before migrating.
//!
//! Generic over `db::MIGRATIONS`: a new migration is covered without touching this file.
//! Seed rows exist for versions 1 to 3; later versions are tested with those.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use rusqlite::Connection;

use crate::base::clock::SystemClock;
use crate::kernel::audit::{self, AuditActor, AuditEntry};
use crate::storage::backup::{self, BackupReason};
use crate::storage::db::{self, schema_version};
use crate::storage::pre_migration_copy;
use crate::Org;

/// Rows an organization of schema `version` could hold (only the tables that version added).
pub(crate) fn seed_version(conn: &Connection, version: usize) {
    match version {
        1 => seed_1(conn),
        2 => conn.execute_batch(SEED_2).unwrap(),
        3 => conn.execute_batch(SEED_3).unwrap(),
        _ => {}
    }
}

fn seed_1(conn: &Connection) {
    let (before_accounts, after_accounts) = SEED_1.split_once("-- accounts\n").unwrap();
    conn.execute_batch(before_accounts).unwrap();
    let hash = crate::kernel::accounts::hash_password("old-password-1").unwrap();
    conn.execute(
        "INSERT INTO accounts (id, login, display_name, role_id, password_hash, status, created_at)
         VALUES (1, 'old.admin', 'Olga Admin', 1, ?1, 'active', '2025-01-01T08:00:00Z'),
                (2, 'old.help', 'Hugo Help', 2, ?1, 'disabled', '2025-01-01T08:00:00Z')",
        [&hash],
    )
    .unwrap();
    conn.execute_batch(after_accounts).unwrap();
    let mut entry = AuditEntry::new("license.assign");
    entry.target_user_id = Some(1);
    entry.target_label = Some("Zoë O'Brien");
    entry.after = Some(serde_json::json!({"product": "Voice Standard"}));
    let tx = conn.unchecked_transaction().unwrap();
    audit::append(
        (&tx).into(),
        "2025-01-02T09:00:00Z",
        &AuditActor {
            account_id: Some(1),
            login: "old.admin",
            role_name: "Super Admin",
        },
        &entry,
    )
    .unwrap();
    tx.commit().unwrap();
}

const SEED_1: &str = "
INSERT INTO org_settings (key, value) VALUES ('organization_name', 'Harbor Dental Group');
INSERT INTO sites (id, name) VALUES (1, 'Lisbon'), (2, 'Porto');
INSERT INTO products (id, sku, name, family, monthly_price_cents) VALUES
    (1, 'VOICE-STD', 'Voice Standard', 'voice', 1500),
    (2, 'CC-AGENT', 'Contact Center Agent', 'contact_center', 6500),
    (3, 'MEET-PRO', 'Meetings Pro', 'meetings', 1200);
INSERT INTO product_features (product_id, feature) VALUES
    (1, 'calling'), (1, 'voicemail'), (1, 'call_forwarding'), (2, 'contact_center'),
    (2, 'call_recording'), (3, 'video_meetings');
INSERT INTO roles (id, name) VALUES (1, 'Super Admin'), (2, 'Helpdesk');
INSERT INTO role_permissions (role_id, permission) VALUES
    (1, 'users.view'), (1, 'users.edit'), (1, 'licenses.view'), (1, 'licenses.assign'),
    (1, 'licenses.remove'), (1, 'billing.view'), (1, 'billing.manage'), (1, 'numbers.manage'),
    (1, 'settings.manage'), (1, 'recordings.view'), (1, 'audit.view'), (1, 'admins.manage'),
    (2, 'users.view'), (2, 'licenses.view'), (2, 'settings.manage');
-- accounts
INSERT INTO users (id, first_name, last_name, email, department, site_id, status, extension,
                   version, updated_at, updated_by) VALUES
    (1, 'Zoë', 'O''Brien', 'zoe.obrien@harbor.example', 'Front desk', 1, 'active', '0101', 3,
        '2025-01-02T09:00:00Z', 1),
    (2, 'Ahmed', 'Rahman', 'ahmed@harbor.example', '', 2, 'suspended', NULL, 1,
        '2025-01-01T08:00:00Z', NULL),
    (3, 'Mei', 'Lin', 'MEI.LIN@harbor.example', 'Hygiene', 2, 'active', '200', 1,
        '2025-01-01T08:00:00Z', NULL);
INSERT INTO phone_numbers (id, e164, site_id, status, user_id) VALUES
    (1, '+351210000101', 1, 'assigned', 1),
    (2, '+351220000200', 2, 'assigned', 3),
    (3, '+351220000299', 2, 'available', NULL);
INSERT INTO seats (id, product_id, status, user_id, purchased_at, assigned_at,
                   cancel_effective_on) VALUES
    (1, 1, 'assigned', 1, '2025-01-01T08:00:00Z', '2025-01-02T09:00:00Z', NULL),
    (2, 2, 'assigned', 3, '2025-01-01T08:00:00Z', '2025-01-02T09:05:00Z', NULL),
    (3, 1, 'available', NULL, '2025-01-01T08:00:00Z', NULL, NULL),
    (4, 3, 'available', NULL, '2025-01-01T08:00:00Z', NULL, NULL);
";

const SEED_2: &str = "
INSERT INTO call_history (user_id, started_at, direction, remote_number, duration_seconds) VALUES
    (1, '2025-02-01T10:00:00Z', 'inbound', '+14155550100', 125),
    (1, '2025-02-01T11:30:00Z', 'missed', '+14155550101', 0),
    (3, '2025-02-02T12:00:00Z', 'outbound', '0101', 42);
INSERT INTO forwarding_rules (user_id, condition, destination, rings, enabled) VALUES
    (1, 'no_answer', '+351210000999', 4, 1),
    (1, 'busy', '0102', NULL, 0);
INSERT INTO voicemail_settings (user_id, enabled, email_notification) VALUES (1, 1, 0), (3, 0, 1);
INSERT INTO voicemails (user_id, received_at, caller_number, duration_seconds, heard, audio) VALUES
    (1, '2025-02-02T09:00:00Z', '+14155550102', 31, 0, X'52494646240000005741564566');
INSERT INTO voicemail_greetings (user_id, kind, created_at, audio) VALUES
    (1, 'standard', '2025-01-03T00:00:00Z', X'5249464624000000574156456600');
INSERT INTO device_activations (user_id, device_type, label, activated_at) VALUES
    (1, 'desk_phone', 'Yealink T54W, reception', '2025-01-03T00:00:00Z'),
    (3, 'mobile_app', 'Mei''s iPhone', '2025-01-04T00:00:00Z');
INSERT INTO call_recordings (user_id, recorded_at, remote_number, duration_seconds, audio) VALUES
    (3, '2025-02-02T12:00:00Z', '0101', 42, X'524946462400000057415645667F');
";

const SEED_3: &str = "
INSERT INTO orders (id, product_id, quantity, unit_price_cents, ordered_at, account_id) VALUES
    (1, 1, 2, 1500, '2025-01-01T08:00:00Z', 1),
    (2, 2, 1, 6500, '2025-01-01T08:00:00Z', 1),
    (3, 3, 1, 1200, '2025-01-01T08:00:00Z', NULL);
UPDATE seats SET order_id = product_id;
INSERT INTO cancellation_requests (id, product_id, quantity, requested_at, effective_on, status,
                                   closed_at, account_id) VALUES
    (1, 3, 1, '2025-03-01T08:00:00Z', '2025-05-01', 'withdrawn', '2025-03-02T08:00:00Z', 1);
";

/// Every row of every table, as text, with only the columns that exist now. The trigram
/// index (user_search and its own tables) is left out: it is derived from users and numbers,
/// and migration 11 builds it again; the test searches it instead.
fn rows(conn: &Connection) -> BTreeSet<String> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name NOT GLOB 'user_search*' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut out = BTreeSet::new();
    for table in tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let list = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = conn
            .prepare(&format!("SELECT {list} FROM \"{table}\""))
            .unwrap();
        let n = columns.len();
        let found = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{}={:?}", columns[i], r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        for row in found {
            out.insert(format!("{table}: {}", row.unwrap()));
        }
    }
    out
}

/// The same rows read again from a connection at a later schema: only the old columns.
fn rows_with_columns_of(old: &BTreeSet<String>, conn: &Connection) -> BTreeSet<String> {
    let now = rows(conn);
    // A later migration may add columns; keep of each new row only the columns the old
    // schema had, in the old order.
    let old_columns: std::collections::BTreeMap<String, Vec<String>> = old
        .iter()
        .map(|row| {
            let (table, rest) = row.split_once(": ").unwrap();
            let cols = rest
                .split('|')
                .map(|f| f.split_once('=').unwrap().0.to_owned())
                .collect();
            (table.to_owned(), cols)
        })
        .collect();
    now.into_iter()
        .filter_map(|row| {
            let (table, rest) = row.split_once(": ").unwrap();
            let cols = old_columns.get(table)?;
            let fields: std::collections::BTreeMap<&str, &str> =
                rest.split('|').filter_map(|f| f.split_once('=')).collect();
            let kept: Vec<String> = cols
                .iter()
                .map(|c| {
                    format!(
                        "{c}={}",
                        fields.get(c.as_str()).copied().unwrap_or("<gone>")
                    )
                })
                .collect();
            Some(format!("{table}: {}", kept.join("|")))
        })
        .collect()
}

/// A file at schema `version` with the seed rows that schema allows.
fn file_at_version(path: &Path, version: usize) -> BTreeSet<String> {
    let mut conn = Connection::open(path).unwrap();
    db::migrate_to(&mut conn, version).unwrap();
    for v in 1..=version {
        seed_version(&conn, v);
    }
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(found, version as i64);
    rows(&conn)
}

#[test]
fn every_earlier_schema_version_migrates_on_a_real_file_keeping_every_row() {
    let latest = schema_version() as usize;
    assert!(latest >= 3);
    for version in 1..latest {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("harbor.sqlite");
        let before = file_at_version(&path, version);
        assert!(before.len() > 20, "v{version}: only {} rows", before.len());

        let mut org = Org::open(&path, Arc::new(SystemClock))
            .unwrap_or_else(|e| panic!("v{version} does not open: {e}"));

        let conn = org.conn();
        let now: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(now, latest as i64, "v{version}");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "v{version}");
        let fk_problems: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(fk_problems, 0, "v{version}");
        assert_eq!(audit::first_broken_entry(conn).unwrap(), None, "v{version}");
        let after = rows_with_columns_of(&before, conn);
        let lost: Vec<&String> = before.difference(&after).collect();
        assert!(
            lost.is_empty(),
            "v{version}: rows lost or changed: {lost:#?}"
        );
        // Not the demo: the old organization itself.
        let users: i64 = conn
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
            .unwrap();
        assert_eq!(users, 3, "v{version}");

        // The copy of the old file waits for a sign-in.
        let before_sign_in = backup::list(&backup::dir_for(&path)).unwrap();
        assert!(
            before_sign_in
                .iter()
                .all(|b| b.reason != BackupReason::BeforeMigration),
            "v{version}: {before_sign_in:?}"
        );

        // The old account still signs in and works with the old data.
        let session = org.sign_in("old.admin", "old-password-1").unwrap();
        let actor = crate::Actor {
            account_id: session.account_id,
        };
        let zoe = org.user(actor, 1).unwrap();
        assert_eq!(
            (zoe.first_name.as_str(), zoe.extension.as_deref()),
            ("Zoë", Some("0101"))
        );
        // Found by each of the texts the search box matches, through the trigram index.
        for text in ["zoë o'b", "obrien@harbor", "0101", "+35121"] {
            let query = crate::UserQuery {
                search: text.to_owned(),
                license: crate::LicenseFilter::Any,
                status: None,
                after: None,
                limit: 50,
            };
            let found = org.search_users(actor, &query).unwrap();
            let ids: Vec<i64> = found.users.iter().map(|u| u.id).collect();
            assert_eq!(ids, vec![1], "v{version}: {text:?}");
        }
        assert_eq!(
            org.sign_in("old.help", "old-password-1")
                .unwrap_err()
                .code(),
            "invalid_credentials"
        );

        // A backup of the file as it was, taken before migrating, restorable.
        let backups = backup::list(&backup::dir_for(&path)).unwrap();
        let before_migration: Vec<_> = backups
            .iter()
            .filter(|b| b.reason == BackupReason::BeforeMigration)
            .collect();
        assert_eq!(before_migration.len(), 1, "v{version}: {backups:?}");
        assert_eq!(before_migration[0].schema_version, Some(version as i64));
        let copy =
            Connection::open(backup::dir_for(&path).join(&before_migration[0].file_name)).unwrap();
        assert_eq!(
            rows(&copy),
            before,
            "v{version}: the backup is the old file"
        );
        drop(copy);

        // Opening again migrates nothing and takes no second before-migration backup.
        drop(org);
        drop(Org::open(&path, Arc::new(SystemClock)).unwrap());
        let again = backup::list(&backup::dir_for(&path)).unwrap();
        assert_eq!(
            again
                .iter()
                .filter(|b| b.reason == BackupReason::BeforeMigration)
                .count(),
            1
        );
    }
}

#[test]
fn a_new_or_current_file_gets_no_before_migration_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.sqlite");
    assert!(pre_migration_copy::open(&path).unwrap().1.is_none());
    assert!(pre_migration_copy::open(&path).unwrap().1.is_none());
    assert!(backup::list(&backup::dir_for(&path)).unwrap().is_empty());
}

#[test]
fn a_file_whose_backup_cannot_be_written_is_not_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.sqlite");
    file_at_version(&path, 1);
    // A plain file where the backup folder should be: the backup fails.
    std::fs::write(backup::dir_for(&path), b"in the way").unwrap();
    let err = pre_migration_copy::open(&path).err().expect("refused");
    assert_eq!(err.code(), "io", "{err}");
    let version: i64 = Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
}

/// Migration 8 rebuilds the audit log with AUTOINCREMENT: rows, hashes and triggers kept, and
/// an id freed by deleting the last entries is not given out again.
#[test]
fn an_older_audit_log_is_rebuilt_with_ids_that_are_never_reused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("harbor.sqlite");
    file_at_version(&path, 7);
    let mut org = Org::open(&path, Arc::new(SystemClock)).unwrap();
    org.sign_in("old.admin", "old-password-1").unwrap();
    assert_eq!(audit::first_broken_entry(org.conn()).unwrap(), None);
    assert!(crate::kernel::audit_chain::missing_triggers(org.conn())
        .unwrap()
        .is_empty());
    let last: i64 = org
        .conn()
        .query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    org.conn()
        .execute_batch(&format!(
            "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = {last};"
        ))
        .unwrap();
    org.sign_in("old.admin", "old-password-1").unwrap();
    let next: i64 = org
        .conn()
        .query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(next, last + 1);
}

/// Opening an older file in a window writes nothing beside it: the copy of the file as it
/// was is written by the first successful sign-in, not by a refused one.
#[test]
fn the_copy_before_migrating_is_written_at_the_first_successful_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("harbor.sqlite");
    let before = file_at_version(&path, 5);
    let files = || {
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let beside_the_file = files();

    let (mut org, _daily) = Org::open_for_window(&path, Arc::new(SystemClock), false).unwrap();
    let refused = org.sign_in("old.admin", "wrong-password-1").unwrap_err();
    assert_eq!(refused.code(), "invalid_credentials");
    let without_wal: Vec<_> = files()
        .into_iter()
        .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    assert_eq!(
        without_wal, beside_the_file,
        "nothing beside the file before a sign-in"
    );

    org.sign_in("old.admin", "old-password-1").unwrap();
    let backups = backup::list(&backup::dir_for(&path)).unwrap();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(backups[0].reason, BackupReason::BeforeMigration);
    assert_eq!(backups[0].schema_version, Some(5));
    let copy = Connection::open(backup::dir_for(&path).join(&backups[0].file_name)).unwrap();
    assert_eq!(rows(&copy), before, "the backup is the old file");

    // Written once: a second sign-in adds nothing.
    org.sign_in("old.admin", "old-password-1").unwrap();
    assert_eq!(backup::list(&backup::dir_for(&path)).unwrap().len(), 1);
}

/// A copy that cannot be written at the sign-in is named on the Backups page and written at
/// a later sign-in.
#[test]
fn a_copy_that_cannot_be_written_at_the_sign_in_is_kept_for_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("harbor.sqlite");
    file_at_version(&path, 6);
    let (mut org, _daily) = Org::open_for_window(&path, Arc::new(SystemClock), false).unwrap();
    // The folder becomes a plain file after the open: the write at the sign-in fails.
    std::fs::write(backup::dir_for(&path), b"in the way").unwrap();
    let session = org.sign_in("old.admin", "old-password-1").unwrap();
    let actor = crate::Actor {
        account_id: session.account_id,
    };
    std::fs::remove_file(backup::dir_for(&path)).unwrap();
    let overview = org.backups(actor).unwrap();
    assert!(overview.backups.is_empty());
    let warning = overview.warning.expect("the failure is shown");
    assert!(
        warning.contains("before this version updated it"),
        "{warning}"
    );

    org.sign_in("old.admin", "old-password-1").unwrap();
    let overview = org.backups(actor).unwrap();
    assert_eq!(overview.backups.len(), 1);
    assert_eq!(overview.backups[0].reason, BackupReason::BeforeMigration);
    assert_eq!(overview.warning, None);
}
