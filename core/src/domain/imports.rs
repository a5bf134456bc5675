//! Files from elsewhere: the users CSV import and the guard on every input file.

pub mod columns;
pub mod input_file;
pub(crate) mod phone;
pub mod user_csv;
