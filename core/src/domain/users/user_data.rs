//! The data a user accumulates under a license: what a removal deletes (and so what an export
//! or safety archive must hold), and what it keeps (docs/ARCHITECTURE.md §Data model).

use crate::base::error::Result;
use crate::storage::engine::Sql;
use crate::storage::user_rows;

/// A table of per-user data that a license removal deletes.
pub(crate) struct DeletedTable {
    pub table: &'static str,
    /// What one row is called in the removal warning and summary, and what several are.
    pub one: &'static str,
    pub many: &'static str,
    /// Columns exported to CSV, in order.
    pub columns: &'static [&'static str],
    /// A BLOB column exported as a file of its own.
    pub audio: Option<&'static str>,
}

pub(crate) const DELETED_TABLES: [DeletedTable; 7] = [
    DeletedTable {
        table: "call_history",
        one: "call history entry",
        many: "call history entries",
        columns: &[
            "id",
            "started_at",
            "direction",
            "remote_number",
            "duration_seconds",
        ],
        audio: None,
    },
    DeletedTable {
        table: "forwarding_rules",
        one: "call forwarding rule",
        many: "call forwarding rules",
        columns: &["id", "condition", "destination", "rings", "enabled"],
        audio: None,
    },
    DeletedTable {
        table: "voicemail_settings",
        one: "voicemail settings record",
        many: "voicemail settings records",
        columns: &["user_id", "enabled", "email_notification"],
        audio: None,
    },
    DeletedTable {
        table: "voicemails",
        one: "voicemail message",
        many: "voicemail messages",
        columns: &[
            "id",
            "received_at",
            "caller_number",
            "duration_seconds",
            "heard",
        ],
        audio: Some("audio"),
    },
    DeletedTable {
        table: "voicemail_greetings",
        one: "voicemail greeting",
        many: "voicemail greetings",
        columns: &["id", "kind", "created_at"],
        audio: Some("audio"),
    },
    DeletedTable {
        table: "device_activations",
        one: "device activation",
        many: "device activations",
        columns: &[
            "id",
            "device_type",
            "label",
            "activated_at",
            "model",
            "mac_address",
        ],
        audio: None,
    },
    DeletedTable {
        table: "app_access",
        one: "app access grant",
        many: "app access grants",
        columns: &["app", "enabled"],
        audio: None,
    },
];

/// One exported row: its CSV cells, and its audio when the table has some.
pub(crate) struct ExportedRow {
    pub key: String,
    pub cells: Vec<String>,
    pub audio: Option<Vec<u8>>,
}

impl DeletedTable {
    /// "3 call history entries", "1 app access grant".
    pub fn describe(&self, count: i64) -> String {
        format!("{count} {}", if count == 1 { self.one } else { self.many })
    }

    pub fn count<'a>(&self, db: impl Into<Sql<'a>>, user_id: i64) -> Result<i64> {
        user_rows::count(db.into(), self.table, user_id)
    }

    pub fn rows(&self, db: Sql<'_>, user_id: i64) -> Result<Vec<ExportedRow>> {
        Ok(
            user_rows::read(db, self.table, self.columns, self.audio, user_id)?
                .into_iter()
                .map(|r| ExportedRow {
                    key: r.cells[0].clone(),
                    cells: r.cells,
                    audio: r.audio,
                })
                .collect(),
        )
    }

    /// The row-by-row way, which `delete_many` is tested against.
    #[cfg(test)]
    pub fn delete<'a>(&self, db: impl Into<Sql<'a>>, user_id: i64) -> Result<u64> {
        user_rows::delete(db.into(), self.table, user_id)
    }

    /// [`DeletedTable::delete`] for several users in one statement.
    pub fn delete_many<'a>(&self, db: impl Into<Sql<'a>>, user_ids: &[i64]) -> Result<u64> {
        user_rows::delete_many(db.into(), self.table, user_ids)
    }
}
