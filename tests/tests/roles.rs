//! Acceptance tests of roles, account switching and the audit log: the same
//! person's lower account is pointed at the higher one and switches to it;
//! an Auditor reads, verifies and exports the audit log but changes nothing;
//! pages a role cannot see say why instead of showing an empty list;
//! repeated failed sign-ins are slowed down and recorded; a Super Admin adds
//! an account (weak passwords refused) that can then sign in with its role.

use std::path::Path;
use std::time::Duration;

use licensedesk_e2e::{App, Row, Table, START_TIMEOUT, TIMEOUT, USER_COLUMNS};
use tokio::time::{sleep, Instant};

const VOICE_PRO: &str = "Voice Pro";
const AUDIT_COLUMNS: [&str; 5] = ["When (UTC)", "Account", "Action", "User", "Details"];
const ACCOUNT_COLUMNS: [&str; 4] = ["Name", "Account", "Role", "Status"];
const AUDIT_CSV_HEADER: &str = "id,at,account,role,action,outcome,target,before,after,detail";
const DEMO_LOGINS: [&str; 6] = [
    "dana.reyes",
    "dana.support",
    "priya.nair",
    "max.weber",
    "sam.okafor",
    "lee.chen",
];
const WRONG_PASSWORD: &str = "The account or password is not correct.";

/// One row of the audit log as shown.
#[derive(Debug, Clone)]
struct Entry {
    login: String,
    role: String,
    /// As displayed, e.g. "License assign", without the "Refused" badge.
    action: String,
    refused: bool,
    user: String,
    details: String,
}

impl Entry {
    fn from_row(row: &Row) -> Entry {
        // The Account cell shows the login, then the role under it.
        let account = row.cell("Account");
        let (login, role) = account.split_once(' ').unwrap_or((account, ""));
        let action = row.cell("Action");
        let (action, refused) = match action.strip_suffix("Refused") {
            Some(a) => (a.trim(), true),
            None => (action, false),
        };
        Entry {
            login: login.to_string(),
            role: role.trim().to_string(),
            action: action.to_string(),
            refused,
            user: row.cell("User").to_string(),
            details: row.cell("Details").to_string(),
        }
    }
}

fn entries(table: &Table) -> Vec<Entry> {
    table.rows.iter().map(Entry::from_row).collect()
}

/// A part of the name to search by: the last name.
fn search_term(name: &str) -> &str {
    name.rsplit(' ').next().unwrap_or(name)
}

/// The user a row of the Users table is (its Edit button names them).
fn user_name(row: &Row) -> String {
    row.buttons
        .iter()
        .find_map(|b| b.strip_prefix("Edit "))
        .unwrap_or_else(|| panic!("no Edit button in {row:?}"))
        .to_string()
}

/// The number written right before `phrase` in `text`.
fn number_before(text: &str, phrase: &str) -> Option<i64> {
    let at = text.find(phrase)?;
    text[..at].split_whitespace().last()?.parse().ok()
}

async fn start_as(db: &Path, login: &str, password: &str, role: &str) -> App {
    let app = App::start(db).await;
    app.sign_in(login, password).await;
    app.wait_for_text(&format!("Signed in as {login} ({role})"))
        .await;
    app
}

/// Signs out with "Sign out" (or "Switch account") and waits for the
/// sign-in screen with the message that says so.
async fn sign_out(app: &App, button: &str, message: &str) {
    app.click_role("button", button).await;
    app.wait_for_message("status", message).await;
    app.find_by_role("button", "Sign in").await;
    let page = app.page_text().await;
    assert!(
        !page.contains("Signed in as"),
        "still signed in after {button:?}: {page}"
    );
}

/// Signs in with a password that is refused (or a sign-in that is refused
/// for another reason) and returns the alert that says why.
async fn refused_sign_in(app: &App, login: &str, password: &str) -> String {
    let account = app
        .find_by_role_within("textbox", "Account", START_TIMEOUT)
        .await;
    app.type_into(&account, login).await;
    let field = app.find_by_role("password", "Password").await;
    app.type_into(&field, password).await;
    app.click_role("button", "Sign in").await;
    // A refusal empties the password field, and says why in the alert.
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let page = app.page_text().await;
        assert!(
            !page.contains("Signed in as"),
            "{login} signed in with {password:?}: {page}"
        );
        if let Some(field) = app.try_find_by_role("password", "Password").await {
            let alert = app.texts_of_role("alert").await.join(" ");
            if app.value(&field).await.is_empty() && !alert.trim().is_empty() {
                return alert;
            }
        }
        assert!(
            Instant::now() < deadline,
            "signing in as {login} was neither refused nor accepted after {TIMEOUT:?}: {page}"
        );
        sleep(Duration::from_millis(150)).await;
    }
}

