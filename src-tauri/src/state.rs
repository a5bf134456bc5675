//! What the shell keeps between commands: the open organization file and who is signed in.
//! File > New and File > Open replace the open file whole, session and pending import included.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use licensedesk_core::base::clock::SystemClock;
use licensedesk_core::Field;
use licensedesk_core::{Actor, DailyBackup, Error, ErrorPayload, OpenFailure, Org, SessionInfo};

use crate::progress::CancelFlag;

/// One organization file (or organization on a server, `postgres://…`) as this window has
/// it open.
pub struct OpenFile {
    path: PathBuf,
    /// How the window names it: the file's path, or the server's address without its password.
    shown: String,
    /// The organization, or why it could not be opened (shown on a screen of its own, never
    /// a crash; the file is left as it was).
    org: Result<Arc<Mutex<Org>>, OpenFailure>,
    actor: Mutex<Option<Actor>>,
    /// The CSV chosen for import and its bytes as last checked: apply imports exactly those.
    pending_import: Mutex<Option<(PathBuf, Vec<u8>)>>,
    /// The daily backup, until it is taken (held while it is being taken).
    daily_backup: Mutex<Option<DailyBackup>>,
    /// Whether the work that waits for the window has been started.
    background_started: AtomicBool,
}

impl OpenFile {
    /// Opens the file; an empty one stays empty for the first-run choice, unless `demo_if_empty`.
    /// Blocking (migrations): call it on the blocking pool once running. The daily backup
    /// waits for a sign-in: opening a file writes nothing outside it.
    pub fn open(path: PathBuf, demo_if_empty: bool) -> Self {
        let address = path
            .to_str()
            .filter(|text| licensedesk_core::is_server_address(text));
        if let Some(address) = address {
            return Self::open_on_server(address.to_owned());
        }
        let opened = Org::open_for_window(&path, Arc::new(SystemClock), demo_if_empty);
        let (org, daily_backup) = match opened {
            Ok((org, backup)) => (Ok(Arc::new(Mutex::new(org))), backup),
            Err(e) => {
                eprintln!("licensedesk: cannot open {}: {e}", path.display());
                (Err(OpenFailure::new(&path, &e)), None)
            }
        };
        Self::with(path.display().to_string(), path, org, daily_backup)
    }

    /// Opens the organization on the server at `address`: no demo (an organization gets to a
    /// server by File > Move to a server), no daily backup (pg_dump is the server's own).
    fn open_on_server(address: String) -> Self {
        let shown = licensedesk_core::shown_server_address(&address)
            .unwrap_or_else(|| "a PostgreSQL server".to_owned());
        let org = match Org::open_server_for_window(&address, Arc::new(SystemClock)) {
            Ok(org) => Ok(Arc::new(Mutex::new(org))),
            Err(e) => {
                eprintln!("licensedesk: cannot open the organization on {shown}: {e}");
                Err(OpenFailure::on_server(&shown, &e))
            }
        };
        Self::with(shown, PathBuf::from(address), org, None)
    }

    fn with(
        shown: String,
        path: PathBuf,
        org: Result<Arc<Mutex<Org>>, OpenFailure>,
        daily_backup: Option<DailyBackup>,
    ) -> Self {
        Self {
            shown,
            path,
            org,
            actor: Mutex::new(None),
            pending_import: Mutex::new(None),
            daily_backup: Mutex::new(daily_backup),
            background_started: AtomicBool::new(false),
        }
    }

    /// Once the window shows its first screen: reads what the first search needs, on a
    /// thread of its own. Before that it would compete with the window's start for the CPU.
    pub fn start_background_work(self: &Arc<Self>) {
        if self.background_started.swap(true, Ordering::SeqCst) {
            return;
        }
        let file = Arc::clone(self);
        std::thread::spawn(move || {
            if let Ok(org) = &file.org {
                let org = org.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if let Err(e) = org.prepare_search() {
                    eprintln!("licensedesk: preparing the search: {e}");
                }
            }
            release_freed_memory();
        });
    }

    /// After a sign-in: takes the daily backup on a thread of its own (it copies the whole
    /// file: 0.3 s at 100,000 users). Not before, so that a file nobody could sign in to
    /// writes nothing beside it.
    fn start_daily_backup(self: &Arc<Self>) {
        let file = Arc::clone(self);
        std::thread::spawn(move || {
            file.settle_daily_backup();
            release_freed_memory();
        });
    }

