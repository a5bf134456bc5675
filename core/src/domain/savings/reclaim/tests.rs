//! The savings lines and the reclaim step, against the demo organization in a temporary file.

use super::*;
use crate::domain::savings::lines::{ReclaimAction, Savings, SavingsLine, SavingsReason};
use crate::tests::testing::{demo_org, product_id, sign_in, snapshot};

fn list(org: &mut Org) -> Savings {
    let admin = sign_in(org, "dana.reyes");
    org.savings(admin).unwrap()
}

fn line_of<'a>(s: &'a Savings, name: &str) -> &'a SavingsLine {
    s.lines
        .iter()
        .find(|l| l.user_name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no savings line for {name}"))
}

fn user_lines(s: &Savings, pred: impl Fn(&SavingsReason) -> bool) -> Vec<&SavingsLine> {
    s.lines
        .iter()
        .filter(|l| l.user_id.is_some() && l.reasons.iter().any(&pred))
        .collect()
}

fn scalar(org: &Org, sql: &str) -> i64 {
    org.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn archives(org: &Org) -> usize {
    std::fs::read_dir(&org.archive_dir)
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Everything a reclaim could change, the audit log aside.
fn state(org: &Org) -> String {
    snapshot(
        org,
        &[
            "users",
            "seats",
            "phone_numbers",
            "cancellation_requests",
            "call_history",
            "voicemails",
            "device_activations",
            "safety_archives",
        ],
    )
}

fn remove(user_id: i64) -> ReclaimItem {
    ReclaimItem::Remove { user_id }
}

fn request(items: Vec<ReclaimItem>) -> ReclaimRequest {
    ReclaimRequest { items }
}

#[test]
fn the_demo_shows_every_kind_of_line_with_what_it_costs_a_month() {
    let (_dir, mut org) = demo_org();
    let s = list(&mut org);
    let suspended = user_lines(&s, |r| *r == SavingsReason::Suspended);
    assert!(!suspended.is_empty(), "a suspended user with a seat");
    for l in &suspended {
        assert_eq!(l.suggested, ReclaimAction::Remove);
        assert!(l.reason.starts_with("Suspended"), "{}", l.reason);
    }
    let idle = user_lines(&s, |r| matches!(r, SavingsReason::Idle { .. }));
    assert!(idle.len() >= 2, "idle users: {idle:?}");
    assert!(
        idle[0].reason.contains("No calls in 60 days"),
        "{}",
        idle[0].reason
    );
    let over = user_lines(&s, |r| matches!(r, SavingsReason::OverLicensed { .. }));
    let over = over.first().expect("an over-licensed user");
    assert_eq!(over.product_name, "Voice Pro");
    let down = over.step_down.as_ref().unwrap();
    assert_eq!(down.product_name, "Voice Essentials");
    assert_eq!(over.suggested, ReclaimAction::StepDown);
    assert!(
        over.reason
            .contains("Voice Essentials keeps all their data"),
        "{}",
        over.reason
    );
    let unassigned: Vec<&SavingsLine> = s.lines.iter().filter(|l| l.user_id.is_none()).collect();
    let pro = unassigned
        .iter()
        .find(|l| l.product_name == "Voice Pro")
        .unwrap();
    assert_eq!((pro.quantity, pro.monthly_cost_cents), (2, 2 * 3200));
    // A user's line costs the product's monthly price; the total is their sum.
    for l in s.lines.iter().filter(|l| l.user_id.is_some()) {
        let price: i64 = org
            .conn()
            .query_row(
                "SELECT monthly_price_cents FROM products WHERE id = ?1",
                [l.product_id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(l.monthly_cost_cents, price, "{:?}", l.user_name);
    }
    assert_eq!(
        s.total_monthly_cents,
        s.lines.iter().map(|l| l.monthly_cost_cents).sum::<i64>()
    );
    // One line per user, whatever the number of reasons.
    let mut keys: Vec<&str> = s.lines.iter().map(|l| l.key.as_str()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), s.lines.len());
}

#[test]
fn a_user_who_uses_call_recording_is_not_offered_a_license_without_it() {
    let (_dir, mut org) = demo_org();
    let s = list(&mut org);
    let recorders: Vec<i64> = {
        let mut stmt = org
            .conn()
            .prepare("SELECT DISTINCT user_id FROM call_recordings")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    assert!(!recorders.is_empty());
    for l in user_lines(&s, |r| matches!(r, SavingsReason::OverLicensed { .. })) {
        assert!(
            !recorders.contains(&l.user_id.unwrap()),
            "{:?}",
            l.user_name
        );
    }
    // And the step itself refuses it, changing nothing.
    let admin = sign_in(&mut org, "dana.reyes");
    let recorder = recorders
        .iter()
        .map(|id| directory::user_detail(org.conn(), *id).unwrap())
        .find(|u| {
            u.license
                .as_ref()
                .is_some_and(|l| l.product_name == "Voice Pro")
        })
        .unwrap();
    let before = state(&org);
    let err = org
        .reclaim(
            admin,
            &request(vec![ReclaimItem::StepDown {
                user_id: recorder.id,
                product_id: product_id(&org, "Voice Essentials"),
            }]),
            None,
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("call recording"), "{err}");
    assert_eq!(state(&org), before);
}

#[test]
fn idle_means_no_call_in_the_set_number_of_days() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    // A licensed active user with one call 10 days ago. (The demo's activity dates are
    // fixed: on a later day every demo user may already be idle at 60 days, so nothing is
    // assumed about the others.)
    let user_id: i64 = org
        .conn()
        .query_row(
            "SELECT u.id FROM users u JOIN seats s ON s.user_id = u.id JOIN products p ON p.id = s.product_id
             WHERE u.status = 'active' AND p.family = 'voice' ORDER BY u.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let ten_days_ago =
        crate::base::clock::timestamp(chrono::Utc::now() - chrono::Duration::days(10));
    org.conn()
        .execute("DELETE FROM call_history WHERE user_id = ?1", [user_id])
        .unwrap();
    org.conn()
        .execute(
            "INSERT INTO call_history (user_id, started_at, direction, remote_number, duration_seconds)
             VALUES (?1, ?2, 'outbound', '+15125550100', 60)",
            rusqlite::params![user_id, ten_days_ago],
        )
        .unwrap();
    let is_idle = |s: &Savings| {
        s.lines.iter().any(|l| {
            l.user_id == Some(user_id)
                && l.reasons
                    .iter()
                    .any(|r| matches!(r, SavingsReason::Idle { .. }))
        })
    };
    assert_eq!(org.savings_idle_days(admin).unwrap(), 60);
    assert!(!is_idle(&org.savings(admin).unwrap()));
    assert_eq!(org.set_savings_idle_days(admin, " 7 ").unwrap(), 7);
    let s = org.savings(admin).unwrap();
    assert_eq!(s.idle_days, 7);
    assert!(is_idle(&s));
    let line = line_of(
        &s,
        &directory::user_detail(org.conn(), user_id)
            .unwrap()
            .full_name(),
    )
    .clone();
    assert!(
        line.reason.contains("No calls in 7 days (last on "),
        "{}",
        line.reason
    );
    // No call at all is idle too.
    org.conn()
        .execute("DELETE FROM call_history WHERE user_id = ?1", [user_id])
        .unwrap();
    org.set_savings_idle_days(admin, "60").unwrap();
    assert!(is_idle(&org.savings(admin).unwrap()));
}

#[test]
fn the_idle_days_setting_is_validated_and_needs_settings_manage() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    for (typed, says) in [
        ("", "is not a whole number"),
        ("sixty", "is not a whole number"),
        ("6", "use 7 to 365 days"),
        ("366", "use 7 to 365 days"),
    ] {
        let err = org.set_savings_idle_days(admin, typed).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{typed:?}");
        assert_eq!(
            err.payload().field.as_deref(),
            Some("idleDays"),
            "{typed:?}"
        );
        assert!(err.to_string().contains(says), "{typed:?}: {err}");
    }
    assert_eq!(org.savings_idle_days(admin).unwrap(), 60);
    let billing = sign_in(&mut org, "lee.chen");
    let err = org.set_savings_idle_days(billing, "90").unwrap_err();
    assert_eq!(err.code(), "permission_denied");
    let it = sign_in(&mut org, "sam.okafor");
    assert_eq!(org.set_savings_idle_days(it, "90").unwrap(), 90);
    assert_eq!(org.savings_idle_days(billing).unwrap(), 90);
    let entries = scalar(
        &org,
        "SELECT count(*) FROM audit_log WHERE action = 'settings.savings_idle_days' AND outcome = 'ok'",
    );
    assert_eq!(entries, 1);
}

#[test]
fn reclaiming_a_suspended_users_seat_removes_it_and_requests_its_cancellation() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let s = list(&mut org);
    let line = user_lines(&s, |r| *r == SavingsReason::Suspended)
        .into_iter()
        .find(|l| l.product_name == "Voice Pro")
        .unwrap()
        .clone();
    let user_id = line.user_id.unwrap();
    let before = org.billing_summary(admin).unwrap();
    let req = request(vec![remove(user_id)]);
    let preview = org.reclaim_preview(admin, &req).unwrap();
    assert_eq!(preview.removals, 1);
    assert_eq!(preview.saving_cents, 3200);
    assert_eq!(preview.current_total_cents, before.monthly_total_cents);
    assert_eq!(preview.new_total_cents, before.monthly_total_cents - 3200);
    assert!(
        preview.question.contains("saving $32.00/month"),
        "{}",
        preview.question
    );
    assert!(preview.steps[0].deletes_data);
    let done = org.reclaim(admin, &req, None).unwrap();
    assert_eq!(done.preview, preview);
    assert_eq!(done.safety_archives, 1);
    assert_eq!(archives(&org), 1, "the removal wrote its safety archive");
    let user = directory::user_detail(org.conn(), user_id).unwrap();
    assert!(user.license.is_none() && user.extension.is_none());
    let after = org.billing_summary(admin).unwrap();
    assert_eq!(after.monthly_total_cents, before.monthly_total_cents);
    assert_eq!(
        after.total_after_pending_cents,
        before.total_after_pending_cents - 3200
    );
    let history = org.billing_history(admin).unwrap();
    assert!(matches!(
        &history[0],
        crate::BillingEvent::Cancellation { quantity: 1, product_name, effective_on, .. }
            if product_name == "Voice Pro" && *effective_on == preview.effective_on
    ));
    for action in [
        "license.remove",
        "billing.cancellation_request",
        "savings.reclaim",
    ] {
        let n: i64 = org
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = ?1 AND outcome = 'ok'",
                [action],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{action}");
    }
    // The line is gone, and the pool did not grow: the freed seat is pending cancellation.
    let s = list(&mut org);
    assert!(s.lines.iter().all(|l| l.user_id != Some(user_id)));
    let pro = s
        .lines
        .iter()
        .find(|l| l.user_id.is_none() && l.product_name == "Voice Pro")
        .unwrap();
    assert_eq!(pro.quantity, 2);
}

#[test]
fn a_step_down_keeps_the_data_and_cancels_the_seat_given_up() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let s = list(&mut org);
    let line = user_lines(&s, |r| matches!(r, SavingsReason::OverLicensed { .. }))[0].clone();
    let user_id = line.user_id.unwrap();
    let to = line.step_down.as_ref().unwrap();
    let rows = |org: &Org| {
        snapshot(
            org,
            &[
                "call_history",
                "voicemails",
                "forwarding_rules",
                "device_activations",
            ],
        )
    };
    let data = rows(&org);
    let before = org.billing_summary(admin).unwrap();
    let req = request(vec![ReclaimItem::StepDown {
        user_id,
        product_id: to.product_id,
    }]);
    let done = org.reclaim(admin, &req, None).unwrap();
    assert_eq!(done.preview.step_downs, 1);
    assert_eq!(done.safety_archives, 0);
    assert_eq!(
        done.preview.cancellations,
        vec![ReclaimCancellation {
            product_id: line.product_id,
            product_name: "Voice Pro".into(),
            quantity: 1,
            monthly_cents: 3200,
        }]
    );
    let user = directory::user_detail(org.conn(), user_id).unwrap();
    assert_eq!(
        user.license.as_ref().unwrap().product_name,
        "Voice Essentials"
    );
    assert_eq!(rows(&org), data, "a step down keeps every row");
    // The Essentials seat was a spare one, already billed: the bill drops by the Pro price.
    let after = org.billing_summary(admin).unwrap();
    assert_eq!(
        after.total_after_pending_cents,
        before.total_after_pending_cents - 3200
    );
    assert_eq!(archives(&org), 0);
}

#[test]
fn unassigned_seats_and_a_step_down_into_them_are_counted_once() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let s = list(&mut org);
    let over = user_lines(&s, |r| matches!(r, SavingsReason::OverLicensed { .. }))[0].clone();
    let ess = product_id(&org, "Voice Essentials");
    let pro = product_id(&org, "Voice Pro");
    let before = org.billing_summary(admin).unwrap();
    let req = request(vec![
        ReclaimItem::CancelUnassigned { product_id: ess },
        ReclaimItem::CancelUnassigned { product_id: pro },
        ReclaimItem::StepDown {
            user_id: over.user_id.unwrap(),
            product_id: ess,
        },
    ]);
    let preview = org.reclaim_preview(admin, &req).unwrap();
    let qty = |id: i64| {
        preview
            .cancellations
            .iter()
            .find(|c| c.product_id == id)
            .map(|c| c.quantity)
    };
    assert!(
        preview.question.contains(&format!(
            "moves {} to Voice Essentials, keeping all their data",
            over.user_name.as_deref().unwrap()
        )),
        "{}",
        preview.question
    );
    // Essentials: 2 spare, one taken by the step down; Pro: 2 spare and the one given up.
    assert_eq!((qty(ess), qty(pro)), (Some(1), Some(3)));
    assert_eq!(preview.saving_cents, 2000 + 3 * 3200);
    org.reclaim(admin, &req, None).unwrap();
    let after = org.billing_summary(admin).unwrap();
    assert_eq!(
        after.total_after_pending_cents,
        before.total_after_pending_cents - preview.saving_cents
    );
    let inv = org.license_inventory(admin).unwrap();
    for p in inv
        .iter()
        .filter(|p| p.product_id == ess || p.product_id == pro)
    {
        assert_eq!(p.available, 0, "{}", p.name);
    }
}

