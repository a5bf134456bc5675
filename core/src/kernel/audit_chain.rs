//! The head of the audit chain — the last entry's id and hash, and how many entries there are —
//! is written into everything that leaves the file: every backup holds it (its own copy of the
//! log), every audit CSV export ends with it, every ZIP manifest names it. "Verify integrity"
//! then checks that the log still extends each head it can find: a log whose last entries were
//! deleted, or that was rewritten and hashed again from the start, no longer holds the entry a
//! head names with the hash it had.

use std::io::Read;
use std::path::Path;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::base::error::Result;
use crate::storage::backup::{self, BackupReason};
use crate::storage::engine::Sql;
use crate::storage::tables::audit_log;

/// The manifest of every ZIP the app writes (`bundle`): it names the audit head, which
/// "Verify integrity" reads back from it.
pub const MANIFEST: &str = "manifest.json";

/// The end of the log at one moment. An empty log has `last_id` 0 and `count` 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub last_id: i64,
    pub count: i64,
    pub hash: String,
}

/// The triggers that refuse UPDATE and DELETE on the log.
pub(crate) const APPEND_ONLY_TRIGGERS: [&str; 2] = ["audit_log_no_update", "audit_log_no_delete"];

/// How an audit CSV export's last line starts.
const CSV_HEAD_LINE: &str = "# audit chain head:";

pub(crate) fn head<'a>(db: impl Into<Sql<'a>>) -> Result<ChainHead> {
    let db = db.into();
    let count = audit_log::count(db)?;
    let (last_id, hash) = audit_log::last_entry(db)?.unwrap_or((0, String::new()));
    Ok(ChainHead {
        last_id,
        count,
        hash,
    })
}

/// Whether the log still holds the entry `head` names, with its hash, and exactly as many
/// entries up to it. (That the entries link to one another is checked separately.)
pub(crate) fn extends<'a>(db: impl Into<Sql<'a>>, head: &ChainHead) -> Result<bool> {
    if head.count == 0 {
        return Ok(true);
    }
    let at_head = audit_log::hash_and_rank(db, head.last_id)?;
    Ok(at_head.is_some_and(|(hash, count)| hash == head.hash && count == head.count))
}

/// The append-only triggers that are missing from the file.
pub(crate) fn missing_triggers(conn: &Connection) -> Result<Vec<&'static str>> {
    let mut missing = Vec::new();
    for name in APPEND_ONLY_TRIGGERS {
        if !audit_log::trigger_refuses(conn, name)? {
            missing.push(name);
        }
    }
    Ok(missing)
}

/// The last line of an audit CSV export: one cell a spreadsheet shows as text.
pub(crate) fn csv_line(head: &ChainHead) -> String {
    format!(
        "{CSV_HEAD_LINE} last_id={} count={} hash={}\n",
        head.last_id, head.count, head.hash
    )
}

fn head_in_csv(text: &str) -> Option<ChainHead> {
    let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let mut fields = line.strip_prefix(CSV_HEAD_LINE)?.split_whitespace();
    let mut value = |key: &str| fields.next()?.strip_prefix(key).map(str::to_owned);
    Some(ChainHead {
        last_id: value("last_id=")?.parse().ok()?,
        count: value("count=")?.parse().ok()?,
        hash: value("hash=")?,
    })
}

/// The heads an export file records: an audit CSV's last line, or every manifest in a ZIP.
pub(crate) fn heads_in_export(path: &Path) -> std::result::Result<Vec<ChainHead>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // A manifest or a CSV of ours is far smaller; a larger one is not read.
    const LIMIT: u64 = 64 * 1024 * 1024;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        let mut zip = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
        let mut heads = Vec::new();
        for i in 0..zip.len() {
            let entry = zip.by_index(i).map_err(|e| e.to_string())?;
            let name = entry.name().map_err(|e| e.to_string())?;
            if name.rsplit('/').next() != Some(MANIFEST) {
                continue;
            }
            let mut text = String::new();
            entry
                .take(LIMIT)
                .read_to_string(&mut text)
                .map_err(|e| e.to_string())?;
            let manifest: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let head = serde_json::from_value(manifest["audit_head"].clone())
                .map_err(|e| format!("its manifest names no audit chain head ({e})"))?;
            heads.push(head);
        }
        return Ok(heads);
    }
    let mut text = String::new();
    file.take(LIMIT)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    head_in_csv(&text)
        .map(|h| vec![h])
        .ok_or_else(|| "it does not end with an audit chain head".into())
}

