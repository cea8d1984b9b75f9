//! Local mail storage.

pub mod maildir;
