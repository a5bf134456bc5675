//! Acceptance tests of license removal: the data-loss warning with exact
//! counts, the export of the user's data through the native save dialog, the
//! Save with its native "Remove license?" confirmation, and what stays (recordings)
//! and moves (seat counts); cancelling; and why a Helpdesk account cannot.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use licensedesk_e2e::{App, Row};
use serde_json::Value;
use sha2::{Digest, Sha256};

const REMOVE_CONFIRMATION: &str = "Remove license?";
const EXPORT_DIALOG: &str = "Export user data";
const WARNING: &str = "Warning: data loss";

async fn start_as_super_admin(db: &Path) -> App {
    let app = App::start(db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_text("Signed in as dana.reyes (Super Admin)")
        .await;
    app
}

/// The file name the export proposes for `name`: `<first>-<last>-export-`
/// in lower case, with anything but letters and digits made a dash.
fn export_name_prefix(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                '-'
            }
        })
        .collect();
    format!("{}-export-", slug.trim_matches('-'))
}

/// Whether `s` reads like `2025-01-31`.
fn is_date(s: &str) -> bool {
    s.len() == 10
        && s.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Every entry of the ZIP at `path` with its bytes; fails if it is not a ZIP.
fn read_zip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("open {path:?}: {e}"));
    let mut zip =
        zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{path:?} is not a valid ZIP: {e}"));
    let mut entries = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("a readable ZIP entry");
        let name = entry
            .name()
            .unwrap_or_else(|e| panic!("an entry of {path:?} has no usable name: {e}"))
            .to_string();
        let mut bytes = vec![];
        entry
            .read_to_end(&mut bytes)
            .unwrap_or_else(|e| panic!("read {name} from {path:?}: {e}"));
        entries.insert(name, bytes);
    }
    entries
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks the export at `path` against what the warning stated, and returns
/// its manifest.
fn check_export(path: &Path, name: &str, expected: &BTreeMap<&str, i64>) -> Value {
    let entries = read_zip(path);
    let manifest = entries
        .get("manifest.json")
        .unwrap_or_else(|| panic!("no manifest.json in {:?}", entries.keys()));
    let manifest: Value = serde_json::from_slice(manifest).expect("manifest.json is JSON");

    let user = &manifest["user"];
    let manifest_name = format!(
        "{} {}",
        user["first_name"].as_str().unwrap_or_default(),
        user["last_name"].as_str().unwrap_or_default()
    );
    assert_eq!(manifest_name, name, "the export is of someone else");
    assert!(
        user["license"].is_string(),
        "the export is of a user without a license: {user}"
    );

    for (table, count) in expected {
        assert_eq!(
            manifest["counts"][table].as_i64(),
            Some(*count),
            "manifest counts {table} unlike the warning: {}",
            manifest["counts"]
        );
        // One CSV per table, with a header line and one line per row.
        let csv = entries
            .get(&format!("{table}.csv"))
            .unwrap_or_else(|| panic!("no {table}.csv in {:?}", entries.keys()));
        let lines = String::from_utf8_lossy(csv)
            .lines()
            .filter(|l| !l.is_empty())
            .count();
        assert_eq!(lines as i64, count + 1, "{table}.csv has {lines} lines");
    }

    let listed = manifest["files"].as_array().expect("manifest lists files");
    assert_eq!(
        listed.len() + 1,
        entries.len(),
        "the manifest lists {} files, the ZIP holds {:?}",
        listed.len(),
        entries.keys()
    );
    for file in listed {
        let file_path = file["path"].as_str().expect("a file path");
        let bytes = entries
            .get(file_path)
            .unwrap_or_else(|| panic!("{file_path} is listed but not in the ZIP"));
        assert_eq!(file["bytes"].as_u64(), Some(bytes.len() as u64), "{file}");
        assert_eq!(
            file["sha256"].as_str(),
            Some(sha256_hex(bytes).as_str()),
            "{file_path} does not match its checksum"
        );
    }

    // The audio of the voicemails and greetings, as WAV files.
    let audio: Vec<_> = entries
        .iter()
        .filter(|(p, _)| p.starts_with("audio/"))
        .collect();
    assert!(
        audio.len() as i64 <= expected["voicemails"] + expected["voicemail_greetings"],
        "more audio files than voicemails and greetings: {:?}",
        entries.keys()
    );
    for (p, bytes) in &audio {
        assert!(p.ends_with(".wav"), "{p} is not a .wav");
        assert!(
            bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WAVE",
            "{p} is not WAV audio"
        );
    }
    manifest
}

