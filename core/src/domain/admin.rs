//! Administration: admin accounts, call recordings, the audit log's export and verification.

pub mod admin_accounts;
pub(crate) mod org_audit;
pub mod recordings;
