//! "Restore a backup…" on the failure screen. The file cannot be opened, so nobody can sign in
//! and nothing can be recorded in it; this is allowed only for a file that is damaged (a
//! healthy one is restored from Settings, by a Super Admin). The damaged file, with its -wal
//! and -shm, is moved aside unchanged under a new name, the backup is copied into its place,
//! and the restore is recorded in the restored organization's audit log.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::TransactionBehavior;
use serde::Serialize;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::kernel::audit::{self, AuditActor, AuditEntry};
use crate::storage::backup::{self, BackupInfo};

/// What a restore over a damaged file did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DamagedRestoreReceipt {
    pub restored: BackupInfo,
    /// Where the damaged file now is, byte for byte as it was.
    pub kept_as: String,
}

const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// True when SQLite itself says the file is not a database or is damaged inside (read-only
/// probe: nothing is written).
pub fn is_damaged(path: &Path) -> bool {
    let damaged = |e: &rusqlite::Error| {
        let text = e.to_string();
        text.contains("not a database") || text.contains("malformed")
    };
    let conn = match backup::open_read_only(path) {
        Ok(conn) => conn,
        Err(Error::Database(e)) => return damaged(&e),
        Err(_) => return false,
    };
    match crate::storage::db::quick_check(&conn) {
        Ok(check) => check != "ok",
        Err(e) => damaged(&e),
    }
}

/// A free name beside `path` for the damaged file: `org.damaged-2026-03-02T09-00-00Z.sqlite`.
fn aside_name(path: &Path, now: DateTime<Utc>) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "licensedesk".into(), |s| s.to_string_lossy());
    let ext = path
        .extension()
        .map_or_else(String::new, |e| format!(".{}", e.to_string_lossy()));
    let at = now.format("%Y-%m-%dT%H-%M-%SZ");
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut n = 1;
    let mut candidate = dir.join(format!("{stem}.damaged-{at}{ext}"));
    while candidate.exists() || SIDECARS.iter().any(|s| with_suffix(&candidate, s).exists()) {
        n += 1;
        candidate = dir.join(format!("{stem}.damaged-{at}-{n}{ext}"));
    }
    candidate
}

/// Moves the file and its sidecars to `to`; on failure, moves back what had moved.
fn move_aside(path: &Path, to: &Path) -> Result<()> {
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    let pairs = std::iter::once((path.to_path_buf(), to.to_path_buf())).chain(
        SIDECARS
            .iter()
            .map(|s| (with_suffix(path, s), with_suffix(to, s))),
    );
    for (from, dest) in pairs {
        if !from.exists() {
            continue;
        }
        if let Err(e) = std::fs::rename(&from, &dest) {
            for (back_from, back_to) in moved.iter().rev() {
                let _ = std::fs::rename(back_to, back_from);
            }
            return Err(backup::io(&from)(e));
        }
        moved.push((from, dest));
    }
    Ok(())
}

