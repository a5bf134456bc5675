//! The local billing ledger: purchases add seats; a partial cancellation takes unassigned
//! seats out of the pool at once and out of the bill on its effective date (the notice
//! period, then the next billing day). Every total is counted from the seat rows.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::kernel::action::Action;
use crate::kernel::audit::{self, AuditActor, AuditEntry};
use crate::kernel::org::{Actor, Org};
use crate::storage::engine::Sql;
use crate::storage::settings;
use crate::storage::tables::{cancellation_requests, orders, products, seat_tallies, seats};

pub mod cost_breakdown;

/// The most seats one order or cancellation may move: a typo guard, not a business limit.
pub const MAX_QUANTITY: i64 = 1_000;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SeatChange {
    #[ts(type = "number")]
    pub product_id: i64,
    /// As typed: validated here so that "", "abc", "-1" and "1e9" get a specific message.
    pub quantity: String,
}

/// What a purchase or cancellation would do to the monthly bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CostPreview {
    pub product_name: String,
    #[ts(type = "number")]
    pub quantity: i64,
    #[ts(type = "number")]
    pub unit_price_cents: i64,
    #[ts(type = "number")]
    pub current_total_cents: i64,
    #[ts(type = "number")]
    pub new_total_cents: i64,
    /// When the new total applies: today for a purchase, the effective date for a cancellation.
    pub effective_on: String,
    /// The organization's currency (ISO 4217), in which every amount above is.
    pub currency: String,
}

impl CostPreview {
    fn money(&self, cents: i64) -> String {
        crate::base::money::format_money(cents, &self.currency)
    }

    fn noun(&self) -> &'static str {
        if self.quantity == 1 {
            "license"
        } else {
            "licenses"
        }
    }

    /// The question the native confirmation of a purchase asks.
    pub fn purchase_question(&self) -> String {
        format!(
            "Buy {} {} {} at {}/month each?\n\nYour monthly total goes from {} to {} from today.",
            self.quantity,
            self.product_name,
            self.noun(),
            self.money(self.unit_price_cents),
            self.money(self.current_total_cents),
            self.money(self.new_total_cents),
        )
    }

    /// The question the native confirmation of a cancellation request asks.
    pub fn cancellation_question(&self) -> String {
        let one = self.quantity == 1;
        format!(
            "Cancel {} unassigned {} {}?\n\nFrom now on {} cannot be assigned. {} billed until {}; from then your monthly total goes from {} to {} (saving {}/month). You can withdraw the request until then.",
            self.quantity,
            self.product_name,
            self.noun(),
            if one { "it" } else { "they" },
            if one { "It stays" } else { "They stay" },
            self.effective_on,
            self.money(self.current_total_cents),
            self.money(self.new_total_cents),
            self.money(self.current_total_cents - self.new_total_cents),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CancellationStatus {
    Pending,
    Withdrawn,
    Effective,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BillingEvent {
    Order {
        #[ts(type = "number")]
        id: i64,
        at: String,
        product_name: String,
        #[ts(type = "number")]
        quantity: i64,
        #[ts(type = "number")]
        monthly_change_cents: i64,
        by: Option<String>,
    },
    Cancellation {
        #[ts(type = "number")]
        id: i64,
        at: String,
        product_name: String,
        #[ts(type = "number")]
        quantity: i64,
        #[ts(type = "number")]
        monthly_change_cents: i64,
        by: Option<String>,
        effective_on: String,
        status: CancellationStatus,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BillingLine {
    #[ts(type = "number")]
    pub product_id: i64,
    pub product_name: String,
    /// Seats on the bill: assigned, available and pending cancellation.
    #[ts(type = "number")]
    pub billed_seats: i64,
    #[ts(type = "number")]
    pub unassigned_seats: i64,
    #[ts(type = "number")]
    pub unit_price_cents: i64,
    #[ts(type = "number")]
    pub monthly_cents: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BillingSummary {
    pub currency: String,
    pub lines: Vec<BillingLine>,
    #[ts(type = "number")]
    pub monthly_total_cents: i64,
    pub next_billing_date: String,
    #[ts(type = "number")]
    pub unassigned_seats: i64,
    #[ts(type = "number")]
    pub unassigned_monthly_cents: i64,
    /// The total once every pending cancellation has taken effect.
    #[ts(type = "number")]
    pub total_after_pending_cents: i64,
    pub billing_day: u32,
    #[ts(type = "number")]
    pub notice_period_days: i64,
}

pub(crate) fn parse_quantity(text: &str) -> Result<i64> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid(Field::Quantity, "Enter how many licenses."));
    }
    let n: i64 = t.parse().map_err(|_| {
        Error::invalid(
            Field::Quantity,
            format!("\"{t}\" is not a whole number. Enter a number of licenses such as 2."),
        )
    })?;
    if n < 1 {
        return Err(Error::invalid(Field::Quantity, "Enter at least 1 license."));
    }
    if n > MAX_QUANTITY {
        return Err(Error::invalid(
            Field::Quantity,
            format!("At most {MAX_QUANTITY} licenses at a time."),
        ));
    }
    Ok(n)
}

fn product<'a>(conn: impl Into<Sql<'a>>, product_id: i64) -> Result<(String, i64)> {
    products::name_and_price(conn, product_id)?.ok_or(Error::NotFound {
        what: "Product",
        id: product_id,
    })
}

/// Seats that are billed now: assigned, available, or pending cancellation.
fn monthly_total<'a>(conn: impl Into<Sql<'a>>) -> Result<i64> {
    seats::monthly_total_cents(conn)
}

fn available_seats<'a>(conn: impl Into<Sql<'a>>, product_id: i64) -> Result<i64> {
    seat_tallies::available(conn, product_id)
}

