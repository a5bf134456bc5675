//! Every change on a server runs in a SERIALIZABLE transaction that first locks the audit
//! head's table. Every change appends to the audit log, so changes take turns on that lock
//! anyway; taking it before the first query means each change's snapshot already holds the
//! change before it (a lock taken later, as `SELECT … FOR UPDATE`, would wait and then fail
//! the serializable transaction every time two admins collide). Reading is not blocked.
//! A serialization failure (40001) or deadlock (40P01) that still happens — a write from
//! outside LicenseDesk, a read-only transaction's anomaly — runs the change again from the
//! start, a bounded number of times with a growing, jittered pause; any other error rolls
//! back and is returned, so a refusal changes nothing.

use std::time::Duration;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use postgres::{Client, IsolationLevel, Transaction};

use super::change_feed::CHANNEL;
use crate::base::error::{Error, Result};

/// Attempts before a conflict is reported: with 5 admins, a conflict 10 times in a row means
/// something is wrong, not busy.
pub(crate) const MAX_ATTEMPTS: u32 = 10;

fn retryable(e: &Error) -> bool {
    matches!(e, Error::Server { sqlstate, .. } if sqlstate == "40001" || sqlstate == "40P01")
}

/// Runs `f` in a serializable transaction, after the change lock, and commits; runs it again
/// after a serialization failure or deadlock (at most [`MAX_ATTEMPTS`] times in all). `f`
/// may run more than once, so it must change nothing outside the transaction: a file it
/// wrote would be written twice, or stay behind after a refusal.
pub(crate) fn in_change<T>(
    client: &mut Client,
    mut f: impl FnMut(&mut Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let mut attempt = 1;
    loop {
        let outcome = client
            .build_transaction()
            .isolation_level(IsolationLevel::Serializable)
            .start()
            .map_err(Error::from)
            .and_then(|mut tx| {
                // No snapshot yet: LOCK TABLE is not a query.
                tx.batch_execute("LOCK TABLE audit_head IN EXCLUSIVE MODE")?;
                let out = f(&mut tx)?;
                // Delivered to the other windows only if this commits.
                tx.batch_execute(&format!(
                    "SELECT pg_notify('{CHANNEL}', last_id::text) FROM audit_head"
                ))?;
                tx.commit()?;
                Ok(out)
            });
        match outcome {
            Err(e) if retryable(&e) && attempt < MAX_ATTEMPTS => {
                // 2, 4, 8 … up to 256 ms, each with up to as much again at random, so that
                // the writers that collided do not collide again.
                let base = 1u64 << attempt.min(8);
                let pause = base + OsRng.next_u64() % (base + 1);
                std::thread::sleep(Duration::from_millis(pause));
                attempt += 1;
            }
            other => return other,
        }
    }
}
