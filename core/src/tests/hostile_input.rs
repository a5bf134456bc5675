//! Hostile and malformed text, run through every core function that takes text. Each value
//! gets a specific error (code and field) or is stored exactly as given (after the documented
//! trim); nothing panics; the user search never fails on what was typed.
//!
//! [`corpus`] is reusable: a new validator is tested by running it over the whole list.

use std::sync::Arc;

use crate::base::clock::ManualClock;
use crate::base::error::Error;
use crate::kernel::org::{Actor, Org};
use crate::tests::testing::sign_in;
use crate::{
    AccountUpdate, AuditQuery, LicenseFilter, NewAccount, SeatChange, Unwatched, UserQuery,
};

/// At least 150 values that have broken software before, each with a short label.
pub(crate) fn corpus() -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = vec![
        // Empty and blank
        ("empty", "".into()),
        ("space", " ".into()),
        ("spaces", "     ".into()),
        ("tab", "\t".into()),
        ("newline", "\n".into()),
        ("crlf", "\r\n".into()),
        ("nbsp", "\u{a0}".into()),
        ("ideographic space", "\u{3000}".into()),
        ("zero-width space", "\u{200b}".into()),
        ("bom", "\u{feff}".into()),
        // Control characters
        ("nul", "\0".into()),
        ("nul inside", "dana\0reyes".into()),
        ("bell and escape", "\u{7}\u{1b}[31mred".into()),
        ("delete char", "abc\u{7f}".into()),
        ("vertical tab", "a\u{b}b".into()),
        ("line separator", "a\u{2028}b".into()),
        ("embedded newline", "Mei\nLin".into()),
        // Right-to-left and combining
        ("rtl override", "\u{202e}gnp.exe".into()),
        ("rtl mark", "\u{200f}שלום".into()),
        ("arabic", "محمد".into()),
        ("combining", "Zoe\u{301}".into()),
        ("zalgo", "Z̸̢̛a̷̡͐l̵̨̇g̶̢͝o̴̡͠".into()),
        // Emoji and other scripts
        ("emoji", "😀".into()),
        ("emoji zwj family", "👨‍👩‍👧‍👦".into()),
        ("flag", "🇵🇹".into()),
        ("cjk", "山田太郎".into()),
        ("astral", "𝕯𝖆𝖓𝖆".into()),
        ("surrogate-like text", "\\ud800".into()),
        // SQL
        ("quote", "'".into()),
        ("double quote", "\"".into()),
        ("sql or", "' OR '1'='1".into()),
        ("sql drop", "'; DROP TABLE users; --".into()),
        ("sql comment", "admin'--".into()),
        (
            "sql union",
            "x' UNION SELECT password_hash FROM accounts --".into(),
        ),
        ("like wildcards", "%".into()),
        ("underscore", "_".into()),
        ("backslash", "\\".into()),
        ("like escape", "\\%_\\_".into()),
        ("sql semicolon", ";".into()),
        ("pragma", "PRAGMA writable_schema=1".into()),
        // HTML and script
        ("img onerror", "<img src=x onerror=alert(1)>".into()),
        ("script", "<script>alert('x')</script>".into()),
        ("javascript url", "javascript:alert(1)".into()),
        ("html entity", "&lt;b&gt;&amp;".into()),
        ("svg", "<svg/onload=alert(1)>".into()),
        ("template", "{{7*7}}${7*7}".into()),
        // FTS query syntax
        ("fts quote", "\"unterminated".into()),
        ("fts star", "*".into()),
        ("fts prefix", "da*".into()),
        ("fts near", "NEAR(".into()),
        ("fts near full", "NEAR(dana reyes, 2)".into()),
        ("fts or", "OR".into()),
        ("fts and not", "dana AND NOT reyes".into()),
        ("fts column", "first_name:dana".into()),
        ("fts caret", "^dana".into()),
        ("fts parens", "(((".into()),
        ("fts minus", "-dana".into()),
        ("fts plus", "+".into()),
        // Emails of every wrong shape
        ("email no at", "dana.example.com".into()),
        ("email two ats", "dana@@example.com".into()),
        ("email no domain", "dana@".into()),
        ("email no local", "@example.com".into()),
        ("email spaces", "dana reyes@example.com".into()),
        ("email trailing dot", "dana@example.com.".into()),
        ("email unicode", "dána@exämple.com".into()),
        // Numbers and extensions of every wrong shape
        ("negative", "-1".into()),
        ("zero", "0".into()),
        ("leading zeros", "000000".into()),
        ("too short extension", "12".into()),
        ("too long extension", "1234567".into()),
        ("letters in extension", "12a4".into()),
        ("float", "1.5".into()),
        ("exponent", "1e9".into()),
        ("huge number", "99999999999999999999999999999".into()),
        ("i64 min", i64::MIN.to_string()),
        ("e164 no plus", "351210000101".into()),
        ("e164 leading zero", "+0351210000101".into()),
        ("e164 letters", "+35121000O101".into()),
        ("e164 spaces", "+351 21 000 0101".into()),
        ("arabic digits", "١٢٣٤".into()),
        ("fullwidth digits", "１２３４".into()),
        // Dates
        ("date wrong order", "27-11-2026".into()),
        ("date impossible", "2026-02-30".into()),
        ("date with junk", "2026-11-27' OR 1=1 --".into()),
        ("date multibyte at 10", "2026-11-2€".into()),
        // Paths
        ("path traversal", "../../etc/passwd".into()),
        ("absolute path", "/etc/passwd".into()),
        ("windows path", "C:\\Windows\\system32".into()),
    ];
    v.push(("10,000 characters", "a".repeat(10_000)));
    v.push(("10,000 emoji", "😀".repeat(10_000)));
    v.push(("10,000 percent signs", "%".repeat(10_000)));
    v.push(("10,000 nested parens", "(".repeat(10_000)));
    v.extend(more::values());
    v
}

