//! One error type for every operation, with a stable `code` for the UI and a message that
//! names the cause. It crosses IPC as `{code, message, field?}` (see [`ErrorPayload`] and
//! docs/ARCHITECTURE.md §Errors).

use serde::Serialize;
use ts_rs::TS;

use crate::base::field::Field;
use crate::base::permission::Permission;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("No {product} licenses are available. A new license must be purchased.")]
    NoLicenseAvailable { product: String },

    #[error("{message}")]
    PermissionDenied {
        permission: Permission,
        message: String,
    },

    #[error("{field}: {message}")]
    InvalidInput { field: Field, message: String },

    #[error("{what} {id} does not exist.")]
    NotFound { what: &'static str, id: i64 },

    #[error("{user} already holds a {product} license. A user holds at most one license.")]
    AlreadyLicensed { user: String, product: String },

    #[error("{user} holds no license, so there is nothing to remove.")]
    NotLicensed { user: String },

    #[error("{user} was changed since you opened it: {changed_by} changed {what} at {changed_at}. Nothing of yours was saved; reload the user and make your change again.")]
    StaleVersion {
        user: String,
        changed_by: String,
        /// The parts changed by that last save ("voicemail and call forwarding").
        what: String,
        changed_at: String,
    },

    #[error("{field}: {value} is already used by {holder}.")]
    AlreadyTaken {
        field: Field,
        value: String,
        holder: String,
    },

    #[error("{field}: {message}")]
    FeatureNotIncluded { field: Field, message: String },

    #[error("Forward to: this rule would send calls in a loop: {path}.")]
    ForwardingLoop { path: String },

    #[error("The account or password is not correct.")]
    InvalidCredentials,

    #[error("The account {login} is disabled. Ask a Super Admin to enable it.")]
    AccountDisabled { login: String },

    #[error("Too many failed sign-ins for {login}. Try again in {seconds} seconds.")]
    SignInThrottled { login: String, seconds: i64 },

    #[error("Too many failed sign-ins on this organization file. Try again in {seconds} seconds.")]
    SignInThrottledForAll { seconds: i64 },

    #[error("You are not signed in.")]
    NotSignedIn,

    #[error("This database was written by a newer version of LicenseDesk (schema {found}; this version knows up to {supported}). Open it with the newer version, or open another file.")]
    DatabaseTooNew { found: i64, supported: i64 },

    #[error("This file is a database of another program ({tables}), not a LicenseDesk organization. LicenseDesk did not change it.")]
    NotAnOrganization { tables: String },

    #[error("This organization file was changed outside LicenseDesk: {differences}. LicenseDesk did not open or change it.")]
    SchemaTampered { differences: String },

    #[error(
        "LicenseDesk cannot write to {path}: the file is read-only. LicenseDesk did not change it."
    )]
    ReadOnlyFile { path: String },

    #[error("The backup {file} cannot be restored: {reason}. Nothing was changed; choose another backup.")]
    BackupUnusable { file: String, reason: String },

    #[error("This safety archive cannot be restored: {reason}. Nothing was changed.")]
    ArchiveUnusable { reason: String },

    #[error("This safety archive is damaged and was not restored: {reason}. Nothing was changed.")]
    ArchiveDamaged { reason: String },

    #[error("The database could not be read or written: {0}")]
    Database(#[from] rusqlite::Error),

    #[error("The database schema could not be brought up to date: {0}")]
    Migration(String),

    #[error("Could not write {path}: {cause}")]
    Io { path: String, cause: String },

    #[error("The server could not be reached: {reason}. Nothing was changed.")]
    ServerUnreachable { reason: String },

    /// A PostgreSQL error with its SQLSTATE (`40001` serialization failure, …).
    #[error("The server could not complete the request ({sqlstate}): {message}")]
    Server { sqlstate: String, message: String },

    /// An operation not yet written for an organization on a server (docs/ARCHITECTURE.md
    /// §Server): refused before anything is read or written.
    #[error("This works on an organization file only; it is not available on a server yet. Nothing was changed.")]
    FileOnly,

    #[error("Cancelled: nothing was changed.")]
    Cancelled,

    #[error("Internal error: {0}")]
    Internal(String),
}

