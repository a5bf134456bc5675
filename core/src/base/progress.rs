//! Long work (an import, an export bundle, a big demo) says how far it is and learns whether
//! to go on. A cancelled operation returns [`Error::Cancelled`] and undoes what it began: its
//! transaction rolls back and a partial file is removed.

use serde::Serialize;
use ts_rs::TS;

use crate::base::error::{Error, Result};

/// How far a piece of long work is, as the window shows it ("3,200 of 10,000 rows").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct ProgressEvent {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// Receives reports of long work; `done` never goes down and the last report has
/// `done == total`.
pub trait Progress {
    /// `done` of `total` units are finished. False asks the work to stop.
    fn report(&mut self, done: u64, total: u64) -> bool;
}

/// For work nobody watches (tests, safety archives, the small demo).
pub struct Unwatched;

impl Progress for Unwatched {
    fn report(&mut self, _done: u64, _total: u64) -> bool {
        true
    }
}

impl<F: FnMut(u64, u64) -> bool> Progress for F {
    fn report(&mut self, done: u64, total: u64) -> bool {
        self(done, total)
    }
}

/// Reports, and turns a request to stop into [`Error::Cancelled`] for `?`.
pub(crate) fn step(progress: &mut dyn Progress, done: usize, total: usize) -> Result<()> {
    if progress.report(done as u64, total as u64) {
        Ok(())
    } else {
        Err(Error::Cancelled)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::Progress;

    /// Records every report, and asks to stop once `done` reaches `stop_at`.
    #[derive(Default)]
    pub struct Recorder {
        pub seen: Vec<(u64, u64)>,
        pub stop_at: Option<u64>,
    }

    impl Recorder {
        pub fn stopping_at(done: u64) -> Self {
            Self {
                seen: Vec::new(),
                stop_at: Some(done),
            }
        }

        /// Reports only go up, and the last one is the whole.
        pub fn assert_monotonic_to_the_end(&self) {
            assert!(!self.seen.is_empty(), "no progress was reported");
            assert!(
                self.seen
                    .windows(2)
                    .all(|w| w[0].0 <= w[1].0 && w[0].1 == w[1].1),
                "{:?}",
                self.seen
            );
            let (done, total) = *self.seen.last().unwrap();
            assert_eq!(done, total, "{:?}", self.seen);
        }
    }

    impl Progress for Recorder {
        fn report(&mut self, done: u64, total: u64) -> bool {
            self.seen.push((done, total));
            self.stop_at.is_none_or(|stop| done < stop)
        }
    }
}

#[cfg(test)]
mod tests;