/// The next billing day on or after `date` (billing days are 1 to 28, so every month has one).
pub fn next_billing_day(date: NaiveDate, billing_day: u32) -> NaiveDate {
    let this_month = date.with_day(billing_day).expect("billing day 1..=28");
    if this_month >= date {
        return this_month;
    }
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, billing_day).expect("billing day 1..=28")
}

/// A cancellation requested `today` takes effect after the notice period, on the next billing day.
pub fn cancellation_effective_on(
    today: NaiveDate,
    notice_days: i64,
    billing_day: u32,
) -> NaiveDate {
    next_billing_day(today + Duration::days(notice_days), billing_day)
}

struct Terms {
    billing_day: u32,
    notice_days: i64,
}

fn terms<'a>(conn: impl Into<Sql<'a>>) -> Result<Terms> {
    let conn = conn.into();
    Ok(Terms {
        billing_day: settings::integer(conn, "billing_day", 1)?.clamp(1, 28) as u32,
        notice_days: settings::integer(conn, "notice_period_days", 30)?.max(0),
    })
}

impl Org {
    pub(crate) fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    /// Cancellations whose effective date has come stop being billed. Runs when the
    /// organization opens and before billing is read or changed.
    pub(crate) fn settle_due_cancellations(&mut self) -> Result<()> {
        let today = self.today().to_string();
        let now = self.now();
        // Mostly nothing is due: a read, so that billing pages do not take the write lock
        // (on a server, every change wakes the other windows).
        if self
            .engine
            .read(|db| cancellation_requests::due(db, &today))?
            .is_empty()
        {
            return Ok(());
        }
        // A write transaction from the start (immediate on a file): a deferred read that turns
        // into a write fails when another window committed in between.
        self.engine.write(|db| {
            for (id, product_name) in cancellation_requests::due(db, &today)? {
                let seats = seats::cancel_pending_of_request(db, id)?;
                cancellation_requests::close(db, id, "effective", &now)?;
                let detail = format!("{seats} {product_name} licenses no longer billed");
                let mut entry = AuditEntry::new("billing.cancellation_effective");
                entry.after = Some(json!({ "request_id": id, "seats": seats }));
                entry.detail = Some(&detail);
                audit::append(db, &now, &AuditActor::SYSTEM, &entry)?;
            }
            Ok(())
        })
    }

    pub fn purchase_preview(&mut self, actor: Actor, req: &SeatChange) -> Result<CostPreview> {
        self.settle_due_cancellations()?;
        let today = self.today();
        self.read_sql(actor, Permission::BillingView, |db| {
            purchase_plan(db, today, req)
        })
    }

    /// Adds seats, in one transaction with the order and its audit entry.
    pub fn purchase_licenses(&mut self, actor: Actor, req: &SeatChange) -> Result<CostPreview> {
        self.settle_due_cancellations()?;
        let today = self.today();
        self.change_sql(actor, Action::BillingPurchase, |tx, ctx| {
            purchase_in(tx, ctx, today, req)
        })
    }

    pub fn cancellation_preview(&mut self, actor: Actor, req: &SeatChange) -> Result<CostPreview> {
        self.settle_due_cancellations()?;
        let today = self.today();
        self.read_sql(actor, Permission::BillingView, |db| {
            cancellation_plan(db, today, req)
        })
    }

    /// Moves unassigned seats to pending cancellation: no longer assignable, billed until
    /// the effective date.
    pub fn request_cancellation(&mut self, actor: Actor, req: &SeatChange) -> Result<CostPreview> {
        self.settle_due_cancellations()?;
        let today = self.today();
        self.change_sql(actor, Action::BillingCancellationRequest, |tx, ctx| {
            request_cancellation_in(tx, ctx, today, req)
        })
    }

    /// Puts the seats of a pending request back into the pool, before it takes effect.
    pub fn withdraw_cancellation(&mut self, actor: Actor, request_id: i64) -> Result<()> {
        self.settle_due_cancellations()?;
        self.change_sql(actor, Action::BillingCancellationWithdraw, |tx, ctx| {
            let status = cancellation_requests::status(tx, request_id)?.ok_or(Error::NotFound {
                what: "Cancellation request",
                id: request_id,
            })?;
            if status != "pending" {
                return Err(Error::invalid(
                    Field::Request,
                    format!(
                        "This cancellation request is {status} and can no longer be withdrawn."
                    ),
                ));
            }
            seats::return_to_pool_from_request(tx, request_id)?;
            cancellation_requests::close(tx, request_id, "withdrawn", ctx.now)?;
            let mut entry = AuditEntry::new(Action::BillingCancellationWithdraw.key());
            entry.after = Some(json!({ "request_id": request_id }));
            ctx.audit(tx, &entry)?;
            Ok(())
        })
    }

