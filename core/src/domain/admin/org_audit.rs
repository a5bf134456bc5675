//! What an open organization does with its audit log: History's pages, "Verify integrity"
//! (against the backups beside the file too) and the CSV export. The log itself is `audit`'s.

use std::path::{Path, PathBuf};

use crate::base::error::Result;
use crate::base::permission::Permission;
use crate::kernel::acting_account;
use crate::kernel::action::Action;
use crate::kernel::audit::{
    csv, query, verify, AuditEntry, AuditPage, AuditQuery, AuditVerification,
};
use crate::kernel::audit_chain;
use crate::kernel::org::{Actor, Org};
use crate::storage::files;
use crate::storage::record_check;

impl Org {
    pub fn audit_log(&self, actor: Actor, q: &AuditQuery) -> Result<AuditPage> {
        self.read(actor, Permission::AuditView, |conn| query(conn, q))
    }

    /// Verifies the log against itself and against the backups beside the file.
    pub fn verify_audit_log(&self, actor: Actor) -> Result<AuditVerification> {
        self.verify_audit_log_against(actor, &[])
    }

    /// Rows that break a rule LicenseDesk keeps (the file was changed by another program), one
    /// sentence per rule. Any signed-in account is told: every page may read those rows.
    ///
    /// The check reads every seat and every reference once. It reads them through a connection
    /// of its own, with SQLite's default cache, closed after: through this one they would stay
    /// in its 32 MiB page cache (kept for the Users list's pages) for as long as the window is
    /// open, about 25 MB at 100,000 users.
    pub fn file_problems(&self, actor: Actor) -> Result<Vec<String>> {
        acting_account::acting_account(&self.conn, actor)?;
        record_check::problems(&crate::storage::backup::open_read_only(&self.path)?)
    }

    /// As [`Self::verify_audit_log`], also against the heads recorded in `exports` (audit CSV
    /// exports and user-data ZIPs).
    pub fn verify_audit_log_against(
        &self,
        actor: Actor,
        exports: &[PathBuf],
    ) -> Result<AuditVerification> {
        let backup_dir = self.backup_dir();
        self.read(actor, Permission::AuditView, |conn| {
            verify(conn, &backup_dir, exports)
        })
    }

    /// Writes every entry matching the filters (all pages) as CSV to `dest`; the export is
    /// itself recorded.
    pub fn export_audit_log(&mut self, actor: Actor, q: &AuditQuery, dest: &Path) -> Result<i64> {
        self.change(actor, Action::AuditExport, |tx, ctx| {
            let mut all = Vec::new();
            let mut page = AuditQuery {
                limit: 500,
                before_id: None,
                ..q.clone()
            };
            loop {
                let p = query(tx, &page)?;
                all.extend(p.entries);
                match p.next_before_id {
                    Some(id) => page.before_id = Some(id),
                    None => break,
                }
            }
            let head = audit_chain::head(tx)?;
            files::write_atomically(dest, &csv(&all, &head)?)?;
            let mut entry = AuditEntry::new(Action::AuditExport.key());
            entry.after = Some(
                serde_json::json!({ "path": dest.display().to_string(), "entries": all.len() }),
            );
            ctx.audit(tx, &entry)?;
            Ok(all.len() as i64)
        })
    }
}
