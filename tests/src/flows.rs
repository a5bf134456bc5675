//! LicenseDesk's own steps, in the words of its UI.

use std::time::Duration;

use fantoccini::elements::Element;
use serde_json::json;
use tokio::time::{sleep, Instant};

use crate::page::{Row, Table};
use crate::{App, START_TIMEOUT, TIMEOUT};

/// Columns of the Users table.
pub const USER_COLUMNS: [&str; 6] = [
    "Name",
    "Email",
    "Extension",
    "Phone number",
    "License",
    "Status",
];
/// Columns of the Licenses table.
pub const LICENSE_COLUMNS: [&str; 7] = [
    "Product",
    "Family",
    "Purchased",
    "Assigned",
    "Available",
    "Pending cancellation",
    "Monthly cost",
];

/// Columns of the Recordings table (its last, unnamed one holds the buttons).
pub const RECORDING_COLUMNS: [&str; 5] =
    ["Recorded", "User", "License now", "Other party", "Length"];

/// One product's row of the Licenses page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LicenseCounts {
    pub purchased: i64,
    pub assigned: i64,
    pub available: i64,
    pub pending_cancellation: i64,
}

impl App {
    /// Signs in on the sign-in screen (waiting for the first paint) and
    /// waits for the header to name the account.
    pub async fn sign_in(&self, account: &str, password: &str) {
        let field = self
            .find_by_role_within("textbox", "Account", START_TIMEOUT)
            .await;
        self.type_into(&field, account).await;
        let field = self.find_by_role("password", "Password").await;
        self.type_into(&field, password).await;
        self.click_role("button", "Sign in").await;
        self.wait_for_text(&format!("Signed in as {account} ("))
            .await;
    }

    /// Offboards `name` from their open editor as an admin does: Profile, "Offboard user",
    /// the warning's Continue, the native confirmation; waits until the editor closes.
    pub async fn offboard_in_editor(&self, editor: &Element, name: &str) {
        self.select_tab(editor, "Profile").await;
        let offboard = self
            .find_by_role_in(editor, "button", "Offboard user")
            .await;
        self.click(&offboard).await;
        self.wait_for_text("Warning: data loss").await;
        let go_on = self.find_by_role_in(editor, "button", "Continue").await;
        self.click(&go_on).await;
        self.confirm_native_dialog(&format!("Offboard {name}?"))
            .await;
        self.wait_for_message("status", &format!("{name} offboarded."))
            .await;
        self.wait_until_gone("dialog", &format!("Edit {name}"))
            .await;
    }

    /// Scrolls the Users list to its end; answers the list (to read its scroll position
    /// later) and the last user it draws there.
    pub async fn users_list_at_its_end(&self) -> (Element, String) {
        self.users_table().await;
        let list = self.find_any_by_role("table").await;
        let bottom = self.scroll_to(&list, 1e6).await;
        assert!(
            bottom > 300.0,
            "the Users list does not scroll ({bottom} px)"
        );
        let last = self
            .users_table()
            .await
            .rows
            .iter()
            .rev()
            .find_map(|r| r.buttons.iter().find_map(|b| b.strip_prefix("Edit ")))
            .expect("users at the list's end")
            .to_string();
        (list, last)
    }

    /// Goes to a page through the main navigation.
    pub async fn open_page(&self, name: &str) {
        let nav = self.find_any_by_role("navigation").await;
        let link = self.find_by_role_in(&nav, "button", name).await;
        self.click(&link).await;
    }

    /// The Licenses page's counts for `product`.
    pub async fn license_counts(&self, product: &str) -> LicenseCounts {
        self.open_page("Licenses").await;
        let table = self
            .wait_for_table(&LICENSE_COLUMNS, |t| {
                t.row_where("Product", product).is_some()
            })
            .await;
        let row = table.row_where("Product", product).expect("waited for it");
        let number = |column: &str| -> i64 {
            let text = row.cell(column);
            text.parse()
                .unwrap_or_else(|_| panic!("{product} {column} reads {text:?}, not a number"))
        };
        LicenseCounts {
            purchased: number("Purchased"),
            assigned: number("Assigned"),
            available: number("Available"),
            pending_cancellation: number("Pending cancellation"),
        }
    }

