//! Putting a removed license and its data back from the safety archive its removal wrote
//! (docs/ARCHITECTURE.md §Restore), and reactivating an offboarded user the same way.
//!
//! The archive is read as hostile input: a file on disk can be replaced by anyone who can
//! write the folder, and a stored copy travels with an organization file that can come from
//! anyone. So its SHA-256 must match the one recorded in the same transaction as the removal,
//! its size and every entry's are bounded, only the entries a removal writes are accepted,
//! every CSV header must be exactly the one written, ids in it are never reused (rows get new
//! ids, and the user is the archive's row's, not the file's), and every value goes through
//! the tables' own types and CHECK constraints.
//!
//! The preview is the restore itself run in a transaction that is rolled back
//! ([`Org::dry_run`]): what it says comes back is what comes back.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::domain::billing::{purchase_in, purchase_plan, CostPreview, SeatChange};
use crate::domain::licenses::inventory::assign_in;
use crate::domain::licenses::removal::DeletedKind;
use crate::domain::setup::forwarding::{destination_exists, loop_path};
use crate::domain::setup::numbers::{self, SetNumbers};
use crate::domain::users::bundle::{sha256_hex, MANIFEST};
use crate::domain::users::directory::{self, UserDetail, UserStatus};
use crate::domain::users::user_data::{DeletedTable, DELETED_TABLES};
use crate::kernel::action::Action;
use crate::kernel::audit::AuditEntry;
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::engine::Sql;
use crate::storage::tables::{
    device_activations, phone_numbers, products, safety_archives, seat_tallies, users,
};
use crate::storage::user_rows;

/// The largest archive read (the file or its stored copy).
pub const MAX_ARCHIVE_BYTES: u64 = 256 * 1024 * 1024;
/// The most entries an archive may hold.
const MAX_ENTRIES: usize = 50_000;
/// The largest entry, uncompressed (a CSV or one audio file).
const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// All entries together, uncompressed (a ZIP bomb stops here).
const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// The most rows one CSV may hold.
const MAX_ROWS: usize = 200_000;
/// Columns that hold NULL when their cell is empty (every other empty cell is the empty text).
const NULLABLE: &[&str] = &["rings", "model", "mac_address"];
/// Columns an archive holds but a restore never takes: rows get new ids and belong to the
/// user of the archive's own row.
const IDS: &[&str] = &["id", "user_id"];

/// The extension or number a user held when the archive was written, and what happens to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NumberOutcome {
    /// What the user held then (None: nothing to give back).
    pub archived: Option<String>,
    /// Who holds it now, when someone does.
    pub holder: Option<String>,
    /// A free one offered instead when it is taken (or gone from the pool).
    pub suggested: Option<String>,
    /// What the restore gives the user with the default choice.
    pub restored: Option<String>,
    /// One sentence for the preview.
    pub note: String,
}

/// What restoring one user's archive brings back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UserRestore {
    #[ts(type = "number")]
    pub archive_id: i64,
    #[ts(type = "number")]
    pub user_id: i64,
    pub user_name: String,
    /// The version the restore request must name.
    #[ts(type = "number")]
    pub expected_version: i64,
    pub product_name: String,
    /// A seat of the product is free now (otherwise one must be purchased).
    pub seat_free: bool,
    /// Each kind of data and how many rows come back, in the removal's order.
    pub counts: Vec<DeletedKind>,
    pub extension: NumberOutcome,
    pub phone_number: NumberOutcome,
    /// What is left out and why (a forwarding rule that would now loop, a desk phone whose MAC
    /// address another user activated since), one sentence each.
    pub left_out: Vec<String>,
}

/// What a restore brings back: one line per user (several for a bulk removal), and the seats
/// to purchase when too few are free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RestorePreview {
    pub users: Vec<UserRestore>,
    /// One purchase per product short of seats (needs billing.manage to go on).
    pub purchases: Vec<CostPreview>,
    /// The preview in one paragraph, for the native confirmation.
    pub summary: String,
}

impl RestorePreview {
    /// The request that keeps every default of this preview (the archived extension and
    /// number where they are free, else the suggested ones): what the dialog sends when the
    /// admin changes nothing.
    pub fn request_with_defaults(
        &self,
        archive_id: i64,
        whole_batch: bool,
        purchase_seats: bool,
    ) -> RestoreRequest {
        RestoreRequest {
            archive_id,
            whole_batch,
            choices: self
                .users
                .iter()
                .map(|u| RestoreChoice {
                    archive_id: u.archive_id,
                    expected_version: u.expected_version,
                    extension: u.extension.restored.clone(),
                    phone_number: u.phone_number.restored.clone(),
                })
                .collect(),
            purchase_seats,
        }
    }
}

