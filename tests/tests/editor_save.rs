//! The user editor's one Save and the question before unsaved edits are dropped, from the
//! admin's steps: type into the setup sections, press the editor's Save (not the sections'
//! own buttons), restart and find the values; type, press Esc, answer the native question.

use std::path::Path;

use licensedesk_e2e::{App, Element};

const VOICE_PRO: &str = "Voice Pro";
const MEETINGS_PLUS: &str = "Meetings Plus";
const CANCEL_OLD: &str = "Also request cancellation of the old license";

async fn start(db: &Path) -> App {
    let app = App::start(db).await;
    app.sign_in("dana.reyes", "super-demo").await;
    app
}

/// Assigns Voice Pro with the editor's Save; the editor stays open on the setup checklist.
async fn assign_voice_pro(app: &App, editor: &Element, name: &str) {
    let license = app.find_by_role_in(editor, "combobox", "License").await;
    let option = app
        .options(&license)
        .await
        .into_iter()
        .find(|o| o.starts_with(&format!("{VOICE_PRO} (")))
        .expect("a Voice Pro option");
    app.select_option(&license, &option).await;
    press_save(app, editor).await;
    app.wait_for_message("status", &format!("{VOICE_PRO} assigned to {name}."))
        .await;
    app.wait_for_text("Setup checklist").await;
}

async fn press_save(app: &App, editor: &Element) {
    let save = app.find_by_role_in(editor, "button", "Save").await;
    app.click(&save).await;
}

/// Presses Suggest and returns the extension it typed into "Extension".
async fn suggest_extension(app: &App, editor: &Element) -> String {
    let suggest = app.find_by_role_in(editor, "button", "Suggest").await;
    app.click(&suggest).await;
    let extension = app.find_by_role_in(editor, "textbox", "Extension").await;
    for _ in 0..100 {
        let value = app.value(&extension).await;
        if !value.is_empty() {
            return value;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("Suggest typed no extension");
}

#[tokio::test]
async fn the_editors_save_keeps_every_section_typed_and_a_refusal_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = start(&db).await;
    let name = app.unlicensed_user().await;
    let editor = app.open_user_editor(&name).await;
    assign_voice_pro(&app, &editor, &name).await;

    // Extension suggested, voicemail on with a guessable PIN: the editor's Save refuses the
    // PIN by its field, saves nothing, and keeps everything typed on screen.
    let suggested = suggest_extension(&app, &editor).await;
    let voicemail = app.find_by_role_in(&editor, "checkbox", "Voicemail").await;
    app.click(&voicemail).await;
    let pin = app
        .find_by_role_in(&editor, "password", "Voicemail PIN")
        .await;
    app.type_into(&pin, "1234").await;
    press_save(&app, &editor).await;
    app.wait_for_message("alert", "Voicemail PIN: is a run of consecutive digits")
        .await;
    let described = app.description(&pin).await;
    assert!(described.contains("consecutive digits"), "{described}");
    app.screenshot_if_asked("editor-refused-save").await;
    let extension = app.find_by_role_in(&editor, "textbox", "Extension").await;
    assert_eq!(
        app.value(&extension).await,
        suggested,
        "the typed extension stays"
    );

    // A good PIN: one Save applies both sections and says so in one message.
    app.type_into(&pin, "480916").await;
    press_save(&app, &editor).await;
    app.wait_for_message(
        "status",
        &format!("Saved for {name}: Number and extension, Voicemail."),
    )
    .await;
    app.quit().await;

    // After a restart the user has the extension and the voicemail with its PIN.
    let app = start(&db).await;
    app.search_users(&name).await;
    let editor = app.open_user_editor(&name).await;
    app.wait_for_text("Setup checklist").await;
    let extension = app.find_by_role_in(&editor, "textbox", "Extension").await;
    assert_eq!(app.value(&extension).await, suggested);
    let text = app.page_text().await;
    assert!(
        text.contains("On, PIN set, default greeting"),
        "voicemail not kept: {text}"
    );
    app.quit().await;
}

#[tokio::test]
async fn leaving_with_unsaved_edits_asks_natively_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = start(&db).await;
    let name = app.unlicensed_user().await;
    let editor = app.open_user_editor(&name).await;
    assign_voice_pro(&app, &editor, &name).await;
    let extension = app.find_by_role_in(&editor, "textbox", "Extension").await;
    let stored = app.value(&extension).await;
    let suggested = suggest_extension(&app, &editor).await;
    assert_ne!(stored, suggested);

    // Esc asks; "Keep editing" (the second button) keeps the editor and what was typed.
    let question = format!("Discard changes to {name}?");
    app.send_keys(&extension, "\u{e00c}").await;
    app.native_window(&question).await;
    app.screen_shot_if_asked("editor-discard-question").await;
    app.native_keys(&question, &["Tab", "Return"]).await;
    app.wait_native_window_closed(&question).await;
    let extension = app.find_by_role_in(&editor, "textbox", "Extension").await;
    assert_eq!(
        app.value(&extension).await,
        suggested,
        "Keep editing kept it"
    );

    // File > Open (Ctrl+O, the native menu's accelerator) asks too; Keep editing opens no file.
    app.main_window_key("ctrl+o").await;
    app.native_keys(&question, &["Tab", "Return"]).await;
    app.wait_native_window_closed(&question).await;
    let extension = app.find_by_role_in(&editor, "textbox", "Extension").await;
    assert_eq!(
        app.value(&extension).await,
        suggested,
        "File > Open kept it"
    );

    // Cancel asks again; Discard closes the editor and stores nothing.
    let cancel = app.find_by_role_in(&editor, "button", "Cancel").await;
    app.click(&cancel).await;
    app.confirm_native_dialog(&question).await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let editor = app.open_user_editor(&name).await;
    app.wait_for_text("Setup checklist").await;
    let extension = app.find_by_role_in(&editor, "textbox", "Extension").await;
    assert_eq!(
        app.value(&extension).await,
        stored,
        "Discard stored nothing"
    );
    app.quit().await;
}