mod more;

#[test]
fn the_corpus_is_big_enough_and_labels_are_unique() {
    let c = corpus();
    assert!(c.len() >= 150, "{}", c.len());
    let labels: std::collections::BTreeSet<_> = c.iter().map(|(l, _)| *l).collect();
    assert_eq!(labels.len(), c.len());
}

/// The error must be a refusal of the input naming one of `fields`, or one of `codes`.
#[track_caller]
fn specific(label: &str, what: &str, err: &Error, fields: &[&str], codes: &[&str]) {
    let p = err.payload();
    let named = err.field().map(|f| f.label()).unwrap_or_default();
    let named_field = p.code == "invalid_input" && fields.contains(&named.as_str());
    assert!(
        named_field || codes.contains(&p.code.as_str()),
        "{what} with {label}: unexpected {p:?}"
    );
    assert!(!p.message.is_empty());
}

fn org() -> (tempfile::TempDir, Org, Actor, ManualClock) {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(chrono::Utc::now());
    let mut org = Org::open(&dir.path().join("org.sqlite"), Arc::new(clock.clone())).unwrap();
    let admin = sign_in(&mut org, "dana.reyes");
    (dir, org, admin, clock)
}

#[test]
fn search_never_fails_on_what_was_typed() {
    let (_dir, org, admin, _) = org();
    for (label, value) in corpus() {
        for license in [LicenseFilter::Any, LicenseFilter::Unlicensed] {
            let query = UserQuery {
                search: value.clone(),
                license,
                status: None,
                after: None,
                limit: 50,
            };
            let page = org
                .search_users(admin, &query)
                .unwrap_or_else(|e| panic!("search with {label}: {e}"));
            // A wildcard is a character, not "everything".
            if matches!(
                label,
                "like wildcards" | "underscore" | "10,000 percent signs"
            ) {
                assert!(page.users.is_empty(), "{label}");
                assert_eq!(org.count_users(admin, &query).unwrap(), 0, "{label}");
            }
        }
    }
}

