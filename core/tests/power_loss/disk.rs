//! What a disk would keep through a power cut, modelled from the steps the VFS (vfs.rs) and
//! files.rs (its `power-cut-trace` hook) report. Every step goes to the real file system at
//! once, as to a page cache; the model remembers, per file, what was there at that file's last
//! sync (the old content of each 512-byte sector overwritten since, its length then) and the
//! writes since, in order; per folder, what each name changed since that folder's last sync
//! stood for then (absent, or the file's synced content). At the cut it puts back what a disk
//! may have kept: the synced state plus none, some, or torn prefixes of the later writes; the
//! names as they were at each folder's last sync.

use std::collections::{BTreeMap, HashMap};
use std::fs::OpenOptions;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub const SECTOR: u64 = 512;

pub enum Op {
    Write { offset: u64, data: Vec<u8> },
    Truncate { size: u64 },
}

/// A file's writes since its last sync.
#[derive(Default)]
pub struct Pending {
    /// Its length at the last sync.
    pub synced_len: u64,
    /// The content at the last sync of each sector changed since (by its first byte).
    pub saved: BTreeMap<u64, Vec<u8>>,
    pub ops: Vec<Op>,
    /// Created through files.rs and not synced yet: what it holds was never synced (its
    /// writes are not seen one by one; the whole content counts as one write).
    pub fresh: bool,
}

impl Pending {
    /// The sectors (first byte, length) within the synced length that a change of
    /// `offset..offset + len` touches and whose synced content is not saved yet.
    pub fn unsaved(&self, offset: u64, len: u64) -> Vec<(u64, u64)> {
        let end = (offset + len).min(self.synced_len);
        let mut at = offset / SECTOR * SECTOR;
        let mut out = Vec::new();
        while at < end {
            if !self.saved.contains_key(&at) {
                out.push((at, SECTOR.min(self.synced_len - at)));
            }
            at += SECTOR;
        }
        out
    }
}

/// What a folder's names stood for at its last sync, for each name changed since: `None`
/// when absent, else the synced content (a file) or `Dir` (a folder).
pub enum Was {
    Absent,
    File(Vec<u8>),
}

#[derive(Default, Clone, Copy, Debug)]
pub struct Figures {
    pub cuts_opening: u64,
    pub cuts_in_operation: u64,
    pub cuts_after: u64,
    /// Unsynced writes past the synced end, dropped.
    pub lost: u64,
    /// Unsynced writes over synced content, taken back.
    pub undone: u64,
    pub torn: u64,
    pub kept: u64,
    pub names_lost: u64,
    pub deleted_back: u64,
    pub acked: u64,
    pub acked_restores: u64,
    pub acked_backups: u64,
    pub file_versions_checked: u64,
}

/// Where the test's main thread is.
#[derive(Clone, Copy, PartialEq, Default)]
pub enum Phase {
    #[default]
    Opening,
    InOperation,
    /// Between operations (the checkpointer's thread still writes).
    After,
}

#[derive(Default)]
pub struct Disk {
    pub phase: Phase,
    /// The phase when the power went off.
    pub cut_phase: Phase,
    /// False once the power is cut: every later step fails.
    pub on: bool,
    pub steps: u64,
    /// The step at which the power goes off.
    pub cut_at: Option<u64>,
    pub files: HashMap<PathBuf, Pending>,
    pub dirs: HashMap<PathBuf, HashMap<PathBuf, Was>>,
    /// Every whole version files.rs put at a final name (renamed or linked into place).
    pub versions: HashMap<PathBuf, Vec<Vec<u8>>>,
    pub figures: Figures,
}

fn parent(path: &Path) -> PathBuf {
    path.parent().unwrap_or(Path::new(".")).to_path_buf()
}

impl Disk {
    /// One step that changes the disk; false when the power is (now) off.
    pub fn step(&mut self) -> bool {
        if !self.on {
            return false;
        }
        self.steps += 1;
        if self.cut_at == Some(self.steps) {
            self.on = false;
            self.cut_phase = self.phase;
        }
        self.on
    }

    /// What `path` holds as synced: its content with the writes since its sync taken back.
    pub fn synced_content(&self, path: &Path) -> Option<Vec<u8>> {
        let mut bytes = std::fs::read(path).ok()?;
        if let Some(p) = self.files.get(path) {
            if p.fresh {
                return Some(Vec::new());
            }
            for (&at, old) in &p.saved {
                let end = at as usize + old.len();
                if bytes.len() < end {
                    bytes.resize(end, 0);
                }
                bytes[at as usize..end].copy_from_slice(old);
            }
            bytes.resize(p.synced_len as usize, 0);
        }
        Some(bytes)
    }

