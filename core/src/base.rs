//! The base layer: values and rules that need no database (errors, permissions, the clock,
//! money, validation, progress, spreadsheet-safe cells). Everything else may use it.

pub mod clock;
pub(crate) mod csv_cell;
pub mod error;
pub mod field;
pub mod money;
pub mod permission;
pub mod progress;
pub mod validate;
