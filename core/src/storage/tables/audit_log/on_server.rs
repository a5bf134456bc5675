//! The audit log's SQL on a server (its SQLite twin is `storage/tables/audit_log.rs`). The
//! hashing and the verifying are the kernel's, the same for both engines.

use postgres::fallible_iterator::FallibleIterator;
use postgres::Transaction;

use super::EntryFields;
use crate::base::error::Result;

/// The last entry's id and hash, with the head row locked until the transaction ends.
pub(crate) fn lock_head(tx: &mut Transaction<'_>) -> Result<(i64, String)> {
    let row = tx.query_one("SELECT last_id, hash FROM audit_head FOR UPDATE", &[])?;
    Ok((row.get(0), row.get(1)))
}

/// Writes entry `id` and moves the head to it.
pub(crate) fn insert(
    tx: &mut Transaction<'_>,
    id: i64,
    e: &EntryFields<'_>,
    prev_hash: &str,
    hash: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log (id, at, account_id, account_login, role_name, action, outcome,
             target_user_id, target_label, before_json, after_json, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        &[
            &id,
            &e.at,
            &e.account_id,
            &e.account_login,
            &e.role_name,
            &e.action,
            &e.outcome,
            &e.target_user_id,
            &e.target_label,
            &e.before,
            &e.after,
            &e.detail,
            &prev_hash,
            &hash,
        ],
    )?;
    move_head(tx, id, hash)
}

/// Moves the head to entry `id` with `hash`, which must be in the log (the trigger checks).
pub(crate) fn move_head(tx: &mut Transaction<'_>, id: i64, hash: &str) -> Result<()> {
    tx.execute(
        "UPDATE audit_head SET last_id = $1, hash = $2",
        &[&id, &hash],
    )?;
    Ok(())
}

/// The head row as stored: what the last append wrote.
pub(crate) fn head(tx: &mut Transaction<'_>) -> Result<(i64, String)> {
    let row = tx.query_one("SELECT last_id, hash FROM audit_head", &[])?;
    Ok((row.get(0), row.get(1)))
}

/// The server's append-only guards, by trigger name (migrations/0001_audit_log.sql).
pub(crate) const GUARDS: [&str; 4] = [
    "audit_log_no_update",
    "audit_log_no_truncate",
    "audit_head_only_forward",
    "audit_head_no_truncate",
];

/// The guards that are gone or switched off (`ALTER TABLE … DISABLE TRIGGER`, by the
/// database's owner): the log could then have been rewritten.
pub(crate) fn missing_guards(tx: &mut Transaction<'_>) -> Result<Vec<&'static str>> {
    let enabled: Vec<String> = tx
        .query(
            "SELECT t.tgname::text FROM pg_trigger t
             WHERE t.tgrelid IN ('audit_log'::regclass, 'audit_head'::regclass)
               AND NOT t.tgisinternal AND t.tgenabled <> 'D'",
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(GUARDS
        .into_iter()
        .filter(|g| !enabled.iter().any(|e| e == g))
        .collect())
}

pub(crate) fn count(tx: &mut Transaction<'_>) -> Result<i64> {
    Ok(tx.query_one("SELECT count(*) FROM audit_log", &[])?.get(0))
}

/// Calls `f` with every entry in chain order until it answers false.
pub(crate) fn each_in_order(
    tx: &mut Transaction<'_>,
    mut f: impl FnMut(i64, &EntryFields<'_>, &str, &str) -> bool,
) -> Result<()> {
    // Streamed: the whole log is never in memory at once.
    let mut rows = tx.query_raw(
        "SELECT id, at, account_id, account_login, role_name, action, outcome, target_user_id,
                target_label, before_json, after_json, detail, prev_hash, hash
         FROM audit_log ORDER BY id",
        std::iter::empty::<i64>(),
    )?;
    while let Some(r) = rows.next()? {
        let fields = EntryFields {
            at: r.get(1),
            account_id: r.get(2),
            account_login: r.get(3),
            role_name: r.get(4),
            action: r.get(5),
            outcome: r.get(6),
            target_user_id: r.get(7),
            target_label: r.get(8),
            before: r.get(9),
            after: r.get(10),
            detail: r.get(11),
        };
        if !f(r.get(0), &fields, r.get(12), r.get(13)) {
            break;
        }
    }
    Ok(())
}