/// A head found outside the file, and where.
pub(crate) struct RecordedHead {
    pub source: String,
    pub head: ChainHead,
}

/// What the recorded heads say about the log.
#[derive(Default)]
pub(crate) struct HeadCheck {
    pub checked: i64,
    /// One sentence per head the log does not extend.
    pub problems: Vec<String>,
    /// Backups and exports that could not be read (not evidence either way).
    pub unreadable: Vec<String>,
}

fn backup_head(path: &Path) -> Result<ChainHead> {
    head(&backup::open_read_only(path)?)
}

/// Checks the log against the backups in `backup_dir` and the `exports` named. A backup that
/// a restore replaced is not extended by the restored log: it counts when the backup taken
/// just before that restore (named by the restore's entry, and never pruned) extends it.
pub(crate) fn check_heads(
    db: Sql<'_>,
    backup_dir: Option<&Path>,
    exports: &[std::path::PathBuf],
) -> Result<HeadCheck> {
    let mut check = HeadCheck::default();
    let mut recorded = Vec::new();
    // A server's backups are its own (pg_dump): only a file has a backup folder.
    let backups = match backup_dir {
        Some(dir) => backup::list(dir)?,
        None => Vec::new(),
    };
    let backup_dir = backup_dir.unwrap_or(Path::new(""));
    for b in backups {
        match backup_head(&backup_dir.join(&b.file_name)) {
            Ok(head) => recorded.push(RecordedHead {
                source: format!("backup {}", b.file_name),
                head,
            }),
            Err(e) => check
                .unreadable
                .push(format!("backup {}: {e}", b.file_name)),
        }
    }
    for path in exports {
        match heads_in_export(path) {
            Ok(heads) => recorded.extend(heads.into_iter().map(|head| RecordedHead {
                source: format!("export {}", path.display()),
                head,
            })),
            Err(e) => check
                .unreadable
                .push(format!("export {}: {e}", path.display())),
        }
    }
    let replaced = match db {
        Sql::File(conn) if !backup_dir.as_os_str().is_empty() => {
            replaced_by_restores(conn, backup_dir)?
        }
        _ => Vec::new(),
    };
    for r in recorded {
        check.checked += 1;
        if extends(db, &r.head)? {
            continue;
        }
        let mut explained = false;
        for before in &replaced {
            if extends(before, &r.head)? {
                explained = true;
                break;
            }
        }
        if !explained {
            check.problems.push(format!(
                "The log does not hold entry {} with the hash recorded in {} (which saw {} entries): entries were removed or rewritten outside LicenseDesk.",
                r.head.last_id, r.source, r.head.count
            ));
        }
    }
    Ok(check)
}

/// The logs that restores recorded in this log replaced, from the backups taken just before.
fn replaced_by_restores(conn: &Connection, backup_dir: &Path) -> Result<Vec<Connection>> {
    let names = audit_log::backups_taken_before_restores(conn)?;
    let listed = backup::list(backup_dir)?;
    let mut out = Vec::new();
    for name in names {
        // Only a listed backup taken before a restore: a name in the log never reaches the
        // file system unchecked.
        if listed
            .iter()
            .any(|b| b.file_name == name && b.reason == BackupReason::BeforeRestore)
        {
            if let Ok(c) = backup::open_read_only(&backup_dir.join(&name)) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
