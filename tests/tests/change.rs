//! Acceptance tests of changing a license in the user editor: within a
//! license type everything stays (extension, number, voicemails) and the
//! features follow the new product; to a type with no free seat nothing is
//! offered, let alone removed; to another type with a free seat the data-loss
//! warning, the export through the native save dialog, the native "Change
//! license type?" confirmation and the cancellation of the old license; and
//! cancelling that confirmation (asked at Save) changes nothing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use licensedesk_e2e::{App, Element, LicenseCounts, RemovalWarning, Row, TIMEOUT};
use serde_json::Value;
use tokio::time::{sleep, Instant};

const VOICE_PRO: &str = "Voice Pro";
const VOICE_ESSENTIALS: &str = "Voice Essentials";
const CONTACT_CENTER: &str = "Contact Center Agent";
const MEETINGS_PLUS: &str = "Meetings Plus";
const CHANGE_CONFIRMATION: &str = "Change license type?";
const EXPORT_DIALOG: &str = "Export user data";
const WARNING: &str = "Warning: data loss";
const CANCEL_OLD: &str = "Also request cancellation of the old license";

async fn start_as_super_admin(db: &Path) -> App {
    let app = App::start(db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app.wait_for_text("Signed in as dana.reyes (Super Admin)")
        .await;
    app
}

/// A Voice Pro user as the Users page shows them.
#[derive(Debug, Clone)]
struct Holder {
    name: String,
    extension: String,
    number: String,
}

/// Voice Pro users with call recordings, an extension and a phone number,
/// each the only user of that name, in the order the Recordings page lists
/// them (at most `max`).
async fn voice_pro_holders(app: &App, max: usize) -> Vec<Holder> {
    let recordings = app.recordings_table().await;
    let mut names: Vec<String> = vec![];
    for row in &recordings.rows {
        let user = row.cell("User");
        if row.cell("License now") == VOICE_PRO && !names.iter().any(|n| n == user) {
            names.push(user.to_string());
        }
    }
    app.open_page("Users").await;
    let mut holders = vec![];
    for name in names {
        let rows = app.users_named(&name).await;
        match rows.as_slice() {
            [row]
                if row.cell("License") == VOICE_PRO
                    && row.cell("Extension") != "None"
                    && row.cell("Phone number") != "None" =>
            {
                holders.push(Holder {
                    name: name.clone(),
                    extension: row.cell("Extension").to_string(),
                    number: row.cell("Phone number").to_string(),
                });
                if holders.len() == max {
                    break;
                }
            }
            _ => eprintln!("e2e: {name} is not one {VOICE_PRO} user with a number: {rows:?}"),
        }
    }
    assert!(
        !holders.is_empty(),
        "no {VOICE_PRO} user with recordings and a number of their own"
    );
    holders
}

/// The one row of the Users table (as shown now) that is `name`'s.
async fn shown_row(app: &App, name: &str) -> Row {
    let table = app.users_table().await;
    table
        .row_with_button(&format!("Edit {name}"))
        .unwrap_or_else(|| panic!("{name} not in {table:?}"))
        .clone()
}

/// License, Extension and Phone number of a Users row.
fn license_and_number(row: &Row) -> (String, String, String) {
    (
        row.cell("License").to_string(),
        row.cell("Extension").to_string(),
        row.cell("Phone number").to_string(),
    )
}

/// Waits until the License combobox shows an option starting with `product`.
async fn wait_license_shows(app: &App, license: &Element, product: &str) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let shown = app.selected_option(license).await;
        if shown.starts_with(&format!("{product} (")) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "License shows {shown:?}, not {product}"
        );
        sleep(Duration::from_millis(150)).await;
    }
}

/// Opens "Remove license" in `editor`, reads the data-loss warning and backs
/// out with "Keep license" (which stages nothing).
async fn peek_removal(app: &App, editor: &Element) -> RemovalWarning {
    let warning = app.start_removal(editor).await;
    let keep = app
        .find_by_role_in(&warning.region, "button", "Keep license")
        .await;
    app.click(&keep).await;
    app.wait_until_gone("region", WARNING).await;
    warning
}

/// Closes the editor of `name` with Cancel.
async fn cancel_editor(app: &App, editor: &Element, name: &str) {
    let cancel = app.find_by_role_in(editor, "button", "Cancel").await;
    app.click(&cancel).await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
}

