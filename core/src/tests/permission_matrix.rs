//! Every operation with every built-in role: allowed exactly when the role table in
//! permission.rs (docs/ARCHITECTURE.md §Roles) says so, and a refusal changes nothing but the
//! audit log.

use crate::base::permission::{Permission, BUILT_IN_ROLES};
use crate::domain::billing::SeatChange;
use crate::tests::testing::{demo_org, product_id, sign_in, unlicensed_user, user_on};
use crate::{Actor, AssignLicense, ChangeLicense, LicenseFilter, Org, RemoveLicense, UserQuery};

type Operation = (
    &'static str,
    Permission,
    fn(&mut Org, Actor, &std::path::Path) -> crate::Result<()>,
);

const OPERATIONS: &[Operation] = &[
    ("search users", Permission::UsersView, |org, a, _| {
        let q = UserQuery {
            search: String::new(),
            license: LicenseFilter::Any,
            status: None,
            after: None,
            limit: 10,
        };
        org.search_users(a, &q).map(drop)
    }),
    (
        "license inventory",
        Permission::LicensesView,
        |org, a, _| org.license_inventory(a).map(drop),
    ),
    ("assign", Permission::LicensesAssign, |org, a, _| {
        let u = unlicensed_user(org);
        let product_id = product_id(org, "Voice Pro");
        org.assign_license(a, &AssignLicense::of(&u, product_id))
            .map(drop)
    }),
    (
        "change within the family",
        Permission::LicensesAssign,
        |org, a, _| {
            let u = user_on(org, "Voice Pro");
            let product_id = product_id(org, "Voice Essentials");
            let req = ChangeLicense::of(&u, product_id);
            org.change_license(a, &req).map(drop)
        },
    ),
    ("removal impact", Permission::LicensesRemove, |org, a, _| {
        let u = user_on(org, "Voice Pro");
        org.removal_impact(a, u.id).map(drop)
    }),
    (
        "export user data",
        Permission::LicensesRemove,
        |org, a, dir| {
            let u = user_on(org, "Voice Pro");
            org.export_user_data(a, u.id, &dir.join("export.zip"), &mut crate::Unwatched)
                .map(drop)
        },
    ),
    ("remove", Permission::LicensesRemove, |org, a, _| {
        let u = user_on(org, "Voice Pro");
        org.remove_license(a, &RemoveLicense::of(&u)).map(drop)
    }),
    ("billing summary", Permission::BillingView, |org, a, _| {
        org.billing_summary(a).map(drop)
    }),
    ("purchase", Permission::BillingManage, |org, a, _| {
        let req = SeatChange {
            product_id: product_id(org, "Voice Pro"),
            quantity: "1".into(),
        };
        org.purchase_licenses(a, &req).map(drop)
    }),
    (
        "request cancellation",
        Permission::BillingManage,
        |org, a, _| {
            let req = SeatChange {
                product_id: product_id(org, "Voice Pro"),
                quantity: "1".into(),
            };
            org.request_cancellation(a, &req).map(drop)
        },
    ),
    ("savings", Permission::BillingView, |org, a, _| {
        org.savings(a).map(drop)
    }),
    // Cancelling unassigned seats needs only billing.manage; a removal or step down needs
    // licenses.remove or licenses.assign as well (domain/savings/reclaim/tests.rs).
    (
        "reclaim unassigned seats",
        Permission::BillingManage,
        |org, a, _| {
            let req = crate::ReclaimRequest {
                items: vec![crate::ReclaimItem::CancelUnassigned {
                    product_id: product_id(org, "Voice Pro"),
                }],
            };
            org.reclaim(a, &req, None).map(drop)
        },
    ),
    (
        "savings idle days",
        Permission::SettingsManage,
        |org, a, _| org.set_savings_idle_days(a, "90").map(drop),
    ),
    ("recordings", Permission::RecordingsView, |org, a, _| {
        org.recordings(a, &crate::RecordingQuery { user_id: None })
            .map(drop)
    }),
    ("add user", Permission::UsersEdit, |org, a, _| {
        let site_id: i64 = org
            .conn()
            .query_row("SELECT min(id) FROM sites", [], |r| r.get(0))?;
        let new = crate::NewUser {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada.lovelace@example.com".into(),
            department: String::new(),
            site_id: Some(site_id),
        };
        org.add_user(a, &new).map(drop)
    }),
    (
        "set number and extension",
        Permission::NumbersManage,
        |org, a, _| {
            let u = user_on(org, "Voice Pro");
            let req = crate::SetNumbers {
                user_id: u.id,
                expected_version: u.version,
                extension: None,
                phone_number: None,
            };
            org.set_numbers(a, &req).map(drop)
        },
    ),
    ("voicemail", Permission::SettingsManage, |org, a, _| {
        let u = user_on(org, "Voice Pro");
        let req = crate::VoicemailUpdate {
            user_id: u.id,
            enabled: true,
            email_notification: false,
            pin: "480916".into(),
        };
        org.set_voicemail(a, &req).map(drop)
    }),
    (
        "call forwarding",
        Permission::SettingsManage,
        |org, a, _| {
            let u = user_on(org, "Voice Pro");
            let req = crate::ForwardingRuleInput {
                user_id: u.id,
                condition: crate::ForwardCondition::Busy,
                destination: "+15125550199".into(),
                rings: None,
            };
            org.set_forwarding_rule(a, &req).map(drop)
        },
    ),
    ("app access", Permission::SettingsManage, |org, a, _| {
        let u = user_on(org, "Voice Pro");
        let req = crate::AppAccessUpdate {
            user_id: u.id,
            enabled: vec![crate::App::WebApp],
        };
        org.set_app_access(a, &req).map(drop)
    }),
    (
        "activate device",
        Permission::SettingsManage,
        |org, a, _| {
            let u = user_on(org, "Voice Pro");
            let req = crate::ActivateDevice {
                user_id: u.id,
                device_type: crate::DeviceType::DeskPhone,
                model: "Yealink T54W".into(),
                mac_address: "80:5E:C0:12:34:56".into(),
            };
            org.activate_device(a, &req).map(drop)
        },
    ),
    // Needs licenses.remove and numbers.manage too; the roles with users.edit have both.
    ("offboard", Permission::UsersEdit, |org, a, _| {
        let u = user_on(org, "Voice Pro");
        let req = crate::OffboardUser::of(&u);
        org.offboard_user(a, &req).map(drop)
    }),
    ("audit log", Permission::AuditView, |org, a, _| {
        org.audit_log(
            a,
            &crate::kernel::audit::AuditQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .map(drop)
    }),
];

/// Everything but the audit log, as text.
fn state(org: &Org) -> String {
    crate::tests::testing::snapshot(
        org,
        &[
            "users",
            "seats",
            "phone_numbers",
            "orders",
            "cancellation_requests",
            "call_history",
            "voicemails",
            "voicemail_settings",
            "forwarding_rules",
            "app_access",
            "device_activations",
        ],
    )
}

#[test]
fn every_operation_with_every_role_follows_the_design() {
    let accounts = [
        ("dana.reyes", "Super Admin"),
        ("sam.okafor", "IT Admin"),
        ("lee.chen", "Billing Admin"),
        ("priya.nair", "Helpdesk"),
        ("max.weber", "Auditor"),
    ];
    for (login, role_name) in accounts {
        let role = BUILT_IN_ROLES.iter().find(|r| r.name == role_name).unwrap();
        for (name, permission, run) in OPERATIONS {
            let (dir, mut org) = demo_org();
            let actor = sign_in(&mut org, login);
            let before = state(&org);
            let result = run(&mut org, actor, dir.path());
            let allowed = role.permissions.contains(permission);
            match result {
                Ok(()) => assert!(allowed, "{role_name} may not {name}, yet it succeeded"),
                Err(e) => {
                    assert!(!allowed, "{role_name} may {name}, yet: {e}");
                    assert_eq!(e.code(), "permission_denied", "{role_name} {name}");
                    assert!(e.to_string().contains(permission.label()), "{e}");
                    assert_eq!(
                        state(&org),
                        before,
                        "{role_name} {name}: a refusal changed something"
                    );
                }
            }
        }
    }
}