    /// Remembers what `path`'s name stood for at its folder's last sync, before it changes.
    pub fn name_changes(&mut self, path: &Path) {
        let dir = parent(path);
        if self
            .dirs
            .get(&dir)
            .is_some_and(|names| names.contains_key(path))
        {
            return;
        }
        let was = match std::fs::symlink_metadata(path) {
            Err(_) => Was::Absent,
            // Folders are only ever created here, never removed or renamed.
            Ok(m) if m.is_dir() => return,
            Ok(_) => Was::File(self.synced_content(path).unwrap_or_default()),
        };
        self.dirs
            .entry(dir)
            .or_default()
            .insert(path.to_path_buf(), was);
    }

    pub fn dir_synced(&mut self, dir: &Path) {
        self.dirs.remove(dir);
    }

    pub fn file_synced(&mut self, path: &Path, len: u64) {
        self.files.insert(
            path.to_path_buf(),
            Pending {
                synced_len: len,
                ..Pending::default()
            },
        );
    }

    pub fn removed(&mut self, path: &Path) {
        self.name_changes(path);
        self.files.remove(path);
    }

    pub fn renamed(&mut self, from: &Path, to: &Path) {
        self.name_changes(from);
        self.name_changes(to);
        match self.files.remove(from) {
            Some(p) => {
                self.files.insert(to.to_path_buf(), p);
            }
            None => {
                self.files.remove(to);
            }
        }
    }

    /// A whole version put at `dest` (from `from`, synced or not).
    pub fn installed(&mut self, from: &Path, dest: &Path) {
        let versions = self.versions.entry(dest.to_path_buf()).or_default();
        if versions.is_empty() {
            if let Ok(old) = std::fs::read(dest) {
                versions.push(old);
            }
        }
        if let Ok(new) = std::fs::read(from) {
            versions.push(new);
        }
    }

    /// Puts on disk what a power cut at this moment may have left, and forgets every
    /// pending change (what is on disk now is what survived).
    pub fn apply_cut(&mut self, rng: &mut ChaCha8Rng) {
        let files = std::mem::take(&mut self.files);
        for (path, pending) in files {
            self.cut_file(&path, pending, rng);
        }
        let dirs = std::mem::take(&mut self.dirs);
        let mut new_dirs = Vec::new();
        for (_, names) in dirs {
            for (path, was) in names {
                match was {
                    Was::Absent => match std::fs::symlink_metadata(&path) {
                        Ok(m) if m.is_dir() => new_dirs.push(path),
                        Ok(_) => {
                            std::fs::remove_file(&path).unwrap();
                            self.figures.names_lost += 1;
                        }
                        Err(_) => {}
                    },
                    Was::File(bytes) => {
                        if std::fs::symlink_metadata(&path).is_err() {
                            self.figures.deleted_back += 1;
                        }
                        // In a folder that itself loses its name, nothing comes back.
                        let _ = std::fs::write(&path, bytes);
                    }
                }
            }
        }
        // Outermost first; a folder inside one already gone is gone with it.
        new_dirs.sort();
        for dir in new_dirs {
            if dir.exists() {
                self.figures.names_lost += 1;
                std::fs::remove_dir_all(&dir).unwrap();
            }
        }
    }

    fn cut_file(&mut self, path: &Path, mut pending: Pending, rng: &mut ChaCha8Rng) {
        let Ok(file) = OpenOptions::new().read(true).write(true).open(path) else {
            return; // Removed: its name's record says what comes back.
        };
        if pending.fresh {
            let data = std::fs::read(path).unwrap();
            pending = Pending {
                ops: vec![Op::Write { offset: 0, data }],
                ..Pending::default()
            };
        }
        if pending.ops.is_empty() {
            return;
        }
        // Back to the synced state.
        for (&at, old) in &pending.saved {
            file.write_all_at(old, at).unwrap();
        }
        file.set_len(pending.synced_len).unwrap();
        // Then none of the later writes (a third of the cuts), or each write kept, lost or
        // torn at a sector boundary.
        let drop_all = rng.random_ratio(1, 3);
        for op in pending.ops {
            match op {
                Op::Write { offset, data } => {
                    let len = data.len() as u64;
                    // Sector boundaries strictly inside the write.
                    let first = (offset / SECTOR + 1) * SECTOR;
                    let tearable = first < offset + len;
                    let choice = if drop_all { 0 } else { rng.random_range(0..3) };
                    match choice {
                        1 => {
                            file.write_all_at(&data, offset).unwrap();
                            self.figures.kept += 1;
                        }
                        2 if tearable => {
                            let boundaries = (offset + len - 1 - first) / SECTOR + 1;
                            let at = first + SECTOR * rng.random_range(0..boundaries);
                            file.write_all_at(&data[..(at - offset) as usize], offset)
                                .unwrap();
                            self.figures.torn += 1;
                        }
                        _ if offset >= pending.synced_len => self.figures.lost += 1,
                        _ => self.figures.undone += 1,
                    }
                }
                Op::Truncate { size } => {
                    if !drop_all && rng.random_bool(0.5) {
                        file.set_len(size).unwrap();
                        self.figures.kept += 1;
                    } else {
                        self.figures.undone += 1;
                    }
                }
            }
        }
        let _ = file.sync_all();
    }
}
