//! New users added in batches write exactly what adding them one by one writes, and a
//! cancelled batched import leaves nothing.

use std::sync::Arc;

use super::*;
use crate::base::clock::ManualClock;
use crate::base::progress::testing::Recorder;
use crate::domain::users::directory::{LicenseFilter, UserQuery};
use crate::kernel::audit::first_broken_entry;
use crate::tests::testing::{demo_org, sign_in, snapshot};

/// Every table the import writes or its triggers keep, search side tables included.
const TABLES: &[&str] = &[
    "users",
    "seats",
    "seat_tallies",
    "phone_numbers",
    "audit_log",
    "user_texts",
    "user_prefixes",
];

/// How many new users a test batch holds: small, so that the file spans several batches.
const TEST_BATCH: usize = 40;

/// The demo at a fixed time, with free seats and numbers for the file, and an admin.
fn organization() -> (tempfile::TempDir, Org, Actor) {
    let (dir, mut org) = demo_org();
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    org.clock = Arc::new(ManualClock::new(at));
    org.conn()
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
             INSERT INTO seats (product_id, status, purchased_at)
             SELECT p.id, 'available', '2026-01-05T09:00:00Z' FROM n, products p
             WHERE p.name IN ('Voice Pro', 'Voice Essentials');
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 59)
             INSERT INTO phone_numbers (e164, site_id, status)
             SELECT printf('+1512600%04d', i), (SELECT id FROM sites WHERE name = 'Austin'),
                    'available' FROM n;",
        )
        .unwrap();
    let admin = sign_in(&mut org, "dana.reyes");
    (dir, org, admin)
}

/// `n` new users (licenses, extensions, numbers on every kind of row), with three existing
/// users updated: the first row, one in the middle of a run of new users, and the last row.
fn file(org: &Org, n: usize) -> Vec<u8> {
    let existing: Vec<(String, String, String)> = org
        .conn()
        .prepare("SELECT first_name, last_name, email FROM users ORDER BY id LIMIT 3")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let update = |(first, last, email): &(String, String, String)| {
        format!("{first},{last},{email},Batched,,,,\n")
    };
    let mut out =
        String::from("First name,Last name,Email,Department,Site,Extension,Phone number,License\n");
    out.push_str(&update(&existing[0]));
    let sites = ["Austin", "Denver", "Portland"];
    let mut numbers = 0;
    for i in 0..n {
        if i == n / 2 {
            out.push_str(&update(&existing[1]));
        }
        let site = sites[i % 3];
        let (extension, number, license) = match i % 4 {
            0 => {
                let number = if site == "Austin" {
                    numbers += 1;
                    format!("+1512600{:04}", numbers - 1)
                } else {
                    String::new()
                };
                (format!("8{i:04}"), number, "Voice Pro")
            }
            1 => (String::new(), String::new(), "Voice Essentials"),
            2 => (format!("9{i:04}"), String::new(), "Voice Essentials"),
            _ => (String::new(), String::new(), ""),
        };
        out.push_str(&format!(
            "Zoë {i},Nguyễn-Batch,zoe.batch{i}@example.com,Front desk,{site},{extension},{number},{license}\n"
        ));
    }
    out.push_str(&update(&existing[2]));
    out.into_bytes()
}

/// The search index's entries (every trigram of every user's texts, where it sits), and what
/// a few searches find. The index keeps no copy of the texts: its vocabulary is read.
fn search_results(org: &Org, admin: Actor) -> String {
    let mut out = String::new();
    for entry in crate::tests::testing::search_index_entries(org) {
        out.push_str(&entry);
        out.push('\n');
    }
    for search in [
        "zo",
        "Nguyễn-Batch",
        "batch7",
        "80",
        "9004",
        "+15126000001",
        "Batched",
    ] {
        let query = UserQuery {
            search: search.to_owned(),
            license: LicenseFilter::Any,
            status: None,
            after: None,
            limit: 500,
        };
        let page = org.search_users(admin, &query).unwrap();
        let count = org.count_users(admin, &query).unwrap();
        let ids: Vec<i64> = page.users.iter().map(|u| u.id).collect();
        out.push_str(&format!("{search}: {count} {ids:?}\n"));
    }
    out
}

