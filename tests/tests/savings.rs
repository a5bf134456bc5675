//! Acceptance test of the Savings page: reclaim a suspended user's seat through the guided
//! step and its native confirmation, then see the pending cancellation and the lower total
//! on Billing.

use licensedesk_e2e::App;

/// Columns of the Savings page's table (DESIGN §7 names the first four).
const SAVINGS_COLUMNS: [&str; 4] = ["User", "Reason", "License", "Monthly cost"];
/// Columns of the Billing page's "Orders and cancellations" table.
const HISTORY_COLUMNS: [&str; 5] = ["Date", "What", "Product", "Quantity", "Status"];

/// "$1,234.50" in cents.
fn cents(text: &str) -> i64 {
    let t = text
        .trim()
        .strip_prefix('$')
        .unwrap_or_else(|| panic!("{text:?} is not an amount"));
    let (whole, fraction) = t
        .split_once('.')
        .unwrap_or_else(|| panic!("{text:?} has no cents"));
    let whole: i64 = whole.replace(',', "").parse().expect("dollars");
    whole * 100 + fraction.parse::<i64>().expect("cents")
}

/// Cents as the app shows them: "$1,234.50".
fn dollars(cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("${grouped}.{:02}", cents % 100)
}

/// The amount right after `label` in the page's text (labels may be shown in capitals).
fn amount_after(text: &str, label: &str) -> Option<i64> {
    let (text, label) = (text.to_lowercase(), label.to_lowercase());
    text.match_indices(&label).find_map(|(at, _)| {
        let token = text[at + label.len()..].split_whitespace().next()?;
        token.starts_with('$').then(|| cents(token))
    })
}

/// The Billing page's "Monthly total" and "After pending cancellations" (None when nothing
/// is pending).
async fn billing_totals(app: &App) -> (i64, Option<i64>) {
    app.open_page("Billing").await;
    app.table(&HISTORY_COLUMNS).await;
    let text = app.page_text().await;
    let total = amount_after(&text, "Monthly total")
        .unwrap_or_else(|| panic!("the Billing page shows no Monthly total: {text}"));
    (total, amount_after(&text, "After pending cancellations"))
}

#[tokio::test]
async fn reclaiming_a_suspended_users_seat_shows_on_billing() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(dir.path().join("org.sqlite")).await;
    app.sign_in("dana.reyes", "super-demo").await;
    let (total, after_pending) = billing_totals(&app).await;
    assert_eq!(after_pending, None, "nothing pending in the demo yet");

    app.open_page("Savings").await;
    let table = app.table(&SAVINGS_COLUMNS).await;
    let row = table
        .rows
        .iter()
        .find(|r| r.cell("Reason").starts_with("Suspended") && r.cell("License") == "Voice Pro")
        .unwrap_or_else(|| panic!("no suspended Voice Pro user on Savings: {table:#?}"))
        .clone();
    let name = row.cell("User").to_string();
    let price = cents(row.cell("Monthly cost"));
    eprintln!("e2e: reclaiming {name}'s seat ({})", dollars(price));

    app.click_role("checkbox", &format!("Select {name}")).await;
    app.click_role("button", "Reclaim selected").await;
    let dialog = app.find_by_role("dialog", "Reclaim licenses").await;
    app.wait_for_text("Total saving per month").await;
    let choice = app
        .find_by_role_in(&dialog, "combobox", &format!("What to do for {name}"))
        .await;
    assert_eq!(app.options(&choice).await, ["Remove license"]);
    let reclaim = app
        .find_by_role_in(
            &dialog,
            "button",
            &format!("Reclaim {}/month", dollars(price)),
        )
        .await;
    app.click(&reclaim).await;
    app.confirm_native_dialog("Reclaim licenses?").await;
    let message = app.wait_for_message("status", "Reclaimed").await;
    assert!(
        message.contains(&format!("goes down by {}/month", dollars(price))),
        "{message}"
    );
    app.wait_until_gone("dialog", "Reclaim licenses").await;
    let table = app
        .wait_for_table(&SAVINGS_COLUMNS, |t| {
            !t.rows.iter().any(|r| r.cell("User") == name)
        })
        .await;
    assert!(!table.rows.is_empty());

    // Still billed today; lower once the cancellation takes effect.
    let (now, after) = billing_totals(&app).await;
    assert_eq!(now, total);
    assert_eq!(after, Some(total - price));
    let history = app
        .wait_for_table(&HISTORY_COLUMNS, |t| {
            t.rows
                .first()
                .is_some_and(|r| r.cell("What") == "Cancellation")
        })
        .await;
    let first = &history.rows[0];
    assert_eq!(first.cell("Product"), "Voice Pro");
    assert_eq!(first.cell("Quantity"), "1");
    assert!(first.cell("Status").starts_with("Pending"), "{first:?}");
    app.quit().await;
}
