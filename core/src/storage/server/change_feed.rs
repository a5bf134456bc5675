//! What other admins changed, as it commits: every change on a server ends with
//! `pg_notify('licensedesk_changes', <its last audit id>)` (sent only if it commits), and an
//! open window LISTENs on its own connection. A notification is only a wake-up: what
//! changed is read from the audit log after the last entry the window saw, so nothing is
//! missed while the connection was down (PostgreSQL does not replay notifications) and
//! nothing is seen twice.

use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use postgres::Client;

use super::ServerAddress;
use crate::base::error::{Error, Result};

pub(crate) const CHANNEL: &str = "licensedesk_changes";

/// How the feed's connection is named on the server.
pub(crate) const APPLICATION_NAME: &str = "LicenseDesk change feed";

/// One committed entry another admin (or this one) made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedEntry {
    pub audit_id: i64,
    pub action: String,
    pub target_user_id: Option<i64>,
}

pub(crate) struct ChangeFeed {
    client: Client,
    last_seen: i64,
}

impl ChangeFeed {
    /// Listens from now on, having seen every entry up to `last_seen` (0: none).
    pub fn listen(address: &ServerAddress, last_seen: i64) -> Result<Self> {
        let mut client = address.connect_as(APPLICATION_NAME)?;
        client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        Ok(Self { client, last_seen })
    }

    /// The last audit entry this feed has handed out.
    pub fn last_seen(&self) -> i64 {
        self.last_seen
    }

    /// The entries committed after the last one seen, waiting up to `timeout` for the first
    /// when there are none yet. Fails with `ServerUnreachable` once the connection is gone:
    /// listen again from [`Self::last_seen`] to catch up.
    pub fn next_changes(&mut self, timeout: Duration) -> Result<Vec<ChangedEntry>> {
        let deadline = Instant::now() + timeout;
        loop {
            let changes = self.catch_up()?;
            if !changes.is_empty() {
                return Ok(changes);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(Vec::new());
            }
            let woke = self.client.notifications().timeout_iter(left).next()?;
            if woke.is_none() && self.client.is_closed() {
                return Err(Error::ServerUnreachable {
                    reason: "the connection to the server was lost".into(),
                });
            }
            // Every notification waiting is covered by the one read of the log below.
            while self.client.notifications().iter().next()?.is_some() {}
        }
    }

    fn catch_up(&mut self) -> Result<Vec<ChangedEntry>> {
        let rows = self.client.query(
            "SELECT id, action, target_user_id FROM audit_log WHERE id > $1 ORDER BY id",
            &[&self.last_seen],
        )?;
        let changes: Vec<ChangedEntry> = rows
            .iter()
            .map(|r| ChangedEntry {
                audit_id: r.get(0),
                action: r.get(1),
                target_user_id: r.get(2),
            })
            .collect();
        if let Some(last) = changes.last() {
            self.last_seen = last.audit_id;
        }
        Ok(changes)
    }
}
