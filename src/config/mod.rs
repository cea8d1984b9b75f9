//! The user's configuration: where it is read from, what it may contain, and
//! how a broken file is reported (file, line, column) before the terminal is
//! touched.

mod account;
mod error;
mod paths;
mod secret;
mod sockets;
mod theme;

pub use account::{
    Account, AuthMethod, DeleteMode, Endpoint, IMAP_POLL_DEFAULT_SECS, Oversize,
    POP3_POLL_DEFAULT_SECS, Pop3Options, Protocol, Security,
};
pub use error::ConfigError;
pub use paths::{Paths, expand_tilde};
pub use secret::{Secret, SecretSource};
pub use sockets::{Clock, Payload, SavedTarget, SocketsConfig};
pub use theme::{ColorSpec, ThemeConfig};

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The whole configuration file, after validation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub store: StoreConfig,
    #[serde(default, rename = "accounts")]
    pub accounts: Vec<Account>,
    /// Key overrides: context ("global", "sockets", "compose", "inbox") to
    /// key spec to action name.
    #[serde(default)]
    pub keys: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub theme: ThemeConfig,
    #[serde(default)]
    pub sockets: SocketsConfig,
    #[serde(default)]
    pub contacts: ContactsConfig,
    #[serde(default)]
    pub pgp: PgpConfig,
    #[serde(default)]
    pub ui: UiConfig,
}

/// How the interface starts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiConfig {
    /// The tab shown first.
    #[serde(default)]
    pub start_tab: StartTab,
}

/// The tab the interface opens on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StartTab {
    /// Mail first: the Inbox, which explains how to add an account or
    /// import mail while it has none.
    #[default]
    Inbox,
    Compose,
    Sockets,
}

/// Where recipients are completed from, besides the mail in the store.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactsConfig {
    /// A command that prints matches in mutt's query format (a status
    /// line, then `address<TAB>name[<TAB>other]` lines), as khard, abook
    /// and notmuch-addrlookup do. `%s` is replaced by the quoted text
    /// typed; without `%s` the text is added at the end.
    pub address_book_command: Option<String>,
}

/// How the user's own gpg is run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PgpConfig {
    /// The gpg program (default: `gpg` on PATH).
    pub gpg: Option<PathBuf>,
    /// gpg's home directory (default: `$GNUPGHOME`, else `~/.gnupg`).
    pub homedir: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// Where mail is kept; defaults to the XDG data dir.
    pub path: Option<PathBuf>,
    /// Where attachments are saved; defaults to the XDG download dir.
    pub download_dir: Option<PathBuf>,
    /// The program that opens attachments (`O`); defaults to the desktop's
    /// opener (xdg-open, or open on macOS). Words split on spaces; `{}`
    /// stands for the file, which is added at the end when absent.
    pub open_command: Option<String>,
}

/// Where the configuration came from, for messages such as the Inbox's
/// empty state ("reading ~/.config/wirepost/config.toml").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// A file that exists and was read.
    File(PathBuf),
    /// No file at this path: defaults are in use.
    Missing(PathBuf),
}

impl ConfigOrigin {
    pub fn path(&self) -> &Path {
        match self {
            ConfigOrigin::File(p) | ConfigOrigin::Missing(p) => p,
        }
    }
}

/// The configuration together with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: Config,
    pub origin: ConfigOrigin,
}

impl Config {
    /// Parses and validates `text`; `path` only names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config =
            toml::from_str(text).map_err(|e| ConfigError::from_toml(path, text, &e))?;
        config.validate(path, text)?;
        Ok(config)
    }

    fn validate(&self, path: &Path, text: &str) -> Result<(), ConfigError> {
        let mut seen = std::collections::HashSet::new();
        for account in &self.accounts {
            if !seen.insert(account.name.as_str()) {
                return Err(ConfigError::at_text(
                    path,
                    text,
                    &format!("name = \"{}\"", account.name),
                    format!("two accounts are named \"{}\"", account.name),
                ));
            }
            account.validate(path, text)?;
        }
        for context in self.keys.keys() {
            if !KEY_CONTEXTS.contains(&context.as_str()) {
                return Err(ConfigError::at_text(
                    path,
                    text,
                    &format!("[keys.{context}]"),
                    format!(
                        "unknown key context \"{context}\" (expected one of: {})",
                        KEY_CONTEXTS.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Reads the configuration from `explicit` or the default location. A
    /// missing default file means defaults; a missing explicit file is an
    /// error, since the user asked for that file by name.
    pub fn load(explicit: Option<&Path>, paths: &Paths) -> Result<LoadedConfig, ConfigError> {
        let path = explicit
            .map(Path::to_path_buf)
            .unwrap_or_else(|| paths.config_file.clone());
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(LoadedConfig {
                config: Config::parse(&text, &path)?,
                origin: ConfigOrigin::File(path),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
                Ok(LoadedConfig {
                    config: Config::default(),
                    origin: ConfigOrigin::Missing(path),
                })
            }
            Err(e) => Err(ConfigError::Io { path, source: e }),
        }
    }

    /// The directory that holds the mail store.
    pub fn store_dir(&self, paths: &Paths) -> PathBuf {
        self.store
            .path
            .as_deref()
            .map(paths::expand_tilde)
            .unwrap_or_else(|| paths.data_dir.join("mail"))
    }
}

impl Config {
    /// The directory attachments are saved to.
    pub fn download_dir(&self) -> PathBuf {
        match &self.store.download_dir {
            Some(dir) => paths::expand_tilde(dir),
            None => directories::UserDirs::new()
                .and_then(|u| u.download_dir().map(Path::to_path_buf))
                .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().join("Downloads")))
                .unwrap_or_else(|| PathBuf::from(".")),
        }
    }
}

/// The keymap contexts a config may override.
pub const KEY_CONTEXTS: &[&str] = &["global", "overlay", "sockets", "compose", "inbox"];

#[cfg(test)]
mod tests;
