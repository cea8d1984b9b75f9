//! `wirepost send`: the same Outbox → SMTP → Sent path as the interface,
//! for scripts. The body comes from stdin, or a whole message from a file.

use super::draft::{Attachment, Draft};
use super::reply::Identity;
use super::secure::{self, Protection};
use crate::config::{Account, Config, Paths};
use crate::mail::outbox::queue::send_all_queued;
use crate::mail::outbox::send::{self, Progress, ProgressSink, Sent};
use crate::mail::smtp::SendFailure;
use crate::store::Store;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// What `wirepost send` was asked to do.
#[derive(Debug, Clone, clap::Args)]
pub struct SendArgs {
    /// The account to send from (default: the first account with [accounts.smtp]).
    #[arg(long, short = 'a')]
    pub account: Option<String>,
    /// Recipients (repeatable, or comma-separated).
    #[arg(long, value_name = "ADDRESS")]
    pub to: Vec<String>,
    /// Copy recipients (repeatable, or comma-separated).
    #[arg(long, value_name = "ADDRESS")]
    pub cc: Vec<String>,
    /// Blind copy recipients: they get the message, no header names them.
    #[arg(long, value_name = "ADDRESS")]
    pub bcc: Vec<String>,
    /// The Subject line (empty when omitted).
    #[arg(long, short = 's', default_value = "")]
    pub subject: String,
    /// A file to attach (repeatable).
    #[arg(long, value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// Send this complete RFC 5322 message instead (recipients from its
    /// To/Cc/Bcc headers).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["to", "cc", "bcc", "subject", "attach"])]
    pub eml: Option<PathBuf>,
    /// Send what waits in the account's Outbox instead of a new message.
    /// Messages of unknown delivery (the connection broke after the whole
    /// message went out) are left alone: resend or file them in the
    /// interface's Outbox.
    #[arg(long, conflicts_with_all = ["to", "cc", "bcc", "subject", "attach", "eml"])]
    pub queued: bool,
    /// Sign with your OpenPGP key (PGP/MIME), whatever the account's default.
    #[arg(long, conflicts_with = "queued")]
    pub sign: bool,
    /// Encrypt to every recipient and to yourself (PGP/MIME); refuses,
    /// naming them, when a recipient has no usable key.
    #[arg(long, conflicts_with = "queued")]
    pub encrypt: bool,
    /// Neither sign nor encrypt, whatever the account's defaults.
    #[arg(long, conflicts_with_all = ["sign", "encrypt", "queued"])]
    pub plain: bool,
    /// Print the SMTP conversation to stderr (credentials masked).
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// How `wirepost send` ended, as an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendStatus {
    Sent = 0,
    Failed = 1,
    /// Sent, but some recipients were refused.
    Partial = 3,
    /// The connection broke after the whole message went out: it may or
    /// may not have been delivered (kept in the Outbox, marked).
    Unknown = 4,
}

/// The account to send from: the named one, or the first that can send.
pub fn sending_account<'a>(config: &'a Config, name: Option<&str>) -> Result<&'a Account, String> {
    match name {
        Some(name) => {
            let account = config
                .accounts
                .iter()
                .find(|a| a.name == name)
                .ok_or_else(|| format!("no account named \"{name}\""))?;
            if account.smtp.is_none() {
                return Err(format!("account \"{name}\" has no [accounts.smtp] section"));
            }
            Ok(account)
        }
        None => config
            .accounts
            .iter()
            .find(|a| a.smtp.is_some())
            .ok_or_else(|| "no account has an [accounts.smtp] section".to_string()),
    }
}

/// Runs `wirepost send`; messages go to stderr, the result line to stdout.
pub fn run(config: &Config, paths: &Paths, args: SendArgs) -> SendStatus {
    match try_run(config, paths, args) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("wirepost: {e}");
            SendStatus::Failed
        }
    }
}

