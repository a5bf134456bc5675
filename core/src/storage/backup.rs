//! Backups of the organization file: consistent copies taken with SQLite's online backup API
//! into `<stem>-backups/` beside the file, the newest [`KEEP`] kept.
//!
//! Taken automatically before migrations change an existing file and once a day at open, and
//! by hand ("Back up now"). Restoring one checks it first (it opens, passes `integrity_check`,
//! and is not from a newer LicenseDesk), backs up the current state, then copies the backup
//! into the live connection in one step. Backups and restores need `admins.manage` (Super
//! Admin): a restore rewinds the whole organization, accounts included.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::base::clock::timestamp;
use crate::base::error::{Error, Result};

/// How many backups are kept; older ones are deleted after each new one.
pub const KEEP: usize = 7;
/// A daily backup is taken at open when the newest one is older than this.
pub const DAILY: chrono::Duration = chrono::Duration::hours(24);

const NAME_TIME: &str = "%Y-%m-%dT%H-%M-%S%.3fZ";
const NAME_TIME_LEN: usize = "2026-01-01T00-00-00.000Z".len();

/// Why a backup was taken (part of its file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BackupReason {
    Daily,
    BeforeMigration,
    Manual,
    BeforeRestore,
}

impl BackupReason {
    const ALL: [BackupReason; 4] = [
        BackupReason::Daily,
        BackupReason::BeforeMigration,
        BackupReason::Manual,
        BackupReason::BeforeRestore,
    ];

    fn slug(self) -> &'static str {
        match self {
            BackupReason::Daily => "daily",
            BackupReason::BeforeMigration => "before-migration",
            BackupReason::Manual => "manual",
            BackupReason::BeforeRestore => "before-restore",
        }
    }
}

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BackupInfo {
    /// The file name inside the backup folder; what restore takes.
    pub file_name: String,
    /// When it was taken, RFC 3339 UTC.
    pub created_at: String,
    pub reason: BackupReason,
    #[ts(type = "number")]
    pub size_bytes: i64,
    /// The schema version inside, None when the file cannot be read.
    #[ts(type = "number | null")]
    pub schema_version: Option<i64>,
}

/// What the Settings page shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BackupOverview {
    /// The organization file's path, or (on a server) the server without its password.
    pub database_path: String,
    /// The organization is on a server: its backups are the server's own (pg_dump), and
    /// LicenseDesk lists and takes none.
    pub on_server: bool,
    pub backup_folder: String,
    /// Newest first.
    pub backups: Vec<BackupInfo>,
    #[ts(type = "number")]
    pub keep: i64,
    /// Set when the automatic backup at open failed (the app still works).
    pub warning: Option<String>,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RestoreReceipt {
    pub restored: BackupInfo,
    /// The state just before the restore, so that the restore itself can be undone.
    pub before_restore: BackupInfo,
    /// False when the signed-in account does not exist (or is disabled) in the restored file.
    pub still_signed_in: bool,
}

/// The backup folder of the organization file at `db_path`.
pub fn dir_for(db_path: &Path) -> PathBuf {
    let stem = db_path
        .file_stem()
        .map_or_else(|| "licensedesk".into(), |s| s.to_string_lossy());
    db_path
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!("{stem}-backups"))
}

pub(crate) fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Io {
        path: path.display().to_string(),
        cause: e.to_string(),
    }
}

/// Copies `src` (as committed) into a new file in `dir`; written beside under a temporary
/// name and linked into place, so a backup file is whole or absent and never replaces one. Does not prune.
pub(crate) fn create(
    src: &Connection,
    dir: &Path,
    at: DateTime<Utc>,
    reason: BackupReason,
) -> Result<BackupInfo> {
    crate::storage::files::create_dir_private(dir)?;
    // Two backups in one millisecond get distinct names, still in order.
    let mut at = at;
    let (name, dest) = loop {
        let name = format!("{}-{}.sqlite", at.format(NAME_TIME), reason.slug());
        let dest = dir.join(&name);
        if !dest.exists() {
            break (name, dest);
        }
        at += chrono::Duration::milliseconds(1);
    };
    let partial = copy_into_temp_beside(src, &dest)?;
    let result = crate::storage::files::finish_new(&partial, &dest);
    if result.is_err() {
        let _ = crate::storage::files::remove_file(&partial);
    }
    result?;
    describe(dir, &name)?.ok_or_else(|| Error::Internal(format!("backup {name} vanished")))
}

