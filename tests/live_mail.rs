//! Every folder live, against real Dovecot and Postfix: with NOTIFY, mail
//! APPENDed to another folder by a second session and mail delivered to
//! INBOX by Postfix arrive through the watch with no sync asked for; the
//! same with NOTIFY switched off (IDLE on INBOX, the other folders
//! polled); a watch that finds nothing sends nothing; local changes reach
//! the server on a nudge; a POP3 account is checked again at its interval.

mod common;

use common::imap::options;
use common::mailstack::{Mailstack, TestUser};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use wirepost::mail::imap::engine::{ImapCommand, ImapEvent, LiveHub, LiveSettings, WatchMode};
use wirepost::mail::imap::{ImapSession, connect};
use wirepost::report::{Report, Reporter};
use wirepost::store::Store;

const ACCOUNT: &str = "live";
/// How long a test waits for a report before it fails: a hang guard for
/// slow machines, not a performance assertion.
const WAIT: Duration = Duration::from_secs(60);

/// A second client of the same mailbox, as another program would be.
async fn other_client(stack: &Mailstack, user: &TestUser) -> ImapSession {
    connect(&options(stack, user), None).await.unwrap().session
}

fn message(subject: &str) -> String {
    format!(
        "From: Other <other@example.test>\r\nSubject: {subject}\r\n\
         Message-ID: <{subject}@example.test>\r\n\r\nAppended by another client.\r\n"
    )
}

/// One account kept live by a `LiveHub`, its reports on a channel.
struct Live {
    hub: LiveHub,
    reports: mpsc::Receiver<Report<ImapEvent>>,
    store: Store,
    _dir: tempfile::TempDir,
}

impl Live {
    fn start(stack: &Mailstack, user: &TestUser, live: LiveSettings) -> Live {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let (events, reports) = Reporter::channel(4096);
        let mut hub = LiveHub::default();
        let command = ImapCommand::Sync {
            account: ACCOUNT.into(),
            options: Box::new(options(stack, user)),
            store_dir: dir.path().to_path_buf(),
            first: "INBOX".into(),
            live,
        };
        assert!(hub.dispatch(command, 1, events).is_some());
        Live {
            hub,
            reports,
            store,
            _dir: dir,
        }
    }

    /// The next IMAP report that `wanted` accepts (others are skipped).
    async fn until(&mut self, what: &str, wanted: impl Fn(&ImapEvent) -> bool) -> ImapEvent {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.reports.recv()).await {
                Ok(Some(Report::Event(event))) if wanted(&event) => return event,
                Ok(Some(_)) => {}
                Ok(None) => panic!("the live task ended while waiting for {what}"),
                Err(_) => panic!("no {what} within {WAIT:?}"),
            }
        }
    }

    /// Waits until `folder` reports `n` new messages; returns how long
    /// that took from `since`.
    async fn new_mail(&mut self, folder: &str, n: u64, since: Instant) -> Duration {
        let what = format!("{n} new in {folder}");
        self.until(&what, |e| {
            matches!(e, ImapEvent::FolderDone { report, .. }
                if report.folder == folder && report.fetched == n)
        })
        .await;
        since.elapsed()
    }

    fn unread(&self, folder: &str) -> u64 {
        self.store
            .folders()
            .unwrap()
            .into_iter()
            .find(|f| f.account == ACCOUNT && f.name == folder)
            .map_or(0, |f| f.unread)
    }

    /// Every report that arrives within `window`.
    async fn quiet_for(&mut self, window: Duration) -> Vec<Report<ImapEvent>> {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + window;
        while let Ok(Some(report)) = tokio::time::timeout_at(deadline, self.reports.recv()).await {
            seen.push(report);
        }
        seen
    }
}

/// Mail APPENDed to a folder other than INBOX and mail Postfix delivers
/// to INBOX, one after the other, both stored with no sync asked for.
async fn both_folders_arrive(stack: &Mailstack, user: &TestUser, live: &mut Live, how: &str) {
    let mut other = other_client(stack, user).await;
    let subject = Mailstack::unique("lists");
    let asked = Instant::now();
    other
        .append("Lists", None, None, message(&subject))
        .await
        .unwrap();
    let took = live.new_mail("Lists", 1, asked).await;
    eprintln!("{how}: APPEND to Lists stored after {took:?}");
    assert_eq!(live.unread("Lists"), 1);
    let subject = Mailstack::unique("inbox");
    let asked = Instant::now();
    stack.deliver(&user.address, &subject);
    let took = live.new_mail("INBOX", 1, asked).await;
    eprintln!("{how}: Postfix delivery to INBOX stored after {took:?}");
    assert_eq!(live.unread("INBOX"), 1);
    let _ = other.logout().await;
}

async fn with_lists_folder(stack: &Mailstack, user: &TestUser) {
    let mut other = other_client(stack, user).await;
    other.create("Lists").await.unwrap();
    let _ = other.logout().await;
}