#[tokio::test]
async fn removal_exports_data_then_deletes_it_and_keeps_recordings() {
    let dir = tempfile::tempdir().unwrap();
    let exports = tempfile::tempdir().unwrap();
    let app = start_as_super_admin(&dir.path().join("org.sqlite")).await;

    let (name, row) = app.licensed_user_with_recordings().await;
    let product = row.cell("License").to_string();
    let extension = row.cell("Extension").to_string();
    let number = row.cell("Phone number").to_string();
    assert!(
        extension != "None" && number != "None",
        "{name} has no number: {row:?}"
    );
    let before = app.license_counts(&product).await;
    let recordings = app.recordings_of(&name).await;
    assert!(!recordings.is_empty());
    for r in &recordings {
        assert_eq!(r.cell("License now"), product, "{r:?}");
    }
    eprintln!(
        "e2e: removing {product} from {name} ({} recordings); before: {before:?}",
        recordings.len()
    );

    // The warning states exactly what is lost, released and kept.
    app.open_page("Users").await;
    app.user_row(&name).await;
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    let selected = app.selected_option(&license).await;
    assert!(selected.starts_with(&product), "License shows {selected:?}");
    let warning = app.start_removal(&editor).await;
    eprintln!("e2e: the warning reads {:?}", warning.text);
    app.screenshot_if_asked("removal-warning").await;
    assert!(
        warning.text.contains(&format!(
            "Removing the {product} license from {name} permanently deletes"
        )),
        "{:?}",
        warning.text
    );
    let call_history = warning.count("call history");
    let devices = warning.count("device activation");
    assert!(
        call_history > 0 && devices > 0,
        "{name} has no data to lose: {:?}",
        warning.items
    );
    let expected: BTreeMap<&str, i64> = [
        ("call_history", call_history),
        ("forwarding_rules", warning.count("call forwarding rule")),
        (
            "voicemail_settings",
            warning.count("voicemail settings record"),
        ),
        ("voicemails", warning.count("voicemail message")),
        ("voicemail_greetings", warning.count("voicemail greeting")),
        ("device_activations", devices),
        ("app_access", warning.count("app access grant")),
    ]
    .into();
    // One line per kind of data deleted, app access included.
    assert_eq!(warning.items.len(), expected.len(), "{:?}", warning.items);
    assert!(
        warning.text.contains(&format!(
            "It releases phone number {number} and extension {extension} for someone else."
        )),
        "{:?}",
        warning.text
    );
    assert_eq!(
        warning.count("call recording") as usize,
        recordings.len(),
        "the warning keeps another number of recordings than the Recordings page lists"
    );
    assert_eq!(app.selected_option(&license).await, "No license");

    // Export the user's data to the file name the app proposes.
    let export = app
        .find_by_role_in(&warning.region, "button", "Export user data")
        .await;
    app.click(&export).await;
    app.answer_save_dialog_in(EXPORT_DIALOG, exports.path())
        .await;
    let message = app
        .wait_for_message("status", "User data exported to ")
        .await;
    assert!(
        app.texts_in(&editor, "status").await.contains(&message),
        "the export's message is not in the editor"
    );
    let (path, files) = message
        .strip_prefix("User data exported to ")
        .and_then(|m| m.strip_suffix(" files)."))
        .and_then(|m| m.rsplit_once(" ("))
        .unwrap_or_else(|| panic!("the export message reads {message:?}"));
    let path = PathBuf::from(path);
    assert_eq!(path.parent(), Some(exports.path()), "{message:?}");
    let file_name = path.file_name().unwrap().to_string_lossy().to_string();
    let date = file_name
        .strip_prefix(&export_name_prefix(&name))
        .and_then(|rest| rest.strip_suffix(".zip"))
        .unwrap_or_else(|| panic!("the export is named {file_name:?}"));
    assert!(is_date(date), "the export is named {file_name:?}");
    assert!(path.is_file(), "{path:?} was not written");
    let manifest = check_export(&path, &name, &expected);
    let listed = manifest["files"].as_array().map_or(0, Vec::len);
    assert_eq!(
        files.parse::<usize>().ok(),
        Some(listed + 1),
        "{message:?} but the ZIP holds {listed} files and the manifest"
    );

    // Continue stages the removal; Save asks the native confirmation, then removes.
    let go_on = app
        .find_by_role_in(&warning.region, "button", "Continue")
        .await;
    app.click(&go_on).await;
    app.wait_for_text(&format!("Pending change: remove {product}."))
        .await;
    app.find_by_role_in(&editor, "button", "Undo").await;
    app.wait_until_gone("region", WARNING).await;

    app.click_role("button", "Save").await;
    app.confirm_native_dialog(REMOVE_CONFIRMATION).await;
    let done = app
        .wait_for_message("status", &format!("{product} license removed from {name}."))
        .await;
    for words in [
        format!("The {product} license is back in the pool and is still billed ($"),
        "/month) until you request its cancellation.".to_string(),
    ] {
        assert!(done.contains(&words), "the message reads {done:?}");
    }
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let table = app.users_table().await;
    let row = table
        .row_with_button(&format!("Edit {name}"))
        .unwrap_or_else(|| panic!("{name} not in {table:?}"));
    assert_eq!(row.cell("License"), "No license");
    assert_eq!(row.cell("Extension"), "None");
    assert_eq!(row.cell("Phone number"), "None");

    // The message offers to stop paying for the freed seat: the form comes prefilled.
    app.screenshot_if_asked("removal-status-offer").await;
    app.click_role("button", "Request cancellation of this seat")
        .await;
    let form = app.find_by_role("dialog", "Request cancellation").await;
    let chosen = app.find_by_role_in(&form, "combobox", "Product").await;
    let selected = app.selected_option(&chosen).await;
    assert!(
        selected.starts_with(&product),
        "the form offers {selected:?}"
    );
    let quantity = app.find_by_role_in(&form, "spinbutton", "Quantity").await;
    assert_eq!(app.value(&quantity).await, "1");
    app.screenshot_if_asked("removal-cancel-seat-offer").await;
    let close = app.find_by_role_in(&form, "button", "Cancel").await;
    app.click(&close).await;
    app.wait_until_gone("dialog", "Request cancellation").await;

    // The seat is back in the pool, still purchased.
    let after = app.license_counts(&product).await;
    assert_eq!(after.purchased, before.purchased, "{before:?} -> {after:?}");
    assert_eq!(
        after.assigned,
        before.assigned - 1,
        "{before:?} -> {after:?}"
    );
    assert_eq!(
        after.available,
        before.available + 1,
        "{before:?} -> {after:?}"
    );
    assert_eq!(after.pending_cancellation, before.pending_cancellation);

    // Read afresh, the user has no license, extension or number.
    app.open_page("Users").await;
    let row = app.user_row(&name).await;
    assert_eq!(
        (
            row.cell("License"),
            row.cell("Extension"),
            row.cell("Phone number")
        ),
        ("No license", "None", "None")
    );

    // The recordings stay, now of a user without a license.
    let kept = app.recordings_of(&name).await;
    let when = |rows: &[Row]| -> Vec<String> {
        rows.iter()
            .map(|r| r.cell("Recorded").to_string())
            .collect()
    };
    assert_eq!(
        when(&kept),
        when(&recordings),
        "recordings of {name} changed"
    );
    for r in &kept {
        assert_eq!(r.cell("License now"), "License removed", "{r:?}");
        assert!(
            r.buttons
                .iter()
                .any(|b| b.starts_with(&format!("Play recording of {name} from "))),
            "{r:?}"
        );
    }
    // The export is the admin's: removing the license leaves it alone.
    check_export(&path, &name, &expected);
    app.quit().await;
}

