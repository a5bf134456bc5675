//! The main window as the X server sees it: its title ("Acme Dental — LicenseDesk
//! (acme.sqlite)"), and keys sent to it as a keyboard would, through GTK, so that the menu's
//! accelerators fire. Native dialogs have titles of their own, without "LicenseDesk".

use std::time::Duration;

use tokio::time::{sleep, Instant};

use crate::{App, TIMEOUT};

impl App {
    /// The X id of the visible LicenseDesk window.
    async fn main_window(&self) -> String {
        let found = self
            .xdotool(&["search", "--sync", "--onlyvisible", "--name", "LicenseDesk"])
            .await
            .expect("the LicenseDesk window");
        found
            .lines()
            .last()
            .expect("the LicenseDesk window")
            .to_string()
    }

    /// The main window's title as the desktop shows it.
    pub async fn window_title(&self) -> String {
        let window = self.main_window().await;
        self.xdotool(&["getwindowname", &window])
            .await
            .expect("xdotool getwindowname")
            .trim_end()
            .to_string()
    }

    /// Waits until the main window's title is `expected`.
    pub async fn wait_window_title(&self, expected: &str) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let title = self.window_title().await;
            if title == expected {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "window title {title:?}, expected {expected:?}"
            );
            sleep(Duration::from_millis(200)).await;
        }
    }

    /// Sends `keys` (xdotool syntax, e.g. "ctrl+o") to the main window.
    pub async fn main_window_key(&self, keys: &str) {
        let window = self.main_window().await;
        for args in [
            vec!["windowfocus", "--sync", window.as_str()],
            vec!["key", "--clearmodifiers", keys],
        ] {
            assert!(
                self.xdotool(&args).await.is_some(),
                "xdotool {args:?} failed"
            );
        }
    }
}
