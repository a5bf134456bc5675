//! The file lifecycle: opening an organization file, backups and damaged-file restore, the
//! demo organization, first-run setup and the app's About.

pub mod about;
pub mod damaged_restore;
pub mod demo;
#[cfg(feature = "server")]
pub mod move_to_server;
pub mod open_failure;
pub(crate) mod org_backups;
pub(crate) mod org_open;
pub mod org_setup;
#[cfg(feature = "server")]
pub mod server_watch;
