//! The two storage engines behind one handle (docs/ARCHITECTURE.md §Server): the embedded
//! organization file (SQLite, the default) and, with the crate feature `server`, a PostgreSQL
//! database that several admins share.
//!
//! A statement both engines understand is written once with `?1` placeholders (PostgreSQL's
//! `$1` are made from them) and read through [`Row`]; where the dialects differ, the table's
//! function matches on [`Sql`] and keeps the two statements side by side. An area still
//! written for the file alone asks for the file's connection (`Engine::file`), and on a server
//! is refused with `file_only` before it reads or writes anything.

#[cfg(feature = "server")]
use std::cell::RefCell;

use rusqlite::Connection;

use crate::base::error::{Error, Result};
use crate::storage::checkpoint::Checkpointer;

/// Where an open organization lives (one per open organization: the variants' sizes do not
/// matter).
#[allow(clippy::large_enum_variant)]
pub(crate) enum Engine {
    File {
        conn: Connection,
        /// Copies the write-ahead log into the file in the background; declared after
        /// `conn`, which must close first.
        _checkpointer: Checkpointer,
    },
    /// One connection to the server (made again when it was lost).
    #[cfg(feature = "server")]
    Server(Box<ServerConnection>),
}

/// The server ended this session (a restart, an administrator's command).
#[cfg(feature = "server")]
fn is_disconnect(e: &postgres::error::DbError) -> bool {
    let code = e.code().code();
    code.starts_with("57P") || code.starts_with("08")
}

/// The server's address and this window's connection to it: a `RefCell` because a query
/// needs the client mutably and reads take the organization shared.
#[cfg(feature = "server")]
pub(crate) struct ServerConnection {
    pub address: crate::storage::server::ServerAddress,
    pub client: RefCell<postgres::Client>,
    /// The statements prepared on `client`, by their text, as the file's connection caches
    /// its own: a statement run again skips a round trip and the server's parse and plan
    /// (the Users page's rows at 100,000 users: 1.3 ms → 0.6). Emptied with each new
    /// connection, on which they do not exist.
    pub statements: StatementCache,
}

#[cfg(feature = "server")]
pub(crate) type StatementCache = RefCell<std::collections::HashMap<String, postgres::Statement>>;

/// More distinct statements than a window runs: past it the cache starts again (statements
/// with a value written into their text would otherwise grow it without end).
#[cfg(feature = "server")]
const CACHED_STATEMENTS: usize = 512;

#[cfg(feature = "server")]
impl ServerConnection {
    /// The connection, made again first when the server closed the last one (it restarted,
    /// the network came back): a window goes on where it was, and nothing is replayed, since
    /// nothing is kept while the server cannot be reached.
    fn client(&self) -> Result<std::cell::RefMut<'_, postgres::Client>> {
        let mut client = self.client.borrow_mut();
        if client.is_closed() {
            *client = self.address.connect()?;
            self.statements.borrow_mut().clear();
        }
        Ok(client)
    }
}

impl Engine {
    /// The file's connection, or the refusal for an operation not yet written for a server.
    pub(crate) fn file(&self) -> Result<&Connection> {
        match self {
            Engine::File { conn, .. } => Ok(conn),
            #[cfg(feature = "server")]
            Engine::Server(_) => Err(Error::FileOnly),
        }
    }

    pub(crate) fn file_mut(&mut self) -> Result<&mut Connection> {
        match self {
            Engine::File { conn, .. } => Ok(conn),
            #[cfg(feature = "server")]
            Engine::Server(_) => Err(Error::FileOnly),
        }
    }

    /// The server as a window may show it (no password), when the organization is on one.
    pub(crate) fn server_shown(&self) -> Option<String> {
        match self {
            Engine::File { .. } => None,
            #[cfg(feature = "server")]
            Engine::Server(server) => Some(server.address.shown()),
        }
    }

    pub(crate) fn is_file(&self) -> bool {
        matches!(self, Engine::File { .. })
    }