#[test]
fn a_batched_import_writes_exactly_what_one_by_one_writes_and_the_chain_verifies() {
    let rows = 3 * TEST_BATCH + 17;
    let (_a, mut one_by_one, admin) = organization();
    let (_b, mut batched, admin_b) = organization();
    assert_eq!(admin, admin_b);
    let csv = file(&one_by_one, rows);
    assert_eq!(csv, file(&batched, rows));
    let before = snapshot(&one_by_one, TABLES);

    let mut seen_one = Recorder::default();
    let receipt = one_by_one
        .import_users_in_batches(admin, &csv, &Default::default(), &mut seen_one, 1)
        .unwrap();
    let mut seen_batched = Recorder::default();
    let receipt_batched = batched
        .import_users_in_batches(
            admin,
            &csv,
            &Default::default(),
            &mut seen_batched,
            TEST_BATCH,
        )
        .unwrap();
    assert_eq!(receipt, receipt_batched);
    assert_eq!((receipt.added, receipt.updated), (rows as u32, 3));
    assert_eq!(seen_one.seen, seen_batched.seen, "the same reports");
    seen_batched.assert_monotonic_to_the_end();

    let written = snapshot(&batched, TABLES);
    assert_ne!(written, before, "the import wrote");
    assert_eq!(written, snapshot(&one_by_one, TABLES));
    let found = search_results(&batched, admin);
    assert!(
        found.contains("|email|0|zoe\n"),
        "the new users are in the index"
    );
    assert_eq!(found, search_results(&one_by_one, admin));
    for org in [&one_by_one, &batched] {
        assert_eq!(first_broken_entry(org.conn()).unwrap(), None);
    }
    // One user.add per new user, a license.assign per license, a user.numbers per
    // extension or number: 3 entries for each row of the first kind, and so on.
    let count = |action: &str| -> i64 {
        batched
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = ?1 AND at = '2026-03-02T10:00:00Z'",
                [action],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(count("user.add"), rows as i64);
    assert_eq!(count("license.assign"), (rows - rows / 4) as i64);
    assert_eq!(count("user.numbers"), (rows / 2 + 1) as i64);
}

#[test]
fn an_import_cancelled_between_batches_leaves_nothing() {
    let rows = 3 * TEST_BATCH + 17;
    let (_dir, mut org, admin) = organization();
    let csv = file(&org, rows);
    let before = (snapshot(&org, TABLES), search_results(&org, admin));
    // The first row, two batches and the second updated user are written when the third
    // batch is refused.
    let mut stopped = Recorder::stopping_at(2 * TEST_BATCH as u64 + 2);
    let e = org
        .import_users_in_batches(admin, &csv, &Default::default(), &mut stopped, TEST_BATCH)
        .unwrap_err();
    assert!(matches!(e, Error::Cancelled), "{e:?}");
    assert_eq!(
        stopped.seen.last(),
        Some(&(2 * TEST_BATCH as u64 + 2, rows as u64 + 3))
    );
    assert_eq!(
        (snapshot(&org, TABLES), search_results(&org, admin)),
        before,
        "rolled back, audit and search included"
    );
    assert_eq!(first_broken_entry(org.conn()).unwrap(), None);
}

/// A file of one new user with an extension, its email and extension.
fn one_new_user(org: &Org) -> (Vec<u8>, String) {
    let site: String = org
        .conn()
        .query_row("SELECT name FROM sites ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let email = "zoe.checked@example.com".to_owned();
    let csv = format!("First name,Last name,Email,Site\nZoë,Checked,{email},{site}\n");
    (csv.into_bytes(), email)
}

fn add_user_with_email(org: &mut Org, admin: Actor, email: &str) {
    let site_id = org.sites(admin).unwrap()[0].id;
    org.add_user(
        admin,
        &NewUser {
            first_name: "Ana".to_owned(),
            last_name: "Meanwhile".to_owned(),
            email: email.to_owned(),
            department: String::new(),
            site_id: Some(site_id),
        },
    )
    .unwrap();
}

#[test]
fn the_apply_uses_the_previews_check_only_while_nothing_changed() {
    // Unchanged: the apply does what the preview said.
    let (_dir, mut org, admin) = organization();
    let (csv, _) = one_new_user(&org);
    let preview = org
        .import_preview(admin, &csv, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(preview.new_users.len(), 1);
    let receipt = org
        .import_users(admin, &csv, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!((receipt.added, receipt.updated), (1, 0));

    // Changed through this window: the row is checked again and updates the user added since.
    let (_dir, mut org, admin) = organization();
    let (csv, email) = one_new_user(&org);
    org.import_preview(admin, &csv, &Default::default(), &mut Unwatched)
        .unwrap();
    add_user_with_email(&mut org, admin, &email);
    let receipt = org
        .import_users(admin, &csv, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!((receipt.added, receipt.updated), (0, 1));

    // Changed by another window on the same file: the same.
    let (_dir, mut org, admin) = organization();
    let (csv, email) = one_new_user(&org);
    org.import_preview(admin, &csv, &Default::default(), &mut Unwatched)
        .unwrap();
    let mut other = Org::open_with_system_clock(&org.path).unwrap();
    let other_admin = sign_in(&mut other, "dana.reyes");
    add_user_with_email(&mut other, other_admin, &email);
    drop(other);
    let receipt = org
        .import_users(admin, &csv, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!((receipt.added, receipt.updated), (0, 1));

    // Another file or other choices than the preview's: checked again.
    let (_dir, mut org, admin) = organization();
    let (csv, _) = one_new_user(&org);
    org.import_preview(admin, &csv, &Default::default(), &mut Unwatched)
        .unwrap();
    let other_file = String::from_utf8(csv.clone())
        .unwrap()
        .replace("Zoë", "Zoe");
    org.import_users(
        admin,
        other_file.as_bytes(),
        &Default::default(),
        &mut Unwatched,
    )
    .unwrap();
    let name: String = org
        .conn()
        .query_row(
            "SELECT first_name FROM users WHERE email = 'zoe.checked@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "Zoe", "the file applied is the one checked at apply");
}

/// The audit JSON a batch writes as text reads as `json!` writes the one-by-one entries, also
/// for the texts JSON escapes (quotes, backslashes, control and non-ASCII characters).
#[test]
fn audit_text_is_what_json_values_write() {
    for text in [
        "Front desk",
        "say \"hi\" \\ o/",
        "line\nbreak\ttab\u{1}",
        "Zoë Nguyễn",
    ] {
        let added = AddedAfter {
            department: text,
            email: "a@example.com",
            name: text,
            site: Some(text),
            source: ImportRow { import_row: 7 },
        };
        assert_eq!(
            json(&added).unwrap(),
            json!({ "name": text, "email": "a@example.com", "department": text,
                    "site": Some(text), "source": { "import_row": 7 } })
            .to_string()
        );
        let no_site = AddedAfter {
            site: None,
            ..added
        };
        assert_eq!(
            json(&no_site).unwrap(),
            json!({ "name": text, "email": "a@example.com", "department": text,
                    "site": None::<&str>, "source": { "import_row": 7 } })
            .to_string()
        );
        assert_eq!(
            json(&LicenseAfter {
                license: text,
                seat_id: 12
            })
            .unwrap(),
            json!({ "license": text, "seat_id": 12 }).to_string()
        );
        for (extension, phone_number) in [(Some(text), None), (None, Some("+15125550100"))] {
            assert_eq!(
                json(&NumbersAfter {
                    extension,
                    phone_number
                })
                .unwrap(),
                json!({ "extension": extension, "phone_number": phone_number }).to_string()
            );
        }
    }
    assert_eq!(json!(null).to_string(), "null");
    assert_eq!(
        json!({ "license": null }).to_string(),
        r#"{"license":null}"#
    );
    assert_eq!(
        json!({ "extension": null, "phone_number": null }).to_string(),
        r#"{"extension":null,"phone_number":null}"#
    );
}
