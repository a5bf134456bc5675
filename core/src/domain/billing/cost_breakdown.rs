//! Where the monthly bill goes: the billed seats by the holder's department and site (the
//! unheld ones as a group of their own, so each breakdown adds up to the bill), the total on
//! each of the last billing days from the seat ledger, and the date by which unused seats
//! must be cancelled to stop paying for them from the next possible billing day.

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

use super::{cancellation_effective_on, next_billing_day, terms};
use crate::base::error::Result;
use crate::base::money::format_money;
use crate::base::permission::Permission;
use crate::kernel::org::{Actor, Org};
use crate::storage::settings;
use crate::storage::tables::seats::{self, BilledGroup, HolderGroup};

/// How many billing days the month-over-month table shows, the next one included.
const MONTHS_SHOWN: u32 = 6;

/// The seats held by one department's or site's users, or the unassigned ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CostGroup {
    /// The department or site; for the unassigned seats, "Unassigned licenses".
    pub name: String,
    /// Whether these are the seats nobody holds (available or pending cancellation).
    pub unassigned: bool,
    #[ts(type = "number")]
    pub users: i64,
    #[ts(type = "number")]
    pub seats: i64,
    #[ts(type = "number")]
    pub monthly_cents: i64,
}

/// The bill on one billing day, counted from the seats bought and cancelled by then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MonthCost {
    /// The billing day.
    pub billed_on: String,
    #[ts(type = "number")]
    pub monthly_cents: i64,
    /// Against the billing day before; None for the first row shown.
    #[ts(type = "number | null")]
    pub change_cents: Option<i64>,
    /// A billing day still to come: pending cancellations effective by then are left out.
    pub upcoming: bool,
}

/// Unassigned seats still billed, and the last day a cancellation stops them on the
/// nearest possible billing day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CancelDeadline {
    #[ts(type = "number")]
    pub seats: i64,
    #[ts(type = "number")]
    pub monthly_cents: i64,
    pub cancel_by: String,
    pub stops_from: String,
    /// "Cancel by 2026-12-02 to stop paying for 3 unused seats from 2027-01-01."
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CostBreakdown {
    pub currency: String,
    #[ts(type = "number")]
    pub monthly_total_cents: i64,
    pub by_department: Vec<CostGroup>,
    pub by_site: Vec<CostGroup>,
    /// The oldest billing day first.
    pub months: Vec<MonthCost>,
    pub cancel_deadline: Option<CancelDeadline>,
}

/// The last day a cancellation takes effect on the same billing day as one requested
/// `today`: after it, the notice period pushes the effective date a month on.
pub fn cancel_deadline(
    today: NaiveDate,
    notice_days: i64,
    billing_day: u32,
) -> (NaiveDate, NaiveDate) {
    let stops_from = cancellation_effective_on(today, notice_days, billing_day);
    (stops_from - Duration::days(notice_days), stops_from)
}

fn groups(rows: Vec<BilledGroup>, unnamed: &str) -> Vec<CostGroup> {
    rows.into_iter()
        .map(|g| CostGroup {
            unassigned: g.name.is_none(),
            name: match g.name {
                None => "Unassigned licenses".to_owned(),
                Some(name) if name.trim().is_empty() => unnamed.to_owned(),
                Some(name) => name,
            },
            users: g.users,
            seats: g.seats,
            monthly_cents: g.monthly_cents,
        })
        .collect()
}

/// The billing days of the last months, ending with the first one after `today`.
fn billing_days(today: NaiveDate, billing_day: u32) -> Vec<NaiveDate> {
    let next = next_billing_day(today + Duration::days(1), billing_day);
    (0..MONTHS_SHOWN)
        .rev()
        .map(|back| {
            let month = next - Months::new(back);
            month.with_day(billing_day).expect("billing day 1..=28")
        })
        .collect()
}

