//! Writing files: readable by the user only, all or nothing, never through a name another
//! program prepared (a file or symlink already at the temporary name is not followed).
//!
//! Every step that changes what a power cut could leave on disk (a name created, renamed,
//! linked or removed, data written or synced, a folder synced) is told to [`trace`] first when
//! the `power-cut-trace` feature is on: the power-loss test (core/tests/power_loss) models
//! what survives a cut from those steps. Without the feature the calls compile to nothing.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::password_hash::rand_core::{OsRng, RngCore};

use crate::base::error::{Error, Result};
use crate::base::field::Field;

/// Files LicenseDesk creates: the organization file, backups, archives, exports.
#[cfg(unix)]
pub(crate) const FILE_MODE: u32 = 0o600;
/// Folders LicenseDesk creates.
#[cfg(unix)]
pub(crate) const DIR_MODE: u32 = 0o700;

pub(crate) fn io_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Io {
        path: path.display().to_string(),
        cause: e.to_string(),
    }
}

#[cfg(feature = "power-cut-trace")]
pub mod trace {
    //! Test-only: the steps of this module as the power-loss test sees them. The hook runs
    //! before each step; an error from it (the power is off) fails the step instead.
    use std::path::Path;
    use std::sync::OnceLock;

    pub enum Step<'a> {
        /// A new file at this name (created empty).
        Created(&'a Path),
        /// Data written to this file.
        Written(&'a Path),
        /// This file's data synced to disk.
        Synced(&'a Path),
        /// The first name given to the second (replacing what was there).
        Renamed(&'a Path, &'a Path),
        /// The second name made a link to the first's file.
        Linked(&'a Path, &'a Path),
        /// This name removed.
        Removed(&'a Path),
        /// A new folder at this name.
        DirCreated(&'a Path),
        /// This folder's names synced to disk.
        DirSynced(&'a Path),
    }

    pub type Hook = fn(&Step<'_>) -> std::io::Result<()>;
    static HOOK: OnceLock<Hook> = OnceLock::new();

    /// Sets the hook, once per process.
    pub fn set_hook(hook: Hook) {
        let _ = HOOK.set(hook);
    }

    pub(crate) fn step(step: Step<'_>) -> std::io::Result<()> {
        HOOK.get().map_or(Ok(()), |hook| hook(&step))
    }
}

/// Tells the power-loss test's hook about a step (nothing without the feature).
macro_rules! trace {
    ($step:ident $(, $arg:expr)*) => {{
        #[cfg(feature = "power-cut-trace")]
        let traced = trace::step(trace::Step::$step($($arg),*));
        #[cfg(not(feature = "power-cut-trace"))]
        let traced = std::io::Result::Ok(());
        traced
    }};
}

/// Syncs `file` (at `path`) to disk.
pub(crate) fn sync(file: &File, path: &Path) -> Result<()> {
    trace!(Synced, path)
        .and_then(|()| file.sync_all())
        .map_err(|e| io_error(path, e))
}

/// Removes the file at `path`.
pub(crate) fn remove_file(path: &Path) -> std::io::Result<()> {
    trace!(Removed, path)?;
    std::fs::remove_file(path)
}

/// Creates `path` for writing, failing if anything (a file, a symlink) is there already.
pub(crate) fn create_new(path: &Path) -> std::io::Result<File> {
    trace!(Created, path)?;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options.open(path)
}

/// Creates `dir` and its missing parents, each readable by the user only. Each folder it
/// creates is made durable (its parent synced): otherwise a power cut can take the folder's
/// name, and every file in it, after the files themselves were synced.
pub(crate) fn create_dir_private(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(d) = at.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        missing.push(d);
        at = d.parent();
    }
    for d in missing.into_iter().rev() {
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
        let created = trace!(DirCreated, d).and_then(|()| builder.create(d));
        match created {
            Ok(()) => {}
            // Another window made it meanwhile.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && d.is_dir() => continue,
            Err(e) => return Err(io_error(d, e)),
        }
        let parent = d
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        sync_dir(parent);
    }
    if !dir.is_dir() {
        // A file (or a dangling link) at the folder's name or above it.
        return Err(io_error(dir, "a file is there where a folder should be"));
    }
    Ok(())
}

/// A new, empty, hidden file beside `dest` under an unpredictable name, created exclusively:
/// the file a write goes to until it is whole.
pub(crate) fn temp_beside(dest: &Path) -> Result<(File, PathBuf)> {
    let dir = dest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .ok_or_else(|| Error::invalid(Field::Path, "Choose a file name."))?;
    let mut last = None;
    for _ in 0..8 {
        let partial = dir.join(format!(
            ".{}.{:016x}.partial",
            name.to_string_lossy(),
            OsRng.next_u64()
        ));
        match create_new(&partial) {
            Ok(file) => return Ok((file, partial)),
            Err(e) => last = Some((partial, e)),
        }
    }
    let (partial, e) = last.expect("eight attempts");
    Err(io_error(&partial, e))
}

/// Puts the whole `partial` at `dest` and makes the rename itself durable.
pub(crate) fn finish(partial: &Path, dest: &Path) -> Result<()> {
    trace!(Renamed, partial, dest)
        .and_then(|()| std::fs::rename(partial, dest))
        .map_err(|e| io_error(dest, e))?;
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync_dir(dir);
    }
    Ok(())
}

pub(crate) fn sync_dir(dir: &Path) {
    if trace!(DirSynced, dir).is_err() {
        return;
    }
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Puts the whole `partial` at `dest` only if nothing is there yet (a hard link cannot
/// replace a file), then removes the temporary name.
pub(crate) fn finish_new(partial: &Path, dest: &Path) -> Result<()> {
    trace!(Linked, partial, dest)
        .and_then(|()| std::fs::hard_link(partial, dest))
        .map_err(|e| io_error(dest, e))?;
    let _ = remove_file(partial);
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync_dir(dir);
    }
    Ok(())
}

/// New files that copy what the database keeps in the same transaction (a removal's safety
/// archives, whose ZIP is stored with it): written straight to their names and not synced.
/// The copy in the database is the durable one; a power cut may leave a file missing or torn,
/// and `tend_archives` writes it again from the stored copy after the next sign-in (a restore
/// reads the stored copy when the file does not match its checksum). Syncing them cost a
/// bulk removal of 1,000 users a quarter of its time. A name already taken is an error and
/// the file there stays.
#[derive(Default)]
pub(crate) struct CopyFiles {
    /// Created by this batch: what [`CopyFiles::discard`] removes.
    written: Vec<PathBuf>,
}

impl CopyFiles {
    /// Creates `dest` (nothing may be there yet) with `bytes` in it.
    pub(crate) fn add(&mut self, dest: &Path, bytes: &[u8]) -> Result<()> {
        let mut file = create_new(dest).map_err(|e| io_error(dest, e))?;
        // Listed before the write, so that a failed write's partial file is discarded too.
        self.written.push(dest.to_path_buf());
        trace!(Written, dest)
            .and_then(|()| file.write_all(bytes))
            .map_err(|e| io_error(dest, e))
    }

    /// Removes the files of this batch: the change they belong to did not go through.
    pub(crate) fn discard(&mut self) {
        for dest in self.written.drain(..) {
            let _ = remove_file(&dest);
        }
    }
}

/// Writes `bytes` to `dest` through a temporary file beside it, synced to disk; an older
/// file at `dest` stays as it was until the new one is whole.
pub(crate) fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<()> {
    write_through_temp(dest, bytes, Finish::Replace { durable: true })
}

/// How a whole temporary file takes its place.
#[derive(Clone, Copy)]
pub(crate) enum Finish {
    /// Replaces what is at the destination (synced to disk first when `durable`).
    Replace { durable: bool },
    /// Only where nothing is yet: a file already there is an error and stays as it was.
    New,
}

pub(crate) fn write_through_temp(dest: &Path, bytes: &[u8], how: Finish) -> Result<()> {
    let (mut file, partial) = temp_beside(dest)?;
    let result = trace!(Written, &partial)
        .and_then(|()| file.write_all(bytes))
        .map_err(|e| io_error(&partial, e))
        .and_then(|()| match how {
            Finish::Replace { durable: false } => Ok(()),
            _ => sync(&file, &partial),
        })
        .and_then(|()| match how {
            Finish::Replace { .. } => finish(&partial, dest),
            Finish::New => finish_new(&partial, dest),
        });
    if result.is_err() {
        let _ = remove_file(&partial);
    }
    result
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn written_files_and_created_folders_are_the_users_only() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("a/b");
        create_dir_private(&folder).unwrap();
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&folder), 0o700);
        let dest = folder.join("out.csv");
        write_atomically(&dest, b"x").unwrap();
        assert_eq!(mode(&dest), 0o600);
        assert_eq!(std::fs::read(&dest).unwrap(), b"x");
        // Nothing but the file is left in the folder.
        assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);
    }

    #[test]
    fn a_file_where_a_folder_should_be_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("taken");
        std::fs::write(&file, b"x").unwrap();
        assert!(create_dir_private(&file).is_err());
        assert!(create_dir_private(&file.join("below")).is_err());
        assert_eq!(std::fs::read(&file).unwrap(), b"x");
        // An existing folder is fine, as many times as asked.
        create_dir_private(dir.path()).unwrap();
        create_dir_private(&dir.path().join("new")).unwrap();
        create_dir_private(&dir.path().join("new")).unwrap();
    }

