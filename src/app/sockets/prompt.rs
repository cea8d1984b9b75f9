//! The Sockets command line (`:connect example.com:80`, `:listen ...`):
//! parsing, with help text for hints and completion.

use super::args::{Args, split_args};
use crate::net::session::{MailProtocol, OpenSpec, ServerCert};
use crate::net::tls::TlsOptions;
use std::path::PathBuf;

/// One command of the command line, for hints, completion and help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandHelp {
    pub name: &'static str,
    pub syntax: &'static str,
    pub what: &'static str,
    /// Shown under the hint when this is the only command that matches.
    pub note: Option<&'static str>,
}

const fn command(
    name: &'static str,
    syntax: &'static str,
    what: &'static str,
    note: Option<&'static str>,
) -> CommandHelp {
    CommandHelp {
        name,
        syntax,
        what,
        note,
    }
}

/// How greetings and replies are written, for the servers' hints.
const RULES_NOTE: &str = "greet= and reply= are sent as written, escapes (\\r \\n \\t \\xHH) decoded; \\n is added (a reply: the line's own ending) only when the text does not end with a line ending. bye= hangs up on that line.";

/// Every command, for hints, completion and the help overlay.
pub const COMMANDS: &[CommandHelp] = &[
    command(
        "connect",
        "connect HOST:PORT [timeout=S] [ca=PEM] [insecure] [pin]",
        "TCP client",
        None,
    ),
    command(
        "tls",
        "tls HOST:PORT [sni=NAME] [ca=PEM] [insecure] [pin[=FILE]] [timeout=S]",
        "TLS client",
        None,
    ),
    command(
        "listen",
        "listen ADDR:PORT [tls] [cert=PEM key=PEM] [greet=TEXT] [reply=TEXT {line}] [bye=WORD]",
        "TCP server",
        Some(RULES_NOTE),
    ),
    command("udp", "udp HOST:PORT", "UDP client (unconnected)", None),
    command(
        "open",
        "open NAME",
        "open a saved target ([[sockets.saved]])",
        None,
    ),
    command(
        "udp-bind",
        "udp-bind ADDR:PORT [reply=TEXT {line}]",
        "UDP server",
        Some(RULES_NOTE),
    ),
    command(
        "starttls",
        "starttls [smtp|imap|pop3] [ca=PEM] [insecure] [pin[=FILE]]",
        "upgrade to TLS",
        None,
    ),
    command("send-file", "send-file PATH", "send a file's bytes", None),
    command(
        "run",
        "run NAME [count=N] [every=SECONDS] | run stop",
        "send a named payload N times ([[sockets.payloads]])",
        Some(
            "The payload is sent exactly as written in the config (escapes decoded, nothing added), to where typed input would go; the counter shows on the session.",
        ),
    ),
    command(
        "save",
        "save PATH",
        "write PATH (raw received) and PATH.log",
        None,
    ),
    command(
        "eol",
        "eol none|lf|crlf",
        "line ending added on Enter",
        None,
    ),
    command(
        "peer",
        "peer HOST:PORT|last",
        "UDP: send to this peer (last: whoever sent last)",
        None,
    ),
    command("half-close", "half-close", "send FIN, keep reading", None),
    command("reconnect", "reconnect", "open the session again", None),
    command("close", "close", "close the session / stop listening", None),
    command(
        "time",
        "time local|utc",
        "transcript times in local time or UTC",
        None,
    ),
];

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptCommand {
    Open {
        spec: OpenSpec,
        /// For a later STARTTLS on a plain connection.
        tls: TlsOptions,
    },
    StartTls {
        protocol: Option<MailProtocol>,
        tls: Option<TlsOptions>,
    },
    SendFile(PathBuf),
    Save(PathBuf),
    LineEnding(super::LineEnding),
    /// A UDP peer to send to; None follows the last sender.
    Peer(Option<String>),
    Time(crate::net::timefmt::TimeZone),
    /// A saved target by name; None lists them.
    OpenSaved(Option<String>),
    /// A named payload, repeated; no name lists them.
    Run {
        name: Option<String>,
        count: Option<u32>,
        every: Option<f64>,
    },
    StopRun,
    HalfClose,
    Reconnect,
    Close,
}

