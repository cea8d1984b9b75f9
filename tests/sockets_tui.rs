//! The classic socket programs, reproduced by typing into the real binary
//! in a pseudo-terminal and reading its screen.

mod common;

use common::peers::{HttpServer, free_port};
use common::pty::Tui;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::time::Duration;

const WIDTH: u16 = 140;
const HEIGHT: u16 = 40;

fn command(tui: &mut Tui, line: &str) {
    tui.send(":");
    tui.wait_text("Tab completes");
    tui.send(line);
    tui.send("\r");
}

fn connect_when_listening(port: u16) -> TcpStream {
    let start = std::time::Instant::now();
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => {
                s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                return s;
            }
            Err(e) if start.elapsed() > Duration::from_secs(20) => panic!("{e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

#[test]
fn http_get_until_the_server_closes() {
    let server = HttpServer::start();
    let mut tui = Tui::start(&[], WIDTH, HEIGHT);
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    command(&mut tui, &format!("connect 127.0.0.1:{}", server.port));
    tui.wait_text("connected");
    tui.wait_text("Enter adds CRLF");
    for line in ["GET / HTTP/1.1", "Host: localhost", "Connection: close", ""] {
        tui.send(line);
        tui.send("\r");
    }
    tui.wait_text("<h1>hello from python</h1>␊");
    tui.wait_text("127.0.0.1:");
    tui.wait_for("the session to close", |s| s.contains("  closed"));
    let screen = tui.screen();
    assert!(screen.contains("→ GET / HTTP/1.1␍␊"), "{screen}");
    assert!(screen.contains("Connection: close␍␊"), "{screen}");
    assert!(screen.contains("HTTP/1.0 200 OK␍␊"), "{screen}");
    assert!(screen.contains("closed"), "{screen}");
    tui.send("\x1b");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn tcp_server_greets_and_answers_many_clients() {
    let port = free_port();
    let mut tui = Tui::start(&[], WIDTH, HEIGHT);
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    command(
        &mut tui,
        &format!("listen 127.0.0.1:{port} greet=Welcome! reply=Hello, {{line}}! bye=exit"),
    );
    tui.wait_text("listening on 127.0.0.1");
    let mut finished = Vec::new();
    for n in 0..3 {
        let stream = connect_when_listening(port);
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut writer = stream;
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert_eq!(line, "Welcome!\n");
        writer.write_all(format!("data{n}\n").as_bytes()).unwrap();
        line.clear();
        reader.read_line(&mut line).unwrap();
        assert_eq!(line, format!("Hello, data{n}!\n"));
        finished.push((reader, writer));
    }
    tui.wait_text("Sessions (4)");
    // Send to every client at once from the listener's input line.
    tui.send("to everyone\r");
    for (reader, _) in &mut finished {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert_eq!(line, "to everyone\n");
    }
    for (reader, writer) in &mut finished {
        writer.write_all(b"exit\n").unwrap();
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "", "closed after exit");
    }
    tui.wait_for("three closed clients", |s| {
        s.matches("closed ↓").count() == 3
    });
    // The first client's transcript, one session down.
    tui.send("\x1b");
    tui.send("j");
    tui.wait_text("→ Welcome!␊");
    tui.wait_text("← data0␊");
    tui.wait_text("→ Hello, data0!␊");
    tui.send("q");
    tui.wait_text("Quit wirepost?");
    tui.send("y");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn udp_server_answers_each_datagram() {
    let port = free_port();
    let mut tui = Tui::start(&[], WIDTH, HEIGHT);
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    command(
        &mut tui,
        &format!("udp-bind 127.0.0.1:{port} reply=Hello, {{line}}!"),
    );
    tui.wait_text("listening  on 127.0.0.1");
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut buf = [0u8; 100];
    for name in ["Michael", "Tracy"] {
        client
            .send_to(name.as_bytes(), ("127.0.0.1", port))
            .unwrap();
        let (n, _) = client.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], format!("Hello, {name}!").as_bytes());
    }
    let peer = client.local_addr().unwrap().to_string();
    tui.wait_text(&format!("← {peer} Tracy"));
    tui.wait_text(&format!("→ {peer} Hello, Tracy!"));
    tui.wait_text(&format!("input goes to {peer} (the last sender"));
    tui.wait_text(&format!("▸ {peer}"));
    // Reply by hand: to the last sender.
    tui.send("by hand\r");
    let (n, _) = client.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"by hand");
    tui.send("\x1b");
    tui.send("q");
    tui.send("y");
    tui.wait_exit();
}

