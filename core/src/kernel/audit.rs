//! The append-only audit log: every change and refusal, each entry chained to the one before
//! by a SHA-256 hash so that an edit made outside LicenseDesk shows.

use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::base::error::Result;
use crate::base::field::Field;
#[cfg(feature = "server")]
use crate::storage::engine::on_server;
use crate::storage::engine::Sql;
use crate::storage::tables::audit_log::{self, EntryFields, PageFilter};

const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who acted, as recorded (names are copied so that the entry reads the same forever).
pub(crate) struct AuditActor<'a> {
    pub account_id: Option<i64>,
    pub login: &'a str,
    pub role_name: &'a str,
}

impl AuditActor<'static> {
    /// LicenseDesk itself: the demo generator, cancellations that come due.
    pub const SYSTEM: Self = Self {
        account_id: None,
        login: "LicenseDesk",
        role_name: "system",
    };
}

pub(crate) struct AuditEntry<'a> {
    pub action: &'a str,
    pub refused: bool,
    pub target_user_id: Option<i64>,
    pub target_label: Option<&'a str>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub detail: Option<&'a str>,
}

impl<'a> AuditEntry<'a> {
    pub fn new(action: &'a str) -> Self {
        Self {
            action,
            refused: false,
            target_user_id: None,
            target_label: None,
            before: None,
            after: None,
            detail: None,
        }
    }
}

/// Appends one entry, inside the transaction of the change it records. The chain's head is
/// read and the entry linked to it in that one transaction: in autocommit, another window or
/// process on the same file could append between the two, and both entries would then link
/// to the same predecessor (a broken chain, in the file and in every backup of it).
pub(crate) fn append(
    db: Sql<'_>,
    at: &str,
    actor: &AuditActor<'_>,
    entry: &AuditEntry<'_>,
) -> Result<i64> {
    let before = entry.before.as_ref().map(Value::to_string);
    let after = entry.after.as_ref().map(Value::to_string);
    let fields = fields_of(at, actor, entry, before.as_deref(), after.as_deref());
    match db {
        Sql::File(conn) => {
            let prev_hash = audit_log::last_hash(conn)?.unwrap_or_else(|| GENESIS_HASH.to_owned());
            audit_log::insert(conn, &fields, &prev_hash, &entry_hash(&fields, &prev_hash))
        }
        #[cfg(feature = "server")]
        Sql::Server(tx) => on_server(tx, |tx| append_fields_on_server(tx, &fields)),
    }
}

/// An entry whose before and after are JSON text already, written as `Value::to_string`
/// writes them (keys sorted, no spaces): an import writes these by the hundred thousand, and
/// building a `Value` tree for each cost more than storing it.
pub(crate) struct TextEntry<'a> {
    pub action: &'a str,
    pub target_user_id: Option<i64>,
    pub target_label: Option<&'a str>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Appends several entries in order, as many calls to [`append`] would write them (the same
/// rows, links and hashes), reading the chain's head once: each entry links to the hash of
/// the one before it, kept in memory. Nothing else may append in between, which holds
/// because the caller passes the entries of one transaction together.
pub(crate) fn append_all(
    db: Sql<'_>,
    at: &str,
    actor: &AuditActor<'_>,
    entries: &[TextEntry<'_>],
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let fields = entries.iter().map(|e| EntryFields {
        at,
        account_id: actor.account_id,
        account_login: actor.login,
        role_name: actor.role_name,
        action: e.action,
        outcome: "ok",
        target_user_id: e.target_user_id,
        target_label: e.target_label,
        before: e.before.as_deref(),
        after: e.after.as_deref(),
        detail: None,
    });
    match db {
        Sql::File(conn) => {
            let mut prev_hash =
                audit_log::last_hash(conn)?.unwrap_or_else(|| GENESIS_HASH.to_owned());
            let mut rows = Vec::with_capacity(entries.len());
            for fields in fields {
                let hash = entry_hash(&fields, &prev_hash);
                let prev = std::mem::replace(&mut prev_hash, hash.clone());
                rows.push((fields, prev, hash));
            }
            audit_log::insert_many(conn, &rows)
        }
        #[cfg(feature = "server")]
        Sql::Server(tx) => on_server(tx, |tx| {
            for fields in fields {
                append_fields_on_server(tx, &fields)?;
            }
            Ok(())
        }),
    }
}

/// The stored fields of an entry whose before and after are already JSON text.
fn fields_of<'a>(
    at: &'a str,
    actor: &'a AuditActor<'_>,
    entry: &'a AuditEntry<'_>,
    before: Option<&'a str>,
    after: Option<&'a str>,
) -> EntryFields<'a> {
    EntryFields {
        at,
        account_id: actor.account_id,
        account_login: actor.login,
        role_name: actor.role_name,
        action: entry.action,
        outcome: if entry.refused { "refused" } else { "ok" },
        target_user_id: entry.target_user_id,
        target_label: entry.target_label,
        before,
        after,
        detail: entry.detail,
    }
}

