//! The schema of a file compared with what LicenseDesk's migrations create: a file whose
//! tables, indexes, triggers or views were changed by another program (the audit log's
//! append-only triggers dropped, a view or trigger added, a table altered) is refused before
//! anything in it is read or written.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use rusqlite::Connection;

use crate::base::error::{Error, Result};

/// (type, name) → (table, SQL with its whitespace collapsed).
type Schema = BTreeMap<(String, String), (String, String)>;

fn read_schema(conn: &Connection) -> Result<Schema> {
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema
         WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let sql: String = r.get(3)?;
            Ok((
                (r.get(0)?, r.get(1)?),
                (
                    r.get(2)?,
                    sql.split_whitespace().collect::<Vec<_>>().join(" "),
                ),
            ))
        })?
        .collect::<rusqlite::Result<Schema>>()?;
    Ok(rows)
}

/// What the migrations up to `version` create, computed once per version on an in-memory
/// database.
fn expected(version: i64) -> Result<Schema> {
    static CACHE: OnceLock<Mutex<BTreeMap<i64, Schema>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(schema) = cache.lock().expect("schema cache").get(&version) {
        return Ok(schema.clone());
    }
    let mut conn = Connection::open_in_memory()?;
    crate::storage::db::migrate_to(&mut conn, version as usize)?;
    let schema = read_schema(&conn)?;
    cache
        .lock()
        .expect("schema cache")
        .insert(version, schema.clone());
    Ok(schema)
}

/// Refuses a file at schema `version` whose schema is not exactly what the migrations made.
pub(crate) fn check(conn: &Connection, version: i64) -> Result<()> {
    let want = expected(version)?;
    let found = read_schema(conn)?;
    let mut differences = Vec::new();
    for ((kind, name), (table, sql)) in &want {
        match found.get(&(kind.clone(), name.clone())) {
            None => differences.push(format!("{kind} {name} is missing")),
            Some(f) if f != &(table.clone(), sql.clone()) => {
                differences.push(format!("{kind} {name} was changed"))
            }
            Some(_) => {}
        }
    }
    for (kind, name) in found.keys() {
        if !want.contains_key(&(kind.clone(), name.clone())) {
            differences.push(format!("an extra {kind} {name} was added"));
        }
    }
    if differences.is_empty() {
        return Ok(());
    }
    Err(Error::SchemaTampered {
        differences: differences.join("; "),
    })
}

#[cfg(test)]
mod tests {
    use crate::tests::testing::demo_org;

    fn tampered(sql: &str) -> String {
        let (dir, org) = demo_org();
        let path = org.path.clone();
        drop(org);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        let err = crate::storage::pre_migration_copy::open(&path)
            .err()
            .expect("refused");
        assert_eq!(err.code(), "schema_tampered");
        drop(dir);
        err.to_string()
    }

    #[test]
    fn a_dropped_trigger_an_extra_view_or_trigger_and_a_changed_table_are_refused() {
        let audit_trigger: String = {
            let (_dir, org) = demo_org();
            org.conn()
                .query_row(
                    "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit_log' LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let dropped = tampered(&format!("DROP TRIGGER {audit_trigger}"));
        assert!(
            dropped.contains(&format!("trigger {audit_trigger} is missing")),
            "{dropped}"
        );
        let view = tampered("CREATE VIEW spy AS SELECT * FROM accounts");
        assert!(view.contains("an extra view spy was added"), "{view}");
        let trigger =
            tampered("CREATE TRIGGER spy AFTER INSERT ON users BEGIN DELETE FROM seats; END");
        assert!(
            trigger.contains("an extra trigger spy was added"),
            "{trigger}"
        );
        let table = tampered("ALTER TABLE users ADD COLUMN note TEXT");
        assert!(table.contains("table users was changed"), "{table}");
    }

    #[test]
    fn an_untouched_file_passes_at_every_version() {
        let (_dir, org) = demo_org();
        // The figure for the README: a start checks once, the first check also builds the
        // expected schema (`cargo test -p licensedesk-core schema_check -- --nocapture`).
        let start = std::time::Instant::now();
        super::check(org.conn(), crate::storage::db::schema_version()).unwrap();
        let first = start.elapsed();
        let start = std::time::Instant::now();
        super::check(org.conn(), crate::storage::db::schema_version()).unwrap();
        eprintln!(
            "schema check at open: {first:?} (again: {:?})",
            start.elapsed()
        );
        for version in 1..crate::storage::db::schema_version() {
            let mut conn = rusqlite::Connection::open_in_memory().unwrap();
            crate::storage::db::migrate_to(&mut conn, version as usize).unwrap();
            super::check(&conn, version).unwrap();
        }
    }
}