/// Replaces the damaged file at `path` with its backup `file_name` (see the module docs).
/// The caller has asked for a native confirmation first.
pub fn restore_over_damaged(
    path: &Path,
    file_name: &str,
    now: DateTime<Utc>,
) -> Result<DamagedRestoreReceipt> {
    let dir = backup::dir_for(path);
    // Only a backup that is listed: a name never reaches the file system unchecked.
    let Some(chosen) = backup::list(&dir)?
        .into_iter()
        .find(|b| b.file_name == file_name)
    else {
        return Err(Error::invalid(
            Field::Backup,
            format!(
                "There is no backup named {file_name:?} in {}.",
                dir.display()
            ),
        ));
    };
    if !is_damaged(path) {
        return Err(Error::invalid(
            Field::Backup,
            format!(
                "{} is not damaged, so it is not replaced from here. Open it, sign in as a Super \
                 Admin and restore a backup in Settings.",
                path.display()
            ),
        ));
    }
    backup::verify(&dir.join(file_name), file_name)?;

    // 1. The backup, whole, into a hidden file beside the damaged one.
    let folder = path.parent().unwrap_or(Path::new("."));
    let src = backup::open_read_only(&dir.join(file_name))?;
    let partial = backup::copy_into_temp_beside(&src, path)?;
    drop(src);

    // 2. The damaged file aside, unchanged; 3. the copy into its place.
    let kept_as = aside_name(path, now);
    if let Err(e) = move_aside(path, &kept_as) {
        let _ = crate::storage::files::remove_file(&partial);
        return Err(e);
    }
    if let Err(e) = std::fs::rename(&partial, path) {
        let _ = move_aside(&kept_as, path);
        let _ = crate::storage::files::remove_file(&partial);
        return Err(backup::io(path)(e));
    }
    crate::storage::files::sync_dir(folder);

    // 4. Recorded in the restored log (brought up to date if the backup is older).
    // The chosen backup is itself the copy of the file as it was: none is kept of it again.
    let (mut conn, _) = crate::storage::pre_migration_copy::open(path)?;
    let detail = format!(
        "Restored backup {} taken {} over a damaged file that could not be opened; the damaged \
         file is kept as {}",
        chosen.file_name,
        chosen.created_at,
        kept_as.display()
    );
    let mut entry = AuditEntry::new("backup.restore");
    entry.detail = Some(&detail);
    let actor = AuditActor {
        account_id: None,
        login: "not signed in",
        role_name: "",
    };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    audit::append(
        (&tx).into(),
        &crate::base::clock::timestamp(now),
        &actor,
        &entry,
    )?;
    tx.commit()?;
    Ok(DamagedRestoreReceipt {
        restored: chosen,
        kept_as: kept_as.display().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::base::clock::ManualClock;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
            .unwrap()
            .to_utc()
    }

    /// A demo file with its daily backup, then cut to a third: [path, damaged bytes, backup].
    fn damaged(dir: &Path) -> (PathBuf, Vec<u8>, String) {
        let path = dir.join("org.sqlite");
        drop(crate::Org::open(&path, Arc::new(ManualClock::new(now()))).unwrap());
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
        let backup = backup::list(&backup::dir_for(&path)).unwrap()[0]
            .file_name
            .clone();
        let damaged = std::fs::read(&path).unwrap();
        (path, damaged, backup)
    }

    #[test]
    fn a_damaged_file_is_kept_aside_byte_for_byte_and_the_backup_takes_its_place() {
        let tmp = tempfile::tempdir().unwrap();
        let (path, damaged_bytes, backup) = damaged(tmp.path());
        // A stray -wal of the damaged file must not be replayed into the restored one.
        std::fs::write(with_suffix(&path, "-wal"), b"garbage wal").unwrap();
        assert!(is_damaged(&path));

        let receipt = restore_over_damaged(&path, &backup, now()).unwrap();
        let kept = PathBuf::from(&receipt.kept_as);
        assert_eq!(
            kept,
            tmp.path().join("org.damaged-2026-03-02T09-00-00Z.sqlite")
        );
        assert_eq!(std::fs::read(&kept).unwrap(), damaged_bytes);
        assert_eq!(
            std::fs::read(with_suffix(&kept, "-wal")).unwrap(),
            b"garbage wal"
        );
        assert!(!tmp.path().join(".org.sqlite.restoring").exists());

        let mut org = crate::Org::open_with_system_clock(&path).unwrap();
        assert!(!org.is_unset().unwrap());
        let session = org.sign_in("dana.reyes", "super-demo").unwrap();
        let actor = crate::Actor {
            account_id: session.account_id,
        };
        assert_eq!(org.verify_audit_log(actor).unwrap().first_broken, None);
        let last: (String, String, Option<String>) = org
            .conn()
            .query_row(
                "SELECT action, account_login, detail FROM audit_log WHERE action = 'backup.restore' ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(last.0, "backup.restore");
        assert_eq!(last.1, "not signed in");
        assert!(last
            .2
            .unwrap()
            .contains("org.damaged-2026-03-02T09-00-00Z.sqlite"));
    }

    #[test]
    fn a_healthy_file_is_not_replaced_from_the_failure_screen() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("org.sqlite");
        drop(crate::Org::open(&path, Arc::new(ManualClock::new(now()))).unwrap());
        let backup = backup::list(&backup::dir_for(&path)).unwrap()[0]
            .file_name
            .clone();
        let before = std::fs::read(&path).unwrap();
        assert!(!is_damaged(&path));
        let err = restore_over_damaged(&path, &backup, now()).unwrap_err();
        assert!(err.to_string().contains("is not damaged"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn only_a_listed_backup_is_restored_and_a_refusal_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let (path, damaged_bytes, _) = damaged(tmp.path());
        for name in [
            "../org.sqlite",
            "2026-03-02T09-00-00.000Z-daily.sqlite-wal",
            "",
        ] {
            assert!(restore_over_damaged(&path, name, now()).is_err(), "{name}");
        }
        assert_eq!(std::fs::read(&path).unwrap(), damaged_bytes);
        let names: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.contains("damaged-")), "{names:?}");
    }
}