/// The admin's choice for one user of the restore: which extension and number to give back
/// (the archived ones when free, a suggested one, or none).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct RestoreChoice {
    #[ts(type = "number")]
    pub archive_id: i64,
    #[ts(type = "number")]
    pub expected_version: i64,
    pub extension: Option<String>,
    pub phone_number: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RestoreRequest {
    /// The archive whose button was pressed.
    #[ts(type = "number")]
    pub archive_id: i64,
    /// Restore every archive of that archive's bulk removal, not only this one.
    pub whole_batch: bool,
    /// One per archive restored.
    pub choices: Vec<RestoreChoice>,
    /// Buy the seats that are missing (needs billing.manage); without it, a missing seat
    /// refuses the restore.
    pub purchase_seats: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ArchiveRestoreReceipt {
    pub users: Vec<UserRestore>,
    pub purchases: Vec<CostPreview>,
    /// The status message.
    pub message: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReactivateUser {
    #[ts(type = "number")]
    pub user_id: i64,
    #[ts(type = "number")]
    pub expected_version: i64,
    /// The restore of the offboarding's archive, when there is one to restore.
    pub restore: Option<RestoreRequest>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReactivationPreview {
    #[ts(type = "number")]
    pub user_id: i64,
    pub user_name: String,
    /// The offboarding's archive, restored with the reactivation (None: just active again).
    pub restore: Option<RestorePreview>,
    /// Why nothing comes back, when nothing does ("the archive expired on …").
    pub note: Option<String>,
    /// The preview in one paragraph, for the native confirmation.
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReactivationReceipt {
    pub user: UserDetail,
    pub restore: Option<ArchiveRestoreReceipt>,
    pub message: String,
}

fn damaged(reason: impl Into<String>) -> Error {
    Error::ArchiveDamaged {
        reason: reason.into(),
    }
}

fn unusable(reason: impl Into<String>) -> Error {
    Error::ArchiveUnusable {
        reason: reason.into(),
    }
}

/// One archived row: its values for the restored columns, and its audio.
struct ArchivedRow {
    values: Vec<Option<String>>,
    audio: Option<Vec<u8>>,
}

/// An archive's tables, checked.
struct Contents {
    license: Option<String>,
    extension: Option<String>,
    phone_number: Option<String>,
    /// In DELETED_TABLES' order.
    tables: Vec<Vec<ArchivedRow>>,
}

/// The columns of `t` a restore writes: every archived column but the ids.
fn restored_columns(t: &DeletedTable) -> Vec<&'static str> {
    t.columns
        .iter()
        .copied()
        .filter(|c| !IDS.contains(c))
        .collect()
}

fn column(t: &DeletedTable, row: &ArchivedRow, name: &str) -> Option<String> {
    let i = restored_columns(t).iter().position(|c| *c == name)?;
    row.values[i].clone()
}

/// The archive's checked contents: from its file in the archive folder, else from the copy
/// stored with the removal. The stored copy is also read when the file does not hold what
/// was archived: archive files are not synced (the stored copy is the durable one), so a
/// power cut can tear one.
fn archive_contents(
    conn: Sql<'_>,
    dir: Option<&std::path::Path>,
    a: &safety_archives::StoredArchive,
) -> Result<Contents> {
    // On a server there is no archive folder: the stored copy is the archive.
    let from_file = dir
        .and_then(|dir| archive_file(dir, a))
        .map(|bytes| read_archive(&bytes?, &a.sha256));
    if let Some(Ok(contents)) = from_file {
        return Ok(contents);
    }
    // The stored copy is read only now: a whole ZIP out of the database.
    match (safety_archives::stored_copy_if_any(conn, a.id)?, from_file) {
        (Some(copy), _) => read_archive(&copy, &a.sha256),
        (None, Some(Err(e))) => Err(e),
        (None, _) => Err(unusable("its file is gone and no copy of it is stored")),
    }
}

/// The bytes of the archive's file; None when it has none (missing, or a name refused).
fn archive_file(
    dir: &std::path::Path,
    a: &safety_archives::StoredArchive,
) -> Option<Result<Vec<u8>>> {
    let path = crate::domain::licenses::safety_archive::resolve(dir, &a.path).ok()?;
    let meta = std::fs::metadata(&path).ok().filter(|m| m.is_file())?;
    if meta.len() > MAX_ARCHIVE_BYTES {
        return Some(Err(damaged(format!(
            "it is larger than {} MB",
            MAX_ARCHIVE_BYTES / 1024 / 1024
        ))));
    }
    let mut bytes = Vec::new();
    Some(
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_ARCHIVE_BYTES + 1).read_to_end(&mut bytes))
            .map(|_| bytes)
            .map_err(|e| Error::Io {
                path: path.display().to_string(),
                cause: e.to_string(),
            }),
    )
}

/// Reads and checks an archive: see the module's comment for what is refused.
fn read_archive(bytes: &[u8], expected_sha256: &str) -> Result<Contents> {
    if bytes.len() as u64 > MAX_ARCHIVE_BYTES {
        return Err(damaged(format!(
            "it is larger than {} MB",
            MAX_ARCHIVE_BYTES / 1024 / 1024
        )));
    }
    if sha256_hex(bytes) != expected_sha256 {
        return Err(damaged(
            "its SHA-256 checksum differs from the one recorded when it was written (it was changed since)",
        ));
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| damaged(format!("it is not a readable ZIP file ({e})")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(damaged(format!("it holds more than {MAX_ENTRIES} files")));
    }
    let mut expected: HashSet<String> = DELETED_TABLES
        .iter()
        .map(|t| format!("{}.csv", t.table))
        .collect();
    expected.insert(MANIFEST.to_owned());
    let mut entries: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| damaged(format!("entry {} cannot be read ({e})", i + 1)))?;
        let name = f
            .name()
            .map_err(|e| damaged(format!("entry {} has no readable name ({e})", i + 1)))?
            .into_owned();
        let is_audio = name
            .strip_prefix("audio/")
            .and_then(|n| n.strip_suffix(".wav"))
            .and_then(|n| n.rsplit_once('-'))
            .is_some_and(|(table, key)| {
                DELETED_TABLES
                    .iter()
                    .any(|t| t.table == table && t.audio.is_some())
                    && !key.is_empty()
                    && key.chars().all(|c| c.is_ascii_digit())
            });
        if !expected.contains(&name) && !is_audio {
            return Err(damaged(format!(
                "it holds {name:?}, which no removal writes"
            )));
        }
        if !f.is_file() || f.size() > MAX_ENTRY_BYTES {
            return Err(damaged(format!("{name} is not a file of at most 64 MB")));
        }
        let mut data = Vec::new();
        (&mut f)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut data)
            .map_err(|e| damaged(format!("{name} cannot be read ({e})")))?;
        total += data.len() as u64;
        if data.len() as u64 > MAX_ENTRY_BYTES || total > MAX_TOTAL_BYTES {
            return Err(damaged(format!("{name} unpacks to more than it may")));
        }
        if entries.insert(name.clone(), data).is_some() {
            return Err(damaged(format!("it holds {name} twice")));
        }
    }
    for name in &expected {
        if !entries.contains_key(name) {
            return Err(damaged(format!("{name} is missing")));
        }
    }
    let manifest: serde_json::Value = serde_json::from_slice(&entries[MANIFEST])
        .map_err(|e| damaged(format!("{MANIFEST} is not JSON ({e})")))?;
    if manifest["format"] != "licensedesk-user-data" || manifest["format_version"] != 1 {
        return Err(damaged(format!(
            "{MANIFEST} does not describe a LicenseDesk user data archive of a known version"
        )));
    }
    // Every file listed with its checksum, and nothing unlisted.
    let listed = manifest["files"]
        .as_array()
        .ok_or_else(|| damaged(format!("{MANIFEST} lists no files")))?;
    let mut seen = HashSet::new();
    for f in listed {
        let (Some(path), Some(sha)) = (f["path"].as_str(), f["sha256"].as_str()) else {
            return Err(damaged(format!(
                "{MANIFEST} lists a file without path or checksum"
            )));
        };
        let data = entries
            .get(path)
            .ok_or_else(|| damaged(format!("{MANIFEST} lists {path}, which is missing")))?;
        if sha256_hex(data) != sha || !seen.insert(path.to_owned()) {
            return Err(damaged(format!(
                "{path} differs from its checksum in {MANIFEST}"
            )));
        }
    }
    if seen.len() + 1 != entries.len() {
        return Err(damaged(format!("it holds files {MANIFEST} does not list")));
    }
    let text = |key: &str| -> Result<Option<String>> {
        match &manifest["user"][key] {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(s) if s.len() <= 200 => Ok(Some(s.clone())),
            _ => Err(damaged(format!("{MANIFEST}'s user {key} is not a text"))),
        }
    };
    let (license, extension, phone_number) =
        (text("license")?, text("extension")?, text("phone_number")?);
    let mut used_audio = 0;
    let mut tables = Vec::with_capacity(DELETED_TABLES.len());
    for t in &DELETED_TABLES {
        let name = format!("{}.csv", t.table);
        let mut header: Vec<&str> = t.columns.to_vec();
        if t.audio.is_some() {
            header.push("audio_file");
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(entries[&name].as_slice());
        let mut records = reader.records();
        let first = records
            .next()
            .ok_or_else(|| damaged(format!("{name} has no header")))?
            .map_err(|e| damaged(format!("{name} is not CSV ({e})")))?;
        if first.iter().ne(header.iter().copied()) {
            return Err(damaged(format!(
                "{name}'s header is not \"{}\"",
                header.join(",")
            )));
        }
        let restored = restored_columns(t);
        let mut rows = Vec::new();
        for (n, record) in records.enumerate() {
            let line = n + 2;
            let record = record.map_err(|e| damaged(format!("{name} is not CSV ({e})")))?;
            if record.len() != header.len() {
                return Err(damaged(format!(
                    "line {line} of {name} has {} cells, not {}",
                    record.len(),
                    header.len()
                )));
            }
            if rows.len() == MAX_ROWS {
                return Err(damaged(format!("{name} has more than {MAX_ROWS} rows")));
            }
            let cell = |i: usize| crate::base::csv_cell::restore(&record[i]).to_owned();
            let values = restored
                .iter()
                .map(|c| {
                    let i = t.columns.iter().position(|x| x == c).expect("a column");
                    let v = cell(i);
                    (!(v.is_empty() && NULLABLE.contains(c))).then_some(v)
                })
                .collect();
            let audio = match t.audio {
                None => None,
                Some(_) => {
                    let file = cell(header.len() - 1);
                    if file != format!("audio/{}-{}.wav", t.table, cell(0)) {
                        return Err(damaged(format!(
                            "line {line} of {name} names the audio file {file:?}, not its own"
                        )));
                    }
                    let audio = entries.get(&file).ok_or_else(|| {
                        damaged(format!(
                            "{file}, named on line {line} of {name}, is missing"
                        ))
                    })?;
                    used_audio += 1;
                    Some(audio.clone())
                }
            };
            rows.push(ArchivedRow { values, audio });
        }
        if manifest["counts"][t.table] != json!(rows.len()) {
            return Err(damaged(format!(
                "{name} has {} rows and {MANIFEST} counts another number",
                rows.len()
            )));
        }
        tables.push(rows);
    }
    // Every audio file belongs to exactly one row (a row names its own file, so none twice).
    if used_audio + DELETED_TABLES.len() + 1 != entries.len() {
        return Err(damaged("it holds audio files that no row names"));
    }
    Ok(Contents {
        license,
        extension,
        phone_number,
        tables,
    })
}