    pub fn billing_summary(&mut self, actor: Actor) -> Result<BillingSummary> {
        self.settle_due_cancellations()?;
        let today = self.today();
        self.read_sql(actor, Permission::BillingView, |conn| {
            let t = terms(conn)?;
            let rows = products::seat_tallies(conn)?;
            let lines: Vec<BillingLine> = rows
                .iter()
                .map(|p| BillingLine {
                    product_id: p.id,
                    product_name: p.name.clone(),
                    billed_seats: p.billed,
                    unassigned_seats: p.available,
                    unit_price_cents: p.monthly_price_cents,
                    monthly_cents: p.billed * p.monthly_price_cents,
                })
                .collect();
            let total: i64 = lines.iter().map(|l| l.monthly_cents).sum();
            let pending_cents: i64 = rows
                .iter()
                .map(|p| p.pending_cancellation * p.monthly_price_cents)
                .sum();
            Ok(BillingSummary {
                currency: settings::currency(conn)?,
                unassigned_seats: lines.iter().map(|l| l.unassigned_seats).sum(),
                unassigned_monthly_cents: lines
                    .iter()
                    .map(|l| l.unassigned_seats * l.unit_price_cents)
                    .sum(),
                total_after_pending_cents: total - pending_cents,
                monthly_total_cents: total,
                next_billing_date: next_billing_day(today + Duration::days(1), t.billing_day)
                    .to_string(),
                billing_day: t.billing_day,
                notice_period_days: t.notice_days,
                lines,
            })
        })
    }

    /// Writes the history as CSV to `dest` (the history and the currency read in one
    /// snapshot; the file written after the read, outside any transaction).
    pub fn export_billing_history(&mut self, actor: Actor, dest: &std::path::Path) -> Result<()> {
        self.settle_due_cancellations()?;
        let (events, currency) = self.read_sql(actor, Permission::BillingView, |db| {
            Ok((billing_history(db)?, settings::currency(db)?))
        })?;
        let csv = history_csv(&events, &currency)?;
        crate::storage::files::write_atomically(dest, &csv)
    }

    /// Orders and cancellation requests, newest first.
    pub fn billing_history(&mut self, actor: Actor) -> Result<Vec<BillingEvent>> {
        self.settle_due_cancellations()?;
        self.read_sql(actor, Permission::BillingView, billing_history)
    }
}

/// Moves unassigned seats of the product to pending cancellation, with the request and its
/// audit entry.
pub(crate) fn request_cancellation_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &crate::kernel::org::ChangeContext<'_>,
    today: NaiveDate,
    req: &SeatChange,
) -> Result<CostPreview> {
    let tx = tx.into();
    let plan = cancellation_plan(tx, today, req)?;
    let request_id = cancellation_requests::insert_pending(
        tx,
        req.product_id,
        plan.quantity,
        ctx.now,
        &plan.effective_on,
        ctx.account.id,
    )?;
    let moved = seats::move_to_pending_cancellation(
        tx,
        req.product_id,
        plan.quantity,
        request_id,
        &plan.effective_on,
    )?;
    debug_assert_eq!(moved as i64, plan.quantity);
    let mut entry = AuditEntry::new(Action::BillingCancellationRequest.key());
    entry.after = Some(json!({
        "request_id": request_id, "product": plan.product_name, "quantity": plan.quantity,
        "effective_on": plan.effective_on,
    }));
    ctx.audit(tx, &entry)?;
    Ok(plan)
}

fn cancellation_plan<'a>(
    conn: impl Into<Sql<'a>>,
    today: NaiveDate,
    req: &SeatChange,
) -> Result<CostPreview> {
    let conn = conn.into();
    let quantity = parse_quantity(&req.quantity)?;
    let (name, price) = product(conn, req.product_id)?;
    let available = available_seats(conn, req.product_id)?;
    if available == 0 {
        return Err(Error::invalid(
            Field::Quantity,
            format!("Every {name} license is assigned. Remove a license from a user first; assigned licenses cannot be cancelled."),
        ));
    }
    if quantity > available {
        return Err(Error::invalid(
            Field::Quantity,
            format!(
                "Only {available} {name} {} unassigned; assigned licenses cannot be cancelled.",
                if available == 1 {
                    "license is"
                } else {
                    "licenses are"
                }
            ),
        ));
    }
    let t = terms(conn)?;
    let current = monthly_total(conn)?;
    Ok(CostPreview {
        product_name: name,
        quantity,
        unit_price_cents: price,
        current_total_cents: current,
        new_total_cents: current - quantity * price,
        effective_on: cancellation_effective_on(today, t.notice_days, t.billing_day).to_string(),
        currency: settings::currency(conn)?,
    })
}

