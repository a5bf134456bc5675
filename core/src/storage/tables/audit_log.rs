//! The audit log's SQL: appending an entry, reading the chain in order, the page the History
//! shows, the head, and the append-only triggers. Hashing and verifying are the kernel's
//! (`kernel/audit.rs`, `kernel/audit_chain.rs`).

use rusqlite::{params, Connection, OptionalExtension};

use crate::base::error::Result;
use crate::storage::engine::{Param, Sql};

#[cfg(feature = "server")]
pub(crate) mod on_server;

/// The stored fields of one entry that its hash covers, in the order the hash takes them.
pub(crate) struct EntryFields<'a> {
    pub at: &'a str,
    pub account_id: Option<i64>,
    pub account_login: &'a str,
    pub role_name: &'a str,
    pub action: &'a str,
    pub outcome: &'a str,
    pub target_user_id: Option<i64>,
    pub target_label: Option<&'a str>,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub detail: Option<&'a str>,
}

/// One entry as the Audit log page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct AuditRow {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub account: String,
    pub role: String,
    pub action: String,
    pub refused: bool,
    #[ts(type = "number | null")]
    pub target_user_id: Option<i64>,
    pub target: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub detail: Option<String>,
}

/// What a page of the log is filtered by; empty texts and `None` mean "any". `from` and `to`
/// are inclusive bounds compared with the stored timestamps.
pub(crate) struct PageFilter<'a> {
    pub account: &'a str,
    pub action: &'a str,
    pub user: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub target_user_id: Option<i64>,
}

/// The hash of the last entry, if there is one.
pub(crate) fn last_hash(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?)
}