/// The archives a request restores: the one named, or its whole bulk removal.
fn archives_of(
    conn: Sql<'_>,
    archive_id: i64,
    whole_batch: bool,
) -> Result<Vec<safety_archives::StoredArchive>> {
    let a = safety_archives::get(conn, archive_id)?.ok_or(Error::NotFound {
        what: "Safety archive",
        id: archive_id,
    })?;
    match a.batch_id {
        Some(batch) if whole_batch => safety_archives::of_batch(conn, batch),
        _ => Ok(vec![a]),
    }
}

/// Why the archive cannot be restored at `now` (expired, restored), or Ok.
fn check_restorable(
    a: &safety_archives::StoredArchive,
    user: &UserDetail,
    now: &str,
) -> Result<()> {
    if let Some(at) = &a.restored_at {
        return Err(unusable(format!(
            "{}'s archive of {} was already restored on {}{}",
            user.full_name(),
            &a.created_at[..10.min(a.created_at.len())],
            &at[..10.min(at.len())],
            a.restored_by
                .as_ref()
                .map(|by| format!(" by {by}"))
                .unwrap_or_default()
        )));
    }
    if a.expires_at.as_str() < now {
        return Err(unusable(format!(
            "{}'s archive expired on {}: safety archives are kept {} days, and its data is deleted",
            user.full_name(),
            &a.expires_at[..10.min(a.expires_at.len())],
            crate::domain::licenses::removal::SAFETY_ARCHIVE_DAYS
        )));
    }
    if let Some(held) = &user.license {
        return Err(unusable(format!(
            "{} holds a {} license now. Remove it first (its data goes to a safety archive of its own), then restore this archive",
            user.full_name(),
            held.product_name
        )));
    }
    Ok(())
}

