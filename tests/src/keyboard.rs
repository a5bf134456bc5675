//! Operating the window with the keyboard alone: WebDriver key actions sent to whatever has
//! focus, never a click and never an element targeted.

use std::time::Duration;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::Value;
use tokio::time::{sleep, Instant};

use crate::{App, TIMEOUT};

/// The element that has keyboard focus, as a person (or a screen reader) knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focused {
    pub role: String,
    pub name: String,
    /// Whether it shows a visible focus ring (a :focus-visible outline of 2 px or more).
    pub ring: bool,
}

impl App {
    /// Presses `key` while holding `modifiers` (e.g. `&[Key::Control]`, 'f').
    pub async fn press(&self, modifiers: &[Key], key: impl Into<char>) {
        let key = key.into();
        let mut actions = KeyActions::new("keyboard".to_string());
        for m in modifiers {
            actions = actions.then(KeyAction::Down { value: (*m).into() });
        }
        actions = actions
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        for m in modifiers.iter().rev() {
            actions = actions.then(KeyAction::Up { value: (*m).into() });
        }
        // Not retried: a key press is not idempotent.
        self.client()
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("pressing {key:?}: {e}"));
        // Let React handle the key before the next one.
        sleep(Duration::from_millis(60)).await;
    }

    /// Types `text` into whatever has focus, one key at a time.
    pub async fn type_text(&self, text: &str) {
        let mut actions = KeyActions::new("keyboard".to_string());
        for c in text.chars() {
            actions = actions
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client()
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("typing {text:?}: {e}"));
    }

    /// The focused element, or None when focus is on the page itself.
    pub async fn focused(&self) -> Option<Focused> {
        let v = self.try_js("focused", vec![]).await.ok()?;
        if v.is_null() {
            return None;
        }
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        Some(Focused {
            role: s("role"),
            name: s("name"),
            ring: v["ring"] == Value::Bool(true),
        })
    }

    /// Waits until the element named `name` with `role` has focus.
    pub async fn wait_focused(&self, role: &str, name: &str) -> Focused {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let now = self.focused().await;
            if let Some(f) = now.as_ref().filter(|f| f.role == role && f.name == name) {
                return f.clone();
            }
            assert!(
                Instant::now() < deadline,
                "{role} {name:?} has no focus after {TIMEOUT:?}; focused: {now:?}"
            );
            sleep(Duration::from_millis(100)).await;
        }
    }

    /// Presses Tab until the element with `role` and `name` has focus, at most `max` times,
    /// and returns it. Every element passed on the way must show a focus ring.
    pub async fn tab_to(&self, role: &str, name: &str, max: usize) -> Focused {
        let mut passed = vec![];
        for _ in 0..max {
            self.press(&[], Key::Tab).await;
            let now = self.focused().await;
            if let Some(f) = &now {
                assert!(
                    f.ring,
                    "{} {:?} has focus but no visible focus ring",
                    f.role, f.name
                );
                if f.role == role && f.name == name {
                    return f.clone();
                }
            }
            passed.push(now);
        }
        panic!("{role} {name:?} not reached with {max} Tabs; passed: {passed:?}");
    }
}
