//! The user editor's one Save and the new-user form.

pub mod new_user;
pub mod user_edits;
