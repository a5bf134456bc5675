//! Tests that span the crate and what they share: the demo fixtures (`testing`), the
//! hostile corpora, the property and permission-matrix tests, migrations and the TypeScript
//! bindings. Tests of one module sit beside it.

mod bindings;
#[cfg(feature = "server")]
pub(crate) mod engines;
pub(crate) mod export_safety;
mod hostile_files;
pub(crate) mod hostile_input;
mod invariants;
pub(crate) mod migration_tests;
mod permission_matrix;
#[cfg(feature = "server")]
pub(crate) use licensedesk_pg_cluster as pg_cluster;
#[cfg(feature = "server")]
mod server_engine;
pub(crate) mod testing;
