//! Acceptance tests of licenses and billing: buy seats and assign one, request
//! a partial cancellation and withdraw it, be refused bad quantities and
//! back out of the native confirmation, see why a role without billing
//! rights cannot buy, buy from the user editor after a no-seat refusal, and
//! export the billing history as CSV.

use std::path::Path;
use std::time::Duration;

use licensedesk_e2e::{App, Element, Key, LicenseCounts, Row, Table, LICENSE_COLUMNS};
use tokio::time::{sleep, Instant};

const CONTACT_CENTER: &str = "Contact Center Agent";
const VOICE_PRO: &str = "Voice Pro";
/// Monthly prices of the demo's products, in cents.
const CONTACT_CENTER_PRICE: i64 = 9500;
const VOICE_PRO_PRICE: i64 = 3200;

/// Columns of the Billing page's "Monthly total by product" table.
const SUMMARY_COLUMNS: [&str; 5] = [
    "Product",
    "Billed licenses",
    "Unassigned",
    "Price",
    "Per month",
];
/// Columns of the Billing page's "Orders and cancellations" table.
const HISTORY_COLUMNS: [&str; 7] = [
    "Date",
    "What",
    "Product",
    "Quantity",
    "Monthly change",
    "By",
    "Status",
];
/// Columns of the Licenses page's "Pending cancellations" table.
const PENDING_COLUMNS: [&str; 5] = [
    "Product",
    "Quantity",
    "Requested by",
    "Effective on",
    "Saving per month",
];
const CSV_HEADER: &str = "date,kind,product,quantity,monthly_change,by,effective_on,status";

const POLL: Duration = Duration::from_millis(150);
const PATIENCE: Duration = Duration::from_secs(15);

/// Starts the app on a fresh demo database in `dir` and signs in.
async fn start_as(dir: &Path, account: &str, password: &str) -> App {
    let app = App::start(dir.join("org.sqlite")).await;
    app.sign_in(account, password).await;
    app
}

/// "$1,234.50" (or "-$32.00", "−$32.00") in cents.
fn cents(text: &str) -> i64 {
    let t = text.trim();
    let (sign, t) = match t.strip_prefix('-').or_else(|| t.strip_prefix('−')) {
        Some(rest) => (-1, rest),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let t = t
        .strip_prefix('$')
        .unwrap_or_else(|| panic!("{text:?} is not an amount"));
    let (whole, fraction) = t
        .split_once('.')
        .unwrap_or_else(|| panic!("{text:?} has no cents"));
    let whole: i64 = whole
        .replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("{text:?} is not an amount"));
    assert_eq!(fraction.len(), 2, "{text:?} does not show two decimals");
    let fraction: i64 = fraction
        .parse()
        .unwrap_or_else(|_| panic!("{text:?} is not an amount"));
    sign * (whole * 100 + fraction)
}

/// Cents as the app shows them: "$1,234.50", "-$32.00".
fn dollars(cents: i64) -> String {
    let abs = cents.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}${grouped}.{:02}", abs % 100)
}

/// The amount written right after `label` in `text` (e.g. "Monthly total
/// $1,234.00"), ignoring case (the page shows some labels in capitals);
/// occurrences followed by something else are skipped.
fn amount_after(text: &str, label: &str) -> Option<i64> {
    let (text, label) = (text.to_lowercase(), label.to_lowercase());
    text.match_indices(&label).find_map(|(at, _)| {
        let token = text[at + label.len()..].split_whitespace().next()?;
        token
            .trim_start_matches(['-', '−'])
            .starts_with('$')
            .then(|| cents(token))
    })
}

/// The text written right after `label` in `text`, up to `end`.
fn text_between<'a>(text: &'a str, label: &str, end: &str) -> Option<&'a str> {
    let start = text.find(label)? + label.len();
    let len = text[start..].find(end)?;
    Some(&text[start..start + len])
}

/// The counts of a Licenses page row.
fn counts_of(row: &Row) -> Option<LicenseCounts> {
    let number = |column: &str| row.cell(column).parse::<i64>().ok();
    Some(LicenseCounts {
        purchased: number("Purchased")?,
        assigned: number("Assigned")?,
        available: number("Available")?,
        pending_cancellation: number("Pending cancellation")?,
    })
}

