//! End-to-end harness: runs the real LicenseDesk binary in its own Xvfb
//! through tauri-driver and drives its window as a person would, finding
//! controls by ARIA role and accessible name (the names are listed in
//! docs/ARCHITECTURE.md §Accessible names).
//!
//! The binary comes from `LICENSEDESK_BIN` (an absolute path, set by the
//! Makefile). Each [`App`] has its own X display, ports, temporary data
//! directories and process group; dropping it (or [`App::quit`]) ends them all.

mod cold_start;
mod dialogs;
mod engine;
mod flows;
mod ipc;
mod keyboard;
mod page;
mod process;
mod window;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use tempfile::TempDir;
use tokio::time::{sleep, timeout, Instant};

pub use cold_start::time_cold_start;
pub use engine::{blocking, demo_on_a_server, on_server, organization_as_created, shown_place};
pub use fantoccini::elements::Element;
pub use fantoccini::key::Key;
pub use flows::{LicenseCounts, RemovalWarning, LICENSE_COLUMNS, RECORDING_COLUMNS, USER_COLUMNS};
pub use ipc::PendingCall;
pub use keyboard::Focused;
pub use page::{Row, Table};
pub use process::group_members;

/// How long a person would wait for something to show up. Generous: the
/// tests share 2 cores with each other and with builds.
pub const TIMEOUT: Duration = Duration::from_secs(15);
/// Start of a fresh app up to its first painted page on a busy machine.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// One running LicenseDesk window and everything it needs.
pub struct App {
    client: Option<Client>,
    driver: Option<process::Group>,
    xvfb: Option<process::Group>,
    display: String,
    dir: TempDir,
}

/// The app binary under test, from `LICENSEDESK_BIN`.
pub fn app_binary() -> PathBuf {
    let bin = std::env::var_os("LICENSEDESK_BIN").unwrap_or_else(|| {
        panic!(
            "LICENSEDESK_BIN is not set: build the app (cargo build -p licensedesk) and set it \
             to the absolute path of target/debug/licensedesk, as `make test` does"
        )
    });
    let bin = PathBuf::from(bin);
    assert!(
        bin.is_absolute() && bin.is_file(),
        "LICENSEDESK_BIN={} is not an absolute path to a built binary",
        bin.display()
    );
    bin
}

/// tauri-driver from PATH, else from cargo's install directory.
fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return path.into();
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("tauri-driver"))
        .find(|p| p.is_file());
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    on_path
        .or_else(|| cargo_home.map(|c| c.join("bin/tauri-driver")))
        .filter(|p| p.is_file())
        .expect("tauri-driver not found: cargo install tauri-driver --locked --version 2.1.0")
}

impl App {
    /// Starts the app on the database file `db` (created with the demo
    /// organization if it does not exist) and waits for its page to load.
    /// Tries twice: a start can fail on a loaded machine.
    pub async fn start(db: impl AsRef<Path>) -> App {
        Self::start_with_env(db, &[]).await
    }

    /// Starts the app on an empty `db` as a first start: the demo-or-own-organization choice.
    pub async fn start_first_run(db: impl AsRef<Path>) -> App {
        Self::start_with_env(db, &[("LICENSEDESK_DEMO", "0")]).await
    }

    /// Like [`App::start`], with extra environment variables for the app (e.g.
    /// `GTK_THEME=Adwaita:dark`). An empty file gets the demo unless `LICENSEDESK_DEMO=0`.
    /// With `LICENSEDESK_E2E_ENGINE=server`, the demo `db` would get is on a server instead.
    pub async fn start_with_env(db: impl AsRef<Path>, env: &[(&str, &str)]) -> App {
        let address = engine::organization_address(db.as_ref(), env);
        Self::start_binary(&app_binary(), &address, env).await
    }

    /// Starts another Tauri binary `bin` the same way (the benchmark's bare window); `db` is
    /// only passed on in the environment.
    pub async fn start_binary(bin: &Path, db: &Path, env: &[(&str, &str)]) -> App {
        let mut error = String::new();
        for attempt in 1..=2 {
            match Self::try_start(bin, db, env).await {
                Ok(app) => return app,
                Err(e) => {
                    eprintln!(
                        "e2e: starting {} failed (attempt {attempt}): {e}",
                        bin.display()
                    );
                    error = e;
                }
            }
        }
        panic!("could not start {}: {error}", bin.display());
    }

    async fn try_start(bin: &Path, db: &Path, env: &[(&str, &str)]) -> Result<App, String> {
        process::become_subreaper();
        let dir = tempfile::Builder::new()
            .prefix("licensedesk-e2e-")
            .tempdir()
            .map_err(|e| format!("temp dir: {e}"))?;
        let (xvfb, display) = start_xvfb()?;
        // From here on, dropping `app` ends whatever has been started.
        let mut app = App {
            client: None,
            driver: None,
            xvfb: Some(xvfb),
            display,
            dir,
        };
        let (port, native_port) = (process::free_port(), process::free_port());
        let log = File::create(app.log_path()).map_err(|e| format!("driver log: {e}"))?;
        let log2 = log.try_clone().map_err(|e| format!("driver log: {e}"))?;
        let data = app.dir.path();
        let mut cmd = Command::new(tauri_driver());
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .env("DISPLAY", &app.display)
            .env("LICENSEDESK_DB", db)
            // WebKit keeps storage and caches here: nothing shared between sessions.
            .env("XDG_DATA_HOME", data.join("data"))
            .env("XDG_CACHE_HOME", data.join("cache"))
            .env("XDG_CONFIG_HOME", data.join("config"))
            .env("GSETTINGS_BACKEND", "memory")
            .env("LICENSEDESK_DEMO", "1")
            .envs(env.iter().copied())
            // Never cargo's pipes: a process that outlives the test would hold them open.
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2);
        let driver = process::Group::spawn("tauri-driver", &mut cmd)
            .map_err(|e| format!("spawn tauri-driver: {e}"))?;
        app.driver = Some(driver);
        app.wait_for_driver(port).await?;

