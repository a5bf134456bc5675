//! "Move to a server" (issue 25): an organization's file copied into an empty database on a
//! PostgreSQL server in one transaction, proven whole before it commits (the same rows in
//! every table, the same seat counts, an audit chain that verifies and ends at the same
//! head as the file's). The file itself is only read: it stays as it was, a complete
//! organization of its own.

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::kernel::acting_account::Actor;
use crate::kernel::audit::first_broken_entry_on_server;
use crate::kernel::audit_chain::{self, ChainHead};
use crate::kernel::org::Org;
use crate::storage::server::organization_copy as copy;
use crate::storage::server::{self, ServerAddress};
use crate::storage::tables::audit_log::on_server as server_log;

/// What was moved: the rows of each table, and the audit head both now report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerMove {
    pub tables: Vec<(String, i64)>,
    pub audit_head: ChainHead,
}

impl ServerMove {
    /// What the window says once the organization is on the server named `shown`.
    pub fn summary(&self, shown: &str) -> String {
        let rows = |table: &str| {
            self.tables
                .iter()
                .find(|(t, _)| t == table)
                .map_or(0, |(_, n)| *n)
        };
        format!(
            "Moved to {shown}: {} users, {} seats and {} audit entries, each table checked \
             against the file. The file is unchanged; from now on, work on the server. Sign in \
             to go on.",
            rows("users"),
            rows("seats"),
            self.audit_head.count
        )
    }
}

impl Org {
    /// Copies this organization to the empty database at `address`. Super Admins only:
    /// every account's password hash leaves the file with it.
    pub fn move_to_server(&self, actor: Actor, address: &str) -> Result<ServerMove> {
        self.read(actor, Permission::AdminsManage, |conn| {
            let address = ServerAddress::parse(address)?;
            let mut client = address.connect()?;
            server::migrate(&mut client)?;
            // One snapshot of the file for the copy and the counts that check it.
            let snapshot = conn.unchecked_transaction()?;
            let file_head = audit_chain::head(&snapshot)?;
            let file_counts = copy::file_counts(&snapshot)?;
            let file_tallies = copy::file_tallies(&snapshot)?;
            server::in_change(&mut client, |tx| {
                let held: i64 = copy::server_counts(tx)?.iter().map(|(_, n)| n).sum();
                if held > 0 {
                    return Err(Error::invalid(
                        Field::Server,
                        format!("the database already holds an organization ({held} rows): choose an empty database. Nothing was copied"),
                    ));
                }
                let tables = copy::copy_rows(&snapshot, tx)?;
                if file_head.count > 0 {
                    server_log::move_head(tx, file_head.last_id, &file_head.hash)?;
                }
                let unequal = |what: String| {
                    Error::Internal(format!("the copy on the server {what}: nothing was moved"))
                };
                for ((table, on_server), (_, in_file)) in
                    copy::server_counts(tx)?.iter().zip(&file_counts)
                {
                    if on_server != in_file {
                        return Err(unequal(format!(
                            "holds {on_server} rows of {table}, the file {in_file}"
                        )));
                    }
                }
                if copy::server_tallies(tx)? != file_tallies {
                    return Err(unequal("counts the seats differently".into()));
                }
                if let Some(id) = first_broken_entry_on_server(tx)? {
                    return Err(unequal(format!("has an audit chain broken at entry {id}")));
                }
                let (last_id, hash) = server_log::head(tx)?;
                let server_head = ChainHead {
                    last_id,
                    count: server_log::count(tx)?,
                    hash: if last_id == 0 { String::new() } else { hash },
                };
                if server_head != file_head {
                    return Err(unequal(format!(
                        "ends its audit log at entry {} of {}, the file at {} of {}",
                        server_head.last_id, server_head.count, file_head.last_id, file_head.count
                    )));
                }
                Ok(ServerMove {
                    tables,
                    audit_head: server_head,
                })
            })
        })
    }
}