/// Commands whose name starts with `word`, for hints and Tab.
pub fn matching(word: &str) -> Vec<&'static CommandHelp> {
    COMMANDS
        .iter()
        .filter(|c| c.name.starts_with(word))
        .collect()
}

/// Parses one command line (without the leading `:`).
pub fn parse(line: &str) -> Result<PromptCommand, String> {
    let line = line.trim();
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let args = split_args(rest.trim());
    let name = match word {
        "c" | "tcp" => "connect",
        "l" => "listen",
        "s" => "starttls",
        other => other,
    };
    let syntax = COMMANDS
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.syntax)
        .ok_or_else(|| {
            if word.is_empty() {
                "type a command, e.g. connect example.com:80".to_string()
            } else {
                format!("unknown command \"{word}\"")
            }
        })?;
    Ok(match name {
        "connect" | "tls" => connect(name == "tls", &args, syntax)?,
        "listen" => listen(&args, syntax)?,
        "udp" => plain_open(OpenSpec::UdpSend {
            target: args.address(syntax)?,
        }),
        "udp-bind" => plain_open(OpenSpec::UdpBind {
            addr: args.address(syntax)?,
            rules: args.rules()?,
        }),
        "starttls" => starttls(&args)?,
        "send-file" => PromptCommand::SendFile(path(rest, syntax)?),
        "save" => PromptCommand::Save(path(rest, syntax)?),
        "eol" => PromptCommand::LineEnding(line_ending(rest, syntax)?),
        "peer" if rest.trim() == "last" => PromptCommand::Peer(None),
        "peer" => PromptCommand::Peer(Some(args.address(syntax)?)),
        "time" => PromptCommand::Time(
            crate::net::timefmt::TimeZone::parse(rest.trim())
                .ok_or_else(|| format!("usage: {syntax}"))?,
        ),
        "open" => PromptCommand::OpenSaved(args.positional.first().cloned()),
        "run" if rest.trim() == "stop" => PromptCommand::StopRun,
        "run" => run(&args, syntax)?,
        "half-close" => PromptCommand::HalfClose,
        "reconnect" => PromptCommand::Reconnect,
        _ => PromptCommand::Close,
    })
}

fn run(args: &Args, syntax: &str) -> Result<PromptCommand, String> {
    let number = |key: &str| {
        args.values
            .get(key)
            .map(|v| {
                v.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("usage: {syntax}"))
            })
            .transpose()
    };
    let count = number("count")?;
    if count.is_some_and(|c| c.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&c)) {
        return Err(format!("count= takes a whole number; usage: {syntax}"));
    }
    Ok(PromptCommand::Run {
        name: args.positional.first().cloned(),
        count: count.map(|c| c as u32),
        every: number("every")?,
    })
}

/// `connect` and `tls`; a plain connection keeps its TLS options for a
/// later STARTTLS.
fn connect(tls: bool, args: &Args, syntax: &str) -> Result<PromptCommand, String> {
    Ok(PromptCommand::Open {
        spec: OpenSpec::Connect {
            target: args.address(syntax)?,
            tls: tls.then(|| args.tls()),
            sni: args.values.get("sni").map(|s| s.trim().to_string()),
            timeout: args.timeout()?,
        },
        tls: args.tls(),
    })
}

fn listen(args: &Args, syntax: &str) -> Result<PromptCommand, String> {
    let tls = match (args.values.get("cert"), args.values.get("key")) {
        (Some(cert), Some(key)) => Some(ServerCert::Files {
            cert: PathBuf::from(cert.trim()),
            key: PathBuf::from(key.trim()),
        }),
        (None, None) => args.flag("tls").then_some(ServerCert::Generated),
        _ => return Err("cert= and key= go together".into()),
    };
    Ok(plain_open(OpenSpec::Listen {
        addr: args.address(syntax)?,
        tls,
        rules: args.rules()?,
    }))
}

/// Opens a session that has no use for client TLS options.
fn plain_open(spec: OpenSpec) -> PromptCommand {
    PromptCommand::Open {
        spec,
        tls: TlsOptions::default(),
    }
}

