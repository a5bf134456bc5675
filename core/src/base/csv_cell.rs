//! Every CSV LicenseDesk writes goes through here, so that no cell is a live formula when the
//! file is opened in a spreadsheet (OWASP "CSV Injection").
//!
//! A cell whose text, after any leading apostrophes, begins with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is written with one more leading `'`: spreadsheets show it as text. Counting
//! the apostrophes makes the rule reversible: `=1+1` is written `'=1+1`, and a name that really
//! is `'=1+1` is written `''=1+1`, so [`restore`] gives back exactly what was stored.

use std::borrow::Cow;

use crate::base::error::{Error, Result};

/// The first characters a spreadsheet treats as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn starts_a_formula(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// The cell as written: with a leading `'` when a spreadsheet would otherwise execute it.
pub(crate) fn neutralize(cell: &str) -> Cow<'_, str> {
    if starts_a_formula(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The cell as it was before [`neutralize`]: the one `'` it added removed, nothing else.
pub(crate) fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_a_formula(rest) => rest,
        _ => cell,
    }
}

/// Whether a spreadsheet would execute this cell as written (used by the export tests).
#[cfg(test)]
pub(crate) fn is_live_formula(cell: &str) -> bool {
    cell.starts_with(FORMULA_STARTS)
}

/// A CSV file being written in memory, every cell neutralized.
pub(crate) struct CsvWriter(csv::Writer<Vec<u8>>);

fn csv_error(e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("CSV: {e}"))
}

impl CsvWriter {
    pub(crate) fn new() -> Self {
        Self(csv::Writer::from_writer(Vec::new()))
    }

    pub(crate) fn row<I, S>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.0
            .write_record(
                cells
                    .into_iter()
                    .map(|c| neutralize(c.as_ref()).into_owned()),
            )
            .map_err(csv_error)
    }

    pub(crate) fn finish(self) -> Result<Vec<u8>> {
        self.0.into_inner().map_err(csv_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_one_apostrophe_and_come_back_exactly() {
        for (stored, written) in [
            ("=1+1", "'=1+1"),
            ("+15125550123", "'+15125550123"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=1+1", "''=1+1"),
            ("''+1", "'''+1"),
            ("'quoted'", "'quoted'"),
            ("O'Brien", "O'Brien"),
            ("plain", "plain"),
            ("", ""),
            ("'", "'"),
        ] {
            assert_eq!(neutralize(stored), written, "{stored:?}");
            assert_eq!(restore(written), stored, "{written:?}");
            assert!(!is_live_formula(&neutralize(stored)), "{stored:?}");
        }
    }

    #[test]
    fn the_writer_neutralizes_every_cell_and_csv_quoting_still_applies() {
        let mut w = CsvWriter::new();
        w.row(["name", "note"]).unwrap();
        w.row(["=HYPERLINK(\"http://x\",\"y\")", "a,b"]).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(
            text,
            "name,note\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"a,b\"\n"
        );
    }
}
