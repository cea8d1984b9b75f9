use crate::app::TextLine;
use crate::app::sockets::{SessionState, SocketSession, ViewMode};
use crate::app::{App, Keymap};
use crate::config::{Config, ConfigOrigin, LoadedConfig};
use crate::net::pipe_buffer::DataPipe;
use crate::net::session::{Chunk, Direction, PipeHandle, SessionKind, TlsInfo};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

fn app() -> App {
    let loaded = LoadedConfig {
        config: Config::default(),
        origin: ConfigOrigin::Missing(PathBuf::from("/home/user/.config/wirepost/config.toml")),
    };
    let mut app = App::new(loaded, Keymap::build(&BTreeMap::new()).unwrap());
    // Snapshots must not depend on the machine's time zone.
    app.sockets.time_zone = crate::net::timefmt::TimeZone::Utc;
    app.tab = crate::app::Tab::Sockets;
    app
}

fn session(id: u64, kind: SessionKind, address: &str) -> SocketSession {
    SocketSession::new(id, kind, address.into(), PipeHandle(DataPipe::new()))
}

fn chunk(dir: Direction, ms: u64, data: &[u8]) -> Chunk {
    Chunk {
        dir,
        at: SystemTime::UNIX_EPOCH + Duration::from_millis(45_296_000 + ms),
        peer: None,
        data: data.to_vec(),
    }
}

fn with_sessions() -> App {
    let mut app = app();
    let mut http = session(1, SessionKind::Tcp, "example.com:80");
    http.state = SessionState::Closed;
    http.local = Some("127.0.0.1:40000".parse().unwrap());
    http.peer = Some("93.184.215.14:80".parse().unwrap());
    http.bytes_out = 60;
    http.bytes_in = 210;
    for c in [
        chunk(
            Direction::Out,
            0,
            b"GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
        ),
        chunk(
            Direction::In,
            31,
            b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n\x1b[2Jhi\x00\xff\tthere\n",
        ),
    ] {
        http.transcript.push(c);
    }
    let mut listener = session(2, SessionKind::Listener, "127.0.0.1:9999");
    listener.state = SessionState::Listening;
    let mut client = session(3, SessionKind::Accepted, "127.0.0.1:51000");
    client.parent = Some(2);
    client.state = SessionState::Connected;
    let mut tls = session(4, SessionKind::Tls, "localhost:993");
    tls.state = SessionState::Connected;
    tls.tls_options.accept_invalid_certs = true;
    tls.tls = Some(TlsInfo {
        protocol: "TLS 1.3".into(),
        cipher: "TLS13_AES_256_GCM_SHA384".into(),
        chain: vec![crate::net::cert::CertSummary {
            subject: "CN=localhost".into(),
            issuer: "CN=wirepost test CA".into(),
            names: vec!["localhost".into(), "127.0.0.1".into()],
            not_before: 1_700_000_000,
            not_after: 1_949_875_200,
            key: "EC P-256".into(),
            sha256: "3A:7F:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD".into(),
            key_sha256: "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF".into(),
            is_ca: false,
        }],
        verdict: "NOT verified (checks are off); the check says: self-signed (CN=wirepost test CA)".into(),
        raw: Some("invalid peer certificate: UnknownIssuer".into()),
        pin: None,
        verified: false,
        refused: false,
        ours: false,
        at: 1_800_000_000,
    });
    app.sockets.sessions = vec![http, listener, client, tls];
    app.sockets.input = TextLine::with_text("GET /\\r\\n");
    app.dirty = false;
    app
}

fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| crate::ui::render(app, f)).unwrap();
    // Ages depend on the clock; they are all "0s" within a test run.
    format!("{}", terminal.backend())
}

#[test]
fn session_text_view() {
    insta::assert_snapshot!(draw(&with_sessions(), 100, 24));
}

#[test]
fn session_hex_view() {
    let mut app = with_sessions();
    app.sockets.view = ViewMode::Hex;
    insta::assert_snapshot!(draw(&app, 100, 24));
}

#[test]
fn session_split_view() {
    let mut app = with_sessions();
    app.sockets.view = ViewMode::Split;
    insta::assert_snapshot!(draw(&app, 140, 24));
}

#[test]
fn insecure_tls_session_shows_a_warning() {
    let mut app = with_sessions();
    app.sockets.selected = 3;
    insta::assert_snapshot!(draw(&app, 100, 12));
}

#[test]
fn t_shows_the_certificate_chain_the_verdict_and_the_raw_reason() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = with_sessions();
    app.sockets.selected = 3;
    app.sockets.focus = crate::app::sockets::Focus::List;
    let t = KeyEvent::new(KeyCode::Char('t'), KeyModifiers::NONE);
    app.update(crate::app::Event::Key(t));
    assert_eq!(
        app.overlay,
        Some(crate::app::Overlay::Certificate { scroll: 0 })
    );
    insta::assert_snapshot!(draw(&app, 100, 20));
    // A session without TLS has nothing to show, and says so.
    app.overlay = None;
    app.sockets.selected = 0;
    app.update(crate::app::Event::Key(t));
    assert_eq!(app.overlay, None);
    assert!(app.status.message.is_some());
}

#[test]
fn command_line_with_hints() {
    let mut app = with_sessions();
    app.sockets.prompt = Some(TextLine::with_text("l"));
    insta::assert_snapshot!(draw(&app, 100, 16));
}
