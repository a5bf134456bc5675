//! A window's live view of an organization on a server (docs/ARCHITECTURE.md §Server): what
//! other admins commit wakes it within a moment, and a lost connection is reported, then
//! listened to again from the last change seen, so that nothing committed meanwhile is
//! missed (the server does not replay its notifications).

use std::time::Duration;

use crate::base::error::{Error, Result};
use crate::kernel::org::Org;
use crate::storage::engine::Engine;
use crate::storage::server::change_feed::ChangeFeed;
use crate::storage::server::ServerAddress;

/// What one wait on the server said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerNews {
    /// This many changes were committed since the last wait (this window's own among them).
    Changed(usize),
    /// Nothing within the wait.
    Quiet,
    /// The server cannot be reached: why. The next wait tries to listen again.
    Unreachable(String),
}

pub struct ServerWatch {
    address: ServerAddress,
    feed: Option<ChangeFeed>,
    last_seen: i64,
}

impl ServerWatch {
    /// Watches the server at `address` for changes after the audit entry `last_seen`.
    pub fn new(address: &str, last_seen: i64) -> Result<Self> {
        Ok(Self {
            address: ServerAddress::parse(address)?,
            feed: None,
            last_seen,
        })
    }

    /// Waits up to `timeout` for changes (connecting first, again after a lost connection).
    pub fn wait(&mut self, timeout: Duration) -> ServerNews {
        let feed = match &mut self.feed {
            Some(feed) => feed,
            None => match ChangeFeed::listen(&self.address, self.last_seen) {
                Ok(feed) => self.feed.insert(feed),
                Err(e) => return ServerNews::Unreachable(why_unreachable(e)),
            },
        };
        match feed.next_changes(timeout) {
            Ok(changes) if changes.is_empty() => ServerNews::Quiet,
            Ok(changes) => {
                self.last_seen = feed.last_seen();
                ServerNews::Changed(changes.len())
            }
            Err(e) => {
                self.feed = None;
                ServerNews::Unreachable(why_unreachable(e))
            }
        }
    }
}

/// The cause alone ("connection refused"), for a banner that says the rest itself.
fn why_unreachable(e: Error) -> String {
    match e {
        Error::ServerUnreachable { reason } => reason,
        other => other.to_string(),
    }
}

impl Org {
    /// The last audit entry committed, for a [`ServerWatch`] that starts now; None for an
    /// organization file (it has no watch).
    pub fn server_head(&self) -> Result<Option<i64>> {
        if matches!(self.engine, Engine::File { .. }) {
            return Ok(None);
        }
        let last = self
            .engine
            .read(crate::storage::tables::audit_log::last_entry)?;
        Ok(Some(last.map_or(0, |(id, _)| id)))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::base::clock::SystemClock;
    use crate::tests::pg_cluster::PgCluster;
    use crate::tests::testing::{demo_org, sign_in, unlicensed_user};
    use crate::AssignLicense;

    /// Ends every connection of `application_name` to the database at `url`, as a server
    /// restart or a dropped network would.
    fn cut(url: &str, application_name: &str) {
        let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
        admin
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE application_name = $1 AND pid <> pg_backend_pid()",
                &[&application_name],
            )
            .unwrap();
    }

    fn assign_someone(org: &mut Org) {
        let admin = sign_in(org, "dana.reyes");
        let file_user = unlicensed_user_on(org);
        let product = org
            .license_inventory(admin)
            .unwrap()
            .into_iter()
            .find(|p| p.available > 0)
            .unwrap()
            .product_id;
        org.assign_license(
            admin,
            &AssignLicense {
                user_id: file_user.0,
                product_id: product,
                expected_version: file_user.1,
            },
        )
        .unwrap();
    }

    /// An unlicensed active user's id and version, on either engine.
    fn unlicensed_user_on(org: &Org) -> (i64, i64) {
        org.engine
            .read(|db| {
                db.query_one(
                    "SELECT u.id, u.version FROM users u WHERE u.status = 'active'
                     AND NOT EXISTS (SELECT 1 FROM seats s WHERE s.user_id = u.id)
                     ORDER BY u.id LIMIT 1",
                    &[],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
            })
            .unwrap()
    }

    #[test]
    fn another_admins_change_wakes_the_watch_and_a_cut_connection_catches_up() {
        let (_dir, mut file) = demo_org();
        let _ = unlicensed_user(&file);
        let cluster = PgCluster::start();
        let url = cluster.new_database();
        let admin = sign_in(&mut file, "dana.reyes");
        file.move_to_server(admin, &url).unwrap();
        let open = || Org::open_on_server(&url, Arc::new(SystemClock)).unwrap();

        let mut mine = open();
        assert_eq!(file.server_head().unwrap(), None, "a file has no watch");
        let head = mine.server_head().unwrap().unwrap();
        let mut watch = ServerWatch::new(&url, head).unwrap();
        assert_eq!(watch.wait(Duration::from_millis(200)), ServerNews::Quiet);

        let mut other = open();
        assign_someone(&mut other);
        match watch.wait(Duration::from_secs(2)) {
            ServerNews::Changed(n) => assert!(n >= 1),
            news => panic!("another admin's assignment gave {news:?}"),
        }

        // The server cuts every connection: the watch says so, the other admin changes
        // something meanwhile, and the next wait catches up with it.
        cut(&url, "LicenseDesk change feed");
        match watch.wait(Duration::from_secs(2)) {
            ServerNews::Unreachable(_) => {}
            news => panic!("a cut connection gave {news:?}"),
        }
        cut(&url, "LicenseDesk");
        assign_someone(&mut other);
        match watch.wait(Duration::from_secs(2)) {
            ServerNews::Changed(n) => assert!(n >= 1),
            news => panic!("after the cut: {news:?}"),
        }
        // This window's own connection was cut too: its next read connects again.
        let admin = sign_in(&mut mine, "dana.reyes");
        assert!(!mine.license_inventory(admin).unwrap().is_empty());
    }
}