/// Every code [`Error::code`] returns. `make bindings` writes them as the TypeScript union
/// `ErrorCode`, the type of `ErrorPayload.code` in the UI; a test checks the list is complete.
pub const ERROR_CODES: &[&str] = &[
    "no_license_available",
    "permission_denied",
    "invalid_input",
    "not_found",
    "already_licensed",
    "not_licensed",
    "stale_version",
    "already_taken",
    "feature_not_included",
    "forwarding_loop",
    "invalid_credentials",
    "account_disabled",
    "sign_in_throttled",
    "not_signed_in",
    "database_too_new",
    "not_an_organization",
    "read_only_file",
    "schema_tampered",
    "backup_unusable",
    "archive_unusable",
    "archive_damaged",
    "database",
    "migration",
    "io",
    "server_unreachable",
    "server",
    "file_only",
    "cancelled",
    "internal",
];

impl Error {
    /// Stable, machine-readable code; the UI and tests match on it, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NoLicenseAvailable { .. } => "no_license_available",
            Error::PermissionDenied { .. } => "permission_denied",
            Error::InvalidInput { .. } => "invalid_input",
            Error::NotFound { .. } => "not_found",
            Error::AlreadyLicensed { .. } => "already_licensed",
            Error::NotLicensed { .. } => "not_licensed",
            Error::StaleVersion { .. } => "stale_version",
            Error::AlreadyTaken { .. } => "already_taken",
            Error::FeatureNotIncluded { .. } => "feature_not_included",
            Error::ForwardingLoop { .. } => "forwarding_loop",
            Error::InvalidCredentials => "invalid_credentials",
            Error::AccountDisabled { .. } => "account_disabled",
            Error::SignInThrottled { .. } | Error::SignInThrottledForAll { .. } => {
                "sign_in_throttled"
            }
            Error::NotSignedIn => "not_signed_in",
            Error::DatabaseTooNew { .. } => "database_too_new",
            Error::NotAnOrganization { .. } => "not_an_organization",
            Error::ReadOnlyFile { .. } => "read_only_file",
            Error::SchemaTampered { .. } => "schema_tampered",
            Error::BackupUnusable { .. } => "backup_unusable",
            Error::ArchiveUnusable { .. } => "archive_unusable",
            Error::ArchiveDamaged { .. } => "archive_damaged",
            Error::Database(_) => "database",
            Error::Migration(_) => "migration",
            Error::Io { .. } => "io",
            Error::ServerUnreachable { .. } => "server_unreachable",
            Error::Server { .. } => "server",
            Error::FileOnly => "file_only",
            Error::Cancelled => "cancelled",
            Error::Internal(_) => "internal",
        }
    }

    pub fn invalid(field: Field, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field,
            message: message.into(),
        }
    }

    /// The field the error is about, if it is about one.
    pub fn field(&self) -> Option<Field> {
        match self {
            Error::InvalidInput { field, .. }
            | Error::AlreadyTaken { field, .. }
            | Error::FeatureNotIncluded { field, .. } => Some(*field),
            Error::ForwardingLoop { .. } => Some(Field::ForwardTo),
            // Shown next to the License combobox, not only in the alert.
            Error::NoLicenseAvailable { .. } | Error::AlreadyLicensed { .. } => {
                Some(Field::License)
            }
            _ => None,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        let message = self.to_string();
        let field = self.field();
        // Shown next to its field, the message does not repeat the field's label.
        let reason = field.map(|f| {
            message
                .strip_prefix(&format!("{}: ", f.label()))
                .unwrap_or(&message)
                .to_owned()
        });
        ErrorPayload {
            code: self.code().to_owned(),
            field: field.map(Field::key),
            reason,
            message,
        }
    }
}

