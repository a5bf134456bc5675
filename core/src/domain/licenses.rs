//! Licenses: the inventory and assigning, changing, removing (with safety archives), bulk
//! steps and offboarding.

pub mod bulk;
pub mod change;
pub mod inventory;
pub mod offboarding;
pub mod removal;
pub mod restore;
pub(crate) mod safety_archive;
