//! Command-line interface: the TUI by default, plus headless subcommands.

use crate::config::{ConfigOrigin, LoadedConfig, Paths};
use clap::{Parser, Subcommand};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "wirepost",
    version,
    about = "Mail (IMAP, POP3, SMTP) and raw TCP/UDP sockets in one terminal UI"
)]
pub struct Cli {
    /// Read the configuration from PATH instead of the XDG config dir.
    #[arg(long, short = 'c', value_name = "PATH", global = true)]
    pub config: Option<PathBuf>,

    /// Log level for the log file (error, warn, info, debug, trace);
    /// WIREPOST_LOG overrides it with a full filter.
    #[arg(long, value_name = "LEVEL", default_value = "info", global = true)]
    pub log_level: String,

    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Validate the configuration and print the resolved accounts (never secrets).
    CheckConfig,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Import an mbox file, an .eml file, a folder of .eml files or a
    /// Maildir into the built-in Local account.
    Import {
        path: PathBuf,
        /// Target folder (default: the file or directory name).
        #[arg(long)]
        folder: Option<String>,
    },
    /// Rebuild the mail index from the Maildirs on disk.
    Reindex,
    /// Download new mail from IMAP accounts into the local store and bring
    /// flags and deletions into step (progress on stderr).
    Sync {
        /// Only this account (default: every account with an IMAP server).
        account: Option<String>,
        /// Same as the ACCOUNT argument.
        #[arg(long = "account", conflicts_with = "account")]
        account_flag: Option<String>,
        /// The folder to sync (default: INBOX).
        #[arg(long)]
        folder: Option<String>,
        /// Sync every folder (the chosen one first).
        #[arg(long)]
        all: bool,
    },
    /// List stored messages, newest first.
    List {
        /// Only this account (e.g. Local).
        account: Option<String>,
        #[arg(long)]
        folder: Option<String>,
        /// Full-text search (words; from:, to:, subject:, body: restrict a word).
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        json: bool,
        /// Messages per folder at most.
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
    /// Show one stored message (ID as `list` prints it).
    Show {
        id: i64,
        /// The message source as stored.
        #[arg(long, conflicts_with_all = ["json", "html"])]
        raw: bool,
        #[arg(long, conflicts_with = "html")]
        json: bool,
        /// The HTML part's source.
        #[arg(long)]
        html: bool,
    },
}

/// The `check-config` report for a configuration that parsed.
pub fn describe_config(loaded: &LoadedConfig, paths: &Paths) -> String {
    let mut out = String::new();
    match &loaded.origin {
        ConfigOrigin::File(path) => {
            let _ = writeln!(out, "config: {} (ok)", path.display());
        }
        ConfigOrigin::Missing(path) => {
            let _ = writeln!(
                out,
                "config: {} does not exist; using defaults",
                path.display()
            );
        }
    }
    let config = &loaded.config;
    let _ = writeln!(out, "store:  {}", config.store_dir(paths).display());
    let _ = writeln!(out, "log:    {}", paths.log_file().display());
    let _ = writeln!(out, "accounts: {}", config.accounts.len());
    for account in &config.accounts {
        let name = account
            .display_name
            .as_deref()
            .map(|d| format!("{d} <{}>", account.email))
            .unwrap_or_else(|| account.email.clone());
        let _ = writeln!(out, "  {}: {name}", account.name);
        for (protocol, endpoint) in account.endpoints() {
            let password = endpoint
                .password_source()
                .map_or_else(|| "no password configured".to_string(), |s| s.describe());
            let _ = writeln!(
                out,
                "    {:<5} {}:{}  security={}  user={}  password {password}",
                protocol.name(),
                endpoint.host,
                endpoint.port_for(protocol),
                endpoint.security.as_str(),
                account.username_for(endpoint),
            );
            if let Some(ca) = &endpoint.ca_file {
                let _ = writeln!(out, "          extra CA: {}", ca.display());
            }
            if endpoint.accept_invalid_certs {
                let _ = writeln!(
                    out,
                    "          WARNING: certificate verification is OFF for this server"
                );
            }
        }
    }
    out
}
