//! Admin accounts: signing in, and what each role allows (who is acting is `acting_account`).

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use serde::Serialize;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::kernel::acting_account::{acting_account, explain_missing, Actor};
use crate::kernel::audit::{self, AuditActor, AuditEntry};
use crate::kernel::org::Org;
use crate::storage::engine::{Engine, Sql};
use crate::storage::tables::{accounts, audit_log};

/// The signed-in account as the UI shows it, with what its role may and may not do.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionInfo {
    #[ts(type = "number")]
    pub account_id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub organization: String,
    /// ISO code of the organization's currency, for showing amounts.
    pub currency: String,
    pub permissions: Vec<Permission>,
    /// One explanation for each permission the role lacks.
    pub missing: Vec<MissingPermission>,
    /// On a server: what the window locks, and why, while the server cannot be reached
    /// (each permission of the role that changes the organization). Empty on a file.
    pub while_server_unreachable: Vec<MissingPermission>,
}

/// Why a control is read-only: the missing permission and who has it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MissingPermission {
    pub permission: Permission,
    pub label: String,
    pub message: String,
    /// Whether the message suggests switching to an account that has the permission (the
    /// window then offers "Switch account…" next to it).
    pub switch_suggested: bool,
    pub because: LockedBecause,
}

/// Why a permission is missing: the role lacks it, or the server that would record the
/// change cannot be reached (docs/ARCHITECTURE.md §Server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LockedBecause {
    Role,
    ServerUnreachable,
}

/// What a window on a server shows in place of each control that would change something,
/// while the server does not answer: nothing is kept to send later.
const WHILE_SERVER_UNREACHABLE: &str = "The server cannot be reached, so nothing can be \
     changed until it answers again. This window shows what it last read and catches up by \
     itself.";

fn while_server_unreachable(held: &[Permission]) -> Vec<MissingPermission> {
    held.iter()
        .filter(|p| p.changes_organization())
        .map(|&p| MissingPermission {
            permission: p,
            label: p.label().to_owned(),
            message: WHILE_SERVER_UNREACHABLE.to_owned(),
            switch_suggested: false,
            because: LockedBecause::ServerUnreachable,
        })
        .collect()
}

pub(crate) fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

/// A sign-in attempt is not part of a change: its entry gets a transaction of its own.
fn record_sign_in(
    engine: &mut Engine,
    at: &str,
    actor: &AuditActor<'_>,
    entry: &AuditEntry<'_>,
) -> Result<()> {
    engine.write(|db| audit::append(db, at, actor, entry))?;
    Ok(())
}

/// A hash no password matches, made with the same parameters as the stored ones: an unknown
/// account is checked against it, so that it takes as long to refuse as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let secret = SaltString::generate(&mut OsRng);
        hash_password(secret.as_str()).expect("hashing a random secret")
    });
    &DUMMY
}

#[cfg(test)]
thread_local! {
    /// Verifications against the dummy hash on this thread (tests run one per thread).
    static DUMMY_VERIFICATIONS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Checks the password against the account's hash, or against the dummy hash when there is no
/// such account; either way one argon2 verification is done.
fn password_matches(password: &str, account_hash: Option<&str>) -> bool {
    let stored = account_hash.unwrap_or_else(|| {
        #[cfg(test)]
        DUMMY_VERIFICATIONS.with(|n| n.set(n.get() + 1));
        dummy_hash()
    });
    hash_matches(password, stored) && account_hash.is_some()
}

fn hash_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Failed sign-ins allowed before LicenseDesk makes the next one wait.
const FREE_ATTEMPTS: i64 = 3;

/// After the free attempts each failure doubles the wait: 5 s, 10 s, 20 s … up to 5 minutes.
pub(crate) fn sign_in_wait_seconds(failures: i64) -> i64 {
    if failures < FREE_ATTEMPTS {
        return 0;
    }
    (5_i64 << (failures - FREE_ATTEMPTS).min(6)).min(300)
}

/// Failed sign-ins of all logins together in the last quarter hour allowed before every
/// sign-in waits: one who tries many account names is slowed down as one who tries many
/// passwords.
const ALL_LOGINS_FREE_ATTEMPTS: i64 = 10;
const ALL_LOGINS_WINDOW_SECONDS: i64 = 15 * 60;

/// The longest account name; a longer one is refused before it reaches the audit log.
pub const MAX_LOGIN_CHARS: usize = 64;

/// An account offered by the sign-in screen's account picker.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AccountChoice {
    pub login: String,
    pub display_name: String,
    pub role: String,
}