fn progress_printer(verbose: bool) -> ProgressSink {
    Arc::new(move |p| match p {
        Progress::Trace(line) if verbose => {
            eprintln!("{}", crate::sanitize::clean_line(&line.display()))
        }
        Progress::Stage(stage) if verbose => eprintln!("wirepost: {stage}"),
        _ => {}
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// `wirepost send --queued`: everything in the Outbox but messages of
/// unknown delivery.
fn send_queued(config: &Config, paths: &Paths, args: &SendArgs) -> Result<SendStatus, String> {
    use crate::sanitize::clean_line;
    let account = sending_account(config, args.account.as_deref())?.clone();
    let store_dir = config.store_dir(paths);
    let progress = progress_printer(args.verbose);
    let report = runtime()?.block_on(async move {
        let store = Store::open(&store_dir).map_err(|e| format!("cannot open the store: {e}"))?;
        send_all_queued(store, account, progress).await
    })?;
    for (_, sent) in &report.sent {
        println!(
            "sent to {}: {}",
            sent.delivery.accepted.join(", "),
            sent.delivery.reply
        );
    }
    for (_, failure) in &report.failed {
        if failure.delivery_unknown {
            eprintln!(
                "wirepost: delivery unknown ({}): kept in the Outbox, not sent again \
                 automatically",
                failure.summary
            );
        } else {
            eprintln!(
                "wirepost: not sent (kept in the Outbox): {}",
                failure.summary
            );
        }
    }
    for (_, mark) in &report.skipped {
        eprintln!(
            "wirepost: left in the Outbox, delivery unknown since {}: {} \
             (resend it or file it as sent in the Outbox view)",
            crate::mailview::format_date(mark.since),
            clean_line(&mark.reason)
        );
    }
    if report.sent.is_empty() && report.failed.is_empty() && report.skipped.is_empty() {
        println!("the Outbox is empty");
    }
    let unknown = report.failed.iter().any(|(_, f)| f.delivery_unknown);
    Ok(if unknown || !report.skipped.is_empty() {
        SendStatus::Unknown
    } else if !report.failed.is_empty() {
        SendStatus::Failed
    } else {
        SendStatus::Sent
    })
}

fn try_run(config: &Config, paths: &Paths, args: SendArgs) -> Result<SendStatus, String> {
    if args.queued {
        return send_queued(config, paths, &args);
    }
    let account = sending_account(config, args.account.as_deref())?.clone();
    let protection = protection(&account, &args);
    let raw = match &args.eml {
        Some(path) => {
            let raw = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            protect_eml(config, &account, raw, protection)?
        }
        None => message_from_stdin(config, &account, &args, protection)?,
    };
    let store_dir = config.store_dir(paths);
    runtime()?.block_on(async move {
        let store = Store::open(&store_dir).map_err(|e| format!("cannot open the store: {e}"))?;
        let id = send::queue(store.clone(), account.name.clone(), Arc::new(raw)).await?;
        let progress = progress_printer(args.verbose);
        print_outcome(send::send_queued(store, account, id, progress).await)
    })
}

/// What to do to the message: the flags, else the account's defaults.
fn protection(account: &Account, args: &SendArgs) -> Protection {
    if args.plain {
        return Protection::default();
    }
    let defaults = Protection::of_account(account);
    Protection {
        sign: args.sign || defaults.sign,
        encrypt: args.encrypt || defaults.encrypt,
    }
}

/// Signs and/or encrypts a whole message given with `--eml`, to the
/// recipients in its own headers.
fn protect_eml(
    config: &Config,
    account: &Account,
    raw: Vec<u8>,
    protection: Protection,
) -> Result<Vec<u8>, String> {
    if !protection.any() {
        return Ok(raw);
    }
    let parsed = mail_parser::MessageParser::default()
        .parse_headers(&raw)
        .ok_or("the message cannot be read")?;
    let mut recipients: Vec<String> = Vec::new();
    for field in [parsed.to(), parsed.cc(), parsed.bcc()]
        .into_iter()
        .flatten()
    {
        recipients.extend(field.iter().filter_map(|a| a.address().map(str::to_string)));
    }
    let gpg = crate::pgp::Gpg::from_config(&config.pgp);
    let own = secure::own_key(account);
    secure::protect(&gpg, &raw, protection, &own, &recipients).map_err(|e| e.to_string())
}

/// A new message from the arguments, its body read from stdin.
fn message_from_stdin(
    config: &Config,
    account: &Account,
    args: &SendArgs,
    protection: Protection,
) -> Result<Vec<u8>, String> {
    let mut body = String::new();
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        eprintln!("wirepost: type the body, then Ctrl-D on a line of its own");
    }
    std::io::stdin()
        .read_to_string(&mut body)
        .map_err(|e| format!("cannot read the body from stdin: {e}"))?;
    let mut draft = Identity::from_account(account).new_draft();
    draft.to = args.to.join(", ");
    draft.cc = args.cc.join(", ");
    draft.bcc = args.bcc.join(", ");
    draft.subject = args.subject.clone();
    draft.body = format!("{body}{}", draft.body);
    for path in &args.attach {
        draft.attachments.push(Attachment::from_path(path)?);
    }
    if protection.any() {
        // The agent may ask for the passphrase (GPG_TTY or a graphical
        // pinentry): nothing else owns the terminal here.
        let gpg = crate::pgp::Gpg::from_config(&config.pgp);
        let own = secure::own_key(account);
        return secure::format(&gpg, &draft, protection, &own).map_err(|e| e.to_string());
    }
    build(draft)
}

/// Prints how the send of one message ended and returns its exit status.
fn print_outcome(outcome: Result<Sent, SendFailure>) -> Result<SendStatus, String> {
    match outcome {
        Ok(sent) => {
            for warning in &sent.warnings {
                eprintln!("wirepost: warning: {warning}");
            }
            for refusal in &sent.delivery.refused {
                eprintln!("wirepost: refused {}: {}", refusal.recipient, refusal.reply);
            }
            println!(
                "sent to {}: {}",
                sent.delivery.accepted.join(", "),
                sent.delivery.reply
            );
            Ok(if sent.delivery.refused.is_empty() {
                SendStatus::Sent
            } else {
                SendStatus::Partial
            })
        }
        Err(failure) if failure.delivery_unknown => {
            eprintln!(
                "wirepost: delivery unknown: the connection broke after the whole message \
                 was sent, before the server confirmed it ({}); kept in the Outbox and not \
                 sent again automatically (resend it or file it as sent in the Outbox view)",
                failure.summary
            );
            Ok(SendStatus::Unknown)
        }
        Err(failure) => {
            for refusal in &failure.refused {
                eprintln!("wirepost: refused {}: {}", refusal.recipient, refusal.reply);
            }
            Err(format!(
                "not sent (kept in the Outbox): {}",
                failure.summary
            ))
        }
    }
}

fn build(draft: Draft) -> Result<Vec<u8>, String> {
    draft.validate()?;
    Ok(draft
        .to_message(super::draft::BuildOptions {
            keep_bcc: true,
            allow_no_recipient: false,
        })?
        .formatted())
}
