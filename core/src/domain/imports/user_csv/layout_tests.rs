//! Files from the systems users already are in: Microsoft 365 and Google Workspace exports,
//! an HR spreadsheet, with the fixtures written from the vendors' documented column lists.

use super::*;
use crate::domain::users::directory::UserDetail;
use crate::tests::testing::{demo_org, product_id, sign_in, snapshot};

const TABLES: &[&str] = &["users", "seats", "phone_numbers", "sites", "org_settings"];

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/domain/imports/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The site's free numbers, in E.164.
fn free_numbers(org: &Org, site: &str) -> Vec<String> {
    let mut stmt = org
        .conn()
        .prepare(
            "SELECT n.e164 FROM phone_numbers n JOIN sites s ON s.id = n.site_id
             WHERE s.name = ?1 AND n.status = 'available' ORDER BY n.e164",
        )
        .unwrap();
    stmt.query_map([site], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The Microsoft 365 export with two of Austin's free numbers written as people do.
fn m365_export(org: &Org) -> (Vec<u8>, [String; 2]) {
    let free = free_numbers(org, "Austin");
    let national = |e164: &str| {
        let d = &e164[2..];
        (
            format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..]),
            format!("+1 {} {} {}", &d[..3], &d[3..6], &d[6..]),
        )
    };
    let text = String::from_utf8(fixture("m365-users.csv"))
        .unwrap()
        .replace("{AUSTIN_1}", &national(&free[0]).0)
        .replace("{AUSTIN_2}", &national(&free[1]).1);
    (text.into_bytes(), [free[0].clone(), free[1].clone()])
}

fn user_by_email(org: &Org, email: &str) -> UserDetail {
    let id: i64 = org
        .conn()
        .query_row("SELECT id FROM users WHERE email = ?1", [email], |r| {
            r.get(0)
        })
        .unwrap();
    directory::user_detail(org.conn(), id).unwrap()
}

fn field_of(preview: &ImportPreview, header: &str) -> Option<ImportField> {
    preview
        .columns
        .iter()
        .find(|c| c.header == header)
        .unwrap_or_else(|| panic!("no column {header}"))
        .field
}

#[test]
fn a_microsoft_365_export_is_mapped_without_asking_and_its_licenses_are_not_errors() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (file, [first_number, second_number]) = m365_export(&org);
    let preview = org
        .import_preview(admin, &file, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(
        preview.layout.as_deref(),
        Some("Microsoft 365 admin center user export")
    );
    assert_eq!(preview.mapping_source, MappingSource::Layout);
    for (header, field) in [
        ("User principal name", Some(ImportField::Email)),
        ("Office", Some(ImportField::Site)),
        ("Phone number", Some(ImportField::PhoneNumber)),
        ("Licenses", Some(ImportField::License)),
        ("Mobile Phone", None),
        ("Street address", None),
    ] {
        assert_eq!(field_of(&preview, header), field, "{header}");
    }
    let unused = preview.columns.iter().filter(|c| c.field.is_none()).count();
    assert_eq!(unused, 14, "22 columns, 8 used");
    // A quoted comma stays in its cell; the samples are the column's first values.
    let street = preview
        .columns
        .iter()
        .find(|c| c.header == "Street address")
        .unwrap();
    assert_eq!(street.samples[0], "12 Main St, Suite 4");
    assert_eq!(
        preview.other_licenses,
        [
            OtherLicense {
                name: "Microsoft 365 Business Standard+Microsoft Teams Phone Standard".into(),
                users: 1
            },
            OtherLicense {
                name: "Microsoft 365 Business Standard".into(),
                users: 1
            },
        ]
    );
    assert!(
        preview
            .notes
            .iter()
            .any(|n| n.starts_with("2 users have a license of another system")),
        "{:?}",
        preview.notes
    );
    // Without a license, the numbers cannot be given: named by row and column.
    let shown: Vec<String> = preview.issues.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:#?}");
    assert!(
        shown[0].starts_with("row 2, Phone number: Zoë Nguyễn holds no license"),
        "{shown:#?}"
    );
    assert!(!preview.ready);

    // One product for all of them: the seat check counts them, and the numbers are E.164.
    let essentials = product_id(&org, "Voice Essentials");
    let choices = ImportChoices {
        product_for_other_licenses: Some(essentials),
        ..Default::default()
    };
    let preview = org
        .import_preview(admin, &file, &choices, &mut Unwatched)
        .unwrap();
    assert!(preview.issues.is_empty(), "{:#?}", preview.issues);
    assert!(preview.ready, "{preview:#?}");
    let essentials_need = preview
        .seats
        .iter()
        .find(|s| s.product == "Voice Essentials")
        .unwrap();
    assert_eq!(essentials_need.needed, 2);
    let receipt = org
        .import_users(admin, &file, &choices, &mut Unwatched)
        .unwrap();
    assert_eq!(receipt.added, 4);
    let zoe = user_by_email(&org, "zoe.nguyen@harbor.example");
    assert_eq!(
        (zoe.first_name.as_str(), zoe.last_name.as_str()),
        ("Zoë", "Nguyễn")
    );
    assert_eq!(zoe.phone_number.as_deref(), Some(first_number.as_str()));
    assert_eq!(
        zoe.license.as_ref().unwrap().product_name,
        "Voice Essentials"
    );
    let jose = user_by_email(&org, "jose.alvarez@harbor.example");
    assert_eq!(jose.phone_number.as_deref(), Some(second_number.as_str()));
    assert_eq!(jose.department, "Clinical");
    // A LicenseDesk product named in the column is assigned; an empty cell leaves none.
    let minjun = user_by_email(&org, "minjun.park@harbor.example");
    assert_eq!(minjun.license.as_ref().unwrap().product_name, "Voice Pro");
    assert!(user_by_email(&org, "grace.obrien@harbor.example")
        .license
        .is_none());
}