        let caps = serde_json::json!({
            "tauri:options": { "application": bin },
            "browserName": "wry",
        });
        let caps = caps.as_object().cloned().unwrap_or_default();
        let url = format!("http://127.0.0.1:{port}");
        let client = timeout(
            START_TIMEOUT,
            ClientBuilder::native().capabilities(caps).connect(&url),
        )
        .await
        .map_err(|_| format!("no WebDriver session within {START_TIMEOUT:?}"))?
        .map_err(|e| format!("new WebDriver session: {e}\n{}", app.log_tail()))?;
        app.client = Some(client);
        app.wait_for_page().await?;
        Ok(app)
    }

    /// Polls the driver's port until it accepts, or the driver dies.
    async fn wait_for_driver(&mut self, port: u16) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let addr = ([127, 0, 0, 1], port).into();
        loop {
            let driver = self.driver.as_mut().expect("driver started");
            if let Ok(Some(status)) = driver.child().try_wait() {
                return Err(format!(
                    "tauri-driver exited ({status})\n{}",
                    self.log_tail()
                ));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("tauri-driver not listening on {port}"));
            }
            sleep(Duration::from_millis(100)).await;
        }
    }

    async fn wait_for_page(&self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(state) = self.try_js("ready", vec![]).await {
                if state == "complete" {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(format!("page not loaded within {START_TIMEOUT:?}"));
            }
            sleep(Duration::from_millis(200)).await;
        }
    }

    /// The WebDriver client, for anything the helpers do not cover.
    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("the app was quit")
    }

    /// The X display the app runs on, e.g. ":12".
    pub fn display(&self) -> &str {
        &self.display
    }

    /// Process group ids of tauri-driver (with WebKitWebDriver and the app)
    /// and of Xvfb, to check that nothing outlives the session.
    pub fn process_groups(&self) -> Vec<i32> {
        [&self.driver, &self.xvfb]
            .into_iter()
            .flatten()
            .map(|g| g.id())
            .collect()
    }

    /// Quits the app as its user would (closing the WebDriver session closes
    /// the window), then ends every process of the session.
    pub async fn quit(mut self) {
        if let Some(client) = self.client.take() {
            if let Err(e) = timeout(Duration::from_secs(10), client.close())
                .await
                .unwrap_or(Ok(()))
            {
                eprintln!("e2e: closing the WebDriver session: {e}");
            }
        }
        self.stop();
    }

    fn stop(&mut self) {
        drop(self.driver.take());
        drop(self.xvfb.take());
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("driver.log")
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!("--- tauri-driver log (tail) ---\n{tail}\n---")
    }

    /// On a failing test: a screenshot of the display and the driver's log.
    fn leave_evidence(&self) {
        let dir = std::env::var_os("LICENSEDESK_E2E_ARTIFACTS")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let test = std::thread::current()
            .name()
            .unwrap_or("test")
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        let shot = dir.join(format!(
            "licensedesk-e2e-{test}-{}.png",
            self.display.trim_start_matches(':')
        ));
        let import = if Path::new("/usr/bin/import").exists() {
            "/usr/bin/import"
        } else {
            "import"
        };
        let ok = Command::new(import)
            .args(["-display", &self.display, "-window", "root"])
            .arg(&shot)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            eprintln!("e2e: screenshot of the failed test: {}", shot.display());
        }
        eprintln!("{}", self.log_tail());
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if std::thread::panicking() && self.xvfb.is_some() {
            self.leave_evidence();
        }
        self.stop();
    }
}

/// Starts Xvfb on a free display it picks itself and returns that display.
pub(crate) fn start_xvfb() -> Result<(process::Group, String), String> {
    let mut cmd = Command::new("Xvfb");
    cmd.args([
        "-displayfd",
        "1",
        "-screen",
        "0",
        "1280x1024x24",
        "-nolisten",
        "tcp",
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut xvfb =
        process::Group::spawn("Xvfb", &mut cmd).map_err(|e| format!("spawn Xvfb: {e}"))?;
    let stdout = xvfb.child().stdout.take().expect("piped stdout");
    // Xvfb writes the display number once it accepts connections.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .map_err(|_| "Xvfb did not report its display".to_string())?;
    let number: u32 = line
        .trim()
        .parse()
        .map_err(|_| format!("Xvfb reported {line:?}, not a display number"))?;
    Ok((xvfb, format!(":{number}")))
}