/// What buying `req.quantity` seats costs, from today.
/// Adds seats inside the caller's transaction, with the order and its audit entry. The caller
/// checked billing.manage (a purchase, or a restore that buys the seat it needs).
pub(crate) fn purchase_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &crate::kernel::org::ChangeContext<'_>,
    today: NaiveDate,
    req: &SeatChange,
) -> Result<CostPreview> {
    let tx = tx.into();
    let plan = purchase_plan(tx, today, req)?;
    let (quantity, price) = (plan.quantity, plan.unit_price_cents);
    let order_id = orders::insert(tx, req.product_id, quantity, price, ctx.now, ctx.account.id)?;
    seats::add_available(tx, req.product_id, quantity, ctx.now, order_id)?;
    let mut entry = AuditEntry::new(Action::BillingPurchase.key());
    entry.after = Some(json!({
        "order_id": order_id, "product": plan.product_name, "quantity": quantity,
        "monthly_total_cents": plan.new_total_cents,
    }));
    ctx.audit(tx, &entry)?;
    Ok(plan)
}

pub(crate) fn purchase_plan<'a>(
    conn: impl Into<Sql<'a>>,
    today: NaiveDate,
    req: &SeatChange,
) -> Result<CostPreview> {
    let conn = conn.into();
    let quantity = parse_quantity(&req.quantity)?;
    let (name, price) = product(conn, req.product_id)?;
    let current = monthly_total(conn)?;
    Ok(CostPreview {
        product_name: name,
        quantity,
        unit_price_cents: price,
        current_total_cents: current,
        new_total_cents: current + quantity * price,
        effective_on: today.to_string(),
        currency: settings::currency(conn)?,
    })
}

fn billing_history(conn: Sql<'_>) -> Result<Vec<BillingEvent>> {
    let orders = orders::history(conn)?
        .into_iter()
        .map(|o| BillingEvent::Order {
            id: o.id,
            at: o.ordered_at,
            product_name: o.product_name,
            quantity: o.quantity,
            monthly_change_cents: o.monthly_change_cents,
            by: o.by,
        });
    let cancellations =
        cancellation_requests::history(conn)?
            .into_iter()
            .map(|c| BillingEvent::Cancellation {
                id: c.id,
                at: c.requested_at,
                product_name: c.product_name,
                quantity: c.quantity,
                monthly_change_cents: c.monthly_change_cents,
                by: c.by,
                effective_on: c.effective_on,
                status: match c.status.as_str() {
                    "pending" => CancellationStatus::Pending,
                    "withdrawn" => CancellationStatus::Withdrawn,
                    _ => CancellationStatus::Effective,
                },
            });
    let mut events: Vec<BillingEvent> = orders.chain(cancellations).collect();
    // Newest first; events of the same moment (the demo's first orders) by kind and id, so
    // that the order does not depend on how an engine happens to return the rows.
    let key = |e: &BillingEvent| match e {
        BillingEvent::Order { at, id, .. } => (at.clone(), 0, *id),
        BillingEvent::Cancellation { at, id, .. } => (at.clone(), 1, *id),
    };
    events.sort_by_key(|e| std::cmp::Reverse(key(e)));
    Ok(events)
}

