//! `wirepost watch`: stays connected to every account (or those named) and
//! prints one line per new message in any folder — account, folder,
//! sender, subject, tab-separated and made safe for a terminal — with
//! `--exec CMD` run for each (what people use goimapnotify for). The same
//! live engines as the interface: IMAP NOTIFY, else IDLE and polling;
//! POP3 checked at its interval. Mail already on the server when it
//! starts is synced quietly first; only what arrives afterwards is
//! printed. Runs until SIGINT or SIGTERM.

mod exec;
mod report;

use crate::config::{Account, LoadedConfig, Paths};
use crate::mail::imap::ConnectOptions;
use crate::mail::imap::engine::{ImapCommand, ImapEvent, LiveHub, LiveSettings};
use crate::mail::pop3::engine::{Pop3Event, run_sync};
use crate::report::Reporter;
use crate::store::Store;
use report::Watcher;
use std::process::ExitCode;

/// What `wirepost watch` was asked for.
#[derive(Debug, Clone, clap::Args)]
pub struct WatchArgs {
    /// Accounts to watch; every account with a mail server when omitted.
    pub accounts: Vec<String>,
    /// An account to watch (same as naming it; may be repeated).
    #[arg(long = "account", value_name = "ACCOUNT")]
    pub account_flags: Vec<String>,
    /// Run CMD with `sh -c` for each new message, one at a time. The
    /// message is described in the environment, never in the command
    /// line: WIREPOST_ACCOUNT, WIREPOST_FOLDER, WIREPOST_FROM,
    /// WIREPOST_SUBJECT, WIREPOST_DATE (Unix seconds), WIREPOST_MESSAGE_ID
    /// and WIREPOST_ID (for `wirepost show ID`), all made safe for a
    /// terminal.
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// Print the IMAP conversation to stderr (passwords masked).
    #[arg(long)]
    pub trace: bool,
}

/// Runs the watch; exit status 2 for a bad request, 1 when every account
/// stopped (wrong password, no server), 0 on SIGINT or SIGTERM.
pub fn run(loaded: &LoadedConfig, paths: &Paths, args: WatchArgs) -> ExitCode {
    let config = &loaded.config;
    let mut names = args.accounts.clone();
    names.extend(args.account_flags.iter().cloned());
    if let Some(name) = names
        .iter()
        .find(|n| !config.accounts.iter().any(|a| &a.name == *n))
    {
        eprintln!("wirepost: no account named \"{name}\"");
        return ExitCode::from(2);
    }
    let accounts: Vec<Account> = config
        .accounts
        .iter()
        .filter(|a| names.is_empty() || names.contains(&a.name))
        .filter(|a| a.imap.is_some() || a.pop3.is_some())
        .cloned()
        .collect();
    if accounts.is_empty() {
        eprintln!("wirepost: no account has an [accounts.imap] or [accounts.pop3] section");
        return ExitCode::from(2);
    }
    let store_dir = config.store_dir(paths);
    let store = match Store::open(&store_dir) {
        Ok(store) => store,
        Err(e) => {
            eprintln!(
                "wirepost: cannot open the mail store {}: {e}",
                store_dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("wirepost: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let watcher = Watcher::new(store, &accounts, args.exec.clone(), args.trace);
    let code = runtime.block_on(watch(accounts, store_dir, watcher, args.trace));
    runtime.shutdown_timeout(std::time::Duration::from_secs(3));
    code
}

async fn watch(
    accounts: Vec<Account>,
    store_dir: std::path::PathBuf,
    mut watcher: Watcher,
    trace: bool,
) -> ExitCode {
    let (imap_events, mut imap) = Reporter::<ImapEvent>::channel(1024);
    let (pop3_events, mut pop3) = Reporter::<Pop3Event>::channel(1024);
    let mut hub = LiveHub::default();
    if trace {
        hub.dispatch(ImapCommand::Trace { shown: true }, 0, imap_events.clone());
    }
    let mut pop3_tasks = Vec::new();
    for (job, account) in (1..).zip(&accounts) {
        if let (Some(endpoint), Some(options)) =
            (&account.imap, ConnectOptions::for_account(account))
        {
            let command = ImapCommand::Sync {
                account: account.name.clone(),
                options: Box::new(options),
                store_dir: store_dir.clone(),
                first: "INBOX".into(),
                live: LiveSettings::for_endpoint(endpoint),
            };
            hub.dispatch(command, job, imap_events.clone());
        }
        if account.pop3.is_some() {
            let task = run_sync(job, account.clone(), store_dir.clone(), pop3_events.clone());
            pop3_tasks.push(tokio::spawn(task));
        }
    }
    let mut stop = std::pin::pin!(termination());
    let code = loop {
        let going = tokio::select! {
            () = &mut stop => break ExitCode::SUCCESS,
            Some(report) = imap.recv() => watcher.on_imap(report),
            Some(report) = pop3.recv() => watcher.on_pop3(report),
        };
        if let Err(code) = going {
            break code;
        }
    };
    hub.shutdown();
    for task in pop3_tasks {
        task.abort();
    }
    code
}

/// Resolves on SIGINT or SIGTERM.
async fn termination() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}