#[tokio::test]
async fn cancelling_the_confirmation_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as_super_admin(&dir.path().join("org.sqlite")).await;
    let (name, row) = app.licensed_user_with_recordings().await;
    let product = row.cell("License").to_string();
    let before = app.license_counts(&product).await;
    eprintln!("e2e: removing {product} from {name}, then cancelling");

    app.open_page("Users").await;
    app.user_row(&name).await;
    let editor = app.open_user_editor(&name).await;
    let warning = app.start_removal(&editor).await;
    let go_on = app
        .find_by_role_in(&warning.region, "button", "Continue")
        .await;
    app.click(&go_on).await;
    app.wait_for_text(&format!("Pending change: remove {product}."))
        .await;
    let save = app.find_by_role_in(&editor, "button", "Save").await;
    app.click(&save).await;
    app.cancel_native_dialog(REMOVE_CONFIRMATION).await;

    // Once the confirmation is cancelled the removal is still only pending, Save is
    // offered again, and no failure is reported: nothing happened.
    app.wait_enabled(&save).await;
    assert!(
        app.page_text()
            .await
            .contains(&format!("Pending change: remove {product}.")),
        "the pending removal went away"
    );
    let alerts = app.texts_in(&editor, "alert").await;
    assert!(
        alerts.iter().all(|a| a.is_empty()),
        "a cancel is reported as a failure: {alerts:?}"
    );

    // Leaving drops the pending removal after the native question.
    let cancel = app.find_by_role_in(&editor, "button", "Cancel").await;
    app.click(&cancel).await;
    app.confirm_native_dialog(&format!("Discard changes to {name}?"))
        .await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let table = app.users_table().await;
    let now = table
        .row_with_button(&format!("Edit {name}"))
        .unwrap_or_else(|| panic!("{name} not in {table:?}"));
    for column in ["License", "Extension", "Phone number"] {
        assert_eq!(now.cell(column), row.cell(column), "{column} changed");
    }
    assert_eq!(app.license_counts(&product).await, before);

    // Nothing was deleted: a new removal finds the same data to lose.
    app.open_page("Users").await;
    let now = app.user_row(&name).await;
    assert_eq!(now.cell("License"), product);
    let editor = app.open_user_editor(&name).await;
    let fresh = app.start_removal(&editor).await;
    assert_eq!(fresh.text, warning.text);
    let keep = app
        .find_by_role_in(&fresh.region, "button", "Keep license")
        .await;
    app.click(&keep).await;
    app.wait_until_gone("region", WARNING).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    let selected = app.selected_option(&license).await;
    assert!(selected.starts_with(&product), "License shows {selected:?}");
    app.quit().await;
}