/// The entry's hash: every field length-prefixed (absent ones as `-`), after the previous hash.
fn entry_hash(e: &EntryFields<'_>, prev_hash: &str) -> String {
    // Length-prefixed fields: no two different entries serialize alike.
    let mut h = Sha256::new();
    let mut field = |s: Option<&str>| match s {
        None => h.update(b"-"),
        Some(s) => {
            h.update(itoa::Buffer::new().format(s.len()).as_bytes());
            h.update(b":");
            h.update(s.as_bytes());
        }
    };
    let account_id = e.account_id.map(|i| i.to_string());
    let target = e.target_user_id.map(|i| i.to_string());
    field(Some(prev_hash));
    field(Some(e.at));
    field(account_id.as_deref());
    field(Some(e.account_login));
    field(Some(e.role_name));
    field(Some(e.action));
    field(Some(e.outcome));
    field(target.as_deref());
    field(e.target_label);
    field(e.before);
    field(e.after);
    field(e.detail);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for b in h.finalize() {
        hex.push(HEX[usize::from(b >> 4)] as char);
        hex.push(HEX[usize::from(b & 0xf)] as char);
    }
    hex
}

/// The chain checked entry by entry, in order: the one verifier of both engines.
struct ChainWalk {
    expected_prev: String,
    broken: Option<i64>,
}

impl ChainWalk {
    fn new() -> Self {
        Self {
            expected_prev: GENESIS_HASH.to_owned(),
            broken: None,
        }
    }

    /// Whether entry `id` links to the one before and matches its hash (if not, it is the
    /// first broken one and the walk stops).
    fn step(&mut self, id: i64, fields: &EntryFields<'_>, prev_hash: &str, hash: &str) -> bool {
        if prev_hash != self.expected_prev || entry_hash(fields, prev_hash) != hash {
            self.broken = Some(id);
            return false;
        }
        hash.clone_into(&mut self.expected_prev);
        true
    }
}

/// Walks the chain; returns the id of the first entry whose hash or link does not match.
pub fn first_broken_entry(conn: &Connection) -> Result<Option<i64>> {
    let mut walk = ChainWalk::new();
    audit_log::each_in_order(conn, |id, fields, prev_hash, hash| {
        walk.step(id, fields, prev_hash, hash)
    })?;
    Ok(walk.broken)
}

/// Appends one entry on a server, inside the transaction of the change it records: the head
/// row is locked first, so a second admin's entry waits and then links to this one.
#[cfg(feature = "server")]
#[cfg_attr(not(test), allow(dead_code))] // the server's own tests append without a change
pub(crate) fn append_on_server(
    tx: &mut postgres::Transaction<'_>,
    at: &str,
    actor: &AuditActor<'_>,
    entry: &AuditEntry<'_>,
) -> Result<i64> {
    let before = entry.before.as_ref().map(Value::to_string);
    let after = entry.after.as_ref().map(Value::to_string);
    let fields = fields_of(at, actor, entry, before.as_deref(), after.as_deref());
    append_fields_on_server(tx, &fields)
}

