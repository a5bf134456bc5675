//! A short speed guard in `make test`: on a small generated organization, each operation's
//! median is divided by a floor measured in the same run (one durable one-row commit for the
//! single writes; one trigram lookup in the search index for the reads and the bulk steps,
//! which are CPU work with one commit), and the test fails when a ratio grows past three times
//! the one recorded in `speed_smoke.ratios`. Loose enough for a shared, noisy machine; tight
//! enough for an accidental full scan or a lost index, which cost ten to a thousand times
//! more at this size. The targets themselves are `make bench`'s, never timed assertions here.
//!
//! `UPDATE_SPEED_SMOKE=1 cargo test -p licensedesk-core --test speed_smoke` records the ratios
//! of this run (take them on an idle machine, from the debug build `make test` uses).

#[path = "../benches/common/floors.rs"]
mod floors;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use licensedesk_core::domain::licenses::change::ChangeLicense;
use licensedesk_core::domain::licenses::removal::RemoveLicense;
use licensedesk_core::lifecycle::demo::{self, DemoSpec};
use licensedesk_core::{
    Actor, AssignLicense, BulkAction, BulkRequest, LicenseFilter, Org, UserQuery,
};
use rusqlite::Connection;

const USERS: usize = 5_000;
/// How much a ratio may grow over the recorded one before the guard fails.
const SLACK: f64 = 3.0;

fn recorded_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/speed_smoke.ratios")
}

struct Smoke {
    _dir: tempfile::TempDir,
    org: Org,
    raw: Connection,
    admin: Actor,
    unlicensed: Vec<i64>,
    licensed: Vec<i64>,
    pro: i64,
    essentials: i64,
}

