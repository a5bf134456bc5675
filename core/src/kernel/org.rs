//! An open organization file and the guard every operation goes through
//! (docs/ARCHITECTURE.md §Core); opening one for use, with the demo and the daily backup, is
//! `org_open`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::base::clock::{timestamp, Clock};
use crate::base::error::{Error, Result};
use crate::base::permission::Permission;
pub use crate::kernel::acting_account::Actor;
use crate::kernel::acting_account::{self, ActingAccount};
use crate::kernel::action::Action;
use crate::kernel::audit::{self, AuditActor, AuditEntry, TextEntry};
use crate::storage::engine::{Engine, Sql};

pub struct Org {
    /// The organization's file, or (crate feature `server`) its server.
    pub(crate) engine: Engine,
    pub(crate) clock: Arc<dyn Clock>,
    /// Where safety archives go: beside the organization file, one folder per file.
    pub(crate) archive_dir: PathBuf,
    /// The organization file itself (backups go beside it).
    pub(crate) path: PathBuf,
    /// Safety archives recorded with a path that was refused, found after the sign-in.
    pub(crate) archive_problems: Vec<String>,
    /// Why the automatic backup at open failed, if it did.
    pub(crate) backup_warning: Option<String>,
    /// The file as it was before this open migrated it, until a sign-in writes it.
    pub(crate) pre_migration_copy: Option<crate::storage::pre_migration_copy::PreMigrationCopy>,
    /// The Users list as its search keeps it in memory (read again when it changes).
    pub(crate) search_memory: crate::storage::list_order::SearchMemory,
    /// The last import the window checked, kept for its apply while the file is unchanged
    /// (the imports area owns its type; `None` until a check, taken by the apply).
    pub(crate) checked_import: std::cell::RefCell<Option<Box<dyn std::any::Any + Send>>>,
}

impl Org {
    /// Reads what the first search needs (the list order: 20 ms at 100,000 users), so that
    /// the admin's first keystroke in "Search users" does not pay for it.
    /// On a server the first search reads the list, in its own snapshot.
    pub fn prepare_search(&self) -> Result<()> {
        if !self.engine.is_file() {
            return Ok(());
        }
        crate::storage::list_order::ListOrder::current(
            self.engine.file()?,
            &mut self.search_memory.file.borrow_mut(),
        )
    }

    /// Opens the file as it is; an empty file stays empty (for other generators).
    pub fn open_without_demo(path: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        let (conn, pre_migration_copy) = crate::storage::pre_migration_copy::open(path)?;
        let checkpointer = crate::storage::checkpoint::Checkpointer::start(path, &conn)?;
        let stem = path
            .file_stem()
            .map_or_else(|| "licensedesk".into(), |s| s.to_string_lossy());
        let archive_dir = path
            .parent()
            .unwrap_or(Path::new("."))
            .join(format!("{stem}-safety-archives"));
        Ok(Self {
            engine: Engine::File {
                conn,
                _checkpointer: checkpointer,
            },
            clock,
            archive_dir,
            path: path.to_path_buf(),
            archive_problems: Vec::new(),
            backup_warning: None,
            pre_migration_copy,
            search_memory: Default::default(),
            checked_import: std::cell::RefCell::new(None),
        })
    }

    /// Opens the organization in the database at `address` (`postgres://…`; TLS verified
    /// across a network, docs/ARCHITECTURE.md §Server), bringing its schema up to date. Only
    /// the areas written for both engines work on it; the others answer `file_only`.
    #[cfg(feature = "server")]
    pub fn open_on_server(address: &str, clock: Arc<dyn Clock>) -> Result<Self> {
        let address = crate::storage::server::ServerAddress::parse(address)?;
        let mut client = address.connect()?;
        crate::storage::server::migrate(&mut client)?;
        Ok(Self {
            engine: Engine::Server(Box::new(crate::storage::engine::ServerConnection {
                address,
                client: std::cell::RefCell::new(client),
                statements: Default::default(),
            })),
            clock,
            // Safety archives are kept in the server's database only, and backups are the
            // server's own (pg_dump): nothing is written beside a file.
            archive_dir: PathBuf::new(),
            path: PathBuf::new(),
            archive_problems: Vec::new(),
            backup_warning: None,
            pre_migration_copy: None,
            search_memory: Default::default(),
            checked_import: std::cell::RefCell::new(None),
        })
    }

    /// The organization file's connection, for tests that read or tamper with it directly.
    #[cfg(test)]
    pub(crate) fn conn(&self) -> &Connection {
        self.engine
            .file()
            .expect("a test read the file of an organization on a server")
    }