#[test]
fn more_users_than_free_seats_for_the_chosen_product_imports_nothing() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let (file, _) = m365_export(&org);
    // Voice Pro: Min-jun's own and the two of another system's, 2 free.
    let choices = ImportChoices {
        product_for_other_licenses: Some(product_id(&org, "Voice Pro")),
        ..Default::default()
    };
    let preview = org
        .import_preview(admin, &file, &choices, &mut Unwatched)
        .unwrap();
    assert!(!preview.ready);
    assert!(preview.missing_seats_monthly_cents > 0);
    let before = snapshot(&org, TABLES);
    let e = org
        .import_users(admin, &file, &choices, &mut Unwatched)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("3 Voice Pro licenses are needed and 2 are free"),
        "{e}"
    );
    assert_eq!(snapshot(&org, TABLES), before);
}

#[test]
fn google_workspace_downloads_and_templates_are_recognized() {
    let (_dir, org) = demo_org();
    let mut org = org;
    let admin = sign_in(&mut org, "dana.reyes");
    for (name, layout) in [
        (
            "google-users-download.csv",
            "Google Workspace user download",
        ),
        (
            "google-bulk-template.csv",
            "Google Workspace bulk-upload template",
        ),
    ] {
        let preview = org
            .import_preview(admin, &fixture(name), &Default::default(), &mut Unwatched)
            .unwrap();
        assert_eq!(preview.layout.as_deref(), Some(layout), "{name}");
        assert_eq!(
            field_of(&preview, "Email Address [Required]"),
            Some(ImportField::Email)
        );
        assert_eq!(field_of(&preview, "Building ID"), Some(ImportField::Site));
        assert_eq!(field_of(&preview, "Org Unit Path [Required]"), None);
        assert!(preview.issues.is_empty(), "{name}: {:#?}", preview.issues);
        let names: Vec<&str> = preview.new_users.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["Amélie Dubois", "Ørjan Lund"], "{name}");
    }
}

