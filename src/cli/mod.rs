//! Command-line interface: the TUI by default, plus headless subcommands.
//! Every argument has a sentence of help (a test walks the whole tree);
//! `--help` names the files in use (see [`command`]) and `wirepost man`
//! prints the same definition as a man page.

mod check_config;
mod man;
mod run;

pub use check_config::describe_config;
pub use man::{ManPaths, write_man_page};
pub use run::{server_command, store_command};

use crate::config::Paths;
use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;

/// The heading options that work with every subcommand are listed under.
pub const GLOBAL_HEADING: &str = "Global options";

#[derive(Debug, Parser)]
#[command(
    name = "wirepost",
    version,
    about = "Mail (IMAP, POP3, SMTP) and raw TCP/UDP sockets in one terminal UI",
    long_about = "Mail (IMAP, POP3, SMTP) and raw TCP/UDP sockets in one terminal UI.\n\n\
        Without a subcommand wirepost starts the interface (Tab and Shift-Tab switch \
        tabs, ? lists the keys). The subcommands do the same work without it.",
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Read the configuration from PATH instead of the default file.
    #[arg(
        long,
        short = 'c',
        value_name = "PATH",
        global = true,
        help_heading = GLOBAL_HEADING
    )]
    pub config: Option<PathBuf>,

    /// Log level for the log file (error, warn, info, debug, trace);
    /// WIREPOST_LOG overrides it with a full filter.
    #[arg(
        long,
        value_name = "LEVEL",
        default_value = "info",
        global = true,
        help_heading = GLOBAL_HEADING
    )]
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
    #[command(after_help = "Exit status: 0 when the file is valid, 2 when it is not.")]
    CheckConfig,
    /// Send a message without the interface: body from stdin, or a whole
    /// message with --eml. It goes through the Outbox like any other.
    #[command(
        after_help = "Exit status: 0 sent; 1 nothing sent (the message stays in the \
        Outbox); 3 some recipients refused; 4 delivery unknown (the connection broke after \
        the whole message went out; it stays in the Outbox, marked)."
    )]
    Send(crate::mail::compose::headless::SendArgs),
    /// Print the recipients matching TEXT, best first, one `Name <address>`
    /// a line: addresses from stored mail (ranked by how often and how
    /// recently you wrote to them) and the address book command.
    #[command(
        after_help = "Exit status: 0 when something matched, 1 when nothing did, \
        2 when the mail store cannot be read."
    )]
    Contacts {
        /// Part of a name or an address (matched at the start of words).
        text: String,
    },
    /// Download new mail for the named accounts (all by default) without the
    /// interface; prints one summary line per account.
    #[command(
        after_help = "Exit status: 0 when every account synced, 1 when one failed, \
        2 for a bad configuration."
    )]
    Sync {
        /// Account names; every account with a mail server when omitted.
        accounts: Vec<String>,
        /// An account to sync (same as naming it; may be repeated).
        #[arg(long = "account", value_name = "ACCOUNT")]
        account_flags: Vec<String>,
        /// IMAP: the folder to sync (default: INBOX).
        #[arg(long, value_name = "FOLDER")]
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
    #[command(
        after_help = "Exit status: 0 on SIGINT or SIGTERM; 1 when every account stopped \
        (wrong password, no server); 2 for a bad request."
    )]
    Watch(crate::watch_command::WatchArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell to write the script for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the help of wirepost or of one of its commands (as COMMAND
    /// --help does).
    Help {
        /// The command (and subcommand) to explain; wirepost itself when
        /// omitted.
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// Print the manual page (roff) to stdout, e.g. into
    /// ~/.local/share/man/man1/wirepost.1.
    Man,
    /// Connect to HOST:PORT and pipe stdin/stdout through it, like nc.
    ///
    /// The end of stdin ends our side and wirepost keeps reading: a TCP
    /// FIN; over TLS a close_notify and the FIN once the server has been
    /// quiet for 250 ms, so a server that answers and hangs up (SMTP after
    /// QUIT) has its say first.
    #[command(after_help = PIPE_EXIT)]
    Tcp(crate::net::pipe_cli::TcpArgs),
    /// Listen on ADDR:PORT (TCP or UDP) and pipe stdin/stdout, like nc -l.
    /// Clients that connect and leave are reported on stderr.
    #[command(after_help = PIPE_EXIT)]
    Listen(crate::net::pipe_cli::ListenArgs),
    /// Send stdin lines as UDP datagrams to HOST:PORT and print the replies.
    #[command(after_help = PIPE_EXIT)]
    Udp(crate::net::pipe_cli::UdpArgs),
    /// Import mail into the built-in Local account: mbox files (mboxo,
    /// mboxrd, mboxcl2; any name), .eml files, Maildirs, Thunderbird
    /// profiles, and folders of any mix of these, recursively. Messages
    /// already in the target folder are not stored again.
    #[command(
        after_help = "Exit status: 0 when the import ran (files that hold no mail are \
        listed as skipped), 1 when it could not (no such path, a store error)."
    )]
    Import {
        /// The file or directory to import.
        path: PathBuf,
        /// Target folder (default: the file or directory name).
        #[arg(long, value_name = "FOLDER")]
        folder: Option<String>,
        /// List every file with what happened to it (imported, already
        /// there, skipped and why).
        #[arg(long, short = 'v')]
        verbose: bool,
    },
    /// Write a folder's messages to an mbox file (mboxrd) or a Maildir,
    /// byte for byte, with their flags.
    Export(ExportArgs),
    /// Rebuild the mail index from the Maildirs on disk.
    Reindex,
    /// List stored messages, newest first, one folder after another.
    List {
        /// Only this account (e.g. Local).
        account: Option<String>,
        /// Only the folder of this name (e.g. INBOX).
        #[arg(long, value_name = "FOLDER")]
        folder: Option<String>,
        /// Full-text search (words; from:, to:, subject:, body: restrict a word).
        #[arg(long, value_name = "QUERY")]
        search: Option<String>,
        /// Print a JSON array of messages instead of text lines.
        #[arg(long)]
        json: bool,
        /// Messages per folder at most.
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: u64,
    },
    /// Add or remove flags and keywords of a stored message, here and at
    /// once on the server.
    #[command(
        after_help = "Example: wirepost flag 42 +flagged -seen +$Label1\n\nExit status: 0 done; \
        75 saved here, the server could not take it now (the next sync carries it); \
        1 when it failed; 2 for a change that is not +NAME or -NAME."
    )]
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
    /// upload then a delete between accounts).
    #[command(
        after_help = "Exit status: 0 done; 75 saved here, the server could not take it now \
        (the next sync carries it); 1 when it failed."
    )]
    Move {
        /// The message, as `wirepost list` prints its ID.
        id: i64,
        /// The target folder, as `wirepost list` names it.
        folder: String,
        /// The target account (default: the message's own).
        #[arg(long, value_name = "ACCOUNT")]
        account: Option<String>,
        /// Copy instead: the message stays where it is too.
        #[arg(long)]
        copy: bool,
    },
    /// Show one stored message (ID as `list` prints it).
    Show {
        /// The message's id, the first column of `wirepost list`.
        id: i64,
        /// The message source as stored.
        #[arg(long, conflicts_with_all = ["json", "html"])]
        raw: bool,
        /// Headers, text and attachments as one JSON object.
        #[arg(long, conflicts_with = "html")]
        json: bool,
        /// The HTML part's source.
        #[arg(long)]
        html: bool,
    },
}

