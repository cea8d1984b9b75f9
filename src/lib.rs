//! wirepost: a terminal client for mail (IMAP, POP3, SMTP) and for raw TCP
//! and UDP sockets.
//!
//! The binary is a thin shell over this library; tests and benchmarks use
//! the same modules. See docs/ARCHITECTURE.md for how the parts fit.

pub mod app;
pub mod change_command;
pub mod cli;
pub mod config;
pub mod engines;
pub mod logging;
pub mod mail;
pub mod mailview;
pub mod net;
pub mod pgp;
pub mod report;
pub mod sanitize;
pub mod store;
pub mod sync_command;
pub mod tui;
pub mod ui;
pub mod watch_command;