/// Signs in as `login` while it is slowed down; returns the seconds to wait.
async fn throttled(app: &App, login: &str, password: &str) -> i64 {
    let alert = refused_sign_in(app, login, password).await;
    assert!(
        alert.starts_with(&format!(
            "Too many failed sign-ins for {login}. Try again in "
        )),
        "signing in as {login} reads {alert:?}"
    );
    number_before(&alert, "seconds")
        .unwrap_or_else(|| panic!("{alert:?} says no number of seconds"))
}

/// Applies the audit log's filters (empty ones match everything) and returns
/// the rows once every row shown is `expected`, with the total the page states.
async fn filter_audit(
    app: &App,
    account: &str,
    action: &str,
    user: &str,
    expected: impl Fn(&Entry) -> bool,
) -> (Vec<Entry>, i64) {
    for (field, value) in [("Account", account), ("Action", action), ("User", user)] {
        let el = app.find_by_role("textbox", field).await;
        app.type_into(&el, value).await;
    }
    app.click_role("button", "Filter").await;
    let table = app
        .wait_for_table(&AUDIT_COLUMNS, |t| {
            !t.rows.is_empty() && entries(t).iter().all(&expected)
        })
        .await;
    let shown = entries(&table);
    let total = audit_total(app).await;
    if total <= 50 {
        assert_eq!(
            total,
            shown.len() as i64,
            "the page states {total} entries but shows {shown:#?}"
        );
    }
    (shown, total)
}

/// The number of entries the Audit log page states ("<n> entries, …", "1 entry, …").
async fn audit_total(app: &App) -> i64 {
    let phrase = "append-only and hash-chained";
    app.wait_for_text(phrase).await;
    let page = app.page_text().await;
    number_before(&page, &format!("entries, {phrase}"))
        .or_else(|| number_before(&page, &format!("entry, {phrase}")))
        .unwrap_or_else(|| panic!("no count before {phrase:?}: {page}"))
}

/// Saves to `path` through the native save dialog `title`. The chooser has
/// been seen to drop the keys typed right as it shows (it then saved under
/// its proposed name): give it a moment first.
async fn save_through_dialog(app: &App, title: &str, path: &Path) {
    app.native_window(title).await;
    sleep(Duration::from_secs(1)).await;
    app.answer_save_dialog(title, path).await;
}

/// Waits until the page shows the locked message `reason` under heading
/// `page`, with no table and no empty list in its place.
async fn expect_locked(app: &App, page: &str, reason: &str) -> String {
    app.open_page(page).await;
    app.find_by_role("heading", page).await;
    app.wait_for_text(reason).await;
    let tables = app.names_of_role("table").await;
    assert!(tables.is_empty(), "{page} shows tables {tables:?}");
    let text = app.page_text().await;
    for empty in ["No audit entries", "No users", "0 entries"] {
        assert!(!text.contains(empty), "{page} reads {empty:?}: {text}");
    }
    text
}

