// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use licensedesk::cli::{self, Cli};

fn main() {
    // Before Tauri starts: `--version` and `--help` print and exit without opening a window.
    match cli::parse(std::env::args().skip(1)) {
        Cli::Run { .. } => {
            prefer_software_compositing();
            licensedesk::run()
        }
        Cli::Version => print!("{}", cli::version()),
        Cli::Help => print!("{}", cli::help()),
        Cli::Invalid(why) => {
            eprintln!("licensedesk: {why}\nTry 'licensedesk --help' for the options.");
            std::process::exit(2);
        }
    }
}

/// WebKitGTK's accelerated compositing, on the software GL most admin laptops and every
/// virtual display end up with, cost this window 118 MB of memory and most of its paint time
/// (measured on 100,000 users: PSS 376 → 258 MB, first rows 348 → 79 ms, keystroke to
/// results 149 → 69 ms). A window of lists and forms gains nothing from it. Set before GTK
/// starts and before any other thread exists; an administrator's own setting wins.
fn prefer_software_compositing() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}