/// What happens to an archived extension: back when free, else the holder named and a
/// suggestion offered.
fn extension_outcome(
    conn: Sql<'_>,
    user: &UserDetail,
    archived: Option<String>,
) -> Result<NumberOutcome> {
    let Some(ext) = archived else {
        return Ok(NumberOutcome {
            archived: None,
            holder: None,
            suggested: None,
            restored: None,
            note: "No extension to give back.".to_owned(),
        });
    };
    Ok(match users::extension_holder(conn, &ext)? {
        None => NumberOutcome {
            note: format!("Extension {ext} comes back."),
            restored: Some(ext.clone()),
            archived: Some(ext),
            holder: None,
            suggested: None,
        },
        Some((_, holder)) => {
            let suggested = numbers::suggest(conn, user.id).ok();
            NumberOutcome {
                note: format!(
                    "Extension {ext} is now {holder}'s: {}.",
                    match &suggested {
                        Some(s) => format!("{} gets {s} instead, or none", user.first_name),
                        None => format!("{} gets none", user.first_name),
                    }
                ),
                restored: suggested.clone(),
                archived: Some(ext),
                holder: Some(holder),
                suggested,
            }
        }
    })
}

fn number_outcome(
    conn: Sql<'_>,
    user: &UserDetail,
    archived: Option<String>,
) -> Result<NumberOutcome> {
    let Some(number) = archived else {
        return Ok(NumberOutcome {
            archived: None,
            holder: None,
            suggested: None,
            restored: None,
            note: "No phone number to give back.".to_owned(),
        });
    };
    let site = users::site_id(conn, user.id)?;
    let pool = phone_numbers::in_pool(conn, &number)?;
    if let Some(p) = &pool {
        if p.holder.is_none() && p.site_id == site {
            return Ok(NumberOutcome {
                note: format!("Number {number} comes back."),
                restored: Some(number.clone()),
                archived: Some(number),
                holder: None,
                suggested: None,
            });
        }
    }
    let holder = pool.and_then(|p| p.holder).map(|(_, name)| name);
    let suggested = phone_numbers::free_in_site_of(conn, user.id)?
        .into_iter()
        .next();
    let why = match &holder {
        Some(h) => format!("Number {number} is now {h}'s"),
        None => format!(
            "Number {number} is no longer in the {} site's pool",
            user.site
        ),
    };
    Ok(NumberOutcome {
        note: format!(
            "{why}: {}.",
            match &suggested {
                Some(s) => format!("{} gets {s} instead, or none", user.first_name),
                None => format!(
                    "{} gets none (the site has no free number)",
                    user.first_name
                ),
            }
        ),
        restored: suggested.clone(),
        archived: Some(number),
        holder,
        suggested,
    })
}

