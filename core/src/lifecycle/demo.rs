//! The deterministic demo organization: same seed, same data. The same
//! generator builds the 100k-user organizations of the benchmarks.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Transaction;

use crate::base::error::Result;
use crate::base::permission::BUILT_IN_ROLES;
use crate::base::progress::{step, Progress, Unwatched};
use crate::domain::users::features::{Feature, LicenseFamily};
use crate::kernel::accounts::insert_account;
use crate::kernel::audit::{self, AuditActor, AuditEntry};
use crate::kernel::org::Org;
use crate::storage::tables::{
    call_history, call_recordings, device_activations, forwarding_rules, orders, phone_numbers,
    product_features, products, role_permissions, roles, seats, sites, user_search, users,
    voicemail_greetings, voicemail_settings, voicemails,
};

#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub seed: u64,
    pub users: usize,
    /// After the users: a license removal and an offboarding, each with its safety archive
    /// ([`add_recent_removals`]). Off for the core tests' template, whose counts they pin.
    pub recent_removals: bool,
}

impl Default for DemoSpec {
    fn default() -> Self {
        Self {
            seed: 2026,
            users: 40,
            recent_removals: true,
        }
    }
}

pub const ORGANIZATION_NAME: &str = "Maple Street Dental";

/// The demo's admin accounts: (login, display name, role, password). Dana Reyes has two.
pub const DEMO_ACCOUNTS: [(&str, &str, &str, &str); 6] = [
    ("dana.reyes", "Dana Reyes", "Super Admin", "super-demo"),
    ("sam.okafor", "Sam Okafor", "IT Admin", "it-demo"),
    ("lee.chen", "Lee Chen", "Billing Admin", "billing-demo"),
    ("priya.nair", "Priya Nair", "Helpdesk", "helpdesk-demo"),
    ("max.weber", "Max Weber", "Auditor", "auditor-demo"),
    ("dana.support", "Dana Reyes", "Helpdesk", "support-demo"),
];

struct DemoProduct {
    sku: &'static str,
    name: &'static str,
    family: LicenseFamily,
    price_cents: i64,
    features: &'static [Feature],
    /// Share of users holding it, in percent.
    share: usize,
    /// Seats bought beyond those in use, per 40 users.
    spare: usize,
}

use Feature::*;

const PRODUCTS: [DemoProduct; 5] = [
    DemoProduct {
        sku: "VOICE-ESS",
        name: "Voice Essentials",
        family: LicenseFamily::Voice,
        price_cents: 2000,
        features: &[Calling, Voicemail, CallForwarding, MobileApp],
        share: 20,
        spare: 2,
    },
    DemoProduct {
        sku: "VOICE-PRO",
        name: "Voice Pro",
        family: LicenseFamily::Voice,
        price_cents: 3200,
        features: &[
            Calling,
            Voicemail,
            CallForwarding,
            CallRecording,
            DesktopApp,
            MobileApp,
        ],
        share: 40,
        spare: 2,
    },
    DemoProduct {
        sku: "VOICE-ENT",
        name: "Voice Enterprise",
        family: LicenseFamily::Voice,
        price_cents: 4500,
        features: &[
            Calling,
            Voicemail,
            CallForwarding,
            CallRecording,
            DesktopApp,
            MobileApp,
            VideoMeetings,
            Analytics,
        ],
        share: 10,
        spare: 2,
    },
    // Fully used: the demo's "no license available" case, outside the main family.
    DemoProduct {
        sku: "CC-AGENT",
        name: "Contact Center Agent",
        family: LicenseFamily::ContactCenter,
        price_cents: 9500,
        features: &[
            Calling,
            Voicemail,
            CallRecording,
            DesktopApp,
            ContactCenter,
            Analytics,
        ],
        share: 5,
        spare: 0,
    },
    DemoProduct {
        sku: "MEET-PLUS",
        name: "Meetings Plus",
        family: LicenseFamily::Meetings,
        price_cents: 1200,
        features: &[VideoMeetings, DesktopApp, MobileApp],
        share: 10,
        spare: 2,
    },
];

/// (name, area code, extension lead digit): Portland's extensions start with 0.
const SITES: [(&str, &str, char); 3] = [
    ("Austin", "512", '2'),
    ("Denver", "720", '3'),
    ("Portland", "503", '0'),
];

