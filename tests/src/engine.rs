//! Which storage engine a window runs on (issue 25: "the end-to-end tests pass on both
//! engines"). By default each test's organization file. With `LICENSEDESK_E2E_ENGINE=server`
//! the demo organization a test would get on a new file is instead moved, as File > Move to a
//! Server does, to a new database of a throwaway PostgreSQL cluster, and the window opens that
//! `postgres://` address. One cluster per test process, one database per file name the test
//! gives, so two windows (or a restart) on one file meet on one database.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use licensedesk_core::{Actor, Org};
use licensedesk_pg_cluster::PgCluster;
use tempfile::TempDir;

/// Set to `server` to run the windows on PostgreSQL.
const ENGINE_VARIABLE: &str = "LICENSEDESK_E2E_ENGINE";

/// True when the windows run on a server (`LICENSEDESK_E2E_ENGINE=server`).
pub fn on_server() -> bool {
    match std::env::var(ENGINE_VARIABLE).as_deref() {
        Ok("server") => true,
        Ok("file") | Err(_) => false,
        Ok(other) => panic!("{ENGINE_VARIABLE}={other}: use `file` or `server`"),
    }
}

struct Server {
    cluster: PgCluster,
    /// Per file name a test gave: its database, and the demo file moved there (kept as is).
    databases: HashMap<PathBuf, (String, TempDir)>,
}

static SERVER: Mutex<Option<Server>> = Mutex::new(None);

/// The cluster lives as long as the test process: a static is never dropped, so it is stopped
/// when the process exits (the test runner ends with `exit`, which runs this).
extern "C" fn stop_cluster() {
    let mut server = SERVER.lock().unwrap_or_else(|e| e.into_inner());
    drop(server.take());
}

/// The address a window opens for the organization file `db`: the file itself, or on a
/// server the database holding the demo organization `db` would have held.
pub(crate) fn organization_address(db: &Path, env: &[(&str, &str)]) -> PathBuf {
    if !on_server() || db.to_str().is_some_and(licensedesk_core::is_server_address) {
        return db.to_path_buf();
    }
    assert!(
        !env.contains(&("LICENSEDESK_DEMO", "0")),
        "a first start on an empty file has no server counterpart: run this test on the file"
    );
    let mut server = SERVER.lock().unwrap_or_else(|e| e.into_inner());
    let server = server.get_or_insert_with(|| {
        // SAFETY: registering a plain function with no captured state.
        unsafe { libc::atexit(stop_cluster) };
        Server {
            cluster: PgCluster::start(),
            databases: HashMap::new(),
        }
    });
    if let Some((url, _)) = server.databases.get(db) {
        return url.into();
    }
    assert!(
        !db.exists(),
        "{} was made by the test itself: run this test on the file",
        db.display()
    );
    let moved_from = tempfile::tempdir().unwrap();
    let url = demo_moved_to_server(&server.cluster, moved_from.path());
    server
        .databases
        .insert(db.to_path_buf(), (url.clone(), moved_from));
    url.into()
}

/// A file holding the organization `db` as the demo created it, for a test to read facts
/// from before it changes anything: `db` itself, or on a server the demo file moved there.
pub fn organization_as_created(db: &Path) -> PathBuf {
    let server = SERVER.lock().unwrap_or_else(|e| e.into_inner());
    match server.as_ref().and_then(|s| s.databases.get(db)) {
        Some((_, moved_from)) => moved_from.path().join(DEMO_FILE),
        None => db.to_path_buf(),
    }
}

/// Where the window says the organization `db` is kept: the file's path, or on a server its
/// address without the password.
pub fn shown_place(db: &Path) -> String {
    let server = SERVER.lock().unwrap_or_else(|e| e.into_inner());
    match server.as_ref().and_then(|s| s.databases.get(db)) {
        Some((url, _)) => licensedesk_core::shown_server_address(url).expect("a server address"),
        None => db.display().to_string(),
    }
}

/// Runs `f` off the test's runtime: the synchronous PostgreSQL client starts one of its own.
pub fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

/// The demo organization moved from a new file to a new database of `cluster`; its address.
pub fn demo_on_a_server(cluster: &PgCluster) -> String {
    demo_moved_to_server(cluster, tempfile::tempdir().unwrap().path())
}

const DEMO_FILE: &str = "demo.sqlite";

/// A new demo file in `dir`, moved to a new database of `cluster` as File > Move to a Server
/// does (the file stays as it was); the database's address.
fn demo_moved_to_server(cluster: &PgCluster, dir: &Path) -> String {
    blocking(|| {
        let mut file = Org::open_with_system_clock(&dir.join(DEMO_FILE)).unwrap();
        let admin = file.sign_in("dana.reyes", "super-demo").unwrap();
        let url = cluster.new_database();
        let actor = Actor {
            account_id: admin.account_id,
        };
        file.move_to_server(actor, &url).unwrap();
        url
    })
}