/// One user's archive, checked and read, with the product it names.
struct Loaded {
    archive: safety_archives::StoredArchive,
    user: UserDetail,
    contents: Contents,
    product_id: i64,
    product_name: String,
}

fn load(
    conn: Sql<'_>,
    dir: Option<&std::path::Path>,
    archive: safety_archives::StoredArchive,
    now: &str,
) -> Result<Loaded> {
    let user = directory::user_detail(conn, archive.user_id)?;
    check_restorable(&archive, &user, now)?;
    let contents = archive_contents(conn, dir, &archive)?;
    let product_name = contents
        .license
        .clone()
        .ok_or_else(|| damaged("its manifest names no license"))?;
    let product_id = products::id_by_name(conn, &product_name)?.ok_or_else(|| {
        unusable(format!(
            "the {product_name} product it names no longer exists in this organization"
        ))
    })?;
    Ok(Loaded {
        archive,
        user,
        contents,
        product_id,
        product_name,
    })
}

/// The seats missing per product for these users, and the purchases that would cover them.
fn shortfalls(
    conn: Sql<'_>,
    loaded: &[Loaded],
    today: NaiveDate,
) -> Result<Vec<(SeatChange, CostPreview)>> {
    let mut needed: BTreeMap<i64, i64> = BTreeMap::new();
    for l in loaded {
        *needed.entry(l.product_id).or_default() += 1;
    }
    let mut out = Vec::new();
    for (product_id, n) in needed {
        let free = seat_tallies::available(conn, product_id)?;
        if n > free {
            let req = SeatChange {
                product_id,
                quantity: (n - free).to_string(),
            };
            let plan = purchase_plan(conn, today, &req)?;
            out.push((req, plan));
        }
    }
    Ok(out)
}

/// How a restore runs: for the preview (defaults, seats bought regardless, nothing checked
/// beyond the preview's permission) or for real (the admin's choices and permissions).
enum Mode<'a> {
    Preview,
    Apply(&'a RestoreRequest),
}