    #[cfg(test)]
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        self.engine
            .file_mut()
            .expect("a test wrote the file of an organization on a server")
    }

    pub(crate) fn is_empty(&self) -> Result<bool> {
        Ok(self.engine.read(crate::storage::tables::accounts::count)? == 0)
    }

    pub(crate) fn now(&self) -> String {
        timestamp(self.clock.now())
    }

    /// Reads with the actor's permission checked first (no transaction needed for one query).
    /// On the file only; [`Org::read_sql`] for an area written for both engines.
    pub(crate) fn read<T>(
        &self,
        actor: Actor,
        permission: Permission,
        f: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        let conn = self.engine.file()?;
        self.read_sql(actor, permission, |_| f(conn))
    }

    /// [`Org::read`] on either engine (`Engine::read`: on a server, one snapshot).
    pub(crate) fn read_sql<T>(
        &self,
        actor: Actor,
        permission: Permission,
        f: impl FnOnce(Sql<'_>) -> Result<T>,
    ) -> Result<T> {
        self.engine.read(|db| {
            let account = acting_account::acting_account(db, actor)?;
            acting_account::require(db, &account, permission)?;
            f(db)
        })
    }

    /// Runs a change in one immediate transaction after checking the actor's permission,
    /// as it is in the database now. A refusal changes nothing but is itself audited.
    /// On the file only; [`Org::change_sql`] for an area written for both engines.
    pub(crate) fn change<T>(
        &mut self,
        actor: Actor,
        action: Action,
        f: impl FnOnce(&Transaction<'_>, &ChangeContext<'_>) -> Result<T>,
    ) -> Result<T> {
        let now = self.now();
        let conn = self.engine.file_mut()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let account = acting_account::acting_account(&tx, actor)?;
        let ctx = ChangeContext {
            now: &now,
            account: &account,
        };
        let outcome = ctx
            .require(&tx, action.permission())
            .and_then(|()| f(&tx, &ctx));
        match outcome {
            Ok(out) => {
                tx.commit()?;
                Ok(out)
            }
            // A refusal rolls back whatever the change had begun, and is itself recorded.
            Err(Error::PermissionDenied {
                permission: missing,
                message,
            }) => {
                tx.rollback()?;
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                record_refusal((&tx).into(), &ctx_of(&now, &account), action, missing)?;
                tx.commit()?;
                Err(Error::PermissionDenied {
                    permission: missing,
                    message,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// [`Org::change`] on either engine. On a server the change may run more than once (a
    /// serialization failure runs it again from the start, `server::in_change`), so `f` must
    /// change nothing outside its transaction.
    pub(crate) fn change_sql<T>(
        &mut self,
        actor: Actor,
        action: Action,
        mut f: impl FnMut(Sql<'_>, &ChangeContext<'_>) -> Result<T>,
    ) -> Result<T> {
        match &mut self.engine {
            Engine::File { .. } => self.change(actor, action, |tx, ctx| f(Sql::File(tx), ctx)),
            #[cfg(feature = "server")]
            Engine::Server(_) => {
                let now = timestamp(self.clock.now());
                let mut refused = None;
                let outcome = self.engine.write(|db| {
                    let account = acting_account::acting_account(db, actor)?;
                    let ctx = ctx_of(&now, &account);
                    let outcome = ctx
                        .require(db, action.permission())
                        .and_then(|()| f(db, &ctx));
                    if let Err(Error::PermissionDenied { permission, .. }) = &outcome {
                        refused = Some((account.clone(), *permission));
                    }
                    outcome
                });
                // A refusal rolled back whatever the change had begun, and is itself recorded.
                if let (Err(Error::PermissionDenied { .. }), Some((account, missing))) =
                    (&outcome, refused)
                {
                    self.engine
                        .write(|db| record_refusal(db, &ctx_of(&now, &account), action, missing))?;
                }
                outcome
            }
        }
    }

    /// Runs `f` as a change would, in a transaction that is always rolled back: a preview that
    /// goes through the very steps of the change (and its checks) without keeping anything.
    /// Only the actor's `permission` is checked; the change itself checks the rest.
    /// On either engine (`Engine::rolled_back`).
    pub(crate) fn dry_run<T>(
        &self,
        actor: Actor,
        permission: Permission,
        f: impl FnOnce(Sql<'_>, &ChangeContext<'_>) -> Result<T>,
    ) -> Result<T> {
        let now = self.now();
        self.engine.rolled_back(|db| {
            let account = acting_account::acting_account(db, actor)?;
            acting_account::require(db, &account, permission)?;
            f(db, &ctx_of(&now, &account))
        })
    }
}

fn ctx_of<'a>(now: &'a str, account: &'a ActingAccount) -> ChangeContext<'a> {
    ChangeContext { now, account }
}

/// The audit entry of a change refused for a missing permission, written on its own after the
/// change rolled back.
fn record_refusal(
    db: Sql<'_>,
    ctx: &ChangeContext<'_>,
    action: Action,
    missing: Permission,
) -> Result<()> {
    let detail = format!("missing permission {}", missing.key());
    let mut entry = AuditEntry::new(action.key());
    entry.refused = true;
    entry.detail = Some(&detail);
    ctx.audit(db, &entry)?;
    Ok(())
}

/// What a change knows about its moment and its actor.
pub(crate) struct ChangeContext<'a> {
    pub now: &'a str,
    pub account: &'a ActingAccount,
}

impl ChangeContext<'_> {
    /// A further permission that this particular change needs.
    pub fn require<'d>(&self, db: impl Into<Sql<'d>>, permission: Permission) -> Result<()> {
        acting_account::require(db, self.account, permission)
    }

    /// Appends the change's entry to the audit log, in the change's transaction.
    pub fn audit<'d>(&self, db: impl Into<Sql<'d>>, entry: &AuditEntry<'_>) -> Result<i64> {
        audit::append(db.into(), self.now, &self.account.audit_actor(), entry)
    }

    /// Several entries of this change at once, in order (`audit::append_all`).
    pub fn audit_all<'d>(&self, db: impl Into<Sql<'d>>, entries: &[TextEntry<'_>]) -> Result<()> {
        audit::append_all(db.into(), self.now, &self.account.audit_actor(), entries)
    }
}

impl ActingAccount {
    pub(crate) fn audit_actor(&self) -> AuditActor<'_> {
        AuditActor {
            account_id: Some(self.id),
            login: &self.login,
            role_name: &self.role_name,
        }
    }
}