impl Org {
    pub fn cost_breakdown(&mut self, actor: Actor) -> Result<CostBreakdown> {
        self.settle_due_cancellations()?;
        let today = self.today();
        self.read_sql(actor, Permission::BillingView, |conn| {
            let t = terms(conn)?;
            let by_department = groups(
                seats::billed_by_holder(conn, HolderGroup::Department)?,
                "No department",
            );
            let by_site = groups(seats::billed_by_holder(conn, HolderGroup::Site)?, "No site");
            let spans = seats::billed_spans(conn)?;
            let billed_on = |day: NaiveDate| -> i64 {
                let day = day.to_string();
                spans
                    .iter()
                    .filter(|s| s.from <= day && s.until.as_ref().is_none_or(|u| *u > day))
                    .map(|s| s.monthly_cents)
                    .sum()
            };
            let mut months: Vec<MonthCost> = Vec::new();
            for day in billing_days(today, t.billing_day) {
                let monthly_cents = billed_on(day);
                months.push(MonthCost {
                    billed_on: day.to_string(),
                    monthly_cents,
                    change_cents: months.last().map(|m| monthly_cents - m.monthly_cents),
                    upcoming: day > today,
                });
            }
            let (unassigned, unassigned_cents) = seats::available_total(conn)?;
            let cancel_deadline = (unassigned > 0).then(|| {
                let (cancel_by, stops_from) = cancel_deadline(today, t.notice_days, t.billing_day);
                CancelDeadline {
                    seats: unassigned,
                    monthly_cents: unassigned_cents,
                    cancel_by: cancel_by.to_string(),
                    stops_from: stops_from.to_string(),
                    message: format!(
                        "Cancel by {cancel_by} to stop paying for {unassigned} unused {} from {stops_from}.",
                        if unassigned == 1 { "seat" } else { "seats" }
                    ),
                }
            });
            Ok(CostBreakdown {
                currency: settings::currency(conn)?,
                monthly_total_cents: seats::monthly_total_cents(conn)?,
                by_department,
                by_site,
                months,
                cancel_deadline,
            })
        })
    }

    /// Writes both breakdowns as one CSV to `dest`.
    pub fn export_cost_breakdown(&mut self, actor: Actor, dest: &std::path::Path) -> Result<()> {
        let breakdown = self.cost_breakdown(actor)?;
        let csv = breakdown_csv(&breakdown)?;
        crate::storage::files::write_atomically(dest, &csv)
    }
}

