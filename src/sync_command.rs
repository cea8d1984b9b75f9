//! `wirepost sync`: download new mail without the interface, for cron jobs
//! and scripts. One summary line per account on stdout; errors on stderr;
//! exit status 1 when any account failed.

use crate::config::{Account, LoadedConfig, Paths};
use crate::mail::pop3;
use crate::store::Store;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Runs the sync for `names` (every account with a mail server when empty).
pub fn run(loaded: &LoadedConfig, paths: &Paths, names: &[String], trace: bool) -> ExitCode {
    let config = &loaded.config;
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
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wirepost: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for account in selected {
        if account.pop3.is_none() {
            if !names.is_empty() {
                eprintln!("{}: no [pop3] server to sync from", account.name);
                failed = true;
            }
            continue;
        }
        let result = runtime.block_on(sync_pop3(account, store.clone(), trace));
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
