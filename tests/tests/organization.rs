//! Acceptance test of a real organization: set it up from an empty file, import a
//! 50-user CSV with two bad rows (the preview names both; fixed, it applies),
//! give 20 users a license in one bulk step, restart: all of it kept.

use licensedesk_e2e::{organization_as_created, App};

const PRODUCT: &str = "Voice Standard";

/// 50 users; the first 30 with the license and an extension (leading zeros), the rest
/// without. `bad` spoils row 7 (an emergency extension) and row 19 (an email).
fn users_csv(bad: bool) -> String {
    let mut csv =
        String::from("First name;Last name;Email;Department;Site;Extension;Phone number;License\n");
    for i in 1..=50 {
        let row = i + 1;
        let email = if bad && row == 19 {
            "not-an-email".to_string()
        } else {
            format!("person{i}@harbor.example")
        };
        let (ext, license) = if i <= 30 {
            (
                if bad && row == 7 {
                    "911".to_string()
                } else {
                    format!("0{:03}", 100 + i)
                },
                PRODUCT,
            )
        } else {
            (String::new(), "")
        };
        csv.push_str(&format!(
            "Ana{i};Sousa-Ferreira;{email};Clinic;Lisbon;{ext};;{license}\n"
        ));
    }
    csv
}

async fn set_up(app: &App) {
    app.click_role("button", "Set up my organization").await;
    let form = app.find_any_by_role("form").await;
    for (name, value) in [
        ("Organization name", "Harbor Physio"),
        ("Billing day", "15"),
        ("Notice period", "30"),
        ("Your name", "Marta Sousa"),
        ("Account", "marta"),
        ("Product 1 name", PRODUCT),
        // A price the form refuses first: Create then takes the person to it.
        ("Product 1 price", "twenty"),
        ("Product 1 seats", "60"),
    ] {
        let role = if ["Billing day", "Notice period", "Product 1 seats"].contains(&name) {
            "spinbutton"
        } else {
            "textbox"
        };
        let input = app.find_by_role_in(&form, role, name).await;
        app.type_into(&input, value).await;
    }
    let sites = app.find_by_role_in(&form, "textbox", "Sites").await;
    app.type_into(&sites, "Lisbon").await;
    let password = app.find_by_role_in(&form, "password", "Password").await;
    app.type_into(&password, "harbor-physio-2026").await;
    let currency = app.find_by_role_in(&form, "combobox", "Currency").await;
    app.select_option(&currency, "EUR").await;
    let country = app.find_by_role_in(&form, "combobox", "Country").await;
    app.select_option(&country, "Portugal").await;
    app.screenshot_if_asked("setup-organization").await;
    let create = app
        .find_by_role_in(&form, "button", "Create organization")
        .await;
    app.click(&create).await;
    app.wait_focused("textbox", "Product 1 price").await;
    let price = app
        .find_by_role_in(&form, "textbox", "Product 1 price")
        .await;
    app.type_into(&price, "24.50").await;
    app.click(&create).await;
    app.wait_for_text("Signed in as marta (Super Admin)").await;
    app.wait_for_text("This organization has no users yet.")
        .await;
}

#[tokio::test]
async fn an_organization_is_set_up_imported_and_licensed_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("harbor.sqlite");
    let app = App::start_first_run(&db).await;
    set_up(&app).await;

    // The import names both bad rows and changes nothing until they are fixed.
    let csv = dir.path().join("staff.csv");
    std::fs::write(&csv, users_csv(true)).unwrap();
    app.click_role("button", "Import users").await;
    let dialog = app.find_by_role("dialog", "Import users").await;
    let choose = app
        .find_by_role_in(&dialog, "button", "Choose CSV file")
        .await;
    app.click(&choose).await;
    app.answer_open_dialog("Import users", &csv).await;
    app.wait_for_text("2 problems to fix in the file").await;
    let text = app.page_text().await;
    for expected in [
        "7 Extension 911 is an emergency number.",
        "19 Email not-an-email has no @",
    ] {
        assert!(text.contains(expected), "{expected:?} not in {text}");
    }
    app.screenshot_if_asked("import-problems").await;
    let import = app.find_by_role_in(&dialog, "button", "Import").await;
    assert!(
        app.is_disabled(&import).await,
        "a file with problems cannot be imported"
    );
    std::fs::write(&csv, users_csv(false)).unwrap();
    let again = app.find_by_role_in(&dialog, "button", "Check again").await;
    app.click(&again).await;
    let import = app
        .find_by_role_in(&dialog, "button", "Import 50 users")
        .await;
    app.wait_enabled(&import).await;
    app.click(&import).await;
    app.wait_for_message("status", "Imported: 50 users added")
        .await;
    app.wait_until_gone("dialog", "Import users").await;
    app.wait_for_text("50 users").await;
    let ana = app.user_row("Ana1 Sousa-Ferreira").await;
    assert_eq!(ana.cell("Extension"), "0101", "leading zeros kept");
    assert_eq!(ana.cell("License"), PRODUCT);

    // The 20 without a license get one in one bulk step.
    let search = app.find_by_role("searchbox", "Search users").await;
    app.type_into(&search, "").await;
    let filter = app.find_by_role("combobox", "Filter by license").await;
    app.select_option(&filter, "No license").await;
    app.wait_for_text("20 of the organization's users match")
        .await;
    app.click_role("checkbox", "Select Ana31 Sousa-Ferreira")
        .await;
    app.click_role("button", "Select all 20 matching").await;
    app.wait_for_text("20 selected").await;
    app.click_role("button", "Assign license to selected").await;
    let bulk = app
        .find_by_role("dialog", "Change licenses of 20 users")
        .await;
    app.wait_for_text("20 licenses needed, 30 free").await;
    app.screenshot_if_asked("bulk-assign").await;
    let apply = app
        .find_by_role_in(&bulk, "button", "Apply to 20 users")
        .await;
    app.click(&apply).await;
    app.wait_for_message("status", "Done for 20 users.").await;
    app.wait_for_text("0 of the organization's users match")
        .await;
    app.quit().await;

    // Everything is kept: 50 users, every one licensed.
    let app = App::start(&db).await;
    app.sign_in("marta", "harbor-physio-2026").await;
    app.wait_for_text("Harbor Physio").await;
    app.wait_for_text("50 users").await;
    let filter = app.find_by_role("combobox", "Filter by license").await;
    app.select_option(&filter, PRODUCT).await;
    app.wait_for_text("50 of the organization's users match")
        .await;
    app.quit().await;
}