    /// The Users table once it has rows.
    pub async fn users_table(&self) -> Table {
        self.table(&USER_COLUMNS).await
    }

    /// Opens the Users page and returns the name ("First Last") of a user
    /// the table shows without a license.
    pub async fn unlicensed_user(&self) -> String {
        self.open_page("Users").await;
        let table = self
            .wait_for_table(&USER_COLUMNS, |t| {
                t.row_where("License", "No license").is_some()
            })
            .await;
        let row = table
            .row_where("License", "No license")
            .expect("waited for it");
        // The Name cell also shows department and site; the Edit button names the user alone.
        row.buttons
            .iter()
            .find_map(|b| b.strip_prefix("Edit "))
            .unwrap_or_else(|| panic!("no Edit button in {row:?}"))
            .to_string()
    }

    /// Types `term` into "Search users" and waits until the search applied:
    /// the table shows rows, each of them mentioning `term`.
    pub async fn search_users(&self, term: &str) -> Table {
        let search = self.find_by_role("searchbox", "Search users").await;
        self.type_into(&search, term).await;
        self.wait_for_table(&USER_COLUMNS, |t| {
            !t.rows.is_empty() && t.rows.iter().all(|r| r.mentions(term))
        })
        .await
    }

    /// Opens the editor of user `name` on "Services and Permissions" and
    /// returns the editor dialog.
    pub async fn open_user_editor(&self, name: &str) -> Element {
        self.click_role("button", &format!("Edit {name}")).await;
        let dialog = self.find_by_role("dialog", &format!("Edit {name}")).await;
        self.select_tab(&dialog, "Services and Permissions").await;
        dialog
    }

    /// Opens `name`'s editor, picks `product` (shown with its `available` seats) and presses
    /// Save; waits for the assignment's message. The editor stays open on the setup checklist.
    pub async fn assign_in_editor(&self, name: &str, product: &str, available: i64) -> Element {
        let editor = self.open_user_editor(name).await;
        let license = self.find_by_role_in(&editor, "combobox", "License").await;
        self.wait_enabled(&license).await;
        let option = format!("{product} ({available} available)");
        self.select_option(&license, &option).await;
        self.click_role("button", "Save").await;
        self.wait_for_message("status", &format!("{product} assigned to {name}."))
            .await;
        editor
    }