/// Goes to the Licenses page and waits until `product` shows `expected`
/// (the page reloads its counts after a change; fails if they never match).
async fn expect_counts(app: &App, product: &str, expected: LicenseCounts) -> Table {
    app.open_page("Licenses").await;
    let deadline = Instant::now() + PATIENCE;
    loop {
        let table = app
            .wait_for_table(&LICENSE_COLUMNS, |t| {
                t.row_where("Product", product).is_some()
            })
            .await;
        let shown = table.row_where("Product", product).and_then(counts_of);
        if shown == Some(expected) {
            return table;
        }
        assert!(
            Instant::now() < deadline,
            "{product}: expected {expected:?}, the Licenses page shows {shown:?}"
        );
        sleep(POLL).await;
    }
}

/// The Licenses page's "N licenses, $X per month", in cents.
async fn licenses_page_total(app: &App) -> i64 {
    app.open_page("Licenses").await;
    app.table(&LICENSE_COLUMNS).await;
    let text = app.page_text().await;
    let amount = text_between(&text, " licenses, ", " per month")
        .unwrap_or_else(|| panic!("the Licenses page states no monthly total: {text}"));
    cents(amount)
}

/// What the Billing page's stats say.
#[derive(Debug, Clone, PartialEq, Eq)]
struct BillingStats {
    monthly_total: i64,
    /// "After pending cancellations", shown only while some are pending.
    after_pending: Option<i64>,
    next_billing_date: String,
}

async fn billing_stats(app: &App) -> BillingStats {
    app.open_page("Billing").await;
    // Stats and this table come with the same answer.
    app.table(&SUMMARY_COLUMNS).await;
    let text = app.page_text().await;
    let monthly_total = amount_after(&text, "Monthly total")
        .unwrap_or_else(|| panic!("the Billing page shows no Monthly total: {text}"));
    let next_billing_date = text
        .to_lowercase()
        .split_once("next billing date ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the Billing page shows no Next billing date: {text}"))
        .to_string();
    BillingStats {
        monthly_total,
        after_pending: amount_after(&text, "After pending cancellations"),
        next_billing_date,
    }
}

/// The Billing page's history table, once `ready` holds for it.
async fn history(app: &App, ready: impl Fn(&Table) -> bool) -> Table {
    app.open_page("Billing").await;
    app.wait_for_table(&HISTORY_COLUMNS, ready).await
}

/// Clicks `opener` (e.g. "Purchase licenses") and returns the form dialog
/// named `title`.
async fn open_seat_form(app: &App, opener: &str, title: &str) -> Element {
    app.click_role("button", opener).await;
    app.find_by_role("dialog", title).await
}

/// The cancellation form's option for `product` with `unassigned` seats.
/// It reads "Voice Pro (2 unassigned)"; a UI build that also shows the
/// price, "Voice Pro ($32.00/month, 2 unassigned)", is accepted too.
async fn cancel_option(app: &App, form: &Element, product: &str, unassigned: i64) -> String {
    let select = app.find_by_role_in(form, "combobox", "Product").await;
    let (start, end) = (format!("{product} ("), format!("{unassigned} unassigned)"));
    let options = app.options(&select).await;
    options
        .iter()
        .find(|o| o.starts_with(&start) && o.ends_with(&end))
        .unwrap_or_else(|| panic!("no option for {unassigned} unassigned {product}: {options:?}"))
        .clone()
}

/// Picks `product` (an option's text) and types `quantity` in a seat form.
async fn fill_seat_form(app: &App, form: &Element, product: &str, quantity: &str) {
    let select = app.find_by_role_in(form, "combobox", "Product").await;
    app.select_option(&select, product).await;
    let field = app.find_by_role_in(form, "spinbutton", "Quantity").await;
    app.type_into(&field, quantity).await;
}

/// The non-empty alert texts inside `scope`.
async fn alerts_in(app: &App, scope: &Element) -> Vec<String> {
    let texts = app.texts_in(scope, "alert").await;
    texts.into_iter().filter(|t| !t.is_empty()).collect()
}

/// Waits until the form takes its quantity: no alert, submit enabled.
async fn expect_quantity_accepted(app: &App, form: &Element, submit: &str) {
    let button = app.find_by_role_in(form, "button", submit).await;
    let deadline = Instant::now() + PATIENCE;
    loop {
        let alerts = alerts_in(app, form).await;
        if alerts.is_empty() && !app.is_disabled(&button).await {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the form does not take the quantity; alerts: {alerts:?}"
        );
        sleep(POLL).await;
    }
}

