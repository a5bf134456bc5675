//! Other admins' changes on a server, as they commit (docs/ARCHITECTURE.md §Server): a thread
//! per open organization on a server waits on core's `ServerWatch` and tells the window,
//! which reads its pages again; when the server cannot be reached it says so, and the window
//! shows it read-only until the server answers again. Nothing is kept to send later.

use std::sync::{Arc, Weak};
use std::time::Duration;

use licensedesk_core::{ServerNews, ServerStatus, ServerWatch};
use tauri::{AppHandle, Emitter};

use crate::state::OpenFile;

/// The event the window receives after changes were committed on the server.
pub const CHANGED: &str = "server_changed";
/// The event the window receives when the server stops or starts answering.
pub const STATUS: &str = "server_status";

/// Starts watching `file`'s server, if it is on one; the watch ends once the window has
/// switched to another organization (nothing holds `file` any more).
pub fn watch(file: &Arc<OpenFile>, app: AppHandle) {
    let Some(address) = file.server_address().map(str::to_owned) else {
        return;
    };
    let weak: Weak<OpenFile> = Arc::downgrade(file);
    let file = Arc::clone(file);
    // A thread of its own from the start: the synchronous PostgreSQL client must not run on
    // the async runtime's threads (a command may call this).
    std::thread::spawn(move || {
        let head = file.server_head();
        drop(file);
        let Some(mut watch) = head.and_then(|head| ServerWatch::new(&address, head).ok()) else {
            return;
        };
        let file = weak;
        let mut reachable = true;
        while file.strong_count() > 0 {
            match watch.wait(Duration::from_secs(1)) {
                ServerNews::Quiet => {}
                ServerNews::Changed(_) => {
                    if let Err(e) = app.emit(CHANGED, ()) {
                        eprintln!("licensedesk: {CHANGED}: {e}");
                    }
                }
                ServerNews::Unreachable(reason) => {
                    if reachable {
                        reachable = false;
                        emit_status(&app, false, Some(reason));
                    }
                    std::thread::sleep(Duration::from_secs(2));
                    continue;
                }
            }
            if !reachable {
                reachable = true;
                emit_status(&app, true, None);
            }
        }
    });
}

fn emit_status(app: &AppHandle, reachable: bool, reason: Option<String>) {
    crate::menu::set_server_reachable(app, reachable);
    if let Err(e) = app.emit(STATUS, ServerStatus { reachable, reason }) {
        eprintln!("licensedesk: {STATUS}: {e}");
    }
}
