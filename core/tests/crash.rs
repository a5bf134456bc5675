//! Crash safety: a worker process changes an organization file without pause and is killed
//! with SIGKILL at random moments, `LICENSEDESK_KILLS` times (100 by default). It reports
//! every operation it got back as committed (the audit entry's hash, on its standard output)
//! before starting the next. After each kill the file passes SQLite's integrity check, every
//! reported operation is there, and every operation, bulk ones and imports included, is
//! found whole or not at all.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::checks::{check, reported};
use common::operations::{self, CRASH_KINDS};
use licensedesk_core::Org;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;

const WORKER: &str = "LICENSEDESK_CRASH_WORKER";
const TEST: &str = "killed_at_random_moments_the_file_stays_whole";

/// Runs operations (bulk purchases, bulk assignments and bulk removals among them) until it
/// is killed.
fn work(path: &Path) -> ! {
    let mut org = Org::open_with_system_clock(path).unwrap();
    let actor = common::admin(&mut org);
    let mut rng = ChaCha8Rng::seed_from_u64(std::process::id().into());
    // Reads what the worker committed: the head of the audit log after each operation.
    let reader = Connection::open(path).unwrap();
    let products = operations::products(&mut org, actor);
    let exports = path.parent().unwrap().join("exports");
    loop {
        let product_id = products[rng.random_range(0..products.len())];
        let kind = rng.random_range(0..CRASH_KINDS);
        println!("begin {kind}");
        let done = operations::run(
            &mut org, actor, &mut rng, product_id, kind, &reader, &exports,
        );
        if done.is_ok() {
            let head = operations::audit_head(&reader);
            println!("ack {kind} {head}");
            std::io::stdout().flush().unwrap();
        }
    }
}

fn kills() -> usize {
    std::env::var("LICENSEDESK_KILLS").map_or(100, |n| n.parse().expect("LICENSEDESK_KILLS"))
}

#[test]
fn killed_at_random_moments_the_file_stays_whole() {
    if let Some(path) = std::env::var_os(WORKER) {
        work(Path::new(&path));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.sqlite");
    drop(Org::open_with_system_clock(&path).unwrap());
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let (mut acks, mut kinds) = (Vec::new(), [0usize; CRASH_KINDS]);
    let kills = kills();
    for round in 0..kills {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(WORKER, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Past the worker's start-up most of the time, into its operations.
        std::thread::sleep(Duration::from_millis(rng.random_range(150..700)));
        child.kill().unwrap(); // SIGKILL on Unix: no destructor, no rollback, no flush.
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        child.wait().unwrap();
        if std::env::var_os("LICENSEDESK_CRASH_TRACE").is_some() {
            eprintln!("round {round}: {}", out.replace('\n', " | "));
        }
        reported(&out, &mut acks, &mut kinds);
        check(&path, round, &acks);
    }
    let (summary, totals) = operations::summary(&kinds);
    eprintln!(
        "crash test: {kills} kills survived; reported as committed between them: {}",
        summary
    );
    for (name, n) in &totals {
        assert!(
            *n > 0 || kills < 100,
            "no {name} was committed between the kills"
        );
    }
}
