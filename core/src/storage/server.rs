//! The PostgreSQL engine, for an organization that several admins share (issue 25,
//! docs/ARCHITECTURE.md §Server). What is here so far: the address and the connection (TLS
//! verified for a server across the network, SCRAM passwords), the server's own schema and
//! its migrations, the append-only audit log ordered by a locked head row, and the
//! transaction runner that retries serialization failures and deadlocks. The rules reach it
//! through the storage interface (`storage::engine`), area by area; the app does not open a
//! server yet (the crate feature `server` is off in its build) until every area runs on both.

mod address;
pub(crate) mod change_feed;
mod migration;
pub(crate) mod organization_copy;
mod transaction;

pub(crate) use address::ServerAddress;
pub(crate) use migration::{migrate, SCHEMA_VERSION};
pub(crate) use transaction::in_change;

use crate::base::error::Error;

/// The SQLSTATE of a failed statement, when the server answered with one.
pub(crate) fn sqlstate(e: &postgres::Error) -> Option<&str> {
    e.code().map(postgres::error::SqlState::code)
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        if let Some(db) = e.as_db_error() {
            let sqlstate = db.code().code();
            // Connection exceptions, and the server shutting down or ending this session.
            if sqlstate.starts_with("08") || sqlstate.starts_with("57P") {
                return Error::ServerUnreachable {
                    reason: db.message().to_owned(),
                };
            }
            return Error::Server {
                sqlstate: db.code().code().to_owned(),
                message: db.message().to_owned(),
            };
        }
        // A value of another type than the code reads or binds: a bug, not the network.
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            if s.is::<postgres::types::WrongType>() {
                return Error::Internal(e.to_string());
            }
            source = s.source();
        }
        // No answer from the server: the connection is gone or was never made.
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            reason.push_str(": ");
            reason.push_str(&s.to_string());
            source = s.source();
        }
        Error::ServerUnreachable { reason }
    }
}
