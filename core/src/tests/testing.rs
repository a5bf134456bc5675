//! Helpers for the tests of this crate: a demo organization in a temporary file.

use rusqlite::types::ValueRef;

use crate::domain::users::directory::UserDetail;
use crate::kernel::org::{Actor, Org};
use crate::lifecycle::demo::DEMO_ACCOUNTS;

/// The demo organization, generated once per test process and copied for each test: the
/// generator is deterministic, and copying a closed file is much faster than generating it.
pub fn demo_template() -> &'static std::path::Path {
    static TEMPLATE: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    let (_, path) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("template.sqlite");
        // Without the demo's recent removals: the tests here count seats and archives from
        // the users as generated (demo.rs tests the removals).
        let spec = crate::lifecycle::demo::DemoSpec {
            recent_removals: false,
            ..Default::default()
        };
        crate::lifecycle::demo::generate(&path, &spec, &mut crate::Unwatched)
            .expect("generate demo");
        (dir, path)
    });
    path
}

pub fn demo_org() -> (tempfile::TempDir, Org) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("org.sqlite");
    std::fs::copy(demo_template(), &path).expect("copy demo");
    let org = Org::open_with_system_clock(&path).expect("open demo");
    (dir, org)
}

pub fn sign_in(org: &mut Org, login: &str) -> Actor {
    let password = DEMO_ACCOUNTS
        .iter()
        .find(|a| a.0 == login)
        .expect("demo account")
        .3;
    let session = org.sign_in(login, password).expect("sign in");
    Actor {
        account_id: session.account_id,
    }
}

/// The trigram index's entries, one line per trigram of a user's text and where it sits (the
/// index keeps no copy of the texts: its vocabulary is read).
pub fn search_index_entries(org: &Org) -> Vec<String> {
    org.conn()
        .execute_batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.user_search_entries
             USING fts5vocab(main, user_search, 'instance')",
        )
        .unwrap();
    let mut stmt = org
        .conn()
        .prepare(
            "SELECT doc, col, offset, term FROM temp.user_search_entries
             ORDER BY doc, col, offset",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok(format!(
            "{}|{}|{}|{}",
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?
        ))
    })
    .unwrap()
    .map(|r| r.unwrap())
    .collect()
}

/// The audit entries written since entry `after`, as (action, target user).
pub fn audit_since(org: &Org, after: i64) -> Vec<(String, Option<i64>)> {
    let mut stmt = org
        .conn()
        .prepare("SELECT action, target_user_id FROM audit_log WHERE id > ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

pub fn last_audit_id(org: &Org) -> i64 {
    org.conn()
        .query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0))
        .unwrap()
}

pub fn product_id(org: &Org, name: &str) -> i64 {
    org.conn()
        .query_row("SELECT id FROM products WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .expect("product")
}

pub fn unlicensed_users(org: &Org) -> Vec<UserDetail> {
    let mut stmt = org
        .conn()
        .prepare(
            "SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM seats WHERE user_id IS NOT NULL)
             ORDER BY id",
        )
        .unwrap();
    let ids: Vec<i64> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    ids.into_iter()
        .map(|id| crate::domain::users::directory::user_detail(org.conn(), id).unwrap())
        .collect()
}

pub fn unlicensed_user(org: &Org) -> UserDetail {
    unlicensed_users(org).remove(0)
}

/// A licensed user who has at least one row of every kind a removal deletes, and recordings.
pub fn user_with_all_data(org: &Org) -> UserDetail {
    // On either engine (tests/engines.rs).
    org.engine
        .read(|db| {
            let id: i64 = db.query_one(
                "SELECT u.id FROM users u
                 WHERE EXISTS (SELECT 1 FROM call_history WHERE user_id = u.id)
                   AND EXISTS (SELECT 1 FROM forwarding_rules WHERE user_id = u.id)
                   AND EXISTS (SELECT 1 FROM voicemails WHERE user_id = u.id)
                   AND EXISTS (SELECT 1 FROM voicemail_greetings WHERE user_id = u.id)
                   AND EXISTS (SELECT 1 FROM device_activations WHERE user_id = u.id)
                   AND EXISTS (SELECT 1 FROM call_recordings WHERE user_id = u.id)
                 ORDER BY u.id LIMIT 1",
                &[],
                |r| r.get(0),
            )?;
            crate::domain::users::directory::user_detail(db, id)
        })
        .expect("the demo has a user with every kind of data")
}

/// A user holding `product` who has call history and voicemail data.
pub fn user_on(org: &Org, product: &str) -> UserDetail {
    let id: i64 = org
        .conn()
        .query_row(
            "SELECT u.id FROM users u JOIN seats s ON s.user_id = u.id JOIN products p ON p.id = s.product_id
             WHERE p.name = ?1 AND u.extension IS NOT NULL
               AND EXISTS (SELECT 1 FROM call_history WHERE user_id = u.id)
               AND EXISTS (SELECT 1 FROM voicemail_settings WHERE user_id = u.id)
             ORDER BY u.id LIMIT 1",
            [product],
            |r| r.get(0),
        )
        .expect("the demo has such a user");
    crate::domain::users::directory::user_detail(org.conn(), id).unwrap()
}

/// The steps of SQLite's plan for `sql` with `params`, as EXPLAIN QUERY PLAN words them.
pub fn query_plan(org: &Org, sql: &str, params: impl rusqlite::Params) -> Vec<String> {
    org.conn()
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap()
        .query_map(params, |r| r.get(3))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The rows of the given tables as text, to compare before and after.
pub fn snapshot(org: &Org, tables: &[&str]) -> String {
    let mut out = String::new();
    for table in tables {
        let mut stmt = org
            .conn()
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        // By their hash: formatting archives and audio byte by byte was most
                        // of the property test's time.
                        ValueRef::Blob(b) => {
                            format!(
                                "blob {} {}",
                                b.len(),
                                crate::domain::users::bundle::sha256_hex(b)
                            )
                        }
                        v => format!("{v:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        for row in rows {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
    }
    out
}

/// Requests as the window sends them for a user as it was read (its id and version), so that
/// a test names only what it is about.
impl crate::AssignLicense {
    pub fn of(user: &UserDetail, product_id: i64) -> Self {
        Self {
            user_id: user.id,
            product_id,
            expected_version: user.version,
        }
    }
}

impl crate::ChangeLicense {
    /// Without the cancellation request of the freed seat.
    pub fn of(user: &UserDetail, product_id: i64) -> Self {
        Self {
            user_id: user.id,
            product_id,
            expected_version: user.version,
            also_request_cancellation: false,
        }
    }
}

impl crate::RemoveLicense {
    pub fn of(user: &UserDetail) -> Self {
        Self {
            user_id: user.id,
            expected_version: user.version,
        }
    }
}

impl crate::OffboardUser {
    pub fn of(user: &UserDetail) -> Self {
        Self {
            user_id: user.id,
            expected_version: user.version,
        }
    }
}

impl crate::UserEdits {
    /// No section edited yet.
    pub fn of(user: &UserDetail) -> Self {
        Self {
            user_id: user.id,
            expected_version: user.version,
            ..Self::default()
        }
    }
}