#[tokio::test]
async fn the_profile_and_the_license_are_one_save_that_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = start(&db).await;
    let name = app.unlicensed_user().await;
    let editor = app.open_user_editor(&name).await;

    // Department typed on the Profile tab, a license chosen on the next: one Save.
    app.select_tab(&editor, "Profile").await;
    let department = app.find_by_role_in(&editor, "textbox", "Department").await;
    app.type_into(&department, "Front desk (e2e)").await;
    app.select_tab(&editor, "Services and Permissions").await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    let option = app
        .options(&license)
        .await
        .into_iter()
        .find(|o| o.starts_with(&format!("{VOICE_PRO} (")))
        .expect("a Voice Pro option");
    app.select_option(&license, &option).await;
    press_save(&app, &editor).await;
    app.wait_for_message("status", &format!("Saved for {name}: Profile, License."))
        .await;
    app.wait_for_text("Setup checklist").await;
    app.quit().await;

    let app = start(&db).await;
    app.search_users(&name).await;
    let editor = app.open_user_editor(&name).await;
    app.wait_for_text(&format!("Holds {VOICE_PRO}")).await;
    app.select_tab(&editor, "Profile").await;
    let department = app.find_by_role_in(&editor, "textbox", "Department").await;
    assert_eq!(app.value(&department).await, "Front desk (e2e)");
    app.screenshot_if_asked("editor-profile").await;
    app.quit().await;
}

#[tokio::test]
async fn a_read_only_reason_offers_switch_account_and_the_editor_opens_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = App::start(&db).await;
    // Dana's Helpdesk account: her Super Admin account has the permission.
    app.sign_in("dana.support", "support-demo").await;
    let name = app.unlicensed_user().await;
    let editor = app.open_user_editor(&name).await;
    let switch = app
        .find_by_role_in(&editor, "button", "Switch account…")
        .await;
    let why = app.description(&switch).await;
    assert!(why.contains("dana.reyes (Super Admin) has it"), "{why}");
    app.screenshot_if_asked("editor-switch-account").await;
    app.click(&switch).await;

    app.wait_for_text(&format!("the editor of {name} opens again"))
        .await;
    app.sign_in("dana.reyes", "super-demo").await;
    let editor = app.find_by_role("dialog", &format!("Edit {name}")).await;
    // The same tab, now with the permission.
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    assert!(
        !app.is_disabled(&license).await,
        "License is still read-only"
    );
    app.quit().await;
}