/// `wirepost export`'s arguments.
#[derive(Debug, Clone, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["mbox", "maildir"])))]
pub struct ExportArgs {
    /// The folder to export (as `wirepost list` names it, e.g. INBOX).
    pub folder: String,
    /// The account the folder belongs to.
    #[arg(long, short = 'a', default_value = crate::store::LOCAL_ACCOUNT)]
    pub account: String,
    /// Write an mbox file (mboxrd: "From " lines in bodies quoted, so a
    /// re-import gives the same bytes); flags go to Status/X-Status.
    #[arg(long, value_name = "FILE")]
    pub mbox: Option<PathBuf>,
    /// Write a Maildir (created when missing); flags go to the file names.
    #[arg(long, value_name = "DIR")]
    pub maildir: Option<PathBuf>,
}

impl From<ExportArgs> for crate::store::export::ExportOptions {
    fn from(args: ExportArgs) -> Self {
        use crate::store::export::ExportTarget;
        let target = match (args.mbox, args.maildir) {
            (Some(file), _) => ExportTarget::Mbox(file),
            (None, Some(dir)) => ExportTarget::Maildir(dir),
            (None, None) => unreachable!("clap requires --mbox or --maildir"),
        };
        crate::store::export::ExportOptions {
            account: args.account,
            folder: args.folder,
            target,
        }
    }
}

/// The pipes' exit statuses, where their limits are defined.
const PIPE_EXIT: &str = crate::net::pipe_limits::EXIT_STATUS_HELP;

/// The CLI definition with the files this run uses named in `--help`.
pub fn command(paths: &Paths, config: Option<&std::path::Path>) -> clap::Command {
    let files = ManPaths::resolve(paths, config);
    Cli::command().after_help(format!(
        "Files:\n  config  {}\n  store   {}\n  log     {}\n\nRun `wirepost man` for the manual, \
         `wirepost help COMMAND` for one command.",
        files.config.display(),
        files.store.display(),
        files.log.display()
    ))
}

#[cfg(test)]
mod tests;
