//! The .deb an administrator installs: unpacked into a fresh folder with `dpkg -x` (as
//! `apt install` would lay it out), it has a desktop entry in the Office menu, the icon in
//! every size, depends only on the shared libraries its binary links, carries the copyright,
//! changelog and manual page, and its binary answers `--version` and `--help` without a
//! window; `apt install ./licensedesk_*.deb`, simulated, resolves; lintian reports nothing.
//!
//! The package comes from `LICENSEDESK_DEB` (set by `make test`, which bundles the debug
//! build; `make package` makes the release one).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The icon sizes the bundler installs, by hicolor folder: (folder, width in pixels).
const ICONS: [(&str, u32); 5] = [
    ("32x32", 32),
    ("64x64", 64),
    ("128x128", 128),
    ("256x256@2", 256),
    ("512x512", 512),
];

fn deb() -> PathBuf {
    let deb = std::env::var_os("LICENSEDESK_DEB").unwrap_or_else(|| {
        panic!(
            "LICENSEDESK_DEB is not set: build the package (make package, or make package-debug) \
             and set it to the absolute path of the .deb, as `make test` does"
        )
    });
    let deb = PathBuf::from(deb);
    assert!(
        deb.is_file(),
        "LICENSEDESK_DEB={} is no file",
        deb.display()
    );
    deb
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn field(deb: &Path, name: &str) -> String {
    let out = run(Command::new("dpkg-deb").arg("-f").arg(deb).arg(name));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is no PNG",
        path.display()
    );
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

fn gunzip(path: &Path) -> String {
    let out = run(Command::new("gzip").arg("-dc").arg(path));
    String::from_utf8(out.stdout).unwrap()
}

/// Runs the installed binary with no display at all: it must answer and exit by itself.
fn run_installed(bin: &Path, arg: &str) -> String {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .arg(arg)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("licensedesk {arg} did not exit within 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "licensedesk {arg} exited with {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn deb_installs_a_desktop_app() {
    let deb = deb();
    let root = tempfile::tempdir().unwrap();
    run(Command::new("dpkg").arg("-x").arg(&deb).arg(root.path()));

    // Control fields: the version of Cargo.toml, a description, and only WebKitGTK's runtime.
    assert_eq!(field(&deb, "Package"), "licensedesk");
    assert_eq!(field(&deb, "Version"), VERSION);
    let description = field(&deb, "Description");
    assert!(
        description.contains("license"),
        "Description reads {description:?}"
    );
    // Depends: the shared libraries the binary links (as dpkg-shlibdeps finds them), each
    // named once, WebKitGTK's runtime and the C library among them, nothing but libraries.
    let depends = field(&deb, "Depends");
    let names: Vec<&str> = depends
        .split(',')
        .map(|d| d.split_whitespace().next().unwrap_or_default())
        .collect();
    for needed in ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libc6"] {
        assert!(
            names.contains(&needed),
            "Depends has no {needed}: {depends}"
        );
    }
    for (i, name) in names.iter().enumerate() {
        assert!(
            name.starts_with("lib"),
            "Depends has {name:?}, no library: {depends}"
        );
        assert!(
            !names[..i].contains(name),
            "Depends names {name} twice: {depends}"
        );
    }

    // What Debian asks of every package: the copyright of every component, the changelog of
    // this version, a manual page listing the options.
    let doc = root.path().join("usr/share/doc/licensedesk");
    let copyright = std::fs::read_to_string(doc.join("copyright")).unwrap();
    for line in [
        "Upstream-Name: LicenseDesk",
        "License: MIT",
        "Rust crate rusqlite ",
    ] {
        assert!(
            copyright.contains(line),
            "the copyright file has no {line:?}"
        );
    }
    let changelog = gunzip(&doc.join("changelog.gz"));
    assert!(
        changelog.starts_with(&format!("licensedesk ({VERSION}) ")),
        "the changelog does not start with this version:\n{changelog}"
    );
    let manual = gunzip(&root.path().join("usr/share/man/man1/licensedesk.1.gz"));
    for flag in ["\\-\\-db", "\\-\\-demo", "\\-\\-version", "\\-\\-help"] {
        assert!(manual.contains(flag), "the manual page has no {flag}");
    }

    // The desktop entry puts LicenseDesk in the Office menu and starts the binary on PATH.
    let apps = root.path().join("usr/share/applications");
    let entries: Vec<PathBuf> = std::fs::read_dir(&apps)
        .unwrap_or_else(|e| panic!("{}: {e}", apps.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "desktop"))
        .collect();
    assert_eq!(entries.len(), 1, "desktop entries: {entries:?}");
    let entry = std::fs::read_to_string(&entries[0]).unwrap();
    for line in [
        "[Desktop Entry]",
        "Type=Application",
        "Name=LicenseDesk",
        "Exec=licensedesk",
        "Icon=licensedesk",
        "Categories=Office;",
    ] {
        assert!(
            entry.lines().any(|l| l.trim() == line),
            "the desktop entry has no line {line:?}:\n{entry}"
        );
    }
    assert!(
        entry
            .lines()
            .any(|l| l.starts_with("Comment=") && l.len() > 20),
        "the desktop entry has no Comment:\n{entry}"
    );

    // The icon in every size, each really that size.
    for (folder, px) in ICONS {
        let icon = root.path().join(format!(
            "usr/share/icons/hicolor/{folder}/apps/licensedesk.png"
        ));
        assert!(icon.is_file(), "no icon {}", icon.display());
        assert_eq!(png_size(&icon), (px, px), "{}", icon.display());
    }

    // The installed binary answers without a window.
    let bin = root.path().join("usr/bin/licensedesk");
    let version = run_installed(&bin, "--version");
    assert!(
        version.starts_with(&format!("licensedesk {VERSION} ")),
        "--version printed {version:?}"
    );
    let help = run_installed(&bin, "--help");
    for flag in ["--db", "--version", "--help"] {
        assert!(help.contains(flag), "--help does not list {flag}:\n{help}");
    }
}

/// `apt install ./licensedesk_*.deb`, simulated: apt accepts the file and finds every
/// dependency in this Debian's archive (what a fresh Debian 12 would fetch), without changing
/// the system.
#[test]
fn apt_accepts_the_deb_and_resolves_its_dependencies() {
    let deb = deb();
    let out = run(Command::new("apt-get")
        .args(["install", "--simulate", "--no-install-recommends"])
        .arg(&deb)
        .env("LC_ALL", "C"));
    let plan = String::from_utf8_lossy(&out.stdout);
    assert!(
        plan.lines()
            .any(|l| l.starts_with(&format!("Inst licensedesk ({VERSION} "))),
        "apt would not install licensedesk {VERSION}:\n{plan}"
    );
    assert!(
        !plan.contains("Remv "),
        "installing LicenseDesk would remove packages:\n{plan}"
    );
}

/// Debian's own package checker reports no error and no warning. The debug package that
/// `make test` builds keeps its symbols on purpose (a release package is stripped), so only
/// there that one tag is let through.
#[test]
fn lintian_finds_nothing_to_report() {
    let deb = deb();
    let mut lintian = Command::new("lintian");
    lintian.args(["--fail-on", "error,warning", "--no-tag-display-limit"]);
    if deb.components().any(|c| c.as_os_str() == "debug") {
        lintian.args(["--suppress-tags", "unstripped-binary-or-object"]);
    }
    let out = lintian
        .arg(&deb)
        .env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| panic!("cannot run lintian ({e}): `make deps-e2e` installs it"));
    assert!(
        out.status.success(),
        "lintian reports on {}:\n{}{}",
        deb.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