#[test]
fn audit_filters_accept_any_text_and_refuse_bad_dates_by_field() {
    let (_dir, org, admin, _) = org();
    for (label, value) in corpus() {
        let base = AuditQuery {
            account: String::new(),
            action: String::new(),
            user: String::new(),
            from: String::new(),
            to: String::new(),
            target_user_id: None,
            before_id: None,
            limit: 50,
        };
        for field in ["account", "action", "user"] {
            let mut q = base.clone();
            match field {
                "account" => q.account = value.clone(),
                "action" => q.action = value.clone(),
                _ => q.user = value.clone(),
            }
            let page = match org.audit_log(admin, &q) {
                Ok(page) => page,
                Err(e) => {
                    // Only text too long to be in any entry is refused, by its field.
                    assert!(value.trim().chars().count() > 1_000, "{label}: {e}");
                    specific(label, field, &e, &["Account", "Action", "User"], &[]);
                    continue;
                }
            };
            // A wildcard is a character: "%" is in no entry ("_" is in actions like sign_in).
            if label == "like wildcards" || (label == "underscore" && field != "action") {
                assert_eq!(page.total, 0, "{field} {label}");
            }
        }
        for field in ["From", "To"] {
            let mut q = base.clone();
            if field == "From" {
                q.from = value.clone();
            } else {
                q.to = value.clone();
            }
            match org.audit_log(admin, &q) {
                Ok(_) => assert!(value.trim().is_empty(), "{field} accepted {label}"),
                Err(e) => specific(label, field, &e, &[field], &[]),
            }
        }
    }
}

#[test]
fn sign_in_refuses_every_hostile_login_and_password_specifically() {
    let (_dir, mut org, _, clock) = org();
    for (label, value) in corpus() {
        let err = org.sign_in(&value, "some password 1").unwrap_err();
        specific(
            label,
            "sign-in login",
            &err,
            &["Account"],
            &["invalid_credentials", "sign_in_throttled"],
        );
        let err = org.sign_in("dana.reyes", &value).unwrap_err();
        specific(
            label,
            "sign-in password",
            &err,
            &["Password"],
            &["invalid_credentials", "sign_in_throttled"],
        );
        // Let throttling pass so that each value meets the real check.
        clock.advance(chrono::Duration::hours(2));
    }
    // The real account still signs in, and the log holds the hostile logins as typed.
    sign_in(&mut org, "dana.reyes");
}

#[test]
fn account_fields_are_refused_by_field_or_stored_as_given() {
    let (_dir, mut org, admin, clock) = org();
    let good = |n: usize| NewAccount {
        login: format!("hostile-{n}"),
        display_name: "Hostile Tester".into(),
        role: "Helpdesk".into(),
        password: "Correct horse 42".into(),
    };
    let mut n = 0;
    let mut stored = 0;
    for (label, value) in corpus() {
        // Login: lower-cased and trimmed, or refused as "Account".
        n += 1;
        match org.create_account(
            admin,
            &NewAccount {
                login: value.clone(),
                ..good(n)
            },
        ) {
            Ok(row) => {
                assert_eq!(row.login, value.trim().to_lowercase(), "{label}");
                stored += 1;
            }
            Err(e) => specific(label, "login", &e, &["Account"], &[]),
        }
        // Display name: trimmed, or refused as "Name"; shown as stored.
        n += 1;
        match org.create_account(
            admin,
            &NewAccount {
                display_name: value.clone(),
                ..good(n)
            },
        ) {
            Ok(row) => {
                assert_eq!(row.display_name, value.trim(), "{label}");
                let listed = org.accounts(admin).unwrap();
                assert!(listed.iter().any(|a| a.display_name == value.trim()));
                stored += 1;
            }
            Err(e) => specific(label, "display name", &e, &["Name"], &[]),
        }
        // Role: only the names of roles.
        n += 1;
        let err = org
            .create_account(
                admin,
                &NewAccount {
                    role: value.clone(),
                    ..good(n)
                },
            )
            .unwrap_err();
        specific(label, "role", &err, &["Role"], &[]);
        // Password: refused as "Password", or it is the password, byte for byte.
        n += 1;
        let account = good(n);
        match org.create_account(
            admin,
            &NewAccount {
                password: value.clone(),
                ..account.clone()
            },
        ) {
            Ok(row) => {
                assert_eq!(org.sign_in(&row.login, &value).unwrap().login, row.login);
                let other = format!("{value}x");
                assert_eq!(
                    org.sign_in(&row.login, &other).unwrap_err().code(),
                    "invalid_credentials"
                );
                // Let the throttle of all logins pass.
                clock.advance(chrono::Duration::hours(1));
                stored += 1;
            }
            Err(e) => specific(label, "password", &e, &["Password"], &[]),
        }
    }
    assert!(stored > 10, "only {stored} values were accepted anywhere");
    // Reset password and role changes on an existing account.
    let target = org.create_account(admin, &good(0)).unwrap();
    for (label, value) in corpus() {
        match org.reset_password(admin, target.id, &value) {
            Ok(()) => assert!(org.sign_in(&target.login, &value).is_ok(), "{label}"),
            Err(e) => specific(label, "reset password", &e, &["Password"], &[]),
        }
        let err = org
            .update_account(
                admin,
                &AccountUpdate {
                    account_id: target.id,
                    role: value.clone(),
                    active: true,
                },
            )
            .unwrap_err();
        specific(label, "account role", &err, &["Role"], &[]);
    }
    let check: String = org
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    assert_eq!(
        crate::kernel::audit::first_broken_entry(org.conn()).unwrap(),
        None
    );
}

