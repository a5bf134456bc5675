//! Removing a license: the exact impact first, an export on request, a safety archive always,
//! then one transaction that deletes, releases and returns the seat to the pool.

use std::path::PathBuf;

use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::clock::timestamp;
use crate::base::error::{Error, Result};
use crate::base::permission::Permission;
use crate::domain::users::bundle::{self, BundleReceipt};
use crate::domain::users::directory::{self, UserDetail};
use crate::domain::users::user_data::DELETED_TABLES;
use crate::kernel::action::Action;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::engine::Sql;
use crate::storage::tables::{call_recordings, phone_numbers, safety_archives, seats, users};

/// How long a safety archive is kept.
pub const SAFETY_ARCHIVE_DAYS: i64 = 30;

/// What a confirmation says of the data a change deletes: it is kept, for how long.
pub fn safety_archive_kept() -> String {
    format!("a safety archive of it is kept {SAFETY_ARCHIVE_DAYS} days")
}

/// Exactly what removing a user's license deletes, releases and keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RemovalImpact {
    #[ts(type = "number")]
    pub user_id: i64,
    pub user_name: String,
    pub product_name: String,
    #[ts(type = "number")]
    pub call_history: i64,
    #[ts(type = "number")]
    pub forwarding_rules: i64,
    #[ts(type = "number")]
    pub voicemails: i64,
    #[ts(type = "number")]
    pub voicemail_greetings: i64,
    #[ts(type = "number")]
    pub device_activations: i64,
    #[ts(type = "number")]
    pub app_access: i64,
    pub voicemail_settings: bool,
    pub phone_number: Option<String>,
    pub extension: Option<String>,
    #[ts(type = "number")]
    pub recordings_kept: i64,
    /// Every kind of data the removal deletes, in the order of the deletion, with its count:
    /// the warning and the summary are built from this list, so nothing is deleted unmentioned.
    pub deleted: Vec<DeletedKind>,
    /// The impact in one paragraph, for the native confirmation.
    pub summary: String,
}

