//! What `wirepost watch` does with the engines' reports: the state of
//! each account on stderr, and for mail that arrives after an account is
//! in step one line on stdout (and the `--exec` command) per message.

use super::exec::Exec;
use crate::config::Account;
use crate::mail::imap::TraceDir;
use crate::mail::imap::engine::{ImapEvent, WatchMode};
use crate::mail::pop3::engine::Pop3Event;
use crate::report::{JobEvent, Report};
use crate::sanitize::clean_line;
use crate::store::{Arrival, MessageId, Store};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::process::ExitCode;

/// New messages read from the store per query.
const ARRIVALS_PER_QUERY: usize = 500;

pub struct Watcher {
    store: Store,
    /// Per account, the newest message already accounted for; set when the
    /// account is first in step, so mail from before is not announced.
    seen_up_to: HashMap<String, MessageId>,
    exec: Option<Exec>,
    trace: bool,
    /// Accounts still watched; when none is left the watch ends.
    running: BTreeSet<String>,
}

impl Watcher {
    pub fn new(store: Store, accounts: &[Account], exec: Option<String>, trace: bool) -> Watcher {
        Watcher {
            store,
            seen_up_to: HashMap::new(),
            exec: exec.map(Exec::start),
            trace,
            running: accounts.iter().map(|a| a.name.clone()).collect(),
        }
    }