/// Two windows (two app processes) on one file edit the same user: the later Save is refused
/// with who changed what and when, offers to reload, and overwrites nothing. Window two saves
/// the user first; window one's Save, of what it read before, is refused. On a server (the
/// server pass of `make test`) these are two admins' windows, and window two's change also
/// reaches window one by itself (a live refresh), which must not make its stale Save go through.
#[tokio::test]
async fn a_save_on_a_user_changed_in_another_window_is_refused_and_overwrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let first = start(&db).await;
    let name = first.unlicensed_user().await;
    let second = App::start(&db).await;
    second.sign_in("sam.okafor", "it-demo").await;
    second.search_users(&name).await;

    let mine = first.open_user_editor(&name).await;
    let theirs = second.open_user_editor(&name).await;
    for (app, editor, department) in [
        (&second, &theirs, "Typed in window two"),
        (&first, &mine, "Typed in window one"),
    ] {
        app.select_tab(editor, "Profile").await;
        let field = app.find_by_role_in(editor, "textbox", "Department").await;
        app.type_into(&field, department).await;
    }
    press_save(&second, &theirs).await;
    second
        .wait_for_message("status", &format!("Saved for {name}: Profile."))
        .await;

    press_save(&first, &mine).await;
    let refusal = first
        .wait_for_message("alert", &format!("{name} was changed since you opened it"))
        .await;
    assert!(
        refusal.contains("Sam Okafor changed the profile at"),
        "{refusal}"
    );
    let reload = first
        .find_by_role_in(&mine, "button", &format!("Reload {name}"))
        .await;
    first.click(&reload).await;
    first
        .wait_for_message("status", "your edits are still here")
        .await;
    let field = first.find_by_role_in(&mine, "textbox", "Department").await;
    assert_eq!(first.value(&field).await, "Typed in window one");
    let cancel = first.find_by_role_in(&mine, "button", "Cancel").await;
    first.click(&cancel).await;
    first
        .confirm_native_dialog(&format!("Discard changes to {name}?"))
        .await;
    first
        .wait_until_gone("dialog", &format!("Edit {name}"))
        .await;
    first.quit().await;

    // What window two saved is what is stored.
    second
        .wait_until_gone("dialog", &format!("Edit {name}"))
        .await;
    let theirs = second.open_user_editor(&name).await;
    second.select_tab(&theirs, "Profile").await;
    let field = second
        .find_by_role_in(&theirs, "textbox", "Department")
        .await;
    assert_eq!(second.value(&field).await, "Typed in window two");
    second.quit().await;
}

/// A role without billing.manage is told why instead of being offered the seat's cancellation.
#[tokio::test]
async fn without_billing_the_freed_seat_offer_says_why_and_who_may() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = App::start(&db).await;
    app.sign_in("sam.okafor", "it-demo").await;
    let (name, _) = app.licensed_user_with_recordings().await;
    app.open_page("Users").await;
    app.search_users(&name).await;
    let editor = app.open_user_editor(&name).await;
    let warning = app.start_removal(&editor).await;
    let go_on = app
        .find_by_role_in(&warning.region, "button", "Continue")
        .await;
    app.click(&go_on).await;
    app.wait_for_text("Pending change: remove").await;
    press_save(&app, &editor).await;
    app.confirm_native_dialog("Remove license?").await;
    app.wait_for_message("status", &format!("license removed from {name}."))
        .await;
    app.wait_for_text("Your role IT Admin does not include Manage billing.")
        .await;
    assert!(app
        .try_find_by_role("button", "Request cancellation of this seat")
        .await
        .is_none());
    app.quit().await;
}