#[tokio::test]
async fn lower_account_points_to_the_other_and_switching_lets_it_assign() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(
        &dir.path().join("org.sqlite"),
        "dana.support",
        "support-demo",
        "Helpdesk",
    )
    .await;

    // As Helpdesk, License is read-only and names the other account.
    let name = app.unlicensed_user().await;
    eprintln!("e2e: {name} gets {VOICE_PRO} after the switch");
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    assert!(
        app.is_disabled(&license).await,
        "dana.support (Helpdesk) can change License"
    );
    let why = app.description(&license).await;
    assert!(
        why.contains(
            "Your role Helpdesk does not include Assign and change licenses. \
             Your other account dana.reyes (Super Admin) has it: use Switch account."
        ),
        "License is described as {why:?}"
    );
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;

    // A licensed user's "Remove license" is read-only too, and says why.
    let table = app.users_table().await;
    let licensed = table
        .rows
        .iter()
        .find(|r| r.cell("License") != "No license")
        .map(user_name)
        .unwrap_or_else(|| panic!("no licensed user in {table:#?}"));
    let editor = app.open_user_editor(&licensed).await;
    let remove = app
        .find_by_role_in(&editor, "button", "Remove license")
        .await;
    assert!(
        app.is_disabled(&remove).await,
        "dana.support (Helpdesk) can remove {licensed}'s license"
    );
    let why = app.description(&remove).await;
    assert!(
        why.contains(
            "Your role Helpdesk does not include Remove licenses. \
             Your other account dana.reyes (Super Admin) has it"
        ),
        "Remove license is described as {why:?}"
    );
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {licensed}"))
        .await;

    // The audit log is locked for this account, and points to the other one.
    expect_locked(
        &app,
        "Audit log",
        "Your role Helpdesk does not include View the audit log. \
         Your other account dana.reyes (Super Admin) has it: use Switch account.",
    )
    .await;

    // Switch account: the sign-in screen offers every account of this computer.
    sign_out(
        &app,
        "Switch account",
        "Signed out of dana.support. Sign in with the account you want to use.",
    )
    .await;
    let offered: Vec<String> = app
        .names_of_role("button")
        .await
        .into_iter()
        .filter_map(|n| n.strip_prefix("Use account ").map(str::to_string))
        .collect();
    for login in DEMO_LOGINS {
        assert!(
            offered.iter().any(|o| o == login),
            "{login} not offered: {offered:?}"
        );
    }
    app.click_role("button", "Use account dana.reyes").await;
    let account = app.find_by_role("textbox", "Account").await;
    assert_eq!(app.value(&account).await, "dana.reyes");
    // The password field has the focus: typing goes there.
    let focused = app
        .client()
        .active_element()
        .await
        .expect("the focused element");
    assert_eq!(
        app.accessible_name(&focused).await,
        "Password",
        "choosing an account does not focus Password"
    );
    app.send_keys(&focused, "super-demo").await;
    app.press_enter(&focused).await;
    app.wait_for_text("Signed in as dana.reyes (Super Admin)")
        .await;

    // Now the license can be assigned.
    let before = app.license_counts(VOICE_PRO).await;
    app.open_page("Users").await;
    app.search_users(search_term(&name)).await;
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    assert!(!app.is_disabled(&license).await, "License stays read-only");
    let why = app.description(&license).await;
    assert!(
        !why.contains("does not include"),
        "License is still described as locked: {why:?}"
    );
    let option = format!("{VOICE_PRO} ({} available)", before.available);
    app.select_option(&license, &option).await;
    app.click_role("button", "Save").await;
    app.wait_for_message("status", &format!("{VOICE_PRO} assigned to {name}."))
        .await;
    // The editor stays open on the setup checklist; closing it is the admin's choice.
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let edit = format!("Edit {name}");
    app.wait_for_table(&USER_COLUMNS, |t| {
        t.row_with_button(&edit)
            .is_some_and(|r| r.cell("License") == VOICE_PRO)
    })
    .await;
    let after = app.license_counts(VOICE_PRO).await;
    assert_eq!(
        after.assigned,
        before.assigned + 1,
        "{before:?} -> {after:?}"
    );
    assert_eq!(
        after.available,
        before.available - 1,
        "{before:?} -> {after:?}"
    );

    // The audit log names the account that assigned it, not the person's other one.
    app.open_page("Audit log").await;
    let (assigns, _) = filter_audit(&app, "", "license.assign", "", |e| {
        e.action == "License assign"
    })
    .await;
    let newest = &assigns[0];
    assert_eq!(newest.login, "dana.reyes", "{newest:?}");
    assert_eq!(newest.role, "Super Admin", "{newest:?}");
    assert_eq!(newest.user, name, "{newest:?}");
    assert!(!newest.refused, "{newest:?}");
    assert!(
        newest.details.contains(VOICE_PRO),
        "details read {:?}",
        newest.details
    );
    assert!(
        assigns.iter().all(|e| e.login != "dana.support"),
        "dana.support assigned a license: {assigns:#?}"
    );

    // Filtered by the user, the assignment is the newest entry about them.
    let (about, _) = filter_audit(&app, "", "", &name, |e| e.user.contains(&name)).await;
    assert_eq!(about[0].action, "License assign", "{about:#?}");
    assert_eq!(about[0].login, "dana.reyes", "{about:#?}");

    // dana.support only signed in: nothing it did changed anything.
    let (support, _) =
        filter_audit(&app, "dana.support", "", "", |e| e.login == "dana.support").await;
    assert!(
        support
            .iter()
            .all(|e| e.action == "Account sign in" && e.role == "Helpdesk" && !e.refused),
        "dana.support's entries: {support:#?}"
    );
    app.quit().await;
}