#[cfg(feature = "server")]
fn append_fields_on_server(
    tx: &mut postgres::Transaction<'_>,
    fields: &EntryFields<'_>,
) -> Result<i64> {
    use crate::storage::tables::audit_log::on_server as server_log;
    let (last_id, prev_hash) = server_log::lock_head(tx)?;
    let id = last_id + 1;
    server_log::insert(tx, id, fields, &prev_hash, &entry_hash(fields, &prev_hash))?;
    Ok(id)
}

/// The server's chain walked as [`first_broken_entry`] walks a file's, and more: the ids run
/// 1, 2, 3 … without a gap, and the head row names the last entry and its hash. Answers the
/// first id that breaks any of these (the head's id when only the head is wrong).
#[cfg(feature = "server")]
pub(crate) fn first_broken_entry_on_server(
    tx: &mut postgres::Transaction<'_>,
) -> Result<Option<i64>> {
    use crate::storage::tables::audit_log::on_server as server_log;
    let mut walk = ChainWalk::new();
    let mut expected_id = 1;
    server_log::each_in_order(tx, |id, fields, prev_hash, hash| {
        if id != expected_id {
            walk.broken = Some(expected_id);
            return false;
        }
        expected_id += 1;
        walk.step(id, fields, prev_hash, hash)
    })?;
    if walk.broken.is_some() {
        return Ok(walk.broken);
    }
    let (head_id, head_hash) = server_log::head(tx)?;
    let last_id = expected_id - 1;
    Ok((head_id != last_id || head_hash != walk.expected_prev).then_some(head_id.max(last_id)))
}

/// Hashes every entry again from the first, as someone who knows the algorithm could with
/// the sqlite3 shell (the update trigger must be dropped first).
#[cfg(test)]
pub(crate) fn rehash_all(conn: &Connection) {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut prev = GENESIS_HASH.to_owned();
    for id in ids {
        let hash = conn
            .query_row(
                "SELECT at, account_id, account_login, role_name, action, outcome,
                        target_user_id, target_label, before_json, after_json, detail
                 FROM audit_log WHERE id = ?1",
                [id],
                |r| {
                    let text = |i: usize| r.get::<_, Option<String>>(i);
                    let (at, login, role, action, outcome) =
                        (text(0)?, text(2)?, text(3)?, text(4)?, text(5)?);
                    let (label, before, after, detail) = (text(7)?, text(8)?, text(9)?, text(10)?);
                    Ok(entry_hash(
                        &EntryFields {
                            at: at.as_deref().unwrap_or_default(),
                            account_id: r.get(1)?,
                            account_login: login.as_deref().unwrap_or_default(),
                            role_name: role.as_deref().unwrap_or_default(),
                            action: action.as_deref().unwrap_or_default(),
                            outcome: outcome.as_deref().unwrap_or_default(),
                            target_user_id: r.get(6)?,
                            target_label: label.as_deref(),
                            before: before.as_deref(),
                            after: after.as_deref(),
                            detail: detail.as_deref(),
                        },
                        &prev,
                    ))
                },
            )
            .unwrap();
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
            rusqlite::params![prev, hash, id],
        )
        .unwrap();
        prev = hash;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The hash as first written (`format!` for lengths and hex): what every stored chain
    /// was hashed with.
    fn entry_hash_as_first_written(e: &EntryFields<'_>, prev_hash: &str) -> String {
        let mut h = Sha256::new();
        let mut field = |s: Option<&str>| match s {
            None => h.update(b"-"),
            Some(s) => {
                h.update(format!("{}:", s.len()).as_bytes());
                h.update(s.as_bytes());
            }
        };
        let account_id = e.account_id.map(|i| i.to_string());
        let target = e.target_user_id.map(|i| i.to_string());
        for s in [
            Some(prev_hash),
            Some(e.at),
            account_id.as_deref(),
            Some(e.account_login),
            Some(e.role_name),
            Some(e.action),
            Some(e.outcome),
            target.as_deref(),
            e.target_label,
            e.before,
            e.after,
            e.detail,
        ] {
            field(s);
        }
        h.finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    }

    #[test]
    fn the_hash_is_the_one_first_written_for_every_length() {
        let long = "é".repeat(5_000);
        for text in ["", "a", "Zoë Nguyễn", long.as_str()] {
            let e = EntryFields {
                at: "2026-03-02T10:00:00Z",
                account_id: Some(7),
                account_login: "dana.reyes",
                role_name: "Super Admin",
                action: "user.add",
                outcome: "ok",
                target_user_id: None,
                target_label: Some(text),
                before: None,
                after: Some(text),
                detail: Some(text),
            };
            assert_eq!(
                entry_hash(&e, GENESIS_HASH),
                entry_hash_as_first_written(&e, GENESIS_HASH)
            );
        }
    }

    fn actor() -> AuditActor<'static> {
        AuditActor {
            account_id: None,
            login: "system",
            role_name: "",
        }
    }

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let (conn, _) =
            crate::storage::pre_migration_copy::open(&dir.path().join("a.sqlite")).unwrap();
        (dir, conn)
    }

    #[test]
    fn entries_chain_and_verify() {
        let (_dir, mut conn) = db();
        let tx = conn.transaction().unwrap();
        for i in 0..3 {
            let mut e = AuditEntry::new("test.action");
            e.after = Some(json!({ "i": i }));
            append((&tx).into(), "2026-01-01T00:00:00Z", &actor(), &e).unwrap();
        }
        tx.commit().unwrap();
        assert_eq!(first_broken_entry(&conn).unwrap(), None);
    }

    #[test]
    fn the_log_refuses_update_and_delete() {
        let (_dir, mut conn) = db();
        let tx = conn.transaction().unwrap();
        append(
            (&tx).into(),
            "2026-01-01T00:00:00Z",
            &actor(),
            &AuditEntry::new("x"),
        )
        .unwrap();
        tx.commit().unwrap();
        let upd = conn.execute("UPDATE audit_log SET action = 'y'", []);
        assert!(upd.unwrap_err().to_string().contains("append-only"));
        let del = conn.execute("DELETE FROM audit_log", []);
        assert!(del.unwrap_err().to_string().contains("append-only"));
    }

    #[test]
    fn a_tampered_entry_is_found() {
        let (_dir, mut conn) = db();
        let tx = conn.transaction().unwrap();
        for _ in 0..3 {
            append(
                (&tx).into(),
                "2026-01-01T00:00:00Z",
                &actor(),
                &AuditEntry::new("x"),
            )
            .unwrap();
        }
        tx.commit().unwrap();
        // Someone with the file and sqlite3 drops the trigger and edits entry 2.
        conn.execute_batch(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET action = 'forged' WHERE id = 2;",
        )
        .unwrap();
        assert_eq!(first_broken_entry(&conn).unwrap(), Some(2));
    }
}

