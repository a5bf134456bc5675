//! The input rules shared by the editor, the import and every other door into the database.
//! Each validator names its field and the cause, and returns the value as it will be stored.

use crate::base::error::{Error, Result};
use crate::base::field::Field;

pub const MAX_NAME: usize = 100;
pub const MAX_EMAIL: usize = 254;
pub const MAX_MODEL: usize = 60;

/// Numbers that reach emergency services in North America, the UK and the EU.
pub const EMERGENCY_NUMBERS: [&str; 3] = ["911", "999", "112"];

/// Direction overrides and isolates: invisible, and used to make text read as something else.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Free text of one line (names, department, device model): any script, no control
/// characters, at most `max` characters. Surrounding spaces are dropped.
pub fn text(field: Field, value: &str, max: usize, required: bool) -> Result<String> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(Error::invalid(field, "must not be empty."));
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(Error::invalid(
            field,
            format!(
                "contains the control character U+{:04X}; type it without line breaks or tabs.",
                c as u32
            ),
        ));
    }
    if let Some(c) = value.chars().find(|&c| is_direction_control(c)) {
        return Err(Error::invalid(
            field,
            format!(
                "contains the invisible text-direction character U+{:04X}.",
                c as u32
            ),
        ));
    }
    let len = value.chars().count();
    if len > max {
        return Err(Error::invalid(
            field,
            format!("is {len} characters long; at most {max} are allowed."),
        ));
    }
    Ok(value.to_owned())
}

pub fn person_name(field: Field, value: &str) -> Result<String> {
    text(field, value, MAX_NAME, true)
}

/// An email address as mail systems accept it: one @, a local part and a dotted domain.
pub fn email(value: &str) -> Result<String> {
    const FIELD: Field = Field::Email;
    let value = text(FIELD, value, MAX_EMAIL, true)?;
    let invalid = |cause: &str| Err(Error::invalid(FIELD, format!("{value} {cause}")));
    let Some((local, domain)) = value.split_once('@') else {
        return invalid("has no @; an email address looks like name@example.com.");
    };
    if domain.contains('@') {
        return invalid("has more than one @.");
    }
    if local.is_empty() {
        return invalid("has nothing before the @.");
    }
    if local.chars().count() > 64 {
        return invalid("has more than 64 characters before the @.");
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_whitespace() || "\"(),:;<>[\\]".contains(*c))
    {
        return invalid(&format!(
            "contains {c:?}, which an email address cannot hold."
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return invalid("has a misplaced dot before the @.");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return invalid("has no dot in its domain, e.g. example.com.");
    }
    if labels
        .iter()
        .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return invalid("has an empty or malformed part in its domain.");
    }
    if let Some(c) = domain
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '.'))
    {
        return invalid(&format!("contains {c:?} in its domain."));
    }
    Ok(value)
}

/// Extensions: digits only (leading zeros kept), 3 to 6 long, and never one that a caller
/// could mistake for an emergency number.
pub fn extension(value: &str) -> Result<String> {
    const FIELD: Field = Field::Extension;
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(FIELD, "must not be empty."));
    }
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(
            FIELD,
            format!("{value} must contain digits 0-9 only."),
        ));
    }
    if !(3..=6).contains(&value.len()) {
        return Err(Error::invalid(
            FIELD,
            format!(
                "{value} has {} digits; an extension has 3 to 6.",
                value.len()
            ),
        ));
    }
    for e in EMERGENCY_NUMBERS {
        if value == e {
            return Err(Error::invalid(
                FIELD,
                format!("{value} is an emergency number."),
            ));
        }
        if value.starts_with(e) || e.starts_with(value) {
            return Err(Error::invalid(
                FIELD,
                format!("{value} begins with the emergency number {e}: a caller dialing it could reach emergency services."),
            ));
        }
    }
    Ok(value.to_owned())
}

