//! The socket engines against real peers on loopback: a real HTTP server,
//! hundreds of concurrent clients on a listener, UDP, and TLS/STARTTLS
//! with the real Dovecot and Postfix.

mod common;

use common::mailstack::Mailstack;
use common::peers::{HttpServer, free_port};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use wirepost::net::hub;
use wirepost::net::pipe_buffer::DataPipe;
use wirepost::net::registry::Registry;
use wirepost::net::session::{
    Direction, MailProtocol, OpenSpec, Rules, SessionCommand, SessionEvent, SessionId, TlsInfo,
    fresh_session_id,
};
use wirepost::net::tls::TlsOptions;
use wirepost::report::{Report, Reporter};

/// Bounds every wait, so a broken engine fails the test instead of hanging.
const WAIT: Duration = Duration::from_secs(30);

/// One session driven the way the app drives it, with what it reported.
struct Probe {
    id: SessionId,
    events: mpsc::Receiver<Report<SessionEvent>>,
    commands: mpsc::Sender<SessionCommand>,
    registry: Registry,
    pipes: HashMap<SessionId, Arc<DataPipe>>,
    received: HashMap<SessionId, Vec<u8>>,
    sent: HashMap<SessionId, Vec<u8>>,
    closed: HashMap<SessionId, Option<String>>,
    tls: Option<TlsInfo>,
    warnings: Vec<String>,
}

impl Probe {
    fn open(spec: OpenSpec) -> Probe {
        let (events_tx, events) = Reporter::channel(1024);
        let (commands, rx) = mpsc::channel(64);
        let id = fresh_session_id();
        let sink = hub::sink_for(id, events_tx, true);
        let registry = Registry::default();
        let mut pipes = HashMap::new();
        pipes.insert(id, sink.pipe.clone());
        tokio::spawn(hub::open(spec, rx, sink, registry.clone()));
        Probe {
            id,
            events,
            commands,
            registry,
            pipes,
            received: HashMap::new(),
            sent: HashMap::new(),
            closed: HashMap::new(),
            tls: None,
            warnings: Vec::new(),
        }
    }

    /// Handles reports until `done` holds.
    async fn until(&mut self, what: &str, done: impl Fn(&Probe) -> bool) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done(self) {
            let event = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("engine channel open");
            let Report::Event(event) = event else {
                continue;
            };
            match event {
                SessionEvent::Accepted { id, pipe, .. } => {
                    self.pipes.insert(id, pipe.0);
                }
                SessionEvent::Data { id } => self.drain(id),
                SessionEvent::Tls { info, .. } => self.tls = Some(info),
                SessionEvent::Warning { text, .. } => self.warnings.push(text),
                SessionEvent::Closed { id, error } => {
                    self.drain(id);
                    self.closed.insert(id, error);
                }
                _ => {}
            }
        }
    }

    fn drain(&mut self, id: SessionId) {
        if let Some(pipe) = self.pipes.get(&id) {
            for chunk in pipe.drain() {
                let into = match chunk.dir {
                    Direction::In => self.received.entry(id).or_default(),
                    Direction::Out => self.sent.entry(id).or_default(),
                };
                into.extend_from_slice(&chunk.data);
            }
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(self.received.get(&self.id).map_or(&[][..], |v| v)).into_owned()
    }

    async fn send(&self, text: &str) {
        self.commands
            .send(SessionCommand::Send(text.as_bytes().to_vec()))
            .await
            .unwrap();
    }
}