/// Copies `src` into a new temporary file beside `dest` (created exclusively, readable by
/// the user only), synced to disk; returns its path. On failure nothing is left.
pub(crate) fn copy_into_temp_beside(src: &Connection, dest: &Path) -> Result<PathBuf> {
    let (file, partial) = crate::storage::files::temp_beside(dest)?;
    drop(file);
    let result = (|| {
        let mut out = crate::storage::db::open_hardened(&partial)?;
        copy(src, &mut out)?;
        // A self-contained file: no -wal or -shm beside it.
        out.pragma_update(None, "journal_mode", "DELETE")?;
        drop(out);
        let file = std::fs::File::open(&partial).map_err(io(&partial))?;
        crate::storage::files::sync(&file, &partial)
    })();
    match result {
        Ok(()) => Ok(partial),
        Err(e) => {
            let _ = crate::storage::files::remove_file(&partial);
            Err(e)
        }
    }
}

/// The whole of `src` into `dest`, in one step (one transaction on `dest`).
pub(crate) fn copy(src: &Connection, dest: &mut Connection) -> Result<()> {
    let backup = Backup::new(src, dest)?;
    // Another process may hold the write lock for a moment; the busy timeout does not apply
    // to backup steps, so wait here (bounded).
    for _ in 0..200 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More | StepResult::Busy | StepResult::Locked => {
                std::thread::sleep(Duration::from_millis(25))
            }
            _ => std::thread::sleep(Duration::from_millis(25)),
        }
    }
    Err(Error::Internal(
        "the backup could not finish: the file stayed busy for 5 seconds".into(),
    ))
}

fn parse_name(name: &str) -> Option<(DateTime<Utc>, BackupReason)> {
    let rest = name.strip_suffix(".sqlite")?;
    if rest.len() <= NAME_TIME_LEN || !rest.is_char_boundary(NAME_TIME_LEN) {
        return None;
    }
    let (time, reason) = rest.split_at(NAME_TIME_LEN);
    let reason = reason.strip_prefix('-')?;
    let reason = BackupReason::ALL.into_iter().find(|r| r.slug() == reason)?;
    let time = NaiveDateTime::parse_from_str(time, NAME_TIME).ok()?;
    Some((time.and_utc(), reason))
}

fn describe(dir: &Path, name: &str) -> Result<Option<BackupInfo>> {
    let Some((at, reason)) = parse_name(name) else {
        return Ok(None);
    };
    let path = dir.join(name);
    let Ok(meta) = std::fs::metadata(&path) else {
        return Ok(None);
    };
    if !meta.is_file() {
        return Ok(None);
    }
    Ok(Some(BackupInfo {
        file_name: name.to_owned(),
        created_at: timestamp(at),
        reason,
        size_bytes: meta.len() as i64,
        schema_version: schema_version_of(&path).ok(),
    }))
}

pub(crate) fn open_read_only(path: &Path) -> Result<Connection> {
    crate::storage::db::harden(Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

fn schema_version_of(path: &Path) -> Result<i64> {
    let conn = open_read_only(path)?;
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// The backups in `dir`, newest first. A missing folder is an empty list.
pub fn list(dir: &Path) -> Result<Vec<BackupInfo>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir)(e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io(dir))?;
        if let Some(name) = entry.file_name().to_str() {
            if let Some(info) = describe(dir, name)? {
                out.push(info);
            }
        }
    }
    out.sort_by(|a, b| b.file_name.cmp(&a.file_name));
    Ok(out)
}

