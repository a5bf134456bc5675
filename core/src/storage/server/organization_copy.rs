//! Copying an organization's rows from its file to an empty server database ("Move to a
//! server"), table by table in the order their references need, with PostgreSQL's binary
//! COPY; then the counts that prove nothing was lost. The columns are those of the server's
//! schema (`migrations/0002_organization.sql`), which names them as the file does.

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::Transaction;
use rusqlite::Connection;

use crate::base::error::{Error, Result};

/// Every table that holds the organization, each after the tables it references. The
/// seat tallies are not copied: the server's trigger counts the seats as they arrive.
pub(crate) const COPIED_TABLES: [&str; 22] = [
    "org_settings",
    "sites",
    "products",
    "product_features",
    "roles",
    "role_permissions",
    "accounts",
    "users",
    "phone_numbers",
    "orders",
    "cancellation_requests",
    "seats",
    "app_access",
    "call_history",
    "forwarding_rules",
    "voicemail_settings",
    "voicemails",
    "voicemail_greetings",
    "device_activations",
    "call_recordings",
    "safety_archives",
    "audit_log",
];

/// Columns the server derives itself (kept by its triggers), which the file does not have.
pub(crate) const DERIVED_COLUMNS: [(&str, &str); 1] = [("users", "number")];

/// The stored columns of `table` on the server that the file has too (neither generated nor
/// derived), in order, with their types.
fn columns(tx: &mut Transaction<'_>, table: &str) -> Result<Vec<(String, Type)>> {
    let rows = tx.query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
         ORDER BY ordinal_position",
        &[&table],
    )?;
    let rows = rows
        .into_iter()
        .filter(|r| !DERIVED_COLUMNS.contains(&(table, r.get::<_, &str>(0))));
    rows.map(|r| {
        let (name, data_type): (String, String) = (r.get(0), r.get(1));
        let ty = match data_type.as_str() {
            "bigint" => Type::INT8,
            "text" => Type::TEXT,
            "bytea" => Type::BYTEA,
            other => return Err(Error::Internal(format!("{table}.{name} is {other}"))),
        };
        Ok((name, ty))
    })
    .collect()
}

/// One value of a file's row, as the server's column takes it.
fn value(row: &rusqlite::Row<'_>, i: usize, ty: &Type) -> Result<Box<dyn ToSql + Sync>> {
    Ok(match *ty {
        Type::INT8 => Box::new(row.get::<_, Option<i64>>(i)?),
        Type::BYTEA => Box::new(row.get::<_, Option<Vec<u8>>>(i)?),
        _ => Box::new(row.get::<_, Option<String>>(i)?),
    })
}

/// Copies every row of `file` (read in one snapshot by the caller) into the server's empty
/// tables and moves each identity past the highest id copied. Answers the rows per table.
pub(crate) fn copy_rows(file: &Connection, tx: &mut Transaction<'_>) -> Result<Vec<(String, i64)>> {
    let mut copied = Vec::with_capacity(COPIED_TABLES.len());
    for table in COPIED_TABLES {
        let cols = columns(tx, table)?;
        let list = cols
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let types: Vec<Type> = cols.iter().map(|(_, t)| t.clone()).collect();
        let sink = tx.copy_in(&format!("COPY {table} ({list}) FROM STDIN (FORMAT binary)"))?;
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        let mut stmt = file.prepare(&format!("SELECT {list} FROM {table}"))?;
        let mut rows = stmt.query([])?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            let values = (0..types.len())
                .map(|i| value(row, i, &types[i]))
                .collect::<Result<Vec<_>>>()?;
            let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v.as_ref()).collect();
            writer.write(&refs)?;
            n += 1;
        }
        writer.finish()?;
        if cols.iter().any(|(name, _)| name == "id") {
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                                   (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                ),
                &[],
            )?;
        }
        copied.push((table.to_owned(), n));
    }
    Ok(copied)
}

/// Rows per copied table on the server.
pub(crate) fn server_counts(tx: &mut Transaction<'_>) -> Result<Vec<(String, i64)>> {
    COPIED_TABLES
        .iter()
        .map(|t| {
            let n: i64 = tx
                .query_one(&format!("SELECT count(*) FROM {t}"), &[])?
                .get(0);
            Ok((t.to_string(), n))
        })
        .collect()
}

/// Rows per copied table in the file.
pub(crate) fn file_counts(file: &Connection) -> Result<Vec<(String, i64)>> {
    COPIED_TABLES
        .iter()
        .map(|t| {
            let n: i64 = file.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?;
            Ok((t.to_string(), n))
        })
        .collect()
}

/// The seats counted per product and status (non-zero), on the server.
pub(crate) fn server_tallies(tx: &mut Transaction<'_>) -> Result<Vec<(i64, String, i64)>> {
    let rows = tx.query(
        "SELECT product_id, status, n FROM seat_tallies WHERE n > 0",
        &[],
    )?;
    let mut tallies: Vec<_> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    tallies.sort();
    Ok(tallies)
}

/// The seats counted per product and status (non-zero), in the file.
pub(crate) fn file_tallies(file: &Connection) -> Result<Vec<(i64, String, i64)>> {
    let mut stmt = file.prepare("SELECT product_id, status, n FROM seat_tallies WHERE n > 0")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let mut tallies: Vec<_> = rows.collect::<rusqlite::Result<_>>()?;
    tallies.sort();
    Ok(tallies)
}
