//! Savings: the seats the business pays for and does not use (suspended holders, idle users,
//! licenses bigger than their use, unassigned seats), and the guided step that reclaims them
//! in one transaction (docs/ARCHITECTURE.md §Savings). Uses the licenses, billing and users
//! areas; none of them uses this one.

pub mod lines;
pub mod reclaim;
