use super::*;
use crate::domain::billing::SeatChange;
use crate::tests::testing::{
    audit_since, demo_org, last_audit_id, product_id, sign_in, snapshot, unlicensed_users,
};

const TABLES: &[&str] = &[
    "users",
    "seats",
    "phone_numbers",
    "call_history",
    "voicemails",
];

fn holders(org: &Org, product: &str, n: usize) -> Vec<i64> {
    let mut stmt = org
        .conn()
        .prepare(
            "SELECT s.user_id FROM seats s JOIN products p ON p.id = s.product_id
             WHERE p.name = ?1 AND s.status = 'assigned' ORDER BY s.user_id LIMIT ?2",
        )
        .unwrap();
    stmt.query_map(rusqlite::params![product, n as i64], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn too_few_seats_applies_nothing_and_names_the_shortfall_then_all_are_assigned_at_once() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let mut ids: Vec<i64> = unlicensed_users(&org).iter().map(|u| u.id).collect();
    let licensed = holders(&org, "Voice Pro", 1)[0];
    ids.push(licensed);
    let pro = product_id(&org, "Voice Pro");
    let req = BulkRequest {
        user_ids: ids.clone(),
        action: BulkAction::Assign { product_id: pro },
    };
    let p = org.bulk_preview(admin, &req).unwrap();
    let want = ids.len() as i64 - 1;
    assert_eq!(p.applies, want);
    assert!(p
        .lines
        .iter()
        .any(|l| l.user_id == licensed && l.outcome.starts_with("Skipped: already holds")));
    let short = p.shortfall.clone().unwrap();
    assert!(
        short.starts_with(&format!(
            "{want} Voice Pro licenses are needed and {} are free",
            p.seats_available
        )),
        "{short}"
    );
    let before = snapshot(&org, TABLES);
    let e = org.bulk_apply(admin, &req).unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("license"));
    assert_eq!(snapshot(&org, TABLES), before);

    let missing = want - p.seats_available;
    org.purchase_licenses(
        admin,
        &SeatChange {
            product_id: pro,
            quantity: missing.to_string(),
        },
    )
    .unwrap();
    let receipt = org.bulk_apply(admin, &req).unwrap();
    assert_eq!((receipt.applied, receipt.skipped), (want, 1));
    let still_unlicensed = unlicensed_users(&org).len();
    assert_eq!(still_unlicensed, 0);
}

