// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use licensedesk::cli::{self, Cli};

mod web_engine;

fn main() {
    // Before Tauri starts: `--version` and `--help` print and exit without opening a window.
    match cli::parse(std::env::args().skip(1)) {
        Cli::Run { .. } => {
            web_engine::lean_web_engine();
            web_engine::fewer_malloc_arenas();
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