fn history_csv(events: &[BillingEvent], currency: &str) -> Result<Vec<u8>> {
    let mut w = crate::base::csv_cell::CsvWriter::new();
    w.row([
        "date",
        "kind",
        "product",
        "quantity",
        "monthly_change",
        "by",
        "effective_on",
        "status",
    ])?;
    for e in events {
        let row = match e {
            BillingEvent::Order {
                at,
                product_name,
                quantity,
                monthly_change_cents,
                by,
                ..
            } => [
                at.clone(),
                "purchase".into(),
                product_name.clone(),
                quantity.to_string(),
                crate::base::money::format_money(*monthly_change_cents, currency),
                by.clone().unwrap_or_default(),
                String::new(),
                "done".into(),
            ],
            BillingEvent::Cancellation {
                at,
                product_name,
                quantity,
                monthly_change_cents,
                by,
                effective_on,
                status,
                ..
            } => [
                at.clone(),
                "cancellation".into(),
                product_name.clone(),
                quantity.to_string(),
                crate::base::money::format_money(*monthly_change_cents, currency),
                by.clone().unwrap_or_default(),
                effective_on.clone(),
                match status {
                    CancellationStatus::Pending => "pending",
                    CancellationStatus::Withdrawn => "withdrawn",
                    CancellationStatus::Effective => "effective",
                }
                .into(),
            ],
        };
        w.row(&row)?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::base::clock::ManualClock;
    use crate::tests::testing::{product_id, sign_in};

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn org_at(day: &str) -> (tempfile::TempDir, Org, ManualClock) {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(
            chrono::DateTime::parse_from_rfc3339(&format!("{day}T10:00:00Z"))
                .unwrap()
                .to_utc(),
        );
        let org = Org::open(&dir.path().join("org.sqlite"), Arc::new(clock.clone())).unwrap();
        (dir, org, clock)
    }

    fn change(org: &Org, product: &str, quantity: &str) -> SeatChange {
        SeatChange {
            product_id: product_id(org, product),
            quantity: quantity.to_owned(),
        }
    }

    fn inventory(org: &Org, actor: Actor, product: &str) -> crate::ProductInventory {
        org.license_inventory(actor)
            .unwrap()
            .into_iter()
            .find(|p| p.name == product)
            .unwrap()
    }

    fn seat_total_cents(org: &Org) -> i64 {
        monthly_total(org.conn()).unwrap()
    }

    #[test]
    fn the_effective_date_is_the_notice_period_then_the_next_billing_day() {
        assert_eq!(
            cancellation_effective_on(date("2026-11-27"), 30, 1),
            date("2027-01-01")
        );
        assert_eq!(
            cancellation_effective_on(date("2026-01-31"), 30, 1),
            date("2026-04-01")
        );
        assert_eq!(
            cancellation_effective_on(date("2026-12-15"), 30, 15),
            date("2027-01-15")
        );
        assert_eq!(
            cancellation_effective_on(date("2026-02-01"), 0, 1),
            date("2026-02-01")
        );
        assert_eq!(
            cancellation_effective_on(date("2028-01-30"), 30, 28),
            date("2028-03-28")
        );
        assert_eq!(next_billing_day(date("2026-12-29"), 28), date("2027-01-28"));
    }

    #[test]
    fn quantities_are_checked_with_a_message_naming_the_field() {
        for (text, says) in [
            ("", "Enter how many"),
            ("abc", "not a whole number"),
            ("2.5", "not a whole number"),
            ("0", "at least 1"),
            ("-3", "at least 1"),
            ("1000000", "At most 1000"),
            ("99999999999999999999", "not a whole number"),
        ] {
            let e = parse_quantity(text).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("quantity"), "{text}");
            assert!(e.to_string().contains(says), "{text}: {e}");
        }
        assert_eq!(parse_quantity(" 2 ").unwrap(), 2);
    }

    #[test]
    fn a_purchase_adds_seats_an_order_and_an_audit_entry_and_raises_the_bill() {
        let (_dir, mut org, _clock) = org_at("2026-11-27");
        let billing = sign_in(&mut org, "lee.chen");
        let before = inventory(&org, billing, "Contact Center Agent");
        let total_before = org.billing_summary(billing).unwrap().monthly_total_cents;
        let req = change(&org, "Contact Center Agent", "2");
        let preview = org.purchase_preview(billing, &req).unwrap();
        assert_eq!(preview.new_total_cents, total_before + 2 * 9500);
        let done = org.purchase_licenses(billing, &req).unwrap();
        assert_eq!(done, preview);
        let after = inventory(&org, billing, "Contact Center Agent");
        assert_eq!(after.purchased, before.purchased + 2);
        assert_eq!(after.available, 2);
        let summary = org.billing_summary(billing).unwrap();
        assert_eq!(summary.monthly_total_cents, total_before + 19_000);
        assert_eq!(summary.monthly_total_cents, seat_total_cents(&org));
        let history = org.billing_history(billing).unwrap();
        assert!(
            matches!(&history[0], BillingEvent::Order { quantity: 2, by: Some(b), .. } if b == "Lee Chen")
        );
    }

    #[test]
    fn confirmations_state_the_amounts_in_the_organizations_currency() {
        let (_dir, mut org, _clock) = org_at("2026-11-27");
        let billing = sign_in(&mut org, "lee.chen");
        let req = change(&org, "Meetings Plus", "1");
        let usd = org.purchase_preview(billing, &req).unwrap();
        assert!(
            usd.purchase_question()
                .starts_with("Buy 1 Meetings Plus license at $12.00/month each?"),
            "{}",
            usd.purchase_question()
        );
        settings::set(org.conn(), "currency", "EUR").unwrap();
        let eur = org
            .purchase_preview(billing, &change(&org, "Meetings Plus", "3"))
            .unwrap();
        assert_eq!(eur.currency, "EUR");
        let question = eur.purchase_question();
        assert!(
            question.starts_with("Buy 3 Meetings Plus licenses at €12.00/month each?"),
            "{question}"
        );
        assert!(!question.contains('$'), "{question}");
        let cancel = org.cancellation_preview(billing, &req).unwrap();
        let question = cancel.cancellation_question();
        assert!(
            question.starts_with("Cancel 1 unassigned Meetings Plus license?"),
            "{question}"
        );
        assert!(question.contains("(saving €12.00/month)"), "{question}");
        assert!(
            question.contains("It stays billed until 2027-01-01"),
            "{question}"
        );
    }

    #[test]
    fn bad_quantities_and_missing_permission_change_nothing() {
        let (_dir, mut org, _clock) = org_at("2026-11-27");
        let billing = sign_in(&mut org, "lee.chen");
        let helpdesk = sign_in(&mut org, "priya.nair");
        let total = seat_total_cents(&org);
        assert_eq!(
            org.purchase_licenses(billing, &change(&org, "Voice Pro", "0"))
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        assert_eq!(
            org.purchase_licenses(helpdesk, &change(&org, "Voice Pro", "1"))
                .unwrap_err()
                .code(),
            "permission_denied"
        );
        assert_eq!(
            org.request_cancellation(helpdesk, &change(&org, "Voice Pro", "1"))
                .unwrap_err()
                .code(),
            "permission_denied"
        );
        let e = org
            .request_cancellation(billing, &change(&org, "Voice Pro", "50"))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("Only 2 Voice Pro licenses are unassigned"),
            "{e}"
        );
        let e = org
            .request_cancellation(billing, &change(&org, "Contact Center Agent", "1"))
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("Every Contact Center Agent license is assigned"),
            "{e}"
        );
        assert_eq!(seat_total_cents(&org), total);
        let orders: i64 = org
            .conn()
            .query_row("SELECT count(*) FROM orders", [], |r| r.get(0))
            .unwrap();
        assert_eq!(orders, 5, "only the demo's initial orders");
    }

    #[test]
    fn a_cancellation_is_pending_and_billed_until_its_date_then_stops() {
        let (dir, mut org, clock) = org_at("2026-11-27");
        let billing = sign_in(&mut org, "lee.chen");
        let before = inventory(&org, billing, "Voice Pro");
        let summary_before = org.billing_summary(billing).unwrap();
        let plan = org
            .request_cancellation(billing, &change(&org, "Voice Pro", "1"))
            .unwrap();
        assert_eq!(plan.effective_on, "2027-01-01");
        assert_eq!(
            plan.new_total_cents,
            summary_before.monthly_total_cents - 3200
        );
        let pending = inventory(&org, billing, "Voice Pro");
        assert_eq!(pending.available, before.available - 1);
        assert_eq!(pending.pending_cancellation, 1);
        assert_eq!(
            pending.purchased, before.purchased,
            "still bought and billed"
        );
        let summary = org.billing_summary(billing).unwrap();
        assert_eq!(
            summary.monthly_total_cents,
            summary_before.monthly_total_cents
        );
        assert_eq!(
            summary.total_after_pending_cents,
            summary_before.monthly_total_cents - 3200
        );
        // Not assignable while pending: with one free seat left, the second assignment fails.
        let admin = sign_in(&mut org, "dana.reyes");
        let users = crate::tests::testing::unlicensed_users(&org);
        let pid = product_id(&org, "Voice Pro");
        for (i, u) in users.iter().take(2).enumerate() {
            let r = org.assign_license(
                admin,
                &crate::AssignLicense {
                    user_id: u.id,
                    product_id: pid,
                    expected_version: u.version,
                },
            );
            assert_eq!(r.is_ok(), i == 0);
        }
        // The day before: still billed. On the day: cancelled, no longer billed.
        clock.advance(Duration::days(34) - Duration::hours(1));
        assert_eq!(
            org.billing_summary(billing).unwrap().monthly_total_cents,
            summary_before.monthly_total_cents
        );
        clock.advance(Duration::hours(20));
        drop(org);
        let mut org = Org::open(&dir.path().join("org.sqlite"), Arc::new(clock.clone())).unwrap();
        let after = org.billing_summary(billing).unwrap();
        assert_eq!(
            after.monthly_total_cents,
            summary_before.monthly_total_cents - 3200
        );
        let inv = inventory(&org, billing, "Voice Pro");
        assert_eq!(
            (inv.purchased, inv.pending_cancellation),
            (before.purchased - 1, 0)
        );
        let e = org.withdraw_cancellation(billing, 1).unwrap_err();
        assert!(e.to_string().contains("effective"), "{e}");
    }

    #[test]
    fn a_pending_cancellation_can_be_withdrawn() {
        let (_dir, mut org, _clock) = org_at("2026-11-27");
        let billing = sign_in(&mut org, "lee.chen");
        let before = inventory(&org, billing, "Voice Essentials");
        org.request_cancellation(billing, &change(&org, "Voice Essentials", "2"))
            .unwrap();
        let history = org.billing_history(billing).unwrap();
        let BillingEvent::Cancellation { id, status, .. } = &history[0] else {
            panic!("newest event is the request")
        };
        assert_eq!(status, &CancellationStatus::Pending);
        org.withdraw_cancellation(billing, *id).unwrap();
        assert_eq!(inventory(&org, billing, "Voice Essentials"), before);
        assert!(matches!(
            &org.billing_history(billing).unwrap()[0],
            BillingEvent::Cancellation {
                status: CancellationStatus::Withdrawn,
                ..
            }
        ));
        assert_eq!(audit::first_broken_entry(org.conn()).unwrap(), None);
    }

    #[test]
    fn history_exports_as_csv() {
        let (_dir, mut org, _clock) = org_at("2026-11-27");
        let billing = sign_in(&mut org, "lee.chen");
        org.request_cancellation(billing, &change(&org, "Meetings Plus", "1"))
            .unwrap();
        let csv =
            String::from_utf8(history_csv(&org.billing_history(billing).unwrap(), "USD").unwrap())
                .unwrap();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next().unwrap(),
            "date,kind,product,quantity,monthly_change,by,effective_on,status"
        );
        assert!(lines
            .next()
            .unwrap()
            .contains("cancellation,Meetings Plus,1,'-$12.00,Lee Chen,2027-01-01,pending"));
        assert_eq!(csv.lines().count(), 1 + 1 + 5);
    }
}

