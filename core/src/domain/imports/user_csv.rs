//! Users in CSV: the template, the export, and the import (validate, preview, apply).
//!
//! An import adds users and updates the ones it finds by email; it never removes a license,
//! a number or data (that is what bulk Remove and offboarding are for), so a file cannot
//! delete anything by an empty cell. Every row goes through the same rules as the editor.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::base::progress::{step, Progress, Unwatched};
use crate::base::validate;
use crate::domain::editor::new_user::{
    check_values as check_new_user, insert as insert_new_user, NewUser,
};
use crate::domain::imports::columns::{
    recognize, remembered_key, split_display_name, ColumnMapping, ImportField, MappingSource,
};
use crate::domain::imports::input_file::{MAX_CSV_BYTES, MAX_CSV_ROWS};
use crate::domain::imports::phone;
use crate::domain::licenses::change::{move_within_family_in, plan as change_plan, ChangeKind};
use crate::domain::licenses::inventory::{assign_in, free_seats, product_name};
use crate::domain::setup::guard::{audit_setup, require_included, LicenseFacts};
use crate::domain::setup::numbers::{
    check_extension, check_number, NumberDirectory, NumberStanding,
};
use crate::domain::users::directory;
use crate::domain::users::features::Feature;
use crate::kernel::action::Action;
use crate::kernel::audit::{AuditEntry, TextEntry};
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::engine::Sql;
use crate::storage::tables::{phone_numbers, products, seats, sites, users};
use crate::storage::{db, settings};

/// The columns of the template and of the export, in order.
pub const COLUMNS: [&str; 8] = [
    "First name",
    "Last name",
    "Email",
    "Department",
    "Site",
    "Extension",
    "Phone number",
    "License",
];

/// One problem, where a spreadsheet shows it: row 1 is the header (row 0: the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportIssue {
    pub row: u32,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for ImportIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.row {
            0 => write!(f, "{}: {}", self.column, self.message),
            row => write!(f, "row {row}, {}: {}", self.column, self.message),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportLine {
    pub row: u32,
    pub name: String,
    pub email: String,
    /// What happens, e.g. "Extension: 2041 → 2042", "License: Voice Pro".
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SeatNeed {
    pub product: String,
    #[ts(type = "number")]
    pub needed: i64,
    #[ts(type = "number")]
    pub available: i64,
    #[ts(type = "number")]
    pub monthly_price_cents: i64,
}

/// A column of the file: its header, the field it fills, and its first values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FileColumn {
    pub header: String,
    pub field: Option<ImportField>,
    pub samples: Vec<String>,
}

/// Licenses of another system found in the license column, with how many users hold each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OtherLicense {
    pub name: String,
    #[ts(type = "number")]
    pub users: i64,
}

