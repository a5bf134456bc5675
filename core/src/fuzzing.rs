//! Entry points for the fuzz targets in `fuzz/` and the property-based fuzz in `cargo test`:
//! every input validator, by name, and what "a good answer" means for each.
//!
//! Not part of the app's API. A new validator is added to [`validators`] and is fuzzed (and run
//! through the hostile-input corpus) from then on.

use crate::base::error::{Error, Result};
use crate::base::field::Field;

/// A validator over one text field: Ok, or an `invalid_input` error naming the field.
pub type Validator = fn(&str) -> Result<()>;

/// Every input validator in core, with the field its errors must name.
pub fn validators() -> Vec<(Field, Validator)> {
    let login: Validator = |s| crate::domain::admin::admin_accounts::validate_login(s).map(drop);
    let name: Validator =
        |s| crate::domain::admin::admin_accounts::validate_display_name(s).map(drop);
    let password: Validator =
        |s| crate::domain::admin::admin_accounts::check_password_strength(s, "dana.reyes");
    let date: Validator = |s| crate::kernel::audit::validate_bound(Field::From, s);
    let quantity: Validator = |s| crate::domain::billing::parse_quantity(s).map(drop);
    let first_name: Validator =
        |s| crate::base::validate::person_name(Field::FirstName, s).map(drop);
    let department: Validator = |s| {
        crate::base::validate::text(Field::Department, s, crate::base::validate::MAX_NAME, false)
            .map(drop)
    };
    let email: Validator = |s| crate::base::validate::email(s).map(drop);
    let extension: Validator = |s| crate::base::validate::extension(s).map(drop);
    let number: Validator = |s| crate::base::validate::e164(Field::ForwardTo, s).map(drop);
    let pin: Validator = |s| crate::base::validate::voicemail_pin(s, Some("2041")).map(drop);
    let mac: Validator = |s| crate::base::validate::mac_address(s).map(drop);
    vec![
        (Field::Account, login),
        (Field::Name, name),
        (Field::Password, password),
        (Field::From, date),
        (Field::Quantity, quantity),
        (Field::FirstName, first_name),
        (Field::Department, department),
        (Field::Email, email),
        (Field::Extension, extension),
        (Field::ForwardTo, number),
        (Field::VoicemailPin, pin),
        (Field::MacAddress, mac),
    ]
}

/// Runs one validator on `input` and panics if the answer is not a proper one: Ok, or
/// `invalid_input` naming `field` with a message that says something.
pub fn check_validator(field: Field, validator: Validator, input: &str) {
    match validator(input) {
        Ok(()) => {}
        Err(Error::InvalidInput { field: f, message }) => {
            assert_eq!(f, field, "{input:?}");
            assert!(!message.trim().is_empty(), "{input:?}");
        }
        Err(other) => panic!("{field} validator gave {other:?} for {input:?}"),
    }
}

/// A demo organization in a temporary folder, signed in as its Super Admin, for fuzzing the
/// operations that need a database (the user search, the audit filters).
pub struct FuzzOrg {
    _dir: tempfile_free::Dir,
    pub org: crate::Org,
    pub actor: crate::Actor,
}

mod tempfile_free {
    /// A folder removed when dropped (core has no tempfile outside its tests).
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl FuzzOrg {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "licensedesk-fuzz-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut org = crate::Org::open_with_system_clock(&dir.join("fuzz.sqlite")).expect("demo");
        let (login, _, _, password) = crate::lifecycle::demo::DEMO_ACCOUNTS[0];
        let session = org.sign_in(login, password).expect("sign in");
        Self {
            _dir: tempfile_free::Dir(dir),
            org,
            actor: crate::Actor {
                account_id: session.account_id,
            },
        }
    }

    /// The user search must answer whatever was typed.
    pub fn search(&self, text: &str) {
        let query = crate::UserQuery {
            search: text.to_owned(),
            license: crate::LicenseFilter::Any,
            status: None,
            after: None,
            limit: 20,
        };
        if let Err(e) = self.org.search_users(self.actor, &query) {
            panic!("search failed for {text:?}: {e}");
        }
    }

    /// The audit filters take any text; date bounds are refused by field, nothing else fails.
    pub fn audit_filters(&self, text: &str) {
        let query = crate::AuditQuery {
            account: text.to_owned(),
            action: text.to_owned(),
            user: text.to_owned(),
            from: String::new(),
            to: String::new(),
            target_user_id: None,
            before_id: None,
            limit: 20,
        };
        if let Err(e) = self.org.audit_log(self.actor, &query) {
            panic!("audit filters failed for {text:?}: {e}");
        }
        let dated = crate::AuditQuery {
            to: text.to_owned(),
            ..query
        };
        match self.org.audit_log(self.actor, &dated) {
            Ok(_) => {}
            Err(Error::InvalidInput {
                field: Field::To, ..
            }) => {}
            Err(e) => panic!("audit To bound {text:?}: {e:?}"),
        }
    }
}

impl Default for FuzzOrg {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Text of every kind: any Unicode, and strings built from the characters that break
    /// parsers (quotes, wildcards, FTS operators, control characters, long runs).
    fn nasty() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[\"'%_*()\\\\:^+\\-\\x00-\\x1f\\u{200f}\\u{202e} a-zA-Z0-9@.<>/;]{0,60}",
            proptest::collection::vec(
                prop_oneof![
                    Just("NEAR(".to_owned()),
                    Just(" OR ".to_owned()),
                    Just("\"".to_owned()),
                    Just("*".to_owned()),
                    Just("'; DROP TABLE users; --".to_owned()),
                    Just("<img src=x onerror=alert(1)>".to_owned()),
                    Just("2026-11-27".to_owned()),
                    Just("😀".to_owned()),
                    "[a-z0-9]{1,8}",
                ],
                0..12
            )
            .prop_map(|parts| parts.concat()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        #[test]
        fn every_validator_answers_every_text_properly(input in nasty()) {
            for (field, validator) in validators() {
                check_validator(field, validator, &input);
            }
        }
    }

    #[test]
    fn the_hostile_corpus_through_every_validator() {
        for (_, value) in crate::tests::hostile_input::corpus() {
            for (field, validator) in validators() {
                check_validator(field, validator, &value);
            }
        }
    }

    #[test]
    fn search_and_audit_filters_answer_random_text() {
        let fuzz = FuzzOrg::new();
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 300,
            ..ProptestConfig::default()
        });
        runner
            .run(&nasty(), |text| {
                fuzz.search(&text);
                fuzz.audit_filters(&text);
                Ok(())
            })
            .unwrap();
    }
}