/// How a seat form refused a quantity.
struct Refusal {
    typed: String,
    /// The expected reason (one of those allowed) that the alert gave.
    reason: String,
    /// The form's alert.
    alert: String,
    /// The error shown next to the field (its description).
    next_to_field: String,
}

impl Refusal {
    /// Whether the alert names the field once and the field shows the reason.
    fn reads_well(&self) -> bool {
        self.alert == format!("Quantity: {}", self.reason) && self.next_to_field == self.reason
    }

    fn describe(&self) -> String {
        format!(
            "typed {:?}: alert {:?}, next to the field {:?}",
            self.typed, self.alert, self.next_to_field
        )
    }
}

/// Waits until the form refuses its quantity with an alert starting with
/// "Quantity: " and giving one of `reasons`, with that reason also next to
/// the field and `submit` disabled.
async fn expect_quantity_refused(
    app: &App,
    form: &Element,
    submit: &str,
    typed: &str,
    reasons: &[&str],
) -> Refusal {
    let deadline = Instant::now() + PATIENCE;
    let (alert, reason) = loop {
        let alerts = alerts_in(app, form).await;
        let found = alerts.iter().find_map(|a| {
            let reason = reasons.iter().find(|r| a.contains(*r))?;
            a.starts_with("Quantity: ")
                .then(|| (a.clone(), reason.to_string()))
        });
        if let Some(found) = found {
            break found;
        }
        assert!(
            Instant::now() < deadline,
            "{typed:?}: no alert \"Quantity: ...\" saying one of {reasons:?}; alerts: {alerts:?}"
        );
        sleep(POLL).await;
    };
    let field = app.find_by_role_in(form, "spinbutton", "Quantity").await;
    let next_to_field = app.description(&field).await;
    assert!(
        next_to_field.contains(&reason),
        "{typed:?}: the alert says {alert:?} but next to Quantity stands {next_to_field:?}"
    );
    let button = app.find_by_role_in(form, "button", submit).await;
    assert!(
        app.is_disabled(&button).await,
        "{submit:?} stays enabled with {alert:?}"
    );
    Refusal {
        typed: typed.to_string(),
        reason,
        alert,
        next_to_field,
    }
}

/// Waits until the Licenses page shows no "Pending cancellations" table.
async fn expect_no_pending_table(app: &App) {
    app.open_page("Licenses").await;
    app.table(&LICENSE_COLUMNS).await;
    app.wait_until_gone("table", "Pending cancellations").await;
}

#[tokio::test]
async fn purchased_licenses_can_be_assigned() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(dir.path(), "dana.reyes", "super-demo").await;

    let total = billing_stats(&app).await.monthly_total;
    let before = app.license_counts(CONTACT_CENTER).await;
    assert_eq!(
        before.available, 0,
        "the demo has no {CONTACT_CENTER} seat left"
    );
    assert_eq!(licenses_page_total(&app).await, total);
    eprintln!(
        "e2e: {CONTACT_CENTER} before: {before:?}; monthly total {}",
        dollars(total)
    );

    let form = open_seat_form(&app, "Purchase licenses", "Purchase licenses").await;
    fill_seat_form(
        &app,
        &form,
        &format!("{CONTACT_CENTER} ($95.00/month)"),
        "2",
    )
    .await;
    let after_total = total + 2 * CONTACT_CENTER_PRICE;
    app.wait_for_text(&format!(
        "Monthly total now {} After the purchase {} (+$190.00/month)",
        dollars(total),
        dollars(after_total)
    ))
    .await;
    let purchase = app.find_by_role_in(&form, "button", "Purchase").await;
    app.click(&purchase).await;
    app.confirm_native_dialog("Purchase licenses?").await;
    app.wait_for_message(
        "status",
        &format!(
            "Purchased 2 {CONTACT_CENTER} licenses. Your monthly total is now {}.",
            dollars(after_total)
        ),
    )
    .await;
    app.wait_until_gone("dialog", "Purchase licenses").await;

    let bought = LicenseCounts {
        purchased: before.purchased + 2,
        available: 2,
        ..before
    };
    expect_counts(&app, CONTACT_CENTER, bought).await;
    assert_eq!(licenses_page_total(&app).await, after_total);
    let stats = billing_stats(&app).await;
    assert_eq!(stats.monthly_total, after_total, "{stats:?}");
    assert_eq!(stats.after_pending, None, "{stats:?}");
    let orders = history(&app, |t| t.row_where("Product", CONTACT_CENTER).is_some()).await;
    let order = &orders.rows[0];
    assert_eq!(
        order.cell("Product"),
        CONTACT_CENTER,
        "newest first: {orders:#?}"
    );
    assert_eq!(order.cell("What"), "Purchase");
    assert_eq!(order.cell("Quantity"), "2");
    assert_eq!(order.cell("Monthly change"), "+$190.00");
    assert_eq!(order.cell("By"), "Dana Reyes");
    assert_eq!(order.cell("Status"), "Done");

    // One of the new seats goes to someone.
    let name = app.unlicensed_user().await;
    eprintln!("e2e: assigning {CONTACT_CENTER} to {name}");
    app.assign_in_editor(&name, CONTACT_CENTER, 2).await;
    // The editor stays open on the setup checklist; closing it is the admin's choice.
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let edit = format!("Edit {name}");
    app.wait_for_table(&licensedesk_e2e::USER_COLUMNS, |t| {
        t.row_with_button(&edit)
            .is_some_and(|r| r.cell("License") == CONTACT_CENTER)
    })
    .await;

    let assigned = LicenseCounts {
        assigned: before.assigned + 1,
        available: 1,
        ..bought
    };
    expect_counts(&app, CONTACT_CENTER, assigned).await;
    // Assigning a seat already paid for does not change the bill.
    assert_eq!(billing_stats(&app).await.monthly_total, after_total);
    app.quit().await;
}

