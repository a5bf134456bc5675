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

pub struct Org {
    pub(crate) conn: Connection,
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
    /// The Users list's order, for searches (read again when it changes).
    pub(crate) list_order: std::cell::RefCell<Option<crate::storage::list_order::ListOrder>>,
    /// The last import the window checked, kept for its apply while the file is unchanged
    /// (the imports area owns its type; `None` until a check, taken by the apply).
    pub(crate) checked_import: std::cell::RefCell<Option<Box<dyn std::any::Any + Send>>>,
    /// Copies the write-ahead log into the file in the background; held for its lifetime
    /// (declared after `conn`, which must close first).
    _checkpointer: crate::storage::checkpoint::Checkpointer,
}

impl Org {
    /// Reads what the first search needs (the list order: 20 ms at 100,000 users), so that
    /// the admin's first keystroke in "Search users" does not pay for it.
    pub fn prepare_search(&self) -> Result<()> {
        crate::storage::list_order::ListOrder::current(
            &self.conn,
            &mut self.list_order.borrow_mut(),
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
            conn,
            clock,
            archive_dir,
            path: path.to_path_buf(),
            archive_problems: Vec::new(),
            backup_warning: None,
            pre_migration_copy,
            list_order: std::cell::RefCell::new(None),
            checked_import: std::cell::RefCell::new(None),
            _checkpointer: checkpointer,
        })
    }

    pub(crate) fn is_empty(&self) -> Result<bool> {
        Ok(crate::storage::tables::accounts::count(&self.conn)? == 0)
    }

    pub(crate) fn now(&self) -> String {
        timestamp(self.clock.now())
    }

    /// Reads with the actor's permission checked first (no transaction needed for one query).
    pub(crate) fn read<T>(
        &self,
        actor: Actor,
        permission: Permission,
        f: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        let account = acting_account::acting_account(&self.conn, actor)?;
        acting_account::require(&self.conn, &account, permission)?;
        f(&self.conn)
    }

    /// Runs a change in one immediate transaction after checking the actor's permission,
    /// as it is in the database now. A refusal changes nothing but is itself audited.
    pub(crate) fn change<T>(
        &mut self,
        actor: Actor,
        action: Action,
        f: impl FnOnce(&Transaction<'_>, &ChangeContext<'_>) -> Result<T>,
    ) -> Result<T> {
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
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
                let tx = self
                    .conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)?;
                let detail = format!("missing permission {}", missing.key());
                let mut entry = AuditEntry::new(action.key());
                entry.refused = true;
                entry.detail = Some(&detail);
                audit::append(&tx, &now, &account.audit_actor(), &entry)?;
                tx.commit()?;
                Err(Error::PermissionDenied {
                    permission: missing,
                    message,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Runs `f` as a change would, in a transaction that is always rolled back: a preview that
    /// goes through the very steps of the change (and its checks) without keeping anything.
    /// Only the actor's `permission` is checked; the change itself checks the rest.
    pub(crate) fn dry_run<T>(
        &self,
        actor: Actor,
        permission: Permission,
        f: impl FnOnce(&Transaction<'_>, &ChangeContext<'_>) -> Result<T>,
    ) -> Result<T> {
        let now = self.now();
        let account = acting_account::acting_account(&self.conn, actor)?;
        acting_account::require(&self.conn, &account, permission)?;
        // Immediate, as a change: a deferred read that turns into a write fails when another
        // window committed in between.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let ctx = ChangeContext {
            now: &now,
            account: &account,
        };
        let out = f(&tx, &ctx);
        tx.rollback()?;
        out
    }
}

/// What a change knows about its moment and its actor.
pub(crate) struct ChangeContext<'a> {
    pub now: &'a str,
    pub account: &'a ActingAccount,
}

impl ChangeContext<'_> {
    /// A further permission that this particular change needs.
    pub fn require(&self, tx: &Transaction<'_>, permission: Permission) -> Result<()> {
        acting_account::require(tx, self.account, permission)
    }

    pub fn audit(&self, tx: &Transaction<'_>, entry: &AuditEntry<'_>) -> Result<i64> {
        audit::append(tx, self.now, &self.account.audit_actor(), entry)
    }

    /// Several entries of this change at once, in order (`audit::append_all`).
    pub fn audit_all(&self, tx: &Transaction<'_>, entries: &[TextEntry<'_>]) -> Result<()> {
        audit::append_all(tx, self.now, &self.account.audit_actor(), entries)
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
