//! The user data bundle: a ZIP with every row (CSV) and audio file that a license removal
//! deletes, and a manifest with counts and SHA-256 checksums. Written to a temporary file and
//! renamed into place only when complete, so a half-written bundle never looks finished.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zip::write::SimpleFileOptions;

use crate::base::error::{Error, Result};
use crate::base::progress::{step, Progress};
use crate::domain::users::directory::UserDetail;
use crate::domain::users::user_data::DELETED_TABLES;
use crate::storage::engine::Sql;

pub use crate::kernel::audit_chain::MANIFEST;

/// Where a bundle was written and what it holds.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BundleReceipt {
    pub path: String,
    #[ts(type = "number")]
    pub files: i64,
    #[ts(type = "number")]
    pub bytes: i64,
    pub sha256: String,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    // One formatting call for the digest: a `format!` per byte was a visible share of a
    // bulk removal (1,000 archives, each file of each listed with its checksum).
    format!("{:x}", Sha256::digest(bytes))
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Io {
        path: path.display().to_string(),
        cause: e.to_string(),
    }
}

struct Entry {
    path: String,
    bytes: Vec<u8>,
}

fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let mut w = crate::base::csv_cell::CsvWriter::new();
    w.row(header)?;
    for row in rows {
        w.row(&row)?;
    }
    w.finish()
}

fn entries(db: Sql<'_>, user: &UserDetail) -> Result<(Vec<Entry>, serde_json::Value)> {
    let mut out = Vec::new();
    let mut counts = serde_json::Map::new();
    for t in &DELETED_TABLES {
        let rows = t.rows(db, user.id)?;
        counts.insert(t.table.to_owned(), json!(rows.len()));
        let mut header = t.columns.to_vec();
        if t.audio.is_some() {
            header.push("audio_file");
        }
        let mut audio_files = Vec::new();
        let csv_rows = rows.into_iter().map(|row| {
            let mut cells = row.cells;
            if let Some(audio) = row.audio {
                let path = format!("audio/{}-{}.wav", t.table, row.key);
                cells.push(path.clone());
                audio_files.push(Entry { path, bytes: audio });
            }
            cells
        });
        let csv = csv_bytes(&header, csv_rows)?;
        out.push(Entry {
            path: format!("{}.csv", t.table),
            bytes: csv,
        });
        out.extend(audio_files);
    }
    Ok((out, serde_json::Value::Object(counts)))
}

/// A user's files and manifest, under `folder` ("" for a bundle of one user).
fn user_entries(
    db: Sql<'_>,
    user: &UserDetail,
    generated_at: &str,
    purpose: &str,
    folder: &str,
) -> Result<Vec<Entry>> {
    let (mut files, counts) = entries(db, user)?;
    let listing: Vec<_> = files
        .iter()
        .map(|f| json!({ "path": f.path, "bytes": f.bytes.len(), "sha256": sha256_hex(&f.bytes) }))
        .collect();
    let manifest = json!({
        "format": "licensedesk-user-data",
        "format_version": 1,
        "purpose": purpose,
        "generated_at": generated_at,
        "schema_version": crate::storage::db::schema_version(),
        "user": {
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "license": user.license.as_ref().map(|l| l.product_name.clone()),
            "extension": user.extension,
            "phone_number": user.phone_number,
        },
        "counts": counts,
        "files": listing,
        // The audit log's end when this was written: "Verify integrity" can check that the
        // log still extends it.
        "audit_head": crate::kernel::audit_chain::head(db)?,
    });
    let manifest = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| Error::Internal(format!("manifest: {e}")))?;
    files.push(Entry {
        path: MANIFEST.to_owned(),
        bytes: manifest,
    });
    for f in &mut files {
        f.path = format!("{folder}{}", f.path);
    }
    Ok(files)
}

/// Writes the bundle of `user`'s data to `dest`, atomically; `progress` counts the files.
pub(crate) fn write<'a>(
    db: impl Into<Sql<'a>>,
    user: &UserDetail,
    generated_at: &str,
    purpose: &str,
    dest: &Path,
    progress: &mut dyn Progress,
) -> Result<BundleReceipt> {
    let files = user_entries(db.into(), user, generated_at, purpose, "")?;
    write_zip(generated_at, dest, |zip| {
        for (done, f) in files.iter().enumerate() {
            step(progress, done, files.len())?;
            zip.add(f)?;
        }
        step(progress, files.len(), files.len())
    })
}

/// One ZIP for several users: a folder each, `<first>-<last>-<id>/`, with its own manifest.
/// Read and written one user at a time; `progress` counts the users.
pub(crate) fn write_many<'a>(
    db: impl Into<Sql<'a>>,
    users: &[UserDetail],
    generated_at: &str,
    purpose: &str,
    dest: &Path,
    progress: &mut dyn Progress,
) -> Result<BundleReceipt> {
    let db = db.into();
    write_zip(generated_at, dest, |zip| {
        for (done, user) in users.iter().enumerate() {
            step(progress, done, users.len())?;
            let folder = format!("{}-{}/", slug_of(user), user.id);
            for f in user_entries(db, user, generated_at, purpose, &folder)? {
                zip.add(&f)?;
            }
        }
        step(progress, users.len(), users.len())
    })
}