#[test]
fn a_backup_name_is_only_ever_one_of_the_listed_backups() {
    let (dir, mut org, admin, _) = org();
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    for (label, value) in corpus() {
        let err = org.restore_backup(admin, &value).unwrap_err();
        specific(label, "backup name", &err, &["Backup"], &[]);
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before.len());
}

#[test]
fn quantities_are_refused_by_field_or_bought_exactly() {
    let (_dir, mut org, admin, _) = org();
    let product_id = crate::tests::testing::product_id(&org, "Voice Pro");
    let seats = |org: &Org| -> i64 {
        org.conn()
            .query_row(
                "SELECT count(*) FROM seats WHERE product_id = ?1",
                [product_id],
                |r| r.get(0),
            )
            .unwrap()
    };
    for (label, value) in corpus() {
        let req = SeatChange {
            product_id,
            quantity: value.clone(),
        };
        let before = seats(&org);
        match org.purchase_preview(admin, &req) {
            Ok(_) => {
                let n: i64 = value.trim().parse().unwrap();
                org.purchase_licenses(admin, &req).unwrap();
                assert_eq!(seats(&org), before + n, "{label}");
            }
            Err(e) => {
                specific(label, "quantity", &e, &["Quantity"], &[]);
                let err = org.purchase_licenses(admin, &req).unwrap_err();
                specific(label, "purchase", &err, &["Quantity"], &[]);
                assert_eq!(seats(&org), before, "{label}");
            }
        }
        match org.cancellation_preview(admin, &req) {
            Ok(_) => {}
            Err(e) => specific(
                label,
                "cancellation",
                &e,
                &["Quantity"],
                &["no_license_available"],
            ),
        }
    }
}

#[test]
fn the_idle_days_are_refused_by_field_or_stored_exactly() {
    let (_dir, mut org, admin, _) = org();
    for (label, value) in corpus() {
        let before = org.savings_idle_days(admin).unwrap();
        match org.set_savings_idle_days(admin, &value) {
            Ok(n) => {
                assert_eq!(n, value.trim().parse::<i64>().unwrap(), "{label}");
                assert_eq!(org.savings_idle_days(admin).unwrap(), n, "{label}");
            }
            Err(e) => {
                specific(label, "idle days", &e, &["Days without calls"], &[]);
                assert_eq!(org.savings_idle_days(admin).unwrap(), before, "{label}");
            }
        }
    }
}

#[test]
fn new_users_are_refused_by_field_or_stored_as_given() {
    let (_dir, mut org, admin, _) = org();
    let site_id: i64 = org
        .conn()
        .query_row("SELECT min(id) FROM sites", [], |r| r.get(0))
        .unwrap();
    let good = |n: usize| crate::NewUser {
        first_name: "Ada".into(),
        last_name: "Hostile".into(),
        email: format!("hostile{n}@example.com"),
        department: String::new(),
        site_id: Some(site_id),
    };
    let mut n = 0;
    for (label, value) in corpus() {
        for field in ["First name", "Department", "Email"] {
            n += 1;
            let mut req = good(n);
            match field {
                "First name" => req.first_name = value.clone(),
                "Department" => req.department = value.clone(),
                _ => req.email = value.clone(),
            }
            match org.add_user(admin, &req) {
                Ok(user) => {
                    let stored = match field {
                        "First name" => &user.first_name,
                        "Department" => &user.department,
                        _ => &user.email,
                    };
                    assert_eq!(stored, value.trim(), "{field} with {label}");
                }
                Err(e) => specific(label, field, &e, &[field], &["already_taken"]),
            }
        }
    }
}