    /// Clicks the tab `name` in `scope` until it is selected: on a loaded
    /// machine a click has been seen to leave the tab unselected, with no error.
    pub async fn select_tab(&self, scope: &Element, name: &str) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let tab = self.find_by_role_in(scope, "tab", name).await;
            self.click(&tab).await;
            let wait = Instant::now() + Duration::from_secs(3);
            while Instant::now() < wait {
                if let Ok(Some(selected)) = tab.attr("aria-selected").await {
                    if selected == "true" {
                        return;
                    }
                }
                sleep(Duration::from_millis(150)).await;
            }
            assert!(
                Instant::now() < deadline,
                "tab {name:?} is not selected after clicks for {TIMEOUT:?}"
            );
            eprintln!("e2e: tab {name:?} not selected after a click; clicking it again");
        }
    }

    /// The texts of the visible elements with `role` inside `scope`.
    pub async fn texts_in(&self, scope: &Element, role: &str) -> Vec<String> {
        let scope = serde_json::to_value(scope).expect("an element serializes");
        let texts = self.try_js("texts", vec![json!(role), scope]).await;
        texts
            .ok()
            .and_then(|t| serde_json::from_value(t).ok())
            .unwrap_or_default()
    }

    /// Opens the Recordings page and returns its table once it has rows.
    /// The rows of the Recordings page that are `name`'s.
    pub async fn recordings_of(&self, name: &str) -> Vec<Row> {
        self.recordings_table()
            .await
            .rows
            .into_iter()
            .filter(|r| r.cell("User") == name)
            .collect()
    }

    /// Waits until `el` can be used again (e.g. once a native dialog is answered).
    pub async fn wait_enabled(&self, el: &Element) {
        let deadline = Instant::now() + TIMEOUT;
        while self.is_disabled(el).await {
            let name = self.accessible_name(el).await;
            assert!(Instant::now() < deadline, "{name:?} stays disabled");
            sleep(Duration::from_millis(150)).await;
        }
    }

    pub async fn recordings_table(&self) -> Table {
        self.open_page("Recordings").await;
        self.table(&RECORDING_COLUMNS).await
    }

    /// Searches the Users page for `name` ("First Last") and returns the
    /// rows that are that user (their button is "Edit <name>").
    pub async fn users_named(&self, name: &str) -> Vec<Row> {
        let found = self.search_users(name).await;
        let edit = format!("Edit {name}");
        found
            .rows
            .into_iter()
            .filter(|r| r.buttons.contains(&edit))
            .collect()
    }

    /// Searches the Users page for `name` and returns the one row of that
    /// user; fails if no user or several users have that name.
    pub async fn user_row(&self, name: &str) -> Row {
        let mut rows = self.users_named(name).await;
        assert_eq!(rows.len(), 1, "expected one user named {name}: {rows:#?}");
        rows.remove(0)
    }

    /// A user with data to lose and call recordings to keep: someone the
    /// Recordings page lists with a license, and whose name no other user
    /// has. Returns their name and their row of the Users page.
    pub async fn licensed_user_with_recordings(&self) -> (String, Row) {
        let recordings = self.recordings_table().await;
        let mut candidates: Vec<(String, String)> = vec![];
        for row in &recordings.rows {
            let (user, license) = (row.cell("User"), row.cell("License now"));
            if license != "License removed" && !candidates.iter().any(|(n, _)| n == user) {
                candidates.push((user.to_string(), license.to_string()));
            }
        }
        self.open_page("Users").await;
        for (name, license) in candidates.iter().take(10) {
            let rows = self.users_named(name).await;
            if let [row] = rows.as_slice() {
                if row.cell("License") == license {
                    return (name.clone(), row.clone());
                }
            }
            eprintln!("e2e: {name} is not one user licensed with {license}: {rows:?}");
        }
        panic!("no user with recordings and a license of their own among {candidates:?}");
    }

    /// Clicks "Remove license" in the user editor and returns the warning
    /// that shows what the removal would delete.
    pub async fn start_removal(&self, editor: &Element) -> RemovalWarning {
        let remove = self
            .find_by_role_in(editor, "button", "Remove license")
            .await;
        self.click(&remove).await;
        self.removal_warning(editor).await
    }

    /// The "Warning: data loss" section of the user editor, as shown now.
    pub async fn removal_warning(&self, editor: &Element) -> RemovalWarning {
        let region = self
            .find_by_role_in(editor, "region", "Warning: data loss")
            .await;
        let items = self.texts_in(&region, "listitem").await;
        let text = self.texts_in(editor, "region").await.join(" ");
        RemovalWarning {
            region,
            items,
            text,
        }
    }
}

/// The data-loss warning shown before a license removal.
#[derive(Debug, Clone)]
pub struct RemovalWarning {
    pub region: Element,
    /// The list of what is deleted, e.g. "17 call history entries".
    pub items: Vec<String>,
    /// All of the warning's text.
    pub text: String,
}

impl RemovalWarning {
    /// The number the warning states for `what`, e.g. 17 for "call history"
    /// in "17 call history entries" (the number right before `what`).
    pub fn count(&self, what: &str) -> i64 {
        number_before(&self.text, what)
            .unwrap_or_else(|| panic!("the warning states no number of {what:?}: {:?}", self.text))
    }
}

/// The number written right before the first `phrase` in `text`.
fn number_before(text: &str, phrase: &str) -> Option<i64> {
    let at = text.find(phrase)?;
    text[..at].split_whitespace().last()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::number_before;

    #[test]
    fn reads_the_number_before_a_phrase() {
        let text = "17 call history entries 1 call forwarding rule \
                    0 voicemails and 1 voicemail greeting, and the voicemail settings \
                    Kept: 5 call recordings stay";
        assert_eq!(number_before(text, "call history"), Some(17));
        assert_eq!(number_before(text, "call forwarding"), Some(1));
        assert_eq!(number_before(text, "voicemail"), Some(0));
        assert_eq!(number_before(text, "voicemail greeting"), Some(1));
        assert_eq!(number_before(text, "call recording"), Some(5));
        assert_eq!(number_before(text, "device activation"), None);
        assert_eq!(number_before(text, "voicemail settings"), None);
    }
}
