//! The Tauri shell: opens the organization file, keeps who is signed in, and translates
//! commands into calls on `licensedesk_core`. No rule lives here.

// Before the modules, so that they can use it too.
include!("commands/list.rs");

/// Registers the commands of commands/list.rs.
macro_rules! handler {
    ($($module:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$module::$name),*]
    };
}

pub mod cli;
#[cfg(test)]
mod command_types;
mod commands;
mod db_path;
mod dialogs;
#[cfg(test)]
mod lockdown;
mod menu;
mod progress;
mod server_news;
mod state;

use tauri::{AppHandle, Manager};
use tauri_plugin_window_state::StateFlags;

pub fn run() {
    if let Err(message) = generate_demo_if_asked() {
        eprintln!("licensedesk: {message}");
        std::process::exit(2);
    }
    tauri::Builder::default()
        // First, so that a second start on the same file hands over and exits before
        // anything else runs.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(db_path::instance_id(&db_path::from_command_line()))
                .callback(|app, _args, _cwd| focus_main_window(app))
                .build(),
        )
        .plugin(tauri_plugin_dialog::init())
        // Size, position and maximized state, restored at start and saved on close, in the
        // app config folder. Nothing of it is callable from the UI.
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
                .build(),
        )
        .setup(|app| {
            let path = db_path::resolve(app.handle())?;
            let state = state::AppState::new(state::OpenFile::open(path, db_path::demo_if_empty()));
            let handle = app.handle().clone();
            state.on_session_change(move |signed_in| menu::set_signed_in(&handle, signed_in));
            state.set_app(app.handle().clone());
            app.manage(state);
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<state::AppState>();
                commands::files::refresh_title(&handle, &state).await;
            });
            Ok(())
        })
        .menu(menu::build)
        .on_menu_event(menu::on_event)
        .invoke_handler(app_commands!(handler))
        .run(tauri::generate_context!())
        .expect("LicenseDesk could not start its window");
}

/// A second start on the same organization file lands here: the running window comes forward.
fn focus_main_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// `--demo-users N`: builds a demo organization of N users in the `--db` file, with a
/// progress indicator on the terminal, before the window opens on it. Ctrl+C stops it at the
/// next thousand users: nothing is committed and the new file is removed again.
fn generate_demo_if_asked() -> Result<(), String> {
    use std::io::{IsTerminal, Write};

    let Some(users) = db_path::demo_users() else {
        return Ok(());
    };
    let path = db_path::from_command_line().ok_or(
        "--demo-users needs the file to create: licensedesk --db /path/to/new.sqlite --demo-users 100000",
    )?;
    let started = std::time::Instant::now();
    let tty = std::io::stderr().is_terminal();
    let mut last_tenth = 0;
    let spec = licensedesk_core::lifecycle::demo::DemoSpec {
        users,
        ..Default::default()
    };
    interrupt::catch();
    let generated =
        licensedesk_core::lifecycle::demo::generate(&path, &spec, &mut |done: u64, total: u64| {
            let percent = done * 100 / total.max(1);
            let mut err = std::io::stderr().lock();
            if tty {
                let bar = "#".repeat(percent as usize / 5) + &".".repeat(20 - percent as usize / 5);
                let _ = write!(
                    err,
                    "\rGenerating demo organization [{bar}] {done}/{total} users ({percent}%)"
                );
                let _ = err.flush();
            } else if percent / 10 > last_tenth || done == total {
                last_tenth = percent / 10;
                let _ = writeln!(
                    err,
                    "Generating demo organization: {done}/{total} users ({percent}%)"
                );
            }
            !interrupt::happened()
        });
    interrupt::release();
    if tty {
        eprintln!();
    }
    match generated {
        Err(licensedesk_core::Error::Cancelled) => {
            eprintln!("Stopped: no organization was created.");
            std::process::exit(130);
        }
        Err(e) => return Err(e.to_string()),
        Ok(()) => {}
    }
    eprintln!(
        "Created {} with {users} users in {:.1} s; opening it.",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Ctrl+C while the demo is generated asks the generator to stop instead of killing the
/// process, so that it can roll back and remove the file it began.
mod interrupt {
    use std::sync::atomic::{AtomicBool, Ordering};

    static HAPPENED: AtomicBool = AtomicBool::new(false);

    #[cfg(unix)]
    extern "C" fn on_sigint(_: libc::c_int) {
        // Only an atomic store: all a signal handler may safely do.
        HAPPENED.store(true, Ordering::SeqCst);
    }

    pub fn catch() {
        #[cfg(unix)]
        // SAFETY: the handler only stores to an atomic.
        unsafe {
            let handler: extern "C" fn(libc::c_int) = on_sigint;
            libc::signal(libc::SIGINT, handler as libc::sighandler_t);
        }
    }

    /// Ctrl+C kills again, as everywhere else.
    pub fn release() {
        #[cfg(unix)]
        // SAFETY: restores the default disposition.
        unsafe {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
        }
    }

    pub fn happened() -> bool {
        HAPPENED.load(Ordering::SeqCst)
    }
}