#[tokio::test]
async fn cancellation_lowers_the_future_total_until_withdrawn() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(dir.path(), "lee.chen", "billing-demo").await;
    app.wait_for_text("Signed in as lee.chen (Billing Admin)")
        .await;

    let stats = billing_stats(&app).await;
    assert_eq!(stats.after_pending, None, "nothing pending yet: {stats:?}");
    let before = app.license_counts(VOICE_PRO).await;
    assert!(
        before.available >= 1,
        "no unassigned {VOICE_PRO}: {before:?}"
    );
    eprintln!(
        "e2e: {VOICE_PRO} before: {before:?}; monthly total {}",
        dollars(stats.monthly_total)
    );

    let form = open_seat_form(&app, "Request cancellation", "Request cancellation").await;
    let option = cancel_option(&app, &form, VOICE_PRO, before.available).await;
    fill_seat_form(&app, &form, &option, "1").await;
    let lowered = stats.monthly_total - VOICE_PRO_PRICE;
    app.wait_for_text(&format!(
        "Monthly total now {}",
        dollars(stats.monthly_total)
    ))
    .await;
    app.wait_for_text(&format!("{} (−$32.00/month)", dollars(lowered)))
        .await;
    let submit = app
        .find_by_role_in(&form, "button", "Request cancellation")
        .await;
    app.click(&submit).await;
    app.confirm_native_dialog("Request cancellation?").await;
    let message = app
        .wait_for_message(
            "status",
            &format!("Cancellation of 1 {VOICE_PRO} license requested."),
        )
        .await;
    let effective_on = text_between(&message, "They stay billed until ", ";")
        .unwrap_or_else(|| panic!("the message names no date: {message:?}"))
        .to_string();
    assert!(
        message.ends_with(&format!(
            "from then your monthly total is {}.",
            dollars(lowered)
        )),
        "message reads {message:?}"
    );
    app.wait_until_gone("dialog", "Request cancellation").await;

    let pending = LicenseCounts {
        available: before.available - 1,
        pending_cancellation: before.pending_cancellation + 1,
        ..before
    };
    expect_counts(&app, VOICE_PRO, pending).await;
    let requests = app.table(&PENDING_COLUMNS).await;
    assert_eq!(requests.rows.len(), 1, "{requests:#?}");
    let request = &requests.rows[0];
    assert_eq!(request.cell("Product"), VOICE_PRO);
    assert_eq!(request.cell("Quantity"), "1");
    assert_eq!(request.cell("Requested by"), "Lee Chen");
    assert_eq!(request.cell("Effective on"), effective_on);
    assert_eq!(request.cell("Saving per month"), "$32.00");
    assert_eq!(request.buttons, ["Withdraw"]);

    // Still billed today; lower once the cancellation takes effect.
    let during = billing_stats(&app).await;
    assert_eq!(during.monthly_total, stats.monthly_total, "{during:?}");
    assert_eq!(during.after_pending, Some(lowered), "{during:?}");
    let events = history(&app, |t| {
        t.rows
            .first()
            .is_some_and(|r| r.cell("What") == "Cancellation")
    })
    .await;
    let event = &events.rows[0];
    assert_eq!(event.cell("Product"), VOICE_PRO);
    assert_eq!(event.cell("Quantity"), "1");
    assert_eq!(event.cell("Monthly change"), "-$32.00");
    assert_eq!(event.cell("By"), "Lee Chen");
    assert_eq!(
        event.cell("Status"),
        format!("Pending, effective {effective_on}")
    );
    assert_eq!(event.buttons, ["Withdraw"], "{event:?}");

    // Withdrawn from its row in the order history (the Licenses page has the same button).
    app.click_role("button", "Withdraw").await;
    let message = app.wait_for_message("status", "withdrawn").await;
    assert_eq!(
        message,
        format!("Cancellation of 1 {VOICE_PRO} license withdrawn. It is available again.")
    );
    expect_no_pending_table(&app).await;
    expect_counts(&app, VOICE_PRO, before).await;

    let after = billing_stats(&app).await;
    assert_eq!(after, stats, "billing is back to what it was");
    let events = history(&app, |t| {
        t.rows
            .first()
            .is_some_and(|r| r.cell("Status") == "Withdrawn")
    })
    .await;
    assert_eq!(events.rows[0].cell("What"), "Cancellation");
    assert_eq!(events.rows[0].cell("Product"), VOICE_PRO);
    app.quit().await;
}