/// One kind of data a removal deletes: "call_history", "3 call history entries", 3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeletedKind {
    pub kind: String,
    pub label: String,
    #[ts(type = "number")]
    pub count: i64,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RemoveLicense {
    #[ts(type = "number")]
    pub user_id: i64,
    #[ts(type = "number")]
    pub expected_version: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RemovalReceipt {
    pub user: UserDetail,
    pub impact: RemovalImpact,
    pub safety_archive: BundleReceipt,
    /// The seat is still paid for: what that costs and how to stop it.
    pub billing_note: String,
}

/// A safety archive written before a removal.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SafetyArchive {
    #[ts(type = "number")]
    pub id: i64,
    pub path: String,
    pub created_at: String,
    pub expires_at: String,
    /// False once it has expired and been deleted.
    pub present: bool,
    /// Why the recorded archive was not followed (a path outside the archive folder, a
    /// symbolic link), if it was not.
    pub problem: Option<String>,
    /// When its license and data were put back, if they were.
    pub restored_at: Option<String>,
    /// Within its 30 days and not restored yet: "Restore license and data" is offered.
    pub restorable: bool,
    /// How many users the bulk removal that wrote it removed (1 for a single removal).
    #[ts(type = "number")]
    pub batch_size: i64,
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn impact<'a>(db: impl Into<Sql<'a>>, user: &UserDetail) -> Result<RemovalImpact> {
    let db = db.into();
    let license = user.license.as_ref().ok_or_else(|| Error::NotLicensed {
        user: user.full_name(),
    })?;
    let deleted = DELETED_TABLES
        .iter()
        .map(|t| {
            let count = t.count(db, user.id)?;
            Ok(DeletedKind {
                kind: t.table.to_owned(),
                label: t.describe(count),
                count,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let count = |table: &str| {
        deleted
            .iter()
            .find(|d| d.kind == table)
            .expect("every deleted table is counted")
            .count
    };
    let mut released = Vec::new();
    if let Some(n) = &user.phone_number {
        released.push(format!("phone number {n}"));
    }
    if let Some(e) = &user.extension {
        released.push(format!("extension {e}"));
    }
    let released = if released.is_empty() {
        String::new()
    } else {
        format!(", and releases {}", released.join(" and "))
    };
    let recordings_kept = call_recordings::count_for_user(db, user.id)?;
    let labels: Vec<&str> = deleted.iter().map(|d| d.label.as_str()).collect();
    let (last, rest) = labels.split_last().expect("a removal deletes something");
    let summary = format!(
        "Removing {}'s {} license deletes {} and {last}{released}. {} kept for admins.",
        user.full_name(),
        license.product_name,
        rest.join(", "),
        plural(recordings_kept, "call recording is", "call recordings are"),
    );
    let i = RemovalImpact {
        user_id: user.id,
        user_name: user.full_name(),
        product_name: license.product_name.clone(),
        call_history: count("call_history"),
        forwarding_rules: count("forwarding_rules"),
        voicemails: count("voicemails"),
        voicemail_greetings: count("voicemail_greetings"),
        device_activations: count("device_activations"),
        app_access: count("app_access"),
        voicemail_settings: count("voicemail_settings") > 0,
        phone_number: user.phone_number.clone(),
        extension: user.extension.clone(),
        recordings_kept,
        deleted,
        summary,
    };
    Ok(i)
}

/// Where a removal's safety archive goes and until when it is kept.
pub(crate) struct ArchivePlan {
    /// The folder beside the organization file that gets a copy of each archive; none on a
    /// server, whose database holds the only copy.
    dir: Option<PathBuf>,
    /// The folder was checked and created by this plan's first archive: a bulk step's other
    /// archives go into it without asking the file system again.
    dir_ready: bool,
    expires_at: String,
    /// The archive files written so far: copies of the ZIPs stored with the removals.
    files: crate::storage::files::CopyFiles,
}

impl ArchivePlan {
    /// The change's outcome; its archive files are removed again when it did not go through
    /// (refused, failed or not committed).
    pub(crate) fn kept_only_if_ok<T>(&mut self, outcome: Result<T>) -> Result<T> {
        if outcome.is_err() {
            self.files.discard();
        }
        outcome
    }
}

/// A removal done inside a transaction that has not committed yet.
pub(crate) struct Removed {
    pub impact: RemovalImpact,
    pub archive: BundleReceipt,
    /// The old seat's price: it went back to the pool and is still billed.
    pub price_cents: i64,
    pub currency: String,
}

impl Removed {
    pub fn billing_note(&self) -> String {
        format!(
            "The {} license is back in the pool and is still billed ({}/month) until you request its cancellation.",
            self.impact.product_name,
            crate::base::money::format_money(self.price_cents, &self.currency)
        )
    }
}

/// Writes the safety archive, deletes the user's data, releases number and extension and
/// returns the seat to the pool, with the audit entry. The caller bumps the user's version,
/// and passes the change's outcome through [`ArchivePlan::kept_only_if_ok`].
pub(crate) fn remove_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    plan: &mut ArchivePlan,
) -> Result<Removed> {
    let tx = tx.into();
    remove_with_impact_in(tx, ctx, user, impact(tx, user)?, plan)
}

/// [`remove_in`] with the impact already read in this transaction (a bulk step's preview
/// counts it for every user first).
pub(crate) fn remove_with_impact_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    impact: RemovalImpact,
    plan: &mut ArchivePlan,
) -> Result<Removed> {
    let tx = tx.into();
    let (archive, _) = store_archive_in(tx, ctx, user, plan)?;
    // An error from here on rolls the row back; the caller's plan removes the file.
    release_data_in(tx, &[user.id])?;
    let price_cents = seats::release_held_by(tx, user.id)?;
    audit_removal_in(tx, ctx, user, &impact, &archive)?;
    Ok(Removed {
        impact,
        archive,
        price_cents,
        currency: crate::storage::settings::currency(tx)?,
    })
}

/// The first part of a removal: the user's safety archive, its row stored in this transaction
/// and (beside a file) its file created. The archive's row and file name come from it;
/// nothing is deleted yet.
pub(crate) fn store_archive_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    plan: &mut ArchivePlan,
) -> Result<(BundleReceipt, i64)> {
    let tx = tx.into();
    let ArchivePlan {
        dir,
        dir_ready,
        expires_at,
        files,
    } = plan;
    if let Some(dir) = dir.as_deref().filter(|_| !*dir_ready) {
        crate::domain::licenses::safety_archive::prepare_folder(dir)?;
        *dir_ready = true;
    }
    // The row first: its id names the file, which is then created exclusively.
    let mut archive_id = 0;
    let copy = dir.is_some().then_some(files);
    let (archive, _) = bundle::archive(tx, user, ctx.now, copy, |zip, sha256| {
        let id = safety_archives::insert(tx, user.id, sha256, ctx.now, expires_at, zip)?;
        archive_id = id;
        let name = crate::domain::licenses::safety_archive::file_name(user, id, ctx.now);
        safety_archives::set_path(tx, id, &name)?;
        Ok(match dir {
            Some(dir) => dir.join(name),
            None => PathBuf::from(name),
        })
    })?;
    Ok((archive, archive_id))
}

/// The second part, for every user of `user_ids` at once (their archives stored first, in the
/// same transaction): deletes their data and releases their numbers and extensions, a
/// statement per table for all of them. A bulk step calls it once after its users' archives:
/// the number and extension updates rewrite search rows through triggers, and one statement
/// each keeps those FTS5 writes in one segment instead of one per user (a per-user statement
/// made the next statement flush and merge a tiny segment: about a third of a bulk removal).
pub(crate) fn release_data_in<'a>(tx: impl Into<Sql<'a>>, user_ids: &[i64]) -> Result<()> {
    let tx = tx.into();
    for t in &DELETED_TABLES {
        t.delete_many(tx, user_ids)?;
    }
    phone_numbers::release_held_by_many(tx, user_ids)?;
    users::clear_extensions(tx, user_ids)?;
    Ok(())
}

