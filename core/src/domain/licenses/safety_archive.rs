//! Where safety archives live on disk. The organization file stores each archive's file
//! name only; the file is always in the organization's own archive folder. A stored value
//! that would lead anywhere else (a separator, `..`, an absolute path outside that folder,
//! a symbolic link, a folder that is a symbolic link) is refused and reported, never followed:
//! an organization file can come from anyone and must not decide where LicenseDesk writes or
//! deletes.

use std::path::{Path, PathBuf};

use crate::base::error::{Error, Result};
use crate::domain::users::directory::UserDetail;
use crate::kernel::org::Org;
use crate::storage::files::{create_dir_private, write_through_temp, Finish};
use crate::storage::tables::safety_archives;

/// The archive file of a removal: unique by the archive's id (two users of the same name
/// removed in the same second get two files), and readable as user and moment.
pub(crate) fn file_name(user: &UserDetail, archive_id: i64, now: &str) -> String {
    let stamp: String = now.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    format!(
        "{}-user{}-archive{}-removed-{stamp}.zip",
        crate::domain::users::bundle::slug_of(user),
        user.id,
        archive_id
    )
}

/// Refuses an archive folder that is a symbolic link or not a folder (a missing one is fine:
/// it is created when needed).
pub(crate) fn check_folder(dir: &Path) -> std::result::Result<(), String> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => Err(format!(
            "the safety archive folder {} is a symbolic link; LicenseDesk does not follow it",
            dir.display()
        )),
        Ok(meta) if !meta.is_dir() => Err(format!(
            "{} is not a folder; safety archives cannot be kept there",
            dir.display()
        )),
        _ => Ok(()),
    }
}

/// The file a stored archive value names, inside `dir`, or why it is refused.
pub(crate) fn resolve(dir: &Path, stored: &str) -> std::result::Result<PathBuf, String> {
    let refuse = |why: &str| {
        Err(format!(
            "the safety archive recorded as {stored:?} is ignored: {why}"
        ))
    };
    // Files written before archives were stored by name hold the full path: its name is
    // kept when it is in this organization's own archive folder.
    let as_path = Path::new(stored);
    let name = if as_path.is_absolute() {
        if as_path.parent() != Some(dir) {
            return refuse("it is outside this organization's archive folder");
        }
        match as_path.file_name().and_then(|n| n.to_str()) {
            Some(name) => name,
            None => return refuse("it has no file name"),
        }
    } else {
        stored
    };
    if name.is_empty() || name == "." || name == ".." {
        return refuse("it is not a file name");
    }
    if name.contains(['/', '\\', '\0']) {
        return refuse("a file name cannot contain a path separator");
    }
    if !name.ends_with(".zip") || name.starts_with('.') {
        return refuse("a safety archive is a visible .zip file");
    }
    check_folder(dir)?;
    let path = dir.join(name);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return refuse("it is a symbolic link or not a file");
    }
    Ok(path)
}

impl Org {
    /// Problems found with the safety archives recorded in this file (refused paths), for
    /// the admin to see; nothing was done with them.
    pub fn archive_problems(&self) -> &[String] {
        &self.archive_problems
    }

    /// Deletes safety archives past their 30 days (file and stored copy); their listing
    /// stays, marked absent. An archive within its 30 days whose file is missing or not the
    /// size of its stored copy (lost or torn in a power cut, deleted or changed by hand) is
    /// written again from the stored copy. Only after a sign-in: opening a file touches
    /// nothing outside it.
    pub(crate) fn tend_archives(&mut self) -> Result<()> {
        let now = self.now();
        if !self.engine.is_file() {
            // On a server the stored copy is the archive: past its 30 days it is deleted (a
            // write only when there is one: every change wakes the other windows).
            if self
                .engine
                .read(|db| safety_archives::expired_copies(db, &now))?
                > 0
            {
                self.engine
                    .write(|db| safety_archives::drop_expired_copies(db, &now))?;
            }
            return Ok(());
        }
        let archives = safety_archives::to_tend(self.engine.file()?, &now)?;
        let mut problems = Vec::new();
        let mut expired_copies = false;
        for archive in archives {
            let path = match resolve(&self.archive_dir, &archive.path) {
                Ok(path) => path,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            };
            if archive.expired {
                if path.is_file() {
                    let _ = std::fs::remove_file(&path);
                }
                expired_copies |= archive.copy_bytes.is_some();
            } else if let Some(copy_bytes) = archive.copy_bytes {
                // Archive files are not synced (the stored copy is the durable one): after a
                // power cut one may be missing or torn. Only such a file's stored copy is
                // read, so the start stays quick.
                let finish = match std::fs::symlink_metadata(&path) {
                    Err(_) => Some(Finish::New),
                    Ok(meta) if meta.is_file() && meta.len() != copy_bytes => {
                        Some(Finish::Replace { durable: true })
                    }
                    Ok(_) => None,
                };
                if let Some(finish) = finish {
                    let zip = safety_archives::stored_copy(self.engine.file()?, archive.id)?;
                    // Best effort: the stored copy stays either way.
                    let _ = create_dir_private(&self.archive_dir)
                        .and_then(|()| write_through_temp(&path, &zip, finish));
                }
            }
        }
        if expired_copies {
            safety_archives::drop_expired_copies(self.engine.file()?.into(), &now)?;
        }
        for problem in &problems {
            eprintln!("licensedesk: {problem}");
        }
        self.archive_problems = problems;
        Ok(())
    }
}

/// Creates the archive folder if needed, refusing one that is a symbolic link.
pub(crate) fn prepare_folder(dir: &Path) -> Result<()> {
    check_folder(dir).map_err(|cause| Error::Io {
        path: dir.display().to_string(),
        cause,
    })?;
    create_dir_private(dir)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_inside_the_folder_are_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("org-safety-archives");
        std::fs::create_dir(&dir).unwrap();
        let inside = dir.join("a-user1-archive1-removed-x.zip");
        assert_eq!(
            resolve(&dir, "a-user1-archive1-removed-x.zip"),
            Ok(inside.clone())
        );
        assert_eq!(resolve(&dir, inside.to_str().unwrap()), Ok(inside));
        for hostile in [
            "/etc/passwd",
            "/tmp/x.zip",
            "../x.zip",
            "..",
            ".",
            "",
            "sub/x.zip",
            "sub\\x.zip",
            "x.desktop",
            ".hidden.zip",
            "x.zip\0",
        ] {
            assert!(resolve(&dir, hostile).is_err(), "{hostile:?} was followed");
        }
        let outside = tmp.path().join("outside.zip");
        std::fs::write(&outside, b"x").unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("link.zip")).unwrap();
        assert!(resolve(&dir, "link.zip").is_err());
        let linked = tmp.path().join("linked-archives");
        std::os::unix::fs::symlink(tmp.path(), &linked).unwrap();
        assert!(resolve(&linked, "outside.zip").is_err());
        assert!(prepare_folder(&linked).is_err());
    }
}
