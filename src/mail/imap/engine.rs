//! The IMAP engine as the interface (and `wirepost watch`) drives it: one
//! live task per account ([`LiveHub`]) that brings every folder into step
//! and keeps it there, reporting progress, finished folders, how it
//! watches and the protocol trace as [`ImapEvent`]s.

pub use super::events::{ImapCommand, ImapEvent, LiveSettings, Reports, WatchMode};
pub use super::live::{
    LiveControl, LiveHub, MAX_RECONNECT_DELAY, RECONNECT_ATTEMPTS, RECONNECT_FIRST_DELAY,
};
