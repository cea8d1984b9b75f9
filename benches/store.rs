//! Store and viewer benchmarks (a small harness, run with
//! `cargo bench --bench store`): index insert of 100,000 messages, the
//! first frame and memory of a 100,000-message folder, search and
//! threading over it, and parse+view of a 25 MB message.
//!
//! `WIREPOST_BENCH_MESSAGES` changes the message count;
//! `WIREPOST_BENCH_ROUNDS` how often each read-side figure is measured
//! (5 by default): every round is printed, then the median.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use wirepost::app::{App, EngineEvent, Event, Keymap, Tab};
use wirepost::config::{Config, ConfigOrigin, LoadedConfig};
use wirepost::mailview::MessageView;
use wirepost::store::service::{ListLine, StoreEvent};
use wirepost::store::{Flags, ListQuery, NewMessage, ServerIdentity, SortOrder, Store};

const BATCH: usize = 1000;

fn main() {
    if let Ok(dir) = std::env::var("WIREPOST_BENCH_FIRST_FRAME") {
        first_frame_child(Path::new(&dir));
        return;
    }
    // `cargo bench` passes --bench; `cargo test --all-targets` runs this
    // too, without it: then a small smoke run checks that it still works.
    let benching = std::env::args().any(|a| a == "--bench");
    let count: usize = std::env::var("WIREPOST_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 100_000 } else { 300 });
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("mail");
    insert(&store_dir, count);
    // The first frame runs in a fresh process so its memory is its own.
    let rounds = rounds(benching);
    let mut first = Vec::new();
    let mut jump = Vec::new();
    for _ in 0..rounds {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .env("WIREPOST_BENCH_FIRST_FRAME", &store_dir)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        print!("{text}");
        for line in text.lines() {
            if let Some(ms) = line.strip_prefix("first-frame-ms ") {
                first.push(ms.parse::<f64>().unwrap());
            } else if let Some(ms) = line.strip_prefix("jump-ms ") {
                jump.push(ms.parse::<f64>().unwrap());
            }
        }
    }
    summary("first frame", &mut first);
    summary("jump to the last page", &mut jump);
    search_and_threads(&store_dir, rounds);
    big_message(rounds);
}

/// How many times each read-side figure is measured.
fn rounds(benching: bool) -> usize {
    std::env::var("WIREPOST_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 5 } else { 1 })
        .max(1)
}

/// Prints every round of `what` (in milliseconds) and their median.
fn summary(what: &str, rounds_ms: &mut [f64]) {
    if rounds_ms.is_empty() {
        return;
    }
    let listed: Vec<String> = rounds_ms.iter().map(|ms| format!("{ms:.1}")).collect();
    rounds_ms.sort_by(f64::total_cmp);
    println!(
        "{what}: median {:.1} ms of {} (rounds: {} ms)",
        rounds_ms[rounds_ms.len() / 2],
        rounds_ms.len(),
        listed.join(", ")
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn message(n: usize) -> String {
    let thread = n / 5;
    let reply = !n.is_multiple_of(5);
    let mut text = format!(
        "From: Sender {s} <sender{s}@example.com>\r\nTo: list@example.org\r\n\
Subject: {re}Topic number {thread} about quarterly planning\r\n\
Date: {date}\r\nMessage-ID: <m{n}@example.com>\r\n",
        s = n % 997,
        re = if reply { "Re: " } else { "" },
        date = rfc2822(1_600_000_000 + n as i64 * 600),
    );
    if reply {
        text.push_str(&format!(
            "In-Reply-To: <m{p}@example.com>\r\nReferences: <m{r}@example.com> <m{p}@example.com>\r\n",
            p = n - 1,
            r = thread * 5
        ));
    }
    text.push_str("\r\n");
    for line in 0..20 {
        text.push_str(&format!(
            "Line {line} of message {n}: the budget for item {} needs review by team {}.\r\n",
            n * 7 % 1000,
            n % 13
        ));
    }
    text
}

fn rfc2822(unix: i64) -> String {
    let days = unix / 86_400;
    let secs = unix % 86_400;
    // 1970-01-01 was a Thursday.
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let date = wirepost::mailview::format_date(unix);
    let (y, rest) = date.split_at(4);
    let month: usize = rest[1..3].parse().unwrap();
    let day: u32 = rest[4..6].parse().unwrap();
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day} {} {y} {:02}:{:02}:{:02} +0000",
        months[month - 1],
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn insert(store_dir: &Path, count: usize) {
    let store = Store::open(store_dir).unwrap();
    let started = Instant::now();
    let mut n = 0;
    let mut bytes = 0;
    while n < count {
        let raws: Vec<String> = (n..(n + BATCH).min(count)).map(message).collect();
        bytes += raws.iter().map(String::len).sum::<usize>();
        let batch: Vec<NewMessage<'_>> = raws
            .iter()
            .enumerate()
            .map(|(i, raw)| NewMessage {
                account: "bench",
                folder: "INBOX",
                identity: ServerIdentity::Imap {
                    uidvalidity: 1,
                    uid: (n + i + 1) as u32,
                },
                raw: raw.as_bytes(),
                flags: Flags {
                    seen: !(n + i).is_multiple_of(4),
                    ..Flags::default()
                },
                internal_date: None,
            })
            .collect();
        store.store_batch(&batch).unwrap();
        n += batch.len();
    }
    let elapsed = started.elapsed();
    println!(
        "insert: {count} messages ({:.0} MB) in batches of {BATCH}, files fsynced per batch: {} ({:.0} messages/s)",
        bytes as f64 / 1e6,
        fmt(elapsed),
        count as f64 / elapsed.as_secs_f64()
    );
}

/// From opening the store to the first drawn frame of the folder, as the
/// Inbox does it: folder counts, list length, one page, render.
fn first_frame_child(store_dir: &Path) {
    let started = Instant::now();
    let store = Store::open(store_dir).unwrap();
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    app.tab = Tab::Inbox;
    app.size = (160, 50);
    let folders = store.folders().unwrap();
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Folders(
        folders,
    ))));
    let query = ListQuery {
        account: "bench".into(),
        folder: "INBOX".into(),
        ..ListQuery::default()
    };
    let total = store.count(&query).unwrap();
    let req = app.inbox.list.req;
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Listed {
        req,
        total,
        kept_at: None,
    })));
    let rows: Vec<ListLine> = store
        .page(&query, 0, wirepost::app::inbox::PAGE_ROWS)
        .unwrap()
        .into_iter()
        .map(|row| ListLine { row, depth: 0 })
        .collect();
    app.update(Event::Engine(EngineEvent::Store(StoreEvent::Page {
        req,
        offset: 0,
        rows,
    })));
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).unwrap();
    terminal.draw(|f| wirepost::ui::render(&app, f)).unwrap();
    let first = started.elapsed();
    // Jump to the end, as `G` does: one more page.
    let jump = Instant::now();
    let rows: Vec<ListLine> = store
        .page(&query, total.saturating_sub(240), 240)
        .unwrap()
        .into_iter()
        .map(|row| ListLine { row, depth: 0 })
        .collect();
    app.inbox.list.select(total.saturating_sub(1), 40);
    let offset = app.inbox.list.needed_page(40).unwrap();
    assert_eq!(offset, total.saturating_sub(240));
    app.inbox.list.on_page(offset, rows);
    terminal.draw(|f| wirepost::ui::render(&app, f)).unwrap();
    let jumped = jump.elapsed();
    let screen = format!("{:?}", terminal.backend().buffer());
    assert!(screen.contains("Topic number"), "the list shows messages");
    println!(
        "first frame of a {total}-message folder (open store, counts, page, render 160x50): {}; peak RSS {} MB",
        fmt(first),
        peak_rss_mb()
    );
    println!("jump to the last page and draw: {}", fmt(jumped));
    println!("first-frame-ms {}", ms(first));
    println!("jump-ms {}", ms(jumped));
}

