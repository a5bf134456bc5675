//! What follows a license: the setup checklist of one user (number and extension, voicemail,
//! call forwarding, app access, devices), and the editors' commands that answer with it
//! (the guard the editors share is in `setup_guard`, below them).

use serde::Serialize;
use ts_rs::TS;

use crate::base::error::Result;
use crate::base::permission::Permission;
use crate::domain::setup::app_access::{self, AppAccessRow};
use crate::domain::setup::devices::{self, DeviceRow};
use crate::domain::setup::forwarding::{self, ForwardingRuleRow};
use crate::domain::setup::numbers;
use crate::domain::setup::voicemail::{self, VoicemailSetup};
use crate::domain::users::directory;
use crate::domain::users::features::Feature;
use crate::kernel::org::{Actor, Org};
use crate::storage::engine::Sql;

mod editors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SetupState {
    Done,
    ToDo,
    /// The user's license does not include it.
    NotIncluded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChecklistItem {
    pub item: String,
    pub state: SetupState,
    pub detail: String,
}

/// Everything the editor shows below the license.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UserSetup {
    #[ts(type = "number")]
    pub user_id: i64,
    #[ts(type = "number")]
    pub version: i64,
    pub licensed: bool,
    pub features: Vec<Feature>,
    pub site: String,
    pub extension: Option<String>,
    pub phone_number: Option<String>,
    /// Free numbers of the user's site, in order.
    pub available_numbers: Vec<String>,
    pub voicemail: VoicemailSetup,
    pub forwarding: Vec<ForwardingRuleRow>,
    pub apps: Vec<AppAccessRow>,
    pub devices: Vec<DeviceRow>,
    pub checklist: Vec<ChecklistItem>,
}

fn item(item: &str, state: SetupState, detail: impl Into<String>) -> ChecklistItem {
    ChecklistItem {
        item: item.to_owned(),
        state,
        detail: detail.into(),
    }
}

fn checklist(s: &UserSetup) -> Vec<ChecklistItem> {
    use SetupState::*;
    let has = |f: Feature| s.features.contains(&f);
    let not_included = |name: &str| item(name, NotIncluded, "Not included in this license");
    let mut out = Vec::new();
    out.push(if !has(Feature::Calling) {
        not_included("Number and extension")
    } else {
        match (&s.extension, &s.phone_number) {
            (Some(e), Some(n)) => item("Number and extension", Done, format!("{n} · ext. {e}")),
            (None, None) => item("Number and extension", ToDo, "No number or extension yet"),
            (None, Some(_)) => item("Number and extension", ToDo, "No extension yet"),
            (Some(_), None) => item("Number and extension", ToDo, "No phone number yet"),
        }
    });
    let v = &s.voicemail;
    out.push(if !has(Feature::Voicemail) {
        not_included("Voicemail")
    } else if !v.configured {
        item("Voicemail", ToDo, "Not set up")
    } else if !v.enabled {
        item("Voicemail", Done, "Off")
    } else if !v.pin_set {
        item("Voicemail", ToDo, "On, but no PIN set")
    } else {
        let greeting = if v.custom_greeting.is_some() {
            "custom greeting"
        } else {
            "default greeting"
        };
        item("Voicemail", Done, format!("On, PIN set, {greeting}"))
    });
    out.push(if !has(Feature::CallForwarding) {
        not_included("Call forwarding")
    } else if s.forwarding.is_empty() {
        item("Call forwarding", ToDo, "No rules yet")
    } else {
        let n = s.forwarding.len();
        item(
            "Call forwarding",
            Done,
            format!("{n} rule{}", if n == 1 { "" } else { "s" }),
        )
    });
    let available: Vec<&AppAccessRow> = s.apps.iter().filter(|a| a.available).collect();
    let on: Vec<&str> = available
        .iter()
        .filter(|a| a.enabled)
        .map(|a| a.label.as_str())
        .collect();
    out.push(if available.is_empty() {
        not_included("App access")
    } else if !s.apps.iter().any(|a| a.configured) {
        item("App access", ToDo, "Not set up")
    } else if on.is_empty() {
        item("App access", Done, "No apps")
    } else {
        item("App access", Done, on.join(", "))
    });
    out
}

pub(crate) fn user_setup<'a>(conn: impl Into<Sql<'a>>, user_id: i64) -> Result<UserSetup> {
    let conn = conn.into();
    let user = directory::user_detail(conn, user_id)?;
    let mut setup = UserSetup {
        user_id,
        version: user.version,
        licensed: user.license.is_some(),
        features: user.features.clone(),
        site: user.site.clone(),
        extension: user.extension.clone(),
        phone_number: user.phone_number.clone(),
        available_numbers: numbers::available_numbers(conn, user_id)?,
        voicemail: voicemail::voicemail_setup(conn, user_id)?,
        forwarding: forwarding::rules(conn, user_id)?,
        apps: app_access::apps(conn, &user)?,
        devices: devices::devices(conn, user_id)?,
        checklist: Vec::new(),
    };
    setup.checklist = checklist(&setup);
    Ok(setup)
}

impl Org {
    pub fn user_setup(&self, actor: Actor, user_id: i64) -> Result<UserSetup> {
        self.read_sql(actor, Permission::UsersView, |db| user_setup(db, user_id))
    }
}
