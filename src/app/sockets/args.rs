//! The words after a command's name on the Sockets command line: the
//! address, `key=value` options (whose values may contain spaces) and
//! bare flags, with the conversions the commands share.

use crate::net::escape::decode_escapes;
use crate::net::session::{DEFAULT_CONNECT_TIMEOUT, Rules};
use crate::net::tls::TlsOptions;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// Option names that take a value; their value runs to the next option.
const VALUE_KEYS: &[&str] = &[
    "timeout", "ca", "sni", "cert", "key", "greet", "reply", "bye", "pin", "count", "every",
];
const FLAGS: &[&str] = &["tls", "insecure", "pin"];
/// Options whose value is free text and runs on over spaces (up to the
/// next option); the others end at the first space, so a flag after them
/// is a flag.
const TEXT_KEYS: &[&str] = &["greet", "reply", "bye"];

/// The words after a command's name, sorted by kind.
pub(super) struct Args {
    pub(super) positional: Vec<String>,
    pub(super) values: HashMap<String, String>,
    flags: Vec<String>,
}

/// Sorts `rest` into an `Args`; a flag inside a free-text value (greet=,
/// reply=, bye=) is part of the value.
pub(super) fn split_args(rest: &str) -> Args {
    let mut args = Args {
        positional: Vec::new(),
        values: HashMap::new(),
        flags: Vec::new(),
    };
    let mut current: Option<String> = None;
    for token in rest.split(' ') {
        if let Some((key, value)) = token.split_once('=')
            && VALUE_KEYS.contains(&key)
        {
            args.values.insert(key.to_string(), value.to_string());
            current = TEXT_KEYS.contains(&key).then(|| key.to_string());
        } else if FLAGS.contains(&token) && current.is_none() {
            args.flags.push(token.to_string());
        } else if let Some(key) = &current {
            // Values may contain spaces: "reply=Hello, {line}!".
            let value = args.values.entry(key.clone()).or_default();
            value.push(' ');
            value.push_str(token);
        } else if !token.is_empty() {
            args.positional.push(token.to_string());
        }
    }
    args
}

impl Args {
    pub(super) fn address(&self, syntax: &str) -> Result<String, String> {
        match self.positional.as_slice() {
            [one] => crate::net::tcp::split_host_port(one).map(|_| one.clone()),
            [] => Err(format!("usage: {syntax}")),
            [_, extra, ..] => Err(format!("unexpected \"{extra}\"; usage: {syntax}")),
        }
    }

    pub(super) fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    pub(super) fn tls(&self) -> TlsOptions {
        TlsOptions {
            extra_ca: self.values.get("ca").map(|v| path_value(v)),
            accept_invalid_certs: self.flag("insecure"),
            pin_file: match self.values.get("pin") {
                Some(file) => Some(path_value(file)),
                None => self.flag("pin").then(crate::net::pins::default_file),
            },
        }
    }

    pub(super) fn timeout(&self) -> Result<Duration, String> {
        match self.values.get("timeout") {
            None => Ok(DEFAULT_CONNECT_TIMEOUT),
            Some(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|s| *s > 0.0 && *s < 86_400.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("timeout=\"{s}\" is not a number of seconds")),
        }
    }

    pub(super) fn rules(&self) -> Result<Rules, String> {
        let greeting = self
            .values
            .get("greet")
            .map(|g| decode_escapes(g))
            .transpose()?;
        let reply = self
            .values
            .get("reply")
            .map(|r| decode_escapes(r).map(|b| String::from_utf8_lossy(&b).into_owned()))
            .transpose()?;
        Ok(Rules {
            greeting,
            reply,
            bye: self.values.get("bye").map(|b| b.trim().to_string()),
        })
    }
}

/// A path option's value: trimmed, with a leading ~/ expanded.
fn path_value(value: &str) -> PathBuf {
    crate::config::expand_tilde(std::path::Path::new(value.trim()))
}
