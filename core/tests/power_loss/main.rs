//! Power loss: the operations of the crash test run on an organization whose storage is a
//! crash-simulating layer (vfs.rs for SQLite's files, the `power-cut-trace` hook of files.rs
//! for the files written beside: backups, safety archives, exports). At a random step,
//! `LICENSEDESK_POWER_CUTS` times (100 by default), the power goes off: every later step
//! fails, the organization is dropped, and the disk is left as a real one could be after a
//! cut (disk.rs): writes since each file's last sync dropped, kept or torn at 512-byte
//! sectors, names changed since their folder's last sync as they were. Then the file must
//! open, pass SQLite's integrity check and the rules of its records, and hold every
//! operation acknowledged before the cut (a commit returns only once synced); each file
//! written beside it must be an old whole version or the new whole one, and no leftover
//! partial file may be taken for a backup. Safety archives are copies of what the file
//! stores and are not synced: after the sign-in each must be its stored copy again.

#[path = "../common/mod.rs"]
mod common;
mod disk;
mod vfs;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use common::checks::{check_with, reported};
use common::operations::{self, BACKUP, KINDS, RESTORE};
use disk::{Disk, Pending, Phase};
use licensedesk_core::base::clock::Clock;
use licensedesk_core::power_cut_trace::{self, Step};
use licensedesk_core::Org;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{Connection, OpenFlags};

/// The time: each operation and each cut moves it a second on (people are slower than this
/// test, and a machine takes longer than that to come back), so that names made of the time
/// in seconds (safety archives') do not meet a name left by an operation a restore or a cut
/// took back in the same second.
struct Rebooted;
static REBOOTS: AtomicI64 = AtomicI64::new(0);

impl Clock for Rebooted {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() + chrono::Duration::seconds(REBOOTS.load(Ordering::SeqCst))
    }
}

fn open_org(path: &Path) -> Org {
    Org::open(path, Arc::new(Rebooted)).unwrap()
}

pub static DISK: LazyLock<Mutex<Disk>> = LazyLock::new(|| Mutex::new(Disk::default()));

fn set_phase(phase: Phase) {
    DISK.lock().unwrap().phase = phase;
}

/// files.rs's steps, told to the disk model before they happen.
fn hook(step: &Step<'_>) -> std::io::Result<()> {
    let mut disk = DISK.lock().unwrap();
    if !disk.step() {
        return Err(std::io::Error::other("the power is off"));
    }
    match *step {
        // Refused when something is there already (a create_new of the organization file
        // that exists, as every open tries).
        Step::Created(path) if path.exists() => {}
        Step::Created(path) => {
            disk.name_changes(path);
            disk.files.insert(
                path.to_path_buf(),
                Pending {
                    fresh: true,
                    ..Pending::default()
                },
            );
        }
        Step::Written(_) => {}
        Step::Synced(path) => {
            let len = std::fs::metadata(path).map_or(0, |m| m.len());
            disk.file_synced(path, len);
        }
        Step::Renamed(from, to) => {
            disk.installed(from, to);
            disk.renamed(from, to);
        }
        Step::Linked(from, to) => {
            disk.installed(from, to);
            disk.name_changes(to);
        }
        Step::Removed(path) => disk.removed(path),
        Step::DirCreated(dir) => disk.name_changes(dir),
        Step::DirSynced(dir) => disk.dir_synced(dir),
    }
    Ok(())
}

fn power_on() -> bool {
    DISK.lock().unwrap().on
}

fn cuts() -> usize {
    std::env::var("LICENSEDESK_POWER_CUTS")
        .map_or(100, |n| n.parse().expect("LICENSEDESK_POWER_CUTS"))
}

