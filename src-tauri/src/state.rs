//! What the shell keeps between commands: the open organization and who is signed in.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use licensedesk_core::clock::SystemClock;
use licensedesk_core::{Actor, Error, ErrorPayload, OpenFailure, Org};

use crate::progress::CancelFlag;

pub struct AppState {
    /// The organization, or why it could not be opened (shown on a screen of its own, never
    /// a crash; the file is left as it was).
    org: Result<Arc<Mutex<Org>>, OpenFailure>,
    path: PathBuf,
    actor: Mutex<Option<Actor>>,
    /// The CSV chosen for import and its bytes as last checked: apply imports exactly those.
    pending_import: Mutex<Option<(PathBuf, Vec<u8>)>>,
    /// Set by the window's Cancel while long work runs.
    cancel: CancelFlag,
}

impl AppState {
    /// Opens the file; an empty one stays empty for the first-run choice, unless `demo_if_empty`.
    pub fn open(path: PathBuf, demo_if_empty: bool) -> Self {
        let clock = Arc::new(SystemClock);
        let opened = if demo_if_empty {
            Org::open(&path, clock)
        } else {
            Org::open_as_is(&path, clock)
        };
        let org = opened.map(|org| Arc::new(Mutex::new(org))).map_err(|e| {
            eprintln!("licensedesk: cannot open {}: {e}", path.display());
            OpenFailure::new(&path, &e)
        });
        Self {
            org,
            path,
            actor: Mutex::new(None),
            pending_import: Mutex::new(None),
            cancel: CancelFlag::default(),
        }
    }

    /// The organization file this window works on.
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub fn open_failure(&self) -> Option<OpenFailure> {
        self.org.as_ref().err().cloned()
    }

    pub fn actor(&self) -> Result<Actor, ErrorPayload> {
        self.actor
            .lock()
            .expect("session lock")
            .ok_or_else(|| Error::NotSignedIn.payload())
    }

    pub fn set_actor(&self, actor: Option<Actor>) {
        *self.actor.lock().expect("session lock") = actor;
    }

    pub fn cancel_flag(&self) -> &CancelFlag {
        &self.cancel
    }

    pub fn set_pending_import(&self, file: Option<(PathBuf, Vec<u8>)>) {
        *self.pending_import.lock().expect("import lock") = file;
    }

    pub fn pending_import(&self) -> Result<(PathBuf, Vec<u8>), ErrorPayload> {
        self.pending_import
            .lock()
            .expect("import lock")
            .clone()
            .ok_or_else(|| Error::invalid("File", "choose a CSV file to import first.").payload())
    }

    /// Runs a core operation on tokio's blocking pool: SQLite and argon2 must not stall the
    /// window's event loop.
    pub async fn with_org<T, F>(&self, f: F) -> Result<T, ErrorPayload>
    where
        T: Send + 'static,
        F: FnOnce(&mut Org) -> licensedesk_core::Result<T> + Send + 'static,
    {
        let org = self.org.clone().map_err(|failure| failure.error)?;
        tauri::async_runtime::spawn_blocking(move || {
            let mut org = org.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut org).map_err(|e| e.payload())
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()).payload())?
    }
}
