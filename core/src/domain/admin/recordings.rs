//! Call recordings: kept when a license is removed, and available to admins with
//! `recordings.view` whether or not the user still holds a license.

use std::path::Path;

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::permission::Permission;
use crate::kernel::action::Action;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::{Actor, Org};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RecordingRow {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub user_id: i64,
    pub user_name: String,
    /// The user's license now; None for a user whose license was removed.
    pub user_license: Option<String>,
    pub recorded_at: String,
    pub remote_number: String,
    #[ts(type = "number")]
    pub duration_seconds: i64,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RecordingQuery {
    /// Only this user's recordings.
    #[ts(type = "number | null")]
    pub user_id: Option<i64>,
}

impl Org {
    pub fn recordings(&self, actor: Actor, query: &RecordingQuery) -> Result<Vec<RecordingRow>> {
        self.read(actor, Permission::RecordingsView, |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT r.id, r.user_id, u.first_name || ' ' || u.last_name, p.name,
                        r.recorded_at, r.remote_number, r.duration_seconds
                 FROM call_recordings r
                 JOIN users u ON u.id = r.user_id
                 LEFT JOIN seats s ON s.user_id = u.id
                 LEFT JOIN products p ON p.id = s.product_id
                 WHERE ?1 IS NULL OR r.user_id = ?1
                 ORDER BY r.recorded_at DESC, r.id DESC",
            )?;
            let rows = stmt
                .query_map([query.user_id], |r| {
                    Ok(RecordingRow {
                        id: r.get(0)?,
                        user_id: r.get(1)?,
                        user_name: r.get(2)?,
                        user_license: r.get(3)?,
                        recorded_at: r.get(4)?,
                        remote_number: r.get(5)?,
                        duration_seconds: r.get(6)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// The recording's WAV audio, to play in the page.
    pub fn recording_audio(&self, actor: Actor, recording_id: i64) -> Result<Vec<u8>> {
        self.read(actor, Permission::RecordingsView, |conn| {
            conn.query_row(
                "SELECT audio FROM call_recordings WHERE id = ?1",
                [recording_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(Error::NotFound {
                what: "Recording",
                id: recording_id,
            })
        })
    }

    /// Writes the recording's WAV file to `dest`; recorded in the audit log.
    pub fn export_recording(&mut self, actor: Actor, recording_id: i64, dest: &Path) -> Result<()> {
        let audio = self.recording_audio(actor, recording_id)?;
        self.change(actor, Action::RecordingExport, |tx, ctx| {
            // Synced before it takes its name, under an unpredictable temporary name: after a
            // power cut the file is the old one or the new one, never a mix.
            crate::storage::files::write_atomically(dest, &audio)?;
            let (user_id, label): (i64, String) = tx.query_row(
                "SELECT u.id, u.first_name || ' ' || u.last_name FROM call_recordings r
                 JOIN users u ON u.id = r.user_id WHERE r.id = ?1",
                [recording_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let mut entry = AuditEntry::new(Action::RecordingExport.key());
            entry.target_user_id = Some(user_id);
            entry.target_label = Some(&label);
            entry.after =
                Some(json!({ "recording_id": recording_id, "path": dest.display().to_string() }));
            ctx.audit(tx, &entry)
        })?;
        Ok(())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use crate::tests::testing::{demo_org, sign_in};

    #[test]
    fn an_exported_recording_is_written_whole_and_never_through_a_planted_name() {
        let (dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let id: i64 = org
            .conn
            .query_row("SELECT min(id) FROM call_recordings", [], |r| r.get(0))
            .unwrap();
        let out = dir.path().join("exports");
        std::fs::create_dir(&out).unwrap();
        let dest = out.join("call.wav");
        // The temporary name the export used to write through, planted as a symlink.
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, b"keep").unwrap();
        std::os::unix::fs::symlink(&victim, out.join("call.wav.partial")).unwrap();
        org.export_recording(admin, id, &dest).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
        assert_eq!(
            std::fs::read(&dest).unwrap(),
            org.recording_audio(admin, id).unwrap()
        );
        // The export and the planted link only: no temporary file left.
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);
    }
}