#[test]
fn a_csv_of_hostile_cells_is_checked_row_by_row_and_never_panics() {
    let (_dir, org, admin, _) = org();
    let mut csv =
        String::from("First name,Last name,Email,Department,Site,Extension,Phone number,License\n");
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for (i, (_, value)) in corpus().into_iter().enumerate() {
        let v = quote(&value);
        csv.push_str(&format!(
            "{v},{v},h{i}@example.com,{v},Austin,{v},{v},{v}\n"
        ));
    }
    let preview = org
        .import_preview(admin, csv.as_bytes(), &Default::default(), &mut Unwatched)
        .unwrap();
    assert!(
        !preview.ready,
        "hostile extensions and numbers cannot all be fine"
    );
    for issue in &preview.issues {
        assert!(issue.row >= 2, "{issue}");
        assert!(!issue.message.is_empty());
    }
    // Whatever bytes arrive, the import answers with a preview.
    for bytes in [&b"\xff\xfe\x00"[..], b"\"unterminated", b",,,,", b"\n\n\n"] {
        org.import_preview(admin, bytes, &Default::default(), &mut Unwatched)
            .unwrap();
    }
}

/// The user editor's setup commands: the extension, a forwarding destination, the voicemail
/// PIN and a desk phone's model each store the text exactly (after the trim) or refuse it by
/// its field.
#[test]
fn setup_commands_store_exactly_or_refuse_by_field() {
    let (_dir, mut org, admin, _) = org();
    let user = crate::tests::testing::user_on(&org, "Voice Pro");
    for (i, (label, value)) in corpus().into_iter().enumerate() {
        let version = org.user(admin, user.id).unwrap().version;
        match org.set_numbers(
            admin,
            &crate::domain::setup::numbers::SetNumbers {
                user_id: user.id,
                expected_version: version,
                extension: Some(value.clone()),
                phone_number: user.phone_number.clone(),
            },
        ) {
            // A blank extension clears it.
            Ok(u) => assert_eq!(
                u.extension.as_deref(),
                Some(value.trim()).filter(|v| !v.is_empty()),
                "{label}"
            ),
            Err(e) => specific(label, "extension", &e, &["Extension"], &["already_taken"]),
        }
        let rule = crate::domain::setup::forwarding::ForwardingRuleInput {
            user_id: user.id,
            condition: crate::domain::setup::forwarding::ForwardCondition::Always,
            destination: value.clone(),
            rings: None,
        };
        match org.set_forwarding_rule(admin, &rule) {
            Ok(_) => {
                let stored: String = org
                    .conn()
                    .query_row(
                        "SELECT destination FROM forwarding_rules
                         WHERE user_id = ?1 AND condition = 'always'",
                        [user.id],
                        |r| r.get(0),
                    )
                    .unwrap();
                // A number is stored without the spaces it was typed with.
                let typed: String = value.split_whitespace().collect();
                assert_eq!(stored, typed, "{label}");
            }
            Err(e) => specific(
                label,
                "forward to",
                &e,
                &["Forward to"],
                &["forwarding_loop"],
            ),
        }
        let pin = crate::domain::setup::voicemail::VoicemailUpdate {
            user_id: user.id,
            enabled: true,
            email_notification: false,
            pin: value.clone(),
        };
        if let Err(e) = org.set_voicemail(admin, &pin) {
            specific(label, "voicemail PIN", &e, &["Voicemail PIN"], &[]);
        }
        let device = crate::domain::setup::devices::ActivateDevice {
            user_id: user.id,
            device_type: crate::domain::setup::devices::DeviceType::DeskPhone,
            model: value.clone(),
            mac_address: format!("02:00:00:00:{:02x}:{:02x}", i / 256, i % 256),
        };
        match org.activate_device(admin, &device) {
            Ok(setup) => assert!(
                setup
                    .devices
                    .iter()
                    .any(|d| d.model.as_deref() == Some(value.trim())),
                "{label}"
            ),
            Err(e) => specific(label, "device model", &e, &["Model"], &[]),
        }
    }
}
