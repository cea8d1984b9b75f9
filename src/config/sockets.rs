//! The `[sockets]` section: saved targets (`:open NAME`), named payloads
//! (`:run NAME`) and the clock the transcript is read on.

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocketsConfig {
    /// "local" (the default) or "utc": the transcript's clock.
    pub time: Option<Clock>,
    /// Targets opened by name with `:open NAME`.
    #[serde(default)]
    pub saved: Vec<SavedTarget>,
    /// Payloads sent by name with `:run NAME`.
    #[serde(default)]
    pub payloads: Vec<Payload>,
}

/// The clock transcript times are read on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Clock {
    Local,
    Utc,
}

/// A target with its options, written as the command line that opens it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedTarget {
    pub name: String,
    /// E.g. "tls imap.example.test:993 ca=~/ca.pem" or
    /// "listen 127.0.0.1:2525 greet=220 test\r\n".
    pub open: String,
}

/// Bytes to send, written like the input line (escapes \r \n \t \xHH).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    pub name: String,
    pub data: String,
    /// How many times `:run NAME` sends it (default 1).
    pub count: Option<u32>,
    /// Seconds between two sends (default 1).
    pub every: Option<f64>,
}

impl SocketsConfig {
    pub fn saved(&self, name: &str) -> Option<&SavedTarget> {
        self.saved.iter().find(|s| s.name == name)
    }

    pub fn payload(&self, name: &str) -> Option<&Payload> {
        self.payloads.iter().find(|p| p.name == name)
    }
}