#[tokio::test]
async fn auditor_verifies_and_exports_the_log_but_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(
        &dir.path().join("org.sqlite"),
        "max.weber",
        "auditor-demo",
        "Auditor",
    )
    .await;

    // The newest entry is this sign-in.
    app.open_page("Audit log").await;
    app.find_by_role("heading", "Audit log").await;
    let table = app.table(&AUDIT_COLUMNS).await;
    let newest = Entry::from_row(&table.rows[0]);
    assert_eq!(
        (
            newest.login.as_str(),
            newest.role.as_str(),
            newest.action.as_str()
        ),
        ("max.weber", "Auditor", "Account sign in"),
        "{newest:?}"
    );
    assert!(!newest.refused, "{newest:?}");
    let total = audit_total(&app).await;
    assert!(total >= 2, "only {total} entries");
    app.click_role("button", "Verify integrity").await;
    app.wait_for_message(
        "status",
        &format!(
            "All {total} entries are intact: each one matches its hash and links to the one before."
        ),
    )
    .await;

    // Export what the filter shows: only max.weber's entries.
    let (mine, shown_total) =
        filter_audit(&app, "max.weber", "", "", |e| e.login == "max.weber").await;
    assert!(shown_total < total, "the filter kept all {total} entries");
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("audit log.csv");
    app.click_role("button", "Export CSV").await;
    save_through_dialog(&app, "Export audit log", &path).await;
    app.wait_for_message(
        "status",
        &format!(
            "{shown_total} audit {} exported to {}.",
            if shown_total == 1 { "entry" } else { "entries" },
            path.display()
        ),
    )
    .await;
    let csv = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} not written: {e}", path.display()));
    let lines: Vec<&str> = csv.lines().collect();
    // The last line records the end of the whole log, for "Verify integrity" to check later.
    let (chain_head, lines) = lines.split_last().unwrap();
    assert!(
        chain_head.starts_with("# audit chain head: last_id="),
        "{csv}"
    );
    assert_eq!(lines.first().copied(), Some(AUDIT_CSV_HEADER), "{csv}");
    assert_eq!(lines.len() as i64, 1 + shown_total, "{csv}");
    assert_eq!(mine.len() as i64, shown_total);
    for line in &lines[1..] {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(
            (fields.get(2), fields.get(3), fields.get(4)),
            (
                Some(&"max.weber"),
                Some(&"Auditor"),
                Some(&"account.sign_in")
            ),
            "{line}"
        );
    }

    // Users: License is read-only for an Auditor, who is told whom to ask.
    app.open_page("Users").await;
    let table = app.users_table().await;
    let name = user_name(&table.rows[0]);
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    assert!(
        app.is_disabled(&license).await,
        "an Auditor can change License"
    );
    let why = app.description(&license).await;
    assert!(
        why.contains("Your role Auditor does not include Assign and change licenses.")
            && why.contains("Dana Reyes (Super Admin)"),
        "License is described as {why:?}"
    );
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;

    // Admin accounts is locked.
    expect_locked(
        &app,
        "Admin accounts",
        "Your role Auditor does not include Manage admin accounts.",
    )
    .await;
    assert!(app
        .try_find_by_role("button", "Add account")
        .await
        .is_none());

    // Reading and verifying changed nothing; the export itself is recorded, by the Auditor.
    app.open_page("Audit log").await;
    app.click_role("button", "Clear").await;
    app.wait_for_table(&AUDIT_COLUMNS, |t| {
        t.rows
            .iter()
            .any(|r| Entry::from_row(r).login != "max.weber")
    })
    .await;
    assert_eq!(audit_total(&app).await, total + 1);
    let newest = Entry::from_row(&app.table(&AUDIT_COLUMNS).await.rows[0]);
    assert_eq!(
        (newest.login.as_str(), newest.action.as_str()),
        ("max.weber", "Audit export"),
        "{newest:?}"
    );
    app.quit().await;
}

