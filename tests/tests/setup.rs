//! Acceptance test of a new user: "Add user", assign a license, suggest an
//! extension, pick a number, set a voicemail PIN and a no-answer forward,
//! restart the app and find all of it kept; an invalid PIN and a taken
//! extension are refused by their fields and change nothing.

use std::path::Path;

use licensedesk_e2e::{App, Element};

const FIRST: &str = "Zoë";
const LAST: &str = "Kowalczyk-Ramírez";
const NAME: &str = "Zoë Kowalczyk-Ramírez";
const VOICE_PRO: &str = "Voice Pro";
const FORWARD_TO: &str = "+15125550142";

async fn start(db: &Path) -> App {
    let app = App::start(db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app
}

/// Another user's extension and name, from the Users table.
async fn someone_elses_extension(app: &App) -> (String, String) {
    let table = app.users_table().await;
    let row = table
        .rows
        .iter()
        .find(|r| r.cell("Extension") != "None")
        .expect("a user with an extension");
    let name = row
        .buttons
        .iter()
        .find_map(|b| b.strip_prefix("Edit "))
        .expect("an Edit button");
    (row.cell("Extension").to_string(), name.to_string())
}

async fn add_user(app: &App) -> Element {
    app.click_role("button", "Add user").await;
    let form = app.find_by_role("dialog", "Add user").await;
    for (label, value) in [
        ("First name", FIRST),
        ("Last name", LAST),
        ("Email", "zoe.kowalczyk@maplestreetdental.com"),
        ("Department", "Front desk"),
    ] {
        let input = app.find_by_role_in(&form, "textbox", label).await;
        app.type_into(&input, value).await;
    }
    let site = app.find_by_role_in(&form, "combobox", "Site").await;
    app.select_option(&site, "Denver").await;
    app.screenshot_if_asked("add-user").await;
    let create = app.find_by_role_in(&form, "button", "Create user").await;
    app.click(&create).await;
    app.wait_for_message("status", &format!("{NAME} added."))
        .await;
    app.find_by_role("dialog", &format!("Edit {NAME}")).await
}

async fn assign_voice_pro(app: &App, editor: &Element) {
    let license = app.find_by_role_in(editor, "combobox", "License").await;
    let option = app
        .options(&license)
        .await
        .into_iter()
        .find(|o| o.starts_with(&format!("{VOICE_PRO} (")))
        .expect("a Voice Pro option");
    app.select_option(&license, &option).await;
    let save = app.find_by_role_in(editor, "button", "Save").await;
    app.click(&save).await;
    app.wait_for_message("status", &format!("{VOICE_PRO} assigned to {NAME}."))
        .await;
}

#[tokio::test]
async fn a_new_user_is_set_up_and_all_of_it_is_kept_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = start(&db).await;
    let (taken, holder) = someone_elses_extension(&app).await;

    let editor = add_user(&app).await;
    assign_voice_pro(&app, &editor).await;
    app.wait_for_text("Setup checklist").await;

    // Extension: suggested; number: the first free one of the site.
    let suggest = app.find_by_role_in(&editor, "button", "Suggest").await;
    app.click(&suggest).await;
    let extension = app.find_by_role_in(&editor, "textbox", "Extension").await;
    let mut suggested = String::new();
    for _ in 0..50 {
        suggested = app.value(&extension).await;
        if !suggested.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        suggested.len() >= 3 && suggested.chars().all(|c| c.is_ascii_digit()),
        "suggested {suggested:?}"
    );
    let number_box = app
        .find_by_role_in(&editor, "combobox", "Phone number")
        .await;
    let number = app.options(&number_box).await[1].clone();
    app.select_option(&number_box, &number).await;
    let save_numbers = app
        .find_by_role_in(&editor, "button", "Save number and extension")
        .await;
    app.click(&save_numbers).await;
    app.wait_for_message("status", &format!("Number and extension of {NAME} saved."))
        .await;

    // A taken extension is refused by its field, naming who holds it.
    let extension = app.find_by_role_in(&editor, "textbox", "Extension").await;
    app.type_into(&extension, &taken).await;
    app.click(&save_numbers).await;
    let alert = app
        .wait_for_message(
            "alert",
            &format!("Extension: {taken} is already used by {holder}."),
        )
        .await;
    eprintln!("e2e: refused as expected: {alert}");
    let described = app.description(&extension).await;
    assert!(
        described.contains(&format!("{taken} is already used by {holder}")),
        "{described}"
    );
    app.type_into(&extension, &suggested).await;

    // Voicemail: a guessable PIN is refused by its field, a good one is kept.
    let voicemail = app.find_by_role_in(&editor, "checkbox", "Voicemail").await;
    app.click(&voicemail).await;
    let pin = app
        .find_by_role_in(&editor, "password", "Voicemail PIN")
        .await;
    app.type_into(&pin, "1234").await;
    let save_voicemail = app
        .find_by_role_in(&editor, "button", "Save voicemail")
        .await;
    app.click(&save_voicemail).await;
    app.wait_for_message("alert", "Voicemail PIN: is a run of consecutive digits")
        .await;
    let described = app.description(&pin).await;
    assert!(described.contains("consecutive digits"), "{described}");
    app.screenshot_if_asked("voicemail-pin-error").await;
    app.type_into(&pin, "480916").await;
    app.click(&save_voicemail).await;
    app.wait_for_message(
        "status",
        &format!("Voicemail of {NAME} saved with the new PIN."),
    )
    .await;

    // Forward on no answer after 3 rings.
    let when = app
        .find_by_role_in(&editor, "combobox", "Forward when")
        .await;
    app.select_option(&when, "On no answer").await;
    let rings = app.find_by_role_in(&editor, "spinbutton", "Rings").await;
    app.type_into(&rings, "3").await;
    let to = app.find_by_role_in(&editor, "textbox", "Forward to").await;
    app.type_into(&to, FORWARD_TO).await;
    let add = app
        .find_by_role_in(&editor, "button", "Add forwarding rule")
        .await;
    app.click(&add).await;
    app.wait_for_message("status", "Forwarding rule \"On no answer\" saved.")
        .await;
    app.screenshot_if_asked("setup-checklist").await;
    app.quit().await;

    // Everything is still there after a restart, and the refusals changed nothing.
    let app = start(&db).await;
    app.search_users(NAME).await;
    let editor = app.open_user_editor(NAME).await;
    app.wait_for_text("Setup checklist").await;
    let extension = app.find_by_role_in(&editor, "textbox", "Extension").await;
    assert_eq!(app.value(&extension).await, suggested);
    let number_box = app
        .find_by_role_in(&editor, "combobox", "Phone number")
        .await;
    assert_eq!(app.selected_option(&number_box).await, number);
    let text = app.page_text().await;
    for expected in [
        "On, PIN set, default greeting".to_string(),
        format!("On no answer (after 3 rings) to {FORWARD_TO}"),
        format!("{number} · ext. {suggested}"),
    ] {
        assert!(text.contains(&expected), "{expected:?} not in {text}");
    }
    let voicemail = app.find_by_role_in(&editor, "checkbox", "Voicemail").await;
    assert_eq!(
        voicemail.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    app.quit().await;
}

/// A 2-second 8 kHz mono PCM WAV: a plain 440 Hz tone.
fn greeting_wav() -> Vec<u8> {
    let samples: Vec<i16> = (0..16_000)
        .map(|i| ((i as f32 * 440.0 * std::f32::consts::TAU / 8000.0).sin() * 8000.0) as i16)
        .collect();
    let data_len = (samples.len() * 2) as u32;
    let mut wav = Vec::new();
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    for v in [16u32, 0x0001_0001, 8000, 16_000, 0x0010_0002] {
        wav.extend_from_slice(&v.to_le_bytes());
    }
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        wav.extend_from_slice(&s.to_le_bytes());
    }
    wav
}

