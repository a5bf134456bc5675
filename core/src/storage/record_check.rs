//! Rules the rows of an organization must keep. The schema's own constraints keep them for
//! every change LicenseDesk makes, but a file edited by another program (constraints switched
//! off) can break them; the check names which rows break which rule instead of a page that
//! fails for no stated reason. It reads every seat and every reference (about 0.15 s at
//! 100,000 users), so the window asks for it once after sign-in, when the first page is
//! shown, rather than making the sign-in wait; History's "Verify integrity" names them too.

use rusqlite::Connection;

use crate::base::error::Result;

/// Timestamps LicenseDesk writes begin with a date (a range test: cheaper than GLOB).
const NOT_A_DATE: &str = "NOT BETWEEN '0000-00-00' AND '9999-99-99~'";

/// Each rule and the rows (as "table id") that break it.
fn rules() -> Vec<(&'static str, String)> {
    vec![
        (
            "an order's quantity must be more than 0 and its price not negative",
            "SELECT 'order ' || id FROM orders WHERE quantity <= 0 OR unit_price_cents < 0".into(),
        ),
        (
            "a cancellation request's quantity must be more than 0",
            "SELECT 'cancellation request ' || id FROM cancellation_requests WHERE quantity <= 0"
                .into(),
        ),
        (
            "a seat has a user and an assignment date exactly when it is assigned",
            "SELECT 'seat ' || id FROM seats
             WHERE (status = 'assigned') <> (user_id IS NOT NULL)
                OR (status = 'assigned') <> (assigned_at IS NOT NULL)"
                .into(),
        ),
        (
            "a seat's dates must be dates",
            format!(
                "SELECT 'seat ' || id FROM seats WHERE purchased_at {NOT_A_DATE}
                    OR assigned_at {NOT_A_DATE}"
            ),
        ),
        (
            "a safety archive's dates must be dates",
            format!(
                "SELECT 'safety archive ' || id FROM safety_archives
                 WHERE created_at {NOT_A_DATE} OR expires_at {NOT_A_DATE}"
            ),
        ),
        (
            "a row must refer only to rows that exist",
            "SELECT \"table\" || ' row ' || coalesce(rowid, '?') || ' (to ' || parent || ')'
             FROM pragma_foreign_key_check"
                .into(),
        ),
    ]
}

/// The most rows named per rule: enough to find them, not a page of ids.
const NAMED: usize = 5;

/// One sentence per rule the rows break, naming the rows; empty when every rule holds. Shown
/// after sign-in ([`crate::Org::file_problems`]) and by History's "Verify integrity"
/// ([`crate::Org::verify_audit_log`]).
pub(crate) fn problems(conn: &Connection) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for (rule, sql) in rules() {
        let mut stmt = conn.prepare(&sql)?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if rows.is_empty() {
            continue;
        }
        let more = rows.len().saturating_sub(NAMED);
        let mut named = rows.into_iter().take(NAMED).collect::<Vec<_>>().join(", ");
        if more > 0 {
            named.push_str(&format!(" and {more} more"));
        }
        found.push(format!(
            "This file breaks a rule LicenseDesk keeps ({rule}): {named}. It was changed \
             outside LicenseDesk; restore a backup taken before that change."
        ));
    }
    Ok(found)
}
