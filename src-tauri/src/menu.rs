//! The application menu. Quit and the Edit items are handled here and by GTK; every other
//! item is sent to the UI as a `menu` event carrying a `MenuCommand`, which the UI's
//! backend module listens to.
//!
//! Undo and Redo are the predefined items; on Linux they are always shown disabled (muda
//! implements them on macOS and Windows only).

use std::sync::atomic::{AtomicBool, Ordering};

use licensedesk_core::MenuCommand;
use tauri::menu::{
    Menu, MenuBuilder, MenuEvent, MenuItem, MenuItemBuilder, MenuItemKind, SubmenuBuilder,
};
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The event the UI receives for a menu command.
pub const EVENT: &str = "menu";
const QUIT: &str = "quit";
const FILE: &str = "file";

fn item<R: Runtime>(
    app: &AppHandle<R>,
    command: MenuCommand,
    text: &str,
    accelerator: &str,
) -> tauri::Result<MenuItem<R>> {
    MenuItemBuilder::with_id(command.id(), text)
        .accelerator(accelerator)
        .build(app)
}

pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let quit = MenuItemBuilder::with_id(QUIT, "&Quit")
        .accelerator("CmdOrCtrl+Q")
        .build(app)?;
    let file = SubmenuBuilder::with_id(app, FILE, "&File")
        .item(&item(app, MenuCommand::FileNew, "&New…", "CmdOrCtrl+N")?)
        .item(&item(app, MenuCommand::FileOpen, "&Open…", "CmdOrCtrl+O")?)
        .item(&item(
            app,
            MenuCommand::FileConnectServer,
            "&Connect to Server…",
            "CmdOrCtrl+Shift+O",
        )?)
        .separator()
        // Enabled while someone is signed in and the server answers (see `set_signed_in`).
        .item(
            &MenuItemBuilder::with_id(MenuCommand::FileMoveToServer.id(), "&Move to a Server…")
                .accelerator("CmdOrCtrl+Shift+M")
                .enabled(false)
                .build(app)?,
        )
        .item(
            &MenuItemBuilder::with_id(MenuCommand::FileExportUsers.id(), "&Export users…")
                .enabled(false)
                .build(app)?,
        )
        .separator()
        .item(&quit)
        .build()?;
    let edit = SubmenuBuilder::new(app, "&Edit")
        .undo()
        .redo()
        .separator()
        .cut()
        .copy()
        .paste()
        .separator()
        .select_all()
        .build()?;
    let view = SubmenuBuilder::new(app, "&View")
        .item(&item(app, MenuCommand::ViewUsers, "&Users", "CmdOrCtrl+1")?)
        .item(&item(
            app,
            MenuCommand::ViewLicenses,
            "&Licenses",
            "CmdOrCtrl+2",
        )?)
        .item(&item(
            app,
            MenuCommand::ViewBilling,
            "&Billing",
            "CmdOrCtrl+3",
        )?)
        .item(&item(
            app,
            MenuCommand::ViewRecordings,
            "&Recordings",
            "CmdOrCtrl+4",
        )?)
        .item(&item(
            app,
            MenuCommand::ViewAuditLog,
            "&Audit log",
            "CmdOrCtrl+5",
        )?)
        .build()?;
    let help = SubmenuBuilder::new(app, "&Help")
        .item(&item(
            app,
            MenuCommand::HelpShortcuts,
            "&Keyboard shortcuts",
            "F1",
        )?)
        .separator()
        .item(
            &MenuItemBuilder::with_id(MenuCommand::HelpAbout.id(), "&About LicenseDesk")
                .build(app)?,
        )
        .build()?;
    MenuBuilder::new(app)
        .items(&[&file, &edit, &view, &help])
        .build()
}

/// Whether anyone is signed in, and whether the organization's server has stopped answering.
static SIGNED_IN: AtomicBool = AtomicBool::new(false);
static SERVER_DOWN: AtomicBool = AtomicBool::new(false);

/// File > Move to a Server and Export users work only for a signed-in account (core still
/// checks its permission). A sign-in or sign-out also ends a server outage as far as the menu
/// knows: signing in needs the server, and signed out the items are off anyway.
pub fn set_signed_in<R: Runtime>(app: &AppHandle<R>, signed_in: bool) {
    SIGNED_IN.store(signed_in, Ordering::Relaxed);
    SERVER_DOWN.store(false, Ordering::Relaxed);
    enable_organization_items(app);
}

/// While the server cannot be reached the two items are off too, like the window's controls
/// (their commands would only fail with `server_unreachable`).
pub fn set_server_reachable<R: Runtime>(app: &AppHandle<R>, reachable: bool) {
    SERVER_DOWN.store(!reachable, Ordering::Relaxed);
    enable_organization_items(app);
}

fn enable_organization_items<R: Runtime>(app: &AppHandle<R>) {
    let enabled = SIGNED_IN.load(Ordering::Relaxed) && !SERVER_DOWN.load(Ordering::Relaxed);
    for command in [MenuCommand::FileMoveToServer, MenuCommand::FileExportUsers] {
        let item = app
            .menu()
            .and_then(|menu| menu.get(FILE))
            .and_then(|file| match file {
                MenuItemKind::Submenu(file) => file.get(command.id()),
                _ => None,
            });
        if let Some(MenuItemKind::MenuItem(item)) = item {
            if let Err(e) = item.set_enabled(enabled) {
                eprintln!("licensedesk: menu: {e}");
            }
        }
    }
}

pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    if id == QUIT {
        quit(app);
    } else if let Some(command) = MenuCommand::from_id(id) {
        if let Err(e) = app.emit(EVENT, command) {
            eprintln!("licensedesk: menu {id}: {e}");
        }
    }
}

/// Quits, after asking whether to drop the user editor's unsaved edits if the window reported
/// some. The native question blocks, so it is asked off the main thread.
fn quit<R: Runtime>(app: &AppHandle<R>) {
    let unsaved = app
        .try_state::<crate::state::AppState>()
        .and_then(|state| state.unsaved_edits());
    let Some(edits) = unsaved else {
        app.exit(0);
        return;
    };
    let app = app.clone();
    std::thread::spawn(move || {
        if crate::dialogs::discard_edits(&app, &edits.name, &edits.sections) {
            app.exit(0);
        }
    });
}
