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
        self.read_sql(actor, Permission::AuditView, |db| query(db, q))
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
        self.engine
            .read(|db| acting_account::acting_account(db, actor))?;
        if !self.engine.is_file() {
            // A server keeps these rules as constraints of its own (checks and foreign keys),
            // which no role LicenseDesk connects as can switch off.
            return Ok(Vec::new());
        }
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

/// The Audit log page on both storage engines (docs/ARCHITECTURE.md §Server): the same
/// entries for the same filters, texts found with ASCII letters in either case.
#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use super::*;
    use crate::tests::engines::{ids, number, same_on_each_engine};
    use crate::tests::testing::sign_in;
    use crate::AssignLicense;

    #[test]
    fn the_log_is_filtered_and_paged_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let admin = sign_in(org, "dana.reyes");
            let auditor = sign_in(org, "max.weber");
            let user_id = ids(
                org,
                "SELECT u.id FROM users u WHERE NOT EXISTS
                 (SELECT 1 FROM seats s WHERE s.user_id = u.id) ORDER BY u.id",
            )[0];
            let user = org.user(admin, user_id).unwrap();
            let pid = number(org, "SELECT id FROM products WHERE name = 'Voice Pro'", &[]);
            let _ = org.assign_license(auditor, &AssignLicense::of(&user, pid));
            org.assign_license(admin, &AssignLicense::of(&user, pid))
                .unwrap();
            let surname = user.last_name.to_uppercase();
            let queries = [
                AuditQuery::default(),
                AuditQuery {
                    account: "DANA".into(),
                    ..Default::default()
                },
                AuditQuery {
                    action: "Assign".into(),
                    ..Default::default()
                },
                AuditQuery {
                    user: surname,
                    ..Default::default()
                },
                AuditQuery {
                    target_user_id: Some(user_id),
                    ..Default::default()
                },
                AuditQuery {
                    from: "2020-01-01".into(),
                    to: "2999-12-31".into(),
                    ..Default::default()
                },
                AuditQuery {
                    account: "50%_\\".into(),
                    ..Default::default()
                },
            ];
            let mut results = Vec::new();
            for q in queries {
                let mut page = AuditQuery {
                    limit: 3,
                    ..q.clone()
                };
                let mut seen = Vec::new();
                let total = loop {
                    let p = org.audit_log(admin, &page).unwrap();
                    seen.extend(p.entries.iter().map(|e| {
                        (
                            e.id,
                            e.account.clone(),
                            e.action.clone(),
                            e.refused,
                            e.target_user_id,
                        )
                    }));
                    match p.next_before_id {
                        Some(id) => page.before_id = Some(id),
                        None => break p.total,
                    }
                };
                assert_eq!(seen.len() as i64, total, "{q:?} on the {}", place.engine());
                results.push((format!("{q:?}"), seen));
            }
            // The filters narrow: the Auditor's refusal is found by its action, Dana's
            // assignment by the user's name in capitals as by the user's id.
            assert!(results[2].1.iter().any(|e| e.3), "{:?}", results[2]);
            assert!(
                !results[3].1.is_empty() && results[3].1 == results[4].1,
                "{results:?}"
            );
            assert!(
                results[1].1.iter().all(|e| e.1 == "dana.reyes"),
                "{results:?}"
            );
            assert!(results[6].1.is_empty());
            results
        });
    }
}