fn connect(target: &str, tls: Option<TlsOptions>) -> OpenSpec {
    OpenSpec::Connect {
        target: target.into(),
        tls,
        sni: None,
        timeout: Duration::from_secs(10),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_get_reads_until_the_server_closes() {
    let server = HttpServer::start();
    let mut probe = Probe::open(connect(&format!("127.0.0.1:{}", server.port), None));
    probe
        .send("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await;
    let id = probe.id;
    probe
        .until("the server to close", |p| p.closed.contains_key(&id))
        .await;
    assert_eq!(probe.closed[&id], None, "a clean close");
    let text = probe.text();
    assert!(text.starts_with("HTTP/1.0 200 OK\r\n"), "{text}");
    assert!(text.ends_with("<h1>hello from python</h1>\n"), "{text}");
    assert!(probe.sent[&id].starts_with(b"GET / HTTP/1.1\r\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_errors_are_clear() {
    let port = free_port(); // nothing listens there any more
    let mut refused = Probe::open(connect(&format!("127.0.0.1:{port}"), None));
    let id = refused.id;
    refused
        .until("refusal", |p| p.closed.contains_key(&id))
        .await;
    let error = refused.closed[&id].clone().unwrap();
    assert!(error.contains("connection refused"), "{error}");

    let mut unknown = Probe::open(connect("no-such-host.invalid:80", None));
    let id = unknown.id;
    unknown
        .until("DNS failure", |p| p.closed.contains_key(&id))
        .await;
    let error = unknown.closed[&id].clone().unwrap();
    assert!(
        error.contains("cannot resolve no-such-host.invalid"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_close_sends_fin_and_keeps_reading() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut got = Vec::new();
        socket.read_to_end(&mut got).await.unwrap(); // ends at our FIN
        socket.write_all(b"you said: ").await.unwrap();
        socket.write_all(&got).await.unwrap();
    });
    let mut probe = Probe::open(connect(&addr.to_string(), None));
    probe.send("ping").await;
    probe
        .commands
        .send(SessionCommand::HalfClose)
        .await
        .unwrap();
    let id = probe.id;
    probe
        .until("the reply after FIN", |p| p.closed.contains_key(&id))
        .await;
    assert_eq!(probe.text(), "you said: ping");
    server.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listener_serves_hundreds_of_concurrent_clients_byte_exact() {
    const CLIENTS: usize = 250;
    let port = free_port();
    let mut probe = Probe::open(OpenSpec::Listen {
        addr: format!("127.0.0.1:{port}"),
        tls: None,
        rules: Rules {
            greeting: Some(b"Welcome!".to_vec()),
            reply: Some("Hello, {line}!".into()),
            bye: Some("exit".into()),
        },
    });
    // Wait until bound: the first client would otherwise be refused.
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < WAIT);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // That probe connection is a client too; it is gone before ours start.
    let barrier = Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let mut clients = Vec::new();
    for n in 0..CLIENTS {
        let barrier = barrier.clone();
        clients.push(tokio::spawn(async move {
            let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .unwrap();
            // Every client is connected before any speaks: truly concurrent.
            barrier.wait().await;
            let payload = format!("client {n}\nline two of {n}\r\nexit\n");
            socket.write_all(payload.as_bytes()).await.unwrap();
            let mut reply = Vec::new();
            socket.read_to_end(&mut reply).await.unwrap();
            (n, payload, String::from_utf8(reply).unwrap())
        }));
    }
    let mut expected_in = HashMap::new();
    for client in clients {
        let (n, payload, reply) = client.await.unwrap();
        assert_eq!(
            reply,
            format!("Welcome!\nHello, client {n}!\nHello, line two of {n}!\r\n"),
            "client {n}"
        );
        expected_in.insert(payload, reply);
    }
    // Every accepted session ends, and its transcript holds exactly what
    // its client sent and received.
    probe
        .until("all clients to close", |p| {
            p.closed.keys().filter(|id| **id != p.id).count() > CLIENTS
        })
        .await;
    let mut matched = 0;
    for (id, received) in &probe.received {
        let received = String::from_utf8(received.clone()).unwrap();
        if let Some(reply) = expected_in.get(&received) {
            assert_eq!(String::from_utf8(probe.sent[id].clone()).unwrap(), *reply);
            assert_eq!(probe.closed[id], None, "a clean close");
            matched += 1;
        }
    }
    assert_eq!(
        matched,
        CLIENTS,
        "{:?}",
        probe
            .received
            .values()
            .take(3)
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect::<Vec<_>>()
    );
    // Stop listening: the listener session ends cleanly.
    probe.commands.send(SessionCommand::Close).await.unwrap();
    let id = probe.id;
    probe
        .until("the listener to stop", |p| p.closed.contains_key(&id))
        .await;
    assert!(probe.registry.get(id).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udp_server_answers_each_sender_and_client_sees_replies() {
    let port = {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.local_addr().unwrap().port()
    };
    let mut server = Probe::open(OpenSpec::UdpBind {
        addr: format!("127.0.0.1:{port}"),
        rules: Rules {
            reply: Some("Hello, {line}!".into()),
            ..Rules::default()
        },
    });
    // Wait for the bind report before sending.
    let mut bound = false;
    while !bound {
        let event = tokio::time::timeout(WAIT, server.events.recv())
            .await
            .unwrap()
            .unwrap();
        bound = matches!(event, Report::Event(SessionEvent::Bound { .. }));
    }
    let mut client = Probe::open(OpenSpec::UdpSend {
        target: format!("127.0.0.1:{port}"),
    });
    for name in ["Michael", "Tracy", "Sarah"] {
        client.send(name).await;
    }
    client
        .until("three replies", |p| p.text().matches('!').count() == 3)
        .await;
    assert_eq!(client.text(), "Hello, Michael!Hello, Tracy!Hello, Sarah!");
    server
        .until("three datagrams", |p| p.text().len() == 17)
        .await;
    assert_eq!(server.text(), "MichaelTracySarah");
}

async fn starttls(stack: &Mailstack, port: u16, protocol: MailProtocol) -> Probe {
    let mut probe = Probe::open(connect(&format!("localhost:{port}"), None));
    let tls = TlsOptions {
        extra_ca: Some(stack.ca.clone()),
        accept_invalid_certs: false,
        pin_file: None,
    };
    probe
        .commands
        .send(SessionCommand::StartTls { protocol, tls })
        .await
        .unwrap();
    probe
        .until("TLS", |p| p.tls.is_some() || !p.closed.is_empty())
        .await;
    assert!(probe.closed.is_empty(), "{:?}", probe.closed);
    let tls = probe.tls.clone().unwrap();
    assert!(tls.protocol.starts_with("TLS 1."), "{tls:?}");
    assert!(tls.verified);
    assert!(probe.warnings.is_empty(), "{:?}", probe.warnings);
    probe
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_upgrades_smtp_imap_and_pop3_in_place() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    // SMTP: after the upgrade the server answers a fresh EHLO over TLS.
    let mut smtp = starttls(&stack, stack.submission_port, MailProtocol::Smtp).await;
    let before = smtp.text().len();
    smtp.send("EHLO again\r\n").await;
    smtp.until("EHLO over TLS", |p| p.text()[before..].contains("250 "))
        .await;
    assert!(
        smtp.text()[before..].contains("AUTH"),
        "AUTH is offered once encrypted"
    );
    assert!(
        smtp.text().starts_with("220 "),
        "the greeting is in the transcript"
    );

    let mut imap = starttls(&stack, stack.imap_port, MailProtocol::Imap).await;
    let before = imap.text().len();
    imap.send("a1 CAPABILITY\r\n").await;
    imap.until("CAPABILITY over TLS", |p| {
        p.text()[before..].contains("a1 OK")
    })
    .await;
    assert!(
        !imap.text()[before..].contains("STARTTLS"),
        "no STARTTLS once encrypted"
    );

    let mut pop3 = starttls(&stack, stack.pop3_port, MailProtocol::Pop3).await;
    let before = pop3.text().len();
    pop3.send("CAPA\r\n").await;
    pop3.until("CAPA over TLS", |p| {
        p.text()[before..].contains("\r\n.\r\n")
    })
    .await;
    pop3.send("QUIT\r\n").await;
    let id = pop3.id;
    pop3.until("POP3 to close", |p| p.closed.contains_key(&id))
        .await;
    assert_eq!(pop3.closed[&id], None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_verifies_with_the_ca_and_refuses_without_it() {
    let Some(stack) = Mailstack::get() else {
        return;
    };
    let target = format!("localhost:{}", stack.imaps_port);
    let verified = TlsOptions {
        extra_ca: Some(stack.ca.clone()),
        accept_invalid_certs: false,
        pin_file: None,
    };
    let mut probe = Probe::open(connect(&target, Some(verified)));
    probe
        .until("the IMAP greeting", |p| p.text().contains("* OK"))
        .await;
    let tls = probe.tls.clone().unwrap();
    let leaf = &tls.chain[0];
    assert!(leaf.subject.contains("CN="), "{tls:?}");
    assert!(leaf.names.iter().any(|n| n == "localhost"), "{tls:?}");
    assert_eq!(leaf.sha256.len(), 95, "{tls:?}");
    assert!(tls.verdict.starts_with("trusted: valid for"), "{tls:?}");
    assert!(tls.verified);

    let mut untrusted = Probe::open(connect(&target, Some(TlsOptions::default())));
    let id = untrusted.id;
    untrusted
        .until("the handshake to fail", |p| p.closed.contains_key(&id))
        .await;
    let error = untrusted.closed[&id].clone().unwrap();
    assert!(error.contains("TLS handshake failed"), "{error}");
    assert!(error.contains("an authority not trusted here"), "{error}");
    // The refused chain is still there to look at, with the raw reason.
    let refused = untrusted.tls.clone().unwrap();
    assert!(refused.refused && !refused.chain.is_empty(), "{refused:?}");
    assert!(refused.raw.unwrap().contains("UnknownIssuer"));

    let insecure = TlsOptions {
        extra_ca: None,
        accept_invalid_certs: true,
        pin_file: None,
    };
    let mut probe = Probe::open(connect(&target, Some(insecure)));
    probe
        .until("the greeting without checks", |p| p.text().contains("* OK"))
        .await;
    assert!(!probe.tls.clone().unwrap().verified);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_listener_with_a_generated_certificate() {
    let port = free_port();
    let mut server = Probe::open(OpenSpec::Listen {
        addr: format!("127.0.0.1:{port}"),
        tls: Some(wirepost::net::session::ServerCert::Generated),
        rules: Rules {
            greeting: Some(b"secret hello".to_vec()),
            ..Rules::default()
        },
    });
    let mut bound = false;
    let mut own = None;
    while !bound {
        let event = tokio::time::timeout(WAIT, server.events.recv())
            .await
            .unwrap()
            .unwrap();
        if let Report::Event(SessionEvent::Tls { info, .. }) = &event {
            own = Some(info.clone());
        }
        bound = matches!(event, Report::Event(SessionEvent::Bound { .. }));
    }
    // The listener shows the certificate it presents, before any client.
    let own = own.expect("the listener reports its own certificate");
    assert!(
        own.ours && own.verdict.starts_with("our own certificate"),
        "{own:?}"
    );
    assert_eq!(own.chain[0].names, ["localhost", "127.0.0.1", "::1"]);
    let insecure = TlsOptions {
        extra_ca: None,
        accept_invalid_certs: true,
        pin_file: None,
    };
    let mut client = Probe::open(connect(&format!("localhost:{port}"), Some(insecure)));
    client
        .until("the greeting over TLS", |p| p.text() == "secret hello\n")
        .await;
    let tls = client.tls.clone().unwrap();
    assert!(tls.protocol.starts_with("TLS 1."), "{tls:?}");
    // The client, with checks off, still sees what the check would say,
    // and the same key the listener reported.
    assert!(tls.verdict.contains("self-signed"), "{tls:?}");
    assert_eq!(tls.chain[0].key_sha256, own.chain[0].key_sha256);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_listener_and_client() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        return; // no IPv6 loopback here
    }
    let port = std::net::TcpListener::bind("[::1]:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Probe::open(OpenSpec::Listen {
        addr: format!("[::1]:{port}"),
        tls: None,
        rules: Rules {
            reply: Some("v6 says {line}".into()),
            ..Rules::default()
        },
    });
    let mut bound = false;
    while !bound {
        let event = tokio::time::timeout(WAIT, server.events.recv())
            .await
            .unwrap()
            .unwrap();
        bound = matches!(event, Report::Event(SessionEvent::Bound { .. }));
    }
    let mut client = Probe::open(connect(&format!("[::1]:{port}"), None));
    client.send("hi\n").await;
    client
        .until("the reply over IPv6", |p| p.text() == "v6 says hi\n")
        .await;
}

/// A fake SMTP server that smuggles bytes after its STARTTLS go-ahead, then
/// really speaks TLS: the smuggled bytes must be shown and warned about,
/// never fed to TLS, and the encrypted session must work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_shows_bytes_smuggled_after_the_go_ahead() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor =
        wirepost::net::listener::acceptor(&wirepost::net::session::ServerCert::Generated).unwrap();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let mut socket = BufReader::new(socket);
        socket
            .get_mut()
            .write_all(b"220 fake ESMTP\r\n")
            .await
            .unwrap();
        let mut line = String::new();
        socket.read_line(&mut line).await.unwrap();
        assert_eq!(line, "EHLO wirepost\r\n");
        socket
            .get_mut()
            .write_all(b"250-fake\r\n250 STARTTLS\r\n")
            .await
            .unwrap();
        line.clear();
        socket.read_line(&mut line).await.unwrap();
        assert_eq!(line, "STARTTLS\r\n");
        socket
            .get_mut()
            .write_all(b"220 go ahead\r\nINJECTED\r\n")
            .await
            .unwrap();
        let mut tls = acceptor.acceptor.accept(socket.into_inner()).await.unwrap();
        let mut buf = [0u8; 15];
        tls.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"hello over tls\n");
        tls.write_all(b"tls echo\n").await.unwrap();
        tls.shutdown().await.unwrap();
    });
    let mut probe = Probe::open(connect(&addr.to_string(), None));
    let tls = TlsOptions {
        extra_ca: None,
        accept_invalid_certs: true,
        pin_file: None,
    };
    probe
        .commands
        .send(SessionCommand::StartTls {
            protocol: MailProtocol::Smtp,
            tls,
        })
        .await
        .unwrap();
    probe
        .until("TLS", |p| p.tls.is_some() || !p.closed.is_empty())
        .await;
    assert!(probe.closed.is_empty(), "{:?}", probe.closed);
    assert_eq!(probe.warnings.len(), 1, "{:?}", probe.warnings);
    assert!(probe.warnings[0].contains("10 bytes after its STARTTLS go-ahead"));
    probe.send("hello over tls\n").await;
    let id = probe.id;
    probe
        .until("the server to close", |p| p.closed.contains_key(&id))
        .await;
    assert_eq!(
        probe.text(),
        "220 fake ESMTP\r\n250-fake\r\n250 STARTTLS\r\n220 go ahead\r\nINJECTED\r\ntls echo\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&probe.sent[&id]),
        "EHLO wirepost\r\nSTARTTLS\r\nhello over tls\n"
    );
    server.await.unwrap();
}
