//! LicenseDesk's own steps, in the words of its UI (DESIGN.md §5).

use fantoccini::elements::Element;

use crate::page::Table;
use crate::{App, START_TIMEOUT};

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
        let tab = self
            .find_by_role_in(&dialog, "tab", "Services and Permissions")
            .await;
        self.click(&tab).await;
        dialog
    }
}
