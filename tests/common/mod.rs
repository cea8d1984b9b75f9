//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod dot_cut_proxy;
pub mod fault_proxy;
pub mod fuzz;
pub mod gpg;
pub mod imap;
pub mod mailstack;
pub mod peers;
pub mod pty;
pub mod soak;
pub mod tls_peer;