#[test]
fn an_hr_spreadsheet_is_guessed_split_by_display_name_and_its_mapping_remembered() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let file = fixture("hr-staff-list.csv");
    let preview = org
        .import_preview(admin, &file, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(preview.layout, None);
    assert_eq!(preview.mapping_source, MappingSource::Guessed);
    assert_eq!(
        field_of(&preview, "Employee Name"),
        Some(ImportField::DisplayName)
    );
    assert_eq!(field_of(&preview, "Work Email"), Some(ImportField::Email));
    assert_eq!(field_of(&preview, "Location"), Some(ImportField::Site));
    assert_eq!(field_of(&preview, "Mobile"), Some(ImportField::PhoneNumber));
    assert_eq!(field_of(&preview, "Ext"), Some(ImportField::Extension));
    assert_eq!(field_of(&preview, "Manager"), None);
    // The guessed Mobile and Ext would give numbers to people without a license.
    assert!(!preview.ready);

    // The admin leaves Mobile and Ext out.
    let mut fields: Vec<Option<ImportField>> = preview.columns.iter().map(|c| c.field).collect();
    fields[3] = None;
    fields[4] = None;
    let choices = ImportChoices {
        columns: Some(fields.clone()),
        ..Default::default()
    };
    let preview = org
        .import_preview(admin, &file, &choices, &mut Unwatched)
        .unwrap();
    assert_eq!(preview.mapping_source, MappingSource::Chosen);
    assert!(preview.ready, "{:#?}", preview.issues);
    assert_eq!(
        preview.notes,
        ["First and last name were split from Display name for 2 users (the last word is the last name)."]
    );
    let names: Vec<&str> = preview.new_users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["Sofía Ramírez", "Bartholomew Q. Smith-Jones"]);
    org.import_users(admin, &file, &choices, &mut Unwatched)
        .unwrap();
    let bart = user_by_email(&org, "bart.smith@harbor.example");
    assert_eq!(
        (bart.first_name.as_str(), bart.last_name.as_str()),
        ("Bartholomew Q.", "Smith-Jones")
    );

    // The next file with the same header row gets the same mapping without asking.
    let next = String::from_utf8(file)
        .unwrap()
        .replace("harbor.example", "harbor2.example")
        .into_bytes();
    let preview = org
        .import_preview(admin, &next, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(preview.mapping_source, MappingSource::Remembered);
    let remembered: Vec<Option<ImportField>> = preview.columns.iter().map(|c| c.field).collect();
    assert_eq!(remembered, fields);
    assert!(preview.ready, "{:#?}", preview.issues);
}

#[test]
fn a_mapping_without_email_or_names_is_refused_before_any_row_is_read() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let file = b"Nom,Courriel\nAda,ada@example.com\n";
    let preview = org
        .import_preview(admin, file, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(
        preview.issues[0].to_string(),
        "row 1, Email: no column of the file is chosen for it; the file's columns are: Nom, Courriel."
    );
    assert_eq!(preview.columns[1].samples, ["ada@example.com"]);
    let twice = ImportChoices {
        columns: Some(vec![Some(ImportField::Email), Some(ImportField::Email)]),
        ..Default::default()
    };
    let preview = org
        .import_preview(admin, file, &twice, &mut Unwatched)
        .unwrap();
    assert_eq!(
        preview.issues[0].to_string(),
        "row 1, Email: is chosen for two columns; choose one."
    );
    let chosen = ImportChoices {
        columns: Some(vec![
            Some(ImportField::DisplayName),
            Some(ImportField::Email),
        ]),
        ..Default::default()
    };
    let preview = org
        .import_preview(admin, file, &chosen, &mut Unwatched)
        .unwrap();
    assert_eq!(
        preview.issues[0].to_string(),
        "row 2, Display name: Ada is one word; a new user needs a first and a last name."
    );
}

