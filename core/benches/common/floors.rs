//! What the disk and SQLite give at best, measured in the same run as the operations: each
//! operation is also reported as a multiple of one of these, so that a table taken on another
//! machine, or on this one while it is busy, can be compared with the recorded one.

use rusqlite::Connection;
use std::path::Path;
use std::time::Instant;

/// One durable one-row commit to a write-ahead-logged file in a folder (same disk, same
/// `synchronous=FULL` as the app): the least any durable write costs.
pub struct CommitFloor {
    conn: Connection,
    path: std::path::PathBuf,
    next: i64,
}

impl CommitFloor {
    pub fn new(dir: &Path) -> Self {
        let path = dir.join("floor.sqlite");
        let conn = Connection::open(&path).expect("open the floor file");
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS t (v INTEGER)",
        )
        .expect("set up the floor file");
        CommitFloor {
            conn,
            path,
            next: 0,
        }
    }

    /// Milliseconds of one commit.
    pub fn sample_ms(&mut self) -> f64 {
        self.next += 1;
        let t = Instant::now();
        self.conn
            .prepare_cached("INSERT INTO t (v) VALUES (?1)")
            .and_then(|mut s| s.execute([self.next]))
            .expect("commit");
        t.elapsed().as_secs_f64() * 1e3
    }
}

impl Drop for CommitFloor {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

/// Median milliseconds of one FTS5 trigram lookup (the first 50 rows holding one trigram)
/// in the organization's search index: the least any search costs.
pub fn trigram_lookup_ms(conn: &Connection, samples: usize) -> f64 {
    let mut stmt = conn
        .prepare(
            "SELECT count(*) FROM
               (SELECT rowid FROM user_search WHERE user_search MATCH '\"son\"' LIMIT 50)",
        )
        .expect("the search index");
    median((0..samples).map(|_| {
        let t = Instant::now();
        let n: i64 = stmt.query_row([], |r| r.get(0)).expect("lookup");
        std::hint::black_box(n);
        t.elapsed().as_secs_f64() * 1e3
    }))
}

pub fn median(samples: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = samples.collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
