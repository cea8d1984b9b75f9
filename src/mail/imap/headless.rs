//! `wirepost sync`: the sync engine without the interface, with a progress
//! line on stderr and a non-zero exit status on failure.

pub use super::account::FolderChoice;
use super::account::{SyncUpdate, sync_account};
use super::options::ConnectOptions;
use super::sync::FolderReport;
use super::trace::{TraceDir, TraceLine, TraceSink};
use crate::config::Account;
use crate::store::Store;
use std::io::{IsTerminal, Write};
use std::time::Instant;

/// Syncs one IMAP account on `runtime` into `store`, with a progress line
/// and a summary on stderr (and the masked conversation with `trace`).
/// Returns false when the sync failed; the error has been printed.
pub fn sync_one(
    runtime: &tokio::runtime::Runtime,
    store: &Store,
    account: &Account,
    choice: &FolderChoice,
    trace: bool,
) -> bool {
    let Some(opts) = ConnectOptions::for_account(account) else {
        return true;
    };
    for warning in opts.warnings() {
        eprintln!("wirepost: WARNING: {warning}");
    }
    let started = Instant::now();
    let mut line = ProgressLine::new(&account.name);
    line.tty &= !trace;
    let sink = trace.then(TraceSink::new);
    let printer = sink.clone().map(|sink| {
        runtime.spawn(async move {
            loop {
                sink.notified().await;
                print_trace(&sink.take());
            }
        })
    });
    let result = runtime.block_on(sync_account(
        &opts,
        store,
        &account.name,
        choice,
        sink.clone(),
        &mut |update| line.update(update),
    ));
    if let (Some(printer), Some(sink)) = (printer, &sink) {
        printer.abort();
        print_trace(&sink.take());
    }
    line.finish();
    match result {
        Ok(reports) => {
            print_summary(&account.name, &reports, started);
            true
        }
        Err(e) => {
            tracing::warn!(account = %account.name, "sync failed: {e:?}");
            eprintln!("wirepost: {}: {e}", account.name);
            false
        }
    }
}

/// What the sync of one account did, on stderr.
fn print_summary(account: &str, reports: &[FolderReport], started: Instant) {
    let fetched: u64 = reports.iter().map(|r| r.fetched).sum();
    let bytes: u64 = reports.iter().map(|r| r.bytes).sum();
    let removed: u64 = reports.iter().map(|r| r.removed).sum();
    let flags: u64 = reports.iter().map(|r| r.flags_updated).sum();
    eprintln!(
        "{}: {} folder(s), {fetched} new ({}), {removed} removed, {flags} flag change(s) in {:.2}s",
        account,
        reports.len(),
        human_bytes(bytes),
        started.elapsed().as_secs_f64()
    );
    for report in reports.iter().filter(|r| r.rebuilt) {
        eprintln!(
            "{}: {}: UIDVALIDITY changed; folder cache rebuilt",
            account, report.folder
        );
    }
}

/// Which folders `wirepost sync` takes: the chosen one (INBOX by default),
/// or every folder with the chosen one first.
pub fn folder_choice(folder: Option<&str>, all: bool) -> FolderChoice {
    let folder = folder.unwrap_or("INBOX").to_string();
    if all {
        FolderChoice::FirstThenAll(folder)
    } else {
        FolderChoice::One(folder)
    }
}

/// The conversation on stderr (`--trace`), masked as in the interface.
fn print_trace(lines: &[TraceLine]) {
    let mut err = std::io::stderr().lock();
    for line in lines {
        let arrow = match line.dir {
            TraceDir::Sent => "C:",
            TraceDir::Received => "S:",
            TraceDir::Note => "--",
        };
        let _ = writeln!(err, "{arrow} {}", crate::sanitize::clean_line(&line.text));
    }
}

/// One stderr line rewritten in place on a terminal; on a pipe, one line
/// per folder only.
struct ProgressLine {
    account: String,
    folder: String,
    tty: bool,
    last_shown: u64,
    dirty: bool,
}

impl ProgressLine {
    fn new(account: &str) -> ProgressLine {
        ProgressLine {
            account: account.to_string(),
            folder: String::new(),
            tty: std::io::stderr().is_terminal(),
            last_shown: 0,
            dirty: false,
        }
    }

    fn update(&mut self, update: SyncUpdate) {
        let mut err = std::io::stderr().lock();
        match update {
            SyncUpdate::Folders(_) | SyncUpdate::FolderDone(_) => {}
            SyncUpdate::FoldersCapped { listed, kept } => {
                self.end_line(&mut err);
                let _ = writeln!(
                    err,
                    "{}: the server lists {listed} folders; only the first {kept} are synced",
                    self.account
                );
            }
            SyncUpdate::Folder(name) => {
                self.end_line(&mut err);
                self.folder = crate::sanitize::clean_line(&name);
                self.last_shown = 0;
            }
            SyncUpdate::Progress(p) => {
                let step = (p.messages_total / 100).max(1);
                if p.messages_done == p.messages_total || p.messages_done >= self.last_shown + step
                {
                    self.last_shown = p.messages_done;
                    let text = format!(
                        "{}/{}: {}/{} messages, {}",
                        self.account,
                        self.folder,
                        p.messages_done,
                        p.messages_total,
                        human_bytes(p.bytes_done)
                    );
                    if self.tty {
                        let _ = write!(err, "\r\x1b[K{text}");
                        self.dirty = true;
                    } else if p.messages_done == p.messages_total {
                        let _ = writeln!(err, "{text}");
                    }
                }
            }
        }
    }

    fn end_line(&mut self, err: &mut impl Write) {
        if self.dirty {
            let _ = writeln!(err);
            self.dirty = false;
        }
    }

    fn finish(&mut self) {
        let mut err = std::io::stderr().lock();
        self.end_line(&mut err);
    }
}

pub fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}
