//! Which organization file to open: `--db PATH` (parsed by `cli`), else `LICENSEDESK_DB`,
//! else the platform's app data folder (on Linux
//! `~/.local/share/com.licensedesk.app/licensedesk.sqlite`).

use std::path::PathBuf;

use tauri::{AppHandle, Manager};

pub const FILE_NAME: &str = "licensedesk.sqlite";

pub fn resolve(app: &AppHandle) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(path) = from_args(std::env::args().skip(1)) {
        return Ok(path);
    }
    if let Some(path) = std::env::var_os("LICENSEDESK_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let dir = app.path().app_data_dir()?;
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join(FILE_NAME))
}

/// `--demo` or `LICENSEDESK_DEMO=1`: an empty file gets the demo organization without asking
/// (for `make run`, demos and the end-to-end tests).
pub fn demo_if_empty() -> bool {
    matches!(
        crate::cli::parse(std::env::args().skip(1)),
        crate::cli::Cli::Run { demo: true, .. }
    ) || std::env::var("LICENSEDESK_DEMO").is_ok_and(|v| v == "1")
}

/// The `--db` path of the command line (main has already refused a malformed one).
fn from_args(args: impl Iterator<Item = String>) -> Option<PathBuf> {
    match crate::cli::parse(args) {
        crate::cli::Cli::Run { db, .. } => db,
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> impl Iterator<Item = String> {
        a.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn db_flag_in_both_spellings() {
        assert_eq!(
            from_args(args(&["--db", "/x/a.sqlite"])),
            Some("/x/a.sqlite".into())
        );
        assert_eq!(
            from_args(args(&["--db=/x/b.sqlite"])),
            Some("/x/b.sqlite".into())
        );
        assert_eq!(from_args(args(&["--other"])), None);
        assert_eq!(from_args(args(&["--db"])), None);
    }
}