/// The seats of every user of `user_ids` back to the pool, in one statement; answers how many
/// (the caller compares it with the users: each held one).
pub(crate) fn release_seats_in<'a>(tx: impl Into<Sql<'a>>, user_ids: &[i64]) -> Result<u64> {
    seats::release_held_by_many(tx.into(), user_ids)
}

/// The removal's audit entry: what the user held, what was deleted (counted by `impact`),
/// where the safety archive is.
pub(crate) fn audit_removal_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    impact: &RemovalImpact,
    archive: &BundleReceipt,
) -> Result<()> {
    let label = user.full_name();
    let mut entry = AuditEntry::new(Action::LicenseRemove.key());
    entry.target_user_id = Some(user.id);
    entry.target_label = Some(&label);
    entry.before = Some(json!({
        "license": impact.product_name,
        "phone_number": impact.phone_number,
        "extension": impact.extension,
    }));
    entry.after = Some(json!({
        "license": null,
        "deleted": impact
            .deleted
            .iter()
            .map(|d| (d.kind.clone(), json!(d.count)))
            .collect::<serde_json::Map<_, _>>(),
        "recordings_kept": impact.recordings_kept,
        "safety_archive": archive.path,
    }));
    ctx.audit(tx, &entry)?;
    Ok(())
}

impl Org {
    pub fn removal_impact(&self, actor: Actor, user_id: i64) -> Result<RemovalImpact> {
        self.read_sql(actor, Permission::LicensesRemove, |db| {
            impact(db, &directory::user_detail(db, user_id)?)
        })
    }

    /// Writes every row and audio file that a removal would delete to `dest` (a ZIP);
    /// `progress` counts the files. Cancelled, it leaves no file at `dest`.
    pub fn export_user_data(
        &mut self,
        actor: Actor,
        user_id: i64,
        dest: &std::path::Path,
        progress: &mut dyn crate::base::progress::Progress,
    ) -> Result<BundleReceipt> {
        // On a server the change may run again: the ZIP is then written again, from the
        // snapshot that commits.
        self.change_sql(actor, Action::UserExport, |tx, ctx| {
            let user = directory::user_detail(tx, user_id)?;
            let receipt = bundle::write(tx, &user, ctx.now, "export", dest, progress)?;
            let label = user.full_name();
            let mut entry = AuditEntry::new(Action::UserExport.key());
            entry.target_user_id = Some(user.id);
            entry.target_label = Some(&label);
            entry.after = Some(json!({ "path": receipt.path, "sha256": receipt.sha256 }));
            ctx.audit(tx, &entry)?;
            Ok(receipt)
        })
    }

    /// The suggested file name of an export made today.
    pub fn export_file_name(&self, actor: Actor, user_id: i64) -> Result<String> {
        let today = self.now();
        self.read_sql(actor, Permission::UsersView, |conn| {
            Ok(bundle::default_file_name(
                &directory::user_detail(conn, user_id)?,
                &today,
            ))
        })
    }