#[tokio::test]
async fn bad_quantities_and_a_cancelled_confirmation_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(dir.path(), "dana.reyes", "super-demo").await;

    let before = app.license_counts(VOICE_PRO).await;
    let total = licenses_page_total(&app).await;

    let form = open_seat_form(&app, "Purchase licenses", "Purchase licenses").await;
    fill_seat_form(&app, &form, &format!("{VOICE_PRO} ($32.00/month)"), "1").await;
    expect_quantity_accepted(&app, &form, "Purchase").await;
    let field = app.find_by_role_in(&form, "spinbutton", "Quantity").await;
    let mut refusals = vec![];
    for (typed, reason) in [
        ("0", "Enter at least 1 license."),
        ("-1", "Enter at least 1 license."),
        ("5000", "At most 1000 licenses at a time."),
    ] {
        app.type_into(&field, typed).await;
        let refusal = expect_quantity_refused(&app, &form, "Purchase", typed, &[reason]).await;
        eprintln!("e2e: {}", refusal.describe());
        refusals.push(refusal);
        let page = app.page_text().await;
        assert!(
            !page.contains("Monthly total now"),
            "a cost preview is shown for {typed:?}: {page}"
        );
        app.type_into(&field, "1").await;
        expect_quantity_accepted(&app, &form, "Purchase").await;
    }
    // Letters: WebKit's number field may keep them (not a whole number)
    // or drop them (empty); either way it is no quantity.
    app.send_keys(&field, &(Key::Control + "a")).await;
    app.send_keys(&field, &Key::Backspace.to_string()).await;
    app.send_keys(&field, "abc").await;
    let held = app.value(&field).await;
    let refusal = expect_quantity_refused(
        &app,
        &form,
        "Purchase",
        "abc",
        &[
            "\"abc\" is not a whole number. Enter a number of licenses such as 2.",
            "Enter how many licenses.",
        ],
    )
    .await;
    eprintln!(
        "e2e: \"abc\" leaves {held:?} in Quantity; {}",
        refusal.describe()
    );
    refusals.push(refusal);

    // Back out of the native confirmation: the form stays, nothing is bought.
    app.type_into(&field, "1").await;
    expect_quantity_accepted(&app, &form, "Purchase").await;
    let purchase = app.find_by_role_in(&form, "button", "Purchase").await;
    app.click(&purchase).await;
    app.cancel_native_dialog("Purchase licenses?").await;
    let form = app.find_by_role("dialog", "Purchase licenses").await;
    expect_quantity_accepted(&app, &form, "Purchase").await;
    let field = app.find_by_role_in(&form, "spinbutton", "Quantity").await;
    assert_eq!(app.value(&field).await, "1", "the form lost its quantity");
    let statuses = app.texts_of_role("status").await;
    assert!(
        !statuses.iter().any(|s| s.contains("Purchased")),
        "a purchase is reported: {statuses:?}"
    );
    let cancel = app.find_by_role_in(&form, "button", "Cancel").await;
    app.click(&cancel).await;
    app.wait_until_gone("dialog", "Purchase licenses").await;

    // A cancellation of more seats than are unassigned is refused too.
    let form = open_seat_form(&app, "Request cancellation", "Request cancellation").await;
    let option = cancel_option(&app, &form, VOICE_PRO, before.available).await;
    let too_many = (before.available + 1).to_string();
    fill_seat_form(&app, &form, &option, &too_many).await;
    let reason = format!(
        "Only {} {VOICE_PRO} licenses are unassigned; assigned licenses cannot be cancelled.",
        before.available
    );
    let refusal =
        expect_quantity_refused(&app, &form, "Request cancellation", &too_many, &[&reason]).await;
    eprintln!("e2e: {}", refusal.describe());
    refusals.push(refusal);
    let cancel = app.find_by_role_in(&form, "button", "Cancel").await;
    app.click(&cancel).await;
    app.wait_until_gone("dialog", "Request cancellation").await;

    assert_eq!(app.license_counts(VOICE_PRO).await, before);
    assert_eq!(licenses_page_total(&app).await, total);
    let orders = history(&app, |t| !t.rows.is_empty()).await;
    assert!(
        orders.rows.iter().all(|r| r.cell("By") == "Initial setup"),
        "the history shows a change: {orders:#?}"
    );
    app.quit().await;

    // Checked last, so that the steps above are checked whatever the wording.
    let garbled: Vec<String> = refusals
        .iter()
        .filter(|r| !r.reads_well())
        .map(Refusal::describe)
        .collect();
    assert!(
        garbled.is_empty(),
        "a refused quantity should read \"Quantity: <reason>\" in the alert and \"<reason>\" \
         next to the field; shown instead: {garbled:#?}"
    );
}

