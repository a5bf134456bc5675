//! Which column of a users file holds which LicenseDesk field: known export layouts (Microsoft
//! 365, Google Workspace, LicenseDesk's own) are recognized by their header row, any other
//! header is guessed from common names, and the admin's own choice wins over both.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::base::field::Field;

/// A LicenseDesk field a users file can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    FirstName,
    LastName,
    Email,
    Department,
    Site,
    Extension,
    PhoneNumber,
    License,
    /// "Ana Ruiz": split into first and last name when the file has no such columns.
    DisplayName,
}

impl ImportField {
    /// In the order the mapping step shows them.
    pub const ALL: [ImportField; 9] = [
        ImportField::FirstName,
        ImportField::LastName,
        ImportField::DisplayName,
        ImportField::Email,
        ImportField::Department,
        ImportField::Site,
        ImportField::Extension,
        ImportField::PhoneNumber,
        ImportField::License,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ImportField::FirstName => "First name",
            ImportField::LastName => "Last name",
            ImportField::Email => "Email",
            ImportField::Department => "Department",
            ImportField::Site => "Site",
            ImportField::Extension => "Extension",
            ImportField::PhoneNumber => "Phone number",
            ImportField::License => "License",
            ImportField::DisplayName => "Display name",
        }
    }

    /// The editor's field: an import row's errors are the editor's.
    pub(crate) fn field(self) -> Field {
        match self {
            ImportField::FirstName => Field::FirstName,
            ImportField::LastName => Field::LastName,
            ImportField::Email => Field::Email,
            ImportField::Department => Field::Department,
            ImportField::Site => Field::Site,
            ImportField::Extension => Field::Extension,
            ImportField::PhoneNumber => Field::PhoneNumber,
            ImportField::License => Field::License,
            ImportField::DisplayName => Field::FirstName,
        }
    }
}

/// A header cell as compared: lower case letters and digits, without a bracketed note
/// ("First Name [Required]" is "firstname").
pub(crate) fn header_key(cell: &str) -> String {
    let mut key = String::new();
    let mut depth = 0usize;
    for c in cell.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphanumeric() => key.extend(c.to_lowercase()),
            _ => {}
        }
    }
    key
}

/// An export layout LicenseDesk knows: recognized when every `signature` header is present.
struct Layout {
    name: &'static str,
    signature: &'static [&'static str],
    columns: &'static [(&'static str, ImportField)],
    /// Its license column names LicenseDesk products (so an unknown one is a typo).
    own: bool,
}

use ImportField as F;

const LAYOUTS: [Layout; 4] = [
    Layout {
        name: "LicenseDesk users file",
        signature: &[
            "firstname",
            "lastname",
            "email",
            "site",
            "extension",
            "phonenumber",
            "license",
        ],
        columns: &[
            ("firstname", F::FirstName),
            ("lastname", F::LastName),
            ("email", F::Email),
            ("department", F::Department),
            ("site", F::Site),
            ("extension", F::Extension),
            ("phonenumber", F::PhoneNumber),
            ("license", F::License),
        ],
        own: true,
    },
    // Microsoft 365 admin center, Users > Active users > Export users.
    Layout {
        name: "Microsoft 365 admin center user export",
        signature: &["userprincipalname", "displayname", "blockcredential"],
        columns: &[
            ("firstname", F::FirstName),
            ("lastname", F::LastName),
            ("userprincipalname", F::Email),
            ("department", F::Department),
            ("office", F::Site),
            ("phonenumber", F::PhoneNumber),
            ("licenses", F::License),
            ("displayname", F::DisplayName),
        ],
        own: false,
    },
    // Google Workspace Admin console, Users > Download users (it has read-only columns).
    Layout {
        name: "Google Workspace user download",
        signature: &[
            "firstname",
            "lastname",
            "emailaddress",
            "orgunitpath",
            "lastsignin",
        ],
        columns: GOOGLE_COLUMNS,
        own: false,
    },
    // Google Workspace Admin console, Users > Bulk update users > the CSV template.
    Layout {
        name: "Google Workspace bulk-upload template",
        signature: &["firstname", "lastname", "emailaddress", "orgunitpath"],
        columns: GOOGLE_COLUMNS,
        own: false,
    },
];

const GOOGLE_COLUMNS: &[(&str, ImportField)] = &[
    ("firstname", F::FirstName),
    ("lastname", F::LastName),
    ("emailaddress", F::Email),
    ("department", F::Department),
    ("buildingid", F::Site),
    ("workphone", F::PhoneNumber),
];

/// What other systems call each field, as header keys: the guesses for an unknown header.
const ALIASES: &[(ImportField, &[&str])] = &[
    (
        F::FirstName,
        &[
            "firstname",
            "givenname",
            "first",
            "forename",
            "preferredfirstname",
        ],
    ),
    (F::LastName, &["lastname", "surname", "familyname", "last"]),
    (
        F::Email,
        &[
            "email",
            "emailaddress",
            "mail",
            "workemail",
            "businessemail",
            "primaryemail",
            "userprincipalname",
            "upn",
            "login",
        ],
    ),
    (F::Department, &["department", "dept", "team", "division"]),
    (
        F::Site,
        &[
            "site",
            "location",
            "office",
            "worklocation",
            "building",
            "buildingid",
            "branch",
        ],
    ),
    (
        F::Extension,
        &["extension", "ext", "phoneextension", "extn"],
    ),
    (
        F::PhoneNumber,
        &[
            "phonenumber",
            "phone",
            "number",
            "directnumber",
            "did",
            "workphone",
            "businessphone",
            "officephone",
            "telephone",
            "telephonenumber",
            "mobile",
            "mobilephone",
            "cell",
        ],
    ),
    (
        F::License,
        &[
            "license", "licence", "licenses", "licences", "product", "plan", "sku",
        ],
    ),
    (
        F::DisplayName,
        &["displayname", "fullname", "name", "employeename"],
    ),
];