    /// An IMAP report; `Err` ends the watch with that exit status.
    pub fn on_imap(&mut self, report: Report<ImapEvent>) -> Result<(), ExitCode> {
        let event = match report {
            Report::Job(job) => {
                job_line(job);
                return Ok(());
            }
            Report::Event(event) => event,
        };
        if matches!(
            event,
            ImapEvent::Folder { .. } | ImapEvent::FolderDone { .. }
        ) {
            self.follow_removals();
        }
        match event {
            ImapEvent::Watching { account, mode, .. } => {
                note(&account, &format!("in step; {}", describe(mode)));
                self.in_step(&account);
            }
            ImapEvent::FolderDone {
                account, report, ..
            } if report.fetched > 0 => return self.announce(&account),
            ImapEvent::Offline {
                account,
                reason,
                retry_secs,
                ..
            } => match retry_secs {
                Some(secs) => note(&account, &format!("{reason}; reconnecting in {secs}s")),
                None => return self.stopped(&account, &reason),
            },
            ImapEvent::Trace { account, lines } if self.trace => {
                for line in lines {
                    let arrow = match line.dir {
                        TraceDir::Sent => "C:",
                        TraceDir::Received => "S:",
                        TraceDir::Note => "--",
                    };
                    let (account, text) = (clean_line(&account), clean_line(&line.text));
                    eprintln!("{account} {arrow} {text}");
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A POP3 report; `Err` ends the watch with that exit status.
    pub fn on_pop3(&mut self, report: Report<Pop3Event>) -> Result<(), ExitCode> {
        if matches!(report, Report::Event(Pop3Event::Checked { .. })) {
            self.follow_removals();
        }
        match report {
            Report::Job(job) => job_line(job),
            Report::Event(Pop3Event::Finished {
                account, outcome, ..
            }) => {
                match outcome {
                    Ok(summary) => note(&account, &summary),
                    Err(error) => note(&account, &format!("sync failed: {error}")),
                }
                self.in_step(&account);
            }
            Report::Event(Pop3Event::Checked {
                account,
                outcome: Err(error),
                ..
            }) => note(&account, &format!("checking failed: {error}")),
            Report::Event(Pop3Event::Checked {
                account, stored, ..
            }) if stored > 0 => return self.announce(&account),
            Report::Event(_) => {}
        }
        Ok(())
    }

    /// `account` is in step for the first time: what the store holds now
    /// is not news.
    fn in_step(&mut self, account: &str) {
        if !self.seen_up_to.contains_key(account) {
            let last = self.store.last_message_id().unwrap_or(0);
            self.seen_up_to.insert(account.to_string(), last);
        }
    }

    /// The index reuses the id of its newest message once that message is
    /// deleted, so a mark above the newest id left would hide the next
    /// arrival: every mark comes down to the newest id there is. Nothing
    /// above that id exists, so nothing is skipped or told twice.
    fn follow_removals(&mut self) {
        if let Ok(last) = self.store.last_message_id() {
            for mark in self.seen_up_to.values_mut() {
                *mark = (*mark).min(last);
            }
        }
    }

    /// `account`'s messages stored since the last look, at most `limit`;
    /// they count as told from now on.
    fn next_arrivals(&mut self, account: &str, limit: usize) -> Vec<Arrival> {
        let Some(mark) = self.seen_up_to.get_mut(account) else {
            return Vec::new();
        };
        match self.store.arrivals_after(account, *mark, limit) {
            Ok(arrivals) => {
                if let Some(last) = arrivals.last() {
                    *mark = last.id;
                }
                arrivals
            }
            Err(e) => {
                eprintln!("wirepost: reading the store: {e}");
                Vec::new()
            }
        }
    }

    /// Prints (and hands to `--exec`) every message of `account` stored
    /// since the last look.
    fn announce(&mut self, account: &str) -> Result<(), ExitCode> {
        loop {
            let arrivals = self.next_arrivals(account, ARRIVALS_PER_QUERY);
            if arrivals.is_empty() {
                return Ok(());
            }
            for arrival in arrivals {
                print_line(&arrival)?;
                if let Some(exec) = &self.exec {
                    exec.run(arrival);
                }
            }
        }
    }

    /// `account` stopped for good; the watch ends when no account is left.
    fn stopped(&mut self, account: &str, reason: &str) -> Result<(), ExitCode> {
        note(account, &format!("stopped: {reason}"));
        self.running.remove(account);
        if self.running.is_empty() {
            eprintln!("wirepost: no account left to watch");
            return Err(ExitCode::FAILURE);
        }
        Ok(())
    }
}

/// One message: account, folder, sender, subject, tab-separated (tabs
/// inside them were folded by `clean_line`). A closed stdout (`| head`)
/// ends the watch quietly.
fn print_line(arrival: &Arrival) -> Result<(), ExitCode> {
    let line = format!(
        "{}\t{}\t{}\t{}\n",
        clean_line(&arrival.account),
        clean_line(&arrival.folder),
        clean_line(&arrival.from),
        clean_line(&arrival.subject)
    );
    let mut out = std::io::stdout().lock();
    out.write_all(line.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|_| ExitCode::SUCCESS)
}

fn note(account: &str, text: &str) {
    eprintln!("{}: {}", clean_line(account), clean_line(text));
}

fn job_line(job: JobEvent) {
    match job {
        JobEvent::Finished { outcome, .. } => match outcome {
            Ok(summary) => eprintln!("{}", clean_line(&summary)),
            Err(error) => eprintln!("wirepost: {}", clean_line(&error)),
        },
        JobEvent::Notice { text, .. } => eprintln!("wirepost: {}", clean_line(&text)),
        JobEvent::Started { .. } | JobEvent::Progress { .. } => {}
    }
}

fn describe(mode: WatchMode) -> String {
    match mode {
        WatchMode::Notify => "watching every folder (NOTIFY)".into(),
        WatchMode::Idle { poll: Some(p) } => format!(
            "watching INBOX (IDLE), the other folders every {}s",
            p.as_secs()
        ),
        WatchMode::Idle { poll: None } => "watching INBOX (IDLE)".into(),
        WatchMode::Poll { poll: Some(p) } => format!("checking every {}s", p.as_secs()),
        WatchMode::Poll { poll: None } => "not checking again (poll_interval_secs = 0)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::Watcher;
    use crate::store::{Flags, NewMessage, ServerIdentity, Store};

    fn store_one(store: &Store, uid: u32, subject: &str) -> crate::store::MessageId {
        let raw = format!("From: A <a@example.com>\r\nSubject: {subject}\r\n\r\nhi\r\n");
        store
            .store_message(&NewMessage {
                account: "work",
                folder: "INBOX",
                identity: ServerIdentity::Imap {
                    uidvalidity: 1,
                    uid,
                },
                raw: raw.as_bytes(),
                flags: Flags::default(),
                internal_date: None,
            })
            .unwrap()
            .id()
    }

    #[test]
    fn mail_after_the_newest_message_was_deleted_is_still_told() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store_one(&store, 1, "old");
        let newest = store_one(&store, 2, "newest, deleted later");
        let mut watcher = Watcher::new(store.clone(), &[], None, false);
        watcher.in_step("work");
        store.remove_message(newest).unwrap();
        watcher.follow_removals();
        let reused = store_one(&store, 3, "new mail");
        assert_eq!(reused, newest, "the index reuses the id");
        let told = watcher.next_arrivals("work", 10);
        assert_eq!(told.len(), 1);
        assert_eq!(told[0].subject, "new mail");
        assert!(watcher.next_arrivals("work", 10).is_empty());
        // Lowering again changes nothing that was told.
        watcher.follow_removals();
        assert!(watcher.next_arrivals("work", 10).is_empty());
    }
}
