//! Child processes that each lead their own process group, so that a test can
//! end everything they started (tauri-driver, WebKitWebDriver, the app and its
//! WebKit helpers) even when they outlive their parent.

use std::collections::HashSet;
use std::io;
use std::net::TcpListener;
use std::process::{Child, Command};
use std::sync::{Mutex, Once};
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

    /// TERM the whole group, give it a moment, then KILL what is left; and
    /// collect the dead, so that not even zombies stay behind.
    pub(crate) fn kill(&mut self) {
        for (signal, grace) in [(libc::SIGTERM, 3), (libc::SIGKILL, 5)] {
            // SAFETY: killpg only sends a signal; the group is ours.
            unsafe { libc::killpg(self.id(), signal) };
            let deadline = Instant::now() + Duration::from_secs(grace);
            loop {
                self.reap();
                if self.remaining().is_empty() {
                    return;
                }
                if Instant::now() > deadline {
                    break;
                }
                sleep(Duration::from_millis(20));
            }
        }
        eprintln!(
            "e2e: {} group {} still has processes {:?}",
            self.name,
            self.id(),
            self.remaining()
        );
    }

    /// Collects the group's dead: the leader, and (we are their subreaper)
    /// the descendants it orphaned, which reach us one generation at a time.
    fn reap(&mut self) {
        let _ = self.child.try_wait();
        // SAFETY: waitpid on our own children, no status pointer.
        while unsafe { libc::waitpid(-self.id(), std::ptr::null_mut(), libc::WNOHANG) } > 0 {}
    }

    /// Members still running, or dead but not yet collected by us.
    fn remaining(&self) -> Vec<i32> {
        processes()
            .into_iter()
            .filter(|p| p.pgrp == self.id() && (p.state != 'Z' || p.ppid != 1))
            .map(|p| p.pid)
            .collect()
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Makes this process adopt the orphans of its children: WebKitWebDriver and
/// the app outlive tauri-driver, and this machine's init does not reap them.
pub(crate) fn become_subreaper() {
    static ONCE: Once = Once::new();
    // SAFETY: a process attribute; no memory involved.
    ONCE.call_once(|| unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    });
}

/// Processes of group `pgid` that are not zombies.
pub fn group_members(pgid: i32) -> Vec<i32> {
    processes()
        .into_iter()
        .filter(|p| p.pgrp == pgid && p.state != 'Z')
        .map(|p| p.pid)
        .collect()
}

struct Process {
    pid: i32,
    state: char,
    ppid: i32,
    pgrp: i32,
}

/// Every process, from /proc.
fn processes() -> Vec<Process> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    dir.filter_map(|entry| {
        let pid: i32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // After the command name in parentheses: state, ppid, pgrp, ...
        let (_, rest) = stat.rsplit_once(')')?;
        let mut fields = rest.split_whitespace();
        Some(Process {
            pid,
            state: fields.next()?.chars().next()?,
            ppid: fields.next()?.parse().ok()?,
            pgrp: fields.next()?.parse().ok()?,
        })
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
