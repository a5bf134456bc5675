//! What a license product is made of: its family and its features (shared by users, who hold
//! them, and licenses, which assign them).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::storage::engine::Sql;
use crate::storage::tables::product_features;

/// The license type: changing within a family keeps a user's data, across families does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LicenseFamily {
    Voice,
    ContactCenter,
    Meetings,
}

impl LicenseFamily {
    pub fn key(self) -> &'static str {
        match self {
            LicenseFamily::Voice => "voice",
            LicenseFamily::ContactCenter => "contact_center",
            LicenseFamily::Meetings => "meetings",
        }
    }

    pub(crate) fn from_key(key: &str) -> Result<Self> {
        [Self::Voice, Self::ContactCenter, Self::Meetings]
            .into_iter()
            .find(|f| f.key() == key)
            .ok_or_else(|| Error::Internal(format!("unknown license family {key:?}")))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    Calling,
    Voicemail,
    CallForwarding,
    CallRecording,
    DesktopApp,
    MobileApp,
    VideoMeetings,
    ContactCenter,
    Analytics,
}

impl Feature {
    /// How an administrator reads it in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Feature::Calling => "calling",
            Feature::Voicemail => "voicemail",
            Feature::CallForwarding => "call forwarding",
            Feature::CallRecording => "call recording",
            Feature::DesktopApp => "the desktop app",
            Feature::MobileApp => "the mobile app",
            Feature::VideoMeetings => "video meetings",
            Feature::ContactCenter => "contact center",
            Feature::Analytics => "analytics",
        }
    }

    pub const ALL: [Feature; 9] = [
        Feature::Calling,
        Feature::Voicemail,
        Feature::CallForwarding,
        Feature::CallRecording,
        Feature::DesktopApp,
        Feature::MobileApp,
        Feature::VideoMeetings,
        Feature::ContactCenter,
        Feature::Analytics,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Feature::Calling => "calling",
            Feature::Voicemail => "voicemail",
            Feature::CallForwarding => "call_forwarding",
            Feature::CallRecording => "call_recording",
            Feature::DesktopApp => "desktop_app",
            Feature::MobileApp => "mobile_app",
            Feature::VideoMeetings => "video_meetings",
            Feature::ContactCenter => "contact_center",
            Feature::Analytics => "analytics",
        }
    }
}

pub(crate) fn product_features<'a>(
    db: impl Into<Sql<'a>>,
    product_id: i64,
) -> Result<Vec<Feature>> {
    let keys = product_features::keys(db.into(), product_id)?;
    Ok(Feature::ALL
        .into_iter()
        .filter(|f| keys.iter().any(|k| k == f.key()))
        .collect())
}