/// Restores every archive the request names inside `tx`, with the audit entries; the caller
/// bumps nothing (each user's version is bumped here). Refuses, changing nothing, when any
/// archive cannot be restored.
fn restore_in(
    tx: Sql<'_>,
    ctx: &ChangeContext<'_>,
    dir: Option<&std::path::Path>,
    today: NaiveDate,
    archive_id: i64,
    whole_batch: bool,
    mode: Mode<'_>,
) -> Result<(Vec<UserRestore>, Vec<CostPreview>)> {
    let loaded = archives_of(tx, archive_id, whole_batch)?
        .into_iter()
        .map(|a| load(tx, dir, a, ctx.now))
        .collect::<Result<Vec<_>>>()?;
    let short = shortfalls(tx, &loaded, today)?;
    let mut purchases = Vec::new();
    let free_before: BTreeMap<i64, i64> = loaded
        .iter()
        .map(|l| Ok((l.product_id, seat_tallies::available(tx, l.product_id)?)))
        .collect::<Result<_>>()?;
    if !short.is_empty() {
        if let Mode::Apply(req) = &mode {
            if !req.purchase_seats {
                let (_, plan) = &short[0];
                return Err(Error::NoLicenseAvailable {
                    product: plan.product_name.clone(),
                });
            }
            ctx.require(tx, Permission::BillingManage)?;
        }
        for (req, _) in &short {
            purchases.push(purchase_in(tx, ctx, today, req)?);
        }
    }
    let mut taken: BTreeMap<i64, i64> = BTreeMap::new();
    let mut out = Vec::with_capacity(loaded.len());
    for l in loaded {
        let user = &l.user;
        let nth = taken.entry(l.product_id).or_default();
        *nth += 1;
        let seat_free = *nth <= free_before[&l.product_id];
        let extension = extension_outcome(tx, user, l.contents.extension.clone())?;
        let phone_number = number_outcome(tx, user, l.contents.phone_number.clone())?;
        let (ext_choice, number_choice) = match &mode {
            Mode::Preview => (extension.restored.clone(), phone_number.restored.clone()),
            Mode::Apply(req) => {
                let choice = req
                    .choices
                    .iter()
                    .find(|c| c.archive_id == l.archive.id)
                    .ok_or_else(|| {
                        Error::invalid(
                            Field::User,
                            format!("say what {} gets back.", user.full_name()),
                        )
                    })?;
                directory::check_version(tx, user, choice.expected_version)?;
                (choice.extension.clone(), choice.phone_number.clone())
            }
        };
        assign_in(tx, ctx, user, l.product_id)?;
        let licensed = directory::user_detail(tx, user.id)?;
        if ext_choice.is_some() || number_choice.is_some() {
            if matches!(mode, Mode::Apply(_)) {
                ctx.require(tx, Permission::NumbersManage)?;
            }
            numbers::set_numbers_in(
                tx,
                ctx,
                &licensed,
                &SetNumbers {
                    user_id: user.id,
                    expected_version: licensed.version,
                    extension: ext_choice.clone(),
                    phone_number: number_choice.clone(),
                },
            )?;
        }
        let mut left_out = Vec::new();
        let mut counts = Vec::with_capacity(DELETED_TABLES.len());
        for (t, rows) in DELETED_TABLES.iter().zip(&l.contents.tables) {
            let columns = restored_columns(t);
            let mut restored = 0;
            for (n, row) in rows.iter().enumerate() {
                if let Some(why) = left_out_reason(tx, user, t, row)? {
                    left_out.push(why);
                    continue;
                }
                user_rows::insert(
                    tx,
                    t.table,
                    &columns,
                    user.id,
                    &row.values,
                    t.audio.zip(row.audio.as_deref()),
                )
                .map_err(|e| match refusal_by_table(e) {
                    Ok(cause) => damaged(format!(
                        "row {} of {}.csv is refused by the {} table ({cause})",
                        n + 1,
                        t.table,
                        t.table
                    )),
                    Err(e) => e,
                })?;
                restored += 1;
            }
            counts.push(DeletedKind {
                kind: t.table.to_owned(),
                label: t.describe(restored),
                count: restored,
            });
        }
        if !l.contents.tables[DELETED_TABLES
            .iter()
            .position(|t| t.table == "voicemail_settings")
            .expect("voicemail settings are archived")]
        .is_empty()
        {
            left_out.push("The voicemail PIN (archives never hold it): set a new one.".to_owned());
        }
        if !safety_archives::mark_restored(tx, l.archive.id, ctx.now, ctx.account.id)? {
            return Err(unusable("it was restored meanwhile"));
        }
        let label = user.full_name();
        let mut entry = AuditEntry::new(Action::LicenseRestore.key());
        entry.target_user_id = Some(user.id);
        entry.target_label = Some(&label);
        entry.before = Some(json!({ "license": null }));
        entry.after = Some(json!({
            "license": l.product_name,
            "safety_archive_id": l.archive.id,
            "restored": counts.iter().map(|d| (d.kind.clone(), json!(d.count))).collect::<serde_json::Map<_, _>>(),
            "extension": ext_choice,
            "phone_number": number_choice,
            "left_out": left_out,
        }));
        ctx.audit(tx, &entry)?;
        directory::bump_version(tx, user.id, ctx)?;
        out.push(UserRestore {
            archive_id: l.archive.id,
            user_id: user.id,
            user_name: user.full_name(),
            expected_version: user.version,
            product_name: l.product_name,
            seat_free,
            counts,
            extension,
            phone_number,
            left_out,
        });
    }
    Ok((out, purchases))
}