#[tokio::test]
async fn it_admin_sees_why_licenses_cannot_be_bought() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(dir.path(), "sam.okafor", "it-demo").await;
    app.wait_for_text("Signed in as sam.okafor (IT Admin)")
        .await;
    let before = app.license_counts(CONTACT_CENTER).await;

    let reason = "Your role IT Admin does not include Manage billing.";
    for name in ["Purchase licenses", "Request cancellation"] {
        let button = app.find_by_role("button", name).await;
        assert!(app.is_disabled(&button).await, "{name:?} is enabled");
        let why = app.description(&button).await;
        assert!(why.contains(reason), "{name:?} is described as {why:?}");
    }
    // A click on the disabled button opens nothing.
    let button = app.find_by_role("button", "Purchase licenses").await;
    button.click().await.expect("click Purchase licenses");
    sleep(Duration::from_secs(1)).await;
    assert!(
        app.try_find_by_role("dialog", "Purchase licenses")
            .await
            .is_none(),
        "the purchase form opened for an IT Admin"
    );

    app.open_page("Billing").await;
    app.wait_for_text("Your role IT Admin does not include View billing.")
        .await;

    // Refused a seat that does not exist, the editor offers no purchase.
    let name = app.unlicensed_user().await;
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    app.select_option(&license, &format!("{CONTACT_CENTER} (0 available)"))
        .await;
    let save = app.find_by_role_in(&editor, "button", "Save").await;
    app.click(&save).await;
    app.wait_for_message(
        "alert",
        &format!("No {CONTACT_CENTER} licenses are available. A new license must be purchased."),
    )
    .await;
    app.wait_for_text(reason).await;
    assert!(
        app.try_find_by_role("button", "Purchase licenses")
            .await
            .is_none(),
        "the editor offers a purchase to an IT Admin"
    );
    // The chosen license is an unsaved edit: Cancel asks before dropping it.
    let cancel = app.find_by_role_in(&editor, "button", "Cancel").await;
    app.click(&cancel).await;
    app.confirm_native_dialog(&format!("Discard changes to {name}?"))
        .await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    assert_eq!(app.license_counts(CONTACT_CENTER).await, before);
    app.quit().await;
}