#[tokio::test]
async fn a_greeting_is_uploaded_and_a_leaving_user_is_offboarded() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("org.sqlite")).await;
    let (name, row) = app.licensed_user_with_recordings().await;
    assert_ne!(row.cell("Extension"), "None", "{row:?}");
    let editor = app.open_user_editor(&name).await;

    // A greeting through the native open dialog: a file that is not WAV is refused.
    let junk = dir.path().join("greeting.wav");
    std::fs::write(&junk, "not audio").unwrap();
    let upload = app
        .find_by_role_in(&editor, "button", "Upload greeting")
        .await;
    app.click(&upload).await;
    app.answer_open_dialog("Upload voicemail greeting", &junk)
        .await;
    app.wait_for_message("alert", "Greeting: is not a WAV file")
        .await;
    let wav = dir.path().join("welcome.wav");
    std::fs::write(&wav, greeting_wav()).unwrap();
    app.click(&upload).await;
    app.answer_open_dialog("Upload voicemail greeting", &wav)
        .await;
    app.wait_for_message("status", "Greeting uploaded.").await;
    app.wait_for_text("Custom greeting, 2 s").await;

    // Offboarding: the removal's warning, then the native confirmation.
    app.select_tab(&editor, "Profile").await;
    let offboard = app
        .find_by_role_in(&editor, "button", "Offboard user")
        .await;
    app.click(&offboard).await;
    app.wait_for_text("Warning: data loss").await;
    app.screenshot_if_asked("offboarding").await;
    let go_on = app.find_by_role_in(&editor, "button", "Continue").await;
    app.click(&go_on).await;
    app.confirm_native_dialog(&format!("Offboard {name}?"))
        .await;
    app.wait_for_message("status", &format!("{name} offboarded."))
        .await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let row = app.user_row(&name).await;
    assert_eq!(row.cell("License"), "No license");
    assert_eq!(row.cell("Extension"), "None");
    assert_eq!(row.cell("Phone number"), "None");
    assert_eq!(row.cell("Status"), "Suspended");
    app.quit().await;
}
