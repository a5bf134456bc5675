//! Which organization file to open: `--db PATH`, else `LICENSEDESK_DB`, else the platform's
//! app data folder (on Linux `~/.local/share/com.licensedesk.app/licensedesk.sqlite`).

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

/// `--demo-users N` (or `--demo-users=N`): build a demo organization of N users first.
pub fn demo_users(mut args: impl Iterator<Item = String>) -> Result<Option<usize>, String> {
    while let Some(arg) = args.next() {
        let value = if arg == "--demo-users" {
            args.next()
        } else if let Some(v) = arg.strip_prefix("--demo-users=") {
            Some(v.to_owned())
        } else {
            continue;
        };
        return match value
            .as_deref()
            .map(|v| v.replace('_', "").parse::<usize>())
        {
            Some(Ok(n)) if n > 0 => Ok(Some(n)),
            _ => Err("--demo-users needs a number of users, e.g. --demo-users 100000".into()),
        };
    }
    Ok(None)
}

/// The file named by `--db` or `LICENSEDESK_DB`, if any (before the app exists).
pub fn explicit() -> Option<PathBuf> {
    from_args(std::env::args().skip(1)).or_else(|| {
        std::env::var_os("LICENSEDESK_DB")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    })
}

fn from_args(mut args: impl Iterator<Item = String>) -> Option<PathBuf> {
    while let Some(arg) = args.next() {
        if arg == "--db" {
            return args.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--db=") {
            return Some(PathBuf::from(path));
        }
    }
    None
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
    fn demo_users_flag() {
        assert_eq!(
            demo_users(args(&["--db", "x", "--demo-users", "100000"])),
            Ok(Some(100_000))
        );
        assert_eq!(
            demo_users(args(&["--demo-users=100_000"])),
            Ok(Some(100_000))
        );
        assert_eq!(demo_users(args(&["--db", "x"])), Ok(None));
        assert!(demo_users(args(&["--demo-users"])).is_err());
        assert!(demo_users(args(&["--demo-users", "many"])).is_err());
        assert!(demo_users(args(&["--demo-users", "0"])).is_err());
    }
}