/// What the admin decided for this file; the default recognizes and guesses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(default)]
pub struct ImportChoices {
    /// The field of each of the file's columns, in order; None: recognized, remembered or
    /// guessed.
    pub columns: Option<Vec<Option<ImportField>>>,
    /// The product for the users whose license column names another system's license.
    #[ts(type = "number | null")]
    pub product_for_other_licenses: Option<i64>,
    /// Create the sites the file names that the organization lacks (Super Admin).
    pub create_sites: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportPreview {
    /// The known layout recognized by its header row ("Microsoft 365 admin center user
    /// export"), if any.
    pub layout: Option<String>,
    pub mapping_source: MappingSource,
    pub columns: Vec<FileColumn>,
    /// Sentences about what was read differently from the file ("… split from Display name").
    pub notes: Vec<String>,
    pub other_licenses: Vec<OtherLicense>,
    /// Site names the file uses that the organization does not have.
    pub missing_sites: Vec<String>,
    pub rows: u32,
    pub issues: Vec<ImportIssue>,
    pub new_users: Vec<ImportLine>,
    pub changed_users: Vec<ImportLine>,
    pub unchanged: u32,
    pub seats: Vec<SeatNeed>,
    /// What buying the missing seats would add to the monthly bill.
    #[ts(type = "number")]
    pub missing_seats_monthly_cents: i64,
    /// Nothing stands in the way: apply will do exactly this.
    pub ready: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportReceipt {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
}

/// The cells of one data row, by field (`ImportField as usize`), borrowed from the file as
/// read; absent columns are None. An array of slices, not a map of copies: at 100,000 rows
/// the copies were most of the check's time.
#[derive(Debug)]
struct Record<'t> {
    row: u32,
    cells: [Option<&'t str>; ImportField::ALL.len()],
}

impl<'t> Record<'t> {
    /// The trimmed cell, None when the column is absent or the cell empty.
    fn get(&self, c: ImportField) -> Option<&'t str> {
        self.cells[c as usize]
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// An error's message without the field's name in front.
fn reason(e: &Error) -> String {
    let p = e.payload();
    p.reason.unwrap_or(p.message)
}

fn issue(row: u32, column: &str, message: impl Into<String>) -> ImportIssue {
    ImportIssue {
        row,
        column: column.to_owned(),
        message: message.into(),
    }
}

/// The file as read: its header row and its data rows, each with the row number a
/// spreadsheet shows.
struct CsvTable {
    header: Vec<String>,
    /// The cells as the file has them (one buffer a row); [`cell`] restores each.
    rows: Vec<(u32, csv::StringRecord)>,
}

/// The cell as written before the export neutralized it.
fn cell(row: &csv::StringRecord, i: usize) -> Option<&str> {
    row.get(i).map(crate::base::csv_cell::restore)
}

/// How many of each column's first values the preview shows beside it.
const SAMPLES: usize = 3;

impl CsvTable {
    fn columns(&self, mapping: &ColumnMapping) -> Vec<FileColumn> {
        self.header
            .iter()
            .enumerate()
            .map(|(i, header)| FileColumn {
                header: header.clone(),
                field: mapping.fields.get(i).copied().flatten(),
                samples: self
                    .rows
                    .iter()
                    .filter_map(|(_, cells)| cell(cells, i).map(str::trim))
                    .filter(|c| !c.is_empty())
                    .take(SAMPLES)
                    .map(str::to_owned)
                    .collect(),
            })
            .collect()
    }
}

/// Reads the file: UTF-8 with or without BOM, comma or semicolon, quoted fields with newlines.
fn read_table(bytes: &[u8]) -> std::result::Result<CsvTable, ImportIssue> {
    if bytes.len() as u64 > MAX_CSV_BYTES {
        return Err(issue(
            0,
            "File",
            format!(
                "is {} MB; at most {} MB are allowed. Split it into smaller files.",
                bytes.len() as u64 / (1024 * 1024),
                MAX_CSV_BYTES / (1024 * 1024)
            ),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        issue(
            0,
            "File",
            format!(
            "is not UTF-8 text (byte {} is not); save it from the spreadsheet as \"CSV UTF-8\".",
            e.valid_up_to() + 1
        ),
        )
    })?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        None => {
            return Err(issue(
                0,
                "File",
                "is empty; the first row names the columns.",
            ))
        }
        Some(r) => r
            .map_err(|e| issue(1, "File", format!("cannot be read: {e}")))?
            .iter()
            .map(|c| c.trim().to_owned())
            .collect(),
    };
    let mut rows = Vec::new();
    for (i, row) in records.enumerate() {
        let row_no = i as u32 + 2;
        let row = row.map_err(|e| issue(row_no, "File", format!("cannot be read: {e}")))?;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // Counted while reading: the rows after the limit are never parsed.
        if rows.len() as u32 == MAX_CSV_ROWS {
            return Err(issue(
                row_no,
                "File",
                format!(
                    "has more than {MAX_CSV_ROWS} rows; split it into files of at most \
                     {MAX_CSV_ROWS} rows."
                ),
            ));
        }
        if row.len() > header.len() {
            return Err(issue(
                row_no,
                "File",
                format!(
                    "has {} cells but the header names {}.",
                    row.len(),
                    header.len()
                ),
            ));
        }
        rows.push((row_no, row));
    }
    Ok(CsvTable { header, rows })
}

/// The rows by field, once every field the import needs has a column.
fn records<'t>(
    table: &'t CsvTable,
    mapping: &ColumnMapping,
) -> std::result::Result<Vec<Record<'t>>, ImportIssue> {
    let has = |f: ImportField| mapping.fields.contains(&Some(f));
    for f in ImportField::ALL {
        if mapping.fields.iter().filter(|c| **c == Some(f)).count() > 1 {
            return Err(issue(
                1,
                f.label(),
                "is chosen for two columns; choose one.",
            ));
        }
    }
    let names = has(ImportField::FirstName) && has(ImportField::LastName);
    let missing = if !has(ImportField::Email) {
        Some(ImportField::Email)
    } else if names || has(ImportField::DisplayName) {
        None
    } else if has(ImportField::FirstName) {
        Some(ImportField::LastName)
    } else {
        Some(ImportField::FirstName)
    };
    if let Some(f) = missing {
        let why = match f {
            ImportField::Email => "no column of the file is chosen for it",
            _ => "no column of the file is chosen for it, nor a Display name to split",
        };
        return Err(issue(
            1,
            f.label(),
            format!(
                "{why}; the file's columns are: {}.",
                table.header.join(", ")
            ),
        ));
    }
    Ok(table
        .rows
        .iter()
        .map(|(row, cells)| {
            let mut record = Record {
                row: *row,
                cells: [None; ImportField::ALL.len()],
            };
            for (i, f) in mapping.fields.iter().enumerate() {
                if let Some(f) = f {
                    record.cells[*f as usize] = cell(cells, i);
                }
            }
            record
        })
        .collect())
}

/// The mapping the admin chose for this file, else the one remembered for its header row
/// (unless it is a known layout), else the recognized one.
fn mapping_for(conn: Sql<'_>, header: &[String], choices: &ImportChoices) -> Result<ColumnMapping> {
    let recognized = recognize(header);
    if let Some(chosen) = choices.columns.as_ref().filter(|c| c.len() == header.len()) {
        return Ok(ColumnMapping {
            fields: chosen.clone(),
            source: MappingSource::Chosen,
            ..recognized
        });
    }
    if recognized.layout.is_none() {
        let remembered = settings::get(conn, &remembered_key(header))?
            .and_then(|json| serde_json::from_str::<Vec<Option<ImportField>>>(&json).ok())
            .filter(|fields| fields.len() == header.len());
        if let Some(fields) = remembered {
            return Ok(ColumnMapping {
                fields,
                source: MappingSource::Remembered,
                ..recognized
            });
        }
    }
    Ok(recognized)
}

/// A row as the tests read it: its cells copied out of the file.
#[cfg(test)]
#[derive(Debug)]
struct ParsedRow {
    row: u32,
    cells: [Option<String>; ImportField::ALL.len()],
}

#[cfg(test)]
impl ParsedRow {
    fn get(&self, c: ImportField) -> Option<&str> {
        self.cells[c as usize]
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// The rows of a file read as a recognized layout (the tests' view of a file).
#[cfg(test)]
fn parse(bytes: &[u8]) -> std::result::Result<Vec<ParsedRow>, ImportIssue> {
    let table = read_table(bytes)?;
    Ok(records(&table, &recognize(&table.header))?
        .into_iter()
        .map(|r| ParsedRow {
            row: r.row,
            cells: r.cells.map(|c| c.map(str::to_owned)),
        })
        .collect())
}

struct ExistingUser {
    id: i64,
    first_name: String,
    last_name: String,
    department: String,
    site_id: i64,
    extension: Option<String>,
    number: Option<String>,
    product_id: Option<i64>,
}

struct Product {
    id: i64,
    name: String,
    price: i64,
    calling: bool,
    available: i64,
}

/// The organization as the import needs to see it, read once.
struct Snapshot {
    users: HashMap<String, ExistingUser>,
    extension_holders: HashMap<String, (i64, String)>,
    numbers: HashMap<String, NumberStanding>,
    sites: HashMap<String, (i64, String)>,
    site_countries: HashMap<i64, String>,
    /// The country most sites are in: a new site's, and the one for a row without a site.
    default_country: String,
    products: Vec<Product>,
    /// The products that include calling, cheapest first, as the editor names them.
    calling_products: Vec<String>,
}

/// The editor's number and extension rules, asked of the snapshot instead of the database.
impl NumberDirectory for Snapshot {
    fn extension_holder(&self, extension: &str) -> Result<Option<(i64, String)>> {
        Ok(self.extension_holders.get(extension).cloned())
    }

    fn number_standing(&self, e164: &str) -> Result<NumberStanding> {
        Ok(self
            .numbers
            .get(e164)
            .cloned()
            .unwrap_or(NumberStanding::NotInPool))
    }
}

fn snapshot(conn: Sql<'_>) -> Result<Snapshot> {
    let mut users = HashMap::new();
    let mut extension_holders = HashMap::new();
    let mut holder_names = HashMap::new();
    for u in users::all_for_import(conn)? {
        let name = || format!("{} {}", u.first_name, u.last_name);
        if let Some(e) = &u.extension {
            extension_holders.insert(e.clone(), (u.id, name()));
        }
        if u.number.is_some() {
            holder_names.insert(u.id, name());
        }
        let email = u.email.to_lowercase();
        users.insert(
            email,
            ExistingUser {
                id: u.id,
                first_name: u.first_name,
                last_name: u.last_name,
                department: u.department,
                site_id: u.site_id,
                extension: u.extension,
                number: u.number,
                product_id: u.product_id,
            },
        );
    }
    let numbers = phone_numbers::all(conn)?
        .into_iter()
        .map(|n| {
            let standing = match n.user_id {
                Some(user_id) => NumberStanding::Held {
                    user_id,
                    holder: holder_names.get(&user_id).cloned().unwrap_or_default(),
                },
                None => NumberStanding::Free { site_id: n.site_id },
            };
            (n.e164, standing)
        })
        .collect();
    let sites = sites::all(conn)?
        .into_iter()
        .map(|s| (s.name.to_lowercase(), (s.id, s.name)))
        .collect();
    let site_countries: HashMap<i64, String> = sites::countries(conn)?.into_iter().collect();
    let mut by_country: HashMap<&str, usize> = HashMap::new();
    for c in site_countries.values() {
        *by_country.entry(c.as_str()).or_default() += 1;
    }
    let default_country = by_country
        .into_iter()
        .max_by_key(|(c, n)| (*n, std::cmp::Reverse(*c)))
        .map_or("US", |(c, _)| c)
        .to_owned();
    let products: Vec<Product> = products::all_for_import(conn)?
        .into_iter()
        .map(|p| Product {
            id: p.id,
            name: p.name,
            price: p.monthly_price_cents,
            calling: p.includes_calling,
            available: p.available_seats,
        })
        .collect();
    let mut calling: Vec<&Product> = products.iter().filter(|p| p.calling).collect();
    calling.sort_by(|a, b| (a.price, &a.name).cmp(&(b.price, &b.name)));
    let calling_products = calling.iter().map(|p| p.name.clone()).collect();
    Ok(Snapshot {
        users,
        extension_holders,
        numbers,
        sites,
        site_countries,
        default_country,
        products,
        calling_products,
    })
}

/// A row's site: one the organization has, or one the import creates (by its index in
/// `Plan::new_sites`).
#[derive(Clone, Copy)]
enum SiteRef {
    Existing(i64),
    New(usize),
}

enum LicenseStep {
    Assign(i64),
    Change(i64),
}

/// What one row does, once every rule has passed.
struct RowPlan {
    row: u32,
    existing: Option<i64>,
    user: NewUser,
    site: SiteRef,
    license: Option<LicenseStep>,
    extension: Option<String>,
    number: Option<String>,
    changes: Vec<String>,
}

struct Plan {
    layout: Option<&'static str>,
    mapping_source: MappingSource,
    columns: Vec<FileColumn>,
    notes: Vec<String>,
    other_licenses: Vec<OtherLicense>,
    missing_sites: Vec<String>,
    /// The sites the import creates (the missing ones, when asked to), in `country`.
    new_sites: Vec<String>,
    country: String,
    /// The mapping to remember for the next file with this header row, as a setting.
    remember: Option<(String, String)>,
    rows: u32,
    issues: Vec<ImportIssue>,
    plans: Vec<RowPlan>,
    unchanged: u32,
    seats: Vec<SeatNeed>,
}

impl Plan {
    /// A file refused as a whole: nothing to do, one issue.
    fn refused(
        issue: ImportIssue,
        columns: Vec<FileColumn>,
        mapping: Option<&ColumnMapping>,
    ) -> Plan {
        Plan {
            layout: mapping.and_then(|m| m.layout),
            mapping_source: mapping.map_or(MappingSource::Guessed, |m| m.source),
            columns,
            notes: Vec::new(),
            other_licenses: Vec::new(),
            missing_sites: Vec::new(),
            new_sites: Vec::new(),
            country: String::new(),
            remember: None,
            rows: 0,
            issues: vec![issue],
            plans: Vec::new(),
            unchanged: 0,
            seats: Vec::new(),
        }
    }
}

/// The product a license cell names: the whole cell, or one of the licenses a cell of another
/// system lists ("Microsoft 365 E3+Voice Pro").
fn product_named<'a>(products: &'a [Product], cell: &str) -> Option<&'a Product> {
    let named = |name: &str| {
        products
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
    };
    named(cell).or_else(|| cell.split(['+', ';', ',', '|']).find_map(named))
}

/// Checks every row; `progress` counts the rows checked.
fn plan(
    conn: Sql<'_>,
    bytes: &[u8],
    choices: &ImportChoices,
    progress: &mut dyn Progress,
) -> Result<Plan> {
    let table = match read_table(bytes) {
        Ok(t) => t,
        Err(i) => return Ok(Plan::refused(i, Vec::new(), None)),
    };
    let mapping = mapping_for(conn, &table.header, choices)?;
    let columns = table.columns(&mapping);
    let records = match records(&table, &mapping) {
        Ok(r) => r,
        Err(i) => return Ok(Plan::refused(i, columns, Some(&mapping))),
    };
    let snap = snapshot(conn)?;
    let product_for_other = match choices.product_for_other_licenses {
        None => None,
        Some(id) => Some(
            snap.products
                .iter()
                .find(|p| p.id == id)
                .ok_or(Error::NotFound {
                    what: "Product",
                    id,
                })?,
        ),
    };
    let mut notes = Vec::new();
    let mut split_names = 0;
    let mut other_licenses: Vec<OtherLicense> = Vec::new();
    let mut missing_sites: Vec<String> = Vec::new();
    let mut issues = Vec::new();
    let mut plans = Vec::new();
    let mut unchanged = 0;
    let mut emails: HashMap<String, u32> = HashMap::new();
    let mut extensions: HashMap<String, u32> = HashMap::new();
    let mut numbers: HashMap<String, u32> = HashMap::new();
    let mut needed: HashMap<i64, i64> = HashMap::new();
    let site_name = |id: i64| {
        snap.sites
            .values()
            .find(|s| s.0 == id)
            .map(|s| s.1.as_str())
    };
    let only_site = (snap.sites.len() == 1)
        .then(|| snap.sites.values().next().map(|s| s.0))
        .flatten();
    for (done, rec) in records.iter().enumerate() {
        step(progress, done, records.len())?;
        let before = issues.len();
        let mut bad =
            |column: ImportField, e: Error| issues.push(issue(rec.row, column.label(), reason(&e)));
        let email = match validate::email(rec.get(ImportField::Email).unwrap_or("")) {
            Ok(e) => e,
            Err(e) => {
                bad(ImportField::Email, e);
                continue;
            }
        };
        let key = email.to_lowercase();
        let existing = snap.users.get(&key);
        if let Some(first) = emails.insert(key, rec.row) {
            bad(
                ImportField::Email,
                Error::invalid(Field::Email, format!("{email} is also on row {first}.")),
            );
            continue;
        }
        let text = |c: ImportField, current: Option<&str>| -> String {
            rec.get(c)
                .map(str::to_owned)
                .or(current.map(str::to_owned))
                .unwrap_or_default()
        };
        // A file with only a display name: split it, unless the row names first or last.
        let split = match rec.get(ImportField::DisplayName) {
            Some(name)
                if rec.get(ImportField::FirstName).is_none()
                    && rec.get(ImportField::LastName).is_none() =>
            {
                match split_display_name(name) {
                    Some(parts) => {
                        split_names += 1;
                        Some(parts)
                    }
                    None if existing.is_none() => {
                        bad(
                            ImportField::DisplayName,
                            Error::invalid(
                                Field::FirstName,
                                format!(
                                    "{name} is one word; a new user needs a first and a last name."
                                ),
                            ),
                        );
                        None
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let (split_first, split_last) = split.unzip();
        let first = text(
            ImportField::FirstName,
            split_first
                .as_deref()
                .or(existing.map(|u| u.first_name.as_str())),
        );
        let last = text(
            ImportField::LastName,
            split_last
                .as_deref()
                .or(existing.map(|u| u.last_name.as_str())),
        );
        let department = text(
            ImportField::Department,
            existing.map(|u| u.department.as_str()),
        );
        let mut values = Vec::new();
        for (c, v) in [
            (ImportField::FirstName, &first),
            (ImportField::LastName, &last),
        ] {
            match validate::person_name(c.field(), v) {
                Ok(v) => values.push(v),
                Err(e) => bad(c, e),
            }
        }
        let department = validate::text(Field::Department, &department, validate::MAX_NAME, false)
            .unwrap_or_else(|e| {
                bad(ImportField::Department, e);
                String::new()
            });
        let site = match rec.get(ImportField::Site) {
            Some(name) => match snap.sites.get(&name.to_lowercase()) {
                Some((id, _)) => Some(SiteRef::Existing(*id)),
                None if validate::text(Field::Site, name, validate::MAX_NAME, true)
                    .map_err(|e| bad(ImportField::Site, e))
                    .is_err() =>
                {
                    None
                }
                None => {
                    let known = missing_sites
                        .iter()
                        .position(|m| m.eq_ignore_ascii_case(name));
                    let index = known.unwrap_or_else(|| {
                        missing_sites.push(name.to_owned());
                        missing_sites.len() - 1
                    });
                    if choices.create_sites {
                        Some(SiteRef::New(index))
                    } else {
                        let mut sites: Vec<&str> =
                            snap.sites.values().map(|s| s.1.as_str()).collect();
                        sites.sort();
                        bad(
                            ImportField::Site,
                            Error::invalid(
                                Field::Site,
                                format!(
                                    "there is no site named {name}; the sites are {}.",
                                    sites.join(", ")
                                ),
                            ),
                        );
                        None
                    }
                }
            },
            None => existing
                .map(|u| u.site_id)
                .or(only_site)
                .map(SiteRef::Existing)
                .or_else(|| {
                    bad(
                        ImportField::Site,
                        Error::invalid(Field::Site, "a new user needs the site they work at."),
                    );
                    None
                }),
        };
        let product = match rec.get(ImportField::License) {
            None => existing
                .and_then(|u| u.product_id)
                .and_then(|id| snap.products.iter().find(|p| p.id == id)),
            Some(name) => match product_named(&snap.products, name) {
                Some(p) => Some(p),
                // Another system's license: the user comes without one (or with the product
                // chosen for all of them); the one they hold here stays.
                None if !mapping.own_licenses => {
                    match other_licenses.iter_mut().find(|o| o.name == name) {
                        Some(o) => o.users += 1,
                        None => other_licenses.push(OtherLicense {
                            name: name.to_owned(),
                            users: 1,
                        }),
                    }
                    match existing.and_then(|u| u.product_id) {
                        Some(id) => snap.products.iter().find(|p| p.id == id),
                        None => product_for_other,
                    }
                }
                None => {
                    let known: Vec<&str> = snap.products.iter().map(|p| p.name.as_str()).collect();
                    bad(
                        ImportField::License,
                        Error::invalid(
                            Field::License,
                            format!(
                                "there is no product named {name}; the products are {}.",
                                known.join(", ")
                            ),
                        ),
                    );
                    None
                }
            },
        };
        let license = match (existing.and_then(|u| u.product_id), product) {
            (_, None) => None,
            (Some(held), Some(p)) if held == p.id => None,
            (None, Some(p)) => Some(LicenseStep::Assign(p.id)),
            (Some(held), Some(p)) => {
                let user =
                    directory::user_detail(conn, existing.map(|u| u.id).unwrap_or_default())?;
                match change_plan(conn, &user, p.id) {
                    Ok(cp) if cp.kind == ChangeKind::SameFamily => Some(LicenseStep::Change(p.id)),
                    Ok(_) => {
                        let from = snap
                            .products
                            .iter()
                            .find(|x| x.id == held)
                            .map_or("", |x| x.name.as_str());
                        bad(ImportField::License, Error::invalid(Field::License, format!(
                            "changing {from} to {} is a change of license type, which deletes the user's data; do it in the editor or with bulk Change.", p.name)));
                        None
                    }
                    Err(e) => {
                        bad(ImportField::License, e);
                        None
                    }
                }
            }
        };
        let user_id = existing.map(|u| u.id);
        let license_facts = LicenseFacts {
            holder: &format!("{first} {last}"),
            license: product.map(|p| p.name.as_str()),
            included: product.is_some_and(|p| p.calling),
        };
        let require_calling = |field| {
            require_included(&license_facts, Feature::Calling, field, || {
                Ok(snap.calling_products.clone())
            })
        };
        let extension = match rec.get(ImportField::Extension) {
            None => None,
            Some(v) => match validate::extension(v) {
                Err(e) => {
                    bad(ImportField::Extension, e);
                    None
                }
                Ok(ext) => {
                    let checks = [
                        require_calling(Field::Extension),
                        check_extension(&snap, user_id, &ext),
                    ];
                    for e in checks.into_iter().filter_map(Result::err) {
                        bad(ImportField::Extension, e);
                    }
                    if let Some(first) = extensions.insert(ext.clone(), rec.row) {
                        bad(
                            ImportField::Extension,
                            Error::invalid(
                                Field::Extension,
                                format!("{ext} is also on row {first}."),
                            ),
                        );
                    }
                    Some(ext)
                }
            },
        };
        let number = match rec.get(ImportField::PhoneNumber) {
            None => None,
            // Written as E.164 it is taken as it is; any other form is read in the
            // country of the row's site. A "+" number that is neither keeps the E.164 reason.
            Some(v) => match validate::e164(Field::PhoneNumber, v).or_else(|strict| {
                let country = match site {
                    Some(SiteRef::Existing(id)) => snap.site_countries.get(&id),
                    _ => None,
                };
                phone::to_e164(v, country.unwrap_or(&snap.default_country)).map_err(|read| {
                    if v.starts_with('+') {
                        strict
                    } else {
                        read
                    }
                })
            }) {
                Err(e) => {
                    bad(ImportField::PhoneNumber, e);
                    None
                }
                Ok(n) => {
                    if let Err(e) = require_calling(Field::PhoneNumber) {
                        bad(ImportField::PhoneNumber, e);
                    }
                    // Without a known site the row is refused for its Site cell already; a
                    // site the import creates has no numbers yet.
                    let checked = match site {
                        Some(SiteRef::Existing(id)) => {
                            site_name(id).map(|name| check_number(&snap, user_id, id, name, &n))
                        }
                        Some(SiteRef::New(i)) => {
                            Some(check_number(&snap, user_id, -1, &missing_sites[i], &n))
                        }
                        None => None,
                    };
                    if let Some(Err(e)) = checked {
                        bad(ImportField::PhoneNumber, e);
                    }
                    if let Some(first) = numbers.insert(n.clone(), rec.row) {
                        bad(
                            ImportField::PhoneNumber,
                            Error::invalid(
                                Field::PhoneNumber,
                                format!("{n} is also on row {first}."),
                            ),
                        );
                    }
                    Some(n)
                }
            },
        };
        if issues.len() > before {
            continue;
        }
        let site = site.expect("checked above");
        let new_site_name = |site: SiteRef| match site {
            SiteRef::Existing(id) => site_name(id),
            SiteRef::New(i) => Some(missing_sites[i].as_str()),
        };
        let [first, last]: [String; 2] = values
            .try_into()
            .map_err(|_| Error::Internal("names".into()))?;
        let mut changes = Vec::new();
        let mut diff = |label: &str, old: Option<&str>, new: Option<&str>| {
            if new.is_some() && old != new {
                changes.push(match old {
                    Some(o) if !o.is_empty() => {
                        format!("{label}: {o} → {}", new.unwrap_or_default())
                    }
                    _ => format!("{label}: {}", new.unwrap_or_default()),
                });
            }
        };
        let product_name = |id: Option<i64>| {
            id.and_then(|id| snap.products.iter().find(|p| p.id == id))
                .map(|p| p.name.clone())
        };
        diff(
            "First name",
            existing.map(|u| u.first_name.as_str()),
            Some(&first),
        );
        diff(
            "Last name",
            existing.map(|u| u.last_name.as_str()),
            Some(&last),
        );
        if existing.is_some() || !department.is_empty() {
            diff(
                "Department",
                existing.map(|u| u.department.as_str()),
                Some(&department),
            );
        }
        diff(
            "Site",
            existing.and_then(|u| site_name(u.site_id)),
            new_site_name(site),
        );
        diff(
            "License",
            product_name(existing.and_then(|u| u.product_id)).as_deref(),
            product.map(|p| p.name.as_str()),
        );
        diff(
            "Extension",
            existing.and_then(|u| u.extension.as_deref()),
            extension.as_deref(),
        );
        diff(
            "Phone number",
            existing.and_then(|u| u.number.as_deref()),
            number.as_deref(),
        );
        if let Some(LicenseStep::Assign(p) | LicenseStep::Change(p)) = &license {
            *needed.entry(*p).or_default() += 1;
        }
        if existing.is_some() && changes.is_empty() {
            unchanged += 1;
            continue;
        }
        plans.push(RowPlan {
            row: rec.row,
            existing: user_id,
            user: NewUser {
                first_name: first,
                last_name: last,
                email,
                department,
                site_id: match site {
                    SiteRef::Existing(id) => Some(id),
                    SiteRef::New(_) => None,
                },
            },
            site,
            license,
            extension: extension.filter(|e| existing.and_then(|u| u.extension.as_ref()) != Some(e)),
            number: number.filter(|n| existing.and_then(|u| u.number.as_ref()) != Some(n)),
            changes,
        });
    }
    step(progress, records.len(), records.len())?;
    let seats = snap
        .products
        .iter()
        .filter_map(|p| {
            needed.get(&p.id).map(|&n| SeatNeed {
                product: p.name.clone(),
                needed: n,
                available: p.available,
                monthly_price_cents: p.price,
            })
        })
        .collect();
    if split_names > 0 {
        notes.push(format!(
            "First and last name were split from Display name for {split_names} {} (the last word is the last name).",
            if split_names == 1 { "user" } else { "users" }
        ));
    }
    if !other_licenses.is_empty() {
        let holders: i64 = other_licenses.iter().map(|o| o.users).sum();
        let names: Vec<&str> = other_licenses.iter().map(|o| o.name.as_str()).collect();
        notes.push(format!(
            "{holders} {} a license of another system ({}): LicenseDesk does not sell it, so {}.",
            if holders == 1 {
                "user has"
            } else {
                "users have"
            },
            names.join(", "),
            match product_for_other {
                Some(p) => format!("those without a LicenseDesk license get {}", p.name),
                None => "they are imported without a license (the ones who hold one here keep it)"
                    .to_owned(),
            }
        ));
    }
    let new_sites = if choices.create_sites {
        missing_sites.clone()
    } else {
        Vec::new()
    };
    // A header LicenseDesk does not know: the mapping is remembered for the next such file.
    let remember = mapping.layout.is_none().then(|| {
        (
            remembered_key(&table.header),
            serde_json::to_string(&mapping.fields).expect("fields serialize"),
        )
    });
    Ok(Plan {
        layout: mapping.layout,
        mapping_source: mapping.source,
        columns,
        notes,
        other_licenses,
        missing_sites,
        new_sites,
        country: snap.default_country.clone(),
        remember,
        rows: records.len() as u32,
        issues,
        plans,
        unchanged,
        seats,
    })
}

fn shortfall(seats: &[SeatNeed]) -> Vec<String> {
    seats
        .iter()
        .filter(|s| s.needed > s.available)
        .map(|s| {
            format!(
                "{} {} licenses are needed and {} are free: purchase {} more.",
                s.needed,
                s.product,
                s.available,
                s.needed - s.available
            )
        })
        .collect()
}

fn preview_of(plan: &Plan) -> ImportPreview {
    let line = |p: &RowPlan| ImportLine {
        row: p.row,
        name: format!("{} {}", p.user.first_name, p.user.last_name),
        email: p.user.email.clone(),
        changes: p.changes.clone(),
    };
    let missing: i64 = plan
        .seats
        .iter()
        .map(|s| (s.needed - s.available).max(0) * s.monthly_price_cents)
        .sum();
    ImportPreview {
        layout: plan.layout.map(str::to_owned),
        mapping_source: plan.mapping_source,
        columns: plan.columns.clone(),
        notes: plan.notes.clone(),
        other_licenses: plan.other_licenses.clone(),
        missing_sites: plan.missing_sites.clone(),
        rows: plan.rows,
        issues: plan.issues.clone(),
        new_users: plan
            .plans
            .iter()
            .filter(|p| p.existing.is_none())
            .map(line)
            .collect(),
        changed_users: plan
            .plans
            .iter()
            .filter(|p| p.existing.is_some())
            .map(line)
            .collect(),
        unchanged: plan.unchanged,
        seats: plan.seats.clone(),
        missing_seats_monthly_cents: missing,
        ready: plan.issues.is_empty() && shortfall(&plan.seats).is_empty() && plan.rows > 0,
    }
}

/// Applies one row; `new_site_ids` are the ids of the sites this import created.
fn apply_row(
    tx: Sql<'_>,
    ctx: &ChangeContext<'_>,
    p: &RowPlan,
    new_site_ids: &[i64],
) -> Result<()> {
    let site_id = match p.site {
        SiteRef::Existing(id) => id,
        SiteRef::New(i) => new_site_ids[i],
    };
    let user = match p.existing {
        None => {
            let user = NewUser {
                site_id: Some(site_id),
                ..p.user.clone()
            };
            insert_new_user(tx, ctx, &user, json!({ "import_row": p.row }))?
        }
        Some(id) => {
            let before = directory::user_detail(tx, id)?;
            let profile = users::ImportedProfile {
                first_name: &p.user.first_name,
                last_name: &p.user.last_name,
                department: &p.user.department,
                site_id,
            };
            users::update_imported_profile(tx, id, &profile, ctx.now, ctx.account.id)?;
            audit_setup(
                tx,
                ctx,
                "user.update",
                &before,
                json!({ "source": "import", "row": p.row }),
                json!({ "changes": p.changes }),
            )?;
            directory::user_detail(tx, id)?
        }
    };
    let user_id = user.id;
    match &p.license {
        None => {}
        Some(LicenseStep::Assign(product)) => {
            assign_in(tx, ctx, &user, *product)?;
        }
        Some(LicenseStep::Change(product)) => {
            let cp = change_plan(tx, &user, *product)?;
            move_within_family_in(tx, ctx, &user, &cp, *product)?;
        }
    }
    if p.extension.is_some() || p.number.is_some() {
        if let Some(ext) = &p.extension {
            users::set_extension(tx, user_id, Some(ext))?;
        }
        if let Some(n) = &p.number {
            phone_numbers::assign_to(tx, user_id, n)?;
        }
        audit_setup(
            tx,
            ctx,
            "user.numbers",
            &user,
            json!({ "extension": user.extension, "phone_number": user.phone_number }),
            json!({ "extension": p.extension.as_ref().or(user.extension.as_ref()),
                    "phone_number": p.number.as_ref().or(user.phone_number.as_ref()) }),
        )?;
    }
    Ok(())
}

/// A file as the preview checked it, for the apply that follows.
struct CheckedImport {
    csv: Vec<u8>,
    choices: ImportChoices,
    /// `db::change_marker` when the check began (and ended: nothing was written meanwhile).
    /// Only a file has one: on a server the apply checks the file again in its transaction.
    marker: (i64, u64),
    plan: Plan,
}

/// `db::change_marker` of a file; a server has none: another admin's connection may write at
/// any moment, so the apply there checks the file again inside its own transaction.
fn change_marker(db: Sql<'_>) -> Result<Option<(i64, u64)>> {
    match db {
        Sql::File(conn) => db::change_marker(conn).map(Some),
        #[cfg(feature = "server")]
        Sql::Server(_) => Ok(None),
    }
}

/// The preview's plan, when it checked this very file with these choices and nothing was
/// written to the organization since: the apply then does exactly what the preview said.
fn checked_plan(
    conn: Sql<'_>,
    checked: Option<Box<dyn std::any::Any + Send>>,
    csv: &[u8],
    choices: &ImportChoices,
) -> Result<Option<Plan>> {
    let Some(checked) = checked.and_then(|c| c.downcast::<CheckedImport>().ok()) else {
        return Ok(None);
    };
    let same = change_marker(conn)? == Some(checked.marker)
        && checked.csv == csv
        && checked.choices == *choices;
    Ok(same.then_some(checked.plan))
}

/// The page cache during an import, in KiB (negative, as SQLite counts them).
const IMPORT_CACHE_SIZE: i64 = -256_000;

/// How many new users one statement adds (and one statement each gives seats and numbers).
const BATCH: usize = 2_000;

/// Applies the rows in order, as [`apply_row`] would one by one: a run of new users in
/// batches of at most `batch` (1: every row by itself), a user found by email alone.
/// `progress` counts the rows; a request to stop between two rows or batches is
/// [`Error::Cancelled`], and the caller's transaction rolls everything back.
fn apply_rows(
    tx: Sql<'_>,
    ctx: &ChangeContext<'_>,
    plans: &[RowPlan],
    new_site_ids: &[i64],
    batch: usize,
    progress: &mut dyn Progress,
) -> Result<()> {
    let total = plans.len();
    let site_names: HashMap<i64, String> = sites::all(tx)?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let mut done = 0;
    while done < total {
        let run = plans[done..]
            .iter()
            .take(batch)
            .take_while(|p| p.existing.is_none())
            .count();
        if run <= 1 {
            step(progress, done, total)?;
            apply_row(tx, ctx, &plans[done], new_site_ids)?;
            done += 1;
            continue;
        }
        for i in done..done + run {
            step(progress, i, total)?;
        }
        add_new_users(tx, ctx, &plans[done..done + run], new_site_ids, &site_names)?;
        done += run;
    }
    Ok(())
}

/// Adds new users in one statement, gives them their seats and numbers set-based, and writes
/// the audit entries [`apply_row`] would, in the same order and with the same content.
fn add_new_users(
    tx: Sql<'_>,
    ctx: &ChangeContext<'_>,
    rows: &[RowPlan],
    new_site_ids: &[i64],
    site_names: &HashMap<i64, String>,
) -> Result<()> {
    let mut checked = Vec::with_capacity(rows.len());
    for p in rows {
        let site_id = match p.site {
            SiteRef::Existing(id) => id,
            SiteRef::New(i) => new_site_ids[i],
        };
        checked.push(check_new_user(&NewUser {
            site_id: Some(site_id),
            ..p.user.clone()
        })?);
    }
    let new_rows: Vec<users::NewRow<'_>> = checked
        .iter()
        .zip(rows)
        .map(|(u, p)| users::NewRow {
            profile: u.profile(),
            extension: p.extension.as_deref(),
        })
        .collect();
    let ids = users::insert_many(tx, &new_rows, ctx.now, ctx.account.id)?;

    // Each product's lowest free seats, in row order: what assigning one by one takes.
    let mut wanted: Vec<(i64, Vec<usize>)> = Vec::new();
    for (i, p) in rows.iter().enumerate() {
        match p.license {
            None => {}
            Some(LicenseStep::Assign(product)) => {
                match wanted.iter_mut().find(|(id, _)| *id == product) {
                    Some((_, rows)) => rows.push(i),
                    None => wanted.push((product, vec![i])),
                }
            }
            Some(LicenseStep::Change(_)) => {
                return Err(Error::Internal("a new user's license change".into()))
            }
        }
    }
    let mut seat_of: HashMap<usize, (i64, String)> = HashMap::new();
    let mut given = Vec::new();
    for (product, takers) in &wanted {
        let name = product_name(tx, *product)?;
        let free = free_seats(tx, *product, takers.len())?;
        if free.len() < takers.len() {
            return Err(Error::NoLicenseAvailable { product: name });
        }
        for (&row, &seat) in takers.iter().zip(&free) {
            seat_of.insert(row, (seat, name.clone()));
            given.push((seat, ids[row]));
        }
    }
    if seats::assign_many(tx, &given, ctx.now)? != given.len() {
        return Err(Error::Internal("a seat was taken meanwhile".into()));
    }
    let numbers: Vec<(&str, i64)> = rows
        .iter()
        .zip(&ids)
        .filter_map(|(p, id)| p.number.as_deref().map(|n| (n, *id)))
        .collect();
    if phone_numbers::assign_many_free(tx, &numbers)? != numbers.len() {
        return Err(Error::Internal("a number was taken meanwhile".into()));
    }

    let labels: Vec<String> = checked
        .iter()
        .map(|u| format!("{} {}", u.first_name, u.last_name))
        .collect();
    let mut entries = Vec::with_capacity(rows.len() * 3);
    for (i, ((p, u), &id)) in rows.iter().zip(&checked).zip(&ids).enumerate() {
        let label = labels[i].as_str();
        let entry = |action, before: &str, after| TextEntry {
            action,
            target_user_id: Some(id),
            target_label: Some(label),
            before: Some(before.to_owned()),
            after,
        };
        entries.push(entry(
            "user.add",
            "null",
            json(&AddedAfter {
                department: &u.department,
                email: &u.email,
                name: label,
                site: site_names.get(&u.site_id).map(String::as_str),
                source: ImportRow { import_row: p.row },
            }),
        ));
        if let Some((seat_id, product)) = seat_of.get(&i) {
            entries.push(entry(
                Action::LicenseAssign.key(),
                r#"{"license":null}"#,
                json(&LicenseAfter {
                    license: product,
                    seat_id: *seat_id,
                }),
            ));
        }
        if p.extension.is_some() || p.number.is_some() {
            entries.push(entry(
                "user.numbers",
                r#"{"extension":null,"phone_number":null}"#,
                json(&NumbersAfter {
                    extension: p.extension.as_deref(),
                    phone_number: p.number.as_deref(),
                }),
            ));
        }
    }
    ctx.audit_all(tx, &entries)
}

/// A value as JSON text, as `Value::to_string` writes it.
fn json<T: Serialize>(value: &T) -> Option<String> {
    Some(serde_json::to_string(value).expect("plain fields serialize"))
}

// The `after` of the entries `apply_row` writes for a new user, as `json!` builds them: the
// fields in alphabetical order, as a `Value`'s map sorts its keys (`batch_tests.rs` compares
// the two hash for hash).
#[derive(Serialize)]
struct AddedAfter<'a> {
    department: &'a str,
    email: &'a str,
    name: &'a str,
    site: Option<&'a str>,
    source: ImportRow,
}

#[derive(Serialize)]
struct ImportRow {
    import_row: u32,
}

#[derive(Serialize)]
struct LicenseAfter<'a> {
    license: &'a str,
    seat_id: i64,
}

#[derive(Serialize)]
struct NumbersAfter<'a> {
    extension: Option<&'a str>,
    phone_number: Option<&'a str>,
}

/// The users as the import reads them, one row each, sorted by name.
fn export(db: Sql<'_>) -> Result<Vec<u8>> {
    let mut w = crate::base::csv_cell::CsvWriter::new();
    w.row(COLUMNS)?;
    users::each_for_export(db, |cells| w.row(cells))?;
    w.finish()
}

/// The template: the header and two example rows, written as every export is (the number's
/// `+` kept as text), with a BOM so that spreadsheets open it as UTF-8 (names keep accents).
pub fn template() -> Vec<u8> {
    let mut w = crate::base::csv_cell::CsvWriter::new();
    let rows: [&[&str]; 3] = [
        &COLUMNS,
        &[
            "Ana",
            "Ruiz",
            "ana.ruiz@example.com",
            "Front desk",
            "Austin",
            "0204",
            "+15125550100",
            "Voice Pro",
        ],
        &[
            "Ben",
            "Okoro",
            "ben.okoro@example.com",
            "Billing",
            "Denver",
            "",
            "",
            "",
        ],
    ];
    let mut out = b"\xEF\xBB\xBF".to_vec();
    for row in rows {
        w.row(row).expect("writing to memory");
    }
    out.extend(w.finish().expect("writing to memory"));
    out
}

/// Shown beside the template: what spreadsheets do to extensions and numbers.
pub const TEMPLATE_ADVICE: &str =
    "Format the Extension and Phone number columns as Text before typing: \
spreadsheets drop the leading zeros of extensions (0204 becomes 204) and the + of numbers.";

impl Org {
    /// Checks every row with the editor's rules and says what applying would do; `progress`
    /// counts the rows checked.
    pub fn import_preview(
        &self,
        actor: Actor,
        csv: &[u8],
        choices: &ImportChoices,
        progress: &mut dyn Progress,
    ) -> Result<ImportPreview> {
        self.read_sql(actor, Permission::UsersEdit, |conn| {
            let marker = change_marker(conn)?;
            let plan = plan(conn, csv, choices, progress)?;
            let preview = preview_of(&plan);
            // Kept for the apply only when nothing was written while it was checked (and
            // never on a server, where the apply checks the file again).
            let unchanged = match marker {
                Some(m) if change_marker(conn)? == Some(m) => Some(m),
                _ => None,
            };
            *self.checked_import.borrow_mut() = unchanged.map(|marker| {
                Box::new(CheckedImport {
                    csv: csv.to_vec(),
                    choices: choices.clone(),
                    marker,
                    plan,
                }) as Box<dyn std::any::Any + Send>
            });
            Ok(preview)
        })
    }

    /// Applies the file in one transaction, with an audit entry per change, or nothing at all
    /// (also when cancelled); `progress` counts the users added or updated.
    pub fn import_users(
        &mut self,
        actor: Actor,
        csv: &[u8],
        choices: &ImportChoices,
        progress: &mut dyn Progress,
    ) -> Result<ImportReceipt> {
        // One transaction of up to 200,000 users, their index and audit entries: keep its
        // pages in memory, as the demo generator does, rather than spill them mid-way.
        // (A server manages its own memory.)
        if self.engine.is_file() {
            db::set_cache_size(self.engine.file()?, IMPORT_CACHE_SIZE)?;
        }
        let imported = self.import_users_in_batches(actor, csv, choices, progress, BATCH);
        if self.engine.is_file() {
            db::set_cache_size(self.engine.file()?, db::CACHE_SIZE)?;
        }
        imported
    }

    /// [`Org::import_users`] with new users added `batch` at a time (1: one by one).
    fn import_users_in_batches(
        &mut self,
        actor: Actor,
        csv: &[u8],
        choices: &ImportChoices,
        progress: &mut dyn Progress,
        batch: usize,
    ) -> Result<ImportReceipt> {
        let mut checked = self.checked_import.take();
        // On a server the closure may run again after a serialization failure: the checked
        // plan is then gone, and the file is checked again.
        self.change_sql(actor, Action::UsersImport, |tx, ctx| {
            let plan = match checked_plan(tx, checked.take(), csv, choices)? {
                Some(plan) => plan,
                None => plan(tx, csv, choices, &mut Unwatched)?,
            };
            if let Some(first) = plan.issues.first() {
                let more = match plan.issues.len() {
                    1 => String::new(),
                    n => format!(" ({} more problems)", n - 1),
                };
                return Err(Error::invalid(
                    Field::File,
                    format!("nothing was imported: {first}{more}."),
                ));
            }
            if let Some(short) = shortfall(&plan.seats).first() {
                return Err(Error::invalid(
                    Field::License,
                    format!("nothing was imported: {short}"),
                ));
            }
            if plan.plans.iter().any(|p| p.license.is_some()) {
                ctx.require(tx, Permission::LicensesAssign)?;
            }
            if plan
                .plans
                .iter()
                .any(|p| p.extension.is_some() || p.number.is_some())
            {
                ctx.require(tx, Permission::NumbersManage)?;
            }
            let mut new_site_ids = Vec::new();
            if !plan.new_sites.is_empty() {
                // Sites shape numbers and billing for everyone: the Super Admin's call.
                ctx.require(tx, Permission::AdminsManage)?;
                for name in &plan.new_sites {
                    new_site_ids.push(sites::insert_in(tx, name, &plan.country)?);
                    let mut entry = AuditEntry::new("site.create");
                    entry.after =
                        Some(json!({ "name": name, "country": plan.country, "source": "import" }));
                    ctx.audit(tx, &entry)?;
                }
            }
            apply_rows(tx, ctx, &plan.plans, &new_site_ids, batch, progress)?;
            if let Some((key, fields)) = &plan.remember {
                settings::set(tx, key, fields)?;
            }
            step(progress, plan.plans.len(), plan.plans.len())?;
            let receipt = ImportReceipt {
                added: plan.plans.iter().filter(|p| p.existing.is_none()).count() as u32,
                updated: plan.plans.iter().filter(|p| p.existing.is_some()).count() as u32,
                unchanged: plan.unchanged,
            };
            let mut entry = AuditEntry::new(Action::UsersImport.key());
            entry.after = Some(json!({ "rows": plan.rows, "added": receipt.added,
                "updated": receipt.updated, "unchanged": receipt.unchanged }));
            ctx.audit(tx, &entry)?;
            Ok(receipt)
        })
    }

    pub fn export_users_csv(&self, actor: Actor) -> Result<Vec<u8>> {
        self.read_sql(actor, Permission::UsersView, export)
    }

    /// Writes the users to `dest` as CSV (atomically), recorded in the audit log.
    pub fn export_users_to(&mut self, actor: Actor, dest: &std::path::Path) -> Result<u32> {
        // On a server the change may run again: the file is then replaced whole again
        // (atomically), by the export of the snapshot that commits.
        self.change_sql(actor, Action::UsersExport, |tx, ctx| {
            let csv = export(tx)?;
            crate::storage::files::write_atomically(dest, &csv)?;
            let rows = users::count(tx)?;
            let mut entry = AuditEntry::new(Action::UsersExport.key());
            entry.after = Some(json!({ "path": dest.display().to_string(), "rows": rows }));
            ctx.audit(tx, &entry)?;
            Ok(rows as u32)
        })
    }
}

#[cfg(test)]
mod batch_tests;
#[cfg(test)]
mod layout_tests;
#[cfg(test)]
mod tests;