/// Without `ca=` or `insecure` the session's own TLS options apply.
fn starttls(args: &Args) -> Result<PromptCommand, String> {
    let protocol = match args.positional.first() {
        None => None,
        Some(p) => {
            Some(MailProtocol::parse(p).ok_or_else(|| format!("\"{p}\": say smtp, imap or pop3"))?)
        }
    };
    let explicit = args.values.contains_key("ca")
        || args.values.contains_key("pin")
        || args.flag("insecure")
        || args.flag("pin");
    Ok(PromptCommand::StartTls {
        protocol,
        tls: explicit.then(|| args.tls()),
    })
}

/// The rest of the line is one path, spaces and all.
fn path(rest: &str, syntax: &str) -> Result<PathBuf, String> {
    let path = rest.trim();
    if path.is_empty() {
        return Err(format!("usage: {syntax}"));
    }
    Ok(expand_home(path))
}

fn line_ending(rest: &str, syntax: &str) -> Result<super::LineEnding, String> {
    match rest.trim() {
        "none" => Ok(super::LineEnding::None),
        "lf" => Ok(super::LineEnding::Lf),
        "crlf" => Ok(super::LineEnding::CrLf),
        _ => Err(format!("usage: {syntax}")),
    }
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_after_a_path_option_is_a_flag() {
        let cmd = parse("tls localhost:993 ca=/tmp/ca.pem pin timeout=3").unwrap();
        let PromptCommand::Open { spec, .. } = cmd else {
            panic!("{cmd:?}");
        };
        let OpenSpec::Connect { tls: Some(tls), .. } = spec else {
            panic!("{spec:?}");
        };
        assert_eq!(tls.extra_ca, Some(PathBuf::from("/tmp/ca.pem")));
        assert!(tls.pin_file.is_some());
        let cmd = parse("tls localhost:993 pin=/tmp/pins").unwrap();
        let PromptCommand::Open {
            spec: OpenSpec::Connect { tls: Some(tls), .. },
            ..
        } = cmd
        else {
            panic!("{cmd:?}");
        };
        assert_eq!(tls.pin_file, Some(PathBuf::from("/tmp/pins")));
    }

    #[test]
    fn listen_with_rules_that_contain_spaces() {
        let cmd =
            parse("listen 127.0.0.1:9999 greet=Welcome! reply=Hello, {line}! bye=exit").unwrap();
        let PromptCommand::Open {
            spec: OpenSpec::Listen { addr, tls, rules },
            ..
        } = cmd
        else {
            panic!("{cmd:?}")
        };
        assert_eq!(addr, "127.0.0.1:9999");
        assert_eq!(tls, None);
        assert_eq!(rules.greeting.as_deref(), Some(&b"Welcome!"[..]));
        assert_eq!(rules.reply.as_deref(), Some("Hello, {line}!"));
        assert_eq!(rules.bye.as_deref(), Some("exit"));
    }

    #[test]
    fn tls_options() {
        let cmd = parse("tls [::1]:443 insecure sni=example.org").unwrap();
        let PromptCommand::Open {
            spec: OpenSpec::Connect {
                target, tls, sni, ..
            },
            ..
        } = cmd
        else {
            panic!()
        };
        assert_eq!(target, "[::1]:443");
        assert!(tls.unwrap().accept_invalid_certs);
        assert_eq!(sni.as_deref(), Some("example.org"));
    }

    #[test]
    fn errors_are_explained() {
        assert!(
            parse("connect")
                .unwrap_err()
                .starts_with("usage: connect HOST:PORT")
        );
        assert_eq!(parse("frob x").unwrap_err(), "unknown command \"frob\"");
        assert!(parse("connect h:1 timeout=abc").is_err());
        assert!(parse("listen :1 cert=a").is_err());
        assert!(parse("starttls ftp").is_err());
        assert_eq!(
            parse("starttls imap").unwrap(),
            PromptCommand::StartTls {
                protocol: Some(MailProtocol::Imap),
                tls: None
            }
        );
    }

    #[test]
    fn completion_candidates() {
        let names: Vec<_> = matching("u").iter().map(|c| c.name).collect();
        assert_eq!(names, ["udp", "udp-bind"]);
    }
}