    /// Takes the daily backup now if it is still to be taken, or waits while it is being
    /// taken: the Backups page lists it and a restore never runs beside it.
    pub fn settle_daily_backup(&self) {
        let mut pending = self.daily_backup.lock().expect("backup lock");
        if let (Some(backup), Ok(org)) = (pending.take(), &self.org) {
            let outcome = backup.take_if_due();
            org.lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .note_daily_backup(outcome);
        }
    }

    pub fn failure(&self) -> Option<OpenFailure> {
        self.org.as_ref().err().cloned()
    }

    /// The server's address, when the organization is on one and open.
    /// True when the organization is on a server, whether or not it could be opened.
    pub fn is_on_server(&self) -> bool {
        self.path
            .to_str()
            .is_some_and(licensedesk_core::is_server_address)
    }

    pub fn server_address(&self) -> Option<&str> {
        self.org.as_ref().ok()?;
        self.path
            .to_str()
            .filter(|text| licensedesk_core::is_server_address(text))
    }

    /// The last change committed on its server, when the organization is on one.
    pub fn server_head(&self) -> Option<i64> {
        let org = self.org.as_ref().ok()?;
        let org = org.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        org.server_head().ok().flatten()
    }
}

/// Gives the pages malloc keeps after a burst of work (reading 100,000 users' order, copying
/// the file, checking it) back to the system: glibc keeps them otherwise, and the window stays
/// that big.
pub(crate) fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A signed-in account and the file it is signed in to.
pub struct Session {
    file: Arc<OpenFile>,
    pub actor: Actor,
}

impl Session {
    /// Runs a core operation on the session's own organization, on the blocking pool.
    pub async fn with_org<T, F>(&self, f: F) -> Result<T, ErrorPayload>
    where
        T: Send + 'static,
        F: FnOnce(&mut Org) -> licensedesk_core::Result<T> + Send + 'static,
    {
        AppState::run(&self.file, f).await
    }

    /// See [`OpenFile::settle_daily_backup`]; on the blocking pool.
    pub async fn settle_daily_backup(&self) {
        let file = Arc::clone(&self.file);
        let _ = tauri::async_runtime::spawn_blocking(move || file.settle_daily_backup()).await;
    }
}

pub struct AppState {
    file: RwLock<Arc<OpenFile>>,
    /// Where a server's news goes (set once the window exists).
    app: OnceLock<tauri::AppHandle>,
    /// Told whether someone is signed in after every change (the menu's Export users).
    on_session: OnceLock<Box<dyn Fn(bool) + Send + Sync>>,
    /// Set by the window's Cancel while long work runs.
    cancel: CancelFlag,
    /// The user editor's unsaved edits, as the window last reported them: Quit asks first.
    unsaved: Mutex<Option<UnsavedEdits>>,
}

/// Whose edits are unsaved, and in which sections of the editor.
#[derive(Debug, Clone)]
pub struct UnsavedEdits {
    pub name: String,
    pub sections: Vec<String>,
}

impl AppState {
    pub fn new(file: OpenFile) -> Self {
        Self {
            file: RwLock::new(Arc::new(file)),
            app: OnceLock::new(),
            on_session: OnceLock::new(),
            cancel: CancelFlag::default(),
            unsaved: Mutex::new(None),
        }
    }

    pub fn set_unsaved_edits(&self, edits: Option<UnsavedEdits>) {
        *self.unsaved.lock().unwrap_or_else(|p| p.into_inner()) = edits;
    }