/// The cause when a table refused an archived value (a type, CHECK or constraint), on
/// either engine; any other error as it is.
fn refusal_by_table(e: Error) -> std::result::Result<String, Error> {
    match e {
        Error::Database(e) => Ok(e.to_string()),
        // Data exceptions (22) and integrity constraint violations (23).
        Error::Server { sqlstate, message }
            if sqlstate.starts_with("22") || sqlstate.starts_with("23") =>
        {
            Ok(message)
        }
        e => Err(e),
    }
}

/// Why an archived row stays out, when it does: a forwarding rule that would loop or whose
/// destination is gone, a desk phone whose MAC address is now another user's.
fn left_out_reason(
    conn: Sql<'_>,
    user: &UserDetail,
    t: &DeletedTable,
    row: &ArchivedRow,
) -> Result<Option<String>> {
    match t.table {
        "forwarding_rules" => {
            let condition = column(t, row, "condition").unwrap_or_default();
            let destination = column(t, row, "destination").unwrap_or_default();
            let rule = format!(
                "The forwarding rule \"{}\" to {destination}",
                condition.replace('_', " ")
            );
            if !destination_exists(conn, &destination)? {
                return Ok(Some(format!("{rule}: no user has that extension now.")));
            }
            Ok(loop_path(conn, user.id, &destination)?
                .map(|path| format!("{rule}: it would send calls in a loop ({path}).")))
        }
        "device_activations" => {
            let Some(mac) = column(t, row, "mac_address") else {
                return Ok(None);
            };
            Ok(
                device_activations::mac_address_holder(conn, &mac)?.map(|holder| {
                    format!(
                        "The desk phone {mac} ({}): {holder} has activated it since.",
                        column(t, row, "label").unwrap_or_default()
                    )
                }),
            )
        }
        _ => Ok(None),
    }
}

fn summary(users: &[UserRestore], purchases: &[CostPreview]) -> String {
    let mut parts = Vec::new();
    for u in users {
        let counts: Vec<&str> = u
            .counts
            .iter()
            .filter(|c| c.count > 0)
            .map(|c| c.label.as_str())
            .collect();
        parts.push(format!(
            "{} gets the {} license back{}. {} {}{}",
            u.user_name,
            u.product_name,
            if counts.is_empty() {
                " (no data was archived)".to_owned()
            } else {
                format!(" with {}", counts.join(", "))
            },
            u.extension.note,
            u.phone_number.note,
            if u.left_out.is_empty() {
                String::new()
            } else {
                format!(" Left out: {}", u.left_out.join(" "))
            }
        ));
    }
    for p in purchases {
        parts.push(format!(
            "No free {} seat: {}",
            p.product_name,
            p.purchase_question().replace("\n\n", " ")
        ));
    }
    parts.join("\n\n")
}

impl Org {
    /// What restoring the archive (or its whole bulk removal) brings back, as the restore
    /// itself computes it in a transaction that is rolled back.
    pub fn restore_preview(
        &mut self,
        actor: Actor,
        archive_id: i64,
        whole_batch: bool,
    ) -> Result<RestorePreview> {
        self.settle_due_cancellations()?;
        let (dir, today) = (self.archive_folder(), self.today());
        self.dry_run(actor, Permission::LicensesAssign, |tx, ctx| {
            let (users, purchases) = restore_in(
                tx,
                ctx,
                dir.as_deref(),
                today,
                archive_id,
                whole_batch,
                Mode::Preview,
            )?;
            Ok(RestorePreview {
                summary: summary(&users, &purchases),
                users,
                purchases,
            })
        })
    }

    /// Puts the license and data of the archive (or of its whole bulk removal) back, in one
    /// audited transaction; every archive restored is marked so. All or nothing.
    pub fn restore_from_archive(
        &mut self,
        actor: Actor,
        req: &RestoreRequest,
    ) -> Result<ArchiveRestoreReceipt> {
        self.settle_due_cancellations()?;
        let (dir, today) = (self.archive_folder(), self.today());
        self.change_sql(actor, Action::LicenseRestore, |tx, ctx| {
            let (users, purchases) = restore_in(
                tx,
                ctx,
                dir.as_deref(),
                today,
                req.archive_id,
                req.whole_batch,
                Mode::Apply(req),
            )?;
            let message = match users.as_slice() {
                [one] => format!(
                    "Restored {}'s {} license and data.",
                    one.user_name, one.product_name
                ),
                many => format!("Restored the licenses and data of {} users.", many.len()),
            };
            Ok(ArchiveRestoreReceipt {
                users,
                purchases,
                message,
            })
        })
    }