pub use crate::storage::tables::audit_log::AuditRow;

/// Filters of the Audit log page; empty strings mean "any". Pages go backwards in time.
#[derive(Debug, Clone, Default, serde::Deserialize, ts_rs::TS)]
pub struct AuditQuery {
    pub account: String,
    pub action: String,
    /// Matches the target user's name, anywhere.
    pub user: String,
    /// Inclusive bounds, as dates (yyyy-mm-dd) or timestamps.
    pub from: String,
    pub to: String,
    /// Only entries about this user (the user editor's History).
    #[ts(type = "number | null")]
    pub target_user_id: Option<i64>,
    #[ts(type = "number | null")]
    pub before_id: Option<i64>,
    pub limit: u32,
}

#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct AuditPage {
    pub entries: Vec<AuditRow>,
    #[ts(type = "number | null")]
    pub next_before_id: Option<i64>,
    #[ts(type = "number")]
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct AuditVerification {
    /// Every entry matches its hash and link, the append-only triggers are in place, and the
    /// log extends every recorded head found.
    pub intact: bool,
    #[ts(type = "number")]
    pub entries: i64,
    #[ts(type = "number | null")]
    pub first_broken: Option<i64>,
    /// Heads checked: one per backup beside the file and per export named.
    #[ts(type = "number")]
    pub heads_checked: i64,
    pub message: String,
}

/// The longest text a filter of the log searches for.
const MAX_FILTER_CHARS: usize = 1_000;

