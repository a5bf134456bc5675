//! licensedesk-core: every rule and all storage of LicenseDesk. Nothing here knows about
//! windows; the Tauri shell only translates.

pub mod base;
pub mod domain;
#[doc(hidden)]
pub mod fuzzing;
pub mod kernel;
pub mod lifecycle;
pub mod storage;

// Test-only code: fixtures, the hostile corpora, property and matrix tests, the bindings.
#[cfg(test)]
mod tests;

/// Test-only (feature `power-cut-trace`): the file steps the power-loss test models.
#[cfg(feature = "power-cut-trace")]
#[doc(hidden)]
pub use storage::files::trace as power_cut_trace;

pub use base::error::{Error, ErrorPayload, Result, ERROR_CODES};
pub use base::field::{Field, ProductPart};
pub use base::permission::Permission;
pub use base::progress::{Progress, ProgressEvent, Unwatched};
pub use domain::admin::admin_accounts::{AccountRow, AccountUpdate, NewAccount};
pub use domain::admin::recordings::{RecordingQuery, RecordingRow};
pub use domain::billing::cost_breakdown::{CancelDeadline, CostBreakdown, CostGroup, MonthCost};
pub use domain::billing::{
    BillingEvent, BillingLine, BillingSummary, CancellationStatus, CostPreview, SeatChange,
};
pub use domain::editor::new_user::{NewUser, Site};
pub use domain::editor::user_edits::{LicenseEdit, SavedUserEdits, UserEdits};
pub use domain::imports::columns::{ImportField, MappingSource};
pub use domain::imports::user_csv::{
    FileColumn, ImportChoices, ImportIssue, ImportLine, ImportPreview, ImportReceipt, OtherLicense,
    SeatNeed,
};
pub use domain::licenses::bulk::{BulkAction, BulkLine, BulkPreview, BulkReceipt, BulkRequest};
pub use domain::licenses::change::{ChangeKind, ChangeLicense, ChangePreview, ChangeReceipt};
pub use domain::licenses::inventory::{AssignLicense, ProductInventory};
pub use domain::licenses::offboarding::{OffboardReceipt, OffboardUser};
pub use domain::licenses::removal::{
    safety_archive_kept, DeletedKind, RemovalImpact, RemovalReceipt, RemoveLicense, SafetyArchive,
    SAFETY_ARCHIVE_DAYS,
};
pub use domain::licenses::restore::{
    ArchiveRestoreReceipt, NumberOutcome, ReactivateUser, ReactivationPreview, ReactivationReceipt,
    RestoreChoice, RestorePreview, RestoreRequest, UserRestore,
};
pub use domain::savings::lines::{
    ReclaimAction, Savings, SavingsLine, SavingsReason, StepDown, DEFAULT_IDLE_DAYS,
};
pub use domain::savings::reclaim::{
    ReclaimCancellation, ReclaimItem, ReclaimPreview, ReclaimReceipt, ReclaimRequest, ReclaimStep,
};
pub use domain::setup::app_access::{App, AppAccessRow, AppAccessUpdate};
pub use domain::setup::checklist::{ChecklistItem, SetupState, UserSetup};
pub use domain::setup::devices::{ActivateDevice, DeviceRow, DeviceType};
pub use domain::setup::forwarding::{ForwardCondition, ForwardingRuleInput, ForwardingRuleRow};
pub use domain::setup::numbers::SetNumbers;
pub use domain::setup::voicemail::{CustomGreeting, VoicemailSetup, VoicemailUpdate};
pub use domain::users::bundle::BundleReceipt;
pub use domain::users::directory::{
    HeldLicense, LicenseFilter, UserCursor, UserDetail, UserPage, UserQuery, UserRow, UserStatus,
};
pub use domain::users::features::{Feature, LicenseFamily};
pub use kernel::accounts::{AccountChoice, LockedBecause, MissingPermission, SessionInfo};
pub use kernel::audit::{AuditPage, AuditQuery, AuditRow, AuditVerification};
pub use kernel::org::{Actor, Org};
pub use lifecycle::about::{AppInfo, MenuCommand, ServerStatus};
pub use lifecycle::damaged_restore::DamagedRestoreReceipt;
pub use lifecycle::open_failure::{FailureKind, OpenFailure};
pub use lifecycle::org_open::is_server_address;
#[cfg(feature = "server")]
pub use lifecycle::org_open::shown_server_address;
pub use lifecycle::org_setup::{OrgSetup, ProductSetup};
#[cfg(feature = "server")]
pub use lifecycle::server_watch::{ServerNews, ServerWatch};
pub use storage::backup::{BackupInfo, BackupOverview, BackupReason, DailyBackup, RestoreReceipt};
