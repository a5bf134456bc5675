//! The command line: `--db PATH` (also `--db=PATH`), `--demo`, `--version`, `--help`. Read in `main`
//! before any window exists, so `--version` and `--help` print and exit without one.

use std::path::PathBuf;

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Cli {
    /// Open the window on the organization file given with `--db`, if any; with `--demo`
    /// an empty file gets the demo organization without asking.
    Run {
        db: Option<PathBuf>,
        demo: bool,
        /// `--demo-users N`: first build a demo organization of N users in the `--db` file.
        demo_users: Option<usize>,
    },
    Version,
    Help,
    /// A mistake on the command line, with the message to show.
    Invalid(String),
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Cli {
    let mut db = None;
    let mut demo = false;
    let mut demo_users = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--version" | "-V" => return Cli::Version,
            "--help" | "-h" => return Cli::Help,
            "--demo" => demo = true,
            "--demo-users" => match users(args.next()) {
                Some(n) => demo_users = Some(n),
                None => return Cli::Invalid(DEMO_USERS.into()),
            },
            "--db" => match args.next() {
                Some(path) if !path.is_empty() => db = Some(PathBuf::from(path)),
                _ => return Cli::Invalid("--db needs the path of an organization file".into()),
            },
            _ if arg.starts_with("--demo-users=") => {
                match users(arg.strip_prefix("--demo-users=").map(str::to_owned)) {
                    Some(n) => demo_users = Some(n),
                    None => return Cli::Invalid(DEMO_USERS.into()),
                }
            }
            _ => match arg.strip_prefix("--db=") {
                Some("") => {
                    return Cli::Invalid("--db needs the path of an organization file".into())
                }
                Some(path) => db = Some(PathBuf::from(path)),
                None => return Cli::Invalid(format!("unknown argument {arg:?}")),
            },
        }
    }
    Cli::Run {
        db,
        demo,
        demo_users,
    }
}

const DEMO_USERS: &str = "--demo-users needs a number of users, e.g. --demo-users 100000";

/// "100000" or "100_000", more than zero.
fn users(value: Option<String>) -> Option<usize> {
    value?.replace('_', "").parse().ok().filter(|n| *n > 0)
}

pub fn version() -> String {
    format!(
        "licensedesk {} (LicenseDesk, database schema {})\n",
        env!("CARGO_PKG_VERSION"),
        licensedesk_core::storage::db::schema_version()
    )
}

pub fn help() -> String {
    format!(
        "LicenseDesk {version}: offline license administration for a small business's cloud phone system.

Usage: licensedesk [--db PATH] [--demo] [--demo-users N]

Options:
  --db PATH       Open the organization file PATH (created if it does not exist; an
                  empty file offers the demo or your own organization). Also --db=PATH.
                  Without it: $LICENSEDESK_DB, else
                  ~/.local/share/com.licensedesk.app/licensedesk.sqlite
  --db postgres://USER@HOST/DATABASE
                  Open the organization on a PostgreSQL server, shared by several admins
                  (TLS verified across a network; add ?sslrootcert=/path/ca.pem for the
                  office's own authority). Give a password in $LICENSEDESK_DB rather than
                  here, where other users of this computer could read it.
  --demo          Put the demo organization into an empty file without asking
  --demo-users N  Build a demo organization of N users (e.g. 100000, for trying speed at
                  scale) in the new --db file, showing progress, then open it
  -V, --version   Print the version and exit
  -h, --help      Print this help and exit

Environment:
  LICENSEDESK_DB    The organization file or server address, when --db is not given
  LICENSEDESK_DEMO  1: as --demo
",
        version = env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(a: &[&str]) -> Cli {
        parse(a.iter().map(|s| s.to_string()))
    }

    #[test]
    fn db_flag_in_both_spellings() {
        assert_eq!(
            parse_strs(&["--db", "/x/a.sqlite"]),
            Cli::Run {
                db: Some("/x/a.sqlite".into()),
                demo: false,
                demo_users: None
            }
        );
        assert_eq!(
            parse_strs(&["--db=/x/b.sqlite"]),
            Cli::Run {
                db: Some("/x/b.sqlite".into()),
                demo: false,
                demo_users: None
            }
        );
        let run = |demo, demo_users| Cli::Run {
            db: None,
            demo,
            demo_users,
        };
        assert_eq!(parse_strs(&[]), run(false, None));
        assert_eq!(parse_strs(&["--demo"]), run(true, None));
        assert_eq!(
            parse_strs(&["--demo-users", "100000"]),
            run(false, Some(100_000))
        );
        assert_eq!(
            parse_strs(&["--demo-users=100_000"]),
            run(false, Some(100_000))
        );
        for bad in [
            &["--demo-users"][..],
            &["--demo-users", "many"],
            &["--demo-users", "0"],
        ] {
            assert!(matches!(parse_strs(bad), Cli::Invalid(_)), "{bad:?}");
        }
        assert!(matches!(parse_strs(&["--db"]), Cli::Invalid(_)));
        assert!(matches!(parse_strs(&["--db="]), Cli::Invalid(_)));
    }

    #[test]
    fn version_and_help_win_wherever_they_are() {
        assert_eq!(parse_strs(&["--version"]), Cli::Version);
        assert_eq!(parse_strs(&["-V"]), Cli::Version);
        assert_eq!(parse_strs(&["--db", "/x.sqlite", "--help"]), Cli::Help);
        assert_eq!(parse_strs(&["-h"]), Cli::Help);
    }

    #[test]
    fn unknown_arguments_are_refused() {
        assert_eq!(
            parse_strs(&["--other"]),
            Cli::Invalid("unknown argument \"--other\"".into())
        );
    }

    #[test]
    fn help_lists_every_flag() {
        let help = help();
        for flag in [
            "--db",
            "--demo",
            "--version",
            "--help",
            "LICENSEDESK_DB",
            "LICENSEDESK_DEMO",
        ] {
            assert!(help.contains(flag), "--help does not mention {flag}");
        }
        assert!(version().starts_with(&format!("licensedesk {}", env!("CARGO_PKG_VERSION"))));
    }
}