impl Org {
    /// The active accounts, for "Switch account". A desktop app's sign-in screen shows who
    /// may sign in on this computer, as an operating system's does.
    pub fn account_choices(&self) -> Result<Vec<AccountChoice>> {
        Ok(self
            .engine
            .read(accounts::active)?
            .into_iter()
            .map(|a| AccountChoice {
                login: a.login,
                display_name: a.display_name,
                role: a.role_name,
            })
            .collect())
    }

    /// Checks the login and password; records both outcomes in the audit log. Repeated
    /// failures, for one login or for all of them together, make the next attempt wait,
    /// doubling each time. An unknown account, a wrong password and a disabled account get
    /// the same refusal after the same work, so that none of them tells which accounts exist.
    pub fn sign_in(&mut self, login: &str, password: &str) -> Result<SessionInfo> {
        let login = login.trim();
        if login.is_empty() {
            return Err(Error::invalid(Field::Account, "Enter the account name."));
        }
        if login.chars().count() > MAX_LOGIN_CHARS {
            return Err(Error::invalid(
                Field::Account,
                format!("Use at most {MAX_LOGIN_CHARS} characters."),
            ));
        }
        if password.is_empty() {
            return Err(Error::invalid(Field::Password, "Enter the password."));
        }
        let found = self.engine.read(|db| accounts::for_sign_in(db, login))?;
        let now = self.now();
        let (account_id, role) = match &found {
            Some(a) => (Some(a.id), a.role_name.as_str()),
            None => (None, ""),
        };
        // Unknown logins are recorded as typed, so that guessing them is throttled too.
        let recorded_login = found.as_ref().map_or(login, |a| a.login.as_str());
        let actor = AuditActor {
            account_id,
            login: recorded_login,
            role_name: role,
        };
        if let Some(throttled) = self.sign_in_throttle(login)? {
            let mut entry = AuditEntry::new("account.sign_in");
            entry.refused = true;
            entry.detail = Some("throttled");
            record_sign_in(&mut self.engine, &now, &actor, &entry)?;
            return Err(throttled);
        }
        let matches = password_matches(password, found.as_ref().map(|a| a.password_hash.as_str()));
        let active = found.as_ref().is_some_and(|a| a.status == "active");
        let mut entry = AuditEntry::new("account.sign_in");
        entry.refused = !(matches && active);
        record_sign_in(&mut self.engine, &now, &actor, &entry)?;
        if entry.refused {
            return Err(Error::InvalidCredentials);
        }
        // Files outside the organization file are touched only once someone has signed in
        // (a server has none: its safety archives are in its database).
        self.tend_archives()?;
        if self.engine.is_file() {
            self.write_pre_migration_copy();
        }
        self.session(Actor {
            account_id: account_id.expect("verified account has an id"),
        })
    }

    /// The refusal to give when the login, or the file as a whole, has failed too often lately.
    fn sign_in_throttle(&self, login: &str) -> Result<Option<Error>> {
        let (failures, last) = self
            .engine
            .read(|db| audit_log::failed_sign_ins_of(db, login))?;
        if let Some(seconds) = self.still_to_wait(sign_in_wait_seconds(failures), last)? {
            return Ok(Some(Error::SignInThrottled {
                login: login.to_owned(),
                seconds,
            }));
        }
        let since = crate::base::clock::timestamp(
            self.clock.now() - chrono::Duration::seconds(ALL_LOGINS_WINDOW_SECONDS),
        );
        let (failures, last) = self
            .engine
            .read(|db| audit_log::failed_sign_ins_since(db, &since))?;
        let wait = sign_in_wait_seconds(failures - (ALL_LOGINS_FREE_ATTEMPTS - FREE_ATTEMPTS));
        Ok(self
            .still_to_wait(wait, last)?
            .map(|seconds| Error::SignInThrottledForAll { seconds }))
    }

    /// The seconds left of `wait` after the failure at `last`, None when it has passed.
    fn still_to_wait(&self, wait: i64, last: Option<String>) -> Result<Option<i64>> {
        let Some(last) = last.filter(|_| wait > 0) else {
            return Ok(None);
        };
        let last = chrono::DateTime::parse_from_rfc3339(&last)
            .map_err(|e| Error::Internal(format!("audit time {last}: {e}")))?;
        let waited = (self.clock.now() - last.to_utc()).num_seconds();
        Ok((waited < wait).then_some(wait - waited))
    }

