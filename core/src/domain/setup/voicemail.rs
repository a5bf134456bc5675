//! Voicemail: on or off, the PIN (stored hashed), email notification, and the greeting.

use std::io::Cursor;

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::permission::Permission;
use crate::base::validate;
use crate::domain::setup::guard::{audit_setup, require_feature};
use crate::domain::users::directory::UserDetail;
use crate::domain::users::features::Feature;
use crate::kernel::org::{Actor, ChangeContext, Org};
use crate::storage::engine::Sql;
use crate::storage::tables::{voicemail_greetings, voicemail_settings};

/// Greetings longer than this are refused: callers hang up long before.
pub const MAX_GREETING_SECONDS: u32 = 120;
pub const MAX_GREETING_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CustomGreeting {
    pub created_at: String,
    #[ts(type = "number")]
    pub seconds: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VoicemailSetup {
    /// Settings were saved at least once.
    pub configured: bool,
    pub enabled: bool,
    pub email_notification: bool,
    pub pin_set: bool,
    /// None: callers hear LicenseDesk's recorded default greeting.
    pub custom_greeting: Option<CustomGreeting>,
}

/// What the Voicemail section saves. An empty PIN keeps the one already set.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct VoicemailUpdate {
    #[ts(type = "number")]
    pub user_id: i64,
    pub enabled: bool,
    pub email_notification: bool,
    pub pin: String,
}

pub(crate) fn voicemail_setup<'a>(
    conn: impl Into<Sql<'a>>,
    user_id: i64,
) -> Result<VoicemailSetup> {
    let conn = conn.into();
    let settings = voicemail_settings::of_user(conn, user_id)?;
    let greeting = voicemail_greetings::standard(conn, user_id)?;
    let (enabled, email_notification, pin_set) = settings.unwrap_or((false, false, false));
    Ok(VoicemailSetup {
        configured: settings.is_some(),
        enabled,
        email_notification,
        pin_set,
        custom_greeting: greeting.map(|(created_at, audio)| CustomGreeting {
            created_at,
            seconds: wav_seconds(&audio).unwrap_or(0),
        }),
    })
}

fn wav_seconds(audio: &[u8]) -> Result<u32> {
    let reader = hound::WavReader::new(Cursor::new(audio)).map_err(|e| {
        Error::invalid(
            Field::Greeting,
            format!("is not a WAV file the app can play: {e}."),
        )
    })?;
    let spec = reader.spec();
    Ok(reader.duration() / spec.sample_rate.max(1))
}

/// A greeting file as uploaded: a WAV (PCM) of 1 second to 2 minutes.
fn check_greeting(audio: &[u8]) -> Result<()> {
    if audio.len() > MAX_GREETING_BYTES {
        return Err(Error::invalid(
            Field::Greeting,
            format!(
                "is {} MB; at most 16 MB are allowed.",
                audio.len() / (1024 * 1024)
            ),
        ));
    }
    let reader = hound::WavReader::new(Cursor::new(audio)).map_err(|_| {
        Error::invalid(
            Field::Greeting,
            "is not a WAV file. Save the recording as WAV (PCM) and try again.",
        )
    })?;
    let spec = reader.spec();
    if spec.sample_format != hound::SampleFormat::Int || spec.channels > 2 {
        return Err(Error::invalid(
            Field::Greeting,
            "must be PCM audio in mono or stereo.",
        ));
    }
    let seconds = reader.duration() / spec.sample_rate.max(1);
    if seconds < 1 {
        return Err(Error::invalid(
            Field::Greeting,
            "is shorter than one second.",
        ));
    }
    if seconds > MAX_GREETING_SECONDS {
        return Err(Error::invalid(
            Field::Greeting,
            format!("is {seconds} seconds long; at most {MAX_GREETING_SECONDS} are allowed."),
        ));
    }
    Ok(())
}

/// The greeting callers hear when none was uploaded: a short recorded chime.
fn default_greeting() -> Result<Vec<u8>> {
    crate::domain::setup::audio::tone_sequence(&[523.0, 659.0, 784.0, 659.0], 400)
}

/// Applies the voicemail section inside the caller's transaction, with its audit entry.
/// The caller checked the permission.
pub(crate) fn set_voicemail_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    req: &VoicemailUpdate,
) -> Result<()> {
    let tx = tx.into();
    require_feature(tx, user, Feature::Voicemail, Field::Voicemail)?;
    let before = voicemail_setup(tx, user.id)?;
    let pin_hash = if req.pin.is_empty() {
        None
    } else {
        let pin = validate::voicemail_pin(&req.pin, user.extension.as_deref())?;
        Some(crate::kernel::accounts::hash_password(&pin)?)
    };
    if req.enabled && pin_hash.is_none() && !before.pin_set {
        return Err(Error::invalid(
            Field::VoicemailPin,
            "must be set before voicemail is switched on.",
        ));
    }
    voicemail_settings::set(
        tx,
        user.id,
        req.enabled,
        req.email_notification,
        pin_hash.as_deref(),
    )?;
    // The PIN itself never reaches the audit log, only that it changed.
    audit_setup(
        tx,
        ctx,
        "voicemail.update",
        user,
        json!({ "enabled": before.enabled, "email_notification": before.email_notification }),
        json!({ "enabled": req.enabled, "email_notification": req.email_notification,
                "pin_changed": pin_hash.is_some() }),
    )?;
    Ok(())
}

