//! Native GTK dialogs (confirmations, open and save file choosers), answered
//! with xdotool on the app's own display. WebDriver cannot see them, but it
//! keeps working while they are open. There is no window manager: focus a
//! window with `windowfocus`, never `windowactivate`.

use std::path::Path;
use std::time::Duration;

use tokio::process::Command;
use tokio::time::{sleep, Instant};

use crate::{App, TIMEOUT};

/// xdotool matches window names with an extended regex: match `title` exactly.
fn exact_title(title: &str) -> String {
    let mut re = String::from("^");
    for c in title.chars() {
        if "\\.^$*+?()[]{}|".contains(c) {
            re.push('\\');
        }
        re.push(c);
    }
    re.push('$');
    re
}

impl App {
    pub(crate) async fn xdotool(&self, args: &[&str]) -> Option<String> {
        let out = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", self.display())
            .kill_on_drop(true)
            .output()
            .await
            .expect("run xdotool (apt-get install xdotool)");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// With LICENSEDESK_SCREENSHOTS set, a picture of the whole display, native dialogs
    /// included (WebDriver's screenshot shows the web page only).
    pub async fn screen_shot_if_asked(&self, name: &str) {
        let Some(dir) = std::env::var_os("LICENSEDESK_SCREENSHOTS") else {
            return;
        };
        // A dialog that just mapped paints in the next frame or two.
        sleep(Duration::from_millis(700)).await;
        let shot = Path::new(&dir).join(format!("{name}.png"));
        let ok = Command::new("/usr/bin/import")
            .args(["-display", self.display(), "-window", "root"])
            .arg(&shot)
            .status()
            .await
            .is_ok_and(|s| s.success());
        assert!(ok, "could not take {}", shot.display());
    }

    /// The id of the visible native window titled exactly `title`, if any.
    /// (Without --onlyvisible, closed dialogs are found too.)
    pub async fn try_native_window(&self, title: &str) -> Option<String> {
        let re = exact_title(title);
        let found = self
            .xdotool(&["search", "--onlyvisible", "--name", &re])
            .await?;
        found.lines().last().map(str::to_string)
    }

    /// Waits for the visible native window titled `title` and returns its id.
    pub async fn native_window(&self, title: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(id) = self.try_native_window(title).await {
                return id;
            }
            assert!(
                Instant::now() < deadline,
                "no native window {title:?} after {TIMEOUT:?}"
            );
            sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until no visible native window is titled `title`.
    pub async fn wait_native_window_closed(&self, title: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while self.try_native_window(title).await.is_some() {
            assert!(
                Instant::now() < deadline,
                "native window {title:?} still open"
            );
            sleep(Duration::from_millis(200)).await;
        }
    }

    /// Focuses the native window `title` and presses `keys` (xdotool key
    /// names such as "Return", "Escape", "Tab", "ctrl+l").
    pub async fn native_keys(&self, title: &str, keys: &[&str]) {
        let id = self.native_window(title).await;
        self.xdotool(&["windowfocus", "--sync", &id])
            .await
            .unwrap_or_else(|| panic!("could not focus native window {title:?}"));
        self.keys(keys).await;
    }

    /// Presses `keys` in whatever window has the keyboard focus.
    async fn keys(&self, keys: &[&str]) {
        let mut args = vec!["key", "--clearmodifiers"];
        args.extend_from_slice(keys);
        self.xdotool(&args)
            .await
            .unwrap_or_else(|| panic!("xdotool could not press {keys:?}"));
    }

    /// Answers a native confirmation with its affirmative button (with
    /// custom labels it comes first and has the focus), then waits for it
    /// to close. Tests should check the effect, not trust the key.
    pub async fn confirm_native_dialog(&self, title: &str) {
        self.native_keys(title, &["Return"]).await;
        self.wait_native_window_closed(title).await;
    }

    /// Cancels a native dialog (Escape is always Cancel).
    pub async fn cancel_native_dialog(&self, title: &str) {
        self.native_keys(title, &["Escape"]).await;
        self.wait_native_window_closed(title).await;
    }

    /// Types `path` into the file name of a native save dialog and saves.
    /// GTK's "already exists" question is an untitled window; Return replaces.
    pub async fn answer_save_dialog(&self, title: &str, path: &Path) {
        let path = path.to_str().expect("a UTF-8 path");
        self.let_file_chooser_settle(title).await;
        self.native_keys(title, &["ctrl+a"]).await;
        self.xdotool(&["type", "--delay", "10", path])
            .await
            .expect("xdotool could not type the path");
        self.press_return_until_closed(title).await;
    }

    /// Saves through a native save dialog under the file name it proposes,
    /// into `dir`: types the folder in front of that name. The path saved
    /// to is then known only from the app (e.g. its message).
    pub async fn answer_save_dialog_in(&self, title: &str, dir: &Path) {
        let dir = dir.to_str().expect("a UTF-8 path");
        self.let_file_chooser_settle(title).await;
        self.native_keys(title, &["Home"]).await;
        self.xdotool(&["type", "--delay", "10", &format!("{dir}/")])
            .await
            .expect("xdotool could not type the folder");
        self.press_return_until_closed(title).await;
    }

    /// Opens `path` (absolute) through a native open dialog. Typing "/" opens GTK's location
    /// field; on a loaded machine that first key is sometimes lost, so while the dialog stays
    /// open the path is typed again over whatever the field holds.
    pub async fn answer_open_dialog(&self, title: &str, path: &Path) {
        let path = path.to_str().expect("a UTF-8 path");
        self.let_file_chooser_settle(title).await;
        for attempt in 1..=4 {
            self.native_keys(title, &["slash"]).await;
            sleep(Duration::from_millis(300)).await;
            self.native_keys(title, &["ctrl+a"]).await;
            self.xdotool(&["type", "--delay", "10", path])
                .await
                .expect("xdotool could not type the path");
            self.keys(&["Return"]).await;
            sleep(Duration::from_secs(1)).await;
            if self.try_native_window(title).await.is_none() {
                return;
            }
            eprintln!("e2e: open dialog {title:?} still open after attempt {attempt}; typing the path again");
        }
        self.press_return_until_closed(title).await;
    }

    /// A GTK file chooser is mapped before its name field takes keys; typed too early, the
    /// keys are lost and the proposed name is saved instead.
    async fn let_file_chooser_settle(&self, title: &str) {
        self.native_window(title).await;
        sleep(Duration::from_secs(1)).await;
    }

    /// Presses Return; again while the dialog stays open: path completion can
    /// swallow the first, and an "already exists" question (focused, untitled)
    /// takes another. A repeat goes only to the dialog or that question: on a
    /// loaded machine a dialog can take over 500 ms to close, and a Return that
    /// reaches the main window presses its focused button (the export again).
    async fn press_return_until_closed(&self, title: &str) {
        let deadline = Instant::now() + TIMEOUT;
        let dialog = self.native_window(title).await;
        self.keys(&["Return"]).await;
        loop {
            sleep(Duration::from_millis(500)).await;
            if self.try_native_window(title).await.is_none() {
                return;
            }
            if Instant::now() > deadline {
                // What the dialog shows, for whoever reads the failure.
                let shot = format!("/tmp/licensedesk-e2e-native-{}.png", std::process::id());
                let _ = Command::new("import")
                    .args(["-window", "root", &shot])
                    .env("DISPLAY", self.display())
                    .output()
                    .await;
                panic!("native dialog {title:?} does not close; the screen is in {shot}");
            }
            if self.focus_is_in_dialog(&dialog).await {
                self.keys(&["Return"]).await;
            }
        }
    }

    /// Whether the keyboard focus is on the native window `dialog` or on a
    /// window that belongs to it (the question a file chooser asks). After a
    /// dialog closes the focus falls back to the root window, and keys pressed
    /// there reach the window under the pointer: the main window.
    async fn focus_is_in_dialog(&self, dialog: &str) -> bool {
        let Some(focus) = self.xdotool(&["getwindowfocus"]).await else {
            return false;
        };
        let focus = focus.trim();
        if focus == dialog {
            return true;
        }
        let Ok(dialog) = dialog.parse::<u64>() else {
            return false;
        };
        let out = Command::new("xprop")
            .args(["-id", focus, "WM_TRANSIENT_FOR"])
            .env("DISPLAY", self.display())
            .output()
            .await
            .expect("run xprop (apt-get install x11-utils)");
        // "WM_TRANSIENT_FOR(WINDOW): window id # 0x200027"
        String::from_utf8_lossy(&out.stdout)
            .rsplit("# 0x")
            .next()
            .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
            == Some(dialog)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_match_exactly() {
        assert_eq!(super::exact_title("Remove license?"), "^Remove license\\?$");
    }
}
