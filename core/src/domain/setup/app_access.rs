//! Which apps a user may sign in to; each only when the user's product includes it.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::domain::setup::guard::{audit_setup, products_with, require_feature};
use crate::domain::users::directory::UserDetail;
use crate::domain::users::features::Feature;
use crate::kernel::org::ChangeContext;
use crate::storage::engine::Sql;
use crate::storage::tables::app_access;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum App {
    DesktopApp,
    MobileApp,
    WebApp,
    VideoMeetings,
}

impl App {
    pub const ALL: [App; 4] = [
        App::DesktopApp,
        App::MobileApp,
        App::WebApp,
        App::VideoMeetings,
    ];

    pub fn key(self) -> &'static str {
        match self {
            App::DesktopApp => "desktop_app",
            App::MobileApp => "mobile_app",
            App::WebApp => "web_app",
            App::VideoMeetings => "video_meetings",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            App::DesktopApp => "Desktop app",
            App::MobileApp => "Mobile app",
            App::WebApp => "Web app",
            App::VideoMeetings => "Video meetings",
        }
    }

    /// The field an error about the app is shown at (its switch).
    pub fn field(self) -> Field {
        match self {
            App::DesktopApp => Field::DesktopApp,
            App::MobileApp => Field::MobileApp,
            App::WebApp => Field::WebApp,
            App::VideoMeetings => Field::VideoMeetings,
        }
    }

    /// The product feature that includes the app; the web app is a softphone, so calling.
    pub fn feature(self) -> Feature {
        match self {
            App::DesktopApp => Feature::DesktopApp,
            App::MobileApp => Feature::MobileApp,
            App::WebApp => Feature::Calling,
            App::VideoMeetings => Feature::VideoMeetings,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppAccessRow {
    pub app: App,
    pub label: String,
    /// The user's product includes it.
    pub available: bool,
    /// Switched on (and available: a product change that drops it switches it off).
    pub enabled: bool,
    /// An admin has decided on it at least once.
    pub configured: bool,
    /// The products that include it, for the ones not available.
    pub included_in: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AppAccessUpdate {
    #[ts(type = "number")]
    pub user_id: i64,
    /// The apps switched on; every other one is switched off.
    pub enabled: Vec<App>,
}

pub(crate) fn apps<'a>(conn: impl Into<Sql<'a>>, user: &UserDetail) -> Result<Vec<AppAccessRow>> {
    let conn = conn.into();
    let stored = app_access::of_user(conn, user.id)?;
    App::ALL
        .into_iter()
        .map(|app| {
            let available = user.features.contains(&app.feature());
            let row = stored.iter().find(|(k, _)| k == app.key());
            Ok(AppAccessRow {
                app,
                label: app.label().to_owned(),
                available,
                enabled: available && row.is_some_and(|(_, on)| *on),
                configured: row.is_some(),
                included_in: if available {
                    Vec::new()
                } else {
                    products_with(conn, app.feature())?
                },
            })
        })
        .collect()
}

/// Applies the app access section inside the caller's transaction, with its audit entry.
/// The caller checked the permission.
pub(crate) fn set_app_access_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    req: &AppAccessUpdate,
) -> Result<()> {
    let tx = tx.into();
    if user.license.is_none() {
        return Err(Error::invalid(
            Field::AppAccess,
            format!("{} holds no license; apps come with one.", user.full_name()),
        ));
    }
    for app in &req.enabled {
        require_feature(tx, user, app.feature(), app.field())?;
    }
    let before: Vec<App> = apps(tx, user)?
        .into_iter()
        .filter(|a| a.enabled)
        .map(|a| a.app)
        .collect();
    // Apps the product does not include keep their stored choice.
    for app in App::ALL
        .into_iter()
        .filter(|a| user.features.contains(&a.feature()))
    {
        app_access::set(tx, user.id, app.key(), req.enabled.contains(&app))?;
    }
    audit_setup(
        tx,
        ctx,
        "apps.update",
        user,
        json!({ "apps": before }),
        json!({ "apps": req.enabled }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, sign_in, snapshot, user_on};

    #[test]
    fn only_included_apps_can_be_switched_on_and_the_others_name_their_products() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "priya.nair");
        let user = user_on(&org, "Voice Pro");
        let setup = org
            .set_app_access(
                admin,
                &AppAccessUpdate {
                    user_id: user.id,
                    enabled: vec![App::DesktopApp, App::WebApp],
                },
            )
            .unwrap();
        let row = |app: App| setup.apps.iter().find(|a| a.app == app).unwrap().clone();
        assert!(row(App::DesktopApp).enabled && row(App::WebApp).enabled);
        assert!(row(App::MobileApp).available && !row(App::MobileApp).enabled);
        let video = row(App::VideoMeetings);
        assert!(!video.available);
        assert_eq!(video.included_in, vec!["Meetings Plus", "Voice Enterprise"]);
        let before = snapshot(&org, &["app_access"]);
        let e = org
            .set_app_access(
                admin,
                &AppAccessUpdate {
                    user_id: user.id,
                    enabled: vec![App::VideoMeetings],
                },
            )
            .unwrap_err();
        assert_eq!(e.code(), "feature_not_included");
        assert_eq!(e.payload().field.as_deref(), Some("videoMeetings"));
        assert!(e.to_string().contains("Voice Enterprise"), "{e}");
        assert_eq!(snapshot(&org, &["app_access"]), before);
    }
}
