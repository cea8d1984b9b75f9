//! The headless subcommands' arguments, turned into a `PipeSpec`.

use super::escape::decode_escapes;
use super::pipe::{PipeSpec, run};
use super::pipe_limits::{Limits, status};
use super::session::{MailProtocol, Rules, ServerCert};
use super::tcp::split_host_port;
use super::tls::TlsOptions;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct TcpArgs {
    /// HOST:PORT (IPv6 as [::1]:PORT).
    pub target: String,
    /// Use TLS from the first byte.
    #[arg(long)]
    pub tls: bool,
    /// Upgrade with the protocol's STARTTLS dialogue first.
    #[arg(long, value_name = "smtp|imap|pop3")]
    pub starttls: Option<String>,
    /// Accept any certificate (the connection is then NOT authenticated).
    #[arg(long)]
    pub insecure: bool,
    /// Trust the CA certificates in this PEM file too.
    #[arg(long, value_name = "PEM")]
    pub ca: Option<PathBuf>,
    /// Trust on first use, like ssh: remember the server's key the first
    /// time and refuse the connection if it ever changes. The pins live in
    /// $XDG_DATA_HOME/wirepost/tls_pins (or --pin-file).
    #[arg(long)]
    pub pin: bool,
    /// The pin file to use (implies --pin).
    #[arg(long, value_name = "FILE")]
    pub pin_file: Option<PathBuf>,
    /// Give up connecting after this many seconds.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Close the connection when nothing moved either way for this many
    /// seconds (exit status 3), like ncat -i.
    #[arg(long, short = 'i', value_name = "SECONDS")]
    pub idle_timeout: Option<f64>,
    /// Once stdin has ended, wait at most this many seconds for the server,
    /// then quit (exit status 0), like nc -q. Without it wirepost waits for
    /// the server to close.
    #[arg(long, short = 'q', value_name = "SECONDS")]
    pub quit_after_eof: Option<f64>,
    /// Say on stderr whom we are connected to; with TLS show the whole
    /// certificate chain and its verdict.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// ADDR:PORT to bind, e.g. 127.0.0.1:9999 or [::]:9999.
    pub addr: String,
    /// UDP instead of TCP: input goes to the last sender.
    #[arg(long)]
    pub udp: bool,
    /// TLS with a certificate generated for localhost (or --cert/--key).
    #[arg(long)]
    pub tls: bool,
    #[arg(long, value_name = "PEM", requires = "key")]
    pub cert: Option<PathBuf>,
    #[arg(long, value_name = "PEM", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Greeting sent to each client, exactly as written: escapes like \r\n
    /// are decoded, and \n is added only when TEXT does not end with a line
    /// ending.
    #[arg(long, value_name = "TEXT")]
    pub greet: Option<String>,
    /// Answer each line (or datagram); {line} is replaced by it. Sent as
    /// written; the line's own ending is added unless TEMPLATE ends with one.
    #[arg(long, value_name = "TEMPLATE")]
    pub reply: Option<String>,
    /// Close a client's connection when it sends this line.
    #[arg(long, value_name = "WORD")]
    pub bye: Option<String>,
    /// Start each line on stdout with the peer that sent it:
    /// "[127.0.0.1:5000] ..." (a UDP datagram is one line).
    #[arg(long)]
    pub peer_prefix: bool,
}

#[derive(Debug, Args)]
pub struct UdpArgs {
    /// HOST:PORT to send to.
    pub target: String,
    /// Seconds to wait for replies after stdin ends.
    #[arg(long, default_value_t = 1.0, value_name = "SECONDS")]
    pub wait: f64,
}

fn seconds(value: f64, what: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value).map_err(|_| format!("--{what} must be a positive number"))
}

fn finish(spec: Result<PipeSpec, String>) -> ExitCode {
    match spec {
        Ok(spec) => ExitCode::from(run(spec)),
        Err(e) => {
            eprintln!("wirepost: {e}");
            ExitCode::from(status::USAGE)
        }
    }
}

pub fn tcp(args: TcpArgs) -> ExitCode {
    finish((|| {
        split_host_port(&args.target)?;
        let starttls = args
            .starttls
            .as_deref()
            .map(|p| {
                MailProtocol::parse(p)
                    .ok_or_else(|| format!("--starttls {p}: say smtp, imap or pop3"))
            })
            .transpose()?;
        let options = TlsOptions {
            extra_ca: args.ca.clone(),
            accept_invalid_certs: args.insecure,
            pin_file: args
                .pin_file
                .clone()
                .or_else(|| args.pin.then(super::pins::default_file)),
        };
        if args.insecure {
            eprintln!("wirepost: WARNING: certificate checks are off (--insecure)");
        }
        Ok(PipeSpec::Tcp {
            target: args.target.clone(),
            tls: (args.tls || starttls.is_some()).then_some(options),
            starttls,
            timeout: seconds(args.timeout, "timeout")?,
            limits: Limits {
                idle: args
                    .idle_timeout
                    .map(|s| seconds(s, "idle-timeout"))
                    .transpose()?,
                quit_after_eof: args
                    .quit_after_eof
                    .map(|s| seconds(s, "quit-after-eof"))
                    .transpose()?,
            },
            verbose: args.verbose,
        })
    })())
}

pub fn listen(args: ListenArgs) -> ExitCode {
    finish((|| {
        split_host_port(&args.addr)?;
        let tls = match (&args.cert, &args.key) {
            (Some(cert), Some(key)) => Some(ServerCert::Files {
                cert: cert.clone(),
                key: key.clone(),
            }),
            _ => args.tls.then_some(ServerCert::Generated),
        };
        let rules = Rules {
            greeting: args.greet.as_deref().map(decode_escapes).transpose()?,
            reply: args
                .reply
                .as_deref()
                .map(|r| decode_escapes(r).map(|b| String::from_utf8_lossy(&b).into_owned()))
                .transpose()?,
            bye: args.bye.clone(),
        };
        Ok(PipeSpec::Listen {
            addr: args.addr.clone(),
            udp: args.udp,
            tls,
            rules,
            peer_prefix: args.peer_prefix,
        })
    })())
}

pub fn udp(args: UdpArgs) -> ExitCode {
    finish((|| {
        split_host_port(&args.target)?;
        Ok(PipeSpec::Udp {
            target: args.target.clone(),
            wait: seconds(args.wait, "wait")?,
        })
    })())
}
