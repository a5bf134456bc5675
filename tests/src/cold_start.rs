//! A cold start timed as an administrator has it: the app started directly (no WebDriver,
//! which holds the page back while it sets up its session) on a display of its own, from
//! the moment it is spawned to the line the app writes when the UI reports its sign-in
//! screen painted and focused (`LICENSEDESK_PERF_LOG`, see `window_ready`).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::{app_binary, process, start_xvfb};

const READY_LINE: &str = "licensedesk: ready sign-in";

/// Milliseconds from spawning the app on `db` (the demo organization if it is empty) to its
/// sign-in screen being ready. WebKit's caches start empty each time, as on the first start
/// after an install.
pub fn time_cold_start(db: &Path) -> Result<f64, String> {
    process::become_subreaper();
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let (_xvfb, display) = start_xvfb()?;
    let mut cmd = Command::new(app_binary());
    cmd.arg("--db")
        .arg(db)
        .arg("--demo")
        .env("DISPLAY", &display)
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("GSETTINGS_BACKEND", "memory")
        .env("LICENSEDESK_PERF_LOG", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut app = process::Group::spawn("licensedesk", &mut cmd)
        .map_err(|e| format!("spawn the app: {e}"))?;
    let stderr = app.child().stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if line.starts_with(READY_LINE) {
                let _ = tx.send(started.elapsed());
            }
        }
    });
    let ready = rx
        .recv_timeout(Duration::from_secs(60))
        .map_err(|_| format!("no {READY_LINE:?} line within 60 s"))?;
    // Dropping the groups ends the app, its WebKit processes and Xvfb.
    Ok(ready.as_secs_f64() * 1e3)
}
