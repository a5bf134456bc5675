//! What the fault tests share: the operations a worker runs (crash.rs kills it, power_loss
//! cuts its power) and the checks of the file found afterwards.

// Each test crate uses part of what is here.
#![allow(dead_code)]

pub mod checks;
pub mod operations;

use licensedesk_core::{Actor, Org};

pub fn admin(org: &mut Org) -> Actor {
    Actor {
        account_id: org.sign_in("dana.reyes", "super-demo").unwrap().account_id,
    }
}