/// Stores `audio` (a checked WAV) as the user's greeting, with its audit entry.
pub(crate) fn set_greeting_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    audio: &[u8],
) -> Result<()> {
    let tx = tx.into();
    require_feature(tx, user, Feature::Voicemail, Field::Greeting)?;
    check_greeting(audio)?;
    let before = voicemail_setup(tx, user.id)?.custom_greeting;
    voicemail_greetings::set_standard(tx, user.id, ctx.now, audio)?;
    audit_setup(
        tx,
        ctx,
        "voicemail.greeting",
        user,
        json!({ "custom_greeting": before.is_some() }),
        json!({ "custom_greeting": true, "bytes": audio.len(),
            "sha256": crate::domain::users::bundle::sha256_hex(audio) }),
    )
}

/// Drops the user's own greeting (with an audit entry when there was one); true if there was.
pub(crate) fn use_default_greeting_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
) -> Result<bool> {
    let tx = tx.into();
    let removed = voicemail_greetings::delete_standard(tx, user.id)?;
    if removed {
        audit_setup(
            tx,
            ctx,
            "voicemail.greeting",
            user,
            json!({ "custom_greeting": true }),
            json!({ "custom_greeting": false }),
        )?;
    }
    Ok(removed)
}

impl Org {
    /// The WAV callers hear: the user's own greeting, or the default one.
    pub fn greeting_audio(&self, actor: Actor, user_id: i64) -> Result<Vec<u8>> {
        self.read_sql(actor, Permission::UsersView, |conn| {
            let custom = voicemail_greetings::standard_audio(conn, user_id)?;
            custom.map_or_else(default_greeting, Ok)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, sign_in, snapshot, unlicensed_user, user_on};

    fn update(user_id: i64, pin: &str) -> VoicemailUpdate {
        VoicemailUpdate {
            user_id,
            enabled: true,
            email_notification: true,
            pin: pin.to_owned(),
        }
    }

    #[test]
    fn a_good_pin_is_stored_hashed_and_the_audit_never_holds_it() {
        let (_dir, mut org) = demo_org();
        let helpdesk = sign_in(&mut org, "priya.nair");
        let user = user_on(&org, "Voice Pro");
        let setup = org
            .set_voicemail(helpdesk, &update(user.id, "480916"))
            .unwrap();
        assert!(setup.voicemail.enabled && setup.voicemail.pin_set);
        let hash: String = org
            .conn()
            .query_row(
                "SELECT pin_hash FROM voicemail_settings WHERE user_id = ?1",
                [user.id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(hash.starts_with("$argon2id$") && !hash.contains("480916"));
        let audit: String = org
            .conn()
            .query_row(
                "SELECT after_json FROM audit_log ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            audit.contains("pin_changed") && !audit.contains("480916"),
            "{audit}"
        );
        // An empty PIN keeps the one set.
        let mut off = update(user.id, "");
        off.enabled = false;
        let setup = org.set_voicemail(helpdesk, &off).unwrap();
        assert!(!setup.voicemail.enabled && setup.voicemail.pin_set);
    }

    #[test]
    fn a_guessable_pin_or_one_missing_is_refused_by_its_field_and_nothing_changes() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_on(&org, "Voice Pro");
        let ext = user.extension.clone().unwrap();
        let before = snapshot(&org, &["voicemail_settings"]);
        for pin in ["1111", "1234", "12", "abcd", ext.as_str(), ""] {
            let e = org.set_voicemail(admin, &update(user.id, pin)).unwrap_err();
            assert_eq!(
                e.payload().field.as_deref(),
                Some("voicemailPin"),
                "{pin:?}: {e}"
            );
        }
        assert_eq!(snapshot(&org, &["voicemail_settings"]), before);
    }

    #[test]
    fn voicemail_needs_a_license_with_it_and_the_settings_permission() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let unlicensed = unlicensed_user(&org);
        let e = org
            .set_voicemail(admin, &update(unlicensed.id, "4809"))
            .unwrap_err();
        assert_eq!(e.code(), "feature_not_included");
        assert!(
            e.to_string().contains("Voice Essentials"),
            "names products that include it: {e}"
        );
        let billing = sign_in(&mut org, "lee.chen");
        let user = user_on(&org, "Voice Pro");
        let e = org
            .set_voicemail(billing, &update(user.id, "4809"))
            .unwrap_err();
        assert_eq!(e.code(), "permission_denied");
    }

    #[test]
    fn greetings_are_checked_wav_and_the_default_plays_when_none_is_set() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_on(&org, "Voice Pro");
        for bad in [b"RIFF....not a wave".to_vec(), Vec::new(), vec![0u8; 100]] {
            let e = org.set_greeting(admin, user.id, &bad).unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("greeting"));
        }
        let short = crate::domain::setup::audio::tone_sequence(&[440.0], 300).unwrap();
        assert!(org
            .set_greeting(admin, user.id, &short)
            .unwrap_err()
            .to_string()
            .contains("shorter"));
        let wav = crate::domain::setup::audio::tone_sequence(&[440.0, 550.0, 660.0], 800).unwrap();
        let setup = org.set_greeting(admin, user.id, &wav).unwrap();
        assert_eq!(setup.voicemail.custom_greeting.unwrap().seconds, 2);
        assert_eq!(org.greeting_audio(admin, user.id).unwrap(), wav);
        let setup = org.use_default_greeting(admin, user.id).unwrap();
        assert!(setup.voicemail.custom_greeting.is_none());
        let default = org.greeting_audio(admin, user.id).unwrap();
        assert!(wav_seconds(&default).unwrap() >= 1);
    }
}