#[tokio::test]
async fn helpdesk_sees_why_pages_are_locked_not_empty_lists() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(
        &dir.path().join("org.sqlite"),
        "priya.nair",
        "helpdesk-demo",
        "Helpdesk",
    )
    .await;
    // What the role may see, it sees.
    let users = app.users_table().await;
    assert!(users.rows.len() > 1, "{users:#?}");

    let audit = expect_locked(
        &app,
        "Audit log",
        "Your role Helpdesk does not include View the audit log.",
    )
    .await;
    assert!(
        audit.contains("Max Weber (Auditor)"),
        "no one to ask is named: {audit}"
    );
    for button in ["Verify integrity", "Export CSV", "Filter"] {
        assert!(
            app.try_find_by_role("button", button).await.is_none(),
            "{button} is offered on a locked Audit log"
        );
    }

    let billing = expect_locked(
        &app,
        "Billing",
        "Your role Helpdesk does not include View billing.",
    )
    .await;
    assert!(
        billing.contains("Lee Chen (Billing Admin)"),
        "no one to ask is named: {billing}"
    );
    assert!(
        !billing.contains('$'),
        "a locked Billing page shows amounts: {billing}"
    );

    expect_locked(
        &app,
        "Admin accounts",
        "Your role Helpdesk does not include Manage admin accounts.",
    )
    .await;
    app.quit().await;
}

#[tokio::test]
async fn failed_sign_ins_are_slowed_down_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("org.sqlite");
    let app = App::start(&db).await;

    for attempt in 1..=3 {
        let alert = refused_sign_in(&app, "sam.okafor", &format!("wrong-{attempt}")).await;
        assert_eq!(alert, WRONG_PASSWORD, "attempt {attempt}");
    }
    // Right away, even the right password waits.
    let first_wait = throttled(&app, "sam.okafor", "it-demo").await;
    assert!((1..=5).contains(&first_wait), "waits {first_wait} s");
    // Other accounts are not slowed down by sam.okafor's failures.
    let alert = refused_sign_in(&app, "lee.chen", "wrong").await;
    assert_eq!(alert, WRONG_PASSWORD);

    // After the wait, another wrong password is checked, and the next wait is longer.
    sleep(Duration::from_secs(first_wait as u64 + 1)).await;
    let alert = refused_sign_in(&app, "sam.okafor", "wrong-4").await;
    assert_eq!(alert, WRONG_PASSWORD, "attempt 4");
    let second_wait = throttled(&app, "sam.okafor", "it-demo").await;
    assert!(
        (6..=10).contains(&second_wait),
        "waits {second_wait} s after waiting {first_wait} s"
    );

    // Once the wait is over, the right password signs in.
    sleep(Duration::from_secs(second_wait as u64 + 1)).await;
    app.sign_in("sam.okafor", "it-demo").await;
    app.wait_for_text("Signed in as sam.okafor (IT Admin)")
        .await;
    sign_out(&app, "Sign out", "You are signed out.").await;

    app.sign_in("dana.reyes", "super-demo").await;
    app.open_page("Audit log").await;
    let (log, total) = filter_audit(&app, "sam.okafor", "", "", |e| e.login == "sam.okafor").await;
    assert_eq!(total, 7, "{log:#?}");
    for e in &log {
        assert_eq!(
            (e.action.as_str(), e.role.as_str()),
            ("Account sign in", "IT Admin"),
            "{e:?}"
        );
    }
    // Newest first: the sign-in, then throttled attempts and wrong passwords.
    let outcomes: Vec<&str> = log
        .iter()
        .map(|e| match (e.refused, e.details.as_str()) {
            (false, "") => "ok",
            (true, "") => "wrong",
            (true, "throttled") => "throttled",
            _ => panic!("unexpected entry {e:?}"),
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            "ok",
            "throttled",
            "wrong",
            "throttled",
            "wrong",
            "wrong",
            "wrong"
        ],
        "{log:#?}"
    );
    let (lee, _) = filter_audit(&app, "lee.chen", "", "", |e| e.login == "lee.chen").await;
    assert!(
        lee.len() == 1 && lee[0].refused && lee[0].details.is_empty(),
        "{lee:#?}"
    );
    app.quit().await;
}

