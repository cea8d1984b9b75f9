//! `wirepost man`: a roff manual page generated from the CLI definition
//! (clap_mangen), with a section per command and the FILES, EXIT STATUS,
//! ENVIRONMENT and EXAMPLES sections a man page is expected to have.

use crate::config::{Config, Paths};
use roff::{Roff, bold, italic, roman};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files a run of wirepost uses, resolved as that run would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManPaths {
    pub config: PathBuf,
    pub store: PathBuf,
    pub log: PathBuf,
}

impl ManPaths {
    /// The config file (`--config` or the default), the store it names (or
    /// the default one when it cannot be read) and the log file.
    pub fn resolve(paths: &Paths, config: Option<&Path>) -> ManPaths {
        let config_file = config.map_or_else(|| paths.config_file.clone(), Path::to_path_buf);
        let store = Config::load(Some(&config_file), paths)
            .map(|loaded| loaded.config.store_dir(paths))
            .unwrap_or_else(|_| paths.data_dir.join("mail"));
        ManPaths {
            config: config_file,
            store,
            log: paths.log_file(),
        }
    }
}

/// Shell lines a new user can paste, each with what it does.
const EXAMPLES: &[(&str, &str)] = &[
    ("wirepost", "Start the interface."),
    (
        "wirepost check-config",
        "Check the configuration file and list the accounts it defines.",
    ),
    (
        "wirepost import ~/Downloads/takeout.mbox",
        "Import an mbox file into the Local account (a Maildir, a folder of .eml files or a \
         Thunderbird profile's Mail folder work the same way).",
    ),
    (
        "wirepost list --search 'from:alice budget'",
        "List stored messages that match a search.",
    ),
    ("wirepost show 42", "Print message 42 as text."),
    (
        "wirepost export INBOX --mbox inbox.mbox",
        "Write the Local INBOX to an mbox file.",
    ),
    (
        "echo hi | wirepost send --to bob@example.com --subject Hello",
        "Send a message from the first account that can send.",
    ),
    (
        "wirepost sync work",
        "Download new mail of the account work.",
    ),
    (
        "wirepost flag 42 +flagged -seen",
        "Flag message 42 and mark it unread, here and on its server.",
    ),
    (
        "wirepost move 42 Archive",
        "Move message 42 to the folder Archive of its account.",
    ),
    (
        "wirepost tcp example.com:80 < request.txt",
        "Send a file to a TCP server and print the answer, like nc.",
    ),
    (
        "wirepost man > ~/.local/share/man/man1/wirepost.1",
        "Install this page for man wirepost.",
    ),
];

/// Writes the whole page.
pub fn write_man_page(
    command: clap::Command,
    files: &ManPaths,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let command = command
        .after_help(None::<&str>)
        .after_long_help(None::<&str>);
    let man = clap_mangen::Man::new(command.clone())
        .manual("wirepost manual")
        .source(format!("wirepost {}", env!("CARGO_PKG_VERSION")));
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    let mut page = Roff::new();
    commands_section(&mut page, &command);
    files_section(&mut page, files);
    exit_and_environment(&mut page);
    examples_section(&mut page);
    page.control("SH", ["SEE ALSO"]).text([
        roman("neomutt(1), mbsync(1), notmuch(1), nc(1), socat(1), openssl-s_client(1); "),
        roman("config.example.toml in the source tree documents every configuration key."),
    ]);
    out.write_all(page.to_roff().as_bytes())?;
    man.render_version_section(out)
}

/// One subsection per command: what it does, its usage, its arguments.
fn commands_section(page: &mut Roff, command: &clap::Command) {
    page.control("SH", ["COMMANDS"]);
    for sub in command.get_subcommands() {
        let name = format!("wirepost {}", sub.get_name());
        page.control("SS", [name.as_str()]);
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            page.text([roman(about.to_string())]);
        }
        let usage = sub
            .clone()
            .bin_name(&name)
            .render_usage()
            .to_string()
            .replace("Usage: ", "");
        page.control("PP", []).text([bold(usage)]);
        for arg in sub.get_arguments().filter(|a| !a.is_global_set()) {
            if arg.get_id() == "help" || arg.get_id() == "version" {
                continue;
            }
            page.control("TP", []).text(arg_label(arg));
            let help = arg.get_long_help().or(arg.get_help());
            page.text([roman(help.map(ToString::to_string).unwrap_or_default())]);
        }
        if let Some(after) = sub.get_after_help() {
            page.control("PP", []).text([roman(after.to_string())]);
        }
    }
}

/// `--name VALUE` or `<VALUE>` in bold and italics.
fn arg_label(arg: &clap::Arg) -> Vec<roff::Inline> {
    let value = arg
        .get_value_names()
        .and_then(|names| names.first())
        .map_or_else(
            || arg.get_id().to_string().to_uppercase(),
            ToString::to_string,
        );
    match (arg.get_long(), arg.get_short()) {
        (None, None) => vec![italic(format!("<{value}>"))],
        (long, short) => {
            let mut names = Vec::new();
            if let Some(s) = short {
                names.push(format!("-{s}"));
            }
            if let Some(l) = long {
                names.push(format!("--{l}"));
            }
            let mut label = vec![bold(names.join(", "))];
            if arg.get_action().takes_values() {
                label.push(roman(" "));
                label.push(italic(value));
            }
            label
        }
    }
}

fn files_section(page: &mut Roff, files: &ManPaths) {
    page.control("SH", ["FILES"]);
    let rows = [
        (
            &files.config,
            "The configuration (TOML): accounts, store, keys, theme. --config names another. \
             Its directory follows $XDG_CONFIG_HOME.",
        ),
        (
            &files.store,
            "The mail store ([store] path): one Maildir per account and folder, readable by \
             neomutt, mbsync or notmuch, and index.sqlite, the index with full-text search.",
        ),
        (
            &files.log,
            "The log file (--log-level, WIREPOST_LOG). Its directory follows $XDG_STATE_HOME.",
        ),
    ];
    for (path, what) in rows {
        page.control("TP", [])
            .text([italic(path.display().to_string())])
            .text([roman(what)]);
    }
}

fn exit_and_environment(page: &mut Roff) {
    page.control("SH", ["EXIT STATUS"]).text([roman(
        "0 on success; 1 when the work failed; 2 for a usage error or a broken configuration \
         (reported with its line and column). send also uses 3 (some recipients refused) and \
         4 (delivery unknown); flag and move use 75 (saved here, the server could not take \
         it now; the next sync carries it); contacts exits 1 when nothing matched; the \
         interface exits 130 on SIGINT, SIGTERM or SIGHUP.",
    )]);
    page.control("SH", ["ENVIRONMENT"]);
    for (name, what) in [
        (
            "WIREPOST_LOG",
            "A tracing filter for the log file (e.g. wirepost=debug).",
        ),
        (
            "VISUAL, EDITOR",
            "The editor the composer opens the body in.",
        ),
        (
            "XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME",
            "Where the config, the store and the log live.",
        ),
    ] {
        page.control("TP", [])
            .text([bold(name)])
            .text([roman(what)]);
    }
}

fn examples_section(page: &mut Roff) {
    page.control("SH", ["EXAMPLES"]);
    for (command, what) in EXAMPLES {
        page.control("TP", [])
            .text([bold(*command)])
            .text([roman(*what)]);
    }
}