const FIRST_NAMES: [&str; 40] = [
    "Olivia", "Liam", "Amara", "Noah", "Sofia", "Mateo", "Chloe", "Ethan", "Aisha", "Lucas", "Mia",
    "Kenji", "Zoë", "Diego", "Hannah", "Omar", "Grace", "Ravi", "Elena", "Jonas", "Fatima", "Theo",
    "Ingrid", "Malik", "Nora", "José", "Leah", "Tomasz", "Yuki", "Caleb", "Siobhán", "Arjun",
    "Beatriz", "Felix", "Imani", "Hugo", "Mei", "Samuel", "Anaïs", "Kofi",
];

const LAST_NAMES: [&str; 40] = [
    "Johnson",
    "Nguyen",
    "García",
    "Okafor",
    "Müller",
    "Patel",
    "Kowalski",
    "Brennan",
    "Haddad",
    "Silva",
    "Andersson",
    "Tanaka",
    "O'Connor",
    "Rossi",
    "Kim",
    "Mensah",
    "Dubois",
    "Singh",
    "Novak",
    "Walsh",
    "Ibrahim",
    "Lindqvist",
    "Moreau",
    "Castillo",
    "Fischer",
    "Ahmed",
    "Park",
    "Hughes",
    "Álvarez",
    "Bianchi",
    "Chen",
    "Eriksen",
    "Fontaine",
    "Gupta",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Kaur",
    "Lopez",
    "Whitfield-Montgomery",
];

const DEPARTMENTS: [&str; 6] = [
    "Front Desk",
    "Clinical",
    "Hygiene",
    "Billing",
    "Operations",
    "Marketing",
];

/// When the demo's seats were bought; fixed so that the data does not depend on the day.
const PURCHASED_AT: &str = "2026-01-05T09:00:00Z";

fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'á' | 'à' | 'ä' => Some('a'),
            'é' | 'è' | 'ë' => Some('e'),
            'í' | 'ï' => Some('i'),
            'ó' | 'ö' => Some('o'),
            'ú' | 'ü' => Some('u'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            '-' => Some('-'),
            _ => None,
        })
        .collect()
}

/// The largest organization the generator builds (the benchmark's growth column).
pub const MAX_USERS: usize = 1_000_000;
/// Up to this many users, each site numbers its extensions after its own lead digit (5
/// digits: at most 99,999 a site); a larger organization numbers them across its sites with
/// 6 digits (100000 to 999999).
const PER_SITE_EXTENSIONS_UP_TO: usize = 250_000;

