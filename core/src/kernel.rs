//! The kernel: the organization handle (`Org::read`/`Org::change`), actors and sign-in,
//! typed actions with their permission, and the audit chain every change writes to.

pub mod accounts;
pub(crate) mod acting_account;
pub mod action;
pub mod audit;
pub(crate) mod audit_chain;
pub mod org;