/// The option the License combobox offers for `product` with its free seats.
fn option_for(product: &str, counts: LicenseCounts) -> String {
    format!("{product} ({} available)", counts.available)
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

/// The manifest.json of the ZIP at `path`; fails if it is not a ZIP with one.
fn zip_manifest(path: &Path) -> Value {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("open {path:?}: {e}"));
    let mut zip =
        zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{path:?} is not a valid ZIP: {e}"));
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(String::from))
        .collect();
    let mut entry = zip
        .by_name("manifest.json")
        .unwrap_or_else(|_| panic!("no manifest.json in {path:?}: {names:?}"));
    let mut bytes = vec![];
    entry
        .read_to_end(&mut bytes)
        .unwrap_or_else(|e| panic!("read manifest.json from {path:?}: {e}"));
    serde_json::from_slice(&bytes).expect("manifest.json is JSON")
}

#[tokio::test]
async fn same_type_change_keeps_number_and_voicemails_and_updates_features() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as_super_admin(&dir.path().join("org.sqlite")).await;
    let pro_before = app.license_counts(VOICE_PRO).await;
    let ess_before = app.license_counts(VOICE_ESSENTIALS).await;
    assert!(ess_before.available > 0, "{ess_before:?}");

    // Someone with voicemails to keep: the removal warning counts them.
    let mut chosen = None;
    for holder in voice_pro_holders(&app, 10).await {
        app.open_page("Users").await;
        app.user_row(&holder.name).await;
        let editor = app.open_user_editor(&holder.name).await;
        let warning = peek_removal(&app, &editor).await;
        let voicemails = warning.count("voicemail");
        if voicemails > 0 {
            chosen = Some((holder, editor, warning));
            break;
        }
        eprintln!("e2e: {} has no voicemails", holder.name);
        cancel_editor(&app, &editor, &holder.name).await;
    }
    let (holder, editor, before) = chosen.expect("a Voice Pro user with voicemails");
    let name = holder.name.clone();
    let voicemails = before.count("voicemail");
    eprintln!(
        "e2e: {name} ({VOICE_PRO}, extension {}, {voicemails} voicemails) moves to {VOICE_ESSENTIALS}",
        holder.extension
    );

    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    wait_license_shows(&app, &license, VOICE_PRO).await;
    let help = app.description(&license).await;
    assert!(
        help.contains(&format!("Holds {VOICE_PRO} (Voice): "))
            && help.contains("Call recording")
            && help.contains("Desktop app"),
        "License is described as {help:?}"
    );

    // Same type: the change is staged at once, with what it gains and loses.
    app.select_option(&license, &option_for(VOICE_ESSENTIALS, ess_before))
        .await;
    app.wait_for_text(&format!(
        "Pending change: {VOICE_PRO} to {VOICE_ESSENTIALS}, same license type. \
         Number, extension, voicemail, forwarding, devices and history stay."
    ))
    .await;
    let items = app.texts_in(&editor, "listitem").await;
    for item in [
        "Gains: no features",
        "Loses: Call recording, Desktop app (switched off; their data is kept)",
    ] {
        assert!(
            items.iter().any(|i| i == item),
            "no {item:?} among {items:?}"
        );
    }
    app.find_by_role_in(&editor, "button", "Undo").await;
    assert!(
        app.try_find_by_role("region", WARNING).await.is_none(),
        "a change within the license type warns of data loss"
    );

    let save = app.find_by_role_in(&editor, "button", "Save").await;
    app.click(&save).await;
    let done = app
        .wait_for_message("status", &format!("{name} moved from "))
        .await;
    assert_eq!(
        done,
        format!(
            "{name} moved from {VOICE_PRO} to {VOICE_ESSENTIALS}; number, extension, \
             voicemail, forwarding, devices and history are kept."
        )
    );
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let row = shown_row(&app, &name).await;
    assert_eq!(
        license_and_number(&row),
        (
            VOICE_ESSENTIALS.to_string(),
            holder.extension.clone(),
            holder.number.clone()
        )
    );

    // Read afresh: the new product's features, and the same data as before.
    app.open_page("Users").await;
    let row = app.user_row(&name).await;
    assert_eq!(
        license_and_number(&row),
        (
            VOICE_ESSENTIALS.to_string(),
            holder.extension.clone(),
            holder.number.clone()
        )
    );
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    wait_license_shows(&app, &license, VOICE_ESSENTIALS).await;
    let help = app.description(&license).await;
    assert!(
        help.contains(&format!(
            "Holds {VOICE_ESSENTIALS} (Voice): Calling, Voicemail, Call forwarding, Mobile app."
        )),
        "License is described as {help:?}"
    );
    let after = peek_removal(&app, &editor).await;
    eprintln!("e2e: the warning now reads {:?}", after.text);
    assert_eq!(after.count("voicemail"), voicemails, "voicemails were lost");
    assert_eq!(
        after.items, before.items,
        "the user's data changed with the license"
    );
    assert!(
        after.text.contains(&format!(
            "Removing the {VOICE_ESSENTIALS} license from {name} permanently deletes"
        )) && after.text.contains(&format!(
            "It releases phone number {} and extension {} for someone else.",
            holder.number, holder.extension
        )),
        "{:?}",
        after.text
    );
    cancel_editor(&app, &editor, &name).await;

    // One seat moved from one product to the other.
    let pro_after = app.license_counts(VOICE_PRO).await;
    assert_eq!(
        pro_after,
        LicenseCounts {
            assigned: pro_before.assigned - 1,
            available: pro_before.available + 1,
            ..pro_before
        }
    );
    let ess_after = app.license_counts(VOICE_ESSENTIALS).await;
    assert_eq!(
        ess_after,
        LicenseCounts {
            assigned: ess_before.assigned + 1,
            available: ess_before.available - 1,
            ..ess_before
        }
    );
    app.quit().await;
}

