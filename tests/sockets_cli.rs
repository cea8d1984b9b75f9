//! The headless pipes (`wirepost tcp|listen|udp`) as a script would use
//! them: stdin to the socket, the socket to stdout, clean EOF semantics.

mod common;

use common::mailstack::Mailstack;
use common::peers::free_port;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn wirepost(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn connect_when_listening(port: u16) -> TcpStream {
    let start = std::time::Instant::now();
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => return s,
            Err(e) if start.elapsed() > Duration::from_secs(20) => panic!("{e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

#[test]
fn tcp_stdin_eof_half_closes_and_server_close_exits_zero() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        socket.read_to_end(&mut got).unwrap(); // ends with our FIN
        socket.write_all(b"you said: ").unwrap();
        socket.write_all(&got).unwrap();
    });
    let payload: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let out = wirepost(&["tcp", &format!("127.0.0.1:{port}")], &payload);
    server.join().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(&out.stdout[..10], b"you said: ");
    assert!(
        out.stdout[10..] == payload[..],
        "every byte came back in order"
    );
}

#[test]
fn tcp_errors_exit_nonzero_with_a_message() {
    let port = free_port();
    let out = wirepost(&["tcp", &format!("127.0.0.1:{port}")], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("connection refused"));
    let out = wirepost(&["tcp", "example.com"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a port"));
}

#[test]
fn listen_pipes_to_the_client_and_exits_when_it_leaves() {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["listen", &format!("127.0.0.1:{port}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut client = connect_when_listening(port);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"hi from the server\n")
        .unwrap();
    // stdin is closed now: the client sees the line, then FIN.
    let mut got = String::new();
    client.read_to_string(&mut got).unwrap();
    assert_eq!(got, "hi from the server\n");
    client.write_all(b"bye\n").unwrap();
    drop(client);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"bye\n");
    assert!(String::from_utf8_lossy(&out.stderr).contains("connection from 127.0.0.1:"));
}

#[test]
fn udp_client_and_udp_server_with_a_reply_rule() {
    let port = {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let mut server = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args([
            "listen",
            "--udp",
            &format!("127.0.0.1:{port}"),
            "--reply",
            "Hello, {line}!",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the server reports it is bound.
    let mut stderr = server.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut byte = [0u8; 1];
    while !String::from_utf8_lossy(&seen).contains("listening on") {
        assert_eq!(stderr.read(&mut byte).unwrap(), 1, "server ended early");
        seen.push(byte[0]);
    }
    let out = wirepost(
        &["udp", &format!("127.0.0.1:{port}"), "--wait", "2"],
        b"Michael\nTracy\nSarah\n",
    );
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Hello, Michael!\nHello, Tracy!\nHello, Sarah!\n"
    );
}

#[test]
fn tcp_starttls_smtp_against_postfix() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let out = wirepost(
        &[
            "tcp",
            &format!("localhost:{}", stack.submission_port),
            "--starttls",
            "smtp",
            "--ca",
            stack.ca.to_str().unwrap(),
        ],
        b"EHLO pipe.test\r\nQUIT\r\n",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // Only the encrypted part reaches stdout, starting with our EHLO's answer.
    assert!(stdout.starts_with("250-"), "{stdout}");
    assert!(stdout.contains("AUTH"), "{stdout}");
    assert!(stdout.contains("221 "), "{stdout}");
    assert!(stderr.contains("TLS 1."), "{stderr}");
}

/// Found when piping `EHLO` and `QUIT` into `--starttls smtp`: on end of
/// stdin the TLS close_notify went out at once. Postfix answers QUIT and
/// closes without reading on; with the close_notify unread in its socket,
/// its kernel resets the connection and drops the replies it had not sent
/// yet. This server does the same: it answers the request only once the
/// client's stdin has closed, corks its socket, answers and closes without
/// reading on. The close_notify must wait for the peer to go quiet.
#[test]
fn tls_end_of_input_never_costs_the_servers_replies() {
    use common::tls_peer::{TestCa, read_until, send, serve_one, server_config};
    let ca = TestCa::new("wirepost test CA");
    let config = server_config(ca.leaf(&["localhost"], |_| {}));
    let (request_read_tx, request_read) = std::sync::mpsc::channel();
    let (stdin_closed, stdin_closed_rx) = std::sync::mpsc::channel::<()>();
    let (port, server) = serve_one(config, move |mut tls| {
        let request = read_until(&mut tls, b"QUIT\r\n");
        request_read_tx.send(()).unwrap();
        stdin_closed_rx.recv().unwrap();
        let cork: libc::c_int = 1;
        let fd = std::os::fd::AsRawFd::as_raw_fd(&tls.sock);
        // SAFETY: a valid socket and an int option of the right size.
        unsafe {
            libc::setsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_CORK,
                (&cork as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            );
        }
        send(&mut tls, b"221 2.0.0 Bye\r\n");
        request
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args([
            "tcp",
            &format!("localhost:{port}"),
            "--tls",
            "--ca",
            ca.pem_path.to_str().unwrap(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"QUIT\r\n").unwrap();
    request_read
        .recv_timeout(Duration::from_secs(30))
        .expect("the server got the request");
    drop(stdin);
    stdin_closed.send(()).unwrap();
    let out = child.wait_with_output().unwrap();
    let request = server.join().unwrap();
    assert_eq!(request, b"QUIT\r\n");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "221 2.0.0 Bye\r\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

/// A TLS peer that only listens (`socat -u OPENSSL-LISTEN:… /dev/null`)
/// reads to the end and wants a close_notify before the FIN: a bare FIN
/// looks like a cut connection, and OpenSSL answers it with an alert.
#[test]
fn tls_end_of_input_closes_cleanly_for_a_listening_peer() {
    use common::tls_peer::{TestCa, serve_one, server_config};
    let ca = TestCa::new("wirepost test CA");
    let config = server_config(ca.leaf(&["localhost"], |_| {}));
    let (port, server) = serve_one(config, |mut tls| {
        let mut got = Vec::new();
        let end = tls.read_to_end(&mut got).map(|_| ());
        tls.conn.send_close_notify();
        let _ = tls.flush();
        (got.len(), end.map_err(|e| e.to_string()))
    });
    let payload = vec![b'x'; 300_000];
    let out = wirepost(
        &[
            "tcp",
            &format!("localhost:{port}"),
            "--tls",
            "--ca",
            ca.pem_path.to_str().unwrap(),
        ],
        &payload,
    );
    let (received, end) = server.join().unwrap();
    assert_eq!(received, payload.len());
    assert_eq!(end, Ok(()), "the server saw no close_notify");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A server that hangs up with our bytes unread resets the connection and
/// may drop what it had not sent: that is an error, never a clean end.
#[test]
fn a_reset_is_reported_and_exits_nonzero() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (socket, _) = listener.accept().unwrap();
        let mut peek = [0u8; 16];
        while socket.peek(&mut peek).unwrap() < 5 {}
        // Dropped with "hello" unread: the kernel sends a reset.
    });
    let out = wirepost(&["tcp", &format!("127.0.0.1:{port}")], b"hello");
    server.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("reset"), "{stderr}");
}

/// `--greet '+OK ready\r\n'` sends exactly those bytes: no second line
/// ending after one that was written.
#[test]
fn a_greeting_is_sent_exactly_as_written() {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args([
            "listen",
            &format!("127.0.0.1:{port}"),
            "--greet",
            r"+OK ready\r\n",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut client = connect_when_listening(port);
    drop(child.stdin.take()); // end of input: the server half-closes
    let mut got = Vec::new();
    client.read_to_end(&mut got).unwrap();
    assert_eq!(String::from_utf8_lossy(&got), "+OK ready\r\n");
    drop(client);
    assert_eq!(child.wait_with_output().unwrap().status.code(), Some(0));
}

/// `--quit-after-eof` (nc -q): once stdin has ended, wait that long for
/// a server that never closes, then quit with status 0.
#[test]
fn quit_after_eof_gives_up_on_a_server_that_stays() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        socket.write_all(b"hello, and I stay\n").unwrap();
        let mut got = Vec::new();
        socket.read_to_end(&mut got).unwrap(); // until the client is gone
        got
    });
    let out = wirepost(
        &[
            "tcp",
            &format!("127.0.0.1:{port}"),
            "--quit-after-eof",
            "0.3",
        ],
        b"ping\n",
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, b"hello, and I stay\n");
    assert_eq!(server.join().unwrap(), b"ping\n");
}

/// `--idle-timeout` (ncat -i): nothing moving either way ends the pipe
/// with status 3 and a word on stderr.
#[test]
fn idle_timeout_closes_a_silent_connection() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        socket.read_to_end(&mut got).unwrap();
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["tcp", &format!("127.0.0.1:{port}"), "-i", "0.3"])
        .stdin(Stdio::piped()) // kept open: no end of input
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _stdin = child.stdin.take();
    let out = child.wait_with_output().unwrap();
    server.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("--idle-timeout"), "{stderr}");
}

/// A file on stdin goes whole (sendfile), and the help names the exit
/// statuses.
#[test]
fn a_file_on_stdin_goes_whole_and_the_help_names_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("payload");
    let payload: Vec<u8> = (0..2_000_000u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&path, &payload).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        socket.read_to_end(&mut got).unwrap();
        got
    });
    let out = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["tcp", &format!("127.0.0.1:{port}")])
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(server.join().unwrap() == payload, "every byte arrived");
    let help = wirepost(&["tcp", "--help"], b"");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("Exit status: 0 when the peer closed"),
        "{help}"
    );
    assert!(help.contains("3 when --idle-timeout ran out"), "{help}");
}