    pub fn unsaved_edits(&self) -> Option<UnsavedEdits> {
        self.unsaved
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn current(&self) -> Arc<OpenFile> {
        self.file
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Closes the open file and puts `file` in its place: whoever was signed in is signed
    /// out, and an import checked against the old organization is forgotten with it.
    pub fn switch_to(&self, file: OpenFile) {
        let file = Arc::new(file);
        *self
            .file
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::clone(&file);
        if let Some(app) = self.app.get() {
            crate::server_news::watch(&file, app.clone());
        }
        self.session_changed();
    }

    /// The window exists: an organization on a server is watched from now on.
    pub fn set_app(&self, app: tauri::AppHandle) {
        if self.app.set(app.clone()).is_ok() {
            crate::server_news::watch(&self.current(), app);
        }
    }

    pub fn on_session_change(&self, f: impl Fn(bool) + Send + Sync + 'static) {
        let _ = self.on_session.set(Box::new(f));
        self.session_changed();
    }

    fn session_changed(&self) {
        if let Some(f) = self.on_session.get() {
            f(self.actor().is_ok());
        }
    }

    /// The window shows its first screen: see [`OpenFile::start_background_work`].
    pub fn window_ready(&self) {
        self.current().start_background_work();
    }

    /// The organization file this window works on (or the server's address, password
    /// included: for opening it again, never for showing).
    pub fn path(&self) -> PathBuf {
        self.current().path.clone()
    }

    /// True when this window's organization is on a server (About names it "Server").
    pub fn is_on_server(&self) -> bool {
        self.current().is_on_server()
    }

    /// The organization's place as the window shows it: the file's path, or the server
    /// without its password.
    pub fn shown_place(&self) -> String {
        self.current().shown.clone()
    }

    pub fn open_failure(&self) -> Option<OpenFailure> {
        self.current().failure()
    }

    pub fn actor(&self) -> Result<Actor, ErrorPayload> {
        Ok(self.session()?.actor)
    }

    /// Who is signed in, bound to the file they signed in to: a command acts through it, so
    /// a File > Open that lands while the command runs cannot pair this account with the
    /// newly opened organization.
    /// The signed-in preamble of most commands: this window's session, then `f` on its
    /// organization as its account.
    pub async fn signed_in<T, F>(&self, f: F) -> Result<T, ErrorPayload>
    where
        T: Send + 'static,
        F: FnOnce(&mut Org, Actor) -> licensedesk_core::Result<T> + Send + 'static,
    {
        let session = self.session()?;
        let actor = session.actor;
        session.with_org(move |org| f(org, actor)).await
    }

    pub fn session(&self) -> Result<Session, ErrorPayload> {
        let file = self.current();
        let actor = file
            .actor
            .lock()
            .expect("session lock")
            .ok_or_else(|| Error::NotSignedIn.payload())?;
        Ok(Session { file, actor })
    }

    /// Ends the session; an import checked by that account is forgotten with it.
    pub fn sign_out(&self) {
        let file = self.current();
        *file.actor.lock().expect("session lock") = None;
        *file.pending_import.lock().expect("import lock") = None;
        self.session_changed();
    }

    /// Runs a sign-in (or a first-run setup that signs in) and keeps its account as the
    /// session of the file it ran on: if that file was closed meanwhile, nobody is signed in
    /// to the one open now.
    pub async fn sign_in_with<F>(&self, f: F) -> Result<SessionInfo, ErrorPayload>
    where
        F: FnOnce(&mut Org) -> licensedesk_core::Result<SessionInfo> + Send + 'static,
    {
        let file = self.current();
        let session = Self::run(&file, f).await?;
        // A new session (Switch account included) starts without the previous one's import.
        *file.pending_import.lock().expect("import lock") = None;
        *file.actor.lock().expect("session lock") = Some(Actor {
            account_id: session.account_id,
        });
        file.start_daily_backup();
        self.session_changed();
        Ok(session)
    }

    pub fn cancel_flag(&self) -> &CancelFlag {
        &self.cancel
    }

    pub fn set_pending_import(&self, file: Option<(PathBuf, Vec<u8>)>) {
        *self.current().pending_import.lock().expect("import lock") = file;
    }

    pub fn pending_import(&self) -> Result<(PathBuf, Vec<u8>), ErrorPayload> {
        self.current()
            .pending_import
            .lock()
            .expect("import lock")
            .clone()
            .ok_or_else(|| {
                Error::invalid(Field::File, "choose a CSV file to import first.").payload()
            })
    }

    /// Runs a core operation on tokio's blocking pool: SQLite and argon2 must not stall the
    /// window's event loop.
    pub async fn with_org<T, F>(&self, f: F) -> Result<T, ErrorPayload>
    where
        T: Send + 'static,
        F: FnOnce(&mut Org) -> licensedesk_core::Result<T> + Send + 'static,
    {
        Self::run(&self.current(), f).await
    }

    async fn run<T, F>(file: &OpenFile, f: F) -> Result<T, ErrorPayload>
    where
        T: Send + 'static,
        F: FnOnce(&mut Org) -> licensedesk_core::Result<T> + Send + 'static,
    {
        let org = file.org.clone().map_err(|failure| failure.error)?;
        tauri::async_runtime::spawn_blocking(move || {
            let mut org = org.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut org).map_err(|e| e.payload())
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()).payload())?
    }

    /// "Acme Dental — LicenseDesk (acme.sqlite)": which organization and which file.
    pub async fn window_title(&self) -> String {
        let name = self
            .with_org(|org| org.organization_name())
            .await
            .ok()
            .flatten();
        let file = self.current();
        let place = if file.is_on_server() {
            file.shown.clone()
        } else {
            file_name(&file.path)
        };
        title(&place, name.as_deref())
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    )
}

/// "Acme Dental — LicenseDesk (acme.sqlite)", or (on a server) "(dana@db.example.com/office)".
fn title(file: &str, organization: Option<&str>) -> String {
    match organization {
        Some(name) => format!("{name} — LicenseDesk ({file})"),
        None => format!("LicenseDesk ({file})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_names_the_organization_and_the_file() {
        let file = file_name(Path::new("/home/pat/Documents/acme.sqlite"));
        assert_eq!(
            title(&file, Some("Acme Dental")),
            "Acme Dental — LicenseDesk (acme.sqlite)"
        );
        assert_eq!(title(&file, None), "LicenseDesk (acme.sqlite)");
    }

    #[test]
    fn sign_out_and_switch_account_forget_the_checked_import() {
        let dir = std::env::temp_dir().join(format!("licensedesk-import-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let state = AppState::new(OpenFile::open(dir.join("org.sqlite"), true));
        let sign_in = |login: &'static str, password: &'static str| {
            tauri::async_runtime::block_on(
                state.sign_in_with(move |org| org.sign_in(login, password)),
            )
            .unwrap()
        };
        sign_in("dana.reyes", "super-demo");
        state.set_pending_import(Some((dir.join("users.csv"), b"x".to_vec())));
        state.sign_out();
        assert!(state.pending_import().is_err(), "kept after sign-out");

        sign_in("dana.reyes", "super-demo");
        state.set_pending_import(Some((dir.join("users.csv"), b"x".to_vec())));
        // Switch account: another sign-in on the same file, without signing out first.
        let (login, _, _, password) = licensedesk_core::lifecycle::demo::DEMO_ACCOUNTS[1];
        sign_in(login, password);
        assert!(state.pending_import().is_err(), "kept after Switch account");
        drop(state);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_switch_ends_the_session_and_forgets_the_pending_import() {
        let dir = std::env::temp_dir().join(format!("licensedesk-switch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let first = dir.join("first.sqlite");
        let state = AppState::new(OpenFile::open(first.clone(), true));
        let signed_in = Arc::new(Mutex::new(Vec::new()));
        let seen = signed_in.clone();
        state.on_session_change(move |s| seen.lock().unwrap().push(s));
        let session = tauri::async_runtime::block_on(
            state.sign_in_with(|org| org.sign_in("dana.reyes", "super-demo")),
        )
        .unwrap();
        assert_eq!(state.actor().unwrap().account_id, session.account_id);
        state.set_pending_import(Some((dir.join("users.csv"), b"x".to_vec())));
        let running = state.session().unwrap();

        let second = dir.join("second.sqlite");
        state.switch_to(OpenFile::open(second.clone(), false));
        // A command that started before the switch still acts on the first file only.
        let acted_on =
            tauri::async_runtime::block_on(running.with_org(|org| org.organization_name()));
        assert_eq!(acted_on, Ok(Some("Maple Street Dental".to_string())));
        assert_eq!(state.path(), second);
        assert_eq!(state.actor().unwrap_err().code, "not_signed_in");
        assert!(state.pending_import().is_err());
        assert_eq!(*signed_in.lock().unwrap(), [false, true, false]);
        assert_eq!(
            tauri::async_runtime::block_on(state.with_org(|org| org.is_unset())),
            Ok(true)
        );
        drop(state);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
