//! What the tests on a PostgreSQL server share: the demo organization moved to a throwaway
//! cluster, and running the synchronous client off the test's runtime.

use licensedesk_core::{Actor, Org};
use licensedesk_pg_cluster::PgCluster;

/// Runs `f` off the test's runtime: the synchronous PostgreSQL client starts one of its own.
pub fn blocking<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

/// The demo organization moved from a new file to a new database of `cluster`; its address.
pub fn demo_on_a_server(cluster: &PgCluster) -> String {
    blocking(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut file = Org::open_with_system_clock(&dir.path().join("demo.sqlite")).unwrap();
        let admin = file.sign_in("dana.reyes", "super-demo").unwrap();
        let url = cluster.new_database();
        let actor = Actor {
            account_id: admin.account_id,
        };
        file.move_to_server(actor, &url).unwrap();
        url
    })
}
