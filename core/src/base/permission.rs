//! Permissions and the built-in roles: what each permission allows and which roles hold it
//! (docs/ARCHITECTURE.md §Roles).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub enum Permission {
    #[serde(rename = "users.view")]
    UsersView,
    #[serde(rename = "users.edit")]
    UsersEdit,
    #[serde(rename = "licenses.view")]
    LicensesView,
    #[serde(rename = "licenses.assign")]
    LicensesAssign,
    #[serde(rename = "licenses.remove")]
    LicensesRemove,
    #[serde(rename = "billing.view")]
    BillingView,
    #[serde(rename = "billing.manage")]
    BillingManage,
    #[serde(rename = "numbers.manage")]
    NumbersManage,
    #[serde(rename = "settings.manage")]
    SettingsManage,
    #[serde(rename = "recordings.view")]
    RecordingsView,
    #[serde(rename = "audit.view")]
    AuditView,
    #[serde(rename = "admins.manage")]
    AdminsManage,
}

use Permission::*;

impl Permission {
    pub const ALL: [Permission; 12] = [
        UsersView,
        UsersEdit,
        LicensesView,
        LicensesAssign,
        LicensesRemove,
        BillingView,
        BillingManage,
        NumbersManage,
        SettingsManage,
        RecordingsView,
        AuditView,
        AdminsManage,
    ];

    /// The name stored in `role_permissions.permission`.
    pub fn key(self) -> &'static str {
        match self {
            UsersView => "users.view",
            UsersEdit => "users.edit",
            LicensesView => "licenses.view",
            LicensesAssign => "licenses.assign",
            LicensesRemove => "licenses.remove",
            BillingView => "billing.view",
            BillingManage => "billing.manage",
            NumbersManage => "numbers.manage",
            SettingsManage => "settings.manage",
            RecordingsView => "recordings.view",
            AuditView => "audit.view",
            AdminsManage => "admins.manage",
        }
    }

    pub fn from_key(key: &str) -> Option<Permission> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// Whether an operation it allows changes the organization (and so needs the server, on
    /// one); the others only let an administrator look.
    pub fn changes_organization(self) -> bool {
        match self {
            UsersEdit | LicensesAssign | LicensesRemove | BillingManage | NumbersManage
            | SettingsManage | AdminsManage => true,
            UsersView | LicensesView | BillingView | RecordingsView | AuditView => false,
        }
    }

    /// What an administrator reads in a refusal.
    pub fn label(self) -> &'static str {
        match self {
            UsersView => "View users",
            UsersEdit => "Edit users",
            LicensesView => "View licenses",
            LicensesAssign => "Assign and change licenses",
            LicensesRemove => "Remove licenses",
            BillingView => "View billing",
            BillingManage => "Manage billing",
            NumbersManage => "Manage numbers and extensions",
            SettingsManage => "Manage voicemail, forwarding and app settings",
            RecordingsView => "View call recordings",
            AuditView => "View the audit log",
            AdminsManage => "Manage admin accounts",
        }
    }
}

/// A built-in role and what it may do.
pub struct BuiltInRole {
    pub name: &'static str,
    pub permissions: &'static [Permission],
}

pub const BUILT_IN_ROLES: [BuiltInRole; 5] = [
    BuiltInRole {
        name: "Super Admin",
        permissions: &Permission::ALL,
    },
    BuiltInRole {
        name: "IT Admin",
        permissions: &[
            UsersView,
            UsersEdit,
            LicensesView,
            LicensesAssign,
            LicensesRemove,
            NumbersManage,
            SettingsManage,
            RecordingsView,
        ],
    },
    BuiltInRole {
        name: "Billing Admin",
        permissions: &[UsersView, LicensesView, BillingView, BillingManage],
    },
    BuiltInRole {
        name: "Helpdesk",
        permissions: &[UsersView, LicensesView, SettingsManage],
    },
    BuiltInRole {
        name: "Auditor",
        permissions: &[
            UsersView,
            LicensesView,
            BillingView,
            RecordingsView,
            AuditView,
        ],
    },
];
