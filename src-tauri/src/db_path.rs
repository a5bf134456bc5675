//! Which organization file to open: `--db PATH` (parsed by `cli`), else `LICENSEDESK_DB`,
//! else the platform's app data folder (on Linux
//! `~/.local/share/com.licensedesk.app/licensedesk.sqlite`).

use std::path::PathBuf;

use tauri::{AppHandle, Manager};

pub const FILE_NAME: &str = "licensedesk.sqlite";

pub fn resolve(app: &AppHandle) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(path) = from_command_line() {
        return Ok(path);
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

/// `--demo-users N`: build a demo organization of N users first.
pub fn demo_users() -> Option<usize> {
    match crate::cli::parse(std::env::args().skip(1)) {
        crate::cli::Cli::Run { demo_users, .. } => demo_users,
        _ => None,
    }
}

/// The file named by `--db` or `LICENSEDESK_DB`, if any (the default needs the app's paths).
pub fn from_command_line() -> Option<PathBuf> {
    from_args(std::env::args().skip(1)).or_else(|| {
        std::env::var_os("LICENSEDESK_DB")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    })
}

/// The single-instance name: one running LicenseDesk per organization file. The default file
/// shares one name; a named file gets a name of its own (a D-Bus name: letters, digits, dots).
pub fn instance_id(file: &Option<PathBuf>) -> String {
    use std::hash::{Hash, Hasher};
    const BASE: &str = "com.licensedesk.app";
    let Some(file) = file else {
        return BASE.to_owned();
    };
    // The same file however it was spelled: absolute, with its folder's links resolved.
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.clone());
    let canonical = match (absolute.parent(), absolute.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or(absolute.clone()),
        _ => absolute,
    };
    let mut h = std::collections::hash_map::DefaultHasher::new();
    canonical.hash(&mut h);
    format!("{BASE}.f{:016x}", h.finish())
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

    #[test]
    fn one_instance_name_per_file_however_it_is_spelled() {
        let dir = std::env::temp_dir();
        let a = Some(dir.join("a.sqlite"));
        let a_again = Some(dir.join(".").join("a.sqlite"));
        let b = Some(dir.join("b.sqlite"));
        assert_eq!(instance_id(&a), instance_id(&a_again));
        assert_ne!(instance_id(&a), instance_id(&b));
        assert_eq!(instance_id(&None), "com.licensedesk.app");
        for id in [instance_id(&a), instance_id(&b)] {
            // A valid D-Bus well-known name: elements of [A-Za-z0-9_-], none starting with a digit.
            assert!(id.len() < 255);
            for element in id.split('.') {
                assert!(!element.is_empty() && !element.starts_with(|c: char| c.is_ascii_digit()));
                assert!(element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_'));
            }
        }
    }
}