#[tokio::test]
async fn quit_with_an_unsaved_profile_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = start(&db).await;
    let name = app.unlicensed_user().await;
    let editor = app.open_user_editor(&name).await;
    app.select_tab(&editor, "Profile").await;
    let department = app.find_by_role_in(&editor, "textbox", "Department").await;
    app.type_into(&department, "Typed, not saved").await;

    // Quit (Ctrl+Q) asks; Keep editing keeps the window and what was typed.
    let question = format!("Discard changes to {name}?");
    let title = app.window_title().await;
    assert!(app.try_native_window(&title).await.is_some(), "{title}");
    app.main_window_key("ctrl+q").await;
    app.native_keys(&question, &["Tab", "Return"]).await;
    app.wait_native_window_closed(&question).await;
    let department = app.find_by_role_in(&editor, "textbox", "Department").await;
    assert_eq!(app.value(&department).await, "Typed, not saved");

    // Asked again, Discard quits.
    app.main_window_key("ctrl+q").await;
    app.confirm_native_dialog(&question).await;
    app.wait_native_window_closed(&title).await;
    app.quit().await;
}

/// Without billing.manage, the change of type's "Also request cancellation of the old license"
/// gives way to the reason (which permission, who has it); Save changes the type and cancels
/// nothing.
#[tokio::test]
async fn without_billing_the_change_of_type_says_why_it_cannot_cancel_the_old_license() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = App::start(&db).await;
    app.sign_in("sam.okafor", "it-demo").await;
    let (name, row) = app.licensed_user_with_recordings().await;
    assert_ne!(row.cell("License"), MEETINGS_PLUS, "{name}");
    app.open_page("Users").await;
    app.search_users(&name).await;
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    let option = app
        .options(&license)
        .await
        .into_iter()
        .find(|o| o.starts_with(&format!("{MEETINGS_PLUS} (")))
        .expect("a Meetings Plus option");
    app.select_option(&license, &option).await;
    let warning = app.removal_warning(&editor).await;
    let go_on = app
        .find_by_role_in(&warning.region, "button", "Continue")
        .await;
    app.click(&go_on).await;
    app.wait_for_text(&format!("to {MEETINGS_PLUS}, another license type."))
        .await;
    app.wait_for_text("Your role IT Admin does not include Manage billing.")
        .await;
    assert!(app.try_find_by_role("checkbox", CANCEL_OLD).await.is_none());
    app.screen_shot_if_asked("change-type-without-billing")
        .await;

    press_save(&app, &editor).await;
    app.confirm_native_dialog("Change license type?").await;
    let done = app
        .wait_for_message("status", &format!("{name} changed from "))
        .await;
    assert!(
        done.contains(&format!("to {MEETINGS_PLUS}. ")) && !done.contains("Cancellation of the"),
        "no cancellation was asked for, yet the message reads {done:?}"
    );
    app.quit().await;
}

/// An admin far down the Users list edits a user there and saves: the list is where it was,
/// not back at its top (the save reads the list again).
#[tokio::test]
async fn a_save_far_down_the_list_keeps_the_list_where_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let app = start(&dir.path().join("org.sqlite")).await;
    app.open_page("Users").await;
    let (list, name) = app.users_list_at_its_end().await;
    let editor = app.open_user_editor(&name).await;
    let before = app.scroll_top(&list).await;
    assert!(
        before > 300.0,
        "opening the editor moved the list to {before} px"
    );

    app.select_tab(&editor, "Profile").await;
    let department = app.find_by_role_in(&editor, "textbox", "Department").await;
    app.type_into(&department, "Far down (e2e)").await;
    press_save(&app, &editor).await;
    app.wait_for_message("status", &format!("Saved for {name}: Profile."))
        .await;
    // A profile's save closes the editor.
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    // The list was read again meanwhile; its rows are still the ones around the user.
    app.find_by_role("button", &format!("Edit {name}")).await;
    assert_eq!(
        app.scroll_top(&list).await,
        before,
        "the list moved after the save"
    );
    app.quit().await;
}