/// Deletes all but the newest `keep` backups (and old leftovers of interrupted ones). Backups
/// taken before a restore are never deleted: they hold the log the restore replaced, which
/// "Verify integrity" checks older backups against.
pub(crate) fn prune(dir: &Path, keep: usize) -> Result<()> {
    let prunable = list(dir)?
        .into_iter()
        .filter(|b| b.reason != BackupReason::BeforeRestore);
    for old in prunable.skip(keep) {
        let path = dir.join(&old.file_name);
        crate::storage::files::remove_file(&path).map_err(io(&path))?;
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Only old leftovers: a fresh one may be another window's backup in progress.
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(3600));
            if name.starts_with('.') && name.ends_with(".partial") && stale {
                let _ = crate::storage::files::remove_file(&entry.path());
            }
        }
    }
    Ok(())
}

fn newest_at(dir: &Path) -> Result<Option<DateTime<Utc>>> {
    Ok(list(dir)?
        .first()
        .and_then(|b| parse_name(&b.file_name))
        .map(|(at, _)| at))
}

/// Checks that a backup can be restored: it opens, passes `integrity_check`, is a LicenseDesk
/// organization, and is not from a newer LicenseDesk. Returns its schema version.
pub(crate) fn verify(path: &Path, file_name: &str) -> Result<i64> {
    let unusable = |reason: String| Error::BackupUnusable {
        file: file_name.to_owned(),
        reason,
    };
    let conn = open_read_only(path).map_err(|e| unusable(e.to_string()))?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| unusable(e.to_string()))?;
    if check != "ok" {
        return Err(unusable(format!("integrity check: {check}")));
    }
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| unusable(e.to_string()))?;
    if version > crate::storage::db::schema_version() {
        return Err(unusable(format!(
            "it was written by a newer LicenseDesk (schema {version}; this version knows up to {})",
            crate::storage::db::schema_version()
        )));
    }
    let has_accounts: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('accounts', 'audit_log')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| unusable(e.to_string()))?;
    if version < 1 || has_accounts != 2 {
        return Err(unusable("it is not a LicenseDesk organization".into()));
    }
    Ok(version)
}

/// The automatic backup of an organization file, once a day. It reads the file through a
/// connection of its own (one consistent snapshot, while the app goes on using its own), so
/// it can run on any thread.
pub struct DailyBackup {
    pub(crate) path: PathBuf,
    pub(crate) dir: PathBuf,
    pub(crate) now: DateTime<Utc>,
}

