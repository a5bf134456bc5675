//! The application menu. Quit and the Edit items are handled here and by GTK; every other
//! item is sent to the UI as a `menu` event carrying a `MenuCommand`, which the UI's
//! backend module listens to.
//!
//! File has only Quit: New, Open and Export users belong to organization files and CSV
//! export (issue #10), which are not built yet, and a menu offers nothing that does nothing.
//! Undo and Redo are left out of Edit: on Linux they can only be shown disabled.

use licensedesk_core::MenuCommand;
use tauri::menu::{Menu, MenuBuilder, MenuEvent, MenuItem, MenuItemBuilder, SubmenuBuilder};
use tauri::{AppHandle, Emitter, Runtime};

/// The event the UI receives for a menu command.
pub const EVENT: &str = "menu";
const QUIT: &str = "quit";

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
    let file = SubmenuBuilder::new(app, "&File").item(&quit).build()?;
    let edit = SubmenuBuilder::new(app, "&Edit")
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

pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    let id = event.id().as_ref();
    if id == QUIT {
        app.exit(0);
    } else if let Some(command) = MenuCommand::from_id(id) {
        if let Err(e) = app.emit(EVENT, command) {
            eprintln!("licensedesk: menu {id}: {e}");
        }
    }
}
