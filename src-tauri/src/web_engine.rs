//! How the process and WebKitGTK are set up before the window opens. The benchmark's bare
//! window (tests/bare-window) includes this file, so that LicenseDesk's memory is compared
//! with a window set up the same way.

/// How WebKitGTK runs this window, measured on 100,000 users (issue 8). An administrator's
/// own settings win; set before GTK starts and before any other thread exists.
/// - No accelerated compositing: on the software GL most admin laptops and every virtual
///   display end up with, it cost 118 MB and most of the paint time (PSS 376 → 258 MB,
///   first rows 348 → 79 ms, keystroke to results 149 → 69 ms).
/// - No GL in GTK: loading it at start to choose visuals cost the cold start ~100 ms.
/// - No JavaScript JIT: the page only runs our own bundled UI, which the interpreter runs
///   well within the targets (first rows 60 → 95 ms, keystroke to results ~70 ms), while
///   the JIT's code and profiles cost 20 MB at rest and 77 MB after scrolling 20,000 users.
///   It also takes the JIT out of what a hostile input could ever reach.
pub fn lean_web_engine() {
    #[cfg(target_os = "linux")]
    for (name, value) in [
        ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
        ("GDK_GL", "disable"),
        ("JSC_useJIT", "0"),
    ] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
}

/// glibc gives each thread that allocates its own arena (up to 8 per core), and each keeps
/// its freed memory: the blocking pool's threads cost this window about 5 MB for nothing.
/// Two arenas are plenty for one window's commands.
pub fn fewer_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: a malloc setting, changed before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
