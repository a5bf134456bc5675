//! The storage layer: the connection, the migrations, the files beside the database
//! (backups, archives) and the tables' SQL. It knows no rule; the kernel and the domain call it.

pub mod backup;
pub(crate) mod checkpoint;
pub mod db;
pub(crate) mod engine;
pub(crate) mod files;
pub(crate) mod list_order;
pub(crate) mod pre_migration_copy;
pub(crate) mod record_check;
pub(crate) mod settings;
pub(crate) mod tables;
pub(crate) mod user_rows;
// Only the tests use the server engine until the domain runs on it (issue 25).
#[cfg(feature = "server")]
#[cfg_attr(not(test), allow(dead_code, unused_imports))]
pub(crate) mod server;
