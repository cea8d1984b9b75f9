//! Mail protocols: engines that talk to servers and fill the local store.

pub mod imap;
