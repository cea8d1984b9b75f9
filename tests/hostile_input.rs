//! What a hostile or broken peer can do to the real binary in a
//! pseudo-terminal: every kind of terminal control sequence must show up as
//! text and change nothing, and a flood without line breaks must leave
//! memory bounded and keys answered.
//!
//! `WIREPOST_FLOOD_MB` sets the flood size (default 64 MiB; `scripts/soak`
//! runs 1 GiB) and `WIREPOST_SOAK_REPORT` names a file for the figures.

mod common;

use common::peers::free_port;
use common::pty::{Tui, count};
use common::soak::{report, status_kb};
use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

const WIDTH: u16 = 140;
const HEIGHT: u16 = 40;

fn command(tui: &mut Tui, line: &str) {
    tui.send(":");
    tui.wait_text("Tab completes");
    tui.send(line);
    tui.send("\r");
}

fn connect_when_listening(port: u16) -> TcpStream {
    let start = Instant::now();
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => return s,
            Err(e) if start.elapsed() > Duration::from_secs(20) => panic!("{e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// A listener with one connected client whose session is selected.
fn listener_with_client(tui: &mut Tui, options: &str) -> TcpStream {
    let port = free_port();
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    command(tui, &format!("listen 127.0.0.1:{port} {options}"));
    tui.wait_text("listening on");
    let client = connect_when_listening(port);
    tui.wait_text("Sessions (2)");
    tui.send("\x1b");
    tui.send("j");
    client
}

#[test]
fn every_kind_of_terminal_sequence_from_a_peer_changes_nothing() {
    let mut tui = Tui::start(&[], WIDTH, HEIGHT);
    let mut client = listener_with_client(&mut tui, "");
    let hostile: &[&[u8]] = &[
        b"S1\x1bP1$qm\x1b\\",                   // DCS request, ST-terminated
        b"S2\x1b]52;c;cHdu\x1b\\",              // OSC 52 clipboard, ST-terminated
        b"S3\x1b]2;owned\x07",                  // OSC 2 title
        b"S4\x9d0;c1-title\x9c",                // C1 OSC ... ST
        b"S5\x90qC1-DCS\x9c",                   // C1 DCS
        b"S6\x1b_apc\x1b\\\x1b^pm\x1b\\",       // APC, PM
        b"S7\x1b[?1049l\x1b[?25l\x1b[2J\x1b[H", // leave alt screen, hide cursor, clear
        b"S8\x1b[6n\x1b[c\x1b[>c",              // ask the terminal to answer
        b"S9\x1b[?1000h\x1b[?2004l",            // mouse reporting, bracketed paste
        "SA\u{202e}txt.exe\u{2066}".as_bytes(), // bidi overrides
        b"SB\xff\xfe\xc3\x28\xe2\x82",          // invalid UTF-8
        b"SC\x1bc\x1b#8\x0e",                   // reset, DECALN, shift-out
        "SD\u{9d}0;utf8-c1\u{9c}".as_bytes(),   // C1 OSC encoded as UTF-8
    ];
    // One line each, so that no row wraps in the middle of a check.
    for piece in hostile {
        client.write_all(piece).unwrap();
        client.write_all(b"\n").unwrap();
    }
    client.flush().unwrap();
    tui.wait_text("SB\\xff\\xfe\\xc3(\\xe2\\x82");
    let screen = tui.screen();
    for shown in [
        "S1␛P1$qm␛\\",
        "S2␛]52;c;cHdu␛\\",
        "S3␛]2;owned␇",
        "S4\\x9d0;c1-title\\x9c",
        "SD<U+009D>0;utf8-c1<U+009C>",
        "S5\\x90qC1-DCS\\x9c",
        "S7␛[?1049l␛[?25l␛[2J␛[H",
        "SA<U+202E>txt.exe<U+2066>",
        "SC␛c␛#8␎",
    ] {
        assert!(screen.contains(shown), "{shown} missing:\n{screen}");
    }
    // The frame around the data is intact, and nothing got through.
    assert!(tui.row(0).contains("1 Sockets"), "{}", tui.row(0));
    assert!(screen.contains("Sessions (2)"), "{screen}");
    assert!(tui.titles().is_empty(), "title changed: {:?}", tui.titles());
    let raw = tui.raw();
    for (name, seq) in [
        ("OSC 52", &b"\x1b]52"[..]),
        ("OSC 2", b"\x1b]2;"),
        ("DCS", b"\x1bP"),
        ("APC", b"\x1b_"),
        ("device query", b"\x1b[6n"),
        ("reset", b"\x1bc"),
        ("C1 OSC", "\u{9d}".as_bytes()),
        ("bidi override", "\u{202e}".as_bytes()),
    ] {
        assert_eq!(count(&raw, seq), 0, "{name} reached the terminal");
    }
    // Still answering keys.
    tui.send(":");
    tui.wait_text("Tab completes");
    tui.send("\x1b");
    tui.wait_for("the command line to close", |s| {
        !s.contains("Tab completes")
    });
    drop(client);
    tui.send("q");
    tui.send("y");
    tui.wait_exit();
}

#[test]
fn a_flood_without_line_breaks_keeps_memory_bounded_and_keys_answered() {
    let megabytes: usize = std::env::var("WIREPOST_FLOOD_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let total = megabytes << 20;
    let mut tui = Tui::start(&[], WIDTH, HEIGHT);
    let pid = tui.pid();
    // A reply rule makes the listener collect lines: that must be capped too.
    let client = listener_with_client(&mut tui, "reply=ok {line}");
    let baseline_kb = status_kb(pid, "VmRSS:");
    let start = Instant::now();
    let writer = std::thread::spawn(move || {
        let mut client = client;
        // No line feed anywhere; an escape sequence now and then.
        let mut block = vec![b'x'; 64 << 10];
        block[1000..1014].copy_from_slice(b"\x1b]0;flood\x07\x1b[2J");
        let mut sent = 0;
        while sent < total {
            let n = block.len().min(total - sent);
            client.write_all(&block[..n]).unwrap();
            sent += n;
        }
        sent
    });
    // While the flood runs, keys are answered: open and close the command
    // line a few times and note how long the screen took to show it.
    let mut answers = Vec::new();
    let mut peak_rss_kb = 0;
    while !writer.is_finished() {
        peak_rss_kb = peak_rss_kb.max(status_kb(pid, "VmRSS:"));
        let asked = Instant::now();
        tui.send(":");
        tui.wait_text("Tab completes");
        tui.send("\x1b");
        tui.wait_for("the command line to close", |s| {
            !s.contains("Tab completes")
        });
        answers.push(asked.elapsed());
        std::thread::sleep(Duration::from_millis(200));
    }
    let sent = writer.join().unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(sent, total);
    // Every byte arrived and was counted.
    let shown = format!(
        "closed ↓{}",
        wirepost::net::escape::human_bytes(total as u64)
    );
    tui.wait_text(&shown);
    let hwm_kb = status_kb(pid, "VmHWM:");
    let slowest = answers.iter().max().copied().unwrap_or_default();
    report(&format!(
        "flood: {megabytes} MiB without a line feed in {secs:.1} s; RSS before {} MiB, \
         peak {} MiB (VmHWM); {} key round trips during the flood, slowest {} ms",
        baseline_kb / 1024,
        hwm_kb.max(peak_rss_kb) / 1024,
        answers.len(),
        slowest.as_millis()
    ));
    // Bounded: the 8 MiB transcript and the 4 MiB pipe, not the flood.
    assert!(
        hwm_kb < 256 * 1024,
        "peak RSS {hwm_kb} KiB for a {megabytes} MiB flood"
    );
    assert!(tui.titles().is_empty(), "title changed: {:?}", tui.titles());
    tui.send("q");
    tui.send("y");
    tui.wait_exit();
}
