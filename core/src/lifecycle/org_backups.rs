//! What an open organization does with the backups beside its file: the daily backup, the
//! Backups page, "Back up now", restore, and writing the copy taken before migrating. The
//! files themselves are `backup`'s.

use std::path::PathBuf;

use rusqlite::TransactionBehavior;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::kernel::action::Action;
use crate::kernel::audit::{self, AuditActor, AuditEntry};
use crate::kernel::org::{Actor, Org};
use crate::storage::backup::{
    copy, copy_into_temp_beside, create, dir_for, list, open_read_only, prune, verify, BackupInfo,
    BackupOverview, BackupReason, DailyBackup, RestoreReceipt, KEEP,
};

impl Org {
    pub(crate) fn backup_dir(&self) -> PathBuf {
        dir_for(&self.path)
    }

    /// The daily backup of this file, to take now or on another thread.
    pub fn daily_backup(&self) -> DailyBackup {
        DailyBackup {
            path: self.path.clone(),
            dir: self.backup_dir(),
            now: self.clock.now(),
        }
    }

    /// Keeps how a daily backup went: a failure does not stop the app; it is shown on the
    /// Settings page.
    pub fn note_daily_backup(&mut self, outcome: std::result::Result<(), String>) {
        self.backup_warning = outcome.err();
    }

    pub(crate) fn take_daily_backup(&mut self, backup: Option<DailyBackup>) {
        if let Some(backup) = backup {
            self.note_daily_backup(backup.take_if_due());
        }
    }

    /// The backup folder and its backups, newest first.
    pub fn backups(&self, actor: Actor) -> Result<BackupOverview> {
        if let Some(server) = self.engine.server_shown() {
            return self.read_sql(actor, Permission::AdminsManage, |_| {
                Ok(BackupOverview {
                    database_path: server.clone(),
                    on_server: true,
                    backup_folder: String::new(),
                    backups: Vec::new(),
                    keep: 0,
                    warning: None,
                })
            });
        }
        self.read(actor, Permission::AdminsManage, |_| {
            let dir = self.backup_dir();
            Ok(BackupOverview {
                database_path: self.path.display().to_string(),
                on_server: false,
                backup_folder: dir.display().to_string(),
                backups: list(&dir)?,
                keep: KEEP as i64,
                warning: self.backup_warning.clone(),
            })
        })
    }

    /// "Back up now": a copy of the state as committed, audited in the same transaction (the
    /// copy is read through a second connection while this one holds the write lock, so
    /// nothing can slip in between).
    pub fn back_up_now(&mut self, actor: Actor) -> Result<BackupInfo> {
        let dir = self.backup_dir();
        let path = self.path.clone();
        let now = self.clock.now();
        let info = self.change(actor, Action::BackupCreate, |tx, ctx| {
            let reader = open_read_only(&path)?;
            let info = create(&reader, &dir, now, BackupReason::Manual)?;
            let detail = format!("Backup {} ({} bytes)", info.file_name, info.size_bytes);
            let mut entry = AuditEntry::new(Action::BackupCreate.key());
            entry.detail = Some(&detail);
            if let Err(e) = ctx.audit(tx, &entry) {
                let _ = crate::storage::files::remove_file(&dir.join(&info.file_name));
                return Err(e);
            }
            Ok(info)
        })?;
        prune(&dir, KEEP)?;
        Ok(info)
    }