#[test]
fn a_bulk_removal_exports_one_zip_with_a_folder_per_user_and_keeps_safety_archives() {
    let (dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let ids = holders(&org, "Voice Pro", 3);
    let req = BulkRequest {
        user_ids: ids.clone(),
        action: BulkAction::Remove,
    };
    let p = org.bulk_preview(admin, &req).unwrap();
    assert_eq!(p.deleting, 3);
    let data_loss = p.data_loss.unwrap();
    assert!(data_loss.starts_with("Deletes the data of 3 users:"));
    // Every kind the removal deletes is named with the three users' total.
    for table in DELETED_TABLES {
        let total: i64 = ids
            .iter()
            .map(|&id| table.count(org.conn(), id).unwrap())
            .sum();
        assert!(
            data_loss.contains(&table.describe(total)),
            "{} is not named: {data_loss}",
            table.table
        );
    }
    let dest = dir.path().join("three.zip");
    let export = org
        .export_users_data(admin, &ids, &dest, &mut crate::Unwatched)
        .unwrap();
    let zip = zip::ZipArchive::new(std::fs::File::open(&dest).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    let folders: std::collections::BTreeSet<&str> =
        names.iter().map(|n| n.split('/').next().unwrap()).collect();
    assert_eq!(folders.len(), 3, "{folders:?}");
    assert_eq!(
        names
            .iter()
            .filter(|n| n.ends_with("/manifest.json"))
            .count(),
        3
    );
    assert!(export.files > 3);
    let receipt = org.bulk_apply(admin, &req).unwrap();
    assert_eq!((receipt.applied, receipt.safety_archives), (3, 3));
    for id in ids {
        let u = directory::user_detail(org.conn(), id).unwrap();
        assert!(u.license.is_none() && u.extension.is_none());
        assert_eq!(org.safety_archives(admin, id).unwrap().len(), 1);
    }
}

#[test]
fn a_change_within_the_family_keeps_data_and_roles_are_checked() {
    let (_dir, mut org) = demo_org();
    let ids = holders(&org, "Voice Pro", 2);
    let ent = product_id(&org, "Voice Enterprise");
    let req = BulkRequest {
        user_ids: ids.clone(),
        action: BulkAction::Change { product_id: ent },
    };
    let helpdesk = sign_in(&mut org, "priya.nair");
    assert_eq!(
        org.bulk_apply(helpdesk, &req).unwrap_err().code(),
        "permission_denied"
    );
    let admin = sign_in(&mut org, "sam.okafor");
    let p = org.bulk_preview(admin, &req).unwrap();
    assert_eq!(p.deleting, 0);
    assert!(p.lines.iter().all(|l| l
        .outcome
        .starts_with("Moves from Voice Pro to Voice Enterprise")));
    let calls_before = snapshot(&org, &["call_history"]);
    org.bulk_apply(admin, &req).unwrap();
    assert_eq!(snapshot(&org, &["call_history"]), calls_before);
    for id in ids {
        let u = directory::user_detail(org.conn(), id).unwrap();
        assert_eq!(u.license.as_ref().unwrap().product_name, "Voice Enterprise");
    }
    let e = org
        .bulk_preview(
            admin,
            &BulkRequest {
                user_ids: vec![],
                action: BulkAction::Remove,
            },
        )
        .unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("users"));
}

#[test]
fn two_users_of_the_same_name_removed_together_get_an_archive_each_with_their_own_data() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let ids = holders(&org, "Voice Pro", 2);
    org.conn()
        .execute(
            "UPDATE users SET first_name = 'Pat', last_name = 'Lee' WHERE id IN (?1, ?2)",
            rusqlite::params![ids[0], ids[1]],
        )
        .unwrap();
    // One transaction, one moment: both archives are written in the same second.
    let receipt = org
        .bulk_apply(
            admin,
            &BulkRequest {
                user_ids: ids.clone(),
                action: BulkAction::Remove,
            },
        )
        .unwrap();
    assert_eq!(receipt.safety_archives, 2);
    let mut paths = Vec::new();
    for id in &ids {
        let listed = org.safety_archives(admin, *id).unwrap();
        assert_eq!(listed.len(), 1);
        let path = std::path::PathBuf::from(&listed[0].path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.contains(&format!("user{id}-archive")), "{name}");
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let manifest: serde_json::Value =
            serde_json::from_reader(zip.by_name("manifest.json").unwrap()).unwrap();
        assert_eq!(
            manifest["user"]["id"], *id,
            "{name} holds its own user's data"
        );
        paths.push(path);
    }
    assert_ne!(paths[0], paths[1]);
}

/// A bulk change to a product of another type releases each user's data, number, extension
/// and old seat after the loop (one statement per table), yet every user ends as one by one
/// would: an archive, no data, the new seat, and per user a removal then an assignment in
/// the audit log, in the users' order.
#[test]
fn a_bulk_change_across_types_archives_releases_and_assigns_each_user_in_order() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let ids = holders(&org, "Voice Pro", 3);
    let meetings = product_id(&org, "Meetings Plus");
    org.conn()
        .execute(
            "INSERT INTO seats (product_id, status, purchased_at)
             SELECT ?1, 'available', '2026-01-05T09:00:00Z' FROM (VALUES (1), (2), (3))",
            [meetings],
        )
        .unwrap();
    let before: Vec<UserDetail> = ids
        .iter()
        .map(|&id| directory::user_detail(org.conn(), id).unwrap())
        .collect();
    assert!(before.iter().any(|u| u.phone_number.is_some()));
    assert!(before.iter().any(|u| u.extension.is_some()));
    let from = product_id(&org, "Voice Pro");
    let free_pro = seat_tallies::available(org.conn(), from).unwrap();
    let free_meetings = seat_tallies::available(org.conn(), meetings).unwrap();
    let mark = last_audit_id(&org);
    let req = BulkRequest {
        user_ids: ids.clone(),
        action: BulkAction::Change {
            product_id: meetings,
        },
    };
    assert_eq!(org.bulk_preview(admin, &req).unwrap().deleting, 3);
    let receipt = org.bulk_apply(admin, &req).unwrap();
    assert_eq!((receipt.applied, receipt.safety_archives), (3, 3));
    for u in &before {
        let now = directory::user_detail(org.conn(), u.id).unwrap();
        assert_eq!(now.license.as_ref().unwrap().product_name, "Meetings Plus");
        assert!(now.phone_number.is_none() && now.extension.is_none());
        for t in &DELETED_TABLES {
            assert_eq!(t.count(org.conn(), u.id).unwrap(), 0, "{}", t.table);
        }
        assert_eq!(org.safety_archives(admin, u.id).unwrap().len(), 1);
    }
    assert_eq!(
        seat_tallies::available(org.conn(), from).unwrap(),
        free_pro + 3
    );
    assert_eq!(
        seat_tallies::available(org.conn(), meetings).unwrap(),
        free_meetings - 3
    );
    let mut expected = Vec::new();
    for &id in &ids {
        expected.push(("license.remove".to_owned(), Some(id)));
        expected.push(("license.assign".to_owned(), Some(id)));
    }
    expected.push((Action::LicenseBulk.key().to_owned(), None));
    assert_eq!(audit_since(&org, mark), expected);
    assert_eq!(
        crate::kernel::audit::first_broken_entry(org.conn()).unwrap(),
        None
    );
    assert_eq!(directory::stale_user_texts(org.conn()).unwrap(), 0);
}