#[test]
fn numbers_are_read_in_the_country_of_their_site() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    for (site, country, number) in [
        ("London", "GB", "+442079460958"),
        ("Berlin", "DE", "+49301234567"),
    ] {
        let id = sites::insert_in(org.conn(), site, country).unwrap();
        org.conn()
            .execute(
                "INSERT INTO phone_numbers (e164, site_id, status) VALUES (?1, ?2, 'available')",
                rusqlite::params![number, id],
            )
            .unwrap();
    }
    let file = "First name,Last name,Email,Site,Phone number,License\n\
                Ada,Byron,ada@example.co.uk,London,020 7946 0958,Voice Essentials\n\
                Max,Planck,max@example.de,Berlin,030 1234567,Voice Essentials\n";
    let preview = org
        .import_preview(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    assert!(preview.ready, "{:#?}", preview.issues);
    org.import_users(admin, file.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(
        user_by_email(&org, "ada@example.co.uk")
            .phone_number
            .as_deref(),
        Some("+442079460958")
    );
    assert_eq!(
        user_by_email(&org, "max@example.de")
            .phone_number
            .as_deref(),
        Some("+49301234567")
    );
    // Read in London, a German national number is not one.
    let wrong = "First name,Last name,Email,Site,Phone number,License\n\
                 Ada,Byron,ada2@example.co.uk,London,030 123,Voice Essentials\n";
    let preview = org
        .import_preview(admin, wrong.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(
        preview.issues[0].to_string(),
        "row 2, Phone number: 030 123 is not a phone number of GB; write it with its country code, such as +1 512 555 0100."
    );
}

#[test]
fn missing_sites_are_named_and_created_only_when_asked_by_a_super_admin() {
    let (_dir, mut org) = demo_org();
    let file = "First name,Last name,Email,Site\n\
                Ada,Byron,ada@example.com,Boulder\n\
                Ben,Okoro,ben@example.com,boulder\n\
                Cy,Park,cy@example.com,Austin\n";
    let it = sign_in(&mut org, "sam.okafor");
    let preview = org
        .import_preview(it, file.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(preview.missing_sites, ["Boulder"]);
    assert_eq!(
        preview.issues.len(),
        2,
        "named by row: {:#?}",
        preview.issues
    );
    let create = ImportChoices {
        create_sites: true,
        ..Default::default()
    };
    let preview = org
        .import_preview(it, file.as_bytes(), &create, &mut Unwatched)
        .unwrap();
    assert!(preview.ready, "{:#?}", preview.issues);
    assert!(preview.new_users[0]
        .changes
        .contains(&"Site: Boulder".to_owned()));
    let before = snapshot(&org, TABLES);
    let e = org
        .import_users(it, file.as_bytes(), &create, &mut Unwatched)
        .unwrap_err();
    assert_eq!(e.payload().code, "permission_denied");
    assert_eq!(snapshot(&org, TABLES), before, "a refusal changes nothing");

    let admin = sign_in(&mut org, "dana.reyes");
    org.import_users(admin, file.as_bytes(), &create, &mut Unwatched)
        .unwrap();
    let ada = user_by_email(&org, "ada@example.com");
    let ben = user_by_email(&org, "ben@example.com");
    assert_eq!(
        (ada.site.as_str(), ben.site.as_str()),
        ("Boulder", "Boulder"),
        "one site, whatever the case"
    );
    let (name, country): (String, String) = org
        .conn()
        .query_row(
            "SELECT name, country FROM sites WHERE name = ?1",
            [&ada.site],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((name.as_str(), country.as_str()), ("Boulder", "US"));
    let audited: i64 = org
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'site.create'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
}

#[test]
fn licensedesks_own_export_is_its_own_layout_and_changes_nothing() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let export = org.export_users_csv(admin).unwrap();
    let preview = org
        .import_preview(admin, &export, &Default::default(), &mut Unwatched)
        .unwrap();
    assert_eq!(preview.layout.as_deref(), Some("LicenseDesk users file"));
    assert!(preview.issues.is_empty(), "{:#?}", preview.issues);
    assert_eq!(preview.unchanged, preview.rows);
    assert!(preview.other_licenses.is_empty());
    // In its own file, a license LicenseDesk does not sell is a typo, not another system's.
    let typo = String::from_utf8(export)
        .unwrap()
        .replacen("Voice Pro", "Voice Pr0", 1);
    let preview = org
        .import_preview(admin, typo.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    assert!(
        preview.issues[0]
            .message
            .starts_with("there is no product named Voice Pr0"),
        "{:#?}",
        preview.issues
    );
}
