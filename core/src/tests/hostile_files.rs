//! Crafted organization files, made from the demo organization: each is opened (and signed
//! in to, when it opens) the way a window does, and afterwards nothing outside the file's own
//! folder has changed; the app either opens and names the problem, or refuses with advice.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::Connection;

use crate::base::clock::SystemClock;
use crate::kernel::org::Org;
use crate::lifecycle::demo::DEMO_ACCOUNTS;
use crate::lifecycle::open_failure::OpenFailure;

/// Where a crafted file lives: `org/` holds it (and may be written), `outside/` is the
/// sentinel tree that must stay exactly as it was.
pub(crate) struct Crafted {
    _tmp: tempfile::TempDir,
    pub path: PathBuf,
    pub outside: PathBuf,
}

impl Crafted {
    fn archive_dir(&self) -> PathBuf {
        self.path.with_file_name("org-safety-archives")
    }
}

/// A copy of the demo organization in `org/org.sqlite`, with a sentinel tree beside it,
/// changed by `craft` through a plain connection (as another program would).
pub(crate) fn crafted(craft: impl FnOnce(&Connection, &Crafted)) -> Crafted {
    let (tmp, org) = crate::tests::testing::demo_org();
    let demo = org.path.clone();
    drop(org);
    let folder = tmp.path().join("org");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("org.sqlite");
    std::fs::rename(&demo, &path).unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(outside.join("autostart")).unwrap();
    std::fs::write(outside.join("victim.txt"), b"do not delete").unwrap();
    std::fs::write(outside.join("victim.zip"), b"do not delete either").unwrap();
    std::fs::write(
        outside.join("autostart/existing.desktop"),
        b"[Desktop Entry]",
    )
    .unwrap();
    let file = Crafted {
        _tmp: tmp,
        path,
        outside,
    };
    let conn = Connection::open(&file.path).unwrap();
    craft(&conn, &file);
    drop(conn);
    file
}

/// Paths, sizes, modification times and contents of every entry under `root`.
pub(crate) fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime, String)> {
    let mut seen = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let hash = if meta.is_file() {
                crate::domain::users::bundle::sha256_hex(&std::fs::read(&path).unwrap())
            } else if meta.is_dir() {
                todo.push(path.clone());
                "dir".into()
            } else {
                format!("link {:?}", std::fs::read_link(&path).unwrap())
            };
            seen.insert(path, (meta.len(), meta.modified().unwrap(), hash));
        }
    }
    seen
}

/// What opening a crafted file came to.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Opened and signed in to; the problems it named.
    Opened(Vec<String>),
    Refused(OpenFailure),
}

/// Marks the problems named right after the sign-in, before any page is read.
pub(crate) const AT_SIGN_IN: &str = "at sign-in: ";

/// Opens the file as a window does, signs in as the Super Admin, and reads every page.
pub(crate) fn open_and_use(file: &Crafted) -> Outcome {
    let before = snapshot(&file.outside);
    let outcome = match Org::open_for_window(&file.path, Arc::new(SystemClock), false) {
        Err(e) => Outcome::Refused(OpenFailure::new(&file.path, &e)),
        Ok((mut org, _daily_backup)) => {
            assert_eq!(before, snapshot(&file.outside));
            let (login, _, _, password) = DEMO_ACCOUNTS[0];
            let mut problems = Vec::new();
            match org.sign_in(login, password) {
                Err(e) => problems.push(e.to_string()),
                Ok(session) => {
                    let actor = crate::Actor {
                        account_id: session.account_id,
                    };
                    problems.extend(org.archive_problems().iter().cloned());
                    // As the window shows them after the sign-in.
                    match org.file_problems(actor) {
                        Ok(found) => {
                            problems.extend(found.into_iter().map(|p| AT_SIGN_IN.to_owned() + &p))
                        }
                        Err(e) => problems.push(e.to_string()),
                    }
                    // As History's "Verify integrity" shows them.
                    match org.verify_audit_log(actor) {
                        Ok(v) if !v.intact => problems.push(v.message),
                        Ok(_) => {}
                        Err(e) => problems.push(e.to_string()),
                    }
                    let reads: Vec<crate::Result<()>> = vec![
                        org.export_users_csv(actor).map(drop),
                        org.license_inventory(actor).map(drop),
                        org.billing_summary(actor).map(drop),
                    ];
                    problems.extend(
                        reads
                            .into_iter()
                            .filter_map(|r| r.err().map(|e| e.to_string())),
                    );
                    let users: Vec<i64> = org
                        .conn()
                        .prepare("SELECT DISTINCT user_id FROM safety_archives")
                        .unwrap()
                        .query_map([], |r| r.get(0))
                        .unwrap()
                        .collect::<rusqlite::Result<_>>()
                        .unwrap();
                    for user in users {
                        match org.safety_archives(actor, user) {
                            Ok(list) => problems.extend(list.into_iter().filter_map(|a| a.problem)),
                            Err(e) => problems.push(e.to_string()),
                        }
                    }
                }
            }
            Outcome::Opened(problems)
        }
    };
    assert_eq!(
        before,
        snapshot(&file.outside),
        "nothing outside the file's folder changes"
    );
    outcome
}

