//! Copies the write-ahead log back into the organization file on a thread of its own.
//!
//! By default SQLite does this copy (a checkpoint) inside the commit that leaves the log over
//! 1,000 pages: a bulk change of 1,000 users writes about 1,300 pages, so each one paid for
//! copying them and syncing the whole file before the admin saw "Done" (about a third of its
//! time). Here every commit of the organization's connection, whatever made it, reports how
//! long the log has grown, and past the threshold a connection of the checkpointer copies it in the background (PASSIVE: never blocking the
//! app's reads and writes). Durability does not depend on it: a commit is durable once the
//! log itself is synced (`synchronous=FULL`). SQLite's own documentation suggests this split.

use std::os::raw::{c_char, c_int, c_void};
use std::path::Path;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{ffi, Connection};

use crate::base::error::Result;

/// As SQLite's automatic checkpoint: when the log holds this many pages (4 MiB).
const CHECKPOINT_PAGES: c_int = 1_000;

/// SQLite's write-ahead log hook: runs after every commit of the connection, whichever code
/// made it (a change, a sign-in, a restore, the settlement of cancellations), and wakes the
/// checkpointer once the log is long enough.
unsafe extern "C" fn after_commit(
    wake: *mut c_void,
    _db: *mut ffi::sqlite3,
    _name: *const c_char,
    pages: c_int,
) -> c_int {
    if pages >= CHECKPOINT_PAGES {
        // SAFETY: `wake` is the sender boxed by `Checkpointer::start`, which outlives the
        // hook (see `Checkpointer::hook`).
        let wake = unsafe { &*wake.cast::<mpsc::Sender<()>>() };
        let _ = wake.send(());
    }
    ffi::SQLITE_OK
}

pub(crate) struct Checkpointer {
    /// Boxed so that its address, handed to SQLite, stays put when the organization moves.
    /// Never freed before the organization's connection is closed: `Org` declares its
    /// connection before its checkpointer, so the connection is dropped first.
    hook: Option<Box<mpsc::Sender<()>>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Takes over the checkpoints of `conn` (the organization's connection to `path`).
    pub fn start(path: &Path, conn: &Connection) -> Result<Self> {
        let own = crate::storage::db::open_hardened(path)?;
        own.busy_timeout(Duration::from_secs(5))?;
        own.pragma_update(None, "synchronous", "FULL")?;
        let (wake, woken) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("checkpointer".into())
            .spawn(move || {
                while woken.recv().is_ok() {
                    while woken.try_recv().is_ok() {}
                    #[cfg(test)]
                    let _paused = tests::PAUSE.lock();
                    // A busy log is copied as far as readers allow; the next wake does the rest.
                    if let Err(e) = own.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                    {
                        eprintln!("licensedesk: checkpoint: {e}");
                    }
                }
            })
            .map_err(|e| crate::Error::Internal(format!("checkpointer thread: {e}")))?;
        let hook = Box::new(wake);
        // Replaces SQLite's automatic checkpoint on this connection.
        // SAFETY: the handle is the open connection's; the boxed sender outlives it (above).
        unsafe {
            ffi::sqlite3_wal_hook(
                conn.handle(),
                Some(after_commit),
                std::ptr::from_ref::<mpsc::Sender<()>>(&hook)
                    .cast_mut()
                    .cast(),
            );
        }
        Ok(Self {
            hook: Some(hook),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    /// Lets a checkpoint under way finish, so that the file is closed when the organization is.
    fn drop(&mut self) {
        self.hook.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Instant;

    /// Held by a test, keeps every checkpointer from copying, so that what a commit itself
    /// copied can be seen however the threads are scheduled.
    pub(super) static PAUSE: Mutex<()> = Mutex::new(());

    use crate::tests::testing::{demo_org, sign_in};

    /// Pages of the organization file itself (what a checkpoint writes into).
    fn file_pages(path: &std::path::Path) -> u64 {
        std::fs::metadata(path).unwrap().len() / 4096
    }

    #[test]
    fn a_long_log_is_copied_after_the_commit_not_inside_it() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let path = org.path.clone();
        let before = file_pages(&path);

        // 8 MiB committed: SQLite's automatic checkpoint would have copied it in the commit.
        let paused = PAUSE.lock().unwrap();
        org.conn()
            .execute_batch(
                "CREATE TABLE filler (b BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO filler SELECT randomblob(4000) FROM n;",
            )
            .unwrap();
        assert_eq!(
            file_pages(&path),
            before,
            "the commit copied the log itself"
        );
        drop(paused);

        // The next change wakes the checkpointer, which copies the log into the file.
        org.back_up_now(admin).unwrap();
        wait_for_pages(&path, before + 2_000);
        let filler: i64 = org
            .conn()
            .query_row("SELECT count(*) FROM filler", [], |r| r.get(0))
            .unwrap();
        assert_eq!(filler, 2_000);
    }

    /// Waits for the checkpointer (on a thread of its own) to have copied the log.
    fn wait_for_pages(path: &std::path::Path, pages: u64) {
        let deadline = Instant::now() + std::time::Duration::from_secs(60);
        while file_pages(path) < pages {
            assert!(Instant::now() < deadline, "the log was never copied");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    #[test]
    fn commits_outside_a_change_wake_the_checkpointer_too() {
        let (_dir, mut org) = demo_org();
        let path = org.path.clone();
        let before = file_pages(&path);
        org.conn()
            .execute_batch(
                "CREATE TABLE filler (b BLOB);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO filler SELECT randomblob(4000) FROM n;",
            )
            .unwrap();
        // The raw batch above was a commit outside `Org::change` as well; a sign-in (its own
        // transaction) is another. Either wakes the checkpointer: the log does not grow on.
        sign_in(&mut org, "dana.reyes");
        wait_for_pages(&path, before + 2_000);
    }
}
