//! Writing files the admin asked for: all or nothing, never a half-written file in place.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

pub(crate) fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<()> {
    let io = |e: std::io::Error| Error::Io {
        path: dest.display().to_string(),
        cause: e.to_string(),
    };
    let name = dest
        .file_name()
        .ok_or_else(|| Error::invalid("path", "Choose a file name."))?;
    let partial = dest.with_file_name(format!(".{}.partial", name.to_string_lossy()));
    let result = std::fs::File::create(&partial)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .and_then(|_| std::fs::rename(&partial, dest));
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result.map_err(io)
}
