//! Device activations: desk phones by model and MAC address, and the apps a user signed in to.

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::base::error::{Error, Result};
use crate::base::field::Field;
use crate::base::validate;
use crate::domain::setup::guard::{audit_setup, require_feature};
use crate::domain::users::directory::UserDetail;
use crate::domain::users::features::Feature;
use crate::kernel::org::ChangeContext;
use crate::storage::engine::Sql;
use crate::storage::tables::device_activations;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeviceType {
    DeskPhone,
    DesktopApp,
    MobileApp,
}

impl DeviceType {
    fn key(self) -> &'static str {
        match self {
            Self::DeskPhone => "desk_phone",
            Self::DesktopApp => "desktop_app",
            Self::MobileApp => "mobile_app",
        }
    }

    fn from_key(key: &str) -> Self {
        match key {
            "desk_phone" => Self::DeskPhone,
            "desktop_app" => Self::DesktopApp,
            _ => Self::MobileApp,
        }
    }

    fn feature(self) -> Feature {
        match self {
            Self::DeskPhone => Feature::Calling,
            Self::DesktopApp => Feature::DesktopApp,
            Self::MobileApp => Feature::MobileApp,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DeviceRow {
    #[ts(type = "number")]
    pub id: i64,
    pub device_type: DeviceType,
    pub label: String,
    pub model: Option<String>,
    pub mac_address: Option<String>,
    pub activated_at: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ActivateDevice {
    #[ts(type = "number")]
    pub user_id: i64,
    pub device_type: DeviceType,
    /// "Yealink T54W" for a desk phone, "iPhone" or "Windows laptop" for an app.
    pub model: String,
    /// Desk phones only.
    pub mac_address: String,
}

pub(crate) fn devices<'a>(conn: impl Into<Sql<'a>>, user_id: i64) -> Result<Vec<DeviceRow>> {
    let conn = conn.into();
    Ok(device_activations::of_user(conn, user_id)?
        .into_iter()
        .map(|d| DeviceRow {
            id: d.id,
            device_type: DeviceType::from_key(&d.device_type),
            label: d.label,
            model: d.model,
            mac_address: d.mac_address,
            activated_at: d.activated_at,
        })
        .collect())
}

/// Activates the device inside the caller's transaction, with its audit entry.
/// The caller checked the permission.
pub(crate) fn activate_device_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    req: &ActivateDevice,
) -> Result<()> {
    let tx = tx.into();
    require_feature(tx, user, req.device_type.feature(), Field::DeviceType)?;
    let model = validate::text(Field::Model, &req.model, validate::MAX_MODEL, true)?;
    let (label, mac) = match req.device_type {
        DeviceType::DeskPhone => {
            let mac = validate::mac_address(&req.mac_address)?;
            if let Some(holder) = device_activations::mac_address_holder(tx, &mac)? {
                return Err(Error::AlreadyTaken {
                    field: Field::MacAddress,
                    value: mac,
                    holder,
                });
            }
            (format!("{model} desk phone"), Some(mac))
        }
        DeviceType::DesktopApp => (format!("Desktop app on {model}"), None),
        DeviceType::MobileApp => (format!("Mobile app on {model}"), None),
    };
    device_activations::insert(
        tx,
        &device_activations::NewActivation {
            user_id: user.id,
            device_type: req.device_type.key(),
            label: &label,
            activated_at: ctx.now,
            model: Some(&model),
            mac_address: mac.as_deref(),
        },
    )?;
    audit_setup(
        tx,
        ctx,
        "device.activate",
        user,
        json!({ "device": null }),
        json!({ "device": { "label": label, "mac_address": mac } }),
    )?;
    Ok(())
}

/// Deactivates one of the user's devices, with its audit entry.
pub(crate) fn deactivate_device_in<'a>(
    tx: impl Into<Sql<'a>>,
    ctx: &ChangeContext<'_>,
    user: &UserDetail,
    device_id: i64,
) -> Result<()> {
    let tx = tx.into();
    let (label, mac) =
        device_activations::delete_of_user(tx, device_id, user.id)?.ok_or(Error::NotFound {
            what: "Device activation",
            id: device_id,
        })?;
    audit_setup(
        tx,
        ctx,
        "device.deactivate",
        user,
        json!({ "device": { "label": label, "mac_address": mac } }),
        json!({ "device": null }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::testing::{demo_org, sign_in, snapshot, user_on};

    fn phone(user_id: i64, mac: &str) -> ActivateDevice {
        ActivateDevice {
            user_id,
            device_type: DeviceType::DeskPhone,
            model: "Poly VVX 450".to_owned(),
            mac_address: mac.to_owned(),
        }
    }

    #[test]
    fn a_desk_phone_is_activated_by_model_and_mac_and_deactivated() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "sam.okafor");
        let user = user_on(&org, "Voice Pro");
        let n = org.user_setup(admin, user.id).unwrap().devices.len();
        let setup = org
            .activate_device(admin, &phone(user.id, "64-16-7f-aa-bb-cc"))
            .unwrap();
        assert_eq!(setup.devices.len(), n + 1);
        let added = setup.devices.last().unwrap().clone();
        assert_eq!(added.mac_address.as_deref(), Some("64:16:7F:AA:BB:CC"));
        assert_eq!(added.label, "Poly VVX 450 desk phone");
        let setup = org.deactivate_device(admin, added.id).unwrap();
        assert_eq!(setup.devices.len(), n);
        assert_eq!(
            org.deactivate_device(admin, added.id).unwrap_err().code(),
            "not_found"
        );
    }

    #[test]
    fn a_bad_or_used_mac_a_missing_model_or_feature_is_refused_and_nothing_stored() {
        let (_dir, mut org) = demo_org();
        let admin = sign_in(&mut org, "dana.reyes");
        let user = user_on(&org, "Voice Pro");
        org.activate_device(admin, &phone(user.id, "64:16:7F:AA:BB:CC"))
            .unwrap();
        let before = snapshot(&org, &["device_activations"]);
        let e = org
            .activate_device(admin, &phone(user.id, "64167faabbcc"))
            .unwrap_err();
        assert_eq!(e.code(), "already_taken");
        for mac in ["", "64:16:7F", "zz:16:7F:AA:BB:CC", "FF:FF:FF:FF:FF:FF"] {
            let e = org
                .activate_device(admin, &phone(user.id, mac))
                .unwrap_err();
            assert_eq!(e.payload().field.as_deref(), Some("macAddress"), "{mac:?}");
        }
        let mut no_model = phone(user.id, "64:16:7F:00:00:01");
        no_model.model = " ".to_owned();
        assert_eq!(
            org.activate_device(admin, &no_model)
                .unwrap_err()
                .payload()
                .field
                .as_deref(),
            Some("model")
        );
        let essentials = user_on(&org, "Voice Essentials");
        let desktop = ActivateDevice {
            user_id: essentials.id,
            device_type: DeviceType::DesktopApp,
            model: "Windows laptop".to_owned(),
            mac_address: String::new(),
        };
        assert_eq!(
            org.activate_device(admin, &desktop).unwrap_err().code(),
            "feature_not_included"
        );
        assert_eq!(snapshot(&org, &["device_activations"]), before);
    }
}
