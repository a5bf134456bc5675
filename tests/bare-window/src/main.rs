//! A bare Tauri v2 window: the same Tauri, WebKitGTK and process settings as LicenseDesk,
//! with an empty page and no commands. `make bench` measures its memory in the same run as
//! LicenseDesk's and reports LicenseDesk's as a multiple of it (tests/tests/bench_window.rs),
//! so that the figure says what LicenseDesk itself adds, whatever the machine.

#[path = "../../../src-tauri/src/web_engine.rs"]
mod web_engine;

fn main() {
    web_engine::lean_web_engine();
    web_engine::fewer_malloc_arenas();
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the bare window");
}
