//! The rules of licensing, by area. Areas depend on the kernel and storage and on each other
//! in one direction only (docs/ARCHITECTURE.md, "Layers").

pub mod admin;
pub mod billing;
pub mod editor;
pub mod imports;
pub mod licenses;
pub mod savings;
pub mod setup;
pub mod users;