/// A phone number in E.164 form. Spaces, dashes, dots and brackets people type between the
/// digits are dropped; the + and the country code are required.
pub fn e164(field: Field, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(field, "must not be empty."));
    }
    let Some(rest) = value.strip_prefix('+') else {
        return Err(Error::invalid(
            field,
            format!("{value} must start with + and the country code, e.g. +15125550100."),
        ));
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => {
                return Err(Error::invalid(
                    field,
                    format!("{value} contains {c:?}; a phone number has digits only after the +."),
                ))
            }
        }
    }
    if digits.starts_with('0') {
        return Err(Error::invalid(
            field,
            format!("{value}: a country code never starts with 0."),
        ));
    }
    if !(7..=15).contains(&digits.len()) {
        return Err(Error::invalid(
            field,
            format!(
                "{value} has {} digits; an E.164 number has 7 to 15 after the +.",
                digits.len()
            ),
        ));
    }
    Ok(format!("+{digits}"))
}

/// A voicemail PIN: 4 to 8 digits that a stranger would not guess first.
pub fn voicemail_pin(value: &str, extension: Option<&str>) -> Result<String> {
    const FIELD: Field = Field::VoicemailPin;
    let refuse = |cause: &str| Err(Error::invalid(FIELD, cause.to_owned()));
    if value.is_empty() {
        return refuse("must not be empty.");
    }
    if !value.chars().all(|c| c.is_ascii_digit()) {
        return refuse("must contain digits 0-9 only.");
    }
    if !(4..=8).contains(&value.len()) {
        return refuse(&format!("has {} digits; a PIN has 4 to 8.", value.len()));
    }
    let d: Vec<i32> = value.bytes().map(|b| i32::from(b - b'0')).collect();
    if d.iter().all(|&x| x == d[0]) {
        return refuse("is one digit repeated; choose one that is harder to guess.");
    }
    let steps: Vec<i32> = d.windows(2).map(|w| (w[1] - w[0]).rem_euclid(10)).collect();
    if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == 9) {
        return refuse("is a run of consecutive digits; choose one that is harder to guess.");
    }
    if extension == Some(value) {
        return refuse("is the user's extension; choose one that is harder to guess.");
    }
    Ok(value.to_owned())
}