impl DailyBackup {
    /// Takes the backup when the newest one is older than [`DAILY`], keeping the newest
    /// [`KEEP`]. The error is the warning for the Settings page.
    pub fn take_if_due(&self) -> std::result::Result<(), String> {
        newest_at(&self.dir)
            .and_then(|newest| {
                if newest.is_some_and(|at| self.now - at < DAILY) {
                    return Ok(());
                }
                create(
                    &open_read_only(&self.path)?,
                    &self.dir,
                    self.now,
                    BackupReason::Daily,
                )?;
                prune(&self.dir, KEEP)
            })
            .map_err(|e| format!("The automatic daily backup failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::base::clock::{Clock, ManualClock};
    use crate::kernel::audit;
    use crate::kernel::org::Org;
    use crate::tests::testing::{sign_in, snapshot};

    fn start() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn demo_at(dir: &Path, clock: &ManualClock) -> Org {
        Org::open(&dir.join("org.sqlite"), Arc::new(clock.clone())).unwrap()
    }

    fn audit_actions(org: &Org) -> Vec<(String, String, Option<String>)> {
        let mut stmt = org
            .conn()
            .prepare("SELECT action, outcome, detail FROM audit_log ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    const DATA: &[&str] = &[
        "users",
        "seats",
        "accounts",
        "phone_numbers",
        "call_history",
        "voicemails",
        "orders",
    ];

    #[test]
    fn names_round_trip_and_strangers_are_ignored() {
        let at = start();
        for reason in BackupReason::ALL {
            let name = format!("{}-{}.sqlite", at.format(NAME_TIME), reason.slug());
            assert_eq!(parse_name(&name), Some((at, reason)), "{name}");
        }
        for name in [
            "",
            "x.sqlite",
            "2026-03-02T09-00-00.000Z.sqlite",
            "2026-03-02T09-00-00.000Z-weekly.sqlite",
            "../2026-03-02T09-00-00.000Z-daily.sqlite",
            "2026-03-02T09-00-00.000Z-daily.sqlite-wal",
            "ééééééééééééééééééééééééééé-daily.sqlite",
        ] {
            assert_eq!(parse_name(name), None, "{name}");
        }
    }

    #[test]
    fn opening_as_is_backs_up_an_organization_but_not_an_empty_file() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let path = tmp.path().join("org.sqlite");
        let dir = tmp.path().join("org-backups");
        let mut org = Org::open_as_is(&path, Arc::new(clock.clone())).unwrap();
        assert!(list(&dir).unwrap().is_empty());
        org.create_demo().unwrap();
        drop(org);
        drop(Org::open_as_is(&path, Arc::new(clock.clone())).unwrap());
        let backups = list(&dir).unwrap();
        assert_eq!(backups.len(), 1);
        assert_eq!(backups[0].reason, BackupReason::Daily);
    }

    #[test]
    fn a_window_takes_the_daily_backup_on_another_thread_while_it_signs_in() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let path = tmp.path().join("org.sqlite");
        let dir = tmp.path().join("org-backups");
        let (mut org, backup) = Org::open_for_window(&path, Arc::new(clock.clone()), true).unwrap();
        assert!(
            list(&dir).unwrap().is_empty(),
            "nothing is copied before it is asked for"
        );
        let backup = backup.expect("an organization gets its daily backup");
        let taking = std::thread::spawn(move || backup.take_if_due());
        let admin = sign_in(&mut org, "dana.reyes");
        org.note_daily_backup(taking.join().unwrap());

        let backups = list(&dir).unwrap();
        assert_eq!(backups.len(), 1);
        assert_eq!(backups[0].reason, BackupReason::Daily);
        verify(&dir.join(&backups[0].file_name), &backups[0].file_name).unwrap();
        assert_eq!(org.backups(admin).unwrap().warning, None);

        // Due only once a day; a failure is kept for the Settings page.
        org.daily_backup().take_if_due().unwrap();
        assert_eq!(list(&dir).unwrap().len(), 1);
        clock.advance(chrono::Duration::days(1));
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::write(&dir, b"a file where the folder was").unwrap();
        let outcome = org.daily_backup().take_if_due();
        org.note_daily_backup(outcome);
        std::fs::remove_file(&dir).unwrap();
        let warning = org.backups(admin).map(|b| b.warning);
        assert!(
            matches!(&warning, Ok(Some(w)) if w.starts_with("The automatic daily backup failed")),
            "{warning:?}"
        );
    }

    #[test]
    fn a_file_without_an_organization_has_no_daily_backup() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("org.sqlite");
        let clock = Arc::new(ManualClock::new(start()));
        let (_org, backup) = Org::open_for_window(&path, clock, false).unwrap();
        assert!(backup.is_none());
    }

    #[test]
    fn the_first_open_takes_a_daily_backup_and_the_next_day_another_seven_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let org = demo_at(tmp.path(), &clock);
        let dir = tmp.path().join("org-backups");
        assert_eq!(org.backup_dir(), dir);
        let first = list(&dir).unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].reason, BackupReason::Daily);
        assert_eq!(
            first[0].schema_version,
            Some(crate::storage::db::schema_version())
        );
        assert!(first[0].size_bytes > 0);
        drop(org);

        // Within the day: no new backup.
        clock.advance(chrono::Duration::hours(23));
        drop(demo_at(tmp.path(), &clock));
        assert_eq!(list(&dir).unwrap().len(), 1);

        // Each later day: one more, never more than KEEP.
        for day in 2..=10 {
            clock.advance(chrono::Duration::hours(25));
            drop(demo_at(tmp.path(), &clock));
            let backups = list(&dir).unwrap();
            assert_eq!(backups.len(), day.min(KEEP), "day {day}");
            assert_eq!(backups[0].created_at, timestamp(clock.now()));
        }
        // No partial files or -wal/-shm beside the backups.
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), KEEP, "{names:?}");
    }

    #[test]
    fn a_backup_is_a_consistent_copy_that_passes_integrity_check() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let mut org = demo_at(tmp.path(), &clock);
        let admin = sign_in(&mut org, "dana.reyes");
        let info = org.back_up_now(admin).unwrap();
        assert_eq!(info.reason, BackupReason::Manual);
        let path = org.backup_dir().join(&info.file_name);
        assert_eq!(
            verify(&path, &info.file_name).unwrap(),
            crate::storage::db::schema_version()
        );
        // The copy holds exactly the data of the original (the audit entry of the backup
        // itself excepted: it is written in the same transaction, after the copy was read).
        let copy = Org::open_without_demo(&path, Arc::new(clock.clone())).unwrap();
        assert_eq!(snapshot(&copy, DATA), snapshot(&org, DATA));
        let last = audit_actions(&org).pop().unwrap();
        assert_eq!(last.0, "backup.create");
        assert!(last.2.unwrap().contains(&info.file_name));
    }

    #[test]
    fn only_super_admins_back_up_and_restore_and_a_refusal_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let mut org = demo_at(tmp.path(), &clock);
        let admin = sign_in(&mut org, "dana.reyes");
        let taken = org.back_up_now(admin).unwrap();
        for login in [
            "sam.okafor",
            "priya.nair",
            "lee.chen",
            "max.weber",
            "dana.support",
        ] {
            let actor = sign_in(&mut org, login);
            let before = list(&org.backup_dir()).unwrap();
            let data = snapshot(&org, DATA);
            assert_eq!(org.backups(actor).unwrap_err().code(), "permission_denied");
            assert_eq!(
                org.back_up_now(actor).unwrap_err().code(),
                "permission_denied"
            );
            assert_eq!(
                org.restore_backup(actor, &taken.file_name)
                    .unwrap_err()
                    .code(),
                "permission_denied"
            );
            assert_eq!(list(&org.backup_dir()).unwrap(), before);
            assert_eq!(snapshot(&org, DATA), data);
            let last = audit_actions(&org).pop().unwrap();
            assert_eq!(
                (last.0.as_str(), last.1.as_str()),
                ("backup.restore", "refused")
            );
        }
    }

    #[test]
    fn a_restore_that_cannot_record_itself_restores_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let mut org = demo_at(tmp.path(), &clock);
        let admin = sign_in(&mut org, "dana.reyes");
        let backup = org.back_up_now(admin).unwrap();
        // A backup whose log refuses new entries: the restore's own record cannot be written
        // (as when a crash comes between the content and its record).
        crate::storage::db::open_hardened(&org.backup_dir().join(&backup.file_name))
            .unwrap()
            .execute_batch(
                "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_log
                 BEGIN SELECT RAISE(ABORT, 'no new entries'); END;",
            )
            .unwrap();
        let user = crate::tests::testing::user_with_all_data(&org);
        org.remove_license(admin, &crate::RemoveLicense::of(&user))
            .unwrap();
        let before = snapshot(&org, DATA);
        assert!(org.restore_backup(admin, &backup.file_name).is_err());
        // Never the backup's content without its record: the live data is as it was.
        assert_eq!(snapshot(&org, DATA), before);
        let triggers: i64 = org
            .conn()
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'refuse_entries'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(triggers, 0);
        // Nothing staged is left beside the backups.
        assert!(std::fs::read_dir(org.backup_dir()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".partial")));
    }

    #[test]
    fn restore_brings_back_the_data_records_itself_in_the_restored_log_and_can_be_undone() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let mut org = demo_at(tmp.path(), &clock);
        let admin = sign_in(&mut org, "dana.reyes");
        let good = org.back_up_now(admin).unwrap();
        let good_data = snapshot(&org, DATA);

        // Something regrettable happens after the backup.
        clock.advance(chrono::Duration::minutes(5));
        let user = crate::tests::testing::user_with_all_data(&org);
        org.remove_license(admin, &crate::RemoveLicense::of(&user))
            .unwrap();
        let regretted = snapshot(&org, DATA);
        assert_ne!(regretted, good_data);

        clock.advance(chrono::Duration::minutes(5));
        let receipt = org.restore_backup(admin, &good.file_name).unwrap();
        assert!(receipt.still_signed_in);
        assert_eq!(receipt.restored, good);
        assert_eq!(receipt.before_restore.reason, BackupReason::BeforeRestore);
        assert_eq!(snapshot(&org, DATA), good_data);
        let integrity: String = org
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
        assert_eq!(audit::first_broken_entry(org.conn()).unwrap(), None);
        let last = audit_actions(&org).pop().unwrap();
        assert_eq!(last.0, "backup.restore");
        let detail = last.2.unwrap();
        assert!(detail.contains(&good.file_name), "{detail}");
        assert!(
            detail.contains(&receipt.before_restore.file_name),
            "{detail}"
        );
        // The app keeps working on the restored file.
        assert!(org.user(admin, user.row.id).is_ok());

        // The restore can itself be undone from the backup taken just before it, whose log
        // says what was about to happen.
        let undo = receipt.before_restore.file_name.clone();
        org.restore_backup(admin, &undo).unwrap();
        assert_eq!(snapshot(&org, DATA), regretted);
        let actions = audit_actions(&org);
        let n = actions.len();
        assert_eq!(actions[n - 2].0, "backup.restore");
        assert!(actions[n - 2]
            .2
            .as_deref()
            .unwrap()
            .starts_with("Restoring"));
        assert_eq!(audit::first_broken_entry(org.conn()).unwrap(), None);

        // Reopening the file shows the restored content.
        drop(org);
        let org = demo_at(tmp.path(), &clock);
        assert_eq!(snapshot(&org, DATA), regretted);
    }

    #[test]
    fn a_damaged_a_newer_an_unknown_or_a_foreign_backup_is_refused_and_nothing_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let mut org = demo_at(tmp.path(), &clock);
        let admin = sign_in(&mut org, "dana.reyes");
        let dir = org.backup_dir();

        let damaged = org.back_up_now(admin).unwrap();
        let bytes = std::fs::read(dir.join(&damaged.file_name)).unwrap();
        let mut broken = bytes.clone();
        for b in &mut broken[bytes.len() / 2..bytes.len() / 2 + 4096] {
            *b = 0x5a;
        }
        std::fs::write(dir.join(&damaged.file_name), &broken).unwrap();

        clock.advance(chrono::Duration::seconds(1));
        let newer = org.back_up_now(admin).unwrap();
        Connection::open(dir.join(&newer.file_name))
            .unwrap()
            .pragma_update(
                None,
                "user_version",
                crate::storage::db::schema_version() + 1,
            )
            .unwrap();

        clock.advance(chrono::Duration::seconds(1));
        let foreign = org.back_up_now(admin).unwrap();
        std::fs::write(dir.join(&foreign.file_name), b"not a database at all").unwrap();

        let data = snapshot(&org, DATA);
        let files = list(&dir).unwrap();
        for name in [
            damaged.file_name.as_str(),
            newer.file_name.as_str(),
            foreign.file_name.as_str(),
        ] {
            let err = org.restore_backup(admin, name).unwrap_err();
            assert_eq!(err.code(), "backup_unusable", "{name}: {err}");
        }
        assert!(org
            .restore_backup(admin, &newer.file_name)
            .unwrap_err()
            .to_string()
            .contains("newer LicenseDesk"));
        for name in ["", "../org.sqlite", "/etc/passwd", "nope.sqlite"] {
            let err = org.restore_backup(admin, name).unwrap_err();
            assert_eq!(err.code(), "invalid_input", "{name}");
            assert_eq!(err.payload().field.as_deref(), Some("backup"));
        }
        assert_eq!(snapshot(&org, DATA), data);
        assert_eq!(list(&dir).unwrap(), files);
    }

    #[test]
    fn an_older_backup_is_restored_and_brought_up_to_date() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let mut org = demo_at(tmp.path(), &clock);
        let admin = sign_in(&mut org, "dana.reyes");
        // A backup of an organization at schema 1 (as an older LicenseDesk would have left).
        let old_path = tmp.path().join("old.sqlite");
        {
            let mut old = Connection::open(&old_path).unwrap();
            crate::storage::db::migrate_to(&mut old, 1).unwrap();
            crate::tests::migration_tests::seed_version(&old, 1);
            let dir = org.backup_dir();
            create(&old, &dir, start() - DAILY, BackupReason::Daily).unwrap();
        }
        let old = list(&org.backup_dir())
            .unwrap()
            .into_iter()
            .find(|b| b.schema_version == Some(1))
            .unwrap();
        let receipt = org.restore_backup(admin, &old.file_name).unwrap();
        // dana.reyes did not exist in that old organization: signed out, entry kept by name.
        assert!(!receipt.still_signed_in);
        let version: i64 = org
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, crate::storage::db::schema_version());
        let (login, account_id): (String, Option<i64>) = org
            .conn()
            .query_row(
                "SELECT account_login, account_id FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((login.as_str(), account_id), ("dana.reyes", None));
    }

    /// Two connections on one file (two windows, or two processes): one buys licenses in a
    /// loop while the other takes backups. Every backup is a consistent state: whole, and
    /// with exactly the seats its orders bought.
    #[test]
    fn backups_taken_while_another_connection_writes_are_consistent() {
        let tmp = tempfile::tempdir().unwrap();
        let clock = ManualClock::new(start());
        let mut org = demo_at(tmp.path(), &clock);
        let admin = sign_in(&mut org, "dana.reyes");
        let path = tmp.path().join("org.sqlite");
        let product_id = crate::tests::testing::product_id(&org, "Voice Pro");
        let writer = std::thread::spawn(move || {
            let mut other = Org::open(&path, Arc::new(crate::base::clock::SystemClock)).unwrap();
            let admin = sign_in(&mut other, "dana.reyes");
            for _ in 0..40 {
                other
                    .purchase_licenses(
                        admin,
                        &crate::SeatChange {
                            product_id,
                            quantity: "1".into(),
                        },
                    )
                    .unwrap();
            }
        });
        let mut taken = Vec::new();
        for _ in 0..6 {
            clock.advance(chrono::Duration::seconds(1));
            taken.push(org.back_up_now(admin).unwrap());
        }
        writer.join().unwrap();
        let dir = org.backup_dir();
        for b in taken.iter().skip(taken.len() - KEEP.min(taken.len())) {
            let path = dir.join(&b.file_name);
            if !path.exists() {
                continue; // pruned
            }
            verify(&path, &b.file_name).unwrap();
            let conn = open_read_only(&path).unwrap();
            let (seats, ordered): (i64, i64) = conn
                .query_row(
                    "SELECT (SELECT count(*) FROM seats WHERE order_id IS NOT NULL),
                            (SELECT coalesce(sum(quantity), 0) FROM orders)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!(seats, ordered, "{}", b.file_name);
            let broken = audit::first_broken_entry(&conn).unwrap();
            assert_eq!(broken, None, "audit chain of {}", b.file_name);
        }
    }
}
