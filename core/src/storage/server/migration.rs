//! The server's schema, brought up to date in one transaction when a window connects. Two
//! windows connecting at once take turns on an advisory lock; a database whose schema is
//! newer than this build, a server older than PostgreSQL 15 or a database without a UTF-8
//! character type is refused before anything is written.

use postgres::Client;

use crate::base::error::{Error, Result};
use crate::base::field::Field;

const MIGRATIONS: [&str; 3] = [
    include_str!("migrations/0001_audit_log.sql"),
    include_str!("migrations/0002_organization.sql"),
    include_str!("migrations/0003_user_list_token.sql"),
];

/// The schema version this build writes and reads.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Any 64-bit number that only LicenseDesk's migrations take ("LDSKMIGR").
const MIGRATION_LOCK: i64 = 0x4c44_534b_4d49_4752;

/// PostgreSQL 15 or later: the schema uses SQL-standard function bodies and the database's
/// locale provider.
const OLDEST_SERVER: i32 = 150_000;

/// Whether the database can hold an organization as the file does: the search folds case
/// with `lower()`, which folds only ASCII letters under a "C" or "POSIX" character type.
fn check_database(client: &mut Client) -> Result<()> {
    let version: i32 = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])?
        .get(0);
    if version < OLDEST_SERVER {
        return Err(Error::invalid(
            Field::Server,
            format!(
                "the server runs PostgreSQL {}; LicenseDesk needs 15 or later",
                version / 10_000
            ),
        ));
    }
    let row = client.query_one(
        "SELECT pg_encoding_to_char(encoding)::text, datctype::text, datlocprovider::text
         FROM pg_database WHERE datname = current_database()",
        &[],
    )?;
    let (encoding, ctype, provider): (String, String, String) =
        (row.get(0), row.get(1), row.get(2));
    if encoding != "UTF8" || (provider == "c" && matches!(ctype.as_str(), "C" | "POSIX")) {
        return Err(Error::invalid(
            Field::Server,
            format!(
                "the database has encoding {encoding} and character type {ctype}: create it with UTF8 and a UTF-8 locale (createdb -E UTF8 --locale=C.UTF-8, or an ICU locale)"
            ),
        ));
    }
    Ok(())
}

pub(crate) fn migrate(client: &mut Client) -> Result<()> {
    check_database(client)?;
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS licensedesk_schema (
             one boolean PRIMARY KEY DEFAULT true CHECK (one),
             version bigint NOT NULL
         );
         INSERT INTO licensedesk_schema (version) VALUES (0) ON CONFLICT DO NOTHING;",
    )?;
    let found: i64 = tx
        .query_one("SELECT version FROM licensedesk_schema", &[])?
        .get(0);
    if found > SCHEMA_VERSION {
        return Err(Error::DatabaseTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for sql in &MIGRATIONS[found as usize..] {
        tx.batch_execute(sql)
            .map_err(|e| Error::Migration(Error::from(e).to_string()))?;
    }
    tx.execute(
        "UPDATE licensedesk_schema SET version = $1",
        &[&SCHEMA_VERSION],
    )?;
    tx.commit()?;
    Ok(())
}
