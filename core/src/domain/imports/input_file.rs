//! Reading a file the admin picked (a CSV to import, a WAV greeting): its size is checked from
//! its metadata before a byte is read, and reading stops at the limit, so that a huge or
//! endless file (a device, a pipe, one that grows while read) never fills the memory.

use crate::base::field::Field;
use std::io::Read;
use std::path::Path;

use crate::base::error::{Error, Result};

/// The largest CSV the import reads.
pub const MAX_CSV_BYTES: u64 = 50 * 1024 * 1024;
/// The most data rows an import checks; the rest of a longer file is not read.
pub const MAX_CSV_ROWS: u32 = 200_000;

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// The file's bytes, or an error for `field` naming the file and the limit.
fn read_at_most(path: &Path, field: Field, limit: u64) -> Result<Vec<u8>> {
    let unreadable = |e: std::io::Error| {
        Error::invalid(field, format!("{} could not be read: {e}.", path.display()))
    };
    let too_big = |size: u64| {
        Error::invalid(
            field,
            format!(
                "{} is {}; at most {} are allowed.",
                path.display(),
                megabytes(size),
                megabytes(limit)
            ),
        )
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(Error::invalid(
            field,
            format!("{} is not a file.", path.display()),
        ));
    }
    if meta.len() > limit {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    // It grew between the check and the read.
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A CSV chosen for the users import (the "File" field).
pub fn read_csv(path: &Path) -> Result<Vec<u8>> {
    read_at_most(path, Field::File, MAX_CSV_BYTES)
}

/// A WAV chosen as a voicemail greeting (the "Greeting" field).
pub fn read_wav(path: &Path) -> Result<Vec<u8>> {
    read_at_most(
        path,
        Field::Greeting,
        crate::domain::setup::voicemail::MAX_GREETING_BYTES as u64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `len` bytes that takes no disk space: reading it would cost, checking not.
    fn sparse(dir: &Path, name: &str, len: u64) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::File::create(&path).unwrap().set_len(len).unwrap();
        path
    }

    #[test]
    fn files_over_the_limit_are_refused_by_their_size_with_the_field_named() {
        let dir = tempfile::tempdir().unwrap();
        let csv = sparse(dir.path(), "huge.csv", 60 * 1024 * 1024);
        let e = read_csv(&csv).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("file"));
        assert!(
            e.to_string()
                .contains("huge.csv is 60.0 MB; at most 50.0 MB"),
            "{e}"
        );
        let wav = sparse(dir.path(), "greeting.wav", 16 * 1024 * 1024 + 1);
        let e = read_wav(&wav).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("greeting"));
        assert!(e.to_string().contains("at most 16.0 MB"), "{e}");
        // At the limit they are read.
        let csv = sparse(dir.path(), "edge.csv", MAX_CSV_BYTES);
        assert_eq!(read_csv(&csv).unwrap().len() as u64, MAX_CSV_BYTES);
    }

    #[test]
    fn what_is_not_a_file_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_csv(dir.path()).unwrap_err();
        assert!(e.to_string().contains("is not a file"), "{e}");
        let e = read_wav(&dir.path().join("missing.wav")).unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("greeting"));
        assert!(e.to_string().contains("could not be read"), "{e}");
    }
}
