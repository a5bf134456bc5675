//! The server's schema, brought up to date in one transaction when a window connects. Two
//! windows connecting at once take turns on an advisory lock; a database whose schema is
//! newer than this build is refused before anything is written.

use postgres::Client;

use crate::base::error::{Error, Result};

const MIGRATIONS: [&str; 2] = [
    include_str!("migrations/0001_audit_log.sql"),
    include_str!("migrations/0002_organization.sql"),
];

/// The schema version this build writes and reads.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Any 64-bit number that only LicenseDesk's migrations take ("LDSKMIGR").
const MIGRATION_LOCK: i64 = 0x4c44_534b_4d49_4752;

pub(crate) fn migrate(client: &mut Client) -> Result<()> {
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
