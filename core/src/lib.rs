//! licensedesk-core: every rule and all storage of LicenseDesk. Nothing here knows about
//! windows; the Tauri shell only translates.

pub mod about;
pub mod accounts;
mod acting_account;
pub mod action;
pub mod admin_accounts;
pub mod app_access;
mod audio;
pub mod audit;
mod audit_chain;
pub mod backup;
pub mod billing;
pub mod bulk;
pub mod bundle;
pub mod change;
mod checkpoint;
pub mod clock;
mod csv_cell;
pub mod damaged_restore;
pub mod db;
pub mod demo;
pub mod devices;
pub mod error;
mod features;
mod files;
pub mod forwarding;
#[doc(hidden)]
pub mod fuzzing;
pub mod input_file;
pub mod licenses;
mod list_order;
pub mod money;
pub mod new_user;
pub mod numbers;
pub mod offboarding;
pub mod open_failure;
pub mod org;
mod org_audit;
mod org_backups;
mod org_open;
pub mod org_setup;
pub mod permission;
mod pre_migration_copy;
pub mod progress;
mod record_check;
pub mod recordings;
pub mod removal;
mod safety_archive;
mod settings;
pub mod setup;
mod setup_guard;
pub mod user_csv;
mod user_data;
pub mod user_edits;
pub mod users;
pub mod validate;
pub mod voicemail;

// Test-only code: fixtures, the hostile corpora, property and matrix tests, the bindings.
#[cfg(test)]
mod tests;

/// Test-only (feature `power-cut-trace`): the file steps the power-loss test models.
#[cfg(feature = "power-cut-trace")]
#[doc(hidden)]
pub use files::trace as power_cut_trace;

pub use about::{AppInfo, MenuCommand};
pub use accounts::{AccountChoice, MissingPermission, SessionInfo};
pub use admin_accounts::{AccountRow, AccountUpdate, NewAccount};
pub use app_access::{App, AppAccessRow, AppAccessUpdate};
pub use audit::{AuditPage, AuditQuery, AuditRow, AuditVerification};
pub use backup::{BackupInfo, BackupOverview, BackupReason, DailyBackup, RestoreReceipt};
pub use billing::{
    BillingEvent, BillingLine, BillingSummary, CancellationStatus, CostPreview, SeatChange,
};
pub use bulk::{BulkAction, BulkLine, BulkPreview, BulkReceipt, BulkRequest};
pub use bundle::BundleReceipt;
pub use change::{ChangeKind, ChangeLicense, ChangePreview, ChangeReceipt};
pub use damaged_restore::DamagedRestoreReceipt;
pub use devices::{ActivateDevice, DeviceRow, DeviceType};
pub use error::{Error, ErrorPayload, Result, ERROR_CODES};
pub use forwarding::{ForwardCondition, ForwardingRuleInput, ForwardingRuleRow};
pub use licenses::{AssignLicense, Feature, LicenseFamily, ProductInventory};
pub use new_user::{NewUser, Site};
pub use numbers::SetNumbers;
pub use offboarding::{OffboardReceipt, OffboardUser};
pub use open_failure::{FailureKind, OpenFailure};
pub use org::{Actor, Org};
pub use org_setup::{OrgSetup, ProductSetup};
pub use permission::Permission;
pub use progress::{Progress, ProgressEvent, Unwatched};
pub use recordings::{RecordingQuery, RecordingRow};
pub use removal::{
    safety_archive_kept, DeletedKind, RemovalImpact, RemovalReceipt, RemoveLicense, SafetyArchive,
    SAFETY_ARCHIVE_DAYS,
};
pub use setup::{ChecklistItem, SetupState, UserSetup};
pub use user_csv::{ImportIssue, ImportLine, ImportPreview, ImportReceipt, SeatNeed};
pub use user_edits::{LicenseEdit, SavedUserEdits, UserEdits};
pub use users::{
    HeldLicense, LicenseFilter, UserCursor, UserDetail, UserPage, UserQuery, UserRow, UserStatus,
};
pub use voicemail::{CustomGreeting, VoicemailSetup, VoicemailUpdate};
