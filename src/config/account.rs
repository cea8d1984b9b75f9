use super::{ConfigError, SecretSource};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One mail identity with the servers it uses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub name: String,
    pub email: String,
    pub display_name: Option<String>,
    /// Appended to new messages, after a "-- " line.
    pub signature: Option<String>,
    pub imap: Option<Endpoint>,
    pub pop3: Option<Endpoint>,
    pub smtp: Option<Endpoint>,
    /// The server folder a copy of sent mail is appended to over IMAP.
    pub sent_folder: Option<String>,
    /// The server folder drafts are appended to over IMAP.
    pub drafts_folder: Option<String>,
    /// The SMTP server files sent mail itself (Gmail does): skip the APPEND.
    #[serde(default)]
    pub server_saves_sent: bool,
    /// The OpenPGP key that signs and that mail is encrypted to as "self"
    /// (fingerprint, key id or address; default: the key for `email`).
    pub pgp_key: Option<String>,
    /// Sign new messages by default (each message can turn it off).
    #[serde(default)]
    pub pgp_sign: bool,
    /// Encrypt new messages by default; sending refuses while a recipient
    /// has no usable key, never falling back to plain text.
    #[serde(default)]
    pub pgp_encrypt: bool,
}

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, POP3S 995, SMTPS 465).
    #[default]
    Tls,
    /// Plain connect, then STARTTLS/STLS; refuses to continue without it.
    Starttls,
    /// No encryption at all. Only when written explicitly.
    None,
}

impl Security {
    pub fn as_str(self) -> &'static str {
        match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::None => "none (UNENCRYPTED)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Imap,
    Pop3,
    Smtp,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop3",
            Protocol::Smtp => "smtp",
        }
    }

    /// The well-known port for this protocol under this security.
    pub fn default_port(self, security: Security) -> u16 {
        match (self, security) {
            (Protocol::Imap, Security::Tls) => 993,
            (Protocol::Imap, _) => 143,
            (Protocol::Pop3, Security::Tls) => 995,
            (Protocol::Pop3, _) => 110,
            (Protocol::Smtp, Security::Tls) => 465,
            (Protocol::Smtp, Security::Starttls) => 587,
            (Protocol::Smtp, Security::None) => 25,
        }
    }
}

/// A server an account talks to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub host: String,
    /// Defaults to the protocol's well-known port for `security`.
    pub port: Option<u16>,
    #[serde(default)]
    pub security: Security,
    /// Defaults to the account's email address.
    pub username: Option<String>,
    pub password_command: Option<String>,
    pub password_env: Option<String>,
    /// Present only so that a plaintext password gets a clear refusal.
    password: Option<toml::Spanned<toml::Value>>,
    /// Extra CA certificate (PEM) trusted for this server, for private CAs.
    pub ca_file: Option<PathBuf>,
    /// Skip certificate verification. Dangerous; shown as a warning.
    #[serde(default)]
    pub accept_invalid_certs: bool,
    /// POP3 only: what to do with the mail on the server (see `Pop3Options`).
    #[serde(default)]
    pub delete_after_download: bool,
    pub delete_after_days: Option<u32>,
    pub max_message_size_mb: Option<u64>,
    #[serde(default)]
    pub oversize: Oversize,
    #[serde(default)]
    pub apop: bool,
    /// How to log in; by default the best the server offers.
    #[serde(default)]
    pub auth: AuthMethod,
    /// A command printing an OAuth2 access token (XOAUTH2/OAUTHBEARER).
    pub oauth2_token_command: Option<String>,
    /// IMAP only: what deleting a message does on the server.
    #[serde(default)]
    pub delete: DeleteMode,
    /// IMAP only: watch every folder with NOTIFY (RFC 5465) when the server
    /// offers it (default); `false` keeps to IDLE on INBOX and polls the
    /// other folders every `poll_interval_secs`.
    pub notify: Option<bool>,
    /// IMAP: seconds between checks of the folders IDLE does not watch
    /// (default 60); POP3: seconds between checks for new mail (default
    /// 300). 0 turns the checks off.
    pub poll_interval_secs: Option<u64>,
}

/// How often an IMAP account checks the folders IDLE does not watch.
pub const IMAP_POLL_DEFAULT_SECS: u64 = 60;
/// How often a POP3 account checks for new mail.
pub const POP3_POLL_DEFAULT_SECS: u64 = 300;

/// How a client authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    /// AUTHENTICATE PLAIN when offered, else LOGIN; XOAUTH2 when a token
    /// command is configured.
    #[default]
    Auto,
    Login,
    Plain,
    Xoauth2,
    Oauthbearer,
}

/// What deleting a message on an IMAP server means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeleteMode {
    /// Move it to the Trash folder (the server's \Trash special-use folder).
    #[default]
    Trash,
    /// Mark it \Deleted and expunge it at once.
    Expunge,
}

/// What a POP3 sync does with a message above `max_message_size_mb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Oversize {
    /// Store only its headers (fetched with TOP), marked as partial.
    #[default]
    Headers,
    /// Leave it on the server and store nothing.
    Skip,
}