#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use super::*;
    use crate::tests::engines::{chain_intact, number, same_on_each_engine};
    use crate::tests::testing::sign_in;

    /// The id of the product called `name`, on either engine.
    fn product(org: &Org, name: &str) -> i64 {
        number(org, "SELECT id FROM products WHERE name = ?1", &[&name])
    }

    fn change(org: &Org, name: &str, quantity: &str) -> SeatChange {
        SeatChange {
            product_id: product(org, name),
            quantity: quantity.to_owned(),
        }
    }

    /// The audit entries after `after`: action and outcome.
    fn audit_after(org: &Org, after: i64) -> Vec<(String, String)> {
        org.engine
            .read(|db| {
                db.query(
                    "SELECT action, outcome FROM audit_log WHERE id > ?1 ORDER BY id",
                    &[&after],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
            })
            .unwrap()
    }

    fn last_entry(org: &Org) -> i64 {
        number(org, "SELECT coalesce(max(id), 0) FROM audit_log", &[])
    }

    /// What billing keeps: seats by product and status, orders, requests by status.
    fn ledger(org: &Org) -> Vec<i64> {
        [
            "SELECT count(*) FROM seats WHERE status = 'available'",
            "SELECT count(*) FROM seats WHERE status = 'assigned'",
            "SELECT count(*) FROM seats WHERE status = 'pending_cancellation'",
            "SELECT count(*) FROM seats WHERE status = 'cancelled'",
            "SELECT coalesce(sum(product_id * id), 0) FROM seats WHERE status = 'available'",
            "SELECT count(*) FROM orders",
            "SELECT count(*) FROM cancellation_requests WHERE status = 'pending'",
            "SELECT count(*) FROM cancellation_requests WHERE status = 'withdrawn'",
        ]
        .iter()
        // A server's sum of bigints is a numeric: cast back.
        .map(|sql| number(org, &format!("SELECT CAST(({sql}) AS bigint)"), &[]))
        .collect()
    }

    #[test]
    fn previews_the_summary_and_the_history_are_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let billing = sign_in(org, "lee.chen");
            let before = ledger(org);
            let purchase = org
                .purchase_preview(billing, &change(org, "Contact Center Agent", "3"))
                .unwrap();
            let cancellation = org
                .cancellation_preview(billing, &change(org, "Voice Pro", "1"))
                .unwrap();
            let summary = org.billing_summary(billing).unwrap();
            assert_eq!(purchase.current_total_cents, summary.monthly_total_cents);
            assert_eq!(
                purchase.new_total_cents,
                summary.monthly_total_cents + 3 * purchase.unit_price_cents,
                "{engine}"
            );
            assert_eq!(
                summary.monthly_total_cents,
                summary.lines.iter().map(|l| l.monthly_cents).sum::<i64>()
            );
            // A preview changes nothing.
            assert_eq!(ledger(org), before, "{engine}");
            let refused = org
                .cancellation_preview(billing, &change(org, "Voice Pro", "500"))
                .unwrap_err();
            assert!(
                refused
                    .to_string()
                    .contains("Voice Pro licenses are unassigned"),
                "{engine}: {refused}"
            );
            let history = org.billing_history(billing).unwrap();
            assert_eq!(history.len(), 5, "{engine}: the demo's first orders");
            (purchase, cancellation, summary, history)
        });
    }

    #[test]
    fn a_purchase_adds_its_seats_its_order_and_its_audit_entry_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let billing = sign_in(org, "lee.chen");
            let req = change(org, "Contact Center Agent", "2");
            let before = ledger(org);
            let summary = org.billing_summary(billing).unwrap();
            let entry = last_entry(org);
            let preview = org.purchase_preview(billing, &req).unwrap();
            let receipt = org.purchase_licenses(billing, &req).unwrap();
            assert_eq!(receipt, preview, "{engine}");
            let after = ledger(org);
            assert_eq!(after[0], before[0] + 2, "{engine}: two available seats");
            assert_eq!(after[5], before[5] + 1, "{engine}: one order");
            let new_seats = number(
                org,
                "SELECT count(*) FROM seats WHERE product_id = ?1 AND status = 'available'
                 AND order_id = (SELECT max(id) FROM orders)",
                &[&req.product_id],
            );
            assert_eq!(new_seats, 2, "{engine}");
            assert_eq!(
                org.billing_summary(billing).unwrap().monthly_total_cents,
                summary.monthly_total_cents + 2 * receipt.unit_price_cents
            );
            let audit = audit_after(org, entry);
            assert_eq!(
                audit,
                [("billing.purchase".to_owned(), "ok".to_owned())],
                "{engine}"
            );
            assert!(chain_intact(org), "{engine}");
            let history = org.billing_history(billing).unwrap();
            assert!(
                matches!(&history[0], BillingEvent::Order { quantity: 2, by: Some(b), .. } if b == "Lee Chen"),
                "{engine}: {history:?}"
            );
            (
                receipt.product_name,
                receipt.new_total_cents,
                audit,
                history.len(),
            )
        });
    }

    #[test]
    fn a_cancellation_request_and_its_withdrawal_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let billing = sign_in(org, "lee.chen");
            let req = change(org, "Voice Essentials", "2");
            let before = ledger(org);
            let entry = last_entry(org);
            let preview = org.cancellation_preview(billing, &req).unwrap();
            let plan = org.request_cancellation(billing, &req).unwrap();
            assert_eq!(plan, preview, "{engine}");
            let pending = ledger(org);
            assert_eq!(pending[0], before[0] - 2, "{engine}: no longer assignable");
            assert_eq!(pending[2], before[2] + 2, "{engine}: pending cancellation");
            assert_eq!(pending[6], before[6] + 1, "{engine}: one pending request");
            let summary = org.billing_summary(billing).unwrap();
            assert_eq!(
                summary.total_after_pending_cents, plan.new_total_cents,
                "{engine}"
            );
            let BillingEvent::Cancellation { id, status, .. } =
                org.billing_history(billing).unwrap().remove(0)
            else {
                panic!("{engine}: the newest event is the request")
            };
            assert_eq!(status, CancellationStatus::Pending);
            org.withdraw_cancellation(billing, id).unwrap();
            let withdrawn = ledger(org);
            assert_eq!(withdrawn[..4], before[..4], "{engine}: the seats are back");
            assert_eq!(withdrawn[4], before[4], "{engine}: the very same seats");
            assert_eq!(withdrawn[7], before[7] + 1, "{engine}");
            let again = org.withdraw_cancellation(billing, id).unwrap_err();
            assert!(
                again.to_string().contains("is withdrawn"),
                "{engine}: {again}"
            );
            let missing = org.withdraw_cancellation(billing, id + 1000).unwrap_err();
            assert_eq!(missing.code(), "not_found", "{engine}");
            assert!(matches!(
                &org.billing_history(billing).unwrap()[0],
                BillingEvent::Cancellation {
                    status: CancellationStatus::Withdrawn,
                    ..
                }
            ));
            let audit = audit_after(org, entry);
            assert_eq!(
                audit,
                [
                    ("billing.cancellation_request".to_owned(), "ok".to_owned()),
                    ("billing.cancellation_withdraw".to_owned(), "ok".to_owned()),
                ],
                "{engine}"
            );
            assert!(chain_intact(org), "{engine}");
            (plan, audit, again.to_string())
        });
    }

    #[test]
    fn a_role_without_billing_permission_changes_nothing_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let billing = sign_in(org, "lee.chen");
            let helpdesk = sign_in(org, "priya.nair");
            let auditor = sign_in(org, "max.weber");
            let req = change(org, "Voice Pro", "1");
            org.request_cancellation(billing, &req).unwrap();
            let BillingEvent::Cancellation { id, .. } =
                org.billing_history(billing).unwrap().remove(0)
            else {
                panic!("{engine}: the newest event is the request")
            };
            let before = ledger(org);
            let entry = last_entry(org);
            let mut codes = Vec::new();
            for actor in [helpdesk, auditor] {
                codes.push(org.purchase_licenses(actor, &req).unwrap_err().code());
                codes.push(org.request_cancellation(actor, &req).unwrap_err().code());
                codes.push(org.withdraw_cancellation(actor, id).unwrap_err().code());
            }
            codes.push(org.billing_summary(helpdesk).unwrap_err().code());
            codes.push(org.billing_history(helpdesk).unwrap_err().code());
            codes.push(org.purchase_preview(helpdesk, &req).unwrap_err().code());
            assert!(
                codes.iter().all(|c| *c == "permission_denied"),
                "{engine}: {codes:?}"
            );
            assert_eq!(ledger(org), before, "{engine}");
            // Each refused change is recorded, and nothing else.
            let audit = audit_after(org, entry);
            assert_eq!(audit.len(), 6, "{engine}: {audit:?}");
            assert!(audit.iter().all(|(_, outcome)| outcome == "refused"));
            assert!(chain_intact(org), "{engine}");
            (codes, audit)
        });
    }

    #[test]
    fn the_history_exports_the_same_csv_on_both_engines_with_names_neutralized() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let billing = sign_in(org, "lee.chen");
            let id = product(org, "Meetings Plus");
            org.engine
                .write(|db| {
                    db.execute(
                        "UPDATE products SET name = '=HYPERLINK(\"http://x\")' WHERE id = ?1",
                        &[&id],
                    )
                })
                .unwrap();
            org.request_cancellation(
                billing,
                &SeatChange {
                    product_id: id,
                    quantity: "1".into(),
                },
            )
            .unwrap();
            let dir = tempfile::tempdir().unwrap();
            let dest = dir.path().join("history.csv");
            org.export_billing_history(billing, &dest).unwrap();
            let csv = std::fs::read_to_string(&dest).unwrap();
            assert!(
                csv.starts_with("date,kind,product,quantity,monthly_change,by,effective_on,status"),
                "{engine}: {csv}"
            );
            assert!(
                csv.contains(
                    ",cancellation,\"'=HYPERLINK(\"\"http://x\"\")\",1,'-$12.00,Lee Chen,"
                ),
                "{engine}: {csv}"
            );
            assert!(!csv.lines().any(|l| l.contains(",=")), "{engine}: {csv}");
            assert_eq!(csv.lines().count(), 1 + 1 + 5, "{engine}");
            let helpdesk = sign_in(org, "priya.nair");
            let other = dir.path().join("refused.csv");
            let e = org.export_billing_history(helpdesk, &other).unwrap_err();
            assert_eq!(e.code(), "permission_denied", "{engine}");
            assert!(!other.exists(), "{engine}");
            // The request's moment differs between the runs: compare the rest.
            csv.lines()
                .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_owned())
                .collect::<Vec<_>>()
        });
    }
}
