//! What follows a license: number and extension, voicemail, forwarding, app access, devices,
//! the checklist, and the guard the setup editors share.

pub mod app_access;
pub(crate) mod audio;
pub mod checklist;
pub mod devices;
pub mod forwarding;
pub(crate) mod guard;
pub mod numbers;
pub mod voicemail;