/// The Microsoft 365 admin center's user export (from core's fixture), with two of Austin's
/// free numbers written as people write them.
fn m365_export(db: &std::path::Path) -> (String, [String; 2]) {
    let conn = rusqlite::Connection::open_with_flags(
        organization_as_created(db),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let free: Vec<String> = conn
        .prepare(
            "SELECT n.e164 FROM phone_numbers n JOIN sites s ON s.id = n.site_id
             WHERE s.name = 'Austin' AND n.status = 'available' ORDER BY n.e164 LIMIT 2",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let digits = |e164: &str| e164[2..].to_string();
    let (a, b) = (digits(&free[0]), digits(&free[1]));
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/src/domain/imports/fixtures/m365-users.csv");
    let text = std::fs::read_to_string(fixture)
        .unwrap()
        .replace(
            "{AUSTIN_1}",
            &format!("({}) {}-{}", &a[..3], &a[3..6], &a[6..]),
        )
        .replace(
            "{AUSTIN_2}",
            &format!("{}.{}.{}", &b[..3], &b[3..6], &b[6..]),
        );
    (text, [free[0].clone(), free[1].clone()])
}

/// An admin moving staff over from Microsoft 365: the export is recognized and mapped without
/// a question, its licenses are another system's, one product is chosen for all of them, and
/// the users arrive with their numbers in E.164.
#[tokio::test]
async fn a_microsoft_365_export_is_imported_with_a_product_for_all_and_numbers_normalized() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = App::start(&db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    let (csv, numbers) = m365_export(&db);
    let file = dir.path().join("Users export.csv");
    std::fs::write(&file, csv).unwrap();

    app.click_role("button", "Import users").await;
    let dialog = app.find_by_role("dialog", "Import users").await;
    let choose = app
        .find_by_role_in(&dialog, "button", "Choose CSV file")
        .await;
    app.click(&choose).await;
    app.answer_open_dialog("Import users", &file).await;
    app.wait_for_text("Recognized as a Microsoft 365 admin center user export:")
        .await;
    let text = app.page_text().await;
    for mapped in [
        "Recognized as a Microsoft 365 admin center user export:",
        "User principal name → Email",
        "Office → Site",
        "Phone number → Phone number",
        "14 columns not used",
        "2 users have a license of another system",
    ] {
        assert!(text.contains(mapped), "{mapped:?} not in {text}");
    }
    let other = app
        .find_by_role_in(&dialog, "combobox", "License for users of another system")
        .await;
    let essentials = app
        .options(&other)
        .await
        .into_iter()
        .find(|o| o.starts_with("Voice Essentials ("))
        .expect("Voice Essentials offered");
    app.select_option(&other, &essentials).await;
    app.wait_for_text("those without a LicenseDesk license get Voice Essentials")
        .await;
    app.screenshot_if_asked("import-m365").await;
    let import = app
        .find_by_role_in(&dialog, "button", "Import 4 users")
        .await;
    app.wait_enabled(&import).await;
    app.click(&import).await;
    app.wait_for_message("status", "Imported: 4 users added")
        .await;
    app.wait_until_gone("dialog", "Import users").await;

    let zoe = app.user_row("Zoë Nguyễn").await;
    assert_eq!(zoe.cell("License"), "Voice Essentials");
    assert_eq!(zoe.cell("Phone number"), numbers[0]);
    let jose = app.user_row("José Álvarez").await;
    assert_eq!(jose.cell("Phone number"), numbers[1]);
    assert_eq!(
        app.user_row("Min-jun Park").await.cell("License"),
        "Voice Pro"
    );
}
