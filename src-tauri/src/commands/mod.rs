//! The commands the UI may call. Each takes the signed-in actor, calls core on the blocking
//! pool, and maps the error; native dialogs are shown here and only here.

pub mod admin;
pub mod app;
pub mod backups;
pub mod billing;
pub mod change;
pub mod files;
pub mod licenses;
pub mod long_work;
pub mod organization;
pub mod recordings;
pub mod removal;
pub mod savings;
pub mod setup;
pub mod users_io;

use licensedesk_core::ErrorPayload;

pub type CommandResult<T> = Result<T, ErrorPayload>;