#[test]
fn the_export_holds_each_chosen_user_in_one_zip() {
    let (dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let s = list(&mut org);
    let ids: Vec<i64> = user_lines(&s, |r| *r == SavingsReason::Suspended)
        .iter()
        .map(|l| l.user_id.unwrap())
        .collect();
    let dest = dir.path().join("reclaim-export.zip");
    let done = org
        .reclaim(
            admin,
            &request(ids.iter().map(|id| remove(*id)).collect()),
            Some(&dest),
        )
        .unwrap();
    assert_eq!(done.export.unwrap().path, dest.display().to_string());
    let zip = zip::ZipArchive::new(std::fs::File::open(&dest).unwrap()).unwrap();
    for id in &ids {
        assert!(
            (0..zip.len()).any(|i| zip
                .name_for_index(i)
                .is_some_and(|n| n.is_ok_and(|n| n.contains(&format!("-{id}/"))))),
            "user {id} in the export"
        );
    }
    assert_eq!(done.safety_archives as usize, ids.len());
}

#[test]
fn a_failure_in_any_step_leaves_everything_as_it_was() {
    let (dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let s = list(&mut org);
    let suspended = user_lines(&s, |r| *r == SavingsReason::Suspended)[0]
        .user_id
        .unwrap();
    let over = user_lines(&s, |r| matches!(r, SavingsReason::OverLicensed { .. }))[0].clone();
    let req = request(vec![
        remove(suspended),
        ReclaimItem::StepDown {
            user_id: over.user_id.unwrap(),
            product_id: over.step_down.unwrap().product_id,
        },
        ReclaimItem::CancelUnassigned {
            product_id: product_id(&org, "Meetings Plus"),
        },
    ]);
    // The last step, the reclaim's own audit entry, fails.
    org.conn()
        .execute_batch(
            "CREATE TRIGGER fail_reclaim BEFORE INSERT ON audit_log WHEN NEW.action = 'savings.reclaim'
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    let before = state(&org);
    let audit = scalar(&org, "SELECT count(*) FROM audit_log");
    let dest = dir.path().join("export.zip");
    let err = org.reclaim(admin, &req, Some(&dest)).unwrap_err();
    assert_eq!(err.code(), "database");
    assert_eq!(state(&org), before);
    assert_eq!(scalar(&org, "SELECT count(*) FROM audit_log"), audit);
    assert_eq!(archives(&org), 0, "the safety archive is discarded");
    assert!(
        !dest.exists(),
        "the export of a reclaim that did not happen is removed"
    );
    // Without the fault the same request goes through.
    org.conn()
        .execute_batch("DROP TRIGGER fail_reclaim")
        .unwrap();
    org.reclaim(admin, &req, None).unwrap();
}

#[test]
fn each_step_needs_its_permission_and_a_refusal_changes_nothing() {
    let (_dir, mut org) = demo_org();
    let s = list(&mut org);
    let suspended = user_lines(&s, |r| *r == SavingsReason::Suspended)[0]
        .user_id
        .unwrap();
    let over = user_lines(&s, |r| matches!(r, SavingsReason::OverLicensed { .. }))[0].clone();
    let step_down = ReclaimItem::StepDown {
        user_id: over.user_id.unwrap(),
        product_id: over.step_down.unwrap().product_id,
    };
    let unassigned = ReclaimItem::CancelUnassigned {
        product_id: product_id(&org, "Voice Pro"),
    };
    // Helpdesk may not even see the list; IT Admin may not cancel; Billing Admin may cancel
    // unassigned seats but neither remove nor step down; the Auditor only looks.
    let helpdesk = sign_in(&mut org, "priya.nair");
    assert_eq!(
        org.savings(helpdesk).unwrap_err().code(),
        "permission_denied"
    );
    let auditor = sign_in(&mut org, "max.weber");
    assert!(org.savings(auditor).is_ok());
    let cases = [
        ("sam.okafor", vec![remove(suspended)], "Manage billing"),
        ("max.weber", vec![unassigned.clone()], "Manage billing"),
        ("lee.chen", vec![remove(suspended)], "Remove licenses"),
        (
            "lee.chen",
            vec![step_down.clone()],
            "Assign and change licenses",
        ),
    ];
    for (login, items, missing) in cases {
        let actor = sign_in(&mut org, login);
        let before = state(&org);
        let err = org.reclaim(actor, &request(items), None).unwrap_err();
        assert_eq!(err.code(), "permission_denied", "{login}");
        assert!(err.to_string().contains(missing), "{login}: {err}");
        assert_eq!(state(&org), before, "{login}");
        assert_eq!(archives(&org), 0, "{login}");
    }
    let refused = scalar(
        &org,
        "SELECT count(*) FROM audit_log WHERE action = 'savings.reclaim' AND outcome = 'refused'",
    );
    assert_eq!(refused, 4);
    let billing = sign_in(&mut org, "lee.chen");
    let done = org
        .reclaim(billing, &request(vec![unassigned]), None)
        .unwrap();
    assert_eq!(done.preview.cancellations[0].quantity, 2);
}

#[test]
fn a_request_that_frees_nothing_or_names_a_user_twice_is_refused() {
    let (_dir, mut org) = demo_org();
    let admin = sign_in(&mut org, "dana.reyes");
    let err = org.reclaim(admin, &request(vec![]), None).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    let s = list(&mut org);
    let id = user_lines(&s, |r| *r == SavingsReason::Suspended)[0]
        .user_id
        .unwrap();
    let err = org
        .reclaim(admin, &request(vec![remove(id), remove(id)]), None)
        .unwrap_err();
    assert!(err.to_string().contains("chosen twice"), "{err}");
    let unlicensed = crate::tests::testing::unlicensed_user(&org);
    let err = org
        .reclaim(admin, &request(vec![remove(unlicensed.id)]), None)
        .unwrap_err();
    assert_eq!(err.code(), "not_licensed");
    // A step up is not a step down.
    let err = org
        .reclaim(
            admin,
            &request(vec![ReclaimItem::StepDown {
                user_id: id,
                product_id: product_id(&org, "Voice Enterprise"),
            }]),
            None,
        )
        .unwrap_err();
    assert!(err.to_string().contains("not a step down"), "{err}");
    assert_eq!(
        scalar(&org, "SELECT count(*) FROM cancellation_requests"),
        0
    );
}
