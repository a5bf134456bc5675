use super::*;
use crate::domain::setup::numbers::SetNumbers;
use crate::domain::users::directory::UserDetail;
use crate::tests::testing::{demo_org, sign_in, snapshot, unlicensed_user, user_on};

const TABLES: &[&str] = &["users", "seats", "phone_numbers"];

fn free_number(org: &Org, site: &str) -> String {
    org.conn()
        .query_row(
            "SELECT n.e164 FROM phone_numbers n JOIN sites s ON s.id = n.site_id
             WHERE s.name = ?1 AND n.status = 'available' ORDER BY n.e164 LIMIT 1",
            [site],
            |r| r.get(0),
        )
        .unwrap()
}

fn free_extension(org: &Org, candidates: &[&'static str]) -> &'static str {
    candidates
        .iter()
        .find(|e| users::extension_holder(org.conn(), e).unwrap().is_none())
        .unwrap()
}

#[test]
fn spreadsheet_exports_parse_with_bom_semicolons_quoted_newlines_and_any_header_order() {
    let file = "\u{feff}E-mail;Last Name;first_name;Department\r\n\
                zoe@example.com;\"Nguyễn; Jr.\";Zoë;\"Front\ndesk\"\r\n\
                ;;;\r\n\
                ana@example.com;Ruiz;Ana;Billing\r\n";
    let records = parse(file.as_bytes()).unwrap();
    assert_eq!(records.len(), 2, "the empty row is skipped");
    assert_eq!(records[0].get(ImportField::LastName), Some("Nguyễn; Jr."));
    assert_eq!(records[0].get(ImportField::Department), Some("Front\ndesk"));
    assert_eq!(records[1].row, 4, "rows count as a spreadsheet shows them");
    let example = parse(&template()).unwrap();
    assert_eq!(example.len(), 2);
    assert_eq!(
        example[0].get(ImportField::PhoneNumber),
        Some("+15125550100")
    );
    assert!(String::from_utf8(template())
        .unwrap()
        .contains(",'+15125550100,"));
    let missing = parse(b"First name,Email\nAna,ana@example.com\n").unwrap_err();
    assert_eq!(
        missing.to_string(),
        "row 1, Last name: no column of the file is chosen for it, nor a Display name to split; \
         the file's columns are: First name, Email."
    );
    assert!(parse(b"").unwrap_err().to_string().contains("empty"));
    assert!(parse(b"First name,Last name,Email\n\xff\xfe,x,y\n")
        .unwrap_err()
        .to_string()
        .contains("UTF-8"));
    assert!(parse(b"First name,Last name,Email\nA,B,a@b.co,extra\n")
        .unwrap_err()
        .to_string()
        .contains("has 4 cells"));
}

#[test]
fn every_row_is_checked_with_the_editors_rules_and_named_by_row_and_column() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let existing: String = org
        .conn()
        .query_row("SELECT email FROM users LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let (taken, holder): (String, String) = org
        .conn()
        .query_row(
            "SELECT extension, first_name || ' ' || last_name FROM users
             WHERE extension IS NOT NULL LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let file = format!(
        "First name,Last name,Email,Site,Extension,Phone number,License\n\
         Ana,Ruiz,ana.ruiz@example.com,Austin,911,,Voice Pro\n\
         Ben,Okoro,ben@example.com,Atlantis,,,\n\
         ,Lee,lee@example.com,Austin,,,\n\
         Cy,Park,not-an-email,Austin,,,\n\
         Dee,Moss,dee@example.com,Austin,,,Platinum\n\
         Eve,Ng,ANA.RUIZ@example.com,Austin,,,\n\
         Fay,Orr,fay@example.com,Austin,2345,,\n\
         Gus,Poe,{existing},,,+1 555,\n\
         Hal,Quinn,hal@example.com,Austin,{taken},,Voice Pro\n"
    );
    let preview = org
        .import_preview(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    let shown: Vec<String> = preview.issues.iter().map(ToString::to_string).collect();
    for expected in [
        "row 2, Extension: 911 is an emergency number.",
        "row 3, Site: there is no site named Atlantis; the sites are Austin, Denver, Portland.",
        "row 4, First name: must not be empty.",
        "row 5, Email: not-an-email has no @; an email address looks like name@example.com.",
        "row 6, License: there is no product named Platinum",
        "row 7, Email: ANA.RUIZ@example.com is also on row 2.",
        "row 8, Extension: Fay Orr holds no license, and calling comes with one. It is included in",
        "row 9, Phone number: +1 555 has 4 digits; an E.164 number has 7 to 15 after the +.",
        // The editor's own error (already_taken), in the same words.
        &format!("row 10, Extension: {taken} is already used by {holder}."),
    ] {
        assert!(
            shown.iter().any(|s| s.starts_with(expected)),
            "{expected:?} not in {shown:#?}"
        );
    }
    assert!(!preview.ready);
    let before = snapshot(&org, TABLES);
    let e = org
        .import_users(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap_err();
    assert_eq!(e.payload().field.as_deref(), Some("file"));
    assert!(e.to_string().contains("row 2, Extension: 911"), "{e}");
    assert_eq!(snapshot(&org, TABLES), before, "all or nothing");
}

/// The one issue the import finds on a one-row file updating `user`, as "Column: message".
fn import_issue(org: &Org, admin: Actor, user: &UserDetail, ext: &str, number: &str) -> String {
    let license = user
        .license
        .as_ref()
        .map_or("", |l| l.product_name.as_str());
    let file = format!(
        "First name,Last name,Email,Extension,Phone number,License\n\
         {},{},{},{ext},{number},{license}\n",
        user.first_name, user.last_name, user.email
    );
    let preview = org
        .import_preview(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    match preview.issues.as_slice() {
        [one] => format!("{}: {}", one.column, one.message),
        more => panic!("one issue expected: {more:#?}"),
    }
}

#[test]
fn the_editor_and_the_import_refuse_a_number_or_extension_with_the_same_words() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let user = user_on(&org, "Voice Pro");
    let number = user.phone_number.clone().unwrap_or_default();
    let ext = user.extension.clone().unwrap_or_default();
    let (taken, held, elsewhere): (String, String, String) = org
        .conn()
        .query_row(
            "SELECT (SELECT extension FROM users WHERE extension IS NOT NULL AND id != ?1 LIMIT 1),
                    (SELECT e164 FROM phone_numbers WHERE user_id IS NOT NULL AND user_id != ?1
                     LIMIT 1),
                    (SELECT n.e164 FROM phone_numbers n JOIN users u ON u.id = ?1
                     WHERE n.status = 'available' AND n.site_id != u.site_id LIMIT 1)",
            [user.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let unlicensed = unlicensed_user(&org);
    let free = free_number(&org, &unlicensed.site);
    let cases = [
        (&user, taken.as_str(), number.as_str(), "already_taken"),
        (&user, ext.as_str(), held.as_str(), "already_taken"),
        (&user, ext.as_str(), elsewhere.as_str(), "invalid_input"),
        (&unlicensed, "", free.as_str(), "feature_not_included"),
    ];
    for (who, ext, number, code) in cases {
        let request = SetNumbers {
            user_id: who.id,
            expected_version: who.version,
            extension: Some(ext.to_owned()),
            phone_number: Some(number.to_owned()),
        };
        let editor = org.set_numbers(admin, &request).unwrap_err();
        assert_eq!(editor.code(), code, "{editor}");
        assert_eq!(
            import_issue(&org, admin, who, ext, number),
            editor.to_string(),
            "the import says what the editor says"
        );
    }
}

#[test]
fn a_good_file_adds_and_updates_in_one_transaction_keeping_zeros_and_plus() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "sam.okafor");
    let number = free_number(&org, "Portland");
    let ext = free_extension(&org, &["0777", "0778", "0779"]);
    let (email, first): (String, String) = org
        .conn()
        .query_row(
            "SELECT email, first_name FROM users WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let file = format!(
        "First name,Last name,Email,Department,Site,Extension,Phone number,License\n\
         Zoë,Nguyễn,zoe.new@example.com,Front desk,Portland,{ext},{number},Voice Pro\n\
         {first},Renamed,{},,,,,\n",
        email.to_uppercase()
    );
    let preview = org
        .import_preview(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    assert!(preview.ready, "{:?}", preview.issues);
    assert_eq!(preview.new_users.len(), 1);
    assert_eq!(preview.changed_users.len(), 1);
    assert!(preview.changed_users[0]
        .changes
        .iter()
        .any(|c| c.ends_with("→ Renamed")));
    assert_eq!(preview.seats[0].product, "Voice Pro");
    assert_eq!(preview.seats[0].needed, 1);
    let receipt = org
        .import_users(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!((receipt.added, receipt.updated), (1, 1));
    let (ext_saved, number_saved, product): (String, String, String) = org
        .conn()
        .query_row(
            "SELECT u.extension, n.e164, p.name FROM users u JOIN phone_numbers n ON n.user_id = u.id
             JOIN seats s ON s.user_id = u.id JOIN products p ON p.id = s.product_id
             WHERE u.email = 'zoe.new@example.com'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (ext_saved.as_str(), number_saved, product.as_str()),
        (ext, number, "Voice Pro")
    );
    let actions: Vec<String> = {
        let mut stmt = org
            .conn()
            .prepare("SELECT action FROM audit_log ORDER BY id DESC LIMIT 5")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    assert_eq!(
        actions,
        [
            "users.import",
            "user.update",
            "user.numbers",
            "license.assign",
            "user.add"
        ]
    );
}

#[test]
fn an_export_imported_again_changes_nothing() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    // Formula payloads in names and departments, and a name that really starts with '.
    org.conn()
        .execute_batch(
            "UPDATE users SET department = '=1+1' WHERE id = 1;
             UPDATE users SET first_name = '@SUM(A1)', department = '-2' WHERE id = 2;
             UPDATE users SET last_name = '''+1' WHERE id = 3;",
        )
        .unwrap();
    let csv = org.export_users_csv(admin).unwrap();
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(text.starts_with(&COLUMNS.join(",")));
    assert!(
        text.contains(",0"),
        "leading zeros of Portland's extensions are written"
    );
    for written in [",'=1+1,", "'@SUM(A1),", ",'-2,", ",''+1,", ",'+1512"] {
        assert!(text.contains(written), "{written}");
    }
    let preview = org
        .import_preview(admin, &csv, &Default::default(), &mut Unwatched)
        .unwrap();
    assert!(preview.ready, "{:?}", preview.issues);
    assert!(
        preview.new_users.is_empty() && preview.changed_users.is_empty(),
        "{preview:?}"
    );
    assert_eq!(preview.unchanged, preview.rows);
    let before = snapshot(&org, TABLES);
    org.import_users(admin, &csv, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(snapshot(&org, TABLES), before);
}

#[test]
fn too_few_seats_or_a_change_of_type_applies_nothing_and_names_why() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let mut file = String::from("First name,Last name,Email,Site,License\n");
    for i in 0..3 {
        file.push_str(&format!(
            "New,Agent{i},agent{i}@example.com,Austin,Contact Center Agent\n"
        ));
    }
    let preview = org
        .import_preview(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    assert!(preview.issues.is_empty() && !preview.ready);
    assert_eq!(preview.seats[0].needed, 3);
    assert_eq!(preview.missing_seats_monthly_cents, 3 * 9500);
    let before = snapshot(&org, TABLES);
    let e = org
        .import_users(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap_err();
    assert!(
        e.to_string().contains(
            "3 Contact Center Agent licenses are needed and 0 are free: purchase 3 more."
        ),
        "{e}"
    );
    assert_eq!(snapshot(&org, TABLES), before);

    let pro = user_on(&org, "Voice Pro");
    let change = format!(
        "First name,Last name,Email,License\n{},{},{},Meetings Plus\n",
        pro.first_name, pro.last_name, pro.email
    );
    let preview = org
        .import_preview(
            admin,
            change.as_bytes(),
            &Default::default(),
            &mut Unwatched,
        )
        .unwrap();
    assert!(
        preview.issues[0].message.contains("change of license type"),
        "{:?}",
        preview.issues
    );
    let helpdesk = sign_in(&mut org, "priya.nair");
    assert_eq!(
        org.import_preview(
            helpdesk,
            file.as_bytes(),
            &Default::default(),
            &mut Unwatched
        )
        .unwrap_err()
        .code(),
        "permission_denied"
    );
}

#[test]
fn a_file_over_the_row_limit_is_refused_while_it_is_read() {
    let header = "First name,Last name,Email\n";
    let row = "Ann,Lee,ann@example.com\n";
    let rows = MAX_CSV_ROWS as usize;
    let mut file = String::with_capacity(header.len() + row.len() * (rows + 2));
    file.push_str(header);
    for _ in 0..rows {
        file.push_str(row);
    }
    assert_eq!(parse(file.as_bytes()).unwrap().len(), rows);
    file.push_str(row);
    let e = parse(file.as_bytes()).unwrap_err();
    assert_eq!((e.row, e.column.as_str()), (MAX_CSV_ROWS + 2, "File"));
    assert!(e.message.contains("more than 200000 rows"), "{e:?}");
}

#[test]
fn bytes_over_the_size_limit_are_refused_before_parsing() {
    let (_dir, org) = demo_org();
    let mut org = org;
    let admin = sign_in(&mut org, "dana.reyes");
    let huge = vec![b'a'; MAX_CSV_BYTES as usize + 1];
    let preview = org
        .import_preview(admin, &huge, &Default::default(), &mut Unwatched)
        .unwrap();
    assert!(!preview.ready);
    assert_eq!(preview.issues[0].column, "File");
    assert!(preview.issues[0].message.contains("at most 50 MB"));
}

/// The users' CSV export on both storage engines (docs/ARCHITECTURE.md §Server).
mod on_both_engines {
    use super::*;
    use crate::tests::engines::{number, same_on_each_engine};

    #[test]
    fn the_users_export_is_the_same_file_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let csv = org.export_users_csv(admin).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let dest = dir.path().join("users.csv");
            let rows = org.export_users_to(admin, &dest).unwrap();
            assert_eq!(std::fs::read(&dest).unwrap(), csv, "{engine}");
            assert_eq!(
                i64::from(rows),
                number(org, "SELECT count(*) FROM users", &[]),
                "{engine}"
            );
            assert_eq!(
                number(
                    org,
                    "SELECT count(*) FROM audit_log WHERE action = 'users.export'",
                    &[],
                ),
                1,
                "{engine}"
            );
            csv
        });
    }

    use crate::domain::users::directory::{LicenseFilter, UserQuery};
    use crate::tests::engines::{chain_intact, newest_entry_is_refused};

    fn text(org: &Org, sql: &str, params: &[&dyn crate::storage::engine::Param]) -> String {
        org.engine
            .read(|db| db.query_one(sql, params, |r| r.get(0)))
            .expect(sql)
    }

    /// An audit entry's action, target, before and after.
    type AuditRow = (String, Option<i64>, Option<String>, Option<String>);

    fn counts(org: &Org) -> (i64, i64) {
        (
            number(org, "SELECT count(*) FROM users", &[]),
            number(org, "SELECT count(*) FROM audit_log", &[]),
        )
    }

    /// A free Portland number and extension, and the email of user 1 in capitals.
    fn facts(org: &Org) -> (String, String, String) {
        let free_number = text(
            org,
            "SELECT n.e164 FROM phone_numbers n JOIN sites s ON s.id = n.site_id
             WHERE s.name = 'Portland' AND n.status = 'available' ORDER BY n.id LIMIT 1",
            &[],
        );
        let extension = ["0777", "0778", "0779", "0781"]
            .into_iter()
            .find(|e| number(org, "SELECT count(*) FROM users WHERE extension = ?1", &[e]) == 0)
            .unwrap()
            .to_owned();
        let email = text(org, "SELECT email FROM users WHERE id = 1", &[]).to_uppercase();
        (free_number, extension, email)
    }

    fn search(org: &Org, actor: Actor, text: &str) -> Vec<i64> {
        let q = UserQuery {
            search: text.to_owned(),
            license: LicenseFilter::Any,
            status: None,
            after: None,
            limit: 500,
        };
        org.search_users(actor, &q)
            .unwrap()
            .users
            .iter()
            .map(|u| u.id)
            .collect()
    }

    #[test]
    fn an_import_adds_and_updates_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let (free_number, ext, email) = facts(org);
            let file = format!(
                "First name,Last name,Email,Department,Site,Extension,Phone number,License\n\
                 Zoë,Nguyễn,zoe.new@example.com,Front desk,Portland,{ext},{free_number},Voice Pro\n\
                 Quill,Abara,quill.abara@example.com,Billing,Lisbon,,,Voice Pro\n\
                 Rhea,Bello,rhea.bello@example.com,,Denver,,,\n\
                 Ada,Renamed,{email},,,,,\n\
                 Sol,Cruz,sol.cruz@example.com,Sales,Austin,,,\n"
            );
            let choices = ImportChoices {
                create_sites: true,
                ..Default::default()
            };
            let last_audit = number(org, "SELECT max(id) FROM audit_log", &[]);
            let preview = org
                .import_preview(admin, file.as_bytes(), &choices, &mut Unwatched)
                .unwrap();
            assert!(preview.ready, "{engine}: {preview:?}");
            let receipt = org
                .import_users(admin, file.as_bytes(), &choices, &mut Unwatched)
                .unwrap();
            assert_eq!((receipt.added, receipt.updated), (4, 1), "{engine}");
            let new_ids = crate::tests::engines::ids(
                org,
                "SELECT id FROM users WHERE email IN ('zoe.new@example.com',
                   'quill.abara@example.com', 'rhea.bello@example.com', 'sol.cruz@example.com')
                 ORDER BY users.id",
            );
            assert_eq!(new_ids.len(), 4, "{engine}");
            let details: Vec<UserDetail> = new_ids
                .iter()
                .chain([&1])
                .map(|id| UserDetail {
                    updated_at: String::new(),
                    ..org.user(admin, *id).unwrap()
                })
                .collect();
            for (id, name) in new_ids
                .iter()
                .zip(["zoë nguy", "QUILL", "rhea bello", "sol.cruz@ex"])
            {
                assert!(
                    search(org, admin, name).contains(id),
                    "{engine}: {name:?} does not find user {id}"
                );
            }
            assert!(search(org, admin, &ext).contains(&new_ids[0]), "{engine}");
            let audit: Vec<AuditRow> = org
                .engine
                .read(|db| {
                    db.query(
                        "SELECT action, target_user_id, before_json, after_json FROM audit_log
                         WHERE id > ?1 ORDER BY audit_log.id",
                        &[&last_audit],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                    )
                })
                .unwrap();
            let actions: Vec<&str> = audit.iter().map(|a| a.0.as_str()).collect();
            assert_eq!(
                actions,
                [
                    "site.create",
                    "user.add",
                    "license.assign",
                    "user.numbers",
                    "user.add",
                    "license.assign",
                    "user.add",
                    "user.update",
                    "user.add",
                    "users.import"
                ],
                "{engine}: an entry per change, in row order"
            );
            assert!(chain_intact(org), "{engine}");
            (preview, receipt, details, audit)
        });
    }

    #[test]
    fn a_file_with_a_problem_stores_nothing_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let taken = text(
                org,
                "SELECT extension FROM users WHERE extension IS NOT NULL ORDER BY users.id LIMIT 1",
                &[],
            );
            let file = format!(
                "First name,Last name,Email,Site,Extension,License\n\
                 Ana,Ruiz,ana.ruiz@example.com,Austin,,Platinum\n\
                 Hal,Quinn,hal@example.com,Austin,{taken},Voice Pro\n"
            );
            let before = counts(org);
            let e = org
                .import_users(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
                .unwrap_err();
            let message = e.to_string();
            assert!(message.contains("row 2, License"), "{engine}: {message}");
            assert_eq!(counts(org), before, "{engine}: something was stored");
            let preview = org
                .import_preview(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
                .unwrap();
            let issues: Vec<String> = preview.issues.iter().map(ToString::to_string).collect();
            assert!(
                issues.iter().any(|i| i.starts_with("row 3, Extension")),
                "{engine}: {issues:?}"
            );
            (e.code().to_owned(), e.payload().field, message, issues)
        });
    }

    #[test]
    fn a_role_without_users_edit_is_refused_and_recorded_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let billing = sign_in(org, "lee.chen");
            let file = "First name,Last name,Email,Site\nAna,Ruiz,ana.ruiz@example.com,Austin\n";
            let before = counts(org);
            let e = org
                .import_users(
                    billing,
                    file.as_bytes(),
                    &Default::default(),
                    &mut Unwatched,
                )
                .unwrap_err();
            assert_eq!(e.code(), "permission_denied", "{engine}");
            assert_eq!(counts(org), (before.0, before.1 + 1), "{engine}");
            assert!(
                newest_entry_is_refused(org, "users.import"),
                "{engine}: the refusal is not recorded"
            );
            assert!(chain_intact(org), "{engine}");
            (e.code().to_owned(), e.to_string())
        });
    }

    #[test]
    fn more_licenses_than_free_seats_store_nothing_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let free = number(
                org,
                "SELECT count(*) FROM seats s JOIN products p ON p.id = s.product_id
                 WHERE p.name = 'Voice Pro' AND s.status = 'available'",
                &[],
            );
            let mut file = String::from("First name,Last name,Email,Site,License\n");
            for i in 0..=free {
                file.push_str(&format!(
                    "New,User{i},new.user{i}@example.com,Austin,Voice Pro\n"
                ));
            }
            let before = counts(org);
            let e = org
                .import_users(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
                .unwrap_err();
            let message = e.to_string();
            assert!(message.contains("Voice Pro"), "{engine}: {message}");
            assert_eq!(counts(org), before, "{engine}: something was stored");
            (e.code().to_owned(), e.payload().field, message)
        });
    }
}