/// The last entry's id and hash, if there is one.
pub(crate) fn last_entry(db: Sql<'_>) -> Result<Option<(i64, String)>> {
    db.query_opt(
        "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

pub(crate) fn count(db: Sql<'_>) -> Result<i64> {
    db.query_one("SELECT count(*) FROM audit_log", &[], |r| r.get(0))
}

/// Appends one entry with its link and hash; answers its id.
pub(crate) fn insert(
    conn: &Connection,
    e: &EntryFields<'_>,
    prev_hash: &str,
    hash: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, account_id, account_login, role_name, action, outcome,
             target_user_id, target_label, before_json, after_json, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        e.at,
        e.account_id,
        e.account_login,
        e.role_name,
        e.action,
        e.outcome,
        e.target_user_id,
        e.target_label,
        e.before,
        e.after,
        e.detail,
        prev_hash,
        hash
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Appends entries in order, each with its link and hash, one prepared statement a row: a
/// single-row INSERT checks the unique hash before it writes, so SQLite needs no statement
/// journal for it, where a multi-row one copies every page it touches into one first.
pub(crate) fn insert_many(
    conn: &Connection,
    rows: &[(EntryFields<'_>, String, String)],
) -> Result<()> {
    for (e, prev_hash, hash) in rows {
        insert(conn, e, prev_hash, hash)?;
    }
    Ok(())
}

/// Every entry in id order with its stored link and hash, until `visit` answers false.
pub(crate) fn each_in_order(
    conn: &Connection,
    mut visit: impl FnMut(i64, &EntryFields<'_>, &str, &str) -> bool,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT id, at, account_id, account_login, role_name, action, outcome, target_user_id,
                target_label, before_json, after_json, detail, prev_hash, hash
         FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| r.get::<_, Option<String>>(i);
        let (at, login, role, action, outcome) = (text(1)?, text(3)?, text(4)?, text(5)?, text(6)?);
        let (label, before, after, detail) = (text(8)?, text(9)?, text(10)?, text(11)?);
        let (prev_hash, hash): (String, String) = (r.get(12)?, r.get(13)?);
        let fields = EntryFields {
            at: at.as_deref().unwrap_or_default(),
            account_id: r.get(2)?,
            account_login: login.as_deref().unwrap_or_default(),
            role_name: role.as_deref().unwrap_or_default(),
            action: action.as_deref().unwrap_or_default(),
            outcome: outcome.as_deref().unwrap_or_default(),
            target_user_id: r.get(7)?,
            target_label: label.as_deref(),
            before: before.as_deref(),
            after: after.as_deref(),
            detail: detail.as_deref(),
        };
        if !visit(r.get(0)?, &fields, &prev_hash, &hash) {
            break;
        }
    }
    Ok(())
}

/// The filtered count, and up to `limit` entries before `before_id`, newest first. Texts
/// are found anywhere with ASCII letters in either case (SQLite's LIKE; `ascii_lower` on a
/// server, whose LIKE tells case apart).
pub(crate) fn page(
    db: Sql<'_>,
    f: &PageFilter<'_>,
    before_id: Option<i64>,
    limit: u32,
) -> Result<(i64, Vec<AuditRow>)> {
    let like = |column: &str, pattern: &str| match db {
        Sql::File(_) => format!("{column} LIKE {pattern} ESCAPE '\\'"),
        #[cfg(feature = "server")]
        Sql::Server(_) => format!("ascii_lower({column}) LIKE ascii_lower({pattern}) ESCAPE '\\'"),
    };
    // The casts tell a server the type of an argument that may be NULL.
    let filter = format!(
        "WHERE (?1 = '' OR {}) AND (?3 = '' OR {}) AND (?5 = '' OR {})
           AND (?7 = '' OR at >= ?7) AND (?8 = '' OR at <= ?8)
           AND (CAST(?9 AS bigint) IS NULL OR target_user_id = ?9)",
        like("account_login", "?2"),
        like("action", "?4"),
        like("target_label", "?6"),
    );
    let (account, action, user) = (contains(f.account), contains(f.action), contains(f.user));
    let filters: [&dyn Param; 9] = [
        &f.account,
        &account,
        &f.action,
        &action,
        &f.user,
        &user,
        &f.from,
        &f.to,
        &f.target_user_id,
    ];
    let total = db.query_one(
        &format!("SELECT count(*) FROM audit_log {filter}"),
        &filters,
        |r| r.get(0),
    )?;
    let (before_id, limit) = (before_id, i64::from(limit));
    let mut params = filters.to_vec();
    params.extend([&before_id as &dyn Param, &limit]);
    let entries = db.query(
        &format!(
            "SELECT id, at, account_login, role_name, action, outcome, target_user_id,
                    target_label, before_json, after_json, detail
             FROM audit_log {filter} AND (CAST(?10 AS bigint) IS NULL OR id < ?10)
             ORDER BY id DESC LIMIT ?11"
        ),
        &params,
        |r| {
            Ok(AuditRow {
                id: r.get(0)?,
                at: r.get(1)?,
                account: r.get(2)?,
                role: r.get(3)?,
                action: r.get(4)?,
                refused: r.get::<String>(5)? == "refused",
                target_user_id: r.get(6)?,
                target: r.get(7)?,
                before: r.get(8)?,
                after: r.get(9)?,
                detail: r.get(10)?,
            })
        },
    )?;
    Ok((total, entries))
}

/// A LIKE pattern that finds `s` anywhere, its wildcards taken literally.
fn contains(s: &str) -> String {
    let mut p = String::from("%");
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The hash of entry `id` and how many entries there are up to it, if the entry is there.
pub(crate) fn hash_and_rank<'a>(db: impl Into<Sql<'a>>, id: i64) -> Result<Option<(String, i64)>> {
    db.into().query_opt(
        "SELECT a.hash, (SELECT count(*) FROM audit_log b WHERE b.id <= ?1)
         FROM audit_log a WHERE a.id = ?1",
        &[&id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Whether the trigger `name` on the log is there and still refuses (`RAISE(ABORT ..)`).
pub(crate) fn trigger_refuses(conn: &Connection, name: &str) -> Result<bool> {
    let sql: Option<String> = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1
               AND tbl_name = 'audit_log'",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    Ok(sql.is_some_and(|s| s.contains("RAISE(ABORT")))
}

/// The backup file names that successful restores recorded as taken just before them.
pub(crate) fn backups_taken_before_restores(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn
        .prepare(
            "SELECT after_json ->> '$.before_restore' FROM audit_log
             WHERE action = 'backup.restore' AND outcome = 'ok'
               AND after_json ->> '$.before_restore' IS NOT NULL",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Failed sign-ins (not throttled ones) of every login since `since`, and when the last was.
pub(crate) fn failed_sign_ins_since(db: Sql<'_>, since: &str) -> Result<(i64, Option<String>)> {
    db.query_one(
        "SELECT count(*), max(at) FROM audit_log
         WHERE action = 'account.sign_in' AND outcome = 'refused' AND detail IS NULL
           AND at >= ?1",
        &[&since],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Failed sign-ins (not throttled ones) of `login` since its last success, and when the last
/// was; logins compare with ASCII letters in either case (as the file's NOCASE).
pub(crate) fn failed_sign_ins_of(db: Sql<'_>, login: &str) -> Result<(i64, Option<String>)> {
    let same_login = match db {
        Sql::File(_) => "account_login = ?1 COLLATE NOCASE",
        #[cfg(feature = "server")]
        Sql::Server(_) => "ascii_lower(account_login) = ascii_lower(?1)",
    };
    db.query_one(
        &format!(
            "SELECT count(*), max(at) FROM audit_log
             WHERE action = 'account.sign_in' AND outcome = 'refused' AND detail IS NULL
               AND {same_login}
               AND id > coalesce((SELECT max(id) FROM audit_log WHERE action = 'account.sign_in'
                                  AND outcome = 'ok' AND {same_login}), 0)"
        ),
        &[&login],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The distinct actions done on the user at `at` (one save may write several entries), in
/// the order they were written.
pub(crate) fn actions_on_user_at(db: Sql<'_>, user_id: i64, at: &str) -> Result<Vec<String>> {
    let mut actions: Vec<String> = db.query(
        "SELECT action FROM audit_log
         WHERE target_user_id = ?1 AND at = ?2 AND outcome = 'ok' ORDER BY id",
        &[&user_id, &at],
        |r| r.get(0),
    )?;
    // Each once, where it first came.
    let mut seen = std::collections::HashSet::new();
    actions.retain(|a| seen.insert(a.clone()));
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_text_with_wildcards_matches_them_literally() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (s TEXT); INSERT INTO t VALUES ('100%'), ('1000');")
            .unwrap();
        let found: Vec<String> = conn
            .prepare("SELECT s FROM t WHERE s LIKE ?1 ESCAPE '\\'")
            .unwrap()
            .query_map([contains("0%")], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(found, ["100%"]);
    }
}