/// What the UI receives when a command fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ErrorPayload {
    /// One of `ERROR_CODES` (in TypeScript, the union `ErrorCode`).
    #[ts(type = "ErrorCode")]
    pub code: String,
    pub message: String,
    /// The stable key of the field the error is about ([`Field::key`]).
    #[ts(optional, type = "FieldKey")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// With `field`: the message without the field's label, to show next to the field.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.payload().serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of each variant. The match below has no wildcard: a new variant does not
    /// compile until it is added here, and so until its code is checked against ERROR_CODES.
    fn one_of_each() -> Vec<Error> {
        let s = || "x".to_owned();
        let all = vec![
            Error::NoLicenseAvailable { product: s() },
            Error::PermissionDenied {
                permission: Permission::UsersView,
                message: s(),
            },
            Error::invalid(Field::Name, "x"),
            Error::NotFound {
                what: "User",
                id: 1,
            },
            Error::AlreadyLicensed {
                user: s(),
                product: s(),
            },
            Error::NotLicensed { user: s() },
            Error::StaleVersion {
                user: s(),
                changed_by: s(),
                what: s(),
                changed_at: s(),
            },
            Error::AlreadyTaken {
                field: Field::Extension,
                value: s(),
                holder: s(),
            },
            Error::FeatureNotIncluded {
                field: Field::Voicemail,
                message: s(),
            },
            Error::ForwardingLoop { path: s() },
            Error::InvalidCredentials,
            Error::AccountDisabled { login: s() },
            Error::SignInThrottled {
                login: s(),
                seconds: 1,
            },
            Error::SignInThrottledForAll { seconds: 1 },
            Error::NotSignedIn,
            Error::DatabaseTooNew {
                found: 2,
                supported: 1,
            },
            Error::NotAnOrganization { tables: s() },
            Error::SchemaTampered { differences: s() },
            Error::ReadOnlyFile { path: s() },
            Error::BackupUnusable {
                file: s(),
                reason: s(),
            },
            Error::ArchiveUnusable { reason: s() },
            Error::ArchiveDamaged { reason: s() },
            Error::Database(rusqlite::Error::QueryReturnedNoRows),
            Error::Migration(s()),
            Error::Io {
                path: s(),
                cause: s(),
            },
            Error::ServerUnreachable { reason: s() },
            Error::Server {
                sqlstate: s(),
                message: s(),
            },
            Error::FileOnly,
            Error::Cancelled,
            Error::Internal(s()),
        ];
        for e in &all {
            match e {
                Error::NoLicenseAvailable { .. }
                | Error::PermissionDenied { .. }
                | Error::InvalidInput { .. }
                | Error::NotFound { .. }
                | Error::AlreadyLicensed { .. }
                | Error::NotLicensed { .. }
                | Error::StaleVersion { .. }
                | Error::AlreadyTaken { .. }
                | Error::FeatureNotIncluded { .. }
                | Error::ForwardingLoop { .. }
                | Error::InvalidCredentials
                | Error::AccountDisabled { .. }
                | Error::SignInThrottled { .. }
                | Error::SignInThrottledForAll { .. }
                | Error::NotSignedIn
                | Error::DatabaseTooNew { .. }
                | Error::NotAnOrganization { .. }
                | Error::SchemaTampered { .. }
                | Error::ReadOnlyFile { .. }
                | Error::BackupUnusable { .. }
                | Error::ArchiveUnusable { .. }
                | Error::ArchiveDamaged { .. }
                | Error::Database(_)
                | Error::Migration(_)
                | Error::Io { .. }
                | Error::ServerUnreachable { .. }
                | Error::Server { .. }
                | Error::FileOnly
                | Error::Cancelled
                | Error::Internal(_) => {}
            }
        }
        all
    }

    #[test]
    fn error_codes_lists_every_code_once() {
        let mut emitted: Vec<&str> = one_of_each().iter().map(Error::code).collect();
        emitted.sort_unstable();
        emitted.dedup();
        let mut listed = ERROR_CODES.to_vec();
        listed.sort_unstable();
        let before = listed.len();
        listed.dedup();
        assert_eq!(listed.len(), before, "ERROR_CODES names a code twice");
        assert_eq!(emitted, listed);
    }
}
