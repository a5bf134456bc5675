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
use crate::storage::engine::Sql;
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
        self.read_sql(actor, Permission::RecordingsView, |db| {
            Ok(call_recordings::list(db, query.user_id)?
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
        self.read_sql(actor, Permission::RecordingsView, |db| {
            audio_of(db, recording_id)
        })
    }

    /// Writes the recording's WAV file to `dest`; recorded in the audit log.
    ///
    /// The file is written last in the change, after its audit entry: on a server a
    /// serialization failure runs the change again and writes the file again, and as each
    /// write replaces `dest` whole (a temporary file renamed into place), the file left is the
    /// one of the attempt that committed. (A recording's audio never changes, so every attempt
    /// writes the same bytes.)
    pub fn export_recording(&mut self, actor: Actor, recording_id: i64, dest: &Path) -> Result<()> {
        self.change_sql(actor, Action::RecordingExport, |tx, ctx| {
            let audio = audio_of(tx, recording_id)?;
            let (user_id, label) = call_recordings::user_of(tx, recording_id)?;
            let mut entry = AuditEntry::new(Action::RecordingExport.key());
            entry.target_user_id = Some(user_id);
            entry.target_label = Some(&label);
            entry.after =
                Some(json!({ "recording_id": recording_id, "path": dest.display().to_string() }));
            ctx.audit(tx, &entry)?;
            // Synced before it takes its name, under an unpredictable temporary name: after a
            // power cut the file is the old one or the new one, never a mix.
            crate::storage::files::write_atomically(dest, &audio)
        })
    }
}

fn audio_of(db: Sql<'_>, recording_id: i64) -> Result<Vec<u8>> {
    call_recordings::audio(db, recording_id)?.ok_or(Error::NotFound {
        what: "Recording",
        id: recording_id,
    })
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

/// Recordings on both storage engines (docs/ARCHITECTURE.md §Server): the same list in the
/// same order, the same audio, and the same export, refused without a file.
#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use super::*;
    use crate::domain::users::bundle::sha256_hex;
    use crate::tests::engines::{chain_intact, number, same_on_each_engine};
    use crate::tests::testing::sign_in;

    #[test]
    fn recordings_are_listed_played_and_exported_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let auditor = sign_in(org, "max.weber");
            let helpdesk = sign_in(org, "priya.nair");
            let all = org
                .recordings(auditor, &RecordingQuery { user_id: None })
                .unwrap();
            assert!(all.len() > 1, "{engine}");
            let first = &all[0];
            let of_user = org
                .recordings(
                    auditor,
                    &RecordingQuery {
                        user_id: Some(first.user_id),
                    },
                )
                .unwrap();
            assert!(
                of_user.iter().all(|r| r.user_id == first.user_id) && of_user.contains(first),
                "{engine}"
            );
            let audio = org.recording_audio(auditor, first.id).unwrap();

            // Written whole over an older file; the export recorded with its user.
            let dir = tempfile::tempdir().unwrap();
            let dest = dir.path().join("call.wav");
            std::fs::write(&dest, b"an older, longer file at the destination ....").unwrap();
            let entries = |org: &Org| number(org, "SELECT count(*) FROM audit_log", &[]);
            let before = entries(org);
            org.export_recording(auditor, first.id, &dest).unwrap();
            let exported = std::fs::read(&dest).unwrap();
            assert_eq!(exported, audio, "{engine}");
            let recorded = number(
                org,
                "SELECT count(*) FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)
                   AND action = 'recording.export' AND outcome = 'ok' AND target_user_id = ?1",
                &[&first.user_id],
            );
            assert_eq!((entries(org), recorded), (before + 1, 1), "{engine}");
            // Only the export: no temporary file left beside it.
            assert_eq!(
                std::fs::read_dir(dir.path()).unwrap().count(),
                1,
                "{engine}"
            );

            // A role without recordings.view: refused and recorded, no file written; a
            // recording that does not exist: no file, nothing recorded.
            let refused_dest = dir.path().join("refused.wav");
            let denied = org
                .export_recording(helpdesk, first.id, &refused_dest)
                .unwrap_err();
            let refusal = number(
                org,
                "SELECT count(*) FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)
                   AND action = 'recording.export' AND outcome = 'refused'",
                &[],
            );
            assert_eq!((entries(org), refusal), (before + 2, 1), "{engine}");
            let missing = org
                .export_recording(auditor, 999_999_999, &refused_dest)
                .unwrap_err();
            assert_eq!(entries(org), before + 2, "{engine}");
            assert!(!refused_dest.exists(), "{engine}");
            assert!(chain_intact(org), "{engine}");
            (
                all,
                of_user,
                sha256_hex(&exported),
                denied.code(),
                missing.code(),
            )
        });
    }
}