/// Where a mapping came from, for the preview to say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MappingSource {
    /// A known layout, by its header row.
    Layout,
    /// The mapping the admin used last time for a file with this header row.
    Remembered,
    /// Guessed from the column names.
    Guessed,
    /// Chosen in this import.
    Chosen,
}

/// The header's columns, each with the field it fills (None: not imported).
pub(crate) struct ColumnMapping {
    pub fields: Vec<Option<ImportField>>,
    pub layout: Option<&'static str>,
    pub source: MappingSource,
    /// The license column names LicenseDesk products: an unknown one is an error, not a
    /// license of another system.
    pub own_licenses: bool,
}

/// The known layout of a header row, if it is one.
fn layout_of(keys: &[String]) -> Option<&'static Layout> {
    LAYOUTS
        .iter()
        .find(|l| l.signature.iter().all(|s| keys.iter().any(|k| k == s)))
}

/// Each column's field from the layout, or else from the aliases; a field is taken by the
/// first column that names it.
pub(crate) fn recognize(header: &[String]) -> ColumnMapping {
    let keys: Vec<String> = header.iter().map(|h| header_key(h)).collect();
    let layout = layout_of(&keys);
    let mut fields: Vec<Option<ImportField>> = vec![None; keys.len()];
    let mut taken = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let field = match layout {
            Some(l) => l.columns.iter().find(|(k, _)| k == key).map(|(_, f)| *f),
            None => ALIASES
                .iter()
                .find(|(_, names)| names.contains(&key.as_str()))
                .map(|(f, _)| *f),
        };
        if let Some(f) = field.filter(|f| !taken.contains(f)) {
            taken.push(f);
            fields[i] = Some(f);
        }
    }
    ColumnMapping {
        fields,
        layout: layout.map(|l| l.name),
        source: if layout.is_some() {
            MappingSource::Layout
        } else {
            MappingSource::Guessed
        },
        // A file without a known layout but with LicenseDesk's own column names (the
        // template with a column less) is still ours.
        own_licenses: layout.is_none_or(|l| l.own),
    }
}

/// The settings key a mapping is remembered under: the header row's hash.
pub(crate) fn remembered_key(header: &[String]) -> String {
    let mut hash = Sha256::new();
    for cell in header {
        hash.update(header_key(cell).as_bytes());
        hash.update([0x1f]);
    }
    let hex: String = hash.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("import_mapping.{hex}")
}

/// Splits a display name: the last word is the last name, the rest the first name.
pub(crate) fn split_display_name(name: &str) -> Option<(String, String)> {
    let name = name.trim();
    let (first, last) = name.rsplit_once(char::is_whitespace)?;
    let first = first.trim();
    (!first.is_empty()).then(|| (first.to_owned(), last.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cells: &str) -> Vec<String> {
        cells.split(',').map(str::to_owned).collect()
    }

    #[test]
    fn keys_ignore_case_punctuation_and_bracketed_notes() {
        assert_eq!(header_key("First Name [Required]"), "firstname");
        assert_eq!(header_key("E-mail Address"), "emailaddress");
        assert_eq!(
            header_key("Recovery Phone [MUST BE IN THE E.164 FORMAT]"),
            "recoveryphone"
        );
        assert_eq!(header_key("Country/Region"), "countryregion");
        assert_eq!(header_key("Nachname"), "nachname");
    }

    #[test]
    fn unknown_headers_are_guessed_from_common_names() {
        let m = recognize(&header(
            "E-mail Address,Given name,Surname,Location,Mobile,Ext,Team,Notes",
        ));
        assert_eq!(m.layout, None);
        assert_eq!(m.source, MappingSource::Guessed);
        assert_eq!(
            m.fields,
            [
                Some(F::Email),
                Some(F::FirstName),
                Some(F::LastName),
                Some(F::Site),
                Some(F::PhoneNumber),
                Some(F::Extension),
                Some(F::Department),
                None
            ]
        );
        // The first column that names a field takes it.
        let m = recognize(&header("Work email,Mail,Full name,Office"));
        assert_eq!(
            m.fields,
            [Some(F::Email), None, Some(F::DisplayName), Some(F::Site)]
        );
        assert!(m.own_licenses);
    }

    #[test]
    fn split_names_keep_every_first_name() {
        assert_eq!(
            split_display_name(" Mary Ann  Smith "),
            Some(("Mary Ann".into(), "Smith".into()))
        );
        assert_eq!(
            split_display_name("Zoë Nguyễn"),
            Some(("Zoë".into(), "Nguyễn".into()))
        );
        assert_eq!(split_display_name("Cher"), None);
    }

    #[test]
    fn the_remembered_key_is_the_header_row_whatever_its_spelling() {
        assert_eq!(
            remembered_key(&header("Mail,Given name")),
            remembered_key(&header("mail,Given Name"))
        );
        assert_ne!(
            remembered_key(&header("Mail,Given name")),
            remembered_key(&header("Given name,Mail"))
        );
    }
}
