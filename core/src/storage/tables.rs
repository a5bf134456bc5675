//! One file per table: its SQL, its row types and their tests. The kernel and the domain call
//! these functions and never write SQL themselves (docs/ARCHITECTURE.md, "Layers"), so a second
//! storage engine could be added behind this module without touching the rules.

pub(crate) mod accounts;
pub(crate) mod app_access;
pub(crate) mod audit_log;
pub(crate) mod call_history;
pub(crate) mod call_recordings;
pub(crate) mod cancellation_requests;
pub(crate) mod device_activations;
pub(crate) mod forwarding_rules;
pub(crate) mod orders;
pub(crate) mod phone_numbers;
pub(crate) mod product_features;
pub(crate) mod products;
pub(crate) mod role_permissions;
pub(crate) mod roles;
pub(crate) mod safety_archives;
pub(crate) mod seat_tallies;
pub(crate) mod seats;
pub(crate) mod sites;
pub(crate) mod user_search;
pub(crate) mod users;
pub(crate) mod voicemail_greetings;
pub(crate) mod voicemail_settings;
pub(crate) mod voicemails;
