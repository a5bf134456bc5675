//! Long work's progress on its way to the window (through a channel the command was given)
//! and the window's Cancel on its way back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use licensedesk_core::{Progress, ProgressEvent};
use tauri::ipc::Channel;

/// Often enough for a smooth bar, rare enough not to flood IPC with 10,000 messages.
const EVERY: Duration = Duration::from_millis(50);

/// The flag the window's Cancel sets. Long work runs one at a time (the organization is
/// behind one lock), so one flag serves all of it; each piece clears it when it starts.
#[derive(Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    /// A watcher for the work about to start: it sends progress and reads this flag.
    pub fn watch(&self, channel: Channel<ProgressEvent>) -> WindowProgress {
        self.0.store(false, Ordering::SeqCst);
        WindowProgress {
            channel,
            cancel: self.0.clone(),
            last_sent: None,
        }
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

pub struct WindowProgress {
    channel: Channel<ProgressEvent>,
    cancel: Arc<AtomicBool>,
    last_sent: Option<Instant>,
}

impl Progress for WindowProgress {
    fn report(&mut self, done: u64, total: u64) -> bool {
        let now = Instant::now();
        if done == total || self.last_sent.is_none_or(|t| now - t >= EVERY) {
            // A window that went away does not stop the work; Cancel does.
            let _ = self.channel.send(ProgressEvent { done, total });
            self.last_sent = Some(now);
        }
        !self.cancel.load(Ordering::SeqCst)
    }
}
