//! Every input validator in core (see `licensedesk_core::fuzzing::validators`): Ok, or an
//! `invalid_input` error naming its field; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use licensedesk_core::fuzzing::{check_validator, validators};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for (field, validator) in validators() {
        check_validator(field, validator, &text);
    }
});
