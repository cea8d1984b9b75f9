//! The interface while a big folder syncs: the real binary in a
//! pseudo-terminal syncs an INBOX of `WIREPOST_SYNC_LOAD_MESSAGES`
//! messages (default 3,000; the figures in BENCHMARKS.md used 100,000)
//! from real Dovecot, and keys are timed from the keystroke to the screen
//! showing their effect while it runs. The folder pane shows the folder's
//! progress throughout. Figures go to stderr and the soak report; no
//! timing is asserted (a small folder may be in step before a key was
//! timed). The figures in BENCHMARKS.md:
//! `WIREPOST_SYNC_LOAD_MESSAGES=100000 WIREPOST_TEST_BIN=$PWD/target/release/wirepost
//! cargo test --test sync_load -- --nocapture` (after `cargo build --release`).

mod common;

use common::mailstack::Mailstack;
use common::pty::{Tui, temp_config};
use common::soak::{env_or, report};
use std::time::{Duration, Instant};

/// Sends `key` and returns how long the screen took to show its effect,
/// looking every millisecond. It waits 20 ms first, so that keys are not
/// sent faster than a person types.
fn key_round_trip(tui: &mut Tui, key: &str, shown: impl Fn(&str) -> bool) -> Duration {
    std::thread::sleep(Duration::from_millis(20));
    let asked = Instant::now();
    tui.send(key);
    while !shown(&tui.screen()) {
        assert!(
            asked.elapsed() < Duration::from_secs(60),
            "key {key:?} not answered; screen:\n{}",
            tui.screen()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    asked.elapsed()
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted
        .get((sorted.len() * p / 100).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default()
}

#[test]
fn keys_are_answered_while_a_big_folder_syncs() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let messages = env_or::<usize>("WIREPOST_SYNC_LOAD_MESSAGES", 3_000);
    let user = stack.claim_user();
    stack.seed(&user.address, messages, 2_000);
    let dir = tempfile::tempdir().unwrap();
    let config = temp_config(
        dir.path(),
        &format!(
            "[store]\npath = \"{}\"\n[[accounts]]\nname = \"big\"\nemail = \"{}\"\n\
             [accounts.imap]\nhost = \"{}\"\nport = {}\nsecurity = \"tls\"\nca_file = \"{}\"\n\
             password_command = \"echo {}\"\n",
            dir.path().join("store").display(),
            user.address,
            stack.host,
            stack.imaps_port,
            stack.ca.display(),
            user.password
        ),
    );
    let started = Instant::now();
    let mut tui = Tui::start(&["-c", config.to_str().unwrap()], 120, 32);
    tui.wait_text("big");
    let mut answers = Vec::new();
    let mut progress_seen = Vec::new();
    while !tui.screen().contains("● live") {
        answers.push(key_round_trip(&mut tui, "?", |s| {
            s.contains("Go to the Inbox tab")
        }));
        answers.push(key_round_trip(&mut tui, "\x1b", |s| {
            !s.contains("Go to the Inbox tab")
        }));
        if let Some(cell) = tui.screen().lines().find_map(|l| {
            l.split_whitespace()
                .find(|w| w.starts_with('↓'))
                .map(str::to_string)
        }) && progress_seen.last() != Some(&cell)
        {
            progress_seen.push(cell);
        }
        assert!(
            started.elapsed() < Duration::from_secs(1800),
            "the sync never ended"
        );
    }
    let synced = started.elapsed();
    tui.wait_for("every message listed", |s| {
        s.contains(&format!("INBOX 1/{messages}"))
    });
    // The same keys with nothing running, for comparison.
    let mut idle = Vec::new();
    for _ in 0..50 {
        idle.push(key_round_trip(&mut tui, "?", |s| {
            s.contains("Go to the Inbox tab")
        }));
        idle.push(key_round_trip(&mut tui, "\x1b", |s| {
            !s.contains("Go to the Inbox tab")
        }));
    }
    answers.sort();
    idle.sort();
    let frame = Duration::from_millis(16);
    let within_a_frame = answers.iter().filter(|a| **a <= frame).count();
    report(&format!(
        "sync load: {messages} messages × 2 KB synced in {:.1} s while {} keys were timed: \
         median {} ms, p90 {} ms, p99 {} ms, slowest {} ms, {:.1}% within a 16 ms frame \
         (idle afterwards: median {} ms, p90 {} ms); the folder pane showed {} progress steps",
        synced.as_secs_f64(),
        answers.len(),
        percentile(&answers, 50).as_millis(),
        percentile(&answers, 90).as_millis(),
        percentile(&answers, 99).as_millis(),
        answers.last().copied().unwrap_or_default().as_millis(),
        100.0 * within_a_frame as f64 / answers.len().max(1) as f64,
        percentile(&idle, 50).as_millis(),
        percentile(&idle, 90).as_millis(),
        progress_seen.len()
    ));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