/// A safety archive row for the demo's first user, as a crafted file would hold it.
pub(crate) fn archive_row(conn: &Connection, path: &str, expired: bool) {
    let expires = if expired {
        "2000-01-01T00:00:00.000Z"
    } else {
        "2999-01-01T00:00:00.000Z"
    };
    conn.execute(
        "INSERT INTO safety_archives (user_id, path, sha256, created_at, expires_at, zip)
         VALUES ((SELECT min(id) FROM users), ?1, 'x', '2026-01-01T00:00:00.000Z', ?2, x'504b0506')",
        rusqlite::params![path, expires],
    )
    .unwrap();
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    type Craft = Box<dyn Fn(&Connection, &Crafted)>;

    fn out(f: &Crafted, rel: &str) -> String {
        f.outside.join(rel).display().to_string()
    }

    /// Files whose safety archives point outside the organization's own archive folder.
    fn hostile_archives() -> Vec<(&'static str, Craft)> {
        vec![
            (
                "absolute, expired, at a sentinel file",
                Box::new(|c, f| archive_row(c, &out(f, "victim.txt"), true)),
            ),
            (
                "absolute, kept, into an autostart folder",
                Box::new(|c, f| archive_row(c, &out(f, "autostart/evil.desktop"), false)),
            ),
            (
                "absolute, kept, a missing folder",
                Box::new(|c, f| archive_row(c, &out(f, "new/evil.zip"), false)),
            ),
            (
                "absolute zip outside, expired",
                Box::new(|c, f| archive_row(c, &out(f, "victim.zip"), true)),
            ),
            (
                "parent steps, expired",
                Box::new(|c, _| archive_row(c, "../../outside/victim.zip", true)),
            ),
            (
                "parent steps, kept",
                Box::new(|c, _| archive_row(c, "../../outside/autostart/x.zip", false)),
            ),
            (
                "a separator",
                Box::new(|c, _| archive_row(c, "sub/x.zip", false)),
            ),
            (
                "a backslash",
                Box::new(|c, _| archive_row(c, "..\\x.zip", false)),
            ),
            ("dot-dot alone", Box::new(|c, _| archive_row(c, "..", true))),
            ("empty", Box::new(|c, _| archive_row(c, "", false))),
            (
                "a NUL byte",
                Box::new(|c, _| archive_row(c, "x.zip\0/../../outside/victim.zip", true)),
            ),
            (
                "not a zip name",
                Box::new(|c, _| archive_row(c, "evil.desktop", false)),
            ),
            (
                "symlink to a sentinel file, expired",
                Box::new(|c, f| {
                    std::fs::create_dir(f.archive_dir()).unwrap();
                    std::os::unix::fs::symlink(
                        f.outside.join("victim.zip"),
                        f.archive_dir().join("link.zip"),
                    )
                    .unwrap();
                    archive_row(c, "link.zip", true);
                }),
            ),
            (
                "dangling symlink to outside, kept",
                Box::new(|c, f| {
                    std::fs::create_dir(f.archive_dir()).unwrap();
                    std::os::unix::fs::symlink(
                        f.outside.join("autostart/new.desktop"),
                        f.archive_dir().join("link.zip"),
                    )
                    .unwrap();
                    archive_row(c, "link.zip", false);
                }),
            ),
            (
                "symlinked archive folder, expired",
                Box::new(|c, f| {
                    std::os::unix::fs::symlink(&f.outside, f.archive_dir()).unwrap();
                    archive_row(c, "victim.zip", true);
                }),
            ),
            (
                "symlinked archive folder, kept",
                Box::new(|c, f| {
                    std::os::unix::fs::symlink(f.outside.join("autostart"), f.archive_dir())
                        .unwrap();
                    archive_row(c, "new.zip", false);
                }),
            ),
        ]
    }

    fn tampered_schemas() -> Vec<(&'static str, &'static str)> {
        vec![
            ("audit update trigger dropped", "DROP TRIGGER audit_log_no_update"),
            ("audit delete trigger dropped", "DROP TRIGGER audit_log_no_delete"),
            ("extra trigger", "CREATE TRIGGER spy AFTER UPDATE ON users BEGIN DELETE FROM seats; END"),
            ("extra view", "CREATE VIEW everyone AS SELECT * FROM accounts"),
            ("view shadowing a table", "ALTER TABLE roles RENAME TO roles_real; CREATE VIEW roles AS SELECT * FROM roles_real"),
            ("changed table", "ALTER TABLE users ADD COLUMN note TEXT"),
            ("index dropped", "DROP INDEX safety_archives_by_user"),
        ]
    }

    fn broken_rows() -> Vec<(&'static str, &'static str)> {
        vec![
            ("negative quantities", "PRAGMA ignore_check_constraints = ON; UPDATE orders SET quantity = -5"),
            ("a seat held by a user who does not exist", "PRAGMA foreign_keys = OFF; UPDATE seats SET user_id = 999999, status = 'assigned', assigned_at = '2026-01-01T00:00:00.000Z' WHERE id = (SELECT min(id) FROM seats WHERE user_id IS NULL)"),
            ("invalid UTF-8 in TEXT", "UPDATE users SET first_name = CAST(x'C328FF' AS TEXT) WHERE id = (SELECT min(id) FROM users)"),
            ("oversized BLOB", "INSERT OR REPLACE INTO voicemail_greetings (user_id, kind, created_at, audio) VALUES ((SELECT min(id) FROM users), 'busy', '2026-01-01T00:00:00.000Z', zeroblob(40000000))"),
            ("garbage dates", "PRAGMA ignore_check_constraints = ON; UPDATE seats SET assigned_at = 'yesterday-ish' WHERE user_id IS NOT NULL; UPDATE safety_archives SET expires_at = 'never'"),
            ("garbage archive date", "INSERT INTO safety_archives (user_id, path, sha256, created_at, expires_at, zip) VALUES ((SELECT min(id) FROM users), 'a.zip', 'x', 'soon', 'later', x'00')"),
        ]
    }

    #[test]
    fn hostile_archive_paths_are_refused_named_and_never_followed() {
        let cases = hostile_archives();
        for (name, craft) in &cases {
            let file = crafted(|c, f| craft(c, f));
            match open_and_use(&file) {
                Outcome::Opened(problems) => assert!(
                    problems.iter().any(|p| p.contains("safety archive")),
                    "{name}: the problem is named: {problems:?}"
                ),
                Outcome::Refused(failure) => panic!("{name}: refused: {failure:?}"),
            }
        }
    }

    #[test]
    fn a_tampered_schema_is_refused_with_advice() {
        for (name, sql) in tampered_schemas() {
            let file = crafted(|c, _| c.execute_batch(sql).unwrap());
            let before = std::fs::read(&file.path).unwrap();
            match open_and_use(&file) {
                Outcome::Refused(failure) => {
                    assert_eq!(failure.error.code, "schema_tampered", "{name}");
                    assert!(failure.advice.contains("backup"), "{name}");
                }
                Outcome::Opened(p) => panic!("{name}: opened: {p:?}"),
            }
            assert_eq!(
                before,
                std::fs::read(&file.path).unwrap(),
                "{name}: file unchanged"
            );
        }
    }

    #[test]
    fn rows_that_break_the_rules_never_panic_and_touch_nothing_outside() {
        for (name, sql) in broken_rows() {
            let file = crafted(|c, _| c.execute_batch(sql).unwrap());
            // Opens (the schema is intact) or refuses; what it reads may fail, never panic.
            let outcome = open_and_use(&file);
            assert!(
                matches!(outcome, Outcome::Opened(_) | Outcome::Refused(_)),
                "{name}"
            );
        }
    }

    #[test]
    fn rows_that_break_a_rule_are_named_with_the_rule() {
        let cases = [
            (
                "negative quantities",
                "an order's quantity must be more than 0",
                "order ",
            ),
            (
                "a seat held by a user who does not exist",
                "refer only to rows that exist",
                "seats row ",
            ),
            ("garbage dates", "a seat's dates must be dates", "seat "),
            (
                "garbage archive date",
                "a safety archive's dates must be dates",
                "safety archive ",
            ),
        ];
        let rows = broken_rows();
        for (case, rule, row) in cases {
            let sql = rows
                .iter()
                .find(|(n, _)| *n == case)
                .expect("a listed case")
                .1;
            let file = crafted(|c, _| c.execute_batch(sql).unwrap());
            let Outcome::Opened(problems) = open_and_use(&file) else {
                panic!("{case}: refused");
            };
            for when in ["after the sign-in", "by Verify integrity"] {
                let at_sign_in = when == "after the sign-in";
                assert!(
                    problems
                        .iter()
                        .any(|p| p.starts_with(AT_SIGN_IN) == at_sign_in
                            && p.contains(rule)
                            && p.contains(row)),
                    "{case}: {rule:?} with its rows is not named {when} in {problems:?}"
                );
            }
        }
        // The demo itself keeps every rule.
        let file = crafted(|_, _| {});
        assert!(matches!(open_and_use(&file), Outcome::Opened(p) if p.is_empty()));
    }

    #[test]
    fn a_future_schema_version_is_refused_with_advice() {
        let file = crafted(|c, _| {
            c.pragma_update(
                None,
                "user_version",
                crate::storage::db::schema_version() + 1,
            )
            .unwrap()
        });
        match open_and_use(&file) {
            Outcome::Refused(failure) => assert_eq!(failure.error.code, "database_too_new"),
            Outcome::Opened(p) => panic!("opened: {p:?}"),
        }
    }
}