    #[test]
    fn a_file_or_symlink_at_a_temporary_name_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert_eq!(
            create_new(&link).unwrap_err().kind(),
            std::io::ErrorKind::AlreadyExists
        );
        // The old fixed name a symlink could have been planted at is no longer used.
        let dest = dir.path().join("out.csv");
        std::os::unix::fs::symlink(&victim, dir.path().join(".out.csv.partial")).unwrap();
        write_atomically(&dest, b"new").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(std::fs::read(&dest).unwrap(), b"new");
        assert!(write_through_temp(&dest, b"other", Finish::New).is_err());
        assert_eq!(std::fs::read(&dest).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
        let (_, a) = temp_beside(&dest).unwrap();
        let (_, b) = temp_beside(&dest).unwrap();
        assert_ne!(a, b, "temporary names are unpredictable");
        assert_eq!(mode(&a), 0o600);
    }

    #[test]
    fn the_organization_its_log_backups_and_archives_are_the_users_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.sqlite");
        let mut org = crate::Org::open_with_system_clock(&path).unwrap();
        let admin = crate::tests::testing::sign_in(&mut org, "dana.reyes");
        let backup = org.back_up_now(admin).unwrap();
        let user = crate::tests::testing::user_with_all_data(&org);
        let receipt = org
            .remove_license(
                admin,
                &crate::domain::licenses::removal::RemoveLicense {
                    user_id: user.id,
                    expected_version: user.version,
                },
            )
            .unwrap();
        let archive = PathBuf::from(&receipt.safety_archive.path);
        for file in [
            path.clone(),
            dir.path().join("org.sqlite-wal"),
            dir.path().join("org.sqlite-shm"),
            crate::storage::backup::dir_for(&path).join(&backup.file_name),
            archive.clone(),
        ] {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
        assert_eq!(mode(&crate::storage::backup::dir_for(&path)), 0o700);
        assert_eq!(mode(archive.parent().unwrap()), 0o700);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn copy_files_are_created_at_their_names_and_a_taken_name_leaves_the_file_there_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut batch = CopyFiles::default();
        for name in ["a.zip", "b.zip", "c.zip"] {
            batch.add(&dir.path().join(name), name.as_bytes()).unwrap();
        }
        assert_eq!(names(dir.path()), ["a.zip", "b.zip", "c.zip"]);
        assert_eq!(std::fs::read(dir.path().join("b.zip")).unwrap(), b"b.zip");
        assert_eq!(mode(&dir.path().join("c.zip")), 0o600);

        // Another program's file at the second name: an error, and only our files go.
        std::fs::write(dir.path().join("e.zip"), b"theirs").unwrap();
        let mut batch = CopyFiles::default();
        batch.add(&dir.path().join("d.zip"), b"ours").unwrap();
        assert!(batch.add(&dir.path().join("e.zip"), b"ours").is_err());
        batch.discard();
        assert_eq!(names(dir.path()), ["a.zip", "b.zip", "c.zip", "e.zip"]);
        assert_eq!(std::fs::read(dir.path().join("e.zip")).unwrap(), b"theirs");
    }
}