/// The SHA-256 of every file [`write_many`] puts in its ZIP for `users` (each path and its
/// bytes, in order), written nowhere: a change that removes the data of an export written
/// before it checks that its snapshot still holds exactly what the export does.
pub(crate) fn digest_many(
    db: Sql<'_>,
    users: &[UserDetail],
    generated_at: &str,
    purpose: &str,
) -> Result<String> {
    let mut hash = Sha256::new();
    for user in users {
        let folder = format!("{}-{}/", slug_of(user), user.id);
        for f in user_entries(db, user, generated_at, purpose, &folder)? {
            for part in [f.path.as_bytes(), &f.bytes] {
                hash.update((part.len() as u64).to_le_bytes());
                hash.update(part);
            }
        }
    }
    Ok(format!("{:x}", hash.finalize()))
}

/// The ZIP being written, and how many files it holds.
struct ZipSink<'a> {
    zip: zip::ZipWriter<File>,
    opts: SimpleFileOptions,
    partial: &'a Path,
    files: i64,
}

impl ZipSink<'_> {
    fn add(&mut self, f: &Entry) -> Result<()> {
        self.zip
            .start_file(f.path.as_str(), self.opts)
            .map_err(|e| io_error(self.partial, e))?;
        self.zip
            .write_all(&f.bytes)
            .map_err(|e| io_error(self.partial, e))?;
        self.files += 1;
        Ok(())
    }
}

/// Writes a ZIP at `dest` with what `fill` adds: to a hidden partial file first, renamed
/// when whole. When `fill` fails or is cancelled, the partial file is removed and nothing
/// is at `dest`.
fn write_zip(
    generated_at: &str,
    dest: &Path,
    fill: impl FnOnce(&mut ZipSink<'_>) -> Result<()>,
) -> Result<BundleReceipt> {
    let (file, partial) = crate::storage::files::temp_beside(dest)?;
    let result = (|| {
        let mut sink = ZipSink {
            zip: zip::ZipWriter::new(file),
            opts: SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(zip_time(generated_at)),
            partial: &partial,
            files: 0,
        };
        fill(&mut sink)?;
        let file = sink.zip.finish().map_err(|e| io_error(&partial, e))?;
        crate::storage::files::sync(&file, &partial)?;
        crate::storage::files::finish(&partial, dest)?;
        Ok(sink.files)
    })();
    let files = match result {
        Ok(files) => files,
        Err(e) => {
            let _ = crate::storage::files::remove_file(&partial);
            return Err(e);
        }
    };
    let written = std::fs::read(dest).map_err(|e| io_error(dest, e))?;
    Ok(BundleReceipt {
        path: dest.display().to_string(),
        files,
        bytes: written.len() as i64,
        sha256: sha256_hex(&written),
    })
}

/// The bundle of `user`'s data as a safety archive: its bytes (which the caller stores in
/// the database, durably with the removal) and, when `written` is given (an organization
/// file), a copy of them created exclusively at the path `place` gives once it has recorded
/// them. On a server the database holds the only copy, and `place` gives its name.
pub(crate) fn archive(
    db: Sql<'_>,
    user: &UserDetail,
    generated_at: &str,
    written: Option<&mut crate::storage::files::CopyFiles>,
    place: impl FnOnce(&[u8], &str) -> Result<PathBuf>,
) -> Result<(BundleReceipt, Vec<u8>)> {
    let files = user_entries(db, user, generated_at, "safety archive", "")?;
    let bytes = zip_bytes(&files, generated_at)?;
    let sha256 = sha256_hex(&bytes.0);
    let dest = place(&bytes.0, &sha256)?;
    if let Some(written) = written {
        written.add(&dest, &bytes.0)?;
    }
    let receipt = BundleReceipt {
        path: dest.display().to_string(),
        files: bytes.1 as i64,
        bytes: bytes.0.len() as i64,
        sha256,
    };
    Ok((receipt, bytes.0))
}

/// `files` as a ZIP, built in memory (a user's data is small), and how many files it holds.
fn zip_bytes(files: &[Entry], generated_at: &str) -> Result<(Vec<u8>, usize)> {
    let zip_error = |e: zip::result::ZipError| Error::Internal(format!("ZIP: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip_time(generated_at));
    for f in files {
        zip.start_file(f.path.as_str(), opts).map_err(zip_error)?;
        zip.write_all(&f.bytes)
            .map_err(|e| Error::Internal(format!("ZIP: {e}")))?;
    }
    Ok((zip.finish().map_err(zip_error)?.into_inner(), files.len()))
}

/// The entries' modification time: when the bundle was generated (UTC).
fn zip_time(rfc3339: &str) -> zip::DateTime {
    use chrono::{Datelike, Timelike};
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .and_then(|t| {
            zip::DateTime::from_date_and_time(
                t.year() as u16,
                t.month() as u8,
                t.day() as u8,
                t.hour() as u8,
                t.minute() as u8,
                t.second() as u8,
            )
            .ok()
        })
        .unwrap_or_default()
}

/// `<first>-<last>-export-<yyyy-mm-dd>.zip`: letters kept (any script), lower-cased; the rest become hyphens.
pub fn default_file_name(user: &UserDetail, today: &str) -> String {
    format!(
        "{}-export-{}.zip",
        slug_of(user),
        &today[..10.min(today.len())]
    )
}

/// `<first>-<last>`: letters kept (any script), lower-cased; the rest become hyphens.
pub(crate) fn slug_of(user: &UserDetail) -> String {
    let slug = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_alphanumeric() {
                    c.to_lowercase().next().unwrap_or(c)
                } else {
                    '-'
                }
            })
            .collect::<String>()
            .trim_matches('-')
            .to_owned()
    };
    format!("{}-{}", slug(&user.first_name), slug(&user.last_name))
}
