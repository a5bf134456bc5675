//! Call recordings: kept when a license is removed, and available to admins with
//! `recordings.view` whether or not the user still holds a license.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::permission::Permission;
use crate::kernel::action::Action;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::{Actor, Org};
use crate::storage::tables::call_recordings;

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
            Ok(call_recordings::list(conn, query.user_id)?
                .into_iter()
                .map(|r| RecordingRow {
                    id: r.id,
                    user_id: r.user_id,
                    user_name: r.user_name,
                    user_license: r.user_license,
                    recorded_at: r.recorded_at,
                    remote_number: r.remote_number,
                    duration_seconds: r.duration_seconds,
                })
                .collect())
        })
    }

    /// The recording's WAV audio, to play in the page.
    pub fn recording_audio(&self, actor: Actor, recording_id: i64) -> Result<Vec<u8>> {
        self.read(actor, Permission::RecordingsView, |conn| {
            call_recordings::audio(conn, recording_id)?.ok_or(Error::NotFound {
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
            let (user_id, label) = call_recordings::user_of(tx, recording_id)?;
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
            .conn()
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
