//! Huge mail through the real binary: a message of many megabytes (a long
//! text part and a big base64 attachment) and messages with a 10 MB header
//! line are imported, listed and opened in the Inbox viewer in a
//! pseudo-terminal. Keys must keep being answered, the list and the viewer
//! must cut what no one can read, and memory must stay bounded. Times and
//! peak memory are reported, never asserted.
//!
//! `WIREPOST_HUGE_MAIL_MB` sets the size of the big message (default 24;
//! `scripts/soak` runs 100) and `WIREPOST_SOAK_REPORT` names a file for the
//! figures.

mod common;

use common::pty::Tui;
use common::soak::{report, status_kb};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 36;

/// `wirepost import DIR` into `data` (the XDG data dir); returns the time
/// it took and its peak RSS in KiB (polled: VmHWM only grows).
fn import(dir: &Path, data: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .arg("import")
        .arg(dir)
        .env("HOME", data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .env("XDG_DATA_HOME", data.join("data"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut peak = 0;
    let status = loop {
        peak = peak.max(status_kb(pid, "VmHWM:"));
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(status.success(), "import failed");
    (start.elapsed(), peak)
}

fn inbox(data: &Path) -> Tui {
    let xdg_data = data.join("data");
    let mut tui = Tui::start_with(
        &[],
        WIDTH,
        HEIGHT,
        &[("XDG_DATA_HOME", xdg_data.to_str().unwrap())],
    );
    tui.wait_text("3 Inbox");
    tui.send("3");
    tui
}

/// Opens and closes the help overlay; how long until the screen showed
/// each.
fn key_round_trip(tui: &mut Tui) -> Duration {
    let asked = Instant::now();
    tui.send("?");
    tui.wait_text("┌ Keys ");
    tui.send("?");
    tui.wait_for("the help to close", |s| !s.contains("┌ Keys "));
    asked.elapsed()
}

/// Opens the selected message while timing key round trips; returns how
/// long the body took to show and the round trips.
fn open_timed(tui: &mut Tui, body_text: &str) -> (Duration, Vec<Duration>) {
    let start = Instant::now();
    tui.send("\r");
    let mut answers = Vec::new();
    while !tui.screen().contains(body_text) {
        answers.push(key_round_trip(tui));
        if start.elapsed() > Duration::from_secs(120) {
            panic!("the message never opened; screen:\n{}", tui.screen());
        }
    }
    (start.elapsed(), answers)
}

fn slowest(answers: &[Duration]) -> u128 {
    answers
        .iter()
        .max()
        .copied()
        .unwrap_or_default()
        .as_millis()
}

/// A multipart message of about `total` bytes: a third text lines, the
/// rest a base64 attachment.
fn big_message(total: usize) -> Vec<u8> {
    let mut m = b"From: Big Sender <big@example.test>\r\nTo: me@example.test\r\n\
Subject: huge one\r\nDate: Tue, 1 Jul 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
        .to_vec();
    let mut line = 0;
    while m.len() < total / 3 {
        m.extend_from_slice(format!("HUGETEXT line {line} of the big message\r\n").as_bytes());
        line += 1;
    }
    m.extend_from_slice(
        b"--b\r\nContent-Type: application/octet-stream\r\n\
Content-Disposition: attachment; filename=\"big.bin\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n",
    );
    let row: Vec<u8> = (0..57u8).map(|i| i.wrapping_mul(37)).collect();
    let encoded = base64_line(&row);
    while m.len() < total {
        m.extend_from_slice(encoded.as_bytes());
    }
    m.extend_from_slice(b"--b--\r\n");
    m
}

fn base64_line(bytes: &[u8]) -> String {
    use base64::Engine;
    format!(
        "{}\r\n",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

#[test]
fn a_huge_message_opens_with_keys_answered_and_memory_bounded() {
    let megabytes: usize = std::env::var("WIREPOST_HUGE_MAIL_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let data = tempfile::tempdir().unwrap();
    let source = data.path().join("big");
    std::fs::create_dir_all(&source).unwrap();
    let raw = big_message(megabytes << 20);
    std::fs::write(source.join("huge.eml"), &raw).unwrap();
    let (import_time, import_kb) = import(&source, data.path());

    let mut tui = inbox(data.path());
    let pid = tui.pid();
    tui.wait_text("huge one");
    let before_kb = status_kb(pid, "VmRSS:");
    let (opened, answers) = open_timed(&mut tui, "HUGETEXT line 0 of");
    tui.wait_text("big.bin");
    // The whole body is not laid out: its end is named, not shown.
    let end = Instant::now();
    tui.send("G");
    tui.wait_text("more not shown]");
    let to_end = end.elapsed();
    let after_open = key_round_trip(&mut tui);
    let hwm_kb = status_kb(pid, "VmHWM:");
    let rss_kb = status_kb(pid, "VmRSS:");
    report(&format!(
        "huge message: {:.1} MB ({} MB text, base64 attachment) imported in {:.1} s, import peak \
         {} MiB; opened in the viewer in {:.1} s with {} key round trips meanwhile (slowest {} ms); \
         G to its end {} ms, a key after {} ms; interface RSS {} MiB before, peak {} MiB, {} MiB after",
        raw.len() as f64 / 1e6,
        megabytes / 3,
        import_time.as_secs_f64(),
        import_kb / 1024,
        opened.as_secs_f64(),
        answers.len(),
        slowest(&answers),
        to_end.as_millis(),
        after_open.as_millis(),
        before_kb / 1024,
        hwm_kb / 1024,
        rss_kb / 1024,
    ));
    // Bounded: the parse holds the message and its decoded parts once,
    // the viewer a capped text; not a copy per line or per frame.
    assert!(
        hwm_kb < ((3 * raw.len() as u64) >> 10) + 128 * 1024,
        "peak RSS {hwm_kb} KiB for a {} byte message",
        raw.len()
    );
    tui.send("\x1b");
    tui.wait_for("the viewer to close", |s| !s.contains("big.bin"));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn a_ten_megabyte_header_line_is_listed_and_shown_cut() {
    const HEADER: usize = 10 << 20;
    let data = tempfile::tempdir().unwrap();
    let source = data.path().join("wide");
    std::fs::create_dir_all(&source).unwrap();
    let mut subject = String::from("Subject: LONGSUBJ");
    let mut i = 0;
    while subject.len() < HEADER {
        subject.push_str(&format!(" word{i}"));
        i += 1;
    }
    let mut to = String::from("To: first@example.test");
    while to.len() < HEADER {
        to.push_str(&format!(", user{i}@example.test"));
        i += 1;
    }
    std::fs::write(
        source.join("subject.eml"),
        format!(
            "From: a@example.test\r\n{subject}\r\nDate: Tue, 1 Jul 2025 10:00:00 +0000\r\n\r\nSUBJBODY\r\n"
        ),
    )
    .unwrap();
    std::fs::write(
        source.join("to.eml"),
        format!(
            "From: a@example.test\r\nSubject: WIDETO\r\n{to}\r\nDate: Wed, 2 Jul 2025 10:00:00 +0000\r\n\r\nTOBODY\r\n"
        ),
    )
    .unwrap();
    let (import_time, import_kb) = import(&source, data.path());
    // The index keeps a cut copy, not 20 MB of header.
    let index = data.path().join("data/wirepost/mail/index.sqlite");
    let index_bytes = std::fs::metadata(&index).unwrap().len();
    assert!(index_bytes < 4 << 20, "index.sqlite is {index_bytes} bytes");

    let mut tui = inbox(data.path());
    let pid = tui.pid();
    let listed = Instant::now();
    tui.wait_text("WIDETO");
    tui.wait_text("LONGSUBJ word0 word1");
    let list_time = listed.elapsed();
    // One row each, cut to the screen.
    let rows: Vec<String> = (0..HEIGHT)
        .map(|r| tui.row(r))
        .filter(|r| r.contains("LONGSUBJ"))
        .collect();
    assert_eq!(rows.len(), 1, "{}", tui.screen());

    // The newest (WIDETO) is selected first.
    // The header fills screens before the body: G reaches it.
    let (to_opened, to_answers) = open_timed(&mut tui, "To: first@example.test, user");
    tui.send("G");
    tui.wait_text("TOBODY");
    tui.send("kkkk");
    tui.wait_text("MB more not");
    tui.send("\x1b");
    tui.wait_for("the viewer to close", |s| !s.contains("TOBODY"));
    tui.send("j");
    let (subject_opened, subject_answers) = open_timed(&mut tui, "Subject: LONGSUBJ word0");
    tui.send("G");
    tui.wait_text("SUBJBODY");
    let hwm_kb = status_kb(pid, "VmHWM:");
    report(&format!(
        "10 MB header lines: a Subject and a To of {} MB each imported in {:.1} s (peak {} MiB), \
         index.sqlite {} KiB; listed in {} ms; opened in {} ms (To) and {} ms (Subject), {} key \
         round trips meanwhile, slowest {} ms; interface peak RSS {} MiB",
        HEADER >> 20,
        import_time.as_secs_f64(),
        import_kb / 1024,
        index_bytes / 1024,
        list_time.as_millis(),
        to_opened.as_millis(),
        subject_opened.as_millis(),
        to_answers.len() + subject_answers.len(),
        slowest(&[to_answers, subject_answers].concat()),
        hwm_kb / 1024,
    ));
    assert!(hwm_kb < 256 * 1024, "peak RSS {hwm_kb} KiB");
    tui.send("\x1b");
    tui.wait_for("the viewer to close", |s| !s.contains("SUBJBODY"));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