#[tokio::test]
async fn helpdesk_sees_why_it_cannot_remove_a_license() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(dir.path().join("org.sqlite")).await;
    app.sign_in("priya.nair", "helpdesk-demo").await;
    app.wait_for_text("Signed in as priya.nair (Helpdesk)")
        .await;

    let table = app
        .wait_for_table(&licensedesk_e2e::USER_COLUMNS, |t| {
            t.rows.iter().any(|r| r.cell("License") != "No license")
        })
        .await;
    let row = table
        .rows
        .iter()
        .find(|r| r.cell("License") != "No license")
        .expect("waited for it");
    let name = row
        .buttons
        .iter()
        .find_map(|b| b.strip_prefix("Edit "))
        .unwrap_or_else(|| panic!("no Edit button in {row:?}"))
        .to_string();
    eprintln!("e2e: Helpdesk opens {name} ({})", row.cell("License"));

    let editor = app.open_user_editor(&name).await;
    let remove = app
        .find_by_role_in(&editor, "button", "Remove license")
        .await;
    assert!(
        app.is_disabled(&remove).await,
        "Helpdesk can remove a license"
    );
    let why = app.description(&remove).await;
    assert!(
        why.contains("Your role Helpdesk does not include Remove licenses."),
        "Remove license is described as {why:?}"
    );
    assert!(app.try_find_by_role("region", WARNING).await.is_none());
    app.quit().await;
}
