//! licensedesk-core: every rule and all storage of LicenseDesk. Nothing here knows about
//! windows; the Tauri shell only translates.

pub mod accounts;
pub mod admin_accounts;
mod audio;
pub mod audit;
pub mod backup;
pub mod billing;
pub mod bundle;
pub mod change;
pub mod clock;
pub mod db;
pub mod demo;
pub mod error;
mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod licenses;
pub mod money;
pub mod org;
pub mod permission;
pub mod recordings;
pub mod removal;
mod settings;
mod user_data;
pub mod users;

#[cfg(test)]
mod bindings;
#[cfg(test)]
mod hostile_input;
#[cfg(test)]
mod invariants;
#[cfg(test)]
mod migration_tests;
#[cfg(test)]
mod permission_matrix;
#[cfg(test)]
mod testing;

pub use accounts::{AccountChoice, MissingPermission, SessionInfo};
pub use admin_accounts::{AccountRow, AccountUpdate, NewAccount};
pub use audit::{AuditPage, AuditQuery, AuditRow, AuditVerification};
pub use backup::{BackupInfo, BackupOverview, BackupReason, RestoreReceipt};
pub use billing::{
    BillingEvent, BillingLine, BillingSummary, CancellationStatus, CostPreview, SeatChange,
};
pub use bundle::BundleReceipt;
pub use change::{ChangeKind, ChangeLicense, ChangePreview, ChangeReceipt};
pub use db::OpenFailure;
pub use error::{Error, ErrorPayload, Result};
pub use licenses::{AssignLicense, Feature, LicenseFamily, ProductInventory};
pub use org::{Actor, Org};
pub use permission::Permission;
pub use recordings::{RecordingQuery, RecordingRow};
pub use removal::{RemovalImpact, RemovalReceipt, RemoveLicense, SafetyArchive};
pub use users::{
    HeldLicense, LicenseFilter, UserCursor, UserDetail, UserPage, UserQuery, UserRow, UserStatus,
};
