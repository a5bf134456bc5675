//! The demo organization on each storage engine, for the areas written for both
//! (docs/ARCHITECTURE.md §Server): a test of such an area runs once on the organization file
//! and once on the same organization moved to a throwaway PostgreSQL server, and only reads
//! through the engine-neutral handle, so that one rule is checked on both.

use std::path::PathBuf;
use std::sync::Arc;

use crate::base::clock::SystemClock;
use crate::kernel::org::Org;
use crate::storage::engine::{Param, Sql};
use crate::tests::pg_cluster::PgCluster;
use crate::tests::testing::{demo_org, sign_in};

/// Where an organization of a test lives: a file, or a server database's address.
pub(crate) enum Place {
    File(PathBuf),
    Server(String),
}

impl Place {
    /// Another window on the same organization.
    pub fn open(&self) -> Org {
        match self {
            Place::File(path) => Org::open_with_system_clock(path).expect("open the file"),
            Place::Server(url) => {
                Org::open_on_server(url, Arc::new(SystemClock)).expect("open on the server")
            }
        }
    }

    /// The engine's name, for a test's messages.
    pub fn engine(&self) -> &'static str {
        match self {
            Place::File(_) => "file",
            Place::Server(_) => "server",
        }
    }
}

/// Runs `test` on the demo organization in its file, then on a copy of it moved to a new
/// server (the copy is made first, so both start equal).
pub(crate) fn on_each_engine(test: impl Fn(&mut Org, &Place)) {
    let (_dir, mut file) = demo_org();
    let cluster = PgCluster::start();
    let url = cluster.new_database();
    let admin = sign_in(&mut file, "dana.reyes");
    file.move_to_server(admin, &url)
        .expect("move the demo to the server");
    let server = Place::Server(url);
    let file_place = Place::File(file.path.clone());
    test(&mut file, &file_place);
    test(&mut server.open(), &server);
}

/// Runs `test` as [`on_each_engine`] does, and checks that it answers the same on the file
/// and on the server: one rule, one outcome.
pub(crate) fn same_on_each_engine<T: PartialEq + std::fmt::Debug>(
    test: impl Fn(&mut Org, &Place) -> T,
) {
    let on_file = std::cell::RefCell::new(None);
    on_each_engine(|org, place| {
        let outcome = test(org, place);
        let mut on_file = on_file.borrow_mut();
        match on_file.as_ref() {
            None => *on_file = Some(outcome),
            Some(file) => assert_eq!(
                &outcome, file,
                "the server's outcome differs from the file's"
            ),
        }
    });
}

/// One number from a statement both engines understand.
pub(crate) fn number(org: &Org, sql: &str, params: &[&dyn Param]) -> i64 {
    org.engine
        .read(|db| db.query_one(sql, params, |r| r.get(0)))
        .expect(sql)
}

/// The ids a statement both engines understand selects, in its order.
pub(crate) fn ids(org: &Org, sql: &str) -> Vec<i64> {
    org.engine
        .read(|db| db.query(sql, &[], |r| r.get(0)))
        .expect(sql)
}

/// Whether the newest audit entry is a refused `action`: a refusal records itself alone.
pub(crate) fn newest_entry_is_refused(org: &Org, action: &str) -> bool {
    number(
        org,
        "SELECT count(*) FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)
           AND action = ?1 AND outcome = 'refused'",
        &[&action],
    ) == 1
}

/// The audit chain walks from the first entry to the head without a break.
pub(crate) fn chain_intact(org: &Org) -> bool {
    let broken = org.engine.read(|db| match db {
        Sql::File(conn) => crate::kernel::audit::first_broken_entry(conn),
        Sql::Server(tx) => crate::storage::engine::on_server(tx, |tx| {
            crate::kernel::audit::first_broken_entry_on_server(tx)
        }),
    });
    broken.expect("walk the chain").is_none()
}

/// The name of the license a user holds, on either engine.
pub(crate) fn license_of(org: &Org, user_id: i64) -> Option<String> {
    org.engine
        .read(|db| crate::domain::users::directory::user_detail(db, user_id))
        .unwrap()
        .license
        .as_ref()
        .map(|l| l.product_name.clone())
}
