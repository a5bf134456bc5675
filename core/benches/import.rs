//! Importing users from CSV (issue 23, "Speed, round two": 10,000 rows checked and applied
//! with p95 ≤ 0.5 s, 100,000 rows ≤ 5 s with progress and cancel): `make bench`.
//!
//! The file is shaped like a real one: new users on three sites, half of them with a Voice
//! license and an extension, one in five of those with a number from the pool, and the 40
//! users the organization already has, updated. Every sample works on a fresh copy of the
//! organization (the demo, with enough free seats and numbers bought beforehand), and times
//! the check (the preview) and the apply (one transaction, an audit entry per change,
//! durable commit) as the window runs them, the apply watched by a progress receiver as the
//! window's is. Prints p50/p95, the longest wait between two progress reports (how long a
//! cancel may wait), and target / measured / pass for each size.
//!
//! `IMPORT_SAMPLES` (default 10) samples of 10,000 rows, after a warm-up;
//! `IMPORT_SAMPLES_100K` (default 3) samples of 100,000 rows.

mod common;

use common::stats;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use licensedesk_core::{Actor, Org, Unwatched};
use rusqlite::Connection;

/// One size of file and its target for the whole import, check and apply (p95).
struct Size {
    rows: usize,
    shown: &'static str,
    target_ms: f64,
    samples_var: &'static str,
    default_samples: usize,
    warm_up: bool,
}

const SIZES: [Size; 2] = [
    Size {
        rows: 10_000,
        shown: "10,000",
        target_ms: 500.0,
        samples_var: "IMPORT_SAMPLES",
        default_samples: 10,
        warm_up: true,
    },
    Size {
        rows: 100_000,
        shown: "100,000",
        target_ms: 5_000.0,
        samples_var: "IMPORT_SAMPLES_100K",
        default_samples: 3,
        warm_up: false,
    },
];

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

/// The demo organization with free Voice seats for a file of `rows` (3,000 of each product
/// for 10,000 rows) and 2,000 free Austin numbers.
fn organization(dir: &Path, rows: usize) -> PathBuf {
    let path = dir.join(format!("template-{rows}.sqlite"));
    let seats = (rows / 4 + 500).max(3_000);
    drop(Org::open_with_system_clock(&path).expect("demo organization"));
    let raw = Connection::open(&path).unwrap();
    raw.execute_batch(&format!(
        "BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {seats})
         INSERT INTO seats (product_id, status, purchased_at)
         SELECT p.id, 'available', '2026-01-05T09:00:00Z' FROM n, products p
         WHERE p.name IN ('Voice Pro', 'Voice Essentials');
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)
         INSERT INTO phone_numbers (e164, site_id, status)
         SELECT printf('+1512600%04d', i), (SELECT id FROM sites WHERE name = 'Austin'),
                'available' FROM n;
         COMMIT;"
    ))
    .expect("seats and numbers");
    path
}