#[test]
fn udp_client_sends_names_and_shows_the_replies() {
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        while let Ok((n, from)) = server.recv_from(&mut buf) {
            let reply = format!("Hello, {}!", String::from_utf8_lossy(&buf[..n]));
            let _ = server.send_to(reply.as_bytes(), from);
        }
    });
    let mut tui = Tui::start(&[], WIDTH, HEIGHT);
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    command(&mut tui, &format!("udp {addr}"));
    tui.wait_text("ready  on 0.0.0.0:");
    for name in ["Michael", "Tracy", "Sarah"] {
        tui.send(name);
        tui.send("\r");
        tui.wait_text(&format!("← {addr} Hello, {name}!"));
    }
    let screen = tui.screen();
    assert!(screen.contains(&format!("→ {addr} Michael")), "{screen}");
    assert!(
        screen.contains(&format!("1 peer · input goes to {addr} (its target")),
        "{screen}"
    );
    tui.send("\x1b");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn escape_sequences_from_a_peer_are_shown_not_obeyed() {
    let port = free_port();
    let mut tui = Tui::start(&[], WIDTH, HEIGHT);
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    command(&mut tui, &format!("listen 127.0.0.1:{port}"));
    tui.wait_text("listening on");
    let mut client = connect_when_listening(port);
    client
        .write_all(b"A\x1b[2J\x1b]52;c;aGVsbG8=\x07\x1b]0;pwned\x07\x1b[31mZ\x9b\n")
        .unwrap();
    tui.wait_text("Sessions (2)");
    tui.send("\x1b");
    tui.send("j");
    tui.wait_text("A␛[2J␛]52;c;aGVsbG8=␇␛]0;pwned␇␛[31mZ\\x9b␊");
    // The rest of the screen is intact and nothing reached the terminal.
    assert!(tui.row(0).contains("1 Sockets"), "{}", tui.row(0));
    assert!(tui.screen().contains("Sessions (2)"));
    assert!(tui.titles().is_empty(), "title changed: {:?}", tui.titles());
    let raw = tui.raw();
    assert!(
        !raw.windows(4).any(|w| w == b"\x1b]52"),
        "OSC 52 reached the terminal"
    );
    drop(client);
    tui.send("q");
    tui.send("y");
    tui.wait_exit();
}

#[test]
fn hex_view_send_file_and_save_transcript() {
    let port = free_port();
    let mut tui = Tui::start(&[], WIDTH, HEIGHT);
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    command(&mut tui, &format!("listen 127.0.0.1:{port}"));
    tui.wait_text("listening on");
    let mut client = connect_when_listening(port);
    client.write_all(b"Hello, hex!\n").unwrap();
    tui.wait_text("Sessions (2)");
    tui.send("\x1b");
    tui.send("j");
    tui.wait_text("← Hello, hex!␊");
    // Hex view: offset, bytes, ASCII.
    tui.send("v");
    tui.wait_text("00000000  48 65 6c 6c 6f 2c 20 68  65 78 21 0a");
    tui.wait_text("|Hello, hex!.    |");
    // Send a file to the selected client.
    let file = tui.home.path().join("payload.bin");
    std::fs::write(&file, b"file bytes\x00\x01").unwrap();
    command(&mut tui, &format!("send-file {}", file.display()));
    let mut got = [0u8; 12];
    client.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"file bytes\x00\x01");
    // Keys go before socket reports: save once the transcript shows the
    // file, as a user would.
    tui.wait_text("|file bytes..    |");
    // Save: raw received bytes, and a readable log of both directions.
    let saved = tui.home.path().join("capture.raw");
    command(&mut tui, &format!("save {}", saved.display()));
    // The status line's report, not a hint that mentions saving.
    tui.wait_text(&format!("saved {}", saved.display()));
    assert_eq!(std::fs::read(&saved).unwrap(), b"Hello, hex!\n");
    let log = std::fs::read_to_string(tui.home.path().join("capture.raw.log")).unwrap();
    assert!(log.contains("< Hello, hex!␊"), "{log}");
    assert!(log.contains("> file bytes␀␁"), "{log}");
    tui.send("q");
    tui.send("y");
    tui.wait_exit();
}