/// A MAC address in any usual notation, stored as AA:BB:CC:DD:EE:FF.
pub fn mac_address(value: &str) -> Result<String> {
    const FIELD: Field = Field::MacAddress;
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(FIELD, "must not be empty."));
    }
    let hex: String = value
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | '.'))
        .collect();
    if hex.len() != 12 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::invalid(
            FIELD,
            format!("{value} is not a MAC address; it has 12 hexadecimal digits, e.g. 80:5E:C0:12:34:56."),
        ));
    }
    let hex = hex.to_ascii_uppercase();
    let first = u8::from_str_radix(&hex[..2], 16).expect("hex digits");
    if hex.chars().all(|c| c == '0') || hex.chars().all(|c| c == 'F') || first & 1 == 1 {
        return Err(Error::invalid(
            FIELD,
            format!("{value} is a group or placeholder address, not one of a device."),
        ));
    }
    let pairs: Vec<&str> = (0..6).map(|i| &hex[i * 2..i * 2 + 2]).collect();
    Ok(pairs.join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(r: Result<String>) -> String {
        r.unwrap_err().field().unwrap().label()
    }

    #[test]
    fn names_keep_any_script_and_refuse_empty_control_and_long_values() {
        for ok in [
            "Zoë",
            "José",
            "Siobhán",
            "李小龙",
            "Nguyễn",
            "O'Brien-Smith",
            "أحمد",
            "👩‍⚕️ Ada",
        ] {
            assert_eq!(person_name(Field::FirstName, ok).unwrap(), ok);
        }
        assert_eq!(person_name(Field::LastName, "  Ruiz ").unwrap(), "Ruiz");
        for bad in [
            "",
            "   ",
            "Ann\nLee",
            "Tab\there",
            "Bell\u{7}",
            "\u{202E}evil",
        ] {
            let e = person_name(Field::FirstName, bad).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("firstName"), "{bad:?}");
        }
        let long = "a".repeat(MAX_NAME + 1);
        let e = person_name(Field::LastName, &long).unwrap_err();
        assert!(e.to_string().contains("101 characters"), "{e}");
    }

    #[test]
    fn emails_are_checked_for_shape() {
        for ok in [
            "ana@example.com",
            "a.b+tag@mail.example.co.uk",
            "zoë@exämple.de",
        ] {
            assert_eq!(email(ok).unwrap(), ok);
        }
        for (bad, cause) in [
            ("", "empty"),
            ("ana.example.com", "no @"),
            ("ana@@example.com", "more than one @"),
            ("@example.com", "nothing before"),
            ("ana@example", "no dot"),
            ("ana@.com", "malformed"),
            ("an a@example.com", "cannot hold"),
            ("ana@exa_mple.com", "in its domain"),
            (".ana@example.com", "misplaced dot"),
            ("<script>@x.com", "cannot hold"),
        ] {
            let e = email(bad).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("email"));
            assert!(e.to_string().contains(cause), "{bad:?}: {e}");
        }
    }

    #[test]
    fn extensions_are_digits_three_to_six_long_and_never_emergency_numbers() {
        for ok in ["100", "0042", "2041", "123456", "000"] {
            assert_eq!(extension(ok).unwrap(), ok, "leading zeros kept");
        }
        for (bad, cause) in [
            ("", "empty"),
            ("12", "has 2 digits"),
            ("1234567", "has 7 digits"),
            ("12a4", "digits 0-9"),
            ("１２３", "digits 0-9"),
            ("-123", "digits 0-9"),
            ("911", "is an emergency number"),
            ("999", "is an emergency number"),
            ("112", "is an emergency number"),
            ("9110", "begins with the emergency number 911"),
            ("11234", "begins with"),
        ] {
            let e = extension(bad).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("extension"));
            assert!(e.to_string().contains(cause), "{bad:?}: {e}");
        }
        // 11234 starts with 112.
        assert!(extension("1123").is_err());
        assert!(extension("9991").is_err());
        assert!(extension("9119").is_err());
        assert!(extension("1911").is_ok());
    }

    #[test]
    fn phone_numbers_are_e164_with_separators_dropped() {
        assert_eq!(
            e164(Field::ForwardTo, "+1 (512) 555-0100").unwrap(),
            "+15125550100"
        );
        assert_eq!(
            e164(Field::ForwardTo, "+4930123456").unwrap(),
            "+4930123456"
        );
        for (bad, cause) in [
            ("5125550100", "must start with +"),
            ("+0512555", "never starts with 0"),
            ("+12345", "has 5 digits"),
            ("+1234567890123456", "has 16 digits"),
            ("+1 512 CALL NOW", "contains"),
            ("", "empty"),
        ] {
            let e = e164(Field::ForwardTo, bad).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("forwardTo"));
            assert!(e.to_string().contains(cause), "{bad:?}: {e}");
        }
    }

    #[test]
    fn pins_are_four_to_eight_digits_and_not_guessable() {
        for ok in ["4821", "90210", "13579246", "1212"] {
            assert_eq!(voicemail_pin(ok, Some("2041")).unwrap(), ok);
        }
        for (bad, cause) in [
            ("", "empty"),
            ("123", "has 3 digits"),
            ("123456789", "has 9 digits"),
            ("12a4", "digits 0-9"),
            ("0000", "one digit repeated"),
            ("77777777", "one digit repeated"),
            ("1234", "consecutive"),
            ("4321", "consecutive"),
            ("7890", "consecutive"),
            ("98765", "consecutive"),
            ("2041", "extension"),
        ] {
            let e = voicemail_pin(bad, Some("2041")).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("voicemailPin"));
            assert!(e.to_string().contains(cause), "{bad:?}: {e}");
        }
    }

    #[test]
    fn mac_addresses_are_normalized_and_group_addresses_refused() {
        for ok in [
            "80:5e:c0:12:34:56",
            "80-5E-C0-12-34-56",
            "805E.C012.3456",
            "805ec0123456",
        ] {
            assert_eq!(mac_address(ok).unwrap(), "80:5E:C0:12:34:56");
        }
        for bad in [
            "",
            "80:5e:c0:12:34",
            "80:5e:c0:12:34:5g",
            "00:00:00:00:00:00",
            "FF:FF:FF:FF:FF:FF",
            "01:00:5E:00:00:01",
        ] {
            assert_eq!(field_of(mac_address(bad)), "MAC address", "{bad:?}");
        }
    }
}