/// `listen --peer-prefix` labels each line with its sender, and clients
/// coming and going are reported on stderr.
#[test]
fn listen_labels_lines_with_their_peer_and_reports_clients() {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirepost"))
        .args(["listen", &format!("127.0.0.1:{port}"), "--peer-prefix"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr_text = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let mut stderr = child.stderr.take().unwrap();
        let text = stderr_text.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 256];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                text.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        })
    };
    let mut first = connect_when_listening(port);
    let mut second = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (a, b) = (first.local_addr().unwrap(), second.local_addr().unwrap());
    // Both are in before either leaves: the server ends with its last one.
    let start = std::time::Instant::now();
    while !stderr_text
        .lock()
        .unwrap()
        .contains(&format!("connection from {b}"))
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the second client was not reported"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    first.write_all(b"one, ").unwrap();
    second.write_all(b"from b\n").unwrap();
    first.write_all(b"from a\nno newline").unwrap();
    drop(first);
    drop(second);
    let out = child.wait_with_output().unwrap();
    reader.join().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = stderr_text.lock().unwrap().clone();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.contains(&format!("[{b}] from b").as_str()),
        "{stdout}"
    );
    assert!(
        lines.contains(&format!("[{a}] one, from a").as_str()),
        "{stdout}"
    );
    assert!(
        lines.contains(&format!("[{a}] no newline").as_str()),
        "{stdout}"
    );
    for peer in [a, b] {
        assert!(
            stderr.contains(&format!("connection from {peer}")),
            "{stderr}"
        );
        assert!(stderr.contains(&format!("{peer} disconnected")), "{stderr}");
    }
}