    /// Removes the user's license. A safety archive of everything deleted is written first;
    /// if anything fails, nothing is deleted and the archive is discarded.
    pub fn remove_license(&mut self, actor: Actor, req: &RemoveLicense) -> Result<RemovalReceipt> {
        let mut archive = self.archive_plan();
        let outcome = self.change_sql(actor, Action::LicenseRemove, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            directory::check_version(tx, &user, req.expected_version)?;
            let removed = remove_in(tx, ctx, &user, &mut archive)?;
            directory::bump_version(tx, user.id, ctx)?;
            Ok(RemovalReceipt {
                user: directory::user_detail(tx, user.id)?,
                billing_note: removed.billing_note(),
                impact: removed.impact,
                safety_archive: removed.archive,
            })
        });
        archive.kept_only_if_ok(outcome)
    }

    pub(crate) fn archive_plan(&self) -> ArchivePlan {
        ArchivePlan {
            dir: self.archive_folder(),
            dir_ready: false,
            expires_at: timestamp(self.clock.now() + Duration::days(SAFETY_ARCHIVE_DAYS)),
            files: Default::default(),
        }
    }

    /// Where safety archives are written as files: beside an organization file. On a server
    /// there is none: the database's copy is the archive.
    pub(crate) fn archive_folder(&self) -> Option<PathBuf> {
        self.engine.is_file().then(|| self.archive_dir.clone())
    }

    pub fn safety_archives(&self, actor: Actor, user_id: i64) -> Result<Vec<SafetyArchive>> {
        // Beside a file the archive is its ZIP in the archive folder; on a server, the
        // database's copy.
        let archive_dir = self.archive_folder();
        let now = self.now();
        self.read_sql(actor, Permission::UsersView, |conn| {
            let archives = safety_archives::for_user(conn, user_id)?
                .into_iter()
                .map(|a| {
                    let batch_size = match a.batch_id {
                        Some(batch) => safety_archives::of_batch(conn, batch)?.len() as i64,
                        None => 1,
                    };
                    let resolved = match &archive_dir {
                        Some(dir) => crate::domain::licenses::safety_archive::resolve(dir, &a.path)
                            .map(|p| (p.is_file(), p.display().to_string())),
                        None => Ok((a.has_copy, a.path.clone())),
                    };
                    Ok(SafetyArchive {
                        id: a.id,
                        restorable: a.restored_at.is_none() && a.expires_at >= now,
                        restored_at: a.restored_at,
                        batch_size,
                        present: resolved.as_ref().is_ok_and(|(present, _)| *present),
                        path: resolved.as_ref().map_or(a.path, |(_, p)| p.clone()),
                        problem: resolved.err(),
                        created_at: a.created_at,
                        expires_at: a.expires_at,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(archives)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::io::Read;

    use super::*;
    use crate::tests::testing::{demo_org, sign_in, snapshot, unlicensed_user, user_with_all_data};

    fn read_zip(path: &std::path::Path) -> HashMap<String, Vec<u8>> {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes).unwrap();
                (f.name().unwrap().to_string(), bytes)
            })
            .collect()
    }

    /// Every row and blob of the user in the tables a removal deletes, and everything else.
    fn fingerprint(org: &Org, user_id: i64, mine: bool) -> Vec<String> {
        let op = if mine { "=" } else { "<>" };
        let mut out = Vec::new();
        for t in [
            "call_history",
            "forwarding_rules",
            "voicemail_settings",
            "voicemails",
            "voicemail_greetings",
            "device_activations",
            "call_recordings",
        ] {
            let mut stmt = org
                .conn()
                .prepare(&format!(
                    "SELECT * FROM {t} WHERE user_id {op} ?1 ORDER BY 1, 2"
                ))
                .unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([user_id], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap();
            out.extend(rows.map(|r| format!("{t}:{}", r.unwrap())));
        }
        out
    }

    fn seat_counts(org: &Org) -> Vec<(i64, String)> {
        let mut stmt = org
            .conn()
            .prepare("SELECT product_id, status FROM seats ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn export_then_remove_loses_nothing_and_keeps_recordings() {
        let (dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_with_all_data(&org);
        let others_before = fingerprint(&org, user.id, false);
        let recordings_before: Vec<_> = fingerprint(&org, user.id, true)
            .into_iter()
            .filter(|r| r.starts_with("call_recordings:"))
            .collect();
        let impact = org.removal_impact(admin, user.id).unwrap();
        assert!(impact.call_history > 0 && impact.voicemails > 0 && impact.recordings_kept > 0);
        assert!(impact
            .summary
            .contains(&format!("{} voicemail", impact.voicemails)));

        let export = dir.path().join("export.zip");
        org.export_user_data(admin, user.id, &export, &mut crate::Unwatched)
            .unwrap();
        let files = read_zip(&export);
        let manifest: serde_json::Value = serde_json::from_slice(&files[bundle::MANIFEST]).unwrap();
        for f in manifest["files"].as_array().unwrap() {
            let bytes = &files[f["path"].as_str().unwrap()];
            assert_eq!(f["sha256"].as_str().unwrap(), bundle::sha256_hex(bytes));
        }
        assert_eq!(manifest["counts"]["call_history"], impact.call_history);
        assert_eq!(manifest["counts"]["voicemails"], impact.voicemails);
        // Every voicemail's audio, byte for byte.
        let mut stmt = org
            .conn()
            .prepare("SELECT id, audio FROM voicemails WHERE user_id = ?1")
            .unwrap();
        let audio: Vec<(i64, Vec<u8>)> = stmt
            .query_map([user.id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        drop(stmt);
        for (id, bytes) in &audio {
            assert_eq!(&files[&format!("audio/voicemails-{id}.wav")], bytes);
        }
        let history_csv = String::from_utf8(files["call_history.csv"].clone()).unwrap();
        assert_eq!(history_csv.lines().count() as i64, impact.call_history + 1);

        let receipt = org
            .remove_license(admin, &RemoveLicense::of(&user))
            .unwrap();
        assert!(receipt.user.license.is_none());
        assert!(receipt.user.extension.is_none() && receipt.user.phone_number.is_none());
        assert!(receipt.billing_note.contains("still billed"));
        let mine_after = fingerprint(&org, user.id, true);
        assert_eq!(mine_after, recordings_before, "only recordings remain");
        assert_eq!(fingerprint(&org, user.id, false), others_before);
        // The seat is back in the pool, still purchased.
        let seat = user.license.as_ref().unwrap().seat_id;
        let status: String = org
            .conn()
            .query_row("SELECT status FROM seats WHERE id = ?1", [seat], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(status, "available");
        // The number is free again.
        let number_status: String = org
            .conn()
            .query_row(
                "SELECT status FROM phone_numbers WHERE e164 = ?1",
                [user.phone_number.clone().unwrap()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(number_status, "available");
        // The safety archive holds the same data as the export, and is listed.
        let archive = read_zip(std::path::Path::new(&receipt.safety_archive.path));
        for (name, bytes) in &files {
            if name != bundle::MANIFEST {
                assert_eq!(&archive[name], bytes, "{name}");
            }
        }
        let listed = org.safety_archives(admin, user.id).unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].present);
        // The audit entry lists the counts.
        let after: String = org
            .conn()
            .query_row(
                "SELECT after_json FROM audit_log WHERE action = 'license.remove' AND target_user_id = ?1",
                [user.id],
                |r| r.get(0),
            )
            .unwrap();
        let after: serde_json::Value = serde_json::from_str(&after).unwrap();
        assert_eq!(after["deleted"]["voicemails"], impact.voicemails);
        assert_eq!(after["recordings_kept"], impact.recordings_kept);
        assert_eq!(
            crate::kernel::audit::first_broken_entry(org.conn()).unwrap(),
            None
        );
        // Recordings stay listed for admins, under the unlicensed user's name.
        let recs = org
            .recordings(
                admin,
                &crate::domain::admin::recordings::RecordingQuery {
                    user_id: Some(user.id),
                },
            )
            .unwrap();
        assert_eq!(recs.len() as i64, impact.recordings_kept);
        assert!(recs.iter().all(|r| r.user_license.is_none()));
        assert!(!org.recording_audio(admin, recs[0].id).unwrap().is_empty());
    }

    #[test]
    fn a_failure_in_the_middle_changes_nothing_and_leaves_no_archive() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_with_all_data(&org);
        let before = fingerprint(&org, user.id, true);
        let seats = seat_counts(&org);
        org.conn()
            .execute_batch(
                "CREATE TRIGGER fail_devices BEFORE DELETE ON device_activations
                 BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END;",
            )
            .unwrap();
        let err = org
            .remove_license(admin, &RemoveLicense::of(&user))
            .unwrap_err();
        assert_eq!(err.code(), "database");
        assert_eq!(fingerprint(&org, user.id, true), before);
        assert_eq!(seat_counts(&org), seats);
        let now = directory::user_detail(org.conn(), user.id).unwrap();
        assert_eq!(now.version, user.version);
        assert_eq!(now.extension, user.extension);
        assert!(org.safety_archives(admin, user.id).unwrap().is_empty());
        let leftovers = std::fs::read_dir(&org.archive_dir)
            .map(|d| d.count())
            .unwrap_or(0);
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn without_licenses_remove_nothing_is_removed_or_exported() {
        let (dir, mut org) = demo_org();
        let helpdesk = sign_in(&mut org, "priya.nair");
        let user = user_with_all_data(&org);
        let before = fingerprint(&org, user.id, true);
        let err = org
            .remove_license(helpdesk, &RemoveLicense::of(&user))
            .unwrap_err();
        assert_eq!(err.code(), "permission_denied");
        assert!(err.to_string().contains("Remove licenses"));
        let dest = dir.path().join("x.zip");
        let err = org
            .export_user_data(helpdesk, user.id, &dest, &mut crate::Unwatched)
            .unwrap_err();
        assert_eq!(err.code(), "permission_denied");
        assert!(!dest.exists());
        assert_eq!(fingerprint(&org, user.id, true), before);
    }

    #[test]
    fn removing_from_an_unlicensed_user_or_a_stale_editor_is_refused() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let bare = unlicensed_user(&org);
        let err = org
            .remove_license(admin, &RemoveLicense::of(&bare))
            .unwrap_err();
        assert_eq!(err.code(), "not_licensed");
        let user = user_with_all_data(&org);
        let err = org
            .remove_license(
                admin,
                &RemoveLicense {
                    user_id: user.id,
                    expected_version: user.version - 1,
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), "stale_version");
    }

    #[test]
    fn every_kind_of_deleted_data_has_a_line_with_its_count() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_with_all_data(&org);
        let apps: Vec<_> = org
            .user_setup(admin, user.id)
            .unwrap()
            .apps
            .into_iter()
            .filter(|a| a.available)
            .map(|a| a.app)
            .collect();
        let update = crate::domain::setup::app_access::AppAccessUpdate {
            user_id: user.id,
            enabled: apps,
        };
        org.set_app_access(admin, &update).unwrap();
        let grants: i64 = org
            .conn()
            .query_row(
                "SELECT count(*) FROM app_access WHERE user_id = ?1",
                [user.id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(grants > 0, "{} has no app access", user.full_name());
        let impact = org.removal_impact(admin, user.id).unwrap();
        let kinds: Vec<&str> = impact.deleted.iter().map(|d| d.kind.as_str()).collect();
        let tables: Vec<&str> = DELETED_TABLES.iter().map(|t| t.table).collect();
        assert_eq!(kinds, tables, "the warning lists exactly what is deleted");
        for (d, t) in impact.deleted.iter().zip(&DELETED_TABLES) {
            assert_eq!(d.count, t.count(org.conn(), user.id).unwrap(), "{}", d.kind);
            assert!(d.label.starts_with(&format!("{} ", d.count)), "{d:?}");
            assert!(
                impact.summary.contains(&d.label),
                "{d:?} not in {}",
                impact.summary
            );
        }
        let apps = impact
            .deleted
            .iter()
            .find(|d| d.kind == "app_access")
            .unwrap();
        assert_eq!(apps.count, grants);
    }

    #[test]
    fn safety_archives_are_deleted_after_thirty_days() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("org.sqlite");
        let clock = crate::base::clock::ManualClock::new(chrono::Utc::now());
        let mut org = Org::open(&path, std::sync::Arc::new(clock.clone())).unwrap();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_with_all_data(&org);
        let receipt = org
            .remove_license(admin, &RemoveLicense::of(&user))
            .unwrap();
        drop(org);
        // A file lost (a power cut before it reached the disk, or deleted by hand) is
        // written again, byte for byte, from the copy the removal stored in its transaction.
        let archive = std::path::Path::new(&receipt.safety_archive.path);
        std::fs::remove_file(archive).unwrap();
        clock.advance(Duration::days(29));
        let mut org = Org::open(&path, std::sync::Arc::new(clock.clone())).unwrap();
        assert!(
            !archive.exists(),
            "opening alone touches no file outside the database"
        );
        sign_in(&mut org, "dana.reyes");
        let restored = std::fs::read(archive).unwrap();
        assert_eq!(bundle::sha256_hex(&restored), receipt.safety_archive.sha256);
        drop(org);
        clock.advance(Duration::days(2));
        let mut org = Org::open(&path, std::sync::Arc::new(clock.clone())).unwrap();
        assert!(
            archive.exists(),
            "opening alone touches no file outside the database"
        );
        sign_in(&mut org, "dana.reyes");
        assert!(!archive.exists());
        let listed = org.safety_archives(admin, user.id).unwrap();
        assert!(!listed[0].present);
        let stored: i64 = org
            .conn()
            .query_row("SELECT count(zip) FROM safety_archives", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stored, 0, "the stored copy is deleted with the file");
    }

    /// Every table `release_data_in` writes or its triggers keep, search side tables included.
    const RELEASED_TABLES: &[&str] = &[
        "users",
        "seats",
        "seat_tallies",
        "phone_numbers",
        "user_texts",
        "user_prefixes",
        "call_history",
        "forwarding_rules",
        "voicemail_settings",
        "voicemails",
        "voicemail_greetings",
        "device_activations",
        "app_access",
        "call_recordings",
    ];

    /// The trigram index's entries (it keeps no texts: its vocabulary is read) and what a few
    /// searches of extensions and numbers find.
    fn search_entries(org: &Org, admin: Actor) -> String {
        let mut out = crate::tests::testing::search_index_entries(org);
        for search in ["1", "20", "201", "+1", "+1512", "555"] {
            let query = directory::UserQuery {
                search: search.to_owned(),
                license: directory::LicenseFilter::Any,
                status: None,
                after: None,
                limit: 500,
            };
            let ids: Vec<i64> = org
                .search_users(admin, &query)
                .unwrap()
                .users
                .iter()
                .map(|u| u.id)
                .collect();
            out.push(format!("{search}: {ids:?}"));
        }
        out.join("\n")
    }

    /// Releasing the data, numbers, extensions and seats of many users in one statement per
    /// table writes exactly what a statement per user and table writes: the rows, the seat
    /// tallies, the search side tables and the trigram index.
    #[test]
    fn releasing_many_users_at_once_writes_what_one_by_one_writes() {
        let (_a, mut one_by_one) = demo_org();
        let (_b, mut at_once) = demo_org();
        let admin = sign_in(&mut one_by_one, "dana.reyes");
        assert_eq!(admin, sign_in(&mut at_once, "dana.reyes"));
        // Licensed users with and without numbers and extensions, and one unlicensed user.
        let mut ids: Vec<i64> = one_by_one
            .conn()
            .prepare("SELECT user_id FROM seats WHERE user_id IS NOT NULL ORDER BY user_id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let licensed = ids.clone();
        ids.push(unlicensed_user(&one_by_one).id);
        let with = |sql: &str| -> i64 {
            let list = users::id_list(&ids);
            one_by_one
                .conn()
                .query_row(sql, [list], |r| r.get(0))
                .unwrap()
        };
        assert!(with("SELECT count(*) FROM phone_numbers WHERE user_id IN (SELECT value FROM json_each(?1))") > 1);
        assert!(with("SELECT count(*) FROM users WHERE extension IS NOT NULL AND id IN (SELECT value FROM json_each(?1))") > 1);
        assert!(with("SELECT count(*) FROM users WHERE extension IS NULL AND id IN (SELECT value FROM json_each(?1))") >= 1);
        let before = snapshot(&at_once, RELEASED_TABLES);
        assert_eq!(before, snapshot(&one_by_one, RELEASED_TABLES));

        let tx = one_by_one.conn_mut().transaction().unwrap();
        for &id in &ids {
            for t in &DELETED_TABLES {
                t.delete(&tx, id).unwrap();
            }
            phone_numbers::release_held_by(&tx, id).unwrap();
            users::set_extension(&tx, id, None).unwrap();
            if licensed.contains(&id) {
                seats::release_held_by(&tx, id).unwrap();
            }
        }
        tx.commit().unwrap();
        let tx = at_once.conn_mut().transaction().unwrap();
        release_data_in(&tx, &ids).unwrap();
        assert_eq!(release_seats_in(&tx, &ids).unwrap(), licensed.len() as u64);
        tx.commit().unwrap();

        let written = snapshot(&at_once, RELEASED_TABLES);
        assert_ne!(written, before, "something was released");
        assert_eq!(written, snapshot(&one_by_one, RELEASED_TABLES));
        assert_eq!(
            search_entries(&at_once, admin),
            search_entries(&one_by_one, admin)
        );
        assert_eq!(directory::stale_user_texts(at_once.conn()).unwrap(), 0);
        // Nobody else was touched, and the lists were used whole.
        let left =
            |org: &Org, sql: &str| -> i64 { org.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            left(
                &at_once,
                "SELECT count(*) FROM phone_numbers WHERE user_id IS NOT NULL"
            ),
            0
        );
        assert!(left(&at_once, "SELECT count(*) FROM call_history") == 0);
        assert_eq!(
            left(
                &at_once,
                "SELECT count(*) FROM seats WHERE user_id IS NOT NULL"
            ),
            0
        );
    }

    #[test]
    fn the_export_file_name_is_first_last_export_date() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_with_all_data(&org);
        let name = org.export_file_name(admin, user.id).unwrap();
        let today = org.now();
        assert_eq!(
            name,
            format!(
                "{}-{}-export-{}.zip",
                user.first_name.to_lowercase(),
                user.last_name.to_lowercase(),
                &today[..10]
            )
        );
    }
}

/// A license removal on both storage engines (docs/ARCHITECTURE.md §Server): the same impact,
/// the same data deleted and kept, and the same safety archive, stored in the database with
/// the removal (on a server the only copy; beside a file also as a ZIP).
#[cfg(all(test, feature = "server"))]
mod on_both_engines {
    use std::collections::BTreeMap;
    use std::io::Read;

    use super::*;
    use crate::tests::engines::{chain_intact, ids, number, same_on_each_engine, Place};
    use crate::tests::testing::sign_in;

    /// A license holder with voicemails and call history.
    const HOLDER_WITH_DATA: &str = "SELECT s.user_id FROM seats s WHERE s.user_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM voicemails v WHERE v.user_id = s.user_id)
        AND EXISTS (SELECT 1 FROM call_history c WHERE c.user_id = s.user_id)
        ORDER BY s.user_id";

    /// The archive's files but its manifest (which names the moment and the audit head):
    /// each CSV's text, each audio file's SHA-256.
    fn archive_files(zip: &[u8]) -> BTreeMap<String, String> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut bytes = Vec::new();
                f.read_to_end(&mut bytes).unwrap();
                let name = f.name().unwrap().to_string();
                let content = match String::from_utf8(bytes) {
                    Ok(text) if name.ends_with(".csv") => text,
                    Ok(text) => bundle::sha256_hex(text.as_bytes()),
                    Err(e) => bundle::sha256_hex(e.as_bytes()),
                };
                (name, content)
            })
            .filter(|(name, _)| name != bundle::MANIFEST)
            .collect()
    }

    #[test]
    fn a_removal_deletes_and_archives_the_same_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let auditor = sign_in(org, "max.weber");
            let user = org.user(admin, ids(org, HOLDER_WITH_DATA)[0]).unwrap();
            let product = user.license.as_ref().unwrap().product_id;
            let available = |org: &Org| {
                let inventory = org.license_inventory(admin).unwrap();
                inventory
                    .iter()
                    .find(|p| p.product_id == product)
                    .unwrap()
                    .available
            };
            let (free_before, recordings) = (
                available(org),
                number(
                    org,
                    "SELECT count(*) FROM call_recordings WHERE user_id = ?1",
                    &[&user.id],
                ),
            );
            let impact = org.removal_impact(admin, user.id).unwrap();
            assert!(impact.voicemails > 0 && impact.call_history > 0, "{engine}");

            let entries = number(org, "SELECT count(*) FROM audit_log", &[]);
            match org.remove_license(auditor, &RemoveLicense::of(&user)) {
                Err(Error::PermissionDenied { .. }) => {}
                other => panic!("{engine}: an Auditor's removal gave {other:?}"),
            }
            assert_eq!(
                org.removal_impact(admin, user.id).unwrap(),
                impact,
                "{engine}"
            );
            assert_eq!(
                number(org, "SELECT count(*) FROM audit_log", &[]),
                entries + 1
            );

            let receipt = org
                .remove_license(admin, &RemoveLicense::of(&user))
                .unwrap();
            assert_eq!(receipt.impact, impact, "{engine}");
            let after = &receipt.user;
            assert!(
                after.license.is_none() && after.phone_number.is_none(),
                "{engine}"
            );
            assert!(after.extension.is_none(), "{engine}");
            assert_eq!(available(org), free_before + 1, "{engine}");
            for t in &DELETED_TABLES {
                let left = number(
                    org,
                    &format!("SELECT count(*) FROM {} WHERE user_id = ?1", t.table),
                    &[&user.id],
                );
                assert_eq!(left, 0, "{engine}: {} left", t.table);
            }
            let kept = number(
                org,
                "SELECT count(*) FROM call_recordings WHERE user_id = ?1",
                &[&user.id],
            );
            assert_eq!(kept, recordings, "{engine}: recordings are kept");

            // The stored archive is the one the receipt names.
            let stored: Vec<u8> = org
                .engine
                .read(|db| {
                    db.query_one(
                        "SELECT zip FROM safety_archives WHERE user_id = ?1",
                        &[&user.id],
                        |r| r.get(0),
                    )
                })
                .unwrap();
            assert_eq!(bundle::sha256_hex(&stored), receipt.safety_archive.sha256);
            let name = std::path::Path::new(&receipt.safety_archive.path);
            match place {
                Place::File(_) => assert_eq!(std::fs::read(name).unwrap(), stored),
                Place::Server(_) => {
                    assert!(name.is_relative() && !name.exists(), "{engine}: {name:?}")
                }
            }
            let removed = number(
                org,
                "SELECT count(*) FROM audit_log WHERE action = 'license.remove'
                 AND outcome = 'ok' AND target_user_id = ?1",
                &[&user.id],
            );
            assert_eq!(removed, 1, "{engine}");
            assert!(chain_intact(org), "{engine}");

            // Both engines archive the same rows and audio, byte for byte.
            let files = archive_files(&stored);
            assert!(files.keys().any(|f| f.starts_with("audio/")), "{files:?}");
            files
        });
    }

    #[test]
    fn an_export_writes_the_same_files_on_both_engines() {
        same_on_each_engine(|org, place| {
            let engine = place.engine();
            let admin = sign_in(org, "dana.reyes");
            let auditor = sign_in(org, "max.weber");
            let user = org.user(admin, ids(org, HOLDER_WITH_DATA)[0]).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let dest = dir.path().join("export.zip");
            let entries = number(org, "SELECT count(*) FROM audit_log", &[]);
            let e = org
                .export_user_data(auditor, user.id, &dest, &mut crate::Unwatched)
                .unwrap_err();
            assert_eq!(e.code(), "permission_denied", "{engine}");
            assert!(!dest.exists(), "{engine}: a refusal writes no file");
            let receipt = org
                .export_user_data(admin, user.id, &dest, &mut crate::Unwatched)
                .unwrap();
            let bytes = std::fs::read(&dest).unwrap();
            assert_eq!(bundle::sha256_hex(&bytes), receipt.sha256, "{engine}");
            assert_eq!(
                number(
                    org,
                    "SELECT count(*) FROM audit_log WHERE action = 'user.export' AND outcome = 'ok'
                     AND target_user_id = ?1",
                    &[&user.id],
                ),
                1,
                "{engine}"
            );
            assert_eq!(
                number(org, "SELECT count(*) FROM audit_log", &[]),
                entries + 2,
                "{engine}: the refusal and the export"
            );
            // The user keeps everything: an export deletes nothing.
            assert!(org.user(admin, user.id).unwrap().license.is_some());
            archive_files(&bytes)
        });
    }
}
