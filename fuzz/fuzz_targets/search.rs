//! The user search and the audit log filters answer whatever was typed: never an error
//! (a date bound may be refused, by field), never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use licensedesk_core::fuzzing::FuzzOrg;

struct Shared(FuzzOrg);
// libFuzzer runs the target on one thread; the lock is only for OnceLock's bounds.
unsafe impl Sync for Shared {}
unsafe impl Send for Shared {}

static ORG: OnceLock<std::sync::Mutex<Shared>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let org = ORG.get_or_init(|| std::sync::Mutex::new(Shared(FuzzOrg::new())));
    let org = org.lock().unwrap();
    org.0.search(text);
    org.0.audit_filters(text);
});