#[tokio::test]
async fn change_to_a_type_without_free_seats_removes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as_super_admin(&dir.path().join("org.sqlite")).await;
    let pro_before = app.license_counts(VOICE_PRO).await;
    let cc_before = app.license_counts(CONTACT_CENTER).await;
    assert_eq!(cc_before.available, 0, "{cc_before:?}");
    let holder = voice_pro_holders(&app, 1).await.remove(0);
    let name = holder.name.clone();
    eprintln!("e2e: {name} ({VOICE_PRO}) asks for {CONTACT_CENTER}");

    app.open_page("Users").await;
    let row = app.user_row(&name).await;
    let editor = app.open_user_editor(&name).await;
    let before = peek_removal(&app, &editor).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    app.select_option(&license, &format!("{CONTACT_CENTER} (0 available)"))
        .await;

    // Refused before any warning: the reason in an alert and at the field.
    let refusal =
        format!("No {CONTACT_CENTER} licenses are available. A new license must be purchased.");
    let alert = app.wait_for_message("alert", &refusal).await;
    assert_eq!(alert, refusal);
    let described = app.description(&license).await;
    assert!(
        described.contains(&refusal),
        "License is described as {described:?}"
    );
    assert_eq!(
        license.attr("aria-invalid").await.ok().flatten().as_deref(),
        Some("true"),
        "License is not marked invalid"
    );
    app.find_by_role_in(&editor, "button", "Purchase licenses")
        .await;
    assert!(
        app.try_find_by_role("region", WARNING).await.is_none(),
        "a change that cannot happen warns of data loss"
    );
    let page = app.page_text().await;
    assert!(
        !page.contains("Pending change"),
        "a change without a free seat was staged: {page}"
    );
    assert!(app.try_find_by_role("button", "Undo").await.is_none());
    assert!(
        app.try_native_window(CHANGE_CONFIRMATION).await.is_none(),
        "the change of type was confirmed although no seat is free"
    );

    // The refused choice is still an unsaved edit: Cancel asks before dropping it.
    let cancel = app.find_by_role_in(&editor, "button", "Cancel").await;
    app.click(&cancel).await;
    app.confirm_native_dialog(&format!("Discard changes to {name}?"))
        .await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let now = shown_row(&app, &name).await;
    assert_eq!(license_and_number(&now), license_and_number(&row));
    assert_eq!(app.license_counts(VOICE_PRO).await, pro_before);
    assert_eq!(app.license_counts(CONTACT_CENTER).await, cc_before);

    // Nothing was deleted: the user still has all their data.
    app.open_page("Users").await;
    let now = app.user_row(&name).await;
    assert_eq!(license_and_number(&now), license_and_number(&row));
    let editor = app.open_user_editor(&name).await;
    let after = peek_removal(&app, &editor).await;
    assert_eq!(after.text, before.text, "the user's data changed");
    cancel_editor(&app, &editor, &name).await;
    app.quit().await;
}

