//! Child processes that each lead their own process group, so that a test can
//! end everything they started (tauri-driver, WebKitWebDriver, the app and its
//! WebKit helpers) even when they outlive their parent.

use std::collections::HashSet;
use std::io;
use std::net::TcpListener;
use std::process::{Child, Command};
use std::sync::Mutex;
use std::thread::sleep;
use std::time::{Duration, Instant};

pub(crate) struct Group {
    child: Child,
    name: &'static str,
}

impl Group {
    pub(crate) fn spawn(name: &'static str, cmd: &mut Command) -> io::Result<Group> {
        use std::os::unix::process::CommandExt;
        let child = cmd.process_group(0).spawn()?;
        Ok(Group { child, name })
    }

    pub(crate) fn id(&self) -> i32 {
        self.child.id() as i32
    }

    pub(crate) fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Live (not zombie) members of the group.
    pub(crate) fn members(&self) -> Vec<i32> {
        group_members(self.id())
    }

    /// TERM the whole group, give it a moment, then KILL what is left.
    pub(crate) fn kill(&mut self) {
        for (signal, grace) in [(libc::SIGTERM, 3), (libc::SIGKILL, 3)] {
            // SAFETY: killpg only sends a signal; the group is ours.
            unsafe { libc::killpg(self.id(), signal) };
            let deadline = Instant::now() + Duration::from_secs(grace);
            loop {
                let _ = self.child.try_wait(); // reap the leader, or it stays a zombie
                if self.members().is_empty() {
                    return;
                }
                if Instant::now() > deadline {
                    break;
                }
                sleep(Duration::from_millis(50));
            }
        }
        eprintln!(
            "e2e: {} group {} still has processes {:?}",
            self.name,
            self.id(),
            self.members()
        );
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Processes of group `pgid` that are not zombies, read from /proc.
pub fn group_members(pgid: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // After the command name in parentheses: state, ppid, pgrp, ...
            let Some((_, rest)) = stat.rsplit_once(')') else {
                return false;
            };
            let fields: Vec<&str> = rest.split_whitespace().collect();
            fields.len() > 2 && fields[0] != "Z" && fields[2] == pgid.to_string()
        })
        .collect()
}

/// A port nobody listens on and that this process never handed out before:
/// on a busy port tauri-driver exits 0 and orphans WebKitWebDriver.
pub(crate) fn free_port() -> u16 {
    static GIVEN: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("bind a free local port")
            .port();
        if GIVEN
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(HashSet::new)
            .insert(port)
        {
            return port;
        }
    }
}