#[tokio::test]
async fn notify_brings_mail_in_any_folder_without_a_sync() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    with_lists_folder(&stack, &user).await;
    let settings = LiveSettings {
        notify: true,
        poll: None,
    };
    let mut live = Live::start(&stack, &user, settings);
    let watching = live
        .until("the watch", |e| matches!(e, ImapEvent::Watching { .. }))
        .await;
    assert!(
        matches!(
            watching,
            ImapEvent::Watching {
                mode: WatchMode::Notify,
                ..
            }
        ),
        "{watching:?}"
    );
    both_folders_arrive(&stack, &user, &mut live, "NOTIFY").await;
    // Nothing happens, nothing is reported: not even the trace, which
    // travels only while it is on screen.
    let idle = live.quiet_for(Duration::from_secs(2)).await;
    assert!(idle.is_empty(), "an idle watch reported {idle:?}");
    live.hub.dispatch(
        ImapCommand::Trace { shown: true },
        0,
        Reporter::channel(1).0,
    );
    let trace = live
        .until("the trace", |e| matches!(e, ImapEvent::Trace { .. }))
        .await;
    let ImapEvent::Trace { lines, .. } = trace else {
        unreachable!()
    };
    assert!(
        lines.iter().any(|l| l.text.contains("NOTIFY SET")),
        "{lines:?}"
    );
    live.hub.shutdown();
}

#[tokio::test]
async fn without_notify_idle_and_polling_bring_the_same() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    with_lists_folder(&stack, &user).await;
    // The config switch that ignores the server's NOTIFY.
    let settings = LiveSettings {
        notify: false,
        poll: Some(Duration::from_secs(1)),
    };
    let mut live = Live::start(&stack, &user, settings);
    let watching = live
        .until("the watch", |e| matches!(e, ImapEvent::Watching { .. }))
        .await;
    assert!(
        matches!(
            watching,
            ImapEvent::Watching {
                mode: WatchMode::Idle { .. },
                ..
            }
        ),
        "{watching:?}"
    );
    both_folders_arrive(&stack, &user, &mut live, "IDLE + 1 s poll").await;
    // Polls that find nothing send nothing.
    let idle = live.quiet_for(Duration::from_secs(3)).await;
    assert!(
        idle.is_empty(),
        "polls that found nothing reported {idle:?}"
    );
    live.hub.shutdown();
}

#[tokio::test]
async fn a_nudge_carries_a_local_flag_change_at_once() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    stack.seed(&user.address, 2, 1_000);
    let mut live = Live::start(
        &stack,
        &user,
        LiveSettings {
            notify: true,
            poll: None,
        },
    );
    live.until("the watch", |e| matches!(e, ImapEvent::Watching { .. }))
        .await;
    let state = live.store.folder_state(ACCOUNT, "INBOX").unwrap().unwrap();
    let flags = live
        .store
        .imap_folder_flags(ACCOUNT, "INBOX", state.uidvalidity.unwrap())
        .unwrap();
    let (&uid, &(id, mut local)) = flags.iter().next().unwrap();
    local.flagged = true;
    live.store.set_flags(id, &local).unwrap();
    let nudge = ImapCommand::Nudge {
        account: ACCOUNT.into(),
        folder: Some("INBOX".into()),
    };
    live.hub.dispatch(nudge, 0, Reporter::channel(1).0);
    let mut other = other_client(&stack, &user).await;
    other.select("INBOX").await.unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        use futures::TryStreamExt;
        let fetched: Vec<_> = other
            .uid_fetch(uid.to_string(), "FLAGS")
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        let flagged = fetched.iter().any(|f| {
            f.flags()
                .any(|flag| flag == async_imap::types::Flag::Flagged)
        });
        if flagged {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the flag never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    live.hub.shutdown();
}

#[tokio::test]
async fn a_pop3_account_is_checked_again_at_its_interval() {
    use wirepost::mail::pop3::engine::{Pop3Event, run_sync};
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let user = stack.claim_user();
    let text = format!(
        "[[accounts]]\nname = \"pop\"\nemail = \"{}\"\n[accounts.pop3]\nhost = \"{}\"\n\
         port = {}\nsecurity = \"tls\"\nca_file = \"{}\"\npassword_command = \"echo {}\"\n\
         poll_interval_secs = 1\n",
        user.address,
        stack.host,
        stack.pop3s_port,
        stack.ca.display(),
        user.password
    );
    let config = wirepost::config::Config::parse(&text, std::path::Path::new("t.toml")).unwrap();
    let account = config.accounts[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let (events, mut reports) = Reporter::channel(1024);
    let task = tokio::spawn(run_sync(9, account, dir.path().to_path_buf(), events));
    while !matches!(
        next_pop3(&mut reports).await,
        Pop3Event::Finished { outcome: Ok(_), .. }
    ) {}
    // Checks that find nothing send nothing.
    let quiet = tokio::time::timeout(Duration::from_millis(2500), reports.recv()).await;
    assert!(
        quiet.is_err(),
        "a check with nothing new reported {quiet:?}"
    );
    let asked = Instant::now();
    stack.deliver(&user.address, &Mailstack::unique("pop3"));
    loop {
        if let Pop3Event::Checked {
            stored, outcome, ..
        } = next_pop3(&mut reports).await
        {
            assert_eq!((stored, outcome.is_ok()), (1, true));
            break;
        }
    }
    eprintln!(
        "POP3 check every 1 s: delivery stored after {:?}",
        asked.elapsed()
    );
    task.abort();
}

async fn next_pop3(
    reports: &mut mpsc::Receiver<Report<wirepost::mail::pop3::engine::Pop3Event>>,
) -> wirepost::mail::pop3::engine::Pop3Event {
    loop {
        match tokio::time::timeout(WAIT, reports.recv()).await {
            Ok(Some(Report::Event(event))) => return event,
            Ok(Some(Report::Job(_))) => {}
            Ok(None) => panic!("the POP3 task ended"),
            Err(_) => panic!("no POP3 report within {WAIT:?}"),
        }
    }
}