#[tokio::test]
async fn editor_offers_a_purchase_when_no_seat_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(dir.path(), "dana.reyes", "super-demo").await;

    let total = billing_stats(&app).await.monthly_total;
    let before = app.license_counts(CONTACT_CENTER).await;
    assert_eq!(before.available, 0, "{before:?}");

    let name = app.unlicensed_user().await;
    eprintln!("e2e: buying a {CONTACT_CENTER} seat from the editor of {name}");
    let editor = app.open_user_editor(&name).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    app.select_option(&license, &format!("{CONTACT_CENTER} (0 available)"))
        .await;
    let save = app.find_by_role_in(&editor, "button", "Save").await;
    app.click(&save).await;
    app.wait_for_message(
        "alert",
        &format!("No {CONTACT_CENTER} licenses are available. A new license must be purchased."),
    )
    .await;
    let offer = app
        .find_by_role_in(&editor, "button", "Purchase licenses")
        .await;
    app.click(&offer).await;

    let form = app.find_by_role("dialog", "Purchase licenses").await;
    let product = app.find_by_role_in(&form, "combobox", "Product").await;
    assert_eq!(
        app.selected_option(&product).await,
        format!("{CONTACT_CENTER} ($95.00/month)"),
        "the form does not start on the product chosen in the editor"
    );
    let field = app.find_by_role_in(&form, "spinbutton", "Quantity").await;
    app.type_into(&field, "1").await;
    let purchase = app.find_by_role_in(&form, "button", "Purchase").await;
    app.click(&purchase).await;
    app.confirm_native_dialog("Purchase licenses?").await;
    let after_total = total + CONTACT_CENTER_PRICE;
    app.wait_for_message(
        "status",
        &format!(
            "Purchased 1 {CONTACT_CENTER} license. Your monthly total is now {}. Press Save to assign one.",
            dollars(after_total)
        ),
    )
    .await;
    app.wait_until_gone("dialog", "Purchase licenses").await;
    // The editor is still open on the same choice, now with a free seat.
    let editor = app.find_by_role("dialog", &format!("Edit {name}")).await;
    let license = app.find_by_role_in(&editor, "combobox", "License").await;
    let wanted = format!("{CONTACT_CENTER} (1 available)");
    let deadline = Instant::now() + PATIENCE;
    loop {
        let shown = app.selected_option(&license).await;
        if shown == wanted {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "License shows {shown:?}, not {wanted:?}"
        );
        sleep(POLL).await;
    }

    let save = app.find_by_role_in(&editor, "button", "Save").await;
    app.click(&save).await;
    app.wait_for_message("status", &format!("{CONTACT_CENTER} assigned to {name}."))
        .await;
    // The editor stays open on the setup checklist; closing it is the admin's choice.
    app.click_role("button", "Cancel").await;
    app.wait_until_gone("dialog", &format!("Edit {name}")).await;
    let after = LicenseCounts {
        purchased: before.purchased + 1,
        assigned: before.assigned + 1,
        ..before
    };
    expect_counts(&app, CONTACT_CENTER, after).await;
    assert_eq!(billing_stats(&app).await.monthly_total, after_total);
    app.quit().await;
}

/// The bill by the holders' department and by site: each table adds up to the monthly total,
/// the unassigned seats are a row of their own, the banner dates the cancellation that stops
/// paying for them, and the CSV holds both tables.
#[tokio::test]
async fn cost_by_department_and_site_adds_up_to_the_bill_and_exports() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(dir.path(), "lee.chen", "billing-demo").await;
    let stats = billing_stats(&app).await;
    let mut rows = 0;
    for column in ["Department", "Site"] {
        let table = app
            .table(&[column, "Licensed users", "Licenses", "Monthly cost"])
            .await;
        let sum: i64 = table
            .rows
            .iter()
            .map(|r| cents(r.cell("Monthly cost")))
            .sum();
        assert_eq!(sum, stats.monthly_total, "{column}: {table:#?}");
        let unassigned = table
            .row_where(column, "Unassigned licenses")
            .unwrap_or_else(|| panic!("no unassigned row by {column}: {table:#?}"));
        assert_eq!(unassigned.cell("Licensed users"), "0");
        rows += table.rows.len();
    }
    let text = app.page_text().await;
    let banner = text_between(&text, "Cancel by ", ".")
        .unwrap_or_else(|| panic!("no cancellation deadline on the page: {text}"));
    assert!(banner.contains("to stop paying for"), "{banner}");
    app.screenshot_if_asked("billing-banner").await;
    app.table(&["Billing day", "Monthly cost", "Change"]).await;

    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("costs.csv");
    let costs = app
        .find_by_role("region", "Cost by department and site")
        .await;
    let export = app.find_by_role_in(&costs, "button", "Export CSV").await;
    app.click(&export).await;
    app.answer_save_dialog("Export cost by department and site", &path)
        .await;
    app.wait_for_message(
        "status",
        &format!(
            "Cost by department and site exported to {}.",
            path.display()
        ),
    )
    .await;
    let csv = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} not written: {e}", path.display()));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("by,name,licensed_users,licenses,monthly_cost"),
        "{csv}"
    );
    assert_eq!(
        lines.len(),
        1 + rows,
        "one line per row of both tables: {csv}"
    );
}