fn breakdown_csv(b: &CostBreakdown) -> Result<Vec<u8>> {
    let mut w = crate::base::csv_cell::CsvWriter::new();
    w.row(["by", "name", "licensed_users", "licenses", "monthly_cost"])?;
    for (by, groups) in [("department", &b.by_department), ("site", &b.by_site)] {
        for g in groups {
            w.row([
                by.to_owned(),
                g.name.clone(),
                g.users.to_string(),
                g.seats.to_string(),
                format_money(g.monthly_cents, &b.currency),
            ])?;
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::base::clock::ManualClock;
    use crate::domain::billing::SeatChange;
    use crate::tests::testing::{product_id, sign_in};
    use crate::RemoveLicense;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn org_at(day: &str) -> (tempfile::TempDir, Org) {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(
            chrono::DateTime::parse_from_rfc3339(&format!("{day}T10:00:00Z"))
                .unwrap()
                .to_utc(),
        );
        let org = Org::open(&dir.path().join("org.sqlite"), Arc::new(clock)).unwrap();
        (dir, org)
    }

    fn sum(groups: &[CostGroup]) -> i64 {
        groups.iter().map(|g| g.monthly_cents).sum()
    }

    #[test]
    fn each_breakdown_adds_up_to_the_bill() {
        let (_dir, mut org) = org_at("2026-11-27");
        let admin = sign_in(&mut org, "dana.reyes");
        // A removal leaves a billed, unheld seat; a cancellation puts seats on pending.
        let user = crate::tests::testing::user_on(&org, "Voice Pro");
        org.remove_license(admin, &RemoveLicense::of(&user))
            .unwrap();
        let summary = org.billing_summary(admin).unwrap();
        let b = org.cost_breakdown(admin).unwrap();
        assert_eq!(b.monthly_total_cents, summary.monthly_total_cents);
        assert_eq!(sum(&b.by_department), summary.monthly_total_cents);
        assert_eq!(sum(&b.by_site), summary.monthly_total_cents);
        let unheld = b.by_site.iter().find(|g| g.unassigned).unwrap();
        assert_eq!(unheld.seats, summary.unassigned_seats);
        assert_eq!(unheld.users, 0);
        let seats: i64 = summary.lines.iter().map(|l| l.billed_seats).sum();
        assert_eq!(b.by_department.iter().map(|g| g.seats).sum::<i64>(), seats);
        // Costliest first, each name once.
        assert!(b
            .by_department
            .windows(2)
            .all(|w| w[0].monthly_cents >= w[1].monthly_cents));
        let mut names: Vec<_> = b.by_site.iter().map(|g| &g.name).collect();
        names.dedup();
        assert_eq!(names.len(), b.by_site.len());
    }

    #[test]
    fn a_department_is_the_holders_and_follows_a_license_change_of_hands() {
        let (_dir, mut org) = org_at("2026-11-27");
        let admin = sign_in(&mut org, "dana.reyes");
        let user = crate::tests::testing::user_on(&org, "Voice Pro");
        let department = |b: &CostBreakdown| {
            b.by_department
                .iter()
                .find(|g| g.name == user.department)
                .map(|g| (g.users, g.monthly_cents))
                .unwrap_or((0, 0))
        };
        let before = org.cost_breakdown(admin).unwrap();
        org.remove_license(admin, &RemoveLicense::of(&user))
            .unwrap();
        let after = org.cost_breakdown(admin).unwrap();
        let price = 3_200;
        assert_eq!(department(&after).0, department(&before).0 - 1);
        assert_eq!(department(&after).1, department(&before).1 - price);
        assert_eq!(after.monthly_total_cents, before.monthly_total_cents);
    }

    #[test]
    fn months_count_purchases_from_their_day_and_cancellations_from_their_effective_date() {
        let (_dir, mut org) = org_at("2026-11-27");
        let admin = sign_in(&mut org, "dana.reyes");
        let before = org.cost_breakdown(admin).unwrap();
        let days: Vec<_> = before.months.iter().map(|m| m.billed_on.as_str()).collect();
        assert_eq!(
            days,
            [
                "2026-07-01",
                "2026-08-01",
                "2026-09-01",
                "2026-10-01",
                "2026-11-01",
                "2026-12-01"
            ]
        );
        assert_eq!(
            before.months.last().unwrap().monthly_cents,
            before.monthly_total_cents
        );
        assert!(before.months.last().unwrap().upcoming);
        assert!(!before.months[4].upcoming);
        assert_eq!(before.months[0].change_cents, None);

        // Bought today: not on the November bill, on December's.
        let cc = product_id(&org, "Contact Center Agent");
        org.purchase_licenses(
            admin,
            &SeatChange {
                product_id: cc,
                quantity: "2".into(),
            },
        )
        .unwrap();
        // A cancellation today takes effect on 2027-01-01: December still bills it.
        let mp = product_id(&org, "Meetings Plus");
        org.request_cancellation(
            admin,
            &SeatChange {
                product_id: mp,
                quantity: "1".into(),
            },
        )
        .unwrap();
        let after = org.cost_breakdown(admin).unwrap();
        assert_eq!(
            after.months[4].monthly_cents,
            before.months[4].monthly_cents
        );
        assert_eq!(
            after.months[5].monthly_cents,
            before.months[5].monthly_cents + 2 * 9_500
        );
        assert_eq!(
            after.months[5].change_cents,
            Some(after.months[5].monthly_cents - after.months[4].monthly_cents)
        );

        // Without notice, a cancellation today stops on 2026-12-01: the next row drops.
        settings::set(org.conn(), "notice_period_days", "0").unwrap();
        org.request_cancellation(
            admin,
            &SeatChange {
                product_id: mp,
                quantity: "1".into(),
            },
        )
        .unwrap();
        let later = org.cost_breakdown(admin).unwrap();
        assert_eq!(
            later.months[5].monthly_cents,
            after.months[5].monthly_cents - 1_200
        );
        assert_eq!(later.months[4], after.months[4]);
        // Today's bill still holds it: the cancellation is pending until its day.
        assert_eq!(later.monthly_total_cents, after.monthly_total_cents);
    }

    #[test]
    fn the_cancel_deadline_is_the_last_day_the_nearest_billing_day_can_be_reached() {
        // 30 days' notice, billed on the 1st: requested by Dec 2, it stops on Jan 1.
        assert_eq!(
            cancel_deadline(date("2026-11-27"), 30, 1),
            (date("2026-12-02"), date("2027-01-01"))
        );
        assert_eq!(
            cancellation_effective_on(date("2026-12-02"), 30, 1),
            date("2027-01-01")
        );
        assert_eq!(
            cancellation_effective_on(date("2026-12-03"), 30, 1),
            date("2027-02-01")
        );
        // No notice: the next billing day, requested by that day.
        assert_eq!(
            cancel_deadline(date("2026-11-27"), 0, 15),
            (date("2026-12-15"), date("2026-12-15"))
        );
    }

    #[test]
    fn the_banner_names_the_unassigned_seats_and_goes_when_none_are_left() {
        let (_dir, mut org) = org_at("2026-11-27");
        let admin = sign_in(&mut org, "dana.reyes");
        let summary = org.billing_summary(admin).unwrap();
        let deadline = org.cost_breakdown(admin).unwrap().cancel_deadline.unwrap();
        assert_eq!(deadline.seats, summary.unassigned_seats);
        assert_eq!(deadline.monthly_cents, summary.unassigned_monthly_cents);
        assert_eq!(
            deadline.message,
            format!(
                "Cancel by 2026-12-02 to stop paying for {} unused seats from 2027-01-01.",
                summary.unassigned_seats
            )
        );
        for line in summary.lines.iter().filter(|l| l.unassigned_seats > 0) {
            let req = SeatChange {
                product_id: line.product_id,
                quantity: line.unassigned_seats.to_string(),
            };
            org.request_cancellation(admin, &req).unwrap();
        }
        assert_eq!(org.cost_breakdown(admin).unwrap().cancel_deadline, None);
    }

    #[test]
    fn the_export_neutralizes_names_a_spreadsheet_would_run() {
        let (dir, mut org) = org_at("2026-11-27");
        let admin = sign_in(&mut org, "dana.reyes");
        let user = crate::tests::testing::user_on(&org, "Voice Pro");
        org.conn()
            .execute(
                "UPDATE users SET department = '=HYPERLINK(\"http://x\")' WHERE id = ?1",
                [user.id],
            )
            .unwrap();
        let dest = dir.path().join("costs.csv");
        org.export_cost_breakdown(admin, &dest).unwrap();
        let csv = std::fs::read_to_string(&dest).unwrap();
        assert!(
            csv.starts_with("by,name,licensed_users,licenses,monthly_cost"),
            "{csv}"
        );
        assert!(
            csv.contains("department,\"'=HYPERLINK(\"\"http://x\"\")\",1,1,$32.00"),
            "{csv}"
        );
        assert!(!csv
            .lines()
            .any(|l| l.split(',').nth(1).is_some_and(|c| c.starts_with('='))));
        let sites = csv.lines().filter(|l| l.starts_with("site,")).count();
        assert_eq!(sites, org.cost_breakdown(admin).unwrap().by_site.len());
    }

    #[test]
    fn reading_the_breakdown_needs_billing_view() {
        let (_dir, mut org) = org_at("2026-11-27");
        let helpdesk = sign_in(&mut org, "priya.nair");
        let e = org.cost_breakdown(helpdesk).unwrap_err();
        assert_eq!(e.payload().code, "permission_denied");
    }
}

#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use super::*;
    use crate::domain::billing::SeatChange;
    use crate::tests::engines::{number, same_on_each_engine};
    use crate::tests::testing::sign_in;
    use crate::RemoveLicense;

    fn product(org: &Org, name: &str) -> i64 {
        number(org, "SELECT id FROM products WHERE name = ?1", &[&name])
    }

    #[test]
    fn the_breakdown_and_its_export_are_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            // A removal leaves a billed, unheld seat; a purchase and a cancellation today.
            let holder = number(
                org,
                "SELECT min(s.user_id) FROM seats s JOIN products p ON p.id = s.product_id
                 WHERE p.name = 'Voice Pro' AND s.user_id IS NOT NULL",
                &[],
            );
            let user = org.user(admin, holder).unwrap();
            org.remove_license(admin, &RemoveLicense::of(&user))
                .unwrap();
            for (name, quantity, buy) in [
                ("Contact Center Agent", "2", true),
                ("Meetings Plus", "1", false),
            ] {
                let req = SeatChange {
                    product_id: product(org, name),
                    quantity: quantity.into(),
                };
                if buy {
                    org.purchase_licenses(admin, &req).unwrap();
                } else {
                    org.request_cancellation(admin, &req).unwrap();
                }
            }
            let b = org.cost_breakdown(admin).unwrap();
            let summary = org.billing_summary(admin).unwrap();
            assert_eq!(
                b.monthly_total_cents, summary.monthly_total_cents,
                "{engine}"
            );
            for groups in [&b.by_department, &b.by_site] {
                let sum: i64 = groups.iter().map(|g| g.monthly_cents).sum();
                assert_eq!(sum, b.monthly_total_cents, "{engine}");
                assert!(groups
                    .windows(2)
                    .all(|w| w[0].monthly_cents >= w[1].monthly_cents));
            }
            let unheld = b.by_site.iter().find(|g| g.unassigned).unwrap();
            assert_eq!(
                unheld.seats,
                summary.unassigned_seats + 1,
                "{engine}: the pending one"
            );
            assert_eq!(b.months.len(), MONTHS_SHOWN as usize);
            assert_eq!(
                b.months.last().unwrap().monthly_cents,
                b.monthly_total_cents,
                "{engine}: the cancellation is effective after the next billing day"
            );
            let deadline = b.cancel_deadline.as_ref().expect("unassigned seats");
            assert_eq!(deadline.seats, summary.unassigned_seats, "{engine}");
            assert_eq!(deadline.monthly_cents, summary.unassigned_monthly_cents);

            let dir = tempfile::tempdir().unwrap();
            let dest = dir.path().join("costs.csv");
            org.export_cost_breakdown(admin, &dest).unwrap();
            let csv = std::fs::read_to_string(&dest).unwrap();
            let helpdesk = sign_in(org, "priya.nair");
            let refused = dir.path().join("refused.csv");
            assert_eq!(
                org.cost_breakdown(helpdesk).unwrap_err().code(),
                "permission_denied",
                "{engine}"
            );
            assert_eq!(
                org.export_cost_breakdown(helpdesk, &refused)
                    .unwrap_err()
                    .code(),
                "permission_denied"
            );
            assert!(!refused.exists(), "{engine}");
            (b, csv)
        });
    }
}