/// The file of `rows` rows: new users, licenses, extensions, numbers, and every existing user.
fn csv(org: &Path, rows: usize) -> Vec<u8> {
    let raw = Connection::open(org).unwrap();
    let mut stmt = raw
        .prepare("SELECT first_name, last_name, email FROM users ORDER BY id")
        .unwrap();
    let existing: Vec<(String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out =
        String::from("First name,Last name,Email,Department,Site,Extension,Phone number,License\n");
    for (first, last, email) in &existing {
        out.push_str(&format!("{first},{last},{email},Imported,,,,\n"));
    }
    let sites = ["Austin", "Denver", "Portland"];
    let departments = ["Front Desk", "Clinical", "Billing", "Operations"];
    let mut numbers = 0;
    for i in 0..rows - existing.len() {
        let (site, department) = (sites[i % 3], departments[i % 4]);
        let (extension, number, license) = if i % 2 == 0 {
            let license = if i % 4 == 0 {
                "Voice Pro"
            } else {
                "Voice Essentials"
            };
            let number = if site == "Austin" && numbers < 2_000 && i % 5 == 0 {
                numbers += 1;
                format!("+1512600{:04}", numbers - 1)
            } else {
                String::new()
            };
            (format!("7{i:05}"), number, license)
        } else {
            (String::new(), String::new(), "")
        };
        out.push_str(&format!(
            "Zoë {i},Nguyễn-Imported,user{i}@import.example.com,{department},{site},{extension},{number},{license}\n"
        ));
    }
    out.into_bytes()
}

/// A fresh copy of the organization with Dana Reyes (Super Admin) signed in.
fn fresh(template: &Path, dir: &Path, n: usize) -> (Org, Actor) {
    let path = dir.join(format!("sample-{n}.sqlite"));
    std::fs::copy(template, &path).expect("copy");
    let mut org = Org::open_with_system_clock(&path).expect("open");
    let session = org.sign_in("dana.reyes", "super-demo").expect("sign in");
    let actor = Actor {
        account_id: session.account_id,
    };
    (org, actor)
}

/// One import as the window runs it: check, then apply with progress watched.
/// (check, apply, longest wait between two progress reports of the apply).
fn import(org: &mut Org, admin: Actor, file: &[u8], rows: usize) -> (Duration, Duration, Duration) {
    let started = Instant::now();
    let preview = org
        .import_preview(admin, file, &Default::default(), &mut Unwatched)
        .expect("preview");
    let checked = started.elapsed();
    assert!(
        preview.ready,
        "{:?}",
        &preview.issues[..preview.issues.len().min(5)]
    );
    assert_eq!(preview.rows as usize, rows);
    let started = Instant::now();
    let (mut last, mut longest, mut reports) = (started, Duration::ZERO, 0u64);
    let mut watch = |done: u64, total: u64| {
        let now = Instant::now();
        longest = longest.max(now - last);
        last = now;
        reports += 1;
        assert!(done <= total);
        true
    };
    let receipt = org
        .import_users(admin, file, &Default::default(), &mut watch)
        .expect("import");
    let applied = started.elapsed();
    let longest = longest.max(applied - (last - started));
    assert!(reports as usize > rows, "progress reported per row");
    assert_eq!((receipt.added + receipt.updated) as usize, rows);
    (checked, applied, longest)
}

fn fmt_ms(ms: f64) -> String {
    format!("{ms:.0} ms")
}

/// The timing pass for one size: every sample timed; answers the line of the target table.
fn report(size: &Size, template: &Path, dir: &Path, file: &[u8]) -> String {
    let samples: usize = std::env::var(size.samples_var)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(size.default_samples)
        .max(1);
    let (mut check, mut apply, mut whole, mut gap) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let first = usize::from(!size.warm_up);
    for n in first..samples + 1 {
        let (mut org, admin) = fresh(template, dir, n);
        let (c, a, g) = import(&mut org, admin, file, size.rows);
        drop(org);
        let _ = std::fs::remove_file(dir.join(format!("sample-{n}.sqlite")));
        if n == 0 {
            continue; // warm-up: page cache, allocator
        }
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        check.push(ms(c));
        apply.push(ms(a));
        whole.push(ms(c) + ms(a));
        gap.push(ms(g));
    }
    println!(
        "\nImport of {} CSV rows, every sample on a fresh copy:\n",
        size.shown
    );
    println!("| Step | samples | mean | p50 | p95 | max |");
    println!("|---|---:|---:|---:|---:|---:|");
    let whole = stats(whole);
    for (what, s) in [
        ("check (preview)", stats(check)),
        ("apply (one transaction)", stats(apply)),
        ("check + apply", whole),
        ("longest wait between progress reports", stats(gap)),
    ] {
        println!("{}", s.table_row(what, fmt_ms));
    }
    format!(
        "| Import {} CSV rows, check and apply: p95 ≤ {} s | {} | {} |\n",
        size.shown,
        size.target_ms / 1e3,
        fmt_ms(whole.p95),
        if whole.p95 <= size.target_ms {
            "pass"
        } else {
            "FAIL"
        }
    )
}

fn criterion_suite(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut table = String::from("| Target | Measured | Result |\n|---|---:|---|\n");
    let mut first = None;
    for size in &SIZES {
        let template = organization(dir.path(), size.rows);
        let file = csv(&template, size.rows);
        table.push_str(&report(size, &template, dir.path(), &file));
        if first.is_none() {
            first = Some((template, file));
        } else {
            let _ = std::fs::remove_file(&template);
        }
    }
    println!("\n{table}");
    let data = target_dir().join("bench-data");
    let _ = std::fs::create_dir_all(&data);
    // For `make bench`'s summary.
    let _ = std::fs::write(data.join("import-table.md"), &table);
    if std::env::var_os("BENCH_TABLE_ONLY").is_some() {
        return;
    }
    let (template, file) = first.expect("the first size");
    let mut g = c.benchmark_group("import-10k");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(20));
    let mut n = 1_000;
    g.bench_function("check", |x| {
        let (org, admin) = fresh(&template, dir.path(), 0);
        x.iter(|| {
            org.import_preview(admin, &file, &Default::default(), &mut Unwatched)
                .unwrap()
        })
    });
    g.bench_function("apply", |x| {
        x.iter_batched(
            || {
                n += 1;
                fresh(&template, dir.path(), n)
            },
            |(mut org, admin)| {
                org.import_users(admin, &file, &Default::default(), &mut Unwatched)
                    .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, criterion_suite);
criterion_main!(benches);