    /// What reactivating an offboarded user brings back: the offboarding's archive through the
    /// restore's preview, or nothing (then the user is only made active again).
    pub fn reactivation_preview(
        &mut self,
        actor: Actor,
        user_id: i64,
    ) -> Result<ReactivationPreview> {
        self.settle_due_cancellations()?;
        let (dir, today, now) = (self.archive_folder(), self.today(), self.now());
        self.dry_run(actor, Permission::UsersEdit, |tx, ctx| {
            let user = directory::user_detail(tx, user_id)?;
            check_reactivatable(&user)?;
            let archive = match user.license {
                Some(_) => None,
                None => safety_archives::newest_unrestored_of_user(tx, user_id)?,
            };
            let (restore, note) = match archive {
                None if user.license.is_some() => (None, Some(format!(
                    "{} holds a license already: the user is only made active again.",
                    user.full_name()
                ))),
                None => (None, Some("No safety archive to restore: the user is only made active again.".to_owned())),
                Some(id) => {
                    let a = safety_archives::get(tx, id)?.expect("just found");
                    if a.expires_at < now {
                        (None, Some(format!(
                            "The offboarding's safety archive expired on {}: the user is only made active again.",
                            &a.expires_at[..10.min(a.expires_at.len())]
                        )))
                    } else {
                        ctx.require(tx, Permission::LicensesAssign)?;
                        let (users, purchases) =
                            restore_in(tx, ctx, dir.as_deref(), today, id, false, Mode::Preview)?;
                        (Some(RestorePreview { summary: summary(&users, &purchases), users, purchases }), None)
                    }
                }
            };
            let name = user.full_name();
            let summary = match &restore {
                Some(r) => format!("{name} becomes active again.\n\n{}", r.summary),
                None => format!("{name} becomes active again. {}", note.clone().unwrap_or_default()),
            };
            Ok(ReactivationPreview {
                user_id,
                user_name: name,
                restore,
                note,
                summary,
            })
        })
    }

    /// Makes an offboarded user active again and, when asked, restores the offboarding's
    /// archive in the same transaction (all or nothing, audited).
    pub fn reactivate_user(
        &mut self,
        actor: Actor,
        req: &ReactivateUser,
    ) -> Result<ReactivationReceipt> {
        self.settle_due_cancellations()?;
        let (dir, today) = (self.archive_folder(), self.today());
        self.change_sql(actor, Action::UserReactivate, |tx, ctx| {
            let user = directory::user_detail(tx, req.user_id)?;
            directory::check_version(tx, &user, req.expected_version)?;
            check_reactivatable(&user)?;
            let restore = match &req.restore {
                None => None,
                Some(r) => {
                    let a = safety_archives::get(tx, r.archive_id)?.ok_or(Error::NotFound {
                        what: "Safety archive",
                        id: r.archive_id,
                    })?;
                    if a.user_id != user.id {
                        return Err(Error::invalid(
                            Field::User,
                            format!("that archive is not {}'s.", user.full_name()),
                        ));
                    }
                    ctx.require(tx, Permission::LicensesAssign)?;
                    let (users, purchases) =
                        restore_in(tx, ctx, dir.as_deref(), today, r.archive_id, false, Mode::Apply(r))?;
                    Some(ArchiveRestoreReceipt {
                        message: format!("Restored the {} license and data.", users[0].product_name),
                        users,
                        purchases,
                    })
                }
            };
            users::activate(tx, user.id)?;
            crate::domain::setup::guard::audit_setup(
                tx,
                ctx,
                Action::UserReactivate.key(),
                &user,
                json!({ "status": user.status }),
                json!({ "status": UserStatus::Active, "restored_archive": req.restore.as_ref().map(|r| r.archive_id) }),
            )?;
            directory::bump_version(tx, user.id, ctx)?;
            let after = directory::user_detail(tx, user.id)?;
            let message = match &restore {
                Some(r) => format!("{} is active again. {}", after.full_name(), r.message),
                None => format!("{} is active again.", after.full_name()),
            };
            Ok(ReactivationReceipt {
                user: after,
                restore,
                message,
            })
        })
    }
}

fn check_reactivatable(user: &UserDetail) -> Result<()> {
    if user.status == UserStatus::Active {
        return Err(Error::invalid(
            Field::Status,
            format!("{} is active already.", user.full_name()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
