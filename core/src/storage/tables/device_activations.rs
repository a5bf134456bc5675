//! The device_activations table's SQL: desk phones and apps a user activated.

use crate::base::error::Result;
use crate::storage::engine::Sql;

/// One activation as stored; `device_type` is the stored key.
pub(crate) struct Activation {
    pub id: i64,
    pub device_type: String,
    pub label: String,
    pub model: Option<String>,
    pub mac_address: Option<String>,
    pub activated_at: String,
}

/// The user's activations, oldest first.
pub(crate) fn of_user(db: Sql<'_>, user_id: i64) -> Result<Vec<Activation>> {
    db.query(
        "SELECT id, device_type, label, model, mac_address, activated_at
         FROM device_activations WHERE user_id = ?1 ORDER BY activated_at, id",
        &[&user_id],
        |r| {
            Ok(Activation {
                id: r.get(0)?,
                device_type: r.get(1)?,
                label: r.get(2)?,
                model: r.get(3)?,
                mac_address: r.get(4)?,
                activated_at: r.get(5)?,
            })
        },
    )
}

/// The full name of the user whose desk phone has this MAC address.
pub(crate) fn mac_address_holder(db: Sql<'_>, mac: &str) -> Result<Option<String>> {
    db.query_opt(
        "SELECT u.first_name || ' ' || u.last_name FROM device_activations d
         JOIN users u ON u.id = d.user_id WHERE d.mac_address = ?1",
        &[&mac],
        |r| r.get(0),
    )
}

pub(crate) struct NewActivation<'a> {
    pub user_id: i64,
    pub device_type: &'a str,
    pub label: &'a str,
    pub activated_at: &'a str,
    pub model: Option<&'a str>,
    pub mac_address: Option<&'a str>,
}

pub(crate) fn insert(db: Sql<'_>, a: &NewActivation<'_>) -> Result<()> {
    db.execute(
        "INSERT INTO device_activations (user_id, device_type, label, activated_at, model, mac_address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[&a.user_id, &a.device_type, &a.label, &a.activated_at, &a.model, &a.mac_address],
    )?;
    Ok(())
}

/// Deletes the user's activation; its label and MAC address, None when the user has no such
/// activation.
pub(crate) fn delete_of_user(
    db: Sql<'_>,
    id: i64,
    user_id: i64,
) -> Result<Option<(String, Option<String>)>> {
    db.query_opt(
        "DELETE FROM device_activations WHERE id = ?1 AND user_id = ?2
         RETURNING label, mac_address",
        &[&id, &user_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The user the activation belongs to.
pub(crate) fn owner(db: Sql<'_>, id: i64) -> Result<Option<i64>> {
    db.query_opt(
        "SELECT user_id FROM device_activations WHERE id = ?1",
        &[&id],
        |r| r.get(0),
    )
}

/// Each (user, device type) with at least one activation.
pub(crate) fn types_by_user<'a>(db: impl Into<Sql<'a>>) -> Result<Vec<(i64, String)>> {
    db.into().query(
        "SELECT DISTINCT user_id, device_type FROM device_activations",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
