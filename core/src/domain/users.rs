//! Users: the directory and its search, the features a product gives, a user's data and its bundle.

pub mod bundle;
pub mod directory;
pub(crate) mod features;
pub(crate) mod user_data;