/// A bulk removal that fails after every user's archive was stored (in the statements that
/// release all the users' data at once) changes nothing and leaves no archive file.
#[test]
fn a_bulk_removal_that_fails_while_releasing_changes_nothing_and_leaves_no_archive() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let ids = holders(&org, "Voice Pro", 3);
    let all = [
        TABLES,
        &[
            "forwarding_rules",
            "voicemail_settings",
            "voicemail_greetings",
            "device_activations",
            "app_access",
            "safety_archives",
            "seat_tallies",
            "user_texts",
            "user_prefixes",
            "audit_log",
        ],
    ]
    .concat();
    org.conn()
        .execute_batch(
            "CREATE TRIGGER fail_extensions BEFORE UPDATE OF extension ON users
             WHEN NEW.extension IS NULL
             BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;",
        )
        .unwrap();
    let before = snapshot(&org, &all);
    let err = org
        .bulk_apply(
            admin,
            &BulkRequest {
                user_ids: ids,
                action: BulkAction::Remove,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "database");
    assert_eq!(snapshot(&org, &all), before);
    let leftovers = std::fs::read_dir(&org.archive_dir)
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(leftovers, 0);
}

/// Bulk work on both storage engines (docs/ARCHITECTURE.md §Server); the bulk removal and its
/// restore are in restore/tests.rs.
mod on_both_engines {
    use super::*;
    use crate::tests::engines::{chain_intact, ids, license_of, same_on_each_engine, Place};

    #[test]
    fn bulk_assign_and_change_on_both_engines() {
        same_on_each_engine(|org, place: &Place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let products = ids(org, "SELECT p.id FROM products p ORDER BY p.id");
            let unlicensed = ids(
                org,
                "SELECT u.id FROM users u WHERE u.status = 'active'
                 AND NOT EXISTS (SELECT 1 FROM seats s WHERE s.user_id = u.id)
                 ORDER BY u.id LIMIT 2",
            );
            let assign = BulkRequest {
                user_ids: unlicensed.clone(),
                action: BulkAction::Assign {
                    product_id: products[0],
                },
            };
            let assigned = org.bulk_apply(admin, &assign).unwrap();
            for &u in &unlicensed {
                assert!(license_of(org, u).is_some(), "{engine}");
            }
            // Assigning again skips them: they hold one now.
            let again = org.bulk_preview(admin, &assign).unwrap();
            assert_eq!(again.applies, 0, "{engine}");
            let change = BulkRequest {
                user_ids: unlicensed.clone(),
                action: BulkAction::Change {
                    product_id: products[1],
                },
            };
            let preview = org.bulk_preview(admin, &change).unwrap();
            let changed = org.bulk_apply(admin, &change).map(|r| r.message);
            assert!(chain_intact(org), "{engine}");
            (
                assigned.message,
                again,
                preview,
                changed.map_err(|e| e.code()),
                unlicensed
                    .iter()
                    .map(|&u| license_of(org, u))
                    .collect::<Vec<_>>(),
            )
        });
    }
}