fn search_and_threads(store_dir: &Path, rounds: usize) {
    let store = Store::open(store_dir).unwrap();
    let mut query = ListQuery {
        account: "bench".into(),
        folder: "INBOX".into(),
        search: Some("budget team 7".into()),
        sort: SortOrder::NewestFirst,
        ..ListQuery::default()
    };
    let mut search = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let hits = store.count(&query).unwrap();
        let page = store.page(&query, 0, 240).unwrap();
        search.push(ms(started.elapsed()));
        println!(
            "search \"budget team 7\" (count {hits} + first page of {}): {}",
            page.len(),
            fmt(started.elapsed())
        );
    }
    summary("search", &mut search);
    query.search = None;
    let mut threads = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let fields = store.thread_fields(&query).unwrap();
        let lines = wirepost::store::thread_order(&fields, SortOrder::NewestFirst);
        threads.push(ms(started.elapsed()));
        println!(
            "threads of {} messages (read fields + JWZ): {}",
            lines.len(),
            fmt(started.elapsed())
        );
    }
    summary("threads", &mut threads);
}

/// A 25 MB message: text and HTML bodies plus ten 1.8 MB attachments.
fn big_message(runs: usize) {
    let mut raw = String::from(
        "From: Big <big@example.com>\r\nTo: you@example.com\r\nSubject: quarterly archive\r\n\
Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n\
Content-Type: multipart/alternative; boundary=alt\r\n\r\n--alt\r\nContent-Type: text/plain\r\n\r\n",
    );
    for i in 0..2000 {
        raw.push_str(&format!(
            "Paragraph {i}: numbers and notes for the archive.\r\n"
        ));
    }
    raw.push_str("--alt\r\nContent-Type: text/html\r\n\r\n<html><body>");
    for i in 0..2000 {
        raw.push_str(&format!(
            "<p>Paragraph {i} with <a href=\"https://example.com/{i}\">a link</a>.</p>"
        ));
    }
    raw.push_str("</body></html>\r\n--alt--\r\n");
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for a in 0..10 {
        raw.push_str(&format!(
            "--outer\r\nContent-Type: application/octet-stream\r\n\
Content-Disposition: attachment; filename=\"part{a}.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        ));
        for _ in 0..(2_400_000 / 77) {
            for _ in 0..76 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                raw.push(alphabet[(seed % 64) as usize] as char);
            }
            raw.push_str("\r\n");
        }
    }
    raw.push_str("--outer--\r\n");
    let raw = raw.into_bytes();
    let mut times = Vec::new();
    let mut attachments = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let view = MessageView::build(&raw, 100);
        times.push(started.elapsed());
        attachments = view.attachments.len();
    }
    times.sort();
    println!(
        "parse + view of a {:.1} MB message ({attachments} attachments, text + HTML): median {} of {runs}",
        raw.len() as f64 / 1e6,
        fmt(times[runs / 2])
    );
}

fn fmt(d: Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    }
}

/// Peak resident memory of this process (VmHWM), in MB.
fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or("?".into(), |kb| format!("{:.1}", kb / 1024.0))
}
