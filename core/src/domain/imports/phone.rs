//! Phone numbers as people write them ("(512) 555-0100", "+44 20 7946 0958", "030 1234567"),
//! read with the rules of Google's libphonenumber (the `phonenumber` port) for the country of
//! the user's site, and written as E.164.

use crate::base::error::{Error, Result};
use crate::base::field::Field;

/// The number in E.164, or why it cannot be read as one of `country` (ISO 3166 alpha-2).
pub(crate) fn to_e164(text: &str, country: &str) -> Result<String> {
    let t = text.trim();
    let region: Option<phonenumber::country::Id> = country.parse().ok();
    let refuse = || {
        Error::invalid(
            Field::PhoneNumber,
            format!(
                "{t} is not a phone number {}; write it with its country code, such as +1 512 555 0100.",
                match region {
                    Some(_) => format!("of {country}"),
                    None => "LicenseDesk can read".to_owned(),
                }
            ),
        )
    };
    let number = phonenumber::parse(region, t).map_err(|_| refuse())?;
    if !phonenumber::is_valid(&number) {
        return Err(refuse());
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_written_forms_become_e164_with_the_sites_country() {
        for (country, written, e164) in [
            ("US", "+1 512 555 0100", "+15125550100"),
            ("US", "(512) 555-0100", "+15125550100"),
            ("US", "512.555.0100", "+15125550100"),
            ("US", "1-512-555-0100", "+15125550100"),
            ("GB", "020 7946 0958", "+442079460958"),
            ("GB", "+44 (0)20 7946 0958", "+442079460958"),
            ("DE", "030 1234567", "+49301234567"),
            ("DE", "+49 30 1234567", "+49301234567"),
            // A number with its country code is read whatever the site's country.
            ("DE", "+1 (512) 555-0100", "+15125550100"),
        ] {
            assert_eq!(
                to_e164(written, country).unwrap(),
                e164,
                "{country} {written}"
            );
        }
    }

    #[test]
    fn what_cannot_be_a_number_is_refused_naming_the_field() {
        for (country, written) in [
            ("US", "12"),
            ("US", "+1512555010"),
            ("GB", "call me"),
            ("US", ""),
        ] {
            let e = to_e164(written, country).unwrap_err();
            assert_eq!(
                e.payload().field.as_deref(),
                Some("phoneNumber"),
                "{written}"
            );
            assert!(e.to_string().contains("is not a phone number"), "{e}");
        }
    }
}