fn ids(conn: &Connection, sql: &str) -> Vec<i64> {
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

impl Smoke {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.sqlite");
        let spec = DemoSpec {
            seed: 7,
            users: USERS,
            ..Default::default()
        };
        demo::create(&path, &spec, &mut |_, _| {}).expect("generate the organization");
        let mut org = Org::open_with_system_clock(&path).expect("open");
        let session = org.sign_in("dana.reyes", "super-demo").expect("sign in");
        let raw = Connection::open(&path).unwrap();
        raw.busy_timeout(Duration::from_secs(5)).unwrap();
        let product = |name: &str| -> i64 {
            raw.query_row("SELECT id FROM products WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .unwrap()
        };
        let (pro, essentials) = (product("Voice Pro"), product("Voice Essentials"));
        let unlicensed = ids(
            &raw,
            "SELECT id FROM users WHERE id NOT IN (SELECT user_id FROM seats WHERE user_id IS NOT NULL)",
        );
        let licensed = ids(
            &raw,
            &format!("SELECT user_id FROM seats WHERE product_id = {pro} AND user_id > 200"),
        );
        Smoke {
            _dir: dir,
            org,
            raw,
            admin: Actor {
                account_id: session.account_id,
            },
            unlicensed,
            licensed,
            pro,
            essentials,
        }
    }

    fn version(&self, user: i64) -> i64 {
        self.raw
            .query_row("SELECT version FROM users WHERE id = ?1", [user], |r| {
                r.get(0)
            })
            .unwrap()
    }

    /// Gives back the seats of `users` (bookkeeping, not timed).
    fn release(&self, users: &[i64]) {
        for u in users {
            self.raw
                .execute(
                    "UPDATE seats SET status = 'available', user_id = NULL, assigned_at = NULL
                     WHERE user_id = ?1",
                    [u],
                )
                .unwrap();
        }
    }

    fn assign(&mut self, i: usize) -> Duration {
        let user = self.unlicensed[i];
        let req = AssignLicense {
            user_id: user,
            product_id: self.pro,
            expected_version: self.version(user),
        };
        let t = Instant::now();
        self.org.assign_license(self.admin, &req).expect("assign");
        let took = t.elapsed();
        self.release(&[user]);
        took
    }

    fn change(&mut self) -> Duration {
        let user = self.licensed.pop().unwrap();
        let req = ChangeLicense {
            user_id: user,
            product_id: self.essentials,
            expected_version: self.version(user),
            also_request_cancellation: false,
        };
        let t = Instant::now();
        self.org.change_license(self.admin, &req).expect("change");
        t.elapsed()
    }

    fn remove(&mut self) -> Duration {
        let user = self.licensed.pop().unwrap();
        let req = RemoveLicense {
            user_id: user,
            expected_version: self.version(user),
        };
        let t = Instant::now();
        self.org.remove_license(self.admin, &req).expect("remove");
        t.elapsed()
    }

    fn bulk_assign(&mut self, n: usize) -> Duration {
        let users = self.unlicensed[..n].to_vec();
        let req = BulkRequest {
            user_ids: users.clone(),
            action: BulkAction::Assign {
                product_id: self.pro,
            },
        };
        let t = Instant::now();
        self.org.bulk_apply(self.admin, &req).expect("bulk assign");
        let took = t.elapsed();
        self.release(&users);
        took
    }

    fn search(&self, text: &str, limit: u32) -> Duration {
        let q = UserQuery {
            search: text.to_owned(),
            license: LicenseFilter::Any,
            status: None,
            after: None,
            limit,
        };
        let t = Instant::now();
        std::hint::black_box(self.org.search_users(self.admin, &q).expect("search"));
        t.elapsed()
    }

    fn inventory(&self) -> Duration {
        let t = Instant::now();
        std::hint::black_box(self.org.license_inventory(self.admin).expect("inventory"));
        t.elapsed()
    }
}

fn median_ms(n: usize, mut f: impl FnMut(usize) -> Duration) -> f64 {
    for i in 0..(n / 10).max(2) {
        f(i); // warm-up: caches, prepared statements
    }
    floors::median((0..n).map(|i| f(i).as_secs_f64() * 1e3))
}

/// The median of each write over a durable commit taken right after it: both then meet the
/// same load on the disk, which on a shared machine changes from one second to the next.
fn median_over_commit(
    n: usize,
    floor: &mut floors::CommitFloor,
    mut f: impl FnMut() -> Duration,
) -> f64 {
    for _ in 0..(n / 10).max(2) {
        f();
    }
    floors::median((0..n).map(|_| {
        let op = f().as_secs_f64() * 1e3;
        op / floor.sample_ms()
    }))
}

/// Each operation's median over its floor, by name.
fn measure() -> Vec<(&'static str, f64)> {
    let mut s = Smoke::new();
    let mut commit = floors::CommitFloor::new(s._dir.path());
    let lookup = floors::trigram_lookup_ms(&s.raw, 500);
    let mut ratios = Vec::new();
    let mut i = 0;
    let assign = median_over_commit(40, &mut commit, || {
        i += 1;
        s.assign(i)
    });
    ratios.push(("assign", assign));
    ratios.push(("change", median_over_commit(40, &mut commit, || s.change())));
    ratios.push(("remove", median_over_commit(40, &mut commit, || s.remove())));
    let mut read = |name, ms: f64| ratios.push((name, ms / lookup));
    read("bulk assign 200", median_ms(6, |_| s.bulk_assign(200)));
    for (name, text) in [
        ("search name", "kowalski"),
        ("search common text", "son"),
        ("search number", "+1512555"),
        ("search start", "k"),
        ("page of 100", ""),
    ] {
        let limit = if text.is_empty() { 100 } else { 50 };
        read(name, median_ms(100, |_| s.search(text, limit)));
    }
    read("inventory", median_ms(200, |_| s.inventory()));
    ratios
}

fn recorded() -> Vec<(String, f64)> {
    let text = std::fs::read_to_string(recorded_path()).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (name, ratio) = l.rsplit_once('\t').expect("name<TAB>ratio");
            (name.to_owned(), ratio.trim().parse().expect("a ratio"))
        })
        .collect()
}

#[test]
fn no_operation_is_three_times_slower_than_recorded() {
    let measured = measure();
    if std::env::var_os("UPDATE_SPEED_SMOKE").is_some() {
        let mut text = String::from(
            "# Median of each operation over its same-run floor (core/tests/speed_smoke.rs).\n",
        );
        for (name, ratio) in &measured {
            text.push_str(&format!("{name}\t{ratio:.2}\n"));
        }
        std::fs::write(recorded_path(), text).unwrap();
        return;
    }
    let recorded = recorded();
    let mut slower = Vec::new();
    for (name, ratio) in &measured {
        let (_, was) = recorded.iter().find(|(n, _)| n == name).unwrap_or_else(|| {
            panic!("no recorded ratio for {name:?}: run with UPDATE_SPEED_SMOKE=1")
        });
        eprintln!("{name}: {ratio:.2} × floor (recorded {was:.2})");
        if *ratio > was * SLACK {
            slower.push(format!("{name}: {ratio:.2} × floor, recorded {was:.2}"));
        }
    }
    assert!(
        slower.is_empty(),
        "more than {SLACK} times slower than recorded, relative to this run's floors:\n{}",
        slower.join("\n")
    );
}
