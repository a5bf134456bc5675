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

    pub fn open_with_system_clock(path: &Path) -> Result<Self> {
        Self::open(path, Arc::new(SystemClock))
    }
}