/// Runs `f`; a panic once the power is off is what a failed step looks like to code that
/// expects reads to work (the test's own unwraps), and ends the round; before, it is a bug.
fn unless_cut<T>(f: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(_) if !power_on() => None,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn head(reader: &Connection) -> Option<String> {
    reader
        .query_row(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .ok()
}

/// Removes the backups' folder, for good (the test's set-up, not a step that a cut undoes).
fn without_backups(dir: &Path) {
    let mut disk = DISK.lock().unwrap();
    let _ = std::fs::remove_dir_all(dir);
    disk.dirs.retain(|d, _| !d.starts_with(dir));
    disk.files.retain(|f, _| !f.starts_with(dir));
    disk.versions.retain(|f, _| !f.starts_with(dir));
}

type Opened = (Org, licensedesk_core::Actor, Connection, Vec<i64>);

/// The organization opened and signed in to, with a reader of what it commits; None when the
/// power went off meanwhile.
fn open(path: &Path) -> Option<Opened> {
    set_phase(Phase::Opening);
    let opened = unless_cut(|| -> Option<_> {
        let mut org = Org::open(path, Arc::new(Rebooted)).ok()?;
        let actor = common::admin(&mut org);
        let reader = Connection::open(path).ok()?;
        let products = operations::products(&mut org, actor);
        Some((org, actor, reader, products))
    })
    .flatten();
    assert!(
        opened.is_some() || !power_on(),
        "opening failed with the power on"
    );
    opened
}

/// One round: the organization opened and changed (and now and then closed, which copies
/// its log into the file, and opened again) until the power goes off. Returns what the
/// worker printed (as crash.rs's worker does) and the manual backups acknowledged.
fn run_until_cut(path: &Path, exports: &Path, rng: &mut ChaCha8Rng) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut backups = Vec::new();
    let Some((mut org, mut actor, mut reader, mut products)) = open(path) else {
        return (out, backups);
    };
    for _ in 0..100_000 {
        if rng.random_ratio(1, 10) {
            set_phase(Phase::After);
            drop(reader);
            drop(org);
            let Some(opened) = open(path) else {
                return (out, backups);
            };
            (org, actor, reader, products) = opened;
        }
        let product_id = products[rng.random_range(0..products.len())];
        let kind = rng.random_range(0..KINDS);
        out.push_str(&format!("begin {kind}\n"));
        if kind == BACKUP && rng.random_ratio(1, 3) {
            // As the first backup ever: the folder is made by it, and its name must be
            // durable before the backup is acknowledged (SQLite syncs the organization's
            // folder only when it creates its log, at the first commit after opening).
            without_backups(&path.with_file_name("org-backups"));
        }
        if kind == BACKUP || kind == RESTORE {
            // Only the newest acknowledged manual backup is looked for: a later backup may
            // prune it.
            backups.clear();
        }
        REBOOTS.fetch_add(1, Ordering::SeqCst);
        set_phase(Phase::InOperation);
        let done = unless_cut(|| {
            if kind == BACKUP {
                org.back_up_now(actor).map(|b| Some(b.file_name))
            } else {
                operations::run(&mut org, actor, rng, product_id, kind, &reader, exports)
                    .map(|()| None)
            }
        });
        set_phase(Phase::After);
        match done {
            Some(Ok(backup)) => {
                if let Some(head) = head(&reader) {
                    out.push_str(&format!("ack {kind} {head}\n"));
                    backups.extend(backup);
                }
            }
            Some(Err(e)) => assert!(
                !power_on()
                    || !matches!(
                        e,
                        licensedesk_core::Error::Io { .. }
                            | licensedesk_core::Error::Database(_)
                            | licensedesk_core::Error::Internal(_)
                    ),
                "kind {kind} failed with the power on: {e}"
            ),
            None => {}
        }
        if !power_on() {
            // Whatever the organization does as it closes fails too.
            drop(reader);
            drop(org);
            return (out, backups);
        }
    }
    panic!("the power never went off");
}

/// Each file files.rs put at a final name since the last cut is one whole version it put
/// there (or the one before), never a mix.
fn check_whole_files(disk: &mut Disk, round: usize) {
    for (dest, versions) in disk.versions.iter_mut() {
        if let Ok(now) = std::fs::read(dest) {
            assert!(
                versions.contains(&now),
                "round {round}: {} is neither a whole old version nor the whole new one ({} bytes; versions of {:?} bytes)",
                dest.display(),
                now.len(),
                versions.iter().map(Vec::len).collect::<Vec<_>>()
            );
            disk.figures.file_versions_checked += 1;
        }
    }
    // Files put in place from now on are looked at after the next cut.
    disk.versions.clear();
}

/// The backups LicenseDesk lists after the cut: none is a leftover partial file, the newest
/// opens whole, and the newest acknowledged manual backup is there.
fn check_backups(path: &Path, round: usize, acked: &[String]) {
    let mut org = open_org(path);
    let actor = common::admin(&mut org);
    let listed = org.backups(actor).unwrap().backups;
    for b in &listed {
        assert!(
            !b.file_name.starts_with('.') && !b.file_name.ends_with(".partial"),
            "round {round}: a partial file is listed as backup {}",
            b.file_name
        );
    }
    for name in acked {
        assert!(
            listed.iter().any(|b| &b.file_name == name),
            "round {round}: the acknowledged manual backup {name} is gone; listed: {:?}",
            listed.iter().map(|b| &b.file_name).collect::<Vec<_>>()
        );
    }
    let dir = path.with_file_name("org-backups");
    drop(org);
    if let Some(newest) = listed.first() {
        let conn = Connection::open_with_flags(
            dir.join(&newest.file_name),
            OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            integrity, "ok",
            "round {round}: backup {}",
            newest.file_name
        );
    }
}

#[test]
fn power_cut_at_random_moments_keeps_acknowledged_work() {
    vfs::register();
    power_cut_trace::set_hook(hook);
    // A panic once the power is off is expected (see unless_cut): not worth a backtrace.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if DISK.try_lock().map_or(true, |d| d.on) {
            default_hook(info);
        }
    }));
    DISK.lock().unwrap().on = true;
    let seed = std::env::var("LICENSEDESK_POWER_SEED").map_or(2026, |s| s.parse().unwrap());
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut acks, mut kinds) = (Vec::new(), [0usize; KINDS]);
    let cuts = cuts();
    let started = std::time::Instant::now();
    let mut org_dir = None;
    for round in 0..cuts {
        if round % FRESH_EVERY == 0 {
            // A new organization now and then: one that grew through thousands of cuts
            // (seats bought, users imported, a long log) would make each round slower.
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir(dir.path().join("exports")).unwrap();
            drop(open_org(&dir.path().join("org.sqlite")));
            DISK.lock().unwrap().versions.clear();
            acks.clear();
            org_dir = Some(dir);
            if round > 0 {
                eprintln!("{}", figures("power loss so far:", round, started, &kinds));
            }
        }
        let dir = org_dir.as_ref().unwrap().path();
        let (path, exports) = (dir.join("org.sqlite"), dir.join("exports"));
        {
            let mut disk = DISK.lock().unwrap();
            // What the last round left is on disk for good (the test's own set-up).
            disk.files.clear();
            disk.dirs.clear();
            // From the first steps of opening to the middle of a restore (thousands of
            // steps): as many cuts in each tenfold range of steps.
            let at = disk.steps + (20_000f64.powf(rng.random::<f64>())) as u64;
            disk.cut_at = Some(at);
        }
        let (out, backups) = run_until_cut(&path, &exports, &mut rng);
        let mut disk = DISK.lock().unwrap();
        match disk.cut_phase {
            Phase::Opening => disk.figures.cuts_opening += 1,
            Phase::InOperation => disk.figures.cuts_in_operation += 1,
            Phase::After => disk.figures.cuts_after += 1,
        }
        disk.apply_cut(&mut rng);
        REBOOTS.fetch_add(1, Ordering::SeqCst);
        check_whole_files(&mut disk, round);
        disk.on = true;
        disk.cut_at = None;
        drop(disk);
        if std::env::var_os("LICENSEDESK_POWER_TRACE").is_some() {
            eprintln!("round {round}: {}", out.replace('\n', " | "));
        }
        reported(&out, &mut acks, &mut kinds);
        check_with(&path, round, &acks, open_org);
        check_backups(&path, round, &backups);
    }
    eprintln!("{}", figures("power loss:", cuts, started, &kinds));
    let (_, totals) = operations::summary(&kinds);
    for (name, n) in &totals {
        assert!(
            *n > 0 || cuts < 100,
            "no {name} was acknowledged between the cuts"
        );
    }
}

/// Cuts on one organization before the test starts a new one.
const FRESH_EVERY: usize = 250;

/// The figures of `cuts` cuts as one line (the one `make soak` shows).
fn figures(what: &str, cuts: usize, started: std::time::Instant, kinds: &[usize]) -> String {
    let (summary, _) = operations::summary(kinds);
    let f = DISK.lock().unwrap().figures;
    let acked: usize = kinds.iter().sum();
    format!(
        "{what} {cuts} cuts survived in {:.1} s; cut while opening {}, inside an operation {}, just after one {}; \
         unsynced writes lost {}, undone {}, torn {}, kept {}; new names lost {}; deleted files back {}; \
         acknowledged operations {acked} (restores {}, manual backups {}), none lost; whole-file checks {}; acknowledged: {summary}",
        started.elapsed().as_secs_f64(),
        f.cuts_opening,
        f.cuts_in_operation,
        f.cuts_after,
        f.lost,
        f.undone,
        f.torn,
        f.kept,
        f.names_lost,
        f.deleted_back,
        kinds[RESTORE],
        kinds[BACKUP],
        f.file_versions_checked,
    )
}
