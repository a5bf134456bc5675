//! Files from elsewhere: the users CSV import and the guard on every input file.

pub mod input_file;
pub mod user_csv;
