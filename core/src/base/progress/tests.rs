//! Every piece of long work, cancelled midway against a real file, changes nothing and
//! leaves no file; watched to the end, its reports only go up and end at the total.

use super::testing::Recorder;
use crate::tests::testing::{demo_org, sign_in, snapshot, user_with_all_data};
use crate::Error;

const TABLES: &[&str] = &["users", "seats", "phone_numbers", "audit_log"];

/// `n` new users on one site, the first two with a Voice Pro license (the demo has 2 free).
fn new_users_csv(n: usize) -> String {
    let mut csv = String::from("First name,Last name,Email,Site,License\n");
    for i in 0..n {
        let license = if i < 2 { "Voice Pro" } else { "" };
        csv.push_str(&format!(
            "Ana,Ruiz {i},ana.ruiz{i}@example.com,Austin,{license}\n"
        ));
    }
    csv
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn an_import_reports_every_row_and_a_cancelled_one_imports_nothing() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let csv = new_users_csv(300);

    let mut checked = Recorder::default();
    let preview = org
        .import_preview(admin, csv.as_bytes(), &Default::default(), &mut checked)
        .unwrap();
    assert!(preview.ready, "{:?}", preview.issues);
    checked.assert_monotonic_to_the_end();
    assert_eq!(checked.seen.last(), Some(&(300, 300)));

    let mut stopped = Recorder::stopping_at(120);
    let e = org
        .import_preview(admin, csv.as_bytes(), &Default::default(), &mut stopped)
        .unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert_eq!(stopped.seen.last(), Some(&(120, 300)), "stops at once");

    let before = snapshot(&org, TABLES);
    let mut stopped = Recorder::stopping_at(150);
    let e = org
        .import_users(admin, csv.as_bytes(), &Default::default(), &mut stopped)
        .unwrap_err();
    assert!(matches!(e, Error::Cancelled));
    assert_eq!(
        snapshot(&org, TABLES),
        before,
        "rolled back, audit included"
    );

    let mut applied = Recorder::default();
    let receipt = org
        .import_users(admin, csv.as_bytes(), &Default::default(), &mut applied)
        .unwrap();
    assert_eq!(receipt.added, 300);
    applied.assert_monotonic_to_the_end();
    assert_eq!(applied.seen.last(), Some(&(300, 300)));
}

#[test]
fn a_cancelled_export_of_one_user_leaves_no_file_and_no_audit_entry() {
    let (dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let user = user_with_all_data(&org);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let dest = out.join("export.zip");
    let before = snapshot(&org, TABLES);

    let mut stopped = Recorder::stopping_at(2);
    let e = org
        .export_user_data(admin, user.id, &dest, &mut stopped)
        .unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));
    assert_eq!(snapshot(&org, TABLES), before);

    let mut watched = Recorder::default();
    let receipt = org
        .export_user_data(admin, user.id, &dest, &mut watched)
        .unwrap();
    watched.assert_monotonic_to_the_end();
    assert_eq!(watched.seen.last().unwrap().1, receipt.files as u64);
    assert_eq!(files_in(&out), vec!["export.zip"]);
}

#[test]
fn a_cancelled_bulk_export_leaves_no_zip_and_an_earlier_file_is_kept() {
    let (dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let ids: Vec<i64> = {
        let mut stmt = org
            .conn()
            .prepare("SELECT user_id FROM seats WHERE user_id IS NOT NULL ORDER BY user_id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    assert!(ids.len() > 10);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let dest = out.join("users.zip");

    let mut watched = Recorder::default();
    org.export_users_data(admin, &ids, &dest, &mut watched)
        .unwrap();
    watched.assert_monotonic_to_the_end();
    assert_eq!(
        watched.seen.last(),
        Some(&(ids.len() as u64, ids.len() as u64))
    );
    let first = std::fs::read(&dest).unwrap();

    // Exporting again over the same path and cancelling keeps the earlier, whole file.
    let before = snapshot(&org, TABLES);
    let mut stopped = Recorder::stopping_at(5);
    let e = org
        .export_users_data(admin, &ids, &dest, &mut stopped)
        .unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert_eq!(files_in(&out), vec!["users.zip"], "no partial file left");
    assert_eq!(std::fs::read(&dest).unwrap(), first);
    assert_eq!(snapshot(&org, TABLES), before);

    std::fs::remove_file(&dest).unwrap();
    let mut stopped = Recorder::stopping_at(1);
    org.export_users_data(admin, &ids, &dest, &mut stopped)
        .unwrap_err();
    assert!(files_in(&out).is_empty());
}

#[test]
fn a_cancelled_demo_generation_leaves_no_organization_behind() {
    let dir = tempfile::tempdir().unwrap();
    let spec = crate::lifecycle::demo::DemoSpec {
        seed: 5,
        users: 3_500,
        ..Default::default()
    };
    let path = dir.path().join("big.sqlite");
    let mut stopped = Recorder::stopping_at(2_000);
    let e = crate::lifecycle::demo::generate(&path, &spec, &mut stopped).unwrap_err();
    assert_eq!(e.code(), "cancelled");
    assert_eq!(stopped.seen, vec![(1_000, 3_500), (2_000, 3_500)]);
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );

    // A file that was there (empty) stays, still empty: the first-run choice.
    let empty = dir.path().join("empty.sqlite");
    drop(
        crate::Org::open_as_is(&empty, std::sync::Arc::new(crate::base::clock::SystemClock))
            .unwrap(),
    );
    let mut stopped = Recorder::stopping_at(1_000);
    crate::lifecycle::demo::generate(&empty, &spec, &mut stopped).unwrap_err();
    let org = crate::Org::open_as_is(&empty, std::sync::Arc::new(crate::base::clock::SystemClock))
        .unwrap();
    assert!(org.is_empty().unwrap());
    let users: i64 = org
        .conn()
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, 0);

    let mut watched = Recorder::default();
    crate::lifecycle::demo::generate(&path, &spec, &mut watched).unwrap();
    watched.assert_monotonic_to_the_end();
    let org = crate::Org::open_as_is(&path, std::sync::Arc::new(crate::base::clock::SystemClock))
        .unwrap();
    let users: i64 = org
        .conn()
        .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, 3_500);
}