    /// The account as it is now (its role may have changed since sign-in).
    pub fn session(&self, actor: Actor) -> Result<SessionInfo> {
        let on_server = !self.engine.is_file();
        self.engine.read(|db| {
            let account = acting_account(db, actor)?;
            let missing = Permission::ALL
                .into_iter()
                .filter(|p| !account.permissions.contains(p))
                .map(|p| {
                    let (message, switch_suggested) = explain_missing(db, &account, p)?;
                    Ok(MissingPermission {
                        permission: p,
                        label: p.label().to_owned(),
                        message,
                        switch_suggested,
                        because: LockedBecause::Role,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let permissions: Vec<Permission> = account.permissions.iter().copied().collect();
            let while_server_unreachable = if on_server {
                while_server_unreachable(&permissions)
            } else {
                Vec::new()
            };
            Ok(SessionInfo {
                account_id: account.id,
                organization: crate::storage::settings::organization_name(db)?,
                currency: crate::storage::settings::currency(db)?,
                permissions,
                login: account.login,
                display_name: account.display_name,
                role: account.role_name,
                missing,
                while_server_unreachable,
            })
        })
    }
}

/// Creates an account (demo and set-up); the password is stored as an argon2id hash.
pub(crate) fn insert_account<'a>(
    conn: impl Into<Sql<'a>>,
    login: &str,
    display_name: &str,
    role_name: &str,
    password: &str,
    now: &str,
) -> Result<i64> {
    accounts::insert(
        conn,
        login,
        display_name,
        role_name,
        &hash_password(password)?,
        now,
    )
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use rusqlite::TransactionBehavior;

    use crate::kernel::audit::{self, AuditActor, AuditEntry};
    use crate::tests::testing::{demo_org, sign_in};

    #[test]
    fn the_right_password_signs_in_and_shows_the_role() {
        let (_dir, mut org) = demo_org();
        let s = org.sign_in("dana.reyes", "super-demo").unwrap();
        assert_eq!(s.role, "Super Admin");
        assert_eq!(s.display_name, "Dana Reyes");
        assert!(s.missing.is_empty());
    }

    #[test]
    fn a_wrong_password_or_unknown_account_is_refused_alike_and_recorded() {
        let (_dir, mut org) = demo_org();
        let e1 = org.sign_in("dana.reyes", "wrong").unwrap_err();
        let e2 = org.sign_in("nobody", "wrong").unwrap_err();
        assert_eq!(e1.code(), "invalid_credentials");
        assert_eq!(e1.to_string(), e2.to_string());
        let refused: i64 = org
            .conn()
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'account.sign_in' AND outcome = 'refused'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(refused, 2);
    }

    fn org_with_clock() -> (
        tempfile::TempDir,
        crate::Org,
        crate::base::clock::ManualClock,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let clock = crate::base::clock::ManualClock::new(chrono::Utc::now());
        let org =
            crate::Org::open(&dir.path().join("org.sqlite"), Arc::new(clock.clone())).unwrap();
        (dir, org, clock)
    }

    fn dummy_verifications() -> u32 {
        super::DUMMY_VERIFICATIONS.with(|n| n.get())
    }

    #[test]
    fn an_unknown_account_is_checked_against_the_dummy_hash_and_a_known_one_is_not() {
        let (_dir, mut org) = demo_org();
        let before = dummy_verifications();
        org.sign_in("dana.reyes", "wrong").unwrap_err();
        sign_in(&mut org, "sam.okafor");
        assert_eq!(dummy_verifications(), before);
        let wrong = org.sign_in("dana.reyse", "super-demo").unwrap_err();
        assert_eq!(dummy_verifications(), before + 1);
        // A password that is the dummy's own secret would still not sign in: there is none to
        // type, and an unknown account is refused whatever the hash says.
        assert_eq!(
            wrong.to_string(),
            super::Error::InvalidCredentials.to_string()
        );
        assert!(super::dummy_hash().starts_with("$argon2id$"));
    }

    #[test]
    fn a_disabled_account_with_its_password_is_refused_and_throttled_like_a_wrong_password() {
        let (_dir, mut org) = demo_org();
        org.conn()
            .execute(
                "UPDATE accounts SET status = 'disabled' WHERE login = 'sam.okafor'",
                [],
            )
            .unwrap();
        let wrong = org.sign_in("dana.reyes", "wrong").unwrap_err();
        let mut refusals = Vec::new();
        for _ in 0..super::FREE_ATTEMPTS {
            refusals.push(org.sign_in("sam.okafor", "it-demo").unwrap_err());
        }
        for e in &refusals {
            assert_eq!((e.code(), e.to_string()), (wrong.code(), wrong.to_string()));
        }
        // Refused attempts count as failures: the next one waits, as after wrong passwords.
        let throttled = org.sign_in("sam.okafor", "it-demo").unwrap_err();
        assert_eq!(throttled.code(), "sign_in_throttled");
        assert!(
            throttled.to_string().contains("for sam.okafor"),
            "{throttled}"
        );
        let recorded: Vec<(String, Option<String>)> = org
            .conn()
            .prepare(
                "SELECT outcome, detail FROM audit_log WHERE account_login = 'sam.okafor'
                 AND action = 'account.sign_in' ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(recorded.iter().all(|(outcome, _)| outcome == "refused"));
        assert_eq!(recorded.last().unwrap().1.as_deref(), Some("throttled"));
    }

    #[test]
    fn many_failures_across_logins_throttle_every_login_for_a_while() {
        let (_dir, mut org, clock) = org_with_clock();
        // Each name tried fewer times than its own throttle allows.
        for i in 0..super::ALL_LOGINS_FREE_ATTEMPTS {
            let e = org.sign_in(&format!("guess{i}"), "password").unwrap_err();
            assert_eq!(e.code(), "invalid_credentials");
        }
        for login in ["dana.reyes", "someone.new"] {
            let e = org.sign_in(login, "super-demo").unwrap_err();
            assert_eq!(e.code(), "sign_in_throttled", "{login}");
            assert!(e.to_string().contains("on this organization file"), "{e}");
        }
        // The wait passes, and the real account signs in.
        clock.advance(chrono::Duration::seconds(super::sign_in_wait_seconds(
            super::FREE_ATTEMPTS,
        )));
        assert!(org.sign_in("dana.reyes", "super-demo").is_ok());
        // Failures older than the window no longer count.
        clock.advance(chrono::Duration::seconds(super::ALL_LOGINS_WINDOW_SECONDS));
        assert_eq!(
            org.sign_in("guess-late", "password").unwrap_err().code(),
            "invalid_credentials"
        );
    }

    #[test]
    fn an_account_name_over_64_characters_is_refused_by_field_and_never_logged() {
        let (_dir, mut org) = demo_org();
        let entries = |org: &crate::Org| -> i64 {
            org.conn()
                .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
                .unwrap()
        };
        let before = entries(&org);
        let long = "a".repeat(super::MAX_LOGIN_CHARS + 1);
        let e = org.sign_in(&long, "password").unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("account"));
        assert!(e.to_string().contains("at most 64 characters"), "{e}");
        assert_eq!(entries(&org), before);
        // 64 characters (of any width) reach the check, and the log, as typed.
        let longest = "é".repeat(super::MAX_LOGIN_CHARS);
        assert_eq!(
            org.sign_in(&longest, "password").unwrap_err().code(),
            "invalid_credentials"
        );
        assert_eq!(entries(&org), before + 1);
    }

    #[test]
    fn login_is_case_insensitive_and_trimmed() {
        let (_dir, mut org) = demo_org();
        assert!(org.sign_in("  Dana.Reyes ", "super-demo").is_ok());
    }

    #[test]
    fn empty_fields_are_named() {
        let (_dir, mut org) = demo_org();
        let e = org.sign_in("", "x").unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("account"));
        let e = org.sign_in("dana.reyes", "").unwrap_err();
        assert_eq!(e.payload().field.as_deref(), Some("password"));
    }

    #[test]
    fn helpdesk_lacks_license_changes_and_is_told_who_has_them() {
        let (_dir, mut org) = demo_org();
        let helpdesk = sign_in(&mut org, "priya.nair");
        let s = org.session(helpdesk).unwrap();
        let m = s
            .missing
            .iter()
            .find(|m| m.permission == crate::Permission::LicensesAssign)
            .unwrap();
        assert_eq!(
            m.message,
            "Your role Helpdesk does not include Assign and change licenses. \
             Ask Dana Reyes (Super Admin) or Sam Okafor (IT Admin), or switch to an account that has it."
        );
    }

    #[test]
    fn the_person_with_two_accounts_is_pointed_at_the_other_one() {
        let (_dir, mut org) = demo_org();
        let lower = sign_in(&mut org, "dana.support");
        let s = org.session(lower).unwrap();
        let m = s
            .missing
            .iter()
            .find(|m| m.permission == crate::Permission::LicensesAssign)
            .unwrap();
        assert!(
            m.message
                .contains("Your other account dana.reyes (Super Admin) has it"),
            "{}",
            m.message
        );
    }

    static SIGN_IN_WAITED: AtomicBool = AtomicBool::new(false);

    /// The busy handler of the window that signs in: notes that it waits for the write lock.
    fn note_wait(attempt: i32) -> bool {
        SIGN_IN_WAITED.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(1));
        attempt < 100_000
    }

    /// Two windows on one file: one signs in while the other is in the middle of a change
    /// (write lock held, its entry written but not committed). The sign-in's entry must link
    /// to the other window's entry; one that read the head of the log before waiting for the
    /// lock would link to the entry before it, and fork the chain.
    #[test]
    fn a_sign_in_while_another_window_writes_links_after_its_entry() {
        let (_dir, mut org) = demo_org();
        let mut other =
            crate::Org::open(&org.path, Arc::new(crate::base::clock::SystemClock)).unwrap();
        let tx = org
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let entry = AuditEntry::new("test.other_window");
        audit::append(
            (&tx).into(),
            &crate::base::clock::timestamp(chrono::Utc::now()),
            &AuditActor::SYSTEM,
            &entry,
        )
        .unwrap();
        let signing_in = std::thread::spawn(move || {
            other.conn().busy_handler(Some(note_wait)).unwrap();
            sign_in(&mut other, "sam.okafor");
        });
        // (A sign-in that failed before waiting ends the thread: its panic is reported below.)
        while !SIGN_IN_WAITED.load(Ordering::SeqCst) && !signing_in.is_finished() {
            std::thread::yield_now();
        }
        tx.commit().unwrap();
        signing_in.join().unwrap();
        let last: Vec<String> = org
            .conn()
            .prepare("SELECT action FROM audit_log ORDER BY id DESC LIMIT 2")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(last, ["account.sign_in", "test.other_window"]);
        assert_eq!(audit::first_broken_entry(org.conn()).unwrap(), None);
    }

    /// While a server cannot be reached, a window locks what would change the organization:
    /// the session names each of the role's changing permissions with why (and no way out
    /// through another account), and nothing for a role that only looks. A file never locks.
    #[test]
    fn a_session_on_a_server_says_what_locks_while_the_server_is_unreachable() {
        use crate::kernel::accounts::LockedBecause;
        use crate::tests::engines::on_each_engine;
        use crate::Permission;

        on_each_engine(|org, place| {
            let locked = |org: &mut crate::Org, login: &str| {
                let actor = sign_in(org, login);
                let session = org.session(actor).unwrap();
                assert!(session
                    .missing
                    .iter()
                    .all(|m| m.because == LockedBecause::Role));
                session.while_server_unreachable
            };
            let super_admin = locked(org, "dana.reyes");
            let auditor = locked(org, "max.weber");
            let helpdesk = locked(org, "priya.nair");
            if place.engine() == "file" {
                assert!(super_admin.is_empty() && auditor.is_empty() && helpdesk.is_empty());
                return;
            }
            let permissions = |locks: &[super::MissingPermission]| {
                locks.iter().map(|m| m.permission).collect::<Vec<_>>()
            };
            let changing: Vec<Permission> = Permission::ALL
                .into_iter()
                .filter(|p| p.changes_organization())
                .collect();
            assert_eq!(permissions(&super_admin), changing);
            assert!(super_admin.iter().all(|m| !m.switch_suggested
                && m.because == LockedBecause::ServerUnreachable
                && m.message.starts_with("The server cannot be reached")));
            assert!(
                auditor.is_empty(),
                "an Auditor changes nothing, so nothing locks"
            );
            // Helpdesk changes only users' settings: that is all that locks for it.
            assert_eq!(permissions(&helpdesk), [Permission::SettingsManage]);
        });
    }
}
