//! The TCP listener of the real binary under many concurrent clients, each
//! sending a stream of lines and checking every answer byte for byte,
//! while keys keep being answered and memory is measured.
//!
//! `WIREPOST_LOAD_CLIENTS` × `WIREPOST_LOAD_KB` (default 200 × 64 KiB;
//! `scripts/soak` runs 1,000 × 1 MiB); figures go to stderr and to
//! `WIREPOST_SOAK_REPORT` when set.

mod common;

use common::peers::free_port;
use common::pty::Tui;
use common::soak::{env_or, status_kb};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Line `i` of client `n`: 1 KiB including its line feed.
fn line(n: usize, i: usize) -> Vec<u8> {
    let mut line = format!("c{n:05} l{i:07} ").into_bytes();
    line.resize(1023, b'.');
    line.push(b'\n');
    line
}

/// One client: sends `kb` lines and `exit`, reads until the server hangs
/// up; returns the bytes it sent and whether every answer was exact.
async fn client(n: usize, port: u16, kb: usize, barrier: Arc<tokio::sync::Barrier>) -> usize {
    let socket = loop {
        match tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            Ok(s) => break s,
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    };
    barrier.wait().await;
    let (mut reader, mut writer) = socket.into_split();
    let sender = tokio::spawn(async move {
        let mut sent = 0;
        for i in 0..kb {
            let line = line(n, i);
            writer.write_all(&line).await.unwrap();
            sent += line.len();
        }
        writer.write_all(b"exit\n").await.unwrap();
        sent
    });
    let mut answers = Vec::new();
    reader.read_to_end(&mut answers).await.unwrap();
    let sent = sender.await.unwrap();
    let mut expected = Vec::with_capacity(kb * 1027);
    for i in 0..kb {
        expected.extend_from_slice(b"ok ");
        expected.extend_from_slice(&line(n, i));
    }
    assert_eq!(answers.len(), expected.len(), "client {n}: answer length");
    assert!(answers == expected, "client {n}: answers differ");
    sent
}

/// Sends `key` and returns how long the screen took to show its effect,
/// looking every millisecond.
fn key_round_trip(tui: &mut Tui, key: &str, shown: impl Fn(&str) -> bool) -> Duration {
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

#[test]
fn listener_under_many_concurrent_clients_answers_every_line() {
    let clients = env_or::<usize>("WIREPOST_LOAD_CLIENTS", 200);
    let kb = env_or::<usize>("WIREPOST_LOAD_KB", 64);
    let port = free_port();
    let mut tui = Tui::start(&[], 140, 40);
    let pid = tui.pid();
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    tui.send(":");
    tui.wait_text("Tab completes");
    tui.send(&format!(
        "listen 127.0.0.1:{port} reply=ok {{line}} bye=exit\r"
    ));
    tui.wait_text("listening on");
    let start = Instant::now();
    let load = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let barrier = Arc::new(tokio::sync::Barrier::new(clients));
            let tasks: Vec<_> = (0..clients)
                .map(|n| tokio::spawn(client(n, port, kb, barrier.clone())))
                .collect();
            let mut total = 0;
            for task in tasks {
                total += task.await.unwrap();
            }
            total
        })
    });
    let mut answers = Vec::new();
    let mut peak_rss_kb = 0;
    while !load.is_finished() {
        peak_rss_kb = peak_rss_kb.max(status_kb(pid, "VmRSS:"));
        // Two keys, each timed from the keystroke to the screen showing it.
        answers.push(key_round_trip(&mut tui, ":", |s| {
            s.contains("Tab completes")
        }));
        answers.push(key_round_trip(&mut tui, "\x1b", |s| {
            !s.contains("Tab completes")
        }));
        std::thread::sleep(Duration::from_millis(200));
    }
    let sent = load.join().unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(sent, clients * kb * 1024);
    tui.wait_text(&format!("Sessions ({})", clients + 1));
    let hwm_kb = status_kb(pid, "VmHWM:").max(peak_rss_kb);
    answers.sort();
    let slowest = answers.last().copied().unwrap_or_default();
    let median = answers.get(answers.len() / 2).copied().unwrap_or_default();
    let line = format!(
        "load: {clients} clients × {kb} KiB in lines, every answer exact ({} MiB each way) \
         in {secs:.1} s; peak RSS {} MiB; {} key round trips during the load, median {} ms, \
         slowest {} ms",
        sent >> 20,
        hwm_kb / 1024,
        answers.len(),
        median.as_millis(),
        slowest.as_millis()
    );
    eprintln!("{line}");
    if let Ok(path) = std::env::var("WIREPOST_SOAK_REPORT")
        && let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        let _ = writeln!(file, "{line}");
    }
    // Leave the input line (focused after `listen`), then quit.
    tui.send("\x1b");
    tui.wait_text("Enter or i to type");
    tui.send("q");
    tui.wait_text("Quit wirepost?");
    tui.send("y");
    tui.wait_exit();
}
