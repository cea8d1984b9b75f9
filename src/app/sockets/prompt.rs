//! The Sockets command line (`:connect example.com:80`, `:listen ...`):
//! parsing, with help text for hints and completion.

use crate::net::escape::decode_escapes;
use crate::net::session::{DEFAULT_CONNECT_TIMEOUT, MailProtocol, OpenSpec, Rules, ServerCert};
use crate::net::tls::TlsOptions;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// Every command with its syntax and what it does, for hints and `?`.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (
        "connect",
        "connect HOST:PORT [timeout=S] [ca=PEM] [insecure]",
        "TCP client",
    ),
    (
        "tls",
        "tls HOST:PORT [sni=NAME] [ca=PEM] [insecure] [timeout=S]",
        "TLS client",
    ),
    (
        "listen",
        "listen ADDR:PORT [tls] [cert=PEM key=PEM] [greet=TEXT] [reply=TEXT {line}] [bye=WORD]",
        "TCP server",
    ),
    ("udp", "udp HOST:PORT", "UDP client (unconnected)"),
    (
        "udp-bind",
        "udp-bind ADDR:PORT [reply=TEXT {line}]",
        "UDP server",
    ),
    (
        "starttls",
        "starttls [smtp|imap|pop3] [ca=PEM] [insecure]",
        "upgrade to TLS",
    ),
    ("send-file", "send-file PATH", "send a file's bytes"),
    (
        "save",
        "save PATH",
        "write PATH (raw received) and PATH.log",
    ),
    ("eol", "eol none|lf|crlf", "line ending added on Enter"),
    ("peer", "peer HOST:PORT", "UDP: send to this peer"),
    ("half-close", "half-close", "send FIN, keep reading"),
    ("reconnect", "reconnect", "open the session again"),
    ("close", "close", "close the session / stop listening"),
];

/// Option names that take a value; their value runs to the next option.
const VALUE_KEYS: &[&str] = &[
    "timeout", "ca", "sni", "cert", "key", "greet", "reply", "bye",
];
const FLAGS: &[&str] = &["tls", "insecure"];

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
    Peer(String),
    HalfClose,
    Reconnect,
    Close,
}

/// Commands whose name starts with `word`, for hints and Tab.
pub fn matching(word: &str) -> Vec<&'static (&'static str, &'static str, &'static str)> {
    COMMANDS
        .iter()
        .filter(|(name, _, _)| name.starts_with(word))
        .collect()
}

struct Args {
    positional: Vec<String>,
    values: HashMap<String, String>,
    flags: Vec<String>,
}

fn split_args(rest: &str) -> Args {
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
            current = Some(key.to_string());
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
    fn address(&self, syntax: &str) -> Result<String, String> {
        match self.positional.as_slice() {
            [one] => crate::net::tcp::split_host_port(one).map(|_| one.clone()),
            [] => Err(format!("usage: {syntax}")),
            [_, extra, ..] => Err(format!("unexpected \"{extra}\"; usage: {syntax}")),
        }
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    fn tls(&self) -> TlsOptions {
        TlsOptions {
            extra_ca: self.values.get("ca").map(PathBuf::from),
            accept_invalid_certs: self.flag("insecure"),
        }
    }

    fn timeout(&self) -> Result<Duration, String> {
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

    fn rules(&self) -> Result<Rules, String> {
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
        .find(|(n, _, _)| *n == name)
        .map(|(_, s, _)| *s)
        .ok_or_else(|| {
            if word.is_empty() {
                "type a command, e.g. connect example.com:80".to_string()
            } else {
                format!("unknown command \"{word}\"")
            }
        })?;
    Ok(match name {
        "connect" | "tls" => PromptCommand::Open {
            spec: OpenSpec::Connect {
                target: args.address(syntax)?,
                tls: (name == "tls").then(|| args.tls()),
                sni: args.values.get("sni").map(|s| s.trim().to_string()),
                timeout: args.timeout()?,
            },
            tls: args.tls(),
        },
        "listen" => {
            let tls = match (args.values.get("cert"), args.values.get("key")) {
                (Some(cert), Some(key)) => Some(ServerCert::Files {
                    cert: PathBuf::from(cert.trim()),
                    key: PathBuf::from(key.trim()),
                }),
                (None, None) => args.flag("tls").then_some(ServerCert::Generated),
                _ => return Err("cert= and key= go together".into()),
            };
            PromptCommand::Open {
                spec: OpenSpec::Listen {
                    addr: args.address(syntax)?,
                    tls,
                    rules: args.rules()?,
                },
                tls: TlsOptions::default(),
            }
        }
        "udp" => PromptCommand::Open {
            spec: OpenSpec::UdpSend {
                target: args.address(syntax)?,
            },
            tls: TlsOptions::default(),
        },
        "udp-bind" => PromptCommand::Open {
            spec: OpenSpec::UdpBind {
                addr: args.address(syntax)?,
                rules: args.rules()?,
            },
            tls: TlsOptions::default(),
        },
        "starttls" => {
            let protocol = match args.positional.first() {
                None => None,
                Some(p) => Some(
                    MailProtocol::parse(p)
                        .ok_or_else(|| format!("\"{p}\": say smtp, imap or pop3"))?,
                ),
            };
            let explicit = args.values.contains_key("ca") || args.flag("insecure");
            PromptCommand::StartTls {
                protocol,
                tls: explicit.then(|| args.tls()),
            }
        }
        "send-file" | "save" => {
            let path = rest.trim();
            if path.is_empty() {
                return Err(format!("usage: {syntax}"));
            }
            let path = expand_home(path);
            if name == "save" {
                PromptCommand::Save(path)
            } else {
                PromptCommand::SendFile(path)
            }
        }
        "eol" => PromptCommand::LineEnding(match rest.trim() {
            "none" => super::LineEnding::None,
            "lf" => super::LineEnding::Lf,
            "crlf" => super::LineEnding::CrLf,
            _ => return Err(format!("usage: {syntax}")),
        }),
        "peer" => PromptCommand::Peer(args.address(syntax)?),
        "half-close" => PromptCommand::HalfClose,
        "reconnect" => PromptCommand::Reconnect,
        _ => PromptCommand::Close,
    })
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
        let names: Vec<_> = matching("u").iter().map(|c| c.0).collect();
        assert_eq!(names, ["udp", "udp-bind"]);
    }
}
