use serde::Deserialize;
use std::fmt;

/// Where a password comes from. A plaintext password field does not exist on
/// purpose: config files end up in dotfile repositories and screenshots.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretSource {
    /// A shell command whose first line of output is the password
    /// (`pass show mail/work`, `secret-tool lookup ...`).
    Command(String),
    /// An environment variable holding the password.
    Env(String),
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl SecretSource {
    /// A description that is safe to show: it names the source, never the value.
    pub fn describe(&self) -> String {
        match self {
            SecretSource::Command(cmd) => format!("from command `{cmd}`"),
            SecretSource::Env(var) => {
                let state = if std::env::var_os(var).is_some() {
                    "set"
                } else {
                    "NOT SET"
                };
                format!("from environment variable {var} ({state})")
            }
        }
    }

    /// Fetches the secret. Blocking: the command may take a while (a GPG
    /// prompt), so callers on the event loop use `spawn_blocking`.
    pub fn resolve(&self) -> Result<Secret, String> {
        match self {
            SecretSource::Env(var) => std::env::var(var)
                .map(Secret::new)
                .map_err(|_| format!("environment variable {var} is not set")),
            SecretSource::Command(cmd) => {
                let output = std::process::Command::new("sh")
                    .arg("-c")
                    .arg(cmd)
                    .stdin(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .output()
                    .map_err(|e| format!("cannot run password command: {e}"))?;
                if !output.status.success() {
                    return Err(format!("password command failed ({})", output.status));
                }
                let text = String::from_utf8(output.stdout)
                    .map_err(|_| "password command printed invalid UTF-8".to_string())?;
                let first = text.lines().next().unwrap_or_default();
                if first.is_empty() {
                    return Err("password command printed nothing".into());
                }
                Ok(Secret::new(first.to_string()))
            }
        }
    }
}

/// A password or token. Its `Debug` and `Display` never show the value, so
/// it cannot leak through a log line or an error message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The value, for the one place that must send it to a server.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}