/// The POP3-specific settings of an endpoint, in the units the sync uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pop3Options {
    /// Delete each message on the server once it is stored locally.
    pub delete_after_download: bool,
    /// Delete messages on the server this many days after wirepost first
    /// stored them.
    pub delete_after_days: Option<u32>,
    pub max_message_bytes: Option<u64>,
    pub oversize: Oversize,
    /// Log in with APOP instead of SASL PLAIN / USER+PASS.
    pub apop: bool,
}

impl Endpoint {
    pub fn port_for(&self, protocol: Protocol) -> u16 {
        self.port
            .unwrap_or_else(|| protocol.default_port(self.security))
    }

    pub fn pop3_options(&self) -> Pop3Options {
        Pop3Options {
            delete_after_download: self.delete_after_download,
            delete_after_days: self.delete_after_days,
            max_message_bytes: self
                .max_message_size_mb
                .map(|mb| mb.saturating_mul(1 << 20)),
            oversize: self.oversize,
            apop: self.apop,
        }
    }

    /// Whether any POP3-only key is set (an error on IMAP and SMTP servers).
    fn uses_pop3_keys(&self) -> bool {
        self.delete_after_download
            || self.delete_after_days.is_some()
            || self.max_message_size_mb.is_some()
            || self.oversize != Oversize::default()
            || self.apop
    }

    /// A watch setting on a server it does not apply to, explained.
    fn watch_key_misplaced(&self, protocol: Protocol) -> Option<&'static str> {
        match protocol {
            Protocol::Imap => None,
            _ if self.notify.is_some() => Some("notify applies to [imap] only"),
            Protocol::Smtp if self.poll_interval_secs.is_some() => {
                Some("poll_interval_secs applies to [imap] and [pop3] only")
            }
            _ => None,
        }
    }

    /// Whether an IMAP server's NOTIFY is used when offered.
    pub fn uses_notify(&self) -> bool {
        self.notify.unwrap_or(true)
    }

    /// How often `protocol`'s server is checked for what no push covers;
    /// `None` when the checks are turned off.
    pub fn poll_interval(&self, protocol: Protocol) -> Option<std::time::Duration> {
        let default = match protocol {
            Protocol::Pop3 => POP3_POLL_DEFAULT_SECS,
            _ => IMAP_POLL_DEFAULT_SECS,
        };
        match self.poll_interval_secs.unwrap_or(default) {
            0 => None,
            secs => Some(std::time::Duration::from_secs(secs)),
        }
    }

    /// Where the password comes from, if the server needs one.
    pub fn password_source(&self) -> Option<SecretSource> {
        match (&self.password_command, &self.password_env) {
            (Some(cmd), _) => Some(SecretSource::Command(cmd.clone())),
            (None, Some(var)) => Some(SecretSource::Env(var.clone())),
            (None, None) => None,
        }
    }

    /// Where an OAuth2 access token comes from, when one is configured.
    pub fn oauth2_token_source(&self) -> Option<SecretSource> {
        self.oauth2_token_command.clone().map(SecretSource::Command)
    }
}

impl Account {
    /// The username for `endpoint`: its own, or the account's address.
    pub fn username_for<'a>(&'a self, endpoint: &'a Endpoint) -> &'a str {
        endpoint.username.as_deref().unwrap_or(&self.email)
    }

    /// The configured servers, in display order.
    pub fn endpoints(&self) -> impl Iterator<Item = (Protocol, &Endpoint)> {
        [
            (Protocol::Imap, self.imap.as_ref()),
            (Protocol::Pop3, self.pop3.as_ref()),
            (Protocol::Smtp, self.smtp.as_ref()),
        ]
        .into_iter()
        .filter_map(|(p, e)| e.map(|e| (p, e)))
    }

    pub(super) fn validate(&self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let here = |message: String| {
            ConfigError::at_text(path, text, &format!("\"{}\"", self.name), message)
        };
        if self.name.trim().is_empty() {
            return Err(here("an account name must not be empty".into()));
        }
        if !looks_like_address(&self.email) {
            return Err(here(format!(
                "account \"{}\": email \"{}\" is not an address like user@example.com",
                self.name, self.email
            )));
        }
        for (protocol, endpoint) in self.endpoints() {
            if let Some(spanned) = &endpoint.password {
                return Err(ConfigError::at_offset(
                    path,
                    text,
                    spanned.span().start,
                    format!(
                        "account \"{}\" [{}]: plaintext `password` is not supported; \
                         use password_command (e.g. \"pass show mail\") or password_env",
                        self.name,
                        protocol.name()
                    ),
                ));
            }
            if let Some(problem) = endpoint.problem(protocol) {
                return Err(here(format!(
                    "account \"{}\" [{}]: {problem}",
                    self.name,
                    protocol.name()
                )));
            }
        }
        Ok(())
    }
}

impl Endpoint {
    /// What is wrong with this server's settings, if anything.
    fn problem(&self, protocol: Protocol) -> Option<&'static str> {
        if self.password_command.is_some() && self.password_env.is_some() {
            return Some("set password_command or password_env, not both");
        }
        if self.host.trim().is_empty() {
            return Some("host must not be empty");
        }
        if protocol != Protocol::Pop3 && self.uses_pop3_keys() {
            return Some(
                "delete_after_download, delete_after_days, max_message_size_mb, oversize \
                 and apop apply to [pop3] only",
            );
        }
        if self.port == Some(0) {
            return Some("port 0 is not a port");
        }
        self.watch_key_misplaced(protocol)
    }
}

fn looks_like_address(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}