#[tokio::test]
async fn change_of_type_exports_confirms_and_cancels_the_old_license() {
    let dir = tempfile::tempdir().unwrap();
    let exports = tempfile::tempdir().unwrap();
    let app = start_as_super_admin(&dir.path().join("org.sqlite")).await;
    let pro_before = app.license_counts(VOICE_PRO).await;
    let meet_before = app.license_counts(MEETINGS_PLUS).await;
    assert!(meet_before.available > 0, "{meet_before:?}");
    assert!(pro_before.available > 0, "{pro_before:?}");
    let holder = voice_pro_holders(&app, 1).await.remove(0);
    let name = holder.name.clone();
    let recordings = app.recordings_of(&name).await;
    assert!(!recordings.is_empty());
    eprintln!(
        "e2e: {name} ({VOICE_PRO}, {} recordings) changes to {MEETINGS_PLUS}",
        recordings.len()
    );

    app.open_page("Users").await;
    app.user_row(&name).await;
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    app.select_option(&license, &option_for(MEETINGS_PLUS, meet_before))
        .await;

    // Another type: the removal's warning first, and Save waits for an answer.
    let warning = app.removal_warning(&editor).await;
    eprintln!("e2e: the warning reads {:?}", warning.text);
    assert!(
        warning.text.contains(&format!(
            "Removing the {VOICE_PRO} license from {name} permanently deletes"
        )),
        "{:?}",
        warning.text
    );
    let call_history = warning.count("call history");
    assert!(call_history > 0, "{name} has no data: {:?}", warning.items);
    assert_eq!(warning.count("call recording") as usize, recordings.len());
    let save = app.find_by_role_in(&editor, "button", "Save").await;
    assert!(
        app.is_disabled(&save).await,
        "Save is enabled before the warning is answered"
    );
    assert!(!app.page_text().await.contains("Pending change"));

    // Export the user's data through the native save dialog.
    let export = app
        .find_by_role_in(&warning.region, "button", "Export user data")
        .await;
    app.click(&export).await;
    app.answer_save_dialog_in(EXPORT_DIALOG, exports.path())
        .await;
    let message = app
        .wait_for_message("status", "User data exported to ")
        .await;
    let path = message
        .strip_prefix("User data exported to ")
        .and_then(|m| m.rsplit_once(" ("))
        .map(|(p, _)| PathBuf::from(p))
        .unwrap_or_else(|| panic!("the export message reads {message:?}"));
    assert_eq!(path.parent(), Some(exports.path()), "{message:?}");
    assert!(path.is_file(), "{path:?} was not written");
    let manifest = zip_manifest(&path);
    let user = &manifest["user"];
    assert_eq!(
        format!(
            "{} {}",
            user["first_name"].as_str().unwrap_or_default(),
            user["last_name"].as_str().unwrap_or_default()
        ),
        name,
        "the export is of someone else"
    );
    assert_eq!(
        manifest["counts"]["call_history"].as_i64(),
        Some(call_history),
        "the export holds another call history than the warning states"
    );
    assert!(
        app.is_disabled(&save).await,
        "Save is enabled after the export, before the warning is answered"
    );

    // Continue stages the change; Save asks the native confirmation, then changes.
    let go_on = app
        .find_by_role_in(&warning.region, "button", "Continue")
        .await;
    app.click(&go_on).await;
    app.wait_for_text(&format!(
        "Pending change: {VOICE_PRO} to {MEETINGS_PLUS}, another license type."
    ))
    .await;
    app.wait_until_gone("region", WARNING).await;
    app.find_by_role_in(&editor, "button", "Undo").await;
    let cancel_old = app.find_by_role_in(&editor, "checkbox", CANCEL_OLD).await;
    assert!(!cancel_old.is_selected().await.unwrap_or(true));
    app.click(&cancel_old).await;
    let deadline = Instant::now() + TIMEOUT;
    while !cancel_old.is_selected().await.unwrap_or(false) {
        assert!(Instant::now() < deadline, "{CANCEL_OLD:?} stays unchecked");
        sleep(Duration::from_millis(150)).await;
    }
    let save = app.find_by_role_in(&editor, "button", "Save").await;
    app.click(&save).await;
    app.confirm_native_dialog(CHANGE_CONFIRMATION).await;
    let done = app
        .wait_for_message("status", &format!("{name} changed from "))
        .await;
    let date = done
        .strip_prefix(&format!(
            "{name} changed from {VOICE_PRO} to {MEETINGS_PLUS}. Cancellation of the \
             {VOICE_PRO} license requested: billed until "
        ))
        .and_then(|rest| rest.strip_suffix('.'))
        .unwrap_or_else(|| panic!("the message reads {done:?}"));
    assert!(is_date(date), "the message reads {done:?}");
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let row = shown_row(&app, &name).await;
    let expected = (
        MEETINGS_PLUS.to_string(),
        "None".to_string(),
        "None".to_string(),
    );
    assert_eq!(license_and_number(&row), expected);

    // The old seat awaits cancellation; the new one is taken.
    let pro_after = app.license_counts(VOICE_PRO).await;
    assert_eq!(
        pro_after,
        LicenseCounts {
            assigned: pro_before.assigned - 1,
            pending_cancellation: pro_before.pending_cancellation + 1,
            ..pro_before
        }
    );
    let meet_after = app.license_counts(MEETINGS_PLUS).await;
    assert_eq!(
        meet_after,
        LicenseCounts {
            assigned: meet_before.assigned + 1,
            available: meet_before.available - 1,
            ..meet_before
        }
    );

    // Read afresh: Meetings Plus features, the Voice data gone.
    app.open_page("Users").await;
    let row = app.user_row(&name).await;
    assert_eq!(license_and_number(&row), expected);
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    wait_license_shows(&app, &license, MEETINGS_PLUS).await;
    let help = app.description(&license).await;
    assert!(
        help.contains(&format!(
            "Holds {MEETINGS_PLUS} (Meetings): Desktop app, Mobile app, Video meetings."
        )),
        "License is described as {help:?}"
    );
    let left = peek_removal(&app, &editor).await;
    for what in [
        "call history",
        "call forwarding rule",
        "voicemail",
        "device activation",
    ] {
        assert_eq!(left.count(what), 0, "{what} left: {:?}", left.text);
    }
    cancel_editor(&app, &editor, &name).await;

    // The recordings stay, now of a Meetings Plus user; the export stays too.
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
        assert_eq!(r.cell("License now"), MEETINGS_PLUS, "{r:?}");
    }
    assert!(path.is_file(), "the export is gone after the change");
    app.quit().await;
}