    /// Runs reads: on a server in one snapshot (a read-only repeatable-read transaction, so
    /// that another admin's commit between two of them is not half seen); on a file through
    /// its connection, as before.
    pub(crate) fn read<T>(&self, f: impl FnOnce(Sql<'_>) -> Result<T>) -> Result<T> {
        match self {
            Engine::File { conn, .. } => f(Sql::File(conn)),
            #[cfg(feature = "server")]
            Engine::Server(server) => {
                // The client learns that the server ended its connection (a restart, a cut
                // network) only when it next uses it: the snapshot then begins once more, on
                // a new connection (`ServerConnection::client`). Nothing was read yet.
                let mut f = Some(f);
                let mut retried = false;
                loop {
                    let mut client = server.client()?;
                    let begun = client
                        .build_transaction()
                        .isolation_level(postgres::IsolationLevel::RepeatableRead)
                        .read_only(true)
                        .start();
                    let e = match begun {
                        Ok(mut tx) => {
                            let f = f.take().expect("the read runs once");
                            let out = f(Sql::Server(&InTransaction::new(
                                &mut tx,
                                &server.statements,
                            )))?;
                            tx.commit()?;
                            return Ok(out);
                        }
                        Err(e) => e,
                    };
                    if retried || !(e.is_closed() || e.as_db_error().is_some_and(is_disconnect)) {
                        return Err(e.into());
                    }
                    retried = true;
                }
            }
        }
    }

    /// Runs `f` in one write transaction of its own and commits it: on a file an immediate
    /// transaction, on a server `server::in_change` (which may run `f` again after a
    /// serialization failure, so `f` must change nothing outside the transaction).
    pub(crate) fn write<T>(&mut self, mut f: impl FnMut(Sql<'_>) -> Result<T>) -> Result<T> {
        match self {
            Engine::File { conn, .. } => {
                let tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let out = f(Sql::File(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            #[cfg(feature = "server")]
            Engine::Server(server) => {
                let mut client = server.client()?;
                crate::storage::server::in_change(&mut client, |tx| {
                    f(Sql::Server(&InTransaction::new(tx, &server.statements)))
                })
            }
        }
    }
    /// Runs `f` in a write transaction that is always rolled back, whatever `f` returns: a
    /// preview that goes through the very steps of a change without keeping anything. On a
    /// file an immediate transaction (a deferred read that turns into a write fails when
    /// another window committed in between); on a server one snapshot, taken once.
    pub(crate) fn rolled_back<T>(&self, f: impl FnOnce(Sql<'_>) -> Result<T>) -> Result<T> {
        match self {
            Engine::File { conn, .. } => {
                let tx = rusqlite::Transaction::new_unchecked(
                    conn,
                    rusqlite::TransactionBehavior::Immediate,
                )?;
                let out = f(Sql::File(&tx));
                tx.rollback()?;
                out
            }
            #[cfg(feature = "server")]
            Engine::Server(server) => {
                let mut client = server.client()?;
                let mut tx = client
                    .build_transaction()
                    .isolation_level(postgres::IsolationLevel::RepeatableRead)
                    .start()?;
                let out = f(Sql::Server(&InTransaction::new(
                    &mut tx,
                    &server.statements,
                )));
                tx.rollback()?;
                out
            }
        }
    }
}

/// One engine's handle for the statements of a read or a change: the file's connection (in
/// its transaction, for a change) or the server's transaction. Copied freely.
#[derive(Clone, Copy)]
pub(crate) enum Sql<'a> {
    File(&'a Connection),
    #[cfg(feature = "server")]
    Server(&'a (dyn ServerTx + 'a)),
}

/// The server's transaction as [`Sql`] holds it: borrowed mutably for one statement at a
/// time (a trait object, so that the handle's one lifetime can be shorter than the
/// transaction's, which must outlive it to commit).
#[cfg(feature = "server")]
pub(crate) trait ServerTx {
    fn with(&self, f: &mut dyn FnMut(&mut postgres::Transaction<'_>) -> Result<()>) -> Result<()>;
    /// `sql` prepared on this connection: once, then from its cache.
    fn prepared(&self, sql: &str) -> Result<postgres::Statement>;
}

/// A transaction on the window's connection, with the connection's prepared statements.
#[cfg(feature = "server")]
pub(crate) struct InTransaction<'c, 't> {
    tx: RefCell<&'c mut postgres::Transaction<'t>>,
    statements: &'c StatementCache,
}

#[cfg(feature = "server")]
impl<'c, 't> InTransaction<'c, 't> {
    pub(crate) fn new(
        tx: &'c mut postgres::Transaction<'t>,
        statements: &'c StatementCache,
    ) -> Self {
        InTransaction {
            tx: RefCell::new(tx),
            statements,
        }
    }
}

#[cfg(feature = "server")]
impl ServerTx for InTransaction<'_, '_> {
    fn with(&self, f: &mut dyn FnMut(&mut postgres::Transaction<'_>) -> Result<()>) -> Result<()> {
        f(&mut self.tx.borrow_mut())
    }

    fn prepared(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        // A statement prepared in a transaction outlives it (a rollback keeps it).
        let statement = self.tx.borrow_mut().prepare(sql)?;
        let mut statements = self.statements.borrow_mut();
        if statements.len() >= CACHED_STATEMENTS {
            statements.clear();
        }
        statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }
}

/// Runs `f` on the server's transaction (for the server's own modules, written against it).
#[cfg(feature = "server")]
pub(crate) fn on_server<T>(
    tx: &dyn ServerTx,
    f: impl FnOnce(&mut postgres::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let mut f = Some(f);
    let mut out = None;
    tx.with(&mut |tx| {
        if let Some(f) = f.take() {
            out = Some(f(tx)?);
        }
        Ok(())
    })?;
    out.ok_or_else(|| Error::Internal("the server's transaction was not lent".into()))
}

/// A value bound to a statement, on either engine.
#[cfg(feature = "server")]
pub(crate) trait Param: rusqlite::ToSql + postgres::types::ToSql + Sync {
    fn on_file(&self) -> &dyn rusqlite::ToSql;
    fn on_server(&self) -> &(dyn postgres::types::ToSql + Sync);
}

#[cfg(feature = "server")]
impl<T: rusqlite::ToSql + postgres::types::ToSql + Sync> Param for T {
    fn on_file(&self) -> &dyn rusqlite::ToSql {
        self
    }
    fn on_server(&self) -> &(dyn postgres::types::ToSql + Sync) {
        self
    }
}

#[cfg(not(feature = "server"))]
pub(crate) trait Param: rusqlite::ToSql {
    fn on_file(&self) -> &dyn rusqlite::ToSql;
}

#[cfg(not(feature = "server"))]
impl<T: rusqlite::ToSql> Param for T {
    fn on_file(&self) -> &dyn rusqlite::ToSql {
        self
    }
}

/// A column's value as read from either engine (`i64` from SQLite's INTEGER and PostgreSQL's
/// `bigint`, `String` from text).
#[cfg(feature = "server")]
pub(crate) trait Column:
    rusqlite::types::FromSql + for<'r> postgres::types::FromSql<'r>
{
}
#[cfg(feature = "server")]
impl<T: rusqlite::types::FromSql + for<'r> postgres::types::FromSql<'r>> Column for T {}

#[cfg(not(feature = "server"))]
pub(crate) trait Column: rusqlite::types::FromSql {}
#[cfg(not(feature = "server"))]
impl<T: rusqlite::types::FromSql> Column for T {}

/// One row of a result, from either engine.
pub(crate) enum Row<'r> {
    File(&'r rusqlite::Row<'r>),
    #[cfg(feature = "server")]
    Server(&'r postgres::Row),
}

impl Row<'_> {
    pub(crate) fn get<T: Column>(&self, index: usize) -> Result<T> {
        match self {
            Row::File(r) => Ok(r.get(index)?),
            #[cfg(feature = "server")]
            Row::Server(r) => Ok(r.try_get(index)?),
        }
    }
}

impl<'a> Sql<'a> {
    /// Every row of a statement both engines understand, each read by `f`.
    pub(crate) fn query<T>(
        self,
        sql: &str,
        params: &[&dyn Param],
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        match self {
            Sql::File(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(
                    params.iter().map(|p| p.on_file()),
                ))?;
                while let Some(r) = rows.next()? {
                    out.push(f(&Row::File(r))?);
                }
            }
            #[cfg(feature = "server")]
            Sql::Server(tx) => {
                let statement = tx.prepared(&numbered_placeholders(sql))?;
                let params: Vec<_> = params.iter().map(|p| p.on_server()).collect();
                let rows = on_server(tx, |tx| Ok(tx.query(&statement, &params)?))?;
                for r in &rows {
                    out.push(f(&Row::Server(r))?);
                }
            }
        }
        Ok(out)
    }

    /// The first row of the statement, if there is one.
    pub(crate) fn query_opt<T>(
        self,
        sql: &str,
        params: &[&dyn Param],
        f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.query(sql, params, f)?.into_iter().next())
    }

    /// The statement's one row (none is a database error, as SQLite's `query_row`).
    pub(crate) fn query_one<T>(
        self,
        sql: &str,
        params: &[&dyn Param],
        f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.query_opt(sql, params, f)?
            .ok_or_else(|| rusqlite::Error::QueryReturnedNoRows.into())
    }

    /// Runs a statement both engines understand; answers how many rows it changed.
    pub(crate) fn execute(self, sql: &str, params: &[&dyn Param]) -> Result<u64> {
        match self {
            Sql::File(conn) => Ok(conn
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(
                    params.iter().map(|p| p.on_file()),
                ))? as u64),
            #[cfg(feature = "server")]
            Sql::Server(tx) => {
                let statement = tx.prepared(&numbered_placeholders(sql))?;
                let params: Vec<_> = params.iter().map(|p| p.on_server()).collect();
                on_server(tx, |tx| Ok(tx.execute(&statement, &params)?))
            }
        }
    }
}

impl Sql<'_> {
    /// The rows of a query about `ids`, which it names `{ids}` as [`Sql::execute_for_ids`]
    /// does, each read by `f`.
    pub(crate) fn query_for_ids<T>(
        self,
        sql: &str,
        ids: &[i64],
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut out = Vec::with_capacity(ids.len());
        match self {
            Sql::File(conn) => {
                let list =
                    serde_json::to_string(ids).map_err(|e| Error::Internal(e.to_string()))?;
                let sql = sql.replace("{ids}", "(SELECT value FROM json_each(?1))");
                let mut stmt = conn.prepare_cached(&sql)?;
                let mut rows = stmt.query([list])?;
                while let Some(r) = rows.next()? {
                    out.push(f(&Row::File(r))?);
                }
            }
            #[cfg(feature = "server")]
            Sql::Server(tx) => {
                let sql = sql.replace("{ids}", "(SELECT unnest(CAST($1 AS bigint[])))");
                let statement = tx.prepared(&sql)?;
                for r in on_server(tx, |tx| Ok(tx.query(&statement, &[&ids])?))? {
                    out.push(f(&Row::Server(&r))?);
                }
            }
        }
        Ok(out)
    }

    /// Runs a statement about the rows of `ids`, which it names `{ids}` (as in `WHERE user_id
    /// IN {ids}`): one statement for any number of ids, a JSON list read by `json_each` on a
    /// file and an array on a server. Answers how many rows it changed.
    pub(crate) fn execute_for_ids(self, sql: &str, ids: &[i64]) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        match self {
            Sql::File(conn) => {
                let list =
                    serde_json::to_string(ids).map_err(|e| Error::Internal(e.to_string()))?;
                let sql = sql.replace("{ids}", "(SELECT value FROM json_each(?1))");
                Ok(conn.prepare_cached(&sql)?.execute([list])? as u64)
            }
            #[cfg(feature = "server")]
            Sql::Server(tx) => {
                let sql = sql.replace("{ids}", "(SELECT unnest(CAST($1 AS bigint[])))");
                let statement = tx.prepared(&sql)?;
                on_server(tx, |tx| Ok(tx.execute(&statement, &[&ids])?))
            }
        }
    }
}

impl<'a> From<&'a Connection> for Sql<'a> {
    fn from(conn: &'a Connection) -> Self {
        Sql::File(conn)
    }
}

impl<'a> From<&'a rusqlite::Transaction<'_>> for Sql<'a> {
    fn from(tx: &'a rusqlite::Transaction<'_>) -> Self {
        Sql::File(tx)
    }
}

/// SQLite's `?1` placeholders as PostgreSQL's `$1`, outside quoted text and identifiers (a
/// statement written for both engines holds no other `?`).
#[cfg(feature = "server")]
fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '?') if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use super::numbered_placeholders;

    #[test]
    fn placeholders_are_numbered_for_the_server_outside_quotes_only() {
        assert_eq!(
            numbered_placeholders("SELECT a FROM t WHERE b = ?1 AND c IN (?2, ?12)"),
            "SELECT a FROM t WHERE b = $1 AND c IN ($2, $12)"
        );
        assert_eq!(
            numbered_placeholders("SELECT '?1', \"?2\" WHERE x = ?3 AND y = 'it''s ?4'"),
            "SELECT '?1', \"?2\" WHERE x = $3 AND y = 'it''s ?4'"
        );
    }
}
