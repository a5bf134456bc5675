//! Calling the app's commands from the page, as a script that got into the window would:
//! through `window.__TAURI_INTERNALS__.invoke`, past every button of the UI.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::{sleep, Instant};

use crate::{App, TIMEOUT};

/// Starts a command and keeps its outcome in the page under a key, without waiting for it.
const START_JS: &str = "const [key, command, args] = arguments;
    window.__e2eCalls = window.__e2eCalls || {};
    window.__TAURI_INTERNALS__.invoke(command, args).then(
        (ok) => { window.__e2eCalls[key] = { ok: ok === undefined ? null : ok }; },
        (err) => { window.__e2eCalls[key] = { err }; });";
const OUTCOME_JS: &str = "return (window.__e2eCalls || {})[arguments[0]] ?? null;";

/// Numbers the calls of this test process, so that each outcome has a key of its own.
static CALLS: AtomicU64 = AtomicU64::new(0);

/// A command started from the page; its outcome is collected with [`App::invoke_outcome`].
pub struct PendingCall {
    key: String,
    command: String,
}

impl App {
    /// Calls `command` from the page and waits for it: Ok(result) or Err(the error payload).
    pub async fn invoke(&self, command: &str, args: Value) -> Result<Value, Value> {
        let call = self.start_invoke(command, args).await;
        self.invoke_outcome(&call).await
    }

    /// Starts `command` from the page without waiting: it may be waiting on a native dialog.
    pub async fn start_invoke(&self, command: &str, args: Value) -> PendingCall {
        let key = format!("{command}-{}", CALLS.fetch_add(1, Ordering::Relaxed));
        self.client()
            .execute(START_JS, vec![json!(key), json!(command), args])
            .await
            .unwrap_or_else(|e| panic!("invoke {command}: {e}"));
        PendingCall {
            key,
            command: command.to_string(),
        }
    }

    /// The outcome of `call` if it has finished.
    pub async fn try_invoke_outcome(&self, call: &PendingCall) -> Option<Result<Value, Value>> {
        let answer = self
            .client()
            .execute(OUTCOME_JS, vec![json!(call.key)])
            .await
            .unwrap_or_else(|e| panic!("outcome of {}: {e}", call.command));
        if answer.is_null() {
            return None;
        }
        Some(match answer.get("err") {
            Some(err) => Err(err.clone()),
            None => Ok(answer["ok"].clone()),
        })
    }

    /// Waits for `call` to finish: Ok(result) or Err(the error payload).
    pub async fn invoke_outcome(&self, call: &PendingCall) -> Result<Value, Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(outcome) = self.try_invoke_outcome(call).await {
                return outcome;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not finish within {TIMEOUT:?}",
                call.command
            );
            sleep(Duration::from_millis(100)).await;
        }
    }
}