#[tokio::test]
async fn billing_history_exports_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let app = start_as(dir.path(), "lee.chen", "billing-demo").await;

    // Something of today's to find in the file: a cancellation requested
    // from the Billing page's own button.
    let stats = billing_stats(&app).await;
    app.click_role("button", "Cancel unassigned licenses").await;
    let form = app.find_by_role("dialog", "Request cancellation").await;
    let unassigned = app
        .table(&SUMMARY_COLUMNS)
        .await
        .row_where("Product", VOICE_PRO)
        .map(|r| r.cell("Unassigned").parse::<i64>().expect("a number"))
        .unwrap_or_else(|| panic!("no {VOICE_PRO} on the Billing page"));
    let option = cancel_option(&app, &form, VOICE_PRO, unassigned).await;
    fill_seat_form(&app, &form, &option, "1").await;
    let submit = app
        .find_by_role_in(&form, "button", "Request cancellation")
        .await;
    app.click(&submit).await;
    app.confirm_native_dialog("Request cancellation?").await;
    let message = app
        .wait_for_message(
            "status",
            &format!("Cancellation of 1 {VOICE_PRO} license requested."),
        )
        .await;
    let effective_on = text_between(&message, "They stay billed until ", ";")
        .unwrap_or_else(|| panic!("the message names no date: {message:?}"))
        .to_string();
    let events = app
        .wait_for_table(&HISTORY_COLUMNS, |t| {
            t.rows
                .first()
                .is_some_and(|r| r.cell("What") == "Cancellation")
        })
        .await;
    let stats_now = billing_stats(&app).await;
    assert_eq!(
        stats_now.after_pending,
        Some(stats.monthly_total - VOICE_PRO_PRICE),
        "{stats_now:?}"
    );

    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("billing history.csv");
    // The cost breakdown above has an "Export CSV" of its own.
    let orders = app.find_by_role("region", "Orders and cancellations").await;
    let export = app.find_by_role_in(&orders, "button", "Export CSV").await;
    app.click(&export).await;
    app.answer_save_dialog("Export billing history", &path)
        .await;
    app.wait_for_message(
        "status",
        &format!("Billing history exported to {}.", path.display()),
    )
    .await;

    let csv = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} not written: {e}", path.display()));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.first().copied(), Some(CSV_HEADER), "{csv}");
    assert_eq!(
        lines.len(),
        1 + events.rows.len(),
        "one line per history row: {csv}"
    );
    let newest = lines[1];
    // The negative amount starts with "-": written as text ('-$32.00) so that a spreadsheet
    // never reads a cell as a formula.
    assert!(
        newest.contains(&format!(
            "cancellation,{VOICE_PRO},1,'-$32.00,Lee Chen,{effective_on},pending"
        )),
        "the newest line reads {newest:?}"
    );
    app.quit().await;
}

#[test]
fn amounts_read_and_write_as_shown() {
    assert_eq!(cents("$1,234.50"), 123_450);
    assert_eq!(cents("-$32.00"), -3200);
    assert_eq!(cents("−$32.00"), -3200);
    assert_eq!(cents("+$190.00"), 19_000);
    assert_eq!(dollars(123_450), "$1,234.50");
    assert_eq!(dollars(1_234_567_800), "$12,345,678.00");
    assert_eq!(dollars(-3200), "-$32.00");
    assert_eq!(dollars(95), "$0.95");
    let text = "Monthly total now $9.00 Monthly total $1,000.00 Next billing date 2026-12-01";
    assert_eq!(amount_after(text, "Monthly total"), Some(100_000));
    assert_eq!(amount_after(text, "After pending cancellations"), None);
}
