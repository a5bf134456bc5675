//! Users in CSV: the template, the export, and the import (validate, preview, apply).
//!
//! An import adds users and updates the ones it finds by email; it never removes a license,
//! a number or data (that is what bulk Remove and offboarding are for), so a file cannot
//! delete anything by an empty cell. Every row goes through the same rules as the editor.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::base::progress::{step, Progress, Unwatched};
use crate::base::validate;
use crate::domain::editor::new_user::{insert as insert_new_user, NewUser};
use crate::domain::imports::input_file::{MAX_CSV_BYTES, MAX_CSV_ROWS};
use crate::domain::licenses::change::{move_within_family_in, plan as change_plan, ChangeKind};
use crate::domain::licenses::inventory::assign_in;
use crate::domain::setup::guard::{audit_setup, require_included, LicenseFacts};
use crate::domain::setup::numbers::{
    check_extension, check_number, NumberDirectory, NumberStanding,
};
use crate::domain::users::directory;
use crate::domain::users::features::Feature;
use crate::kernel::action::Action;
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::tables::{phone_numbers, products, sites, users};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    First,
    Last,
    Email,
    Department,
    Site,
    Extension,
    Number,
    License,
}

impl Column {
    fn label(self) -> &'static str {
        COLUMNS[self as usize]
    }

    /// The editor's field for the column: its errors are the editor's.
    fn field(self) -> Field {
        match self {
            Column::First => Field::FirstName,
            Column::Last => Field::LastName,
            Column::Email => Field::Email,
            Column::Department => Field::Department,
            Column::Site => Field::Site,
            Column::Extension => Field::Extension,
            Column::Number => Field::PhoneNumber,
            Column::License => Field::License,
        }
    }

    /// Header cells are matched by name, ignoring case, spaces and punctuation.
    fn from_header(cell: &str) -> Option<Column> {
        let key: String = cell
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        Some(match key.as_str() {
            "firstname" | "givenname" | "first" => Column::First,
            "lastname" | "surname" | "familyname" | "last" => Column::Last,
            "email" | "emailaddress" | "mail" => Column::Email,
            "department" | "dept" => Column::Department,
            "site" | "location" | "office" => Column::Site,
            "extension" | "ext" => Column::Extension,
            "phonenumber" | "phone" | "number" | "directnumber" | "did" => Column::Number,
            "license" | "licence" | "product" => Column::License,
            _ => return None,
        })
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportPreview {
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

/// The cells of one data row, by column; absent columns are None.
#[derive(Debug)]
struct Record {
    row: u32,
    cells: HashMap<Column, String>,
}

impl Record {
    /// The trimmed cell, None when the column is absent or the cell empty.
    fn get(&self, c: Column) -> Option<&str> {
        self.cells
            .get(&c)
            .map(|s| s.trim())
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

/// Reads the file: UTF-8 with or without BOM, comma or semicolon, quoted fields with newlines.
fn parse(bytes: &[u8]) -> std::result::Result<Vec<Record>, ImportIssue> {
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
    let mut rows = reader.records();
    let header = match rows.next() {
        None => {
            return Err(issue(
                0,
                "File",
                "is empty; the first row names the columns.",
            ))
        }
        Some(r) => r.map_err(|e| issue(1, "File", format!("cannot be read: {e}")))?,
    };
    let mut columns = Vec::new();
    for cell in header.iter() {
        let column = Column::from_header(cell);
        if let Some(c) = column {
            if columns.contains(&Some(c)) {
                return Err(issue(1, c.label(), "appears twice in the header row."));
            }
        }
        columns.push(column);
    }
    for required in [Column::First, Column::Last, Column::Email] {
        if !columns.contains(&Some(required)) {
            return Err(issue(
                1,
                required.label(),
                format!(
                    "is missing from the header row; the columns are: {}.",
                    COLUMNS.join(", ")
                ),
            ));
        }
    }
    let mut records = Vec::new();
    for (i, row) in rows.enumerate() {
        let row_no = i as u32 + 2;
        let row = row.map_err(|e| issue(row_no, "File", format!("cannot be read: {e}")))?;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // Counted while reading: the rows after the limit are never parsed.
        if records.len() as u32 == MAX_CSV_ROWS {
            return Err(issue(
                row_no,
                "File",
                format!(
                    "has more than {MAX_CSV_ROWS} rows; split it into files of at most \
                     {MAX_CSV_ROWS} rows."
                ),
            ));
        }
        if row.len() > columns.len() {
            return Err(issue(
                row_no,
                "File",
                format!(
                    "has {} cells but the header names {}.",
                    row.len(),
                    columns.len()
                ),
            ));
        }
        let cells = columns
            .iter()
            .zip(row.iter())
            .filter_map(|(c, v)| c.map(|c| (c, crate::base::csv_cell::restore(v).to_owned())))
            .collect();
        records.push(Record { row: row_no, cells });
    }
    Ok(records)
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

fn snapshot(conn: &Connection) -> Result<Snapshot> {
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
        products,
        calling_products,
    })
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
    site_id: i64,
    license: Option<LicenseStep>,
    extension: Option<String>,
    number: Option<String>,
    changes: Vec<String>,
}

struct Plan {
    rows: u32,
    issues: Vec<ImportIssue>,
    plans: Vec<RowPlan>,
    unchanged: u32,
    seats: Vec<SeatNeed>,
}

/// Checks every row; `progress` counts the rows checked.
fn plan(conn: &Connection, bytes: &[u8], progress: &mut dyn Progress) -> Result<Plan> {
    let records = match parse(bytes) {
        Ok(r) => r,
        Err(i) => {
            return Ok(Plan {
                rows: 0,
                issues: vec![i],
                plans: Vec::new(),
                unchanged: 0,
                seats: Vec::new(),
            })
        }
    };
    let snap = snapshot(conn)?;
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
            |column: Column, e: Error| issues.push(issue(rec.row, column.label(), reason(&e)));
        let email = match validate::email(rec.get(Column::Email).unwrap_or("")) {
            Ok(e) => e,
            Err(e) => {
                bad(Column::Email, e);
                continue;
            }
        };
        if let Some(first) = emails.insert(email.to_lowercase(), rec.row) {
            bad(
                Column::Email,
                Error::invalid(Field::Email, format!("{email} is also on row {first}.")),
            );
            continue;
        }
        let existing = snap.users.get(&email.to_lowercase());
        let text = |c: Column, current: Option<&str>| -> String {
            rec.get(c)
                .map(str::to_owned)
                .or(current.map(str::to_owned))
                .unwrap_or_default()
        };
        let first = text(Column::First, existing.map(|u| u.first_name.as_str()));
        let last = text(Column::Last, existing.map(|u| u.last_name.as_str()));
        let department = text(Column::Department, existing.map(|u| u.department.as_str()));
        let mut values = Vec::new();
        for (c, v) in [(Column::First, &first), (Column::Last, &last)] {
            match validate::person_name(c.field(), v) {
                Ok(v) => values.push(v),
                Err(e) => bad(c, e),
            }
        }
        let department = validate::text(Field::Department, &department, validate::MAX_NAME, false)
            .unwrap_or_else(|e| {
                bad(Column::Department, e);
                String::new()
            });
        let site_id = match rec.get(Column::Site) {
            Some(name) => match snap.sites.get(&name.to_lowercase()) {
                Some((id, _)) => Some(*id),
                None => {
                    let mut known: Vec<&str> = snap.sites.values().map(|s| s.1.as_str()).collect();
                    known.sort();
                    bad(
                        Column::Site,
                        Error::invalid(
                            Field::Site,
                            format!(
                                "there is no site named {name}; the sites are {}.",
                                known.join(", ")
                            ),
                        ),
                    );
                    None
                }
            },
            None => existing.map(|u| u.site_id).or(only_site).or_else(|| {
                bad(
                    Column::Site,
                    Error::invalid(Field::Site, "a new user needs the site they work at."),
                );
                None
            }),
        };
        let product = match rec.get(Column::License) {
            None => existing
                .and_then(|u| u.product_id)
                .and_then(|id| snap.products.iter().find(|p| p.id == id)),
            Some(name) => match snap
                .products
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name))
            {
                Some(p) => Some(p),
                None => {
                    let known: Vec<&str> = snap.products.iter().map(|p| p.name.as_str()).collect();
                    bad(
                        Column::License,
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
                        bad(Column::License, Error::invalid(Field::License, format!(
                            "changing {from} to {} is a change of license type, which deletes the user's data; do it in the editor or with bulk Change.", p.name)));
                        None
                    }
                    Err(e) => {
                        bad(Column::License, e);
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
        let extension = match rec.get(Column::Extension) {
            None => None,
            Some(v) => match validate::extension(v) {
                Err(e) => {
                    bad(Column::Extension, e);
                    None
                }
                Ok(ext) => {
                    let checks = [
                        require_calling(Field::Extension),
                        check_extension(&snap, user_id, &ext),
                    ];
                    for e in checks.into_iter().filter_map(Result::err) {
                        bad(Column::Extension, e);
                    }
                    if let Some(first) = extensions.insert(ext.clone(), rec.row) {
                        bad(
                            Column::Extension,
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
        let number = match rec.get(Column::Number) {
            None => None,
            Some(v) => match validate::e164(Field::PhoneNumber, v) {
                Err(e) => {
                    bad(Column::Number, e);
                    None
                }
                Ok(n) => {
                    if let Err(e) = require_calling(Field::PhoneNumber) {
                        bad(Column::Number, e);
                    }
                    // Without a known site the row is refused for its Site cell already.
                    let site = site_id.and_then(|id| site_name(id).map(|name| (id, name)));
                    if let Some((site_id, site)) = site {
                        if let Err(e) = check_number(&snap, user_id, site_id, site, &n) {
                            bad(Column::Number, e);
                        }
                    }
                    if let Some(first) = numbers.insert(n.clone(), rec.row) {
                        bad(
                            Column::Number,
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
        let site_id = site_id.expect("checked above");
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
            site_name(site_id),
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
                site_id: Some(site_id),
            },
            site_id,
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
    Ok(Plan {
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

fn apply_row(tx: &rusqlite::Transaction<'_>, ctx: &ChangeContext<'_>, p: &RowPlan) -> Result<()> {
    let user = match p.existing {
        None => insert_new_user(tx, ctx, &p.user, json!({ "import_row": p.row }))?,
        Some(id) => {
            let before = directory::user_detail(tx, id)?;
            let profile = users::ImportedProfile {
                first_name: &p.user.first_name,
                last_name: &p.user.last_name,
                department: &p.user.department,
                site_id: p.site_id,
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

/// The users as the import reads them, one row each, sorted by name.
fn export(conn: &Connection) -> Result<Vec<u8>> {
    let mut w = crate::base::csv_cell::CsvWriter::new();
    w.row(COLUMNS)?;
    users::each_for_export(conn, |cells| w.row(cells))?;
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
        progress: &mut dyn Progress,
    ) -> Result<ImportPreview> {
        self.read(actor, Permission::UsersEdit, |conn| {
            Ok(preview_of(&plan(conn, csv, progress)?))
        })
    }

    /// Applies the file in one transaction, with an audit entry per change, or nothing at all
    /// (also when cancelled); `progress` counts the users added or updated.
    pub fn import_users(
        &mut self,
        actor: Actor,
        csv: &[u8],
        progress: &mut dyn Progress,
    ) -> Result<ImportReceipt> {
        self.change(actor, Action::UsersImport, |tx, ctx| {
            let plan = plan(tx, csv, &mut Unwatched)?;
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
            for (done, p) in plan.plans.iter().enumerate() {
                step(progress, done, plan.plans.len())?;
                apply_row(tx, ctx, p)?;
            }
            step(progress, plan.plans.len(), plan.plans.len())?;
            let receipt = ImportReceipt {
                added: plan.plans.iter().filter(|p| p.existing.is_none()).count() as u32,
                updated: plan.plans.iter().filter(|p| p.existing.is_some()).count() as u32,
                unchanged: plan.unchanged,
            };
            let mut entry = crate::kernel::audit::AuditEntry::new(Action::UsersImport.key());
            entry.after = Some(json!({ "rows": plan.rows, "added": receipt.added,
                "updated": receipt.updated, "unchanged": receipt.unchanged }));
            ctx.audit(tx, &entry)?;
            Ok(receipt)
        })
    }

    pub fn export_users_csv(&self, actor: Actor) -> Result<Vec<u8>> {
        self.read(actor, Permission::UsersView, export)
    }

    /// Writes the users to `dest` as CSV (atomically), recorded in the audit log.
    pub fn export_users_to(&mut self, actor: Actor, dest: &std::path::Path) -> Result<u32> {
        self.change(actor, Action::UsersExport, |tx, ctx| {
            let csv = export(tx)?;
            crate::storage::files::write_atomically(dest, &csv)?;
            let rows = users::count(tx)?;
            let mut entry = crate::kernel::audit::AuditEntry::new(Action::UsersExport.key());
            entry.after = Some(json!({ "path": dest.display().to_string(), "rows": rows }));
            ctx.audit(tx, &entry)?;
            Ok(rows)
        })
    }
}

#[cfg(test)]
mod tests;