/// A date bound: "2026-11-27" as `to` means the whole of that day.
fn upper_bound(to: &str) -> String {
    let t = to.trim();
    if t.len() == 10 {
        format!("{t}T23:59:59Z")
    } else {
        t.to_owned()
    }
}

/// A date bound: empty, a date (2026-11-27) or a whole RFC 3339 timestamp; nothing else
/// reaches the query.
pub(crate) fn validate_bound(field: Field, value: &str) -> Result<()> {
    let v = value.trim();
    let is_date = v.len() == 10 && chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok();
    if v.is_empty() || is_date || chrono::DateTime::parse_from_rfc3339(v).is_ok() {
        return Ok(());
    }
    // Long or invisible input is not repeated back whole.
    let shown: String = v.chars().take(40).filter(|c| !c.is_control()).collect();
    Err(crate::Error::invalid(
        field,
        format!("\"{shown}\" is not a date. Use the form 2026-11-27."),
    ))
}

pub(crate) fn query<'a>(db: impl Into<Sql<'a>>, q: &AuditQuery) -> Result<AuditPage> {
    if q.limit == 0 || q.limit > 500 {
        return Err(crate::Error::invalid(
            Field::PageSize,
            "A page holds 1 to 500 entries.",
        ));
    }
    validate_bound(Field::From, &q.from)?;
    validate_bound(Field::To, &q.to)?;
    // SQLite refuses LIKE patterns over 50,000 bytes; no stored name comes near this.
    for (field, text) in [
        (Field::Account, &q.account),
        (Field::Action, &q.action),
        (Field::User, &q.user),
    ] {
        if text.trim().chars().count() > MAX_FILTER_CHARS {
            return Err(crate::Error::invalid(
                field,
                format!("Search for at most {MAX_FILTER_CHARS} characters."),
            ));
        }
    }
    let to = if q.to.trim().is_empty() {
        String::new()
    } else {
        upper_bound(&q.to)
    };
    let filter = PageFilter {
        account: q.account.trim(),
        action: q.action.trim(),
        user: q.user.trim(),
        from: q.from.trim(),
        to: &to,
        target_user_id: q.target_user_id,
    };
    let (total, entries) = audit_log::page(db.into(), &filter, q.before_id, q.limit)?;
    let next_before_id = if entries.len() == q.limit as usize {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(AuditPage {
        entries,
        next_before_id,
        total,
    })
}

/// The chain, the append-only triggers, the heads recorded in the backups in `backup_dir` and
/// in the `exports` named, and the rules the rows must keep.
/// On a server (no `backup_dir`): its own guards, and no row check (its constraints keep
/// those rules; no role LicenseDesk connects as can switch them off).
pub(crate) fn verify(
    db: Sql<'_>,
    backup_dir: Option<&std::path::Path>,
    exports: &[std::path::PathBuf],
) -> Result<AuditVerification> {
    let entries = audit_log::count(db)?;
    let (first_broken, missing, broken_rows) = match db {
        Sql::File(conn) => (
            first_broken_entry(conn)?,
            crate::kernel::audit_chain::missing_triggers(conn)?,
            // Rows changed outside LicenseDesk without touching the log (0.1–0.2 s at 100,000
            // users).
            crate::storage::record_check::problems(conn)?,
        ),
        #[cfg(feature = "server")]
        Sql::Server(tx) => on_server(tx, |tx| {
            Ok((
                first_broken_entry_on_server(tx)?,
                audit_log::on_server::missing_guards(tx)?,
                Vec::new(),
            ))
        })?,
    };
    let heads = crate::kernel::audit_chain::check_heads(db, backup_dir, exports)?;
    let mut sentences = vec![match first_broken {
        None => format!("All {entries} entries are intact: each one matches its hash and links to the one before."),
        Some(id) => format!(
            "Entry {id} does not match its hash or its link: it or an entry before it was changed or removed outside LicenseDesk. Entries before {id} are intact."
        ),
    }];
    if !missing.is_empty() {
        sentences.push(format!(
            "The append-only protection of the log is missing ({}): it was removed outside LicenseDesk.",
            missing.join(", ")
        ));
    }
    sentences.extend(heads.problems.iter().cloned());
    sentences.extend(broken_rows.iter().cloned());
    let intact = first_broken.is_none()
        && missing.is_empty()
        && heads.problems.is_empty()
        && broken_rows.is_empty();
    if intact {
        sentences.push(match heads.checked {
            0 => "No backup or export was found to check the end of the log against.".into(),
            n => format!("The log extends the end of the log recorded in {n} backups and exports."),
        });
    }
    if !heads.unreadable.is_empty() {
        sentences.push(format!(
            "Not checked (could not be read): {}.",
            heads.unreadable.join("; ")
        ));
    }
    Ok(AuditVerification {
        intact,
        entries,
        first_broken,
        heads_checked: heads.checked,
        message: sentences.join(" "),
    })
}

/// The rows, then a last line with the chain's head (see [`crate::kernel::audit_chain`]).
pub(crate) fn csv(
    rows: &[AuditRow],
    head: &crate::kernel::audit_chain::ChainHead,
) -> Result<Vec<u8>> {
    let mut w = crate::base::csv_cell::CsvWriter::new();
    w.row([
        "id", "at", "account", "role", "action", "outcome", "target", "before", "after", "detail",
    ])?;
    for r in rows {
        w.row([
            r.id.to_string(),
            r.at.clone(),
            r.account.clone(),
            r.role.clone(),
            r.action.clone(),
            if r.refused { "refused" } else { "ok" }.to_owned(),
            r.target.clone().unwrap_or_default(),
            r.before.clone().unwrap_or_default(),
            r.after.clone().unwrap_or_default(),
            r.detail.clone().unwrap_or_default(),
        ])?;
    }
    let mut bytes = w.finish()?;
    bytes.extend_from_slice(crate::kernel::audit_chain::csv_line(head).as_bytes());
    Ok(bytes)
}

#[cfg(test)]
mod verify_tests {
    use crate::tests::testing::{demo_org, sign_in};

    #[test]
    fn verify_integrity_reports_a_row_edited_with_raw_sql() {
        let (_dir, mut org) = demo_org();
        let auditor = sign_in(&mut org, "max.weber");
        let ok = org.verify_audit_log(auditor).unwrap();
        assert_eq!(ok.first_broken, None);
        assert!(ok
            .message
            .starts_with(&format!("All {} entries are intact", ok.entries)));
        // Someone with the file and the sqlite3 shell hides a sign-in.
        org.conn()
            .execute_batch(
                "DROP TRIGGER audit_log_no_update;
                 UPDATE audit_log SET account_login = 'nobody' WHERE id = 2;",
            )
            .unwrap();
        let broken = org.verify_audit_log(auditor).unwrap();
        assert_eq!(broken.first_broken, Some(2));
        assert!(
            broken.message.contains("Entry 2 does not match"),
            "{}",
            broken.message
        );
        // Verification is for those who may read the log.
        let helpdesk = sign_in(&mut org, "priya.nair");
        assert_eq!(
            org.verify_audit_log(helpdesk).unwrap_err().code(),
            "permission_denied"
        );
    }

    #[test]
    fn filters_narrow_the_log_and_pages_go_back_in_time() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        for _ in 0..3 {
            let _ = org.sign_in("sam.okafor", "wrong");
        }
        let q = |account: &str, limit: u32| super::AuditQuery {
            account: account.into(),
            limit,
            ..Default::default()
        };
        let sam = org.audit_log(admin, &q("sam.okafor", 2)).unwrap();
        assert_eq!(sam.total, 3);
        assert!(sam
            .entries
            .iter()
            .all(|e| e.account == "sam.okafor" && e.refused));
        let older = org
            .audit_log(
                admin,
                &super::AuditQuery {
                    before_id: sam.next_before_id,
                    ..q("sam.okafor", 2)
                },
            )
            .unwrap();
        assert_eq!(older.entries.len(), 1);
        assert!(older.entries[0].id < sam.entries[1].id);
        let bad = org
            .audit_log(
                admin,
                &super::AuditQuery {
                    from: "yesterday".into(),
                    ..q("", 10)
                },
            )
            .unwrap_err();
        assert_eq!(bad.payload().field.as_deref(), Some("from"));
    }
}
