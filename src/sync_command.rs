//! `wirepost sync`: download new mail without the interface, for cron jobs
//! and scripts — IMAP accounts through the IMAP engine, POP3 accounts
//! through the POP3 engine. Errors on stderr; exit status 1 when any
//! account failed.

use crate::config::{Account, LoadedConfig, Paths};
use crate::mail::{imap, pop3};
use crate::store::Store;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// What `wirepost sync` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct SyncRequest {
    /// Account names; every account with a mail server when empty.
    pub names: Vec<String>,
    /// IMAP: the folder to sync (INBOX by default).
    pub folder: Option<String>,
    /// IMAP: every folder, the chosen one first.
    pub all: bool,
    /// POP3: print the conversation to stderr (passwords masked).
    pub trace: bool,
}

/// Runs the sync for the requested accounts.
pub fn run(loaded: &LoadedConfig, paths: &Paths, request: &SyncRequest) -> ExitCode {
    let config = &loaded.config;
    let names = &request.names;
    for name in names {
        if !config.accounts.iter().any(|a| &a.name == name) {
            eprintln!("wirepost: no account named \"{name}\"");
            return ExitCode::from(2);
        }
    }
    let selected: Vec<&Account> = config
        .accounts
        .iter()
        .filter(|a| names.is_empty() || names.contains(&a.name))
        .collect();
    if !selected
        .iter()
        .any(|a| a.imap.is_some() || a.pop3.is_some())
    {
        eprintln!("wirepost: no account has an [accounts.imap] or [accounts.pop3] section");
        return ExitCode::from(2);
    }
    let Some((store, runtime)) = open_store_and_runtime(loaded, paths) else {
        return ExitCode::FAILURE;
    };
    let mut failed = false;
    let choice = imap::headless::folder_choice(request.folder.as_deref(), request.all);
    for account in selected.iter().filter(|a| a.imap.is_some()) {
        failed |= !imap::headless::sync_one(&runtime, &store, account, &choice, request.trace);
    }
    for account in &selected {
        if account.pop3.is_none() {
            if account.imap.is_none() && !names.is_empty() {
                eprintln!(
                    "{}: no [accounts.imap] or [accounts.pop3] section to sync from",
                    account.name
                );
                failed = true;
            }
            continue;
        }
        let result = runtime.block_on(sync_pop3(account, store.clone(), request.trace));
        match result {
            Ok(report) => println!("{}: {}", account.name, report.summary()),
            Err(e) => {
                tracing::error!(account = %account.name, "pop3 sync failed: {e}");
                eprintln!("{}: {e}", account.name);
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The store and an async runtime, shared by every account synced; `None`
/// once the reason has been printed.
fn open_store_and_runtime(
    loaded: &LoadedConfig,
    paths: &Paths,
) -> Option<(Store, tokio::runtime::Runtime)> {
    let store_dir = loaded.config.store_dir(paths);
    let store = match Store::open(&store_dir) {
        Ok(store) => store,
        Err(e) => {
            eprintln!(
                "wirepost: cannot open the mail store {}: {e}",
                store_dir.display()
            );
            return None;
        }
    };
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => Some((store, runtime)),
        Err(e) => {
            eprintln!("wirepost: cannot start the async runtime: {e}");
            None
        }
    }
}

/// One POP3 account, with a progress line when stderr is a terminal.
async fn sync_pop3(
    account: &Account,
    store: Store,
    trace: bool,
) -> Result<pop3::sync::SyncReport, pop3::sync::SyncError> {
    let live = std::io::stderr().is_terminal() && !trace;
    let name = account.name.clone();
    let progress = move |p: &pop3::sync::SyncProgress| {
        if live && p.total_messages > 0 {
            eprint!(
                "\r{name}: {}/{} messages, {} of {}   ",
                p.done_messages,
                p.total_messages,
                pop3::sync::human_bytes(p.done_bytes),
                pop3::sync::human_bytes(p.total_bytes)
            );
            let _ = std::io::stderr().flush();
            if p.done_messages == p.total_messages {
                eprintln!();
            }
        }
    };
    let mut print = |line: &pop3::TraceLine| {
        eprintln!("{}", crate::sanitize::clean_line(&line.render()));
    };
    let on_trace: Option<&mut (dyn FnMut(&pop3::TraceLine) + Send)> =
        if trace { Some(&mut print) } else { None };
    pop3::sync_account(account, store, progress, on_trace).await
}
