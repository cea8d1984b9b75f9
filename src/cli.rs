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

    /// A mailto: link to open in the composer (as a browser would pass it).
    #[arg(value_name = "MAILTO")]
    pub mailto: Option<String>,

    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Validate the configuration and print the resolved accounts (never secrets).
    CheckConfig,
    /// Send a message without the interface: body from stdin, or a whole
    /// message with --eml. It goes through the Outbox like any other.
    Send(crate::mail::compose::headless::SendArgs),
    /// Print the recipients matching TEXT, best first, one `Name <address>`
    /// a line: addresses from stored mail (ranked by how often and how
    /// recently you wrote to them) and the address book command.
    Contacts { text: String },
    /// Download new mail for the named accounts (all by default) without the
    /// interface; prints one summary line per account.
    Sync {
        /// Account names; every account with a mail server when omitted.
        accounts: Vec<String>,
        /// An account to sync (same as naming it; may be repeated).
        #[arg(long = "account", value_name = "ACCOUNT")]
        account_flags: Vec<String>,
        /// IMAP: the folder to sync (default: INBOX).
        #[arg(long)]
        folder: Option<String>,
        /// IMAP: sync every folder (the chosen one first).
        #[arg(long)]
        all: bool,
        /// Print the protocol conversation to stderr (passwords masked).
        #[arg(long)]
        trace: bool,
    },
    /// Stay connected and print one line per new message in any folder of
    /// the accounts (all by default): account, folder, sender, subject,
    /// tab-separated; --exec runs a command for each. Mail already there
    /// is synced quietly first. Runs until interrupted.
    Watch(crate::watch_command::WatchArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Connect to HOST:PORT and pipe stdin/stdout through it, like nc.
    #[command(after_help = crate::net::pipe_limits::EXIT_STATUS_HELP)]
    Tcp(crate::net::pipe_cli::TcpArgs),
    /// Listen on ADDR:PORT (TCP or UDP) and pipe stdin/stdout, like nc -l.
    /// Clients that connect and leave are reported on stderr.
    #[command(after_help = crate::net::pipe_limits::EXIT_STATUS_HELP)]
    Listen(crate::net::pipe_cli::ListenArgs),
    /// Send stdin lines as UDP datagrams to HOST:PORT and print the replies.
    #[command(after_help = crate::net::pipe_limits::EXIT_STATUS_HELP)]
    Udp(crate::net::pipe_cli::UdpArgs),
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
    /// Add or remove flags and keywords of a stored message (ID as `list`
    /// prints it), here and at once on the server: e.g. `wirepost flag 42
    /// +flagged -seen +$Label1`. Exit status 75: saved here, the server
    /// could not take it now (the next sync carries it).
    Flag {
        /// The message, as `wirepost list` prints its ID.
        id: i64,
        /// +NAME or -NAME: seen, answered, flagged, deleted, draft, or a
        /// keyword such as $Forwarded or $Label1.
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        changes: Vec<String>,
    },
    /// Move (or copy) a stored message to another folder, or to a folder of
    /// another account, here and at once on the servers (UID MOVE, or an
    /// upload then a delete between accounts). Exit status 75: saved here,
    /// the server could not take it now (the next sync carries it).
    Move {
        /// The message, as `wirepost list` prints its ID.
        id: i64,
        /// The target folder, as `wirepost list` names it.
        folder: String,
        /// The target account (default: the message's own).
        #[arg(long)]
        account: Option<String>,
        /// Copy instead: the message stays where it is too.
        #[arg(long)]
        copy: bool,
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
            if protocol == crate::config::Protocol::Pop3 {
                let _ = writeln!(out, "          {}", describe_pop3(&endpoint.pop3_options()));
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

/// What a POP3 sync does with the mail on the server, in one line.
fn describe_pop3(options: &crate::config::Pop3Options) -> String {
    let mut out = match (options.delete_after_download, options.delete_after_days) {
        (true, _) => "deletes on the server after download".to_string(),
        (false, Some(days)) => format!("deletes on the server {days} days after download"),
        (false, None) => "leaves mail on the server".to_string(),
    };
    if let Some(max) = options.max_message_bytes {
        let what = match options.oversize {
            crate::config::Oversize::Headers => "headers only",
            crate::config::Oversize::Skip => "skipped",
        };
        out.push_str(&format!("; above {} MB: {what}", max >> 20));
    }
    if options.apop {
        out.push_str("; APOP login");
    }
    out
}