/// As [`generate`], never asked to stop: `progress(done, total)` counts the users (the
/// benchmarks build their organizations with it).
pub fn create(
    path: &std::path::Path,
    spec: &DemoSpec,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<()> {
    generate(path, spec, &mut |done: u64, total: u64| {
        progress(done as usize, total as usize);
        true
    })
}

/// Creates the demo organization with `spec.users` users in a new or empty file; `progress`
/// counts the users (every 1,000 and at the end). A file that already holds an organization
/// is refused and left as it was. Cancelled or failed, nothing is committed, and a file this
/// call created is removed again: never half an organization.
pub fn generate(
    path: &std::path::Path,
    spec: &DemoSpec,
    progress: &mut dyn Progress,
) -> Result<()> {
    let existed = path.exists();
    let result = (|| {
        let mut org =
            Org::open_without_demo(path, std::sync::Arc::new(crate::base::clock::SystemClock))?;
        if !org.is_empty()? {
            return Err(crate::base::error::Error::invalid(
                crate::base::field::Field::Path,
                format!(
                    "{} already holds an organization; LicenseDesk did not change it. Name a new file for the demo organization.",
                    path.display()
                ),
            ));
        }
        // One transaction of 100,000 users and their index entries: keep it in memory.
        crate::storage::db::set_cache_size(org.engine.file()?, -256_000)?;
        let seeded = seed_with_progress(&mut org, spec, progress);
        crate::storage::db::set_cache_size(org.engine.file()?, crate::storage::db::CACHE_SIZE)?;
        seeded
    })();
    if result.is_err() && !existed {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    result
}

/// Fills an empty organization file with the demo organization, in one transaction.
pub fn seed(org: &mut Org, spec: &DemoSpec) -> Result<()> {
    seed_with_progress(org, spec, &mut Unwatched)
}

/// As `seed`, reporting every 1,000 users and at the end; stopped, nothing is committed.
pub fn seed_with_progress(
    org: &mut Org,
    spec: &DemoSpec,
    progress: &mut dyn Progress,
) -> Result<()> {
    if spec.users > MAX_USERS {
        return Err(crate::base::error::Error::invalid(
            crate::base::field::Field::Users,
            format!("The demo generator builds at most {MAX_USERS} users."),
        ));
    }
    let now = org.now();
    let activity = ActivitySpan::before(org.today());
    let tx = org
        .engine
        .file_mut()?
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    crate::storage::settings::set(&tx, "organization_name", ORGANIZATION_NAME)?;
    insert_roles(&tx)?;
    for (login, name, role, password) in DEMO_ACCOUNTS {
        insert_account(&tx, login, name, role, password, &now)?;
    }
    let site_ids = insert_sites(&tx)?;
    let product_ids = insert_products(&tx)?;
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    insert_users(
        &tx,
        &mut rng,
        spec,
        &site_ids,
        &product_ids,
        &activity,
        progress,
    )?;
    insert_initial_orders(&tx)?;
    savings_situations(&tx)?;
    let detail = format!(
        "demo organization, seed {}, {} users",
        spec.seed, spec.users
    );
    let mut entry = AuditEntry::new("organization.create");
    entry.detail = Some(&detail);
    audit::append((&tx).into(), &now, &AuditActor::SYSTEM, &entry)?;
    // Written in one go, the search index is in many segments, and every search would look
    // up each of its trigrams in each one: merged, searches take about half the time.
    user_search::optimize(&tx)?;
    tx.commit()?;
    if spec.recent_removals {
        add_recent_removals(org)?;
    }
    Ok(())
}

/// A removal within its 30 days and an offboarded user, each with its safety archive, made by
/// the real removal and offboarding as Dana Reyes (Super Admin): the History tab offers
/// "Restore license and data" and the Profile tab "Reactivate" in a sales demo (issue 21). No
/// random number is drawn, so every user stays as the seed made them; the two are the last
/// Voice Essentials users by name with voicemails and forwarding rules (Voice Pro's free
/// seats, which the window tests count, stay as they were).
fn add_recent_removals(org: &mut Org) -> Result<()> {
    let Some(dana) = crate::storage::tables::accounts::for_sign_in(
        org.engine.file()?.into(),
        DEMO_ACCOUNTS[0].0,
    )?
    else {
        return Ok(());
    };
    let actor = crate::kernel::org::Actor {
        account_id: dana.id,
    };
    let Some(product) = products::id_by_name(org.engine.file()?, "Voice Essentials")? else {
        return Ok(());
    };
    let page = org.search_users(
        actor,
        &crate::UserQuery {
            search: String::new(),
            license: crate::LicenseFilter::Product {
                product_id: product,
            },
            status: Some(crate::UserStatus::Active),
            after: None,
            limit: crate::domain::users::directory::MAX_PAGE,
        },
    )?;
    let mut picked = Vec::new();
    for row in page.users.iter().rev() {
        let impact = org.removal_impact(actor, row.id)?;
        if impact.voicemails > 0 && impact.forwarding_rules > 0 && row.extension.is_some() {
            picked.push(crate::domain::users::directory::user_detail(
                org.engine.file()?,
                row.id,
            )?);
        }
        if picked.len() == 2 {
            break;
        }
    }
    let [removed, leaver] = picked.as_slice() else {
        return Ok(());
    };
    org.remove_license(
        actor,
        &crate::RemoveLicense {
            user_id: removed.id,
            expected_version: removed.version,
        },
    )?;
    org.offboard_user(
        actor,
        &crate::OffboardUser {
            user_id: leaver.id,
            expected_version: leaver.version,
        },
    )?;
    Ok(())
}

fn insert_roles(tx: &Transaction<'_>) -> Result<()> {
    for role in &BUILT_IN_ROLES {
        let role_id = roles::insert(tx, role.name)?;
        for p in role.permissions {
            role_permissions::insert(tx, role_id, p.key())?;
        }
    }
    Ok(())
}

fn insert_sites(tx: &Transaction<'_>) -> Result<Vec<i64>> {
    SITES
        .iter()
        .map(|(name, _, _)| sites::insert(tx, name))
        .collect()
}

fn insert_products(tx: &Transaction<'_>) -> Result<Vec<i64>> {
    PRODUCTS
        .iter()
        .map(|p| {
            let id = products::insert(tx, p.sku, p.name, p.family.key(), p.price_cents)?;
            for f in p.features {
                product_features::insert(tx, id, f.key())?;
            }
            Ok(id)
        })
        .collect()
}

/// Which product (index into PRODUCTS) the n-th user holds, if any; the rest are unlicensed.
fn license_plan(users: usize) -> Vec<Option<usize>> {
    let mut plan = Vec::with_capacity(users);
    for (i, p) in PRODUCTS.iter().enumerate() {
        plan.extend(std::iter::repeat_n(Some(i), users * p.share / 100));
    }
    plan.resize(users, None);
    plan
}

fn insert_users(
    tx: &Transaction<'_>,
    rng: &mut ChaCha8Rng,
    spec: &DemoSpec,
    site_ids: &[i64],
    product_ids: &[i64],
    activity: &ActivitySpan,
    progress: &mut dyn Progress,
) -> Result<()> {
    let mut plan = license_plan(spec.users);
    // Shuffle so that licences are spread over names and sites, deterministically.
    for i in (1..plan.len()).rev() {
        plan.swap(i, rng.random_range(0..=i));
    }
    let ext_width = if spec.users <= 900 { 3 } else { 5 };
    let mut next_ext = [1usize; SITES.len()];
    let mut next_shared_ext = 100_000usize;
    let mut next_number = [0usize; SITES.len()];
    // How many users already have each email's name part: the next gets "name<k>".
    let mut used_emails: std::collections::HashMap<String, usize> =
        std::collections::HashMap::new();
    let mut seats_in_use = vec![0usize; PRODUCTS.len()];
    let mut insert_user = users::GeneratedUserInsert::prepare(tx)?;
    let mut insert_number = phone_numbers::PoolInsert::prepare(tx)?;
    let mut insert_seat = seats::GeneratedSeatInsert::prepare(tx)?;
    for (n, product) in plan.iter().enumerate() {
        let first = *FIRST_NAMES.choose(rng).expect("names");
        let last = *LAST_NAMES.choose(rng).expect("names");
        let site = rng.random_range(0..SITES.len());
        let department = *DEPARTMENTS.choose(rng).expect("departments");
        let base = format!("{}.{}", ascii_slug(first), ascii_slug(last));
        let taken = used_emails.entry(base.clone()).or_insert(0);
        *taken += 1;
        let email = match *taken {
            1 => format!("{base}@maplestreetdental.com"),
            k => format!("{base}{k}@maplestreetdental.com"),
        };
        let calling = product.is_some_and(|i| PRODUCTS[i].features.contains(&Calling));
        let extension = match calling {
            false => None,
            true if spec.users <= PER_SITE_EXTENSIONS_UP_TO => {
                let e = format!("{}{:0ext_width$}", SITES[site].2, next_ext[site]);
                next_ext[site] += 1;
                Some(e)
            }
            true => {
                if next_shared_ext > 999_999 {
                    return Err(crate::base::error::Error::invalid(
                        crate::base::field::Field::Users,
                        "The demo generator ran out of 6-digit extensions.".to_owned(),
                    ));
                }
                next_shared_ext += 1;
                Some((next_shared_ext - 1).to_string())
            }
        };
        // Every 13th user is suspended: filters and badges have something to show.
        let status = if n % 13 == 12 { "suspended" } else { "active" };
        let user_id = insert_user.insert(&users::GeneratedUser {
            first_name: first,
            last_name: last,
            email: &email,
            department,
            site_id: site_ids[site],
            status,
            extension: extension.as_deref(),
            updated_at: PURCHASED_AT,
        })?;
        if calling {
            let e164 = phone_number(site, next_number[site]);
            next_number[site] += 1;
            insert_number.insert(&e164, site_ids[site], Some(user_id))?;
        }
        if let Some(i) = *product {
            // Audio makes large organizations heavy; their first 200 users get data.
            if n < 200 {
                insert_user_data(tx, rng, activity, user_id, PRODUCTS[i].features)?;
            }
            insert_seat.insert(product_ids[i], Some(user_id), PURCHASED_AT)?;
            seats_in_use[i] += 1;
        }
        if (n + 1).is_multiple_of(1_000) {
            step(progress, n + 1, spec.users)?;
        }
    }
    if !spec.users.is_multiple_of(1_000) {
        step(progress, spec.users, spec.users)?;
    }
    // Spare seats, and free numbers in every site's pool.
    for (i, p) in PRODUCTS.iter().enumerate() {
        let spare = (p.spare * spec.users).div_ceil(40);
        for _ in 0..spare {
            insert_seat.insert(product_ids[i], None, PURCHASED_AT)?;
        }
    }
    for (site, site_id) in site_ids.iter().enumerate() {
        for _ in 0..5 {
            let e164 = phone_number(site, next_number[site]);
            next_number[site] += 1;
            insert_number.insert(&e164, *site_id, None)?;
        }
    }
    Ok(())
}

/// One order per product for the seats the demo starts with, so billing history has a start.
fn insert_initial_orders(tx: &Transaction<'_>) -> Result<()> {
    orders::insert_one_per_product_for_seats(tx, PURCHASED_AT)?;
    seats::link_to_product_orders(tx)
}

/// Users who have not called for months, so that the savings view has idle users to show
/// whatever the day: the two licensed active callers with the highest ids have their calls
/// moved 120 days earlier (before the rest of the demo's activity). A step after the
/// generator, so that the random stream, and every other user, stays as the tests know it.
/// The demo's other savings situations come from the generator itself: every 13th user is
/// suspended (some hold a seat), spare seats are unassigned, and some Voice Pro users use
/// neither call recording nor the desktop app.
fn savings_situations(tx: &Transaction<'_>) -> Result<()> {
    for user_id in call_history::last_active_licensed_callers(tx, 2)? {
        call_history::move_earlier(tx, user_id, 120)?;
    }
    Ok(())
}

fn random_number(rng: &mut ChaCha8Rng) -> String {
    let area = ["512", "720", "503", "212", "415", "617"][rng.random_range(0..6)];
    format!("+1{area}{:07}", rng.random_range(2_000_000..9_999_999))
}

/// The demo's two months of activity (calls, voicemails, recordings), ending about two weeks
/// before the day it is generated: a demo shows recent use whenever it is made, and its idle
/// users (`savings_situations`) stay the only idle ones. By day, so that two generations on
/// the same day are the same.
struct ActivitySpan {
    start: chrono::DateTime<chrono::Utc>,
}

impl ActivitySpan {
    fn before(today: chrono::NaiveDate) -> ActivitySpan {
        let start = today - chrono::Duration::days(77);
        ActivitySpan {
            start: start.and_hms_opt(8, 0, 0).expect("08:00").and_utc(),
        }
    }

    /// A moment in the span.
    fn time(&self, rng: &mut ChaCha8Rng) -> String {
        let at = self.start + chrono::Duration::minutes(rng.random_range(0..60 * 24 * 60));
        crate::base::clock::timestamp(at)
    }
}

fn voice_clip(rng: &mut ChaCha8Rng, tones: usize) -> Result<Vec<u8>> {
    let freqs: Vec<f32> = (0..tones).map(|_| rng.random_range(300.0..900.0)).collect();
    crate::domain::setup::audio::tone_sequence(&freqs, 300)
}

/// Call history, forwarding, voicemail, devices and recordings, as the license allows.
fn insert_user_data(
    tx: &Transaction<'_>,
    rng: &mut ChaCha8Rng,
    activity: &ActivitySpan,
    user_id: i64,
    features: &[Feature],
) -> Result<()> {
    if !features.contains(&Calling) {
        return Ok(());
    }
    for _ in 0..rng.random_range(4..=24) {
        let direction = ["inbound", "outbound", "missed"][rng.random_range(0..3)];
        // Drawn as an i32, as it always was: an i64 draw takes other bits of the stream, and
        // every user after would differ from the demo the tests know.
        let duration: i32 = if direction == "missed" {
            0
        } else {
            rng.random_range(15..900)
        };
        let started_at = activity.time(rng);
        let remote = random_number(rng);
        call_history::insert(
            tx,
            user_id,
            &started_at,
            direction,
            &remote,
            duration.into(),
        )?;
    }
    if features.contains(&CallForwarding) {
        let rules: &[(&str, Option<i64>)] = match rng.random_range(0..3) {
            0 => &[],
            1 => &[("no_answer", Some(4))],
            _ => &[("busy", None), ("unreachable", None)],
        };
        for (condition, rings) in rules {
            forwarding_rules::set(tx.into(), user_id, condition, &random_number(rng), *rings)?;
        }
    }
    if features.contains(&Voicemail) {
        voicemail_settings::set(tx.into(), user_id, true, rng.random_bool(0.5), None)?;
        for _ in 0..rng.random_range(0..=4) {
            let audio = voice_clip(rng, 3)?;
            let received_at = activity.time(rng);
            let caller = random_number(rng);
            voicemails::insert(
                tx,
                &voicemails::NewVoicemail {
                    user_id,
                    received_at: &received_at,
                    caller_number: &caller,
                    duration_seconds: 1,
                    heard: rng.random_bool(0.6),
                    audio: &audio,
                },
            )?;
        }
        if rng.random_bool(0.6) {
            let audio = voice_clip(rng, 4)?;
            voicemail_greetings::set_standard(tx.into(), user_id, PURCHASED_AT, &audio)?;
        }
    }
    let devices = [
        ("desk_phone", "Yealink T54W desk phone"),
        ("desktop_app", "Desktop app on Windows laptop"),
        ("mobile_app", "Mobile app on iPhone"),
    ];
    for (kind, label) in devices.iter().take(rng.random_range(1..=3)) {
        device_activations::insert(
            tx.into(),
            &device_activations::NewActivation {
                user_id,
                device_type: kind,
                label,
                activated_at: PURCHASED_AT,
                model: None,
                mac_address: None,
            },
        )?;
    }
    if features.contains(&CallRecording) {
        for _ in 0..rng.random_range(0..=3) {
            let audio = voice_clip(rng, 5)?;
            let recorded_at = activity.time(rng);
            let remote = random_number(rng);
            call_recordings::insert(tx, user_id, &recorded_at, &remote, 2, &audio)?;
        }
    }
    Ok(())
}

fn phone_number(site: usize, n: usize) -> String {
    format!("+1{}{:07}", SITES[site].1, 5_550_100 + n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, sign_in};

    fn snapshot(org: &Org) -> Vec<String> {
        let mut stmt = org
            .conn()
            .prepare(
                "SELECT u.first_name || '|' || u.last_name || '|' || u.email || '|' ||
                        coalesce(u.extension, '') || '|' || coalesce(n.e164, '') || '|' ||
                        coalesce(s.product_id, '')
                 FROM users u LEFT JOIN phone_numbers n ON n.user_id = u.id
                 LEFT JOIN seats s ON s.user_id = u.id ORDER BY u.id",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_organization() {
        let (_a, org_a) = demo_org();
        let (_b, org_b) = demo_org();
        assert_eq!(snapshot(&org_a), snapshot(&org_b));
    }

    #[test]
    fn the_demo_has_what_the_design_promises() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let users: i64 = org
            .conn()
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
            .unwrap();
        assert_eq!(users, 40);
        let sites: i64 = org
            .conn()
            .query_row("SELECT count(DISTINCT site_id) FROM users", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(sites, 3);
        let inv = org.license_inventory(admin).unwrap();
        let families: std::collections::HashSet<_> = inv.iter().map(|p| p.family).collect();
        assert!(families.len() >= 3);
        // The family most users hold, and one product elsewhere with no seat left.
        let main = LicenseFamily::Voice;
        let held = |f: LicenseFamily| -> i64 {
            inv.iter()
                .filter(|p| p.family == f)
                .map(|p| p.assigned)
                .sum()
        };
        assert!(families.iter().all(|f| held(main) >= held(*f)));
        assert!(inv
            .iter()
            .any(|p| p.family != main && p.available == 0 && p.purchased > 0));
        assert!(
            inv.iter()
                .filter(|p| p.family == main && p.available > 0)
                .count()
                >= 2
        );
        let unlicensed: i64 = org
            .conn()
            .query_row(
                "SELECT count(*) FROM users WHERE id NOT IN (SELECT user_id FROM seats WHERE user_id IS NOT NULL)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(unlicensed >= 5);
        let leading_zero: i64 = org
            .conn()
            .query_row(
                "SELECT count(*) FROM users WHERE extension LIKE '0%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(leading_zero > 0, "extensions with leading zeros are kept");
    }

    /// The savings view shows each of its kinds in a sales demo, whatever the day.
    #[test]
    fn the_demo_has_a_line_of_every_savings_kind() {
        use crate::domain::savings::lines::SavingsReason;
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let s = org.savings(admin).unwrap();
        let has = |f: &dyn Fn(&SavingsReason) -> bool| {
            s.lines.iter().filter(|l| l.reasons.iter().any(f)).count()
        };
        assert!(has(&|r| *r == SavingsReason::Suspended) >= 1);
        assert!(has(&|r| matches!(r, SavingsReason::Idle { .. })) >= 2);
        assert!(has(&|r| matches!(r, SavingsReason::OverLicensed { .. })) >= 1);
        assert!(has(&|r| *r == SavingsReason::Unassigned) >= 2);
    }

    #[test]
    fn every_built_in_role_has_an_account_and_one_person_has_two() {
        let (_dir, mut org) = demo_org();
        for (login, _, role, password) in DEMO_ACCOUNTS {
            let s = org.sign_in(login, password).unwrap();
            assert_eq!(s.role, role);
        }
        for role in BUILT_IN_ROLES {
            assert!(DEMO_ACCOUNTS.iter().any(|a| a.2 == role.name));
        }
        let two: i64 = org
            .conn()
            .query_row(
                "SELECT count(*) FROM (SELECT display_name FROM accounts GROUP BY display_name HAVING count(*) = 2)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(two, 1);
    }

    #[test]
    fn a_large_organization_keeps_its_rules() {
        let dir = tempfile::tempdir().unwrap();
        let mut org = Org::open_without_demo(
            &dir.path().join("big.sqlite"),
            std::sync::Arc::new(crate::base::clock::SystemClock),
        )
        .unwrap();
        seed(
            &mut org,
            &DemoSpec {
                seed: 7,
                users: 2_000,
                ..Default::default()
            },
        )
        .unwrap();
        let users: i64 = org
            .conn()
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
            .unwrap();
        assert_eq!(users, 2_000);
    }

    #[test]
    fn create_reports_progress_and_refuses_a_file_that_holds_an_organization() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.sqlite");
        let spec = DemoSpec {
            seed: 3,
            users: 2_500,
            ..Default::default()
        };
        let mut seen = Vec::new();
        create(&path, &spec, &mut |done, total| seen.push((done, total))).unwrap();
        assert_eq!(seen, vec![(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]);
        let before = std::fs::read(&path).unwrap();
        let err = create(&path, &spec, &mut |_, _| {}).unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(err.to_string().contains("already holds an organization"));
        assert_eq!(std::fs::read(&path).unwrap(), before);
        let too_many = DemoSpec {
            seed: 3,
            users: MAX_USERS + 1,
            ..Default::default()
        };
        let other = dir.path().join("other.sqlite");
        assert!(create(&other, &too_many, &mut |_, _| {}).is_err());
    }

    #[test]
    fn the_demo_holds_a_recent_removal_and_an_offboarded_user_to_restore() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.sqlite");
        generate(&path, &DemoSpec::default(), &mut Unwatched).unwrap();
        let mut org = Org::open_with_system_clock(&path).unwrap();
        let admin = sign_in(&mut org, "dana.reyes");
        let users: i64 = org
            .conn()
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))
            .unwrap();
        assert_eq!(users, 40, "no user added");
        let archived: Vec<(i64, i64)> = {
            let mut stmt = org
                .conn()
                .prepare("SELECT id, user_id FROM safety_archives ORDER BY id")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(archived.len(), 2);
        let (removed, leaver) = (archived[0].1, archived[1].1);
        let removed = org.user(admin, removed).unwrap();
        assert!(removed.license.is_none());
        assert_eq!(removed.status, crate::UserStatus::Active);
        let leaver = org.user(admin, leaver).unwrap();
        assert_eq!(leaver.status, crate::UserStatus::Suspended);
        let listed = org.safety_archives(admin, removed.id).unwrap();
        assert!(listed[0].restorable && listed[0].present);
        let preview = org.restore_preview(admin, archived[0].0, false).unwrap();
        assert!(preview.users[0]
            .counts
            .iter()
            .any(|c| c.kind == "voicemails" && c.count > 0));
        let reactivation = org.reactivation_preview(admin, leaver.id).unwrap();
        assert!(reactivation.restore.is_some());
        // Voice Pro's free seats, which the window tests count, are as generated.
        let inventory = org.license_inventory(admin).unwrap();
        let voice_pro = inventory.iter().find(|p| p.name == "Voice Pro").unwrap();
        assert_eq!(voice_pro.available, 2);
    }
}
