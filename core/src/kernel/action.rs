//! Every operation that changes an organization, with its audit key and the permission it
//! needs, declared once: [`crate::Org`]'s `change` takes an [`Action`], its refusals and
//! audit entries use the key, and the TypeScript bindings carry the table so that the window
//! never restates a permission name (docs/ARCHITECTURE.md §Layers).

use serde::Serialize;
use ts_rs::TS;

use crate::base::permission::Permission;

macro_rules! actions {
    ($($name:ident = $key:literal needs $permission:ident,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
        pub enum Action {
            $(#[serde(rename = $key)] $name,)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$name,)*];

            /// The action as the audit log records it.
            pub fn key(self) -> &'static str {
                match self {
                    $(Action::$name => $key,)*
                }
            }

            /// What the acting account needs before anything is read or written. Some steps
            /// need more, checked where they apply (a save that removes a license).
            pub fn permission(self) -> Permission {
                match self {
                    $(Action::$name => Permission::$permission,)*
                }
            }
        }
    };
}

actions! {
    LicenseAssign = "license.assign" needs LicensesAssign,
    LicenseChange = "license.change" needs LicensesAssign,
    LicenseRemove = "license.remove" needs LicensesRemove,
    LicenseBulk = "license.bulk" needs LicensesAssign,
    LicenseBulkRemove = "license.bulk_remove" needs LicensesRemove,
    LicenseRestore = "license.restore" needs LicensesAssign,
    UserReactivate = "user.reactivate" needs UsersEdit,
    UserAdd = "user.add" needs UsersEdit,
    UserSave = "user.save" needs UsersView,
    UserNumbers = "user.numbers" needs NumbersManage,
    UserOffboard = "user.offboard" needs UsersEdit,
    UserExport = "user.export" needs LicensesRemove,
    UsersExport = "users.export" needs UsersView,
    UsersImport = "users.import" needs UsersEdit,
    VoicemailUpdate = "voicemail.update" needs SettingsManage,
    VoicemailGreeting = "voicemail.greeting" needs SettingsManage,
    ForwardingSet = "forwarding.set" needs SettingsManage,
    ForwardingDelete = "forwarding.delete" needs SettingsManage,
    DeviceActivate = "device.activate" needs SettingsManage,
    DeviceDeactivate = "device.deactivate" needs SettingsManage,
    AppsUpdate = "apps.update" needs SettingsManage,
    RecordingExport = "recording.export" needs RecordingsView,
    BillingPurchase = "billing.purchase" needs BillingManage,
    BillingCancellationRequest = "billing.cancellation_request" needs BillingManage,
    BillingCancellationWithdraw = "billing.cancellation_withdraw" needs BillingManage,
    SavingsReclaim = "savings.reclaim" needs BillingManage,
    SavingsIdleDays = "settings.savings_idle_days" needs SettingsManage,
    BackupCreate = "backup.create" needs AdminsManage,
    BackupRestore = "backup.restore" needs AdminsManage,
    AuditExport = "audit.export" needs AuditView,
    AccountCreate = "account.create" needs AdminsManage,
    AccountUpdate = "account.update" needs AdminsManage,
    AccountResetPassword = "account.reset_password" needs AdminsManage,
}

/// The action → permission table for the window, as TypeScript (written by the bindings test).
#[cfg(test)]
pub(crate) fn permissions_table() -> String {
    let mut out = String::from("const ACTION_PERMISSIONS: Record<Action, Permission> = {\n");
    for a in Action::ALL {
        out.push_str(&format!(
            "  \"{}\": {},\n",
            a.key(),
            serde_json::to_string(&a.permission()).expect("a permission serializes")
        ));
    }
    out.push_str("};");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_serialize_as_themselves() {
        let mut keys: Vec<&str> = Action::ALL.iter().map(|a| a.key()).collect();
        for a in Action::ALL {
            assert_eq!(
                serde_json::to_string(a).unwrap(),
                format!("\"{}\"", a.key())
            );
        }
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), Action::ALL.len());
    }
}