/// At 80×24 a 90-character line scrolls sideways around the cursor,
/// Ctrl-A goes back to its start, and Enter sends all of it.
#[test]
fn a_line_longer_than_the_box_scrolls_and_is_sent_whole() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut tui = Tui::start(&[], 80, 24);
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    command(&mut tui, &format!("connect 127.0.0.1:{port}"));
    let (server, _) = listener.accept().unwrap();
    tui.wait_text("connected");
    let line: String = (0..90).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
    tui.send(&line);
    // The end of the line is in view, the start is not.
    tui.wait_text(&line[60..]);
    tui.wait_text("…");
    tui.send("\x01"); // Ctrl-A
    tui.wait_text(&line[..40]);
    tui.send("\r");
    let mut got = String::new();
    BufReader::new(server).read_line(&mut got).unwrap();
    assert_eq!(got, format!("{line}\r\n"));
    tui.send("\x1b");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

/// An error stays readable: the messages panel (F3) lists it whole with
/// its time, and the next action takes it off the status line.
#[test]
fn errors_are_read_whole_in_the_messages_panel() {
    let port = free_port();
    let mut tui = Tui::start(&[], 80, 24);
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    command(&mut tui, &format!("connect 127.0.0.1:{port}"));
    tui.wait_for("the error on the status line", |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.contains("connection refused"))
    });
    tui.send("\x1bOR"); // F3
    tui.wait_text("Messages (");
    tui.wait_text(&format!(" error 127.0.0.1:{port}: connection refused by"));
    tui.send("\x1b");
    tui.wait_for("the panel to close", |s| !s.contains("Messages ("));
    tui.wait_for("the status line to clear", |s| {
        !s.lines()
            .last()
            .is_some_and(|l| l.contains("connection refused"))
    });
    tui.send("\x1b");
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}

#[test]
fn a_saved_target_opens_by_name_and_a_payload_runs_with_a_counter() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let config = common::pty::temp_config(
        dir.path(),
        &format!(
            "[sockets]\n\
             [[sockets.saved]]\n\
             name = \"echo-box\"\n\
             open = \"connect 127.0.0.1:{port} timeout=5\"\n\
             [[sockets.payloads]]\n\
             name = \"ping\"\n\
             data = 'PING\\r\\n'\n\
             count = 2\n"
        ),
    );
    let mut tui = Tui::start(&["--config", config.to_str().unwrap()], WIDTH, HEIGHT);
    tui.send("1"); // the Inbox opens first
    tui.wait_text("No socket sessions yet");
    command(&mut tui, "open echo-box");
    let (mut peer, _) = listener.accept().unwrap();
    tui.wait_text("connected");
    // Esc leaves the input line, so ":" opens the command line (and the
    // list keeps the keyboard after each command).
    tui.send("\x1b");
    tui.wait_text("Enter or i to type");
    command(&mut tui, "run ping count=3 every=0.2");
    tui.wait_text("run ping · 3/3 sent · done");
    peer.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while got.len() < 18 {
        let n = peer.read(&mut buf).unwrap();
        assert!(n > 0, "the peer closed early: {got:?}");
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, b"PING\r\nPING\r\nPING\r\n");
    let screen = tui.screen();
    assert!(screen.contains("→ PING␍␊"), "{screen}");
    // A long run is stopped by :run stop; the counter says where.
    command(&mut tui, "run ping count=1000 every=0.5");
    tui.wait_text(":run stop");
    command(&mut tui, "run stop");
    tui.wait_for("the run to stop", |s| s.contains("/1000 sent · stopped"));
    tui.send("q");
    assert_eq!(tui.wait_exit(), 0);
}