    /// Replaces the whole organization with the backup `file_name` (see the module docs).
    pub fn restore_backup(&mut self, actor: Actor, file_name: &str) -> Result<RestoreReceipt> {
        let dir = self.backup_dir();
        // Only a backup that is listed: a name never reaches the file system unchecked.
        let chosen = list(&dir)?.into_iter().find(|b| b.file_name == file_name);
        let chosen_path = dir.join(file_name);
        let now = self.clock.now();

        // 1. Permission, checks, and an entry in the current log saying what is about to happen.
        let account = self.change(actor, Action::BackupRestore, |tx, ctx| {
            let Some(chosen) = &chosen else {
                return Err(Error::invalid(
                    Field::Backup,
                    format!(
                        "There is no backup named {file_name:?} in {}.",
                        dir.display()
                    ),
                ));
            };
            verify(&chosen_path, file_name)?;
            let detail = format!(
                "Restoring backup {} taken {}; the current state is backed up first",
                chosen.file_name, chosen.created_at
            );
            let mut entry = AuditEntry::new(Action::BackupRestore.key());
            entry.detail = Some(&detail);
            ctx.audit(tx, &entry)?;
            Ok(ctx.account.clone())
        })?;
        let chosen = chosen.expect("checked in the change");

        // 2. The current state, that entry included; not pruned until the restore is done,
        //    so that the chosen backup cannot be the one deleted to make room.
        let before_restore = create(self.engine.file()?, &dir, now, BackupReason::BeforeRestore)?;

        // 3. The restored state prepared whole in a temporary copy of the backup: its schema
        //    brought up to date (a backup may be older than this LicenseDesk) and the restore
        //    recorded in its log, which is the one that lives on. 4. That copy into the live
        //    connection in one step: a crash leaves the state before or the restored state
        //    with its record, never the backup's content without it.
        let src = open_read_only(&chosen_path)?;
        let staged = copy_into_temp_beside(&src, &chosen_path)?;
        drop(src);
        let result = (|| -> Result<bool> {
            let mut staged_conn = crate::storage::db::open_hardened(&staged)?;
            crate::storage::db::enforce_foreign_keys(&staged_conn)?;
            crate::storage::db::migrate(&mut staged_conn)?;
            let restored_account =
                crate::kernel::acting_account::acting_account(&staged_conn, actor).ok();
            let still_signed_in = restored_account
                .as_ref()
                .is_some_and(|a| a.login == account.login);
            let detail = format!(
                "Restored backup {} taken {}; the state just before is in backup {}",
                chosen.file_name, chosen.created_at, before_restore.file_name
            );
            let mut entry = AuditEntry::new(Action::BackupRestore.key());
            entry.detail = Some(&detail);
            // Verify integrity checks the backups taken before this restore against that one.
            entry.after = Some(serde_json::json!({
                "restored": chosen.file_name,
                "before_restore": before_restore.file_name,
            }));
            let tx = staged_conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let recorded_as = AuditActor {
                account_id: still_signed_in.then_some(account.id),
                login: &account.login,
                role_name: &account.role_name,
            };
            audit::append(
                (&tx).into(),
                &crate::base::clock::timestamp(now),
                &recorded_as,
                &entry,
            )?;
            tx.commit()?;
            copy(&staged_conn, self.engine.file_mut()?)?;
            crate::storage::db::use_write_ahead_log(self.engine.file()?)?;
            Ok(still_signed_in)
        })();
        let _ = crate::storage::files::remove_file(&staged);
        let still_signed_in = result?;

        prune(&dir, KEEP)?;
        Ok(RestoreReceipt {
            restored: chosen,
            before_restore,
            still_signed_in,
        })
    }

    /// After a successful sign-in: writes the copy taken before migrating, if any. A failure
    /// keeps the copy for the next sign-in and is shown on the Backups page.
    pub(crate) fn write_pre_migration_copy(&mut self) {
        let Some(mut pending) = self.pre_migration_copy.take() else {
            return;
        };
        let dir = self.backup_dir();
        let written = create(
            &pending.copy,
            &dir,
            pending.taken_at,
            BackupReason::BeforeMigration,
        )
        .and_then(|_| prune(&dir, KEEP));
        match written {
            Ok(()) if pending.failed_before => self.backup_warning = None,
            Ok(()) => {}
            Err(e) => {
                self.backup_warning = Some(format!(
                    "The copy of this file as it was before this version updated it could not \
                     be written to the backup folder: {e}. It is tried again at the next sign-in."
                ));
                pending.failed_before = true;
                self.pre_migration_copy = Some(pending);
            }
        }
    }
}

#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use crate::tests::engines::{on_each_engine, Place};
    use crate::tests::pg_cluster::PASSWORD;
    use crate::tests::testing::sign_in;

    #[test]
    fn a_server_says_its_backups_are_its_own_and_a_file_lists_its_own() {
        on_each_engine(|org, place| {
            let admin = sign_in(org, "dana.reyes");
            let overview = org.backups(admin).unwrap();
            match place {
                Place::File(path) => {
                    assert!(!overview.on_server);
                    assert_eq!(overview.database_path, path.display().to_string());
                    assert!(!overview.backups.is_empty(), "the daily backup");
                }
                Place::Server(_) => {
                    assert!(overview.on_server);
                    assert!(overview.database_path.starts_with("licensedesk_admin@"));
                    assert!(!overview.database_path.contains(PASSWORD));
                    assert!(overview.backups.is_empty() && overview.backup_folder.is_empty());
                    // Taking one is refused before anything is written.
                    assert_eq!(org.back_up_now(admin).unwrap_err().code(), "file_only");
                }
            }
            let auditor = sign_in(org, "max.weber");
            assert_eq!(
                org.backups(auditor).unwrap_err().code(),
                "permission_denied",
                "{}",
                place.engine()
            );
        });
    }
}