#[tokio::test]
async fn super_admin_adds_an_account_that_signs_in_with_its_role() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(
        &dir.path().join("org.sqlite"),
        "dana.reyes",
        "super-demo",
        "Super Admin",
    )
    .await;
    app.open_page("Admin accounts").await;
    let accounts = app
        .wait_for_table(&ACCOUNT_COLUMNS, |t| t.rows.len() >= DEMO_LOGINS.len())
        .await;
    assert!(accounts.row_where("Account", "robin.park").is_none());
    let count = accounts.rows.len();

    app.click_role("button", "Add account").await;
    let form = app.find_by_role("dialog", "Add account").await;
    let login = app.find_by_role_in(&form, "textbox", "Account").await;
    app.type_into(&login, "robin.park").await;
    let name = app.find_by_role_in(&form, "textbox", "Name").await;
    app.type_into(&name, "Robin Park").await;
    let role = app.find_by_role_in(&form, "combobox", "Role").await;
    app.select_option(&role, "Helpdesk").await;
    let password = app.find_by_role_in(&form, "password", "Password").await;
    let save = app.find_by_role_in(&form, "button", "Save").await;

    // Weak passwords are refused, with the reason next to the field.
    for (weak, reason) in [
        ("short", "Use at least 10 characters."),
        ("onlyletterspassword", "Mix letters with digits or symbols."),
    ] {
        app.type_into(&password, weak).await;
        app.click(&save).await;
        let alert = app
            .wait_for_message("alert", &format!("Password: {reason}"))
            .await;
        let why = app.description(&password).await;
        assert!(
            why.contains(reason),
            "Password is described as {why:?}; alert {alert:?}"
        );
        app.find_by_role("dialog", "Add account").await;
        let table = app.table(&ACCOUNT_COLUMNS).await;
        assert_eq!(
            table.rows.len(),
            count,
            "{weak:?} created an account: {table:#?}"
        );
    }

    app.type_into(&password, "Good-Pass-2026").await;
    app.click(&save).await;
    app.wait_for_message(
        "status",
        "Account robin.park created with the role Helpdesk.",
    )
    .await;
    app.wait_until_gone("dialog", "Add account").await;
    let table = app
        .wait_for_table(&ACCOUNT_COLUMNS, |t| {
            t.row_where("Account", "robin.park").is_some()
        })
        .await;
    let row = table
        .row_where("Account", "robin.park")
        .expect("waited for it");
    assert_eq!(
        (row.cell("Name"), row.cell("Role"), row.cell("Status")),
        ("Robin Park", "Helpdesk", "Active"),
        "{row:?}"
    );
    assert_eq!(table.rows.len(), count + 1);

    // One creation in the audit log, by dana.reyes.
    app.open_page("Audit log").await;
    let (created, _) = filter_audit(&app, "", "account.create", "", |e| {
        e.action == "Account create"
    })
    .await;
    assert_eq!(created.len(), 1, "{created:#?}");
    assert_eq!(created[0].login, "dana.reyes");
    assert_eq!(created[0].user, "Robin Park (robin.park)");
    assert!(created[0].details.contains("Helpdesk"), "{:?}", created[0]);

    // The new account signs in from the picker, with its role.
    sign_out(&app, "Sign out", "You are signed out.").await;
    app.click_role("button", "Use account robin.park").await;
    let field = app.find_by_role("password", "Password").await;
    app.type_into(&field, "Good-Pass-2026").await;
    app.click_role("button", "Sign in").await;
    app.wait_for_text("Signed in as robin.park (Helpdesk)")
        .await;
    expect_locked(
        &app,
        "Admin accounts",
        "Your role Helpdesk does not include Manage admin accounts.",
    )
    .await;
    app.quit().await;
}
