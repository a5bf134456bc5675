//! Opening an organization file for use: the demo in an empty one if asked, cancellations
//! that fell due settled, and the daily backup. The kernel (`org`) only opens the connection.

use std::path::Path;
use std::sync::Arc;

use crate::base::clock::{Clock, SystemClock};
use crate::base::error::Result;
use crate::kernel::org::Org;
use crate::lifecycle::demo::{self, DemoSpec};
use crate::storage::backup::DailyBackup;

impl Org {
    /// Opens the file (creating and migrating it as needed); an empty file gets the demo
    /// organization.
    pub fn open(path: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        let (mut org, backup) = Self::open_for_window(path, clock, true)?;
        org.take_daily_backup(backup);
        Ok(org)
    }

    /// Opens the file as it is: an empty file stays empty, for the first-run choice between
    /// the demo and the admin's own organization. An organization gets its daily backup.
    pub fn open_as_is(path: &Path, clock: Arc<dyn Clock>) -> Result<Self> {
        let (mut org, backup) = Self::open_for_window(path, clock, false)?;
        org.take_daily_backup(backup);
        Ok(org)
    }

    /// Opens the file as [`Org::open`] (`demo_if_empty`) or [`Org::open_as_is`] do, but hands
    /// the daily backup to the caller: it copies the whole file (0.3 s at 100,000 users), so
    /// a window takes it beside its sign-in screen rather than before it. `None` for a file
    /// that holds no organization yet.
    pub fn open_for_window(
        path: &Path,
        clock: Arc<dyn Clock>,
        demo_if_empty: bool,
    ) -> Result<(Self, Option<DailyBackup>)> {
        let mut org = Self::open_without_demo(path, clock)?;
        if demo_if_empty && org.is_empty()? {
            demo::seed(&mut org, &DemoSpec::default())?;
        }
        org.settle_due_cancellations()?;
        let backup = (!org.is_unset()?).then(|| org.daily_backup());
        Ok((org, backup))
    }

    /// Opens the organization on the server at `address` for a window, as
    /// [`Org::open_for_window`] opens a file: cancellations that fell due settled. A server
    /// takes no daily backup of LicenseDesk's (pg_dump is the server's own).
    #[cfg(feature = "server")]
    pub fn open_server_for_window(address: &str, clock: Arc<dyn Clock>) -> Result<Self> {
        let mut org = Self::open_on_server(address, clock)?;
        org.settle_due_cancellations()?;
        Ok(org)
    }

    pub fn open_with_system_clock(path: &Path) -> Result<Self> {
        Self::open(path, Arc::new(SystemClock))
    }
}

/// Whether `text` names an organization on a server (`postgres://…`) rather than a file.
pub fn is_server_address(text: &str) -> bool {
    let text = text.trim_start();
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

/// The server address as a window may show it (user, host, database; never the password),
/// or None when it is not an address LicenseDesk accepts.
#[cfg(feature = "server")]
pub fn shown_server_address(address: &str) -> Option<String> {
    crate::storage::server::ServerAddress::parse(address)
        .ok()
        .map(|a| a.shown())
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use super::*;

    #[test]
    fn a_server_address_is_shown_without_its_password() {
        assert!(is_server_address(" postgres://a@b/c"));
        assert!(is_server_address("postgresql://a@b/c"));
        assert!(!is_server_address("/home/dana/postgres://x.sqlite"));
        assert_eq!(
            shown_server_address("postgres://dana:s3cret@db.example.com/office").as_deref(),
            Some("dana@db.example.com/office")
        );
        assert_eq!(
            shown_server_address("postgres://dana:s3cret@db.example.com:6543/office").as_deref(),
            Some("dana@db.example.com:6543/office")
        );
        assert_eq!(shown_server_address("postgres://db.example.com"), None);
    }
}
