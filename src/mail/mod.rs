//! Mail protocols.

pub mod pop3;