#[tokio::test]
async fn cancelling_the_change_of_type_confirmation_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as_super_admin(&dir.path().join("org.sqlite")).await;
    let pro_before = app.license_counts(VOICE_PRO).await;
    let meet_before = app.license_counts(MEETINGS_PLUS).await;
    assert!(meet_before.available > 0, "{meet_before:?}");
    let holder = voice_pro_holders(&app, 1).await.remove(0);
    let name = holder.name.clone();
    eprintln!("e2e: {name} ({VOICE_PRO}) to {MEETINGS_PLUS}, then cancelling");

    app.open_page("Users").await;
    let row = app.user_row(&name).await;
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    let help = app.description(&license).await;
    app.select_option(&license, &option_for(MEETINGS_PLUS, meet_before))
        .await;
    let warning = app.removal_warning(&editor).await;
    let go_on = app
        .find_by_role_in(&warning.region, "button", "Continue")
        .await;
    app.click(&go_on).await;
    let pending = format!("Pending change: {VOICE_PRO} to {MEETINGS_PLUS}, another license type.");
    app.wait_for_text(&pending).await;
    let save = app.find_by_role_in(&editor, "button", "Save").await;
    app.click(&save).await;
    app.native_window(CHANGE_CONFIRMATION).await;
    app.cancel_native_dialog(CHANGE_CONFIRMATION).await;

    // Once the confirmation is cancelled the change is still only pending, Save is
    // offered again, and no failure is reported: nothing happened.
    app.wait_enabled(&save).await;
    let page = app.page_text().await;
    assert!(
        page.contains(&pending),
        "the pending change went away: {page}"
    );
    let alerts = app.texts_in(&editor, "alert").await;
    assert!(
        alerts.iter().all(|a| a.is_empty()),
        "a cancel is reported as a failure: {alerts:?}"
    );

    // Undo puts the editor back as it was.
    let undo = app.find_by_role_in(&editor, "button", "Undo").await;
    app.click(&undo).await;
    wait_license_shows(&app, &license, VOICE_PRO).await;
    assert_eq!(app.description(&license).await, help);
    app.wait_enabled(&save).await;
    assert!(!app.page_text().await.contains("Pending change"));
    assert!(app.try_find_by_role("region", WARNING).await.is_none());

    cancel_editor(&app, &editor, &name).await;
    let now = shown_row(&app, &name).await;
    assert_eq!(license_and_number(&now), license_and_number(&row));
    assert_eq!(app.license_counts(VOICE_PRO).await, pro_before);
    assert_eq!(app.license_counts(MEETINGS_PLUS).await, meet_before);

    // Nothing was deleted: a new removal finds the same data to lose.
    app.open_page("Users").await;
    let now = app.user_row(&name).await;
    assert_eq!(license_and_number(&now), license_and_number(&row));
    let editor = app.open_user_editor(&name).await;
    let fresh = peek_removal(&app, &editor).await;
    assert_eq!(fresh.text, warning.text, "the user's data changed");
    cancel_editor(&app, &editor, &name).await;
    app.quit().await;
}
